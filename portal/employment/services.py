"""Road-to-work verbs: partners, work practice, outcomes, job interviews, self-assessment and
the job-centre statement. Services change the session and flush; the unit of work commits.

Who may do what (the same policy as the rest, portal/accounts/policy.py):
- partners: the staff who manage the place (its coordinators, and administrators);
- a participant's placements, outcomes and interviews: the person, and staff who manage a
  place where the person takes part and outrank them (`may_follow`); staff notes: staff only;
- the self-assessment: the person only (reports count it, anonymously);
- the job-centre statement: the person or staff who follow them, and only while the person's
  "attendance for the job centre" consent is in force.
"""

import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, or_, select
from sqlalchemy.engine import Row

from portal import speed
from portal.accounts import policy
from portal.accounts import services as accounts
from portal.accounts.models import Membership, Role, Site, User
from portal.activities.models import Activity, Attendance, AttendanceStatus, Session
from portal.audit.models import record
from portal.audit.services import note_read
from portal.employment.models import (
    SUBSIDIES,
    CheckIn,
    Interview,
    JobExtent,
    Outcome,
    OutcomeKind,
    Partner,
    PartnerKind,
    Placement,
    PlacementStatus,
    Statement,
    Subsidy,
)
from portal.errors import DomainError, raise_all
from portal.extensions import db, utcnow
from portal.goals.models import Goal
from portal.i18n import _, _l
from portal.meetings.models import Booking, BookingStatus
from portal.privacy import consents
from portal.speed import statement

CHECK_IN_DAYS = 91  # a self-assessment at the start and about every three months
MAX_PLACEMENT_DAYS = 2 * 366
MAX_STATEMENT_DAYS = 366
# Follow-up meetings: the participant's meetings at the place from a week before the
# placement starts until a month after it ends.
FOLLOW_UP_BEFORE, FOLLOW_UP_AFTER = timedelta(days=7), timedelta(days=31)


# -- who may do what ---------------------------------------------------------------------------

def managed_sites(user: User) -> list[Site]:
    """The places whose partners and participants this person looks after."""
    if not user.is_authenticated:
        return []
    if user.is_admin:
        return list(db.session.scalars(select(Site).order_by(Site.name)))
    return sorted(user.sites_where(Role.COORDINATOR), key=lambda s: s.name)


def participant_sites(person: User) -> list[int]:
    return [m.site_id for m in person.memberships if m.role == Role.PARTICIPANT]


def takes_part(person: User) -> bool:
    return bool(participant_sites(person)) and person.erased_at is None


def follow_site(actor: User, person: User) -> int | None:
    """The place where the actor looks after this participant, or None: a place the actor
    manages where the person takes part, and the actor must outrank them (policy)."""
    return _follow_site(actor, person.id, person.erased_at, person.memberships)


def _follow_site(actor: User, person_id: int, erased_at, memberships) -> int | None:
    """`follow_site` for a person given by id, erasure time and memberships (anything with
    `site_id` and `role`, in the order of their ids)."""
    if not actor.is_authenticated or not policy.may_act_on_member(actor, person_id, erased_at,
                                                                  memberships):
        return None
    return next((m.site_id for m in memberships
                 if m.role == Role.PARTICIPANT and policy.manages(actor, m.site_id)), None)


@dataclass(frozen=True)
class Followed:
    """A participant as the staff page about them shows them, and where the actor follows
    them."""
    id: int
    display_name: str
    site_id: int


def followed(actor: User, user_id: int) -> Followed | None:
    """The participant the actor follows (`follow_site`), or None: the person and their
    memberships as plain rows of one statement built once per process, not a User with its
    memberships (and their joined sites) loaded by two statements of the ORM (about 0.3 ms of
    the staff page about a participant)."""
    found = speed.rows(_person_with_memberships_statement(), {"user_id": user_id}).all()
    if not found:
        return None
    person = found[0]
    memberships = [row for row in found if row.site_id is not None]
    site_id = _follow_site(actor, person.id, person.erased_at, memberships)
    return None if site_id is None else Followed(person.id, person.display_name, site_id)


