"""Proposals ("I wish…"): participants propose, others support, coordinators answer.

Who sees what: the people of a meeting place (any role) see its proposals, administrators
every place's; names of proposers only staff of the place. Coordinators of the place (and
administrators: accounts.policy.manages) answer: *We'll do it* makes an activity from the
proposal, closed to others while the people who asked for it may join (`asked_for`, the
head-start rule registered with activities), *Not now* with a reason, or *Joined with*
another proposal, where its supporters go. Everyone who asked is told, in their language.

A change of one proposal owns its row first (`_lock`), so supports and answers of the same
proposal happen one at a time; a support is once per person (a unique constraint)."""

from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, func, literal_column, or_, select, update
from sqlalchemy.exc import IntegrityError

from portal import speed, work
from portal.accounts import policy
from portal.accounts.models import Role, Site, User
from portal.activities import services as activities
from portal.activities.models import Activity, ActivityStatus, Kind
from portal.audit.models import record
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.i18n import _l
from portal.notify.services import notify
from portal.voice.models import (
    ANSWERED,
    STATUS_NAMES,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Support,
    language_choices,
    language_name,
)

ANSWERED_SHOWN = 30  # answered proposals listed on a place's page
# What a proposal's card (voice/_proposal.html) reads of it.
CARD_COLUMNS = ("id", "site_id", "proposer_id", "kind", "title", "description", "languages",
                "can_help", "status", "support_count")


# -- who may do what ---------------------------------------------------------------------------

def can_see(user: User, site_id: int) -> bool:
    """The people of the place, whatever their role, and administrators."""
    return user.is_authenticated and (user.is_admin or user.role_at(site_id) is not None)


def sees_names(user: User, site_id: int) -> bool:
    """Staff of the place see who proposed (to ask them to help run it)."""
    return user.is_authenticated and user.has_role(site_id, Role.VOLUNTEER, Role.COORDINATOR,
                                                   Role.ADMIN)


def can_answer(user: User, site_id: int) -> bool:
    return user.is_authenticated and policy.manages(user, site_id)


def can_propose(user: User, site_id: int) -> bool:
    """Anyone who belongs to the place (administrators only where they belong)."""
    return user.is_authenticated and user.role_at(site_id) is not None


def my_sites(user: User) -> list[Site]:
    return [m.site for m in user.memberships]


# -- proposing and reading -----------------------------------------------------------------------

@dataclass
class ProposalData:
    kind: str
    title: str
    description: str = ""
    languages: list[str] = field(default_factory=list)
    can_help: bool = False


def propose(user: User, site: Site, data: ProposalData) -> Proposal:
    if not can_propose(user, site.id):
        raise DomainError(_l("You can only make proposals at your own meeting place."))
    known = language_choices(site.country)
    if set(data.languages) - set(known):
        raise DomainError(_l("Choose only from the options shown."), field="languages")
    proposal = Proposal(site_id=site.id, proposer_id=user.id, kind=ProposalKind(data.kind),
                        title=data.title, description=data.description,
                        languages=",".join(c for c in known if c in data.languages),
                        can_help=data.can_help)
    db.session.add(proposal)
    db.session.flush()
    return proposal


def open_proposals(site: Site, user: User) -> list[tuple]:
    """Open proposals, the most supported first, each with whether this user supports it: as
    plain rows of what a card shows (the list only shows them), in one statement built once
    per process — no Proposal objects with their place joined in (about 0.2 ms for the three
    cards of the demo place)."""
    rows = speed.rows(_open_statement(), {"site_id": site.id, "user_id": user.id})
    return [(row, bool(row.mine)) for row in rows]


@speed.statement
def _open_statement():
    proposal, support = Proposal.__table__, Support.__table__
    mine = select(support.c.proposal_id).where(support.c.user_id == bindparam("user_id"))
    return (select(*(proposal.c[name] for name in CARD_COLUMNS),
                   proposal.c.id.in_(mine).label("mine"))
            .where(proposal.c.site_id == bindparam("site_id"),
                   proposal.c.status == ProposalStatus.OPEN)
            .order_by(proposal.c.support_count.desc(), proposal.c.created_at, proposal.c.id))