@statement
def _person_with_memberships_statement():
    """One row per membership (one without any: a person who belongs nowhere), by id."""
    return (select(User.id, User.display_name, User.erased_at, Membership.site_id,
                   Membership.role)
            .outerjoin(Membership, Membership.user_id == User.id)
            .where(User.id == bindparam("user_id")).order_by(Membership.id))


def may_follow(actor: User, person: User) -> bool:
    return follow_site(actor, person) is not None


def may_see(user: User, person: User) -> bool:
    """The person themself, or staff who follow them."""
    return user.is_authenticated and (user.id == person.id or may_follow(user, person))


def home_site_id(person: User) -> int | None:
    sites = participant_sites(person)
    return sites[0] if sites else None


# -- partners ----------------------------------------------------------------------------------

@dataclass
class PartnerData:
    name: str
    kind: str
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    notes: str = ""


def partners_at(site: Site) -> list[Partner]:
    return list(db.session.scalars(select(Partner).where(
        Partner.site_id == site.id, Partner.removed_at.is_(None)).order_by(Partner.name)))


def partner_list(site: Site) -> list[Row]:
    """The place's partners as its partners page lists them (what partners_at gives, in the
    same order), as plain rows of what the list shows, in a statement built once per process:
    no Partner objects with their place joined in (about 0.25 ms of the page with the demo's
    four partners)."""
    return speed.rows(_partner_list(), {"site_id": site.id}).all()


@speed.statement
def _partner_list():
    partner = Partner.__table__
    return (select(partner.c.id, partner.c.name, partner.c.kind, partner.c.contact_name,
                   partner.c.phone, partner.c.email, partner.c.notes)
            .where(partner.c.site_id == bindparam("site_id"), partner.c.removed_at.is_(None))
            .order_by(partner.c.name))


def partner_for(actor: User, partner_id: int) -> Partner | None:
    """A partner the actor may change (one of a place they manage), or None."""
    partner = db.session.get(Partner, partner_id)
    if partner is None or partner.removed_at is not None \
            or not policy.manages(actor, partner.site_id):
        return None
    return partner


def _check_partner(data: PartnerData) -> None:
    if data.kind not in set(PartnerKind):
        raise DomainError(_l("Choose one of the options."), field="kind")
    if not data.name.strip():
        raise DomainError(_l("This field is required."), field="name")


def add_partner(actor: User, site: Site, data: PartnerData) -> Partner:
    if not policy.manages(actor, site.id):
        raise DomainError(_l("Only the coordinators of this meeting place can do that."))
    _check_partner(data)
    partner = Partner(site_id=site.id, name=data.name, kind=PartnerKind(data.kind),
                      contact_name=data.contact_name, phone=data.phone, email=data.email,
                      notes=data.notes)
    db.session.add(partner)
    db.session.flush()
    return partner


def change_partner(partner: Partner, data: PartnerData) -> None:
    _check_partner(data)
    partner.name, partner.kind = data.name, PartnerKind(data.kind)
    partner.contact_name, partner.phone, partner.email = data.contact_name, data.phone, data.email
    partner.notes = data.notes
    db.session.flush()


def remove_partner(partner: Partner) -> None:
    """Gone from the register. Placements that name the partner keep its name and kind; its
    contact person's details and the notes go."""
    used = db.session.scalar(select(Placement.id).where(Placement.partner_id == partner.id)
                             .limit(1))
    if used is None:
        db.session.delete(partner)
    else:
        partner.contact_name = partner.phone = partner.email = partner.notes = ""
        partner.removed_at = utcnow()
    db.session.flush()


# -- work practice -----------------------------------------------------------------------------

@dataclass
class PlacementData:
    partner_id: int
    role: str
    starts_on: date
    ends_on: date
    weekdays: list[int]
    hours_per_week: int
    mentor_name: str = ""
    mentor_phone: str = ""
    goal_id: int | None = None
    status: str = PlacementStatus.PLANNED
    staff_notes: str = ""


def goals_for_placement(person: User) -> list[Goal]:
    """The person's goals a placement can serve (read-only use of their plan)."""
    return list(db.session.scalars(select(Goal).where(Goal.owner_id == person.id)
                                   .order_by(Goal.created_at)))


def placement_problems(site_id: int, person: User, data: PlacementData) -> list[DomainError]:
    problems = []
    partner = db.session.get(Partner, data.partner_id) if data.partner_id else None
    if partner is None or partner.site_id != site_id or partner.removed_at is not None:
        problems.append(DomainError(_l("Choose a partner of this meeting place."),
                                    field="partner_id"))
    if data.ends_on < data.starts_on:
        problems.append(DomainError(_l("The last day must be on or after the first day."),
                                    field="ends_on"))
    elif (data.ends_on - data.starts_on).days > MAX_PLACEMENT_DAYS:
        problems.append(DomainError(_l("A work practice can last at most two years."),
                                    field="ends_on"))
    if not data.weekdays or any(not 0 <= day <= 6 for day in data.weekdays):
        problems.append(DomainError(_l("Choose at least one day of the week."),
                                    field="weekdays"))
    if not 1 <= data.hours_per_week <= 60:
        problems.append(DomainError(_l("Write a number of hours from 1 to 60."),
                                    field="hours_per_week"))
    if data.status not in set(PlacementStatus):
        problems.append(DomainError(_l("Choose one of the options."), field="status"))
    if data.goal_id is not None and data.goal_id not in {
            goal.id for goal in goals_for_placement(person)}:
        problems.append(DomainError(_l("Choose one of the participant's goals."),
                                    field="goal_id"))
    return problems


def _apply(placement: Placement, data: PlacementData) -> None:
    placement.partner_id, placement.role = data.partner_id, data.role
    placement.starts_on, placement.ends_on = data.starts_on, data.ends_on
    placement.weekdays = "".join(str(day) for day in sorted(set(data.weekdays)))
    placement.hours_per_week = data.hours_per_week
    placement.mentor_name, placement.mentor_phone = data.mentor_name, data.mentor_phone
    placement.goal_id, placement.status = data.goal_id, PlacementStatus(data.status)
    placement.staff_notes = data.staff_notes
    placement.updated_at = utcnow()


def record_placement(actor: User, person: User, data: PlacementData) -> Placement:
    site_id = follow_site(actor, person)
    if site_id is None:
        raise DomainError(_l("You can record work practice only for participants of a "
                             "meeting place you coordinate."))
    raise_all(placement_problems(site_id, person, data))
    placement = Placement(site_id=site_id, participant_id=person.id, created_by_id=actor.id)
    _apply(placement, data)
    db.session.add(placement)
    db.session.flush()
    return placement


def change_placement(actor: User, placement: Placement, data: PlacementData) -> None:
    if not policy.manages(actor, placement.site_id) or not may_follow(actor,
                                                                     placement.participant):
        raise DomainError(_l("You can record work practice only for participants of a "
                             "meeting place you coordinate."))
    raise_all(placement_problems(placement.site_id, placement.participant, data))
    _apply(placement, data)
    db.session.flush()


def placements_of(person: User) -> list[Row]:
    """Newest first: plain rows (id, role, status, partner_name, starts_on, ends_on) of a
    statement built once per process. The pages only show them (no Placement objects with
    their joined site and partner: about 0.3 ms a page)."""
    return speed.rows(_placements_of_statement(), {"participant_id": person.id}).all()


@statement
def _placements_of_statement():
    return (select(Placement.id, Placement.role, Placement.status,
                   Partner.name.label("partner_name"), Placement.starts_on, Placement.ends_on)
            .join(Partner, Partner.id == Placement.partner_id)
            .where(Placement.participant_id == bindparam("participant_id"))
            .order_by(Placement.starts_on.desc(), Placement.id.desc()))