def proposal_page(proposal_id: int, user: User):
    """What a proposal's own page shows, as one plain row: the card's columns, its dates,
    reason and answer, its place's name and time zone, the proposer's name and the title of
    the proposal it was joined with (None when each is gone), and whether `user` supports it
    (`mine`, as supports() says); or None when there is no such proposal. One statement built
    once per process instead of a Proposal with its place joined in, the proposer and joined
    proposal loaded one by one, and a Support looked up (about 0.6 ms a page)."""
    return speed.rows(_page_statement(), {"proposal_id": proposal_id, "user_id": user.id}).first()


@speed.statement
def _page_statement():
    proposal, site, user = Proposal.__table__, Site.__table__, User.__table__
    joined, support = proposal.alias("joined"), Support.__table__
    mine = select(support.c.id).where(support.c.proposal_id == proposal.c.id,
                                      support.c.user_id == bindparam("user_id")).exists()
    return (select(*(proposal.c[name] for name in CARD_COLUMNS), proposal.c.created_at,
                   proposal.c.answered_at, proposal.c.reason, proposal.c.activity_id,
                   proposal.c.joined_into_id, site.c.name.label("site_name"),
                   site.c.timezone.label("site_timezone"),
                   user.c.display_name.label("proposer_name"),
                   joined.c.title.label("joined_title"), mine.label("mine"))
            .select_from(proposal.join(site, site.c.id == proposal.c.site_id)
                         .outerjoin(user, user.c.id == proposal.c.proposer_id)
                         .outerjoin(joined, joined.c.id == proposal.c.joined_into_id))
            .where(proposal.c.id == bindparam("proposal_id")))


def answered(site: Site, limit: int = ANSWERED_SHOWN) -> list:
    """The latest answered proposals, newest first, as plain rows of what the list shows (id,
    title, status, answered_at): only shown, so no Proposal objects to build."""
    return speed.rows(_answered_statement(limit), {"site_id": site.id}).all()


@speed.statement
def _answered_statement(limit: int):
    # The answered statuses are written into the SQL (constants of the code, not input): a
    # bound IN list is rewritten by SQLAlchemy on every run, which keeps the statement off
    # speed.rows' fast path (about 0.08 ms of the place's page).
    proposal = Proposal.__table__
    answered = [literal_column(f"'{status}'") for status in ANSWERED]
    return (select(proposal.c.id, proposal.c.title, proposal.c.status, proposal.c.answered_at)
            .where(proposal.c.site_id == bindparam("site_id"), proposal.c.status.in_(answered))
            .order_by(proposal.c.answered_at.desc(), proposal.c.id.desc()).limit(limit))


def supports(user: User, proposal) -> bool:
    """Whether the user supports the proposal (a Proposal or a card's row): one plain row
    asked for, not a Support object."""
    return user.is_authenticated and speed.rows(_supports_statement(), {
        "proposal_id": proposal.id, "user_id": user.id}).first() is not None


@speed.statement
def _supports_statement():
    support = Support.__table__
    return select(support.c.id).where(support.c.proposal_id == bindparam("proposal_id"),
                                      support.c.user_id == bindparam("user_id"))


def outcomes(site: Site, limit: int = 10) -> list[tuple[str, str]]:
    """For the place's public page ("You asked — we did"): the latest proposals and what
    became of them, as (title, status name) and nothing else. The texts of deleted accounts'
    proposals that were not realised are blank: those are left out."""
    rows = db.session.execute(select(Proposal.title, Proposal.status).where(
        Proposal.site_id == site.id, Proposal.status != ProposalStatus.WITHDRAWN,
        Proposal.title != "")
        .order_by(func.coalesce(Proposal.answered_at, Proposal.created_at).desc(),
                  Proposal.id.desc()).limit(limit))
    return [(title, STATUS_NAMES[status]) for title, status in rows]


def join_targets(proposal: Proposal) -> list:
    """What a proposal can be joined with: the place's other open or realised proposals, as
    plain rows of id and title (a choice list), in a statement built once per process — not
    Proposal objects with their place joined in (about 0.3 ms with the demo's four)."""
    return speed.rows(_join_targets_statement(), {
        "site_id": proposal.site_id, "proposal_id": proposal.id}).all()