def visible_placement(user: User, placement_id: int) -> Placement | None:
    """The placement for its participant and for staff who follow them; None otherwise."""
    placement = db.session.get(Placement, placement_id)
    if placement is None or not user.is_authenticated:
        return None
    if placement.participant_id == user.id:
        return placement
    if policy.manages(user, placement.site_id) and may_follow(user, placement.participant):
        return placement
    return None


def current_placements(person: User, today: date) -> list[Row]:
    """Planned or going on, not yet over: what the start page shows (id, role, partner_name,
    starts_on, ends_on)."""
    return speed.rows(current_placements_statement(), {
        "participant_id": person.id, "today": today}).all()


@statement
def current_placements_statement():
    """Also one part of the start page's one statement (home.services.start_page)."""
    return (select(Placement.id, Placement.role, Partner.name.label("partner_name"),
                   Placement.starts_on, Placement.ends_on)
            .join(Partner, Partner.id == Placement.partner_id)
            .where(Placement.participant_id == bindparam("participant_id"),
                   Placement.ends_on >= bindparam("today"),
                   # (two comparisons, not IN […]: a list is bound anew at each run)
                   or_(Placement.status == PlacementStatus.PLANNED,
                       Placement.status == PlacementStatus.ACTIVE))
            .order_by(Placement.starts_on))


def follow_up_meetings(placement: Placement) -> list[Row]:
    """The participant's meetings at the placement's place around its time (not cancelled):
    the follow-up meetings, booked through the meetings feature. Plain rows (id, starts_at,
    host_id, host_name) of a statement built once per process: the page only shows when and
    with whom (no Booking objects with their site and host: about 0.2 ms a placement page)."""
    zone = ZoneInfo(placement.site.timezone)
    start = datetime.combine(placement.starts_on, time.min, zone) - FOLLOW_UP_BEFORE
    end = datetime.combine(placement.ends_on, time.min, zone) + FOLLOW_UP_AFTER
    return speed.rows(_follow_up_statement(), {
        "participant_id": placement.participant_id, "site_id": placement.site_id,
        "start": start.astimezone(UTC), "end": end.astimezone(UTC)}).all()


@statement
def _follow_up_statement():
    return (select(Booking.id, Booking.starts_at, Booking.host_id,
                   User.display_name.label("host_name"))
            .outerjoin(User, User.id == Booking.host_id)
            .where(Booking.participant_id == bindparam("participant_id"),
                   Booking.site_id == bindparam("site_id"),
                   Booking.is_active,
                   Booking.starts_at >= bindparam("start"), Booking.starts_at < bindparam("end"))
            .order_by(Booking.starts_at))


@dataclass(frozen=True)
class CalendarDay:
    """A placement day for My calendar: a local date, what and where."""

    day: date
    title: str
    place: str
    placement_id: int


def placement_days(person: User, first_day: date, last_day: date) -> list[CalendarDay]:
    """The person's work-practice days from first_day to last_day (both included), in date
    order: the weekdays of each placement that is planned, going on or completed, within its
    dates. Ended-early placements count up to their (changed) last day."""
    placements = speed.rows(_placement_days_statement(), {
        "participant_id": person.id, "first_day": first_day, "last_day": last_day})
    days = []
    for placement in placements:
        title = _("Work practice: %(role)s", role=placement.role)
        start, end = max(first_day, placement.starts_on), min(last_day, placement.ends_on)
        for weekday in {int(day) for day in placement.weekdays}:  # as Placement.days
            days += (CalendarDay(day, title, placement.partner_name, placement.id)
                     for day in _weekdays(start, end, weekday))
    return sorted(days, key=lambda d: (d.day, d.placement_id))


def _weekdays(start: date, end: date, weekday: int):
    """Every `weekday` (0 is Monday) from start to end, both included: a week at a time
    rather than a day at a time (an eight-week calendar looked at 56 days per placement)."""
    day = start + timedelta(days=(weekday - start.weekday()) % 7)
    while day <= end:
        yield day
        day += timedelta(days=7)


@statement
def _placement_days_statement():
    return (select(Placement.id, Placement.role, Placement.weekdays, Placement.starts_on,
                   Placement.ends_on, Partner.name.label("partner_name"))
            .join(Partner, Partner.id == Placement.partner_id)
            .where(Placement.participant_id == bindparam("participant_id"),
                   Placement.starts_on <= bindparam("last_day"),
                   Placement.ends_on >= bindparam("first_day")))


# -- outcomes and job interviews ---------------------------------------------------------------

@dataclass
class OutcomeData:
    kind: str
    on_date: date
    extent: str | None = None
    subsidy: str | None = None
    note: str = ""


def outcome_problems(site_id: int, data: OutcomeData, today: date) -> list[DomainError]:
    problems = []
    if data.kind not in set(OutcomeKind):
        problems.append(DomainError(_l("Choose one of the options."), field="kind"))
    is_job = data.kind == OutcomeKind.JOB
    if data.extent and (not is_job or data.extent not in set(JobExtent)):
        problems.append(DomainError(_l("Part-time or full-time is only for a job."),
                                    field="extent"))
    if data.subsidy and data.subsidy != Subsidy.NONE:
        site = db.session.get(Site, site_id)
        if not is_job or data.subsidy not in SUBSIDIES.get(site.country, ()):
            problems.append(DomainError(_l("Choose a subsidised job of this country, or "
                                           "none."), field="subsidy"))
    if data.on_date > today + timedelta(days=90):
        problems.append(DomainError(_l("Choose a date at most three months from now."),
                                    field="on_date"))
    elif data.on_date.year < 2000:
        problems.append(DomainError(_l("Choose a date after the year 2000."), field="on_date"))
    return problems


def _outcome(site_id: int, person: User, data: OutcomeData, recorder: User) -> Outcome:
    is_job = data.kind == OutcomeKind.JOB
    outcome = Outcome(site_id=site_id, participant_id=person.id, kind=OutcomeKind(data.kind),
                      extent=JobExtent(data.extent) if is_job and data.extent else None,
                      subsidy=Subsidy(data.subsidy) if is_job and data.subsidy else None,
                      on_date=data.on_date, note=data.note, recorded_by_id=recorder.id)
    db.session.add(outcome)
    return outcome


def record_outcome(actor: User, person: User, data: OutcomeData) -> Outcome:
    """Staff record a status: it counts at once."""
    site_id = follow_site(actor, person)
    if site_id is None:
        raise DomainError(_l("You can record outcomes only for participants of a meeting "
                             "place you coordinate."))
    raise_all(outcome_problems(site_id, data, utcnow().date()))
    outcome = _outcome(site_id, person, data, actor)
    outcome.confirmed_at, outcome.confirmed_by_id = utcnow(), actor.id
    db.session.flush()
    return outcome


def report_outcome(person: User, data: OutcomeData) -> Outcome:
    """The participant tells what they do now; it counts once staff confirm it."""
    site_id = home_site_id(person)
    if site_id is None:
        raise DomainError(_l("Only participants can do that."))
    raise_all(outcome_problems(site_id, data, utcnow().date()))
    outcome = _outcome(site_id, person, data, person)
    outcome.reported_by_participant = True
    db.session.flush()
    return outcome


def confirm_outcome(actor: User, outcome: Outcome) -> None:
    person = db.session.get(User, outcome.participant_id)
    if not policy.manages(actor, outcome.site_id) or not may_follow(actor, person):
        raise DomainError(_l("You can confirm outcomes only for participants of a meeting "
                             "place you coordinate."))
    if outcome.confirmed_at is None:
        outcome.confirmed_at, outcome.confirmed_by_id = utcnow(), actor.id
        db.session.flush()


def outcomes_of(person: User) -> list[Row]:
    """The status history, newest first: plain rows (id, kind, extent, subsidy, on_date, note,
    confirmed_at) of a statement built once per process (the pages only show them)."""
    return speed.rows(_outcomes_of_statement(), {"participant_id": person.id}).all()