@speed.statement
def _join_targets_statement():
    proposal = Proposal.__table__
    return (select(proposal.c.id, proposal.c.title)
            .where(proposal.c.site_id == bindparam("site_id"),
                   proposal.c.id != bindparam("proposal_id"),
                   proposal.c.status.in_([ProposalStatus.OPEN,
                                          ProposalStatus.REALISED]),
                   proposal.c.title != "")
            .order_by(proposal.c.title))


# -- supporting ----------------------------------------------------------------------------------

def _lock(proposal_id: int) -> Proposal:
    """Own the proposal until the unit of work ends: a write on its row (that changes
    nothing), which waits for every other change of it (row lock on PostgreSQL, write lock on
    SQLite). Returns it read again, as it is now."""
    found = work.lock(update(Proposal).where(Proposal.id == proposal_id)
                      .values(support_count=Proposal.support_count)
                      .returning(Proposal.id)).scalar()
    if found is None:
        raise DomainError(_l("This proposal does not exist any more."))
    return db.session.get(Proposal, proposal_id, populate_existing=True)


def _support_of(user_id: int, proposal_id: int) -> Support | None:
    return db.session.scalar(select(Support).where(Support.proposal_id == proposal_id,
                                                   Support.user_id == user_id))


def _still_open(proposal: Proposal) -> None:
    if proposal.status == ProposalStatus.WITHDRAWN:
        raise DomainError(_l("This proposal was taken back."))
    if proposal.status != ProposalStatus.OPEN:
        raise DomainError(_l("This proposal has an answer already."))


def support(user: User, proposal_id: int) -> Proposal:
    """Support a proposal, once: tapping again changes nothing."""
    proposal = _lock(proposal_id)
    if not can_propose(user, proposal.site_id):
        raise DomainError(_l("Only people at this meeting place can support its proposals."))
    if proposal.proposer_id == user.id:
        raise DomainError(_l("This is your own proposal."))
    _still_open(proposal)
    if _support_of(user.id, proposal.id) is None:
        try:
            with db.session.begin_nested():  # the same person twice at once: kept once
                db.session.add(Support(proposal_id=proposal.id, user_id=user.id))
                db.session.flush()
        except IntegrityError:
            return proposal
        proposal.support_count += 1
    return proposal


def withdraw_support(user: User, proposal_id: int) -> Proposal:
    proposal = _lock(proposal_id)
    _still_open(proposal)
    removed = db.session.execute(delete(Support).where(
        Support.proposal_id == proposal.id, Support.user_id == user.id)).rowcount
    proposal.support_count = max(proposal.support_count - removed, 0)
    return proposal


def take_back(user: User, proposal_id: int) -> Proposal:
    """The proposer takes their open proposal back."""
    proposal = _lock(proposal_id)
    if proposal.proposer_id != user.id:
        raise DomainError(_l("Only the person who made a proposal can take it back."))
    _still_open(proposal)
    proposal.status = ProposalStatus.WITHDRAWN
    return proposal


# -- answering -------------------------------------------------------------------------------------

def _answerable(actor: User, proposal_id: int) -> Proposal:
    proposal = _lock(proposal_id)
    if not can_answer(actor, proposal.site_id):
        raise DomainError(_l("Only coordinators of this meeting place can answer proposals."))
    _still_open(proposal)
    return proposal


def _answered(actor: User, proposal: Proposal, status: ProposalStatus) -> None:
    proposal.status, proposal.answered_at, proposal.answered_by_id = status, utcnow(), actor.id
    record(actor, f"proposal.{status.value}", "proposal", proposal.id)


def asked_by(proposal: Proposal) -> list[User]:
    """The proposer and everyone who supports the proposal."""
    people = list(db.session.scalars(select(User).join(Support, Support.user_id == User.id)
                                     .where(Support.proposal_id == proposal.id)))
    if proposal.proposer is not None:
        people.insert(0, proposal.proposer)
    return people


def _params(proposal: Proposal, **extra) -> dict:
    return {"proposal_id": proposal.id} | extra  # no title: messages read it when shown