@statement
def _outcomes_of_statement():
    return (select(Outcome.id, Outcome.kind, Outcome.extent, Outcome.subsidy, Outcome.on_date,
                   Outcome.note, Outcome.confirmed_at)
            .where(Outcome.participant_id == bindparam("participant_id"))
            .order_by(Outcome.on_date.desc(), Outcome.id.desc()))


def current_outcome(outcomes: list[Row]) -> Row | None:
    """The newest confirmed status that has begun (outcomes as outcomes_of returns them)."""
    today = utcnow().date()
    return next((o for o in outcomes if o.confirmed_at is not None and o.on_date <= today),
                None)


def note_interview(actor: User, person: User, on_date: date, employer: str) -> Interview:
    """A job interview, noted by the person or by staff who follow them."""
    if actor.id == person.id:
        site_id = home_site_id(person)
        if site_id is None:
            raise DomainError(_l("Only participants can do that."))
    else:
        site_id = follow_site(actor, person)
        if site_id is None:
            raise DomainError(_l("You can record outcomes only for participants of a "
                                 "meeting place you coordinate."))
    if on_date > utcnow().date() + timedelta(days=90) or on_date.year < 2000:
        raise DomainError(_l("Choose a date at most three months from now."), field="held_on")
    interview = Interview(site_id=site_id, participant_id=person.id, on_date=on_date,
                          employer=employer, recorded_by_id=actor.id)
    db.session.add(interview)
    db.session.flush()
    return interview


def interviews_of(person: User) -> list[Row]:
    """Newest first: plain rows (on_date, employer) of a statement built once per process."""
    return speed.rows(_interviews_of_statement(), {"participant_id": person.id}).all()


@statement
def _interviews_of_statement():
    return (select(Interview.on_date, Interview.employer)
            .where(Interview.participant_id == bindparam("participant_id"))
            .order_by(Interview.on_date.desc()))


# -- self-assessment ---------------------------------------------------------------------------

def check_ins(person: User) -> list[CheckIn]:
    """Oldest first, skipped ones included."""
    return list(db.session.scalars(select(CheckIn).where(
        CheckIn.participant_id == person.id).order_by(CheckIn.created_at, CheckIn.id)))


def check_in_due(person: User, now: datetime | None = None) -> bool:
    """At the start, then about every three months after the last one (answered or skipped)."""
    if not takes_part(person):
        return False
    last = speed.rows(last_check_in_statement(), {"participant_id": person.id}).scalar()
    return check_in_due_after(last, now or utcnow())


def check_in_due_after(last: datetime | None, now: datetime) -> bool:
    """`check_in_due` for someone who takes part, given their last check-in's time (None:
    never; the start page reads it with its other lists)."""
    return last is None or now - last >= timedelta(days=CHECK_IN_DAYS)


@statement
def last_check_in_statement():
    """Also one part of the start page's one statement (home.services.start_page)."""
    return (select(CheckIn.created_at).where(CheckIn.participant_id == bindparam("participant_id"))
            .order_by(CheckIn.created_at.desc()).limit(1))


def _new_check_in(person: User) -> CheckIn:
    site_id = home_site_id(person)
    if site_id is None or person.erased_at is not None:
        raise DomainError(_l("Only participants can do that."))
    respondent = db.session.scalar(select(CheckIn.respondent).where(
        CheckIn.participant_id == person.id).limit(1)) or secrets.token_urlsafe(16)
    check_in = CheckIn(site_id=site_id, participant_id=person.id, respondent=respondent)
    db.session.add(check_in)
    return check_in


def answer_check_in(person: User, answers: dict[str, int]) -> CheckIn:
    if set(answers) != {s.value for s in Statement} or any(
            value not in range(1, 6) for value in answers.values()):
        raise DomainError(_l("Choose one face for each sentence."))
    check_in = _new_check_in(person)
    for statement, value in answers.items():
        setattr(check_in, statement, value)
    db.session.flush()
    return check_in


def skip_check_in(person: User) -> CheckIn:
    check_in = _new_check_in(person)
    check_in.skipped = True
    db.session.flush()
    return check_in


def trend(person: User) -> list[CheckIn]:
    """The answered check-ins, oldest first: the person's own trend."""
    return [c for c in check_ins(person) if not c.skipped]


# -- staff overview ----------------------------------------------------------------------------

class Person(NamedTuple):
    id: int
    display_name: str


class PersonRow(NamedTuple):
    """A row of the place's list. Named tuples, not a dataclass and Rows: the list's template
    unpacks each in its loop instead of reading attributes through Jinja, and a Row finds
    an attribute by its name in Python (74 people: about 0.1 ms of the page together)."""
    person: Person
    status: Row | None  # kind, on_date, confirmed_at (as current_outcome reads them)
    placement: Row | None  # role
    unconfirmed: int = 0


def people_at(actor: User, site: Site, query: str = "",
              limit: int | None = None) -> list[PersonRow]:
    """The place's participants the actor may follow (the first `limit` by name; with a `query`,
    those whose name, phone or e-mail has it, as on the members list), with their current
    status, placement and reports waiting for confirmation. Four statements of plain rows, each
    for the whole place and built once per process, the rank rule applied to each person's
    memberships as rows: no User, Membership (with its joined Site), Outcome or Placement
    objects, and no statement per person (74 people in the demo: 26.7 → about 2 ms). The people
    come with their memberships, a row per membership (three statements, not four: about 0.1
    ms), each row unpacked once rather than read by name."""
    place = {"site_id": site.id}
    found: list[tuple[Person, list[policy.Place]]] = []  # each person, their memberships anywhere
    shown = None
    searched = {**place, "like": f"%{query.lower()}%"} if query else place
    for user_id, name, site_id, role in speed.rows(_participants_statement(bool(query)),
                                                   searched):
        if user_id != shown:
            shown, memberships = user_id, []
            found.append((Person(user_id, name), memberships))
        memberships.append(policy.Place(site_id, role))
    rule = policy.ListRule(actor)  # each distinct set of memberships judged once
    people = [person for person, memberships in found
              if rule.may_act_on(person.id, None, memberships)][:limit]
    outcomes: dict[int, list[Row]] = {}
    for outcome in speed.rows(_participants_outcomes_statement(), place):
        outcomes.setdefault(outcome.participant_id, []).append(outcome)
    placements = {p.participant_id: p for p in speed.rows(_participants_placements_statement(), {
        **place, "today": utcnow().date()})}
    return [_person_row(p, outcomes.get(p.id), placements.get(p.id)) for p in people]


def _person_row(person: Person, outcomes: list[Row] | None, placement: Row | None) -> PersonRow:
    if not outcomes:  # most people of a place: nothing to work out
        return PersonRow(person, None, placement)
    return PersonRow(person, current_outcome(outcomes), placement,
                     sum(o.confirmed_at is None for o in outcomes))


def _participant_at():
    """The place's participants' memberships there (joined to what is read of them)."""
    return (Membership.site_id == bindparam("site_id"), Membership.role == Role.PARTICIPANT)


@statement
def _participants_statement(searching: bool):
    """The place's participants by name (the same name: by id), each with every membership
    of theirs anywhere (site_id, role: their rank decides), a row per membership; `searching`:
    only those whose name, phone or e-mail is like :like."""
    everywhere = Membership.__table__.alias("everywhere")
    found = (select(User.id, User.display_name, everywhere.c.site_id, everywhere.c.role)
             .join(Membership, Membership.user_id == User.id)
             .join(everywhere, everywhere.c.user_id == User.id)
             .where(*_participant_at(), User.erased_at.is_(None))
             .order_by(User.display_name, User.id))
    if searching:
        found = found.where(accounts.found_by_search())
    return found


@statement
def _participants_outcomes_statement():
    return (select(Outcome.participant_id, Outcome.kind, Outcome.on_date, Outcome.confirmed_at)
            .join(Membership, Membership.user_id == Outcome.participant_id)
            .where(*_participant_at())
            .order_by(Outcome.on_date.desc(), Outcome.id.desc()))