def _language_names(proposal: Proposal, site: Site) -> str:
    """The proposal's languages as the activity's list says them: in the place's language,
    within the activity's 120 characters."""
    names = [language_name(code, site.language) for code in proposal.language_codes]
    text = ""
    for name in names:
        longer = f"{text}, {name}" if text else name
        if len(longer) > 120:
            break
        text = longer
    return text


def realise(actor: User, proposal_id: int, kind: str, capacity: int | None) -> Activity:
    """*We'll do it*: a new activity from the proposal, led by the one who answers. It stays
    closed to others until its leaders open it; the people who asked may join it already."""
    proposal = _answerable(actor, proposal_id)
    site = proposal.site
    activity = activities.create_activity(actor, site, activities.ActivityData(
        kind=kind, title=proposal.title, description=proposal.description,
        languages=_language_names(proposal, site),
        capacity=capacity if kind == Kind.STUDY_CIRCLE else None),
        status=ActivityStatus.CLOSED)
    proposal.activity_id = activity.id
    _answered(actor, proposal, ProposalStatus.REALISED)
    notify(asked_by(proposal), "proposal_realised", _params(
        proposal, activity_id=activity.id, cafe=activity.is_cafe))
    return activity


def decline(actor: User, proposal_id: int, reason: str) -> Proposal:
    """*Not now*, with a reason everyone who asked reads."""
    if not reason.strip():
        raise DomainError(_l("Please tell them why."), field="reason")
    proposal = _answerable(actor, proposal_id)
    proposal.reason = reason
    _answered(actor, proposal, ProposalStatus.NOT_NOW)
    notify(asked_by(proposal), "proposal_not_now", _params(proposal, reason=reason))
    return proposal


def join(actor: User, proposal_id: int, into_id: int) -> Proposal:
    """*Joined with* another proposal of the place that is open or realised: the proposer and
    the supporters support that one now (each counted once there)."""
    if into_id == proposal_id:
        raise DomainError(_l("Choose another proposal."), field="into")
    # Both rows owned, in id order: two joins at once never wait for each other in a circle.
    locked = {pid: _lock(pid) for pid in sorted((proposal_id, into_id))}
    proposal, into = locked[proposal_id], locked[into_id]
    if not can_answer(actor, proposal.site_id):
        raise DomainError(_l("Only coordinators of this meeting place can answer proposals."))
    _still_open(proposal)
    if into.site_id != proposal.site_id or into.status not in (ProposalStatus.OPEN,
                                                                ProposalStatus.REALISED):
        raise DomainError(_l("Choose an open proposal at the same meeting place."),
                          field="into")
    told = asked_by(proposal)
    _move_supporters(proposal, into)
    proposal.joined_into_id = into.id
    _answered(actor, proposal, ProposalStatus.JOINED)
    notify(told, "proposal_joined", _params(proposal, into_id=into.id))
    return proposal


def _move_supporters(proposal: Proposal, into: Proposal) -> None:
    """The proposer and supporters of `proposal` support `into` now, unless they do already
    (or proposed it). `proposal` keeps its count: reports count it as supported."""
    there = set(db.session.scalars(select(Support.user_id).where(
        Support.proposal_id == into.id)))
    if into.proposer_id is not None:
        there.add(into.proposer_id)
    moved = 0
    for row in db.session.scalars(select(Support).where(Support.proposal_id == proposal.id)
                                  .order_by(Support.id)):
        if row.user_id in there:
            db.session.delete(row)
        else:
            row.proposal_id = into.id
            there.add(row.user_id)
            moved += 1
    if proposal.proposer_id is not None and proposal.proposer_id not in there:
        db.session.add(Support(proposal_id=into.id, user_id=proposal.proposer_id))
        moved += 1
    into.support_count += moved
    db.session.flush()


# -- the head start ----------------------------------------------------------------------------

def asked_for(user: User, activity: Activity) -> bool:
    """activities' early-joiner rule: the proposer and supporters of a proposal the activity
    was made from may join while it is closed to others."""
    mine = or_(Proposal.proposer_id == user.id, Proposal.id.in_(
        select(Support.proposal_id).where(Support.user_id == user.id)))
    return db.session.scalar(select(Proposal.id).where(
        Proposal.activity_id == activity.id, Proposal.status == ProposalStatus.REALISED,
        mine).limit(1)) is not None