@statement
def _participants_placements_statement():
    """Planned or going on at the place, not over; newest first (the page shows the last
    one read for each person: the first to start)."""
    return (select(Placement.participant_id, Placement.role)
            .where(Placement.site_id == bindparam("site_id"),
                   Placement.ends_on >= bindparam("today"),
                   # two comparisons, not an IN list: SQLAlchemy rewrites an IN list's
                   # parameters at each run, which keeps a statement off speed.rows' short way
                   or_(Placement.status == PlacementStatus.PLANNED,
                       Placement.status == PlacementStatus.ACTIVE))
            .order_by(Placement.starts_on.desc()))


def note_staff_read(actor: User, person: User) -> None:
    """A staff member looked at a participant's road to work (who, whose, when): a plain
    INSERT built once per process (audit.services.note_read), not an AuditEvent for the ORM
    to flush."""
    note_read(actor, "employment.view", "user", person.id)


# -- the job-centre statement ------------------------------------------------------------------

@dataclass
class StatementLine:
    day: date
    what: str  # an activity's title; empty for a meeting (the statement names it)
    minutes: int


@dataclass
class JobCentreStatement:
    person: User
    site: Site
    first_day: date
    last_day: date
    sessions: list[StatementLine] = field(default_factory=list)
    meetings: list[StatementLine] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)

    @property
    def session_minutes(self) -> int:
        return sum(line.minutes for line in self.sessions)


def may_make_statement(user: User, person: User) -> bool:
    return may_see(user, person) and takes_part(person)


def has_statement_consent(person: User) -> bool:
    return person.id in consents.who_consents([person.id], consents.JOB_CENTRE)


def statement(actor: User, person: User, first_day: date, last_day: date,
              form: str) -> JobCentreStatement:
    """Attendance for the job centre in a period: sessions attended (with minutes), meetings
    held and work practice. Only with the person's consent in force; each statement made is
    written to the audit log (`form`: "pdf" or "csv")."""
    if not may_make_statement(actor, person):
        raise DomainError(_l("You cannot make a statement for this person."))
    if not has_statement_consent(person):
        raise DomainError(_l("A statement for the job centre needs the participant's consent "
                             "(Attendance for the job centre, under My data). Without it, Bro "
                             "does not make one."))
    if last_day < first_day:
        raise DomainError(_l("The last day must be on or after the first day."),
                          field="last_day")
    if (last_day - first_day).days >= MAX_STATEMENT_DAYS:
        raise DomainError(_l("Choose a period of at most a year."), field="last_day")
    site = db.session.get(Site, home_site_id(person))
    zone = ZoneInfo(site.timezone)
    start = datetime.combine(first_day, time.min, zone).astimezone(UTC)
    end = datetime.combine(last_day + timedelta(days=1), time.min, zone).astimezone(UTC)
    made = JobCentreStatement(person, site, first_day, last_day)
    for title, starts_at, minutes in db.session.execute(
            select(Activity.title, Session.starts_at, Attendance.minutes)
            .join(Session, Session.id == Attendance.session_id)
            .join(Activity, Activity.id == Session.activity_id)
            .where(Attendance.user_id == person.id,
                   Attendance.status == AttendanceStatus.PRESENT,
                   Session.starts_at >= start, Session.starts_at < end)
            .order_by(Session.starts_at)):
        made.sessions.append(StatementLine(starts_at.astimezone(zone).date(), title, minutes))
    for booking in db.session.scalars(select(Booking).where(
            Booking.participant_id == person.id, Booking.status == BookingStatus.HELD,
            Booking.starts_at >= start, Booking.starts_at < end).order_by(Booking.starts_at)):
        minutes = round((booking.ends_at - booking.starts_at).total_seconds() / 60)
        made.meetings.append(StatementLine(booking.starts_at.astimezone(zone).date(), "",
                                           minutes))
    made.placements = list(db.session.scalars(select(Placement).where(
        Placement.participant_id == person.id, Placement.starts_on <= last_day,
        Placement.ends_on >= first_day).order_by(Placement.starts_on)))
    record(actor, f"jobcentre.statement.{form}", "user", person.id)
    return made
