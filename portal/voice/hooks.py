"""What proposals do for other features: their messages, the head start in activities for
the people who asked, "You asked — we did" on a meeting place's public page, and their part
when a person is erased or asks for their data (portal.signals). Connected by create_app
through `connect()`, never by importing this module."""

from sqlalchemy import bindparam, delete, select, update

from portal import signals, speed
from portal.accounts.models import User
from portal.activities import pages as activity_pages
from portal.activities import services as activities
from portal.extensions import db
from portal.speed import statement
from portal.voice import messages, services
from portal.voice.models import Proposal, ProposalStatus, Support


def connect() -> None:
    messages.init()
    activities.EARLY_JOINERS["voice"] = services.asked_for
    activity_pages.add_place_part(_asked_and_done)
    signals.person_erased.connect(erase_person)
    signals.data_requested.connect(personal_data)


def _asked_and_done(site) -> tuple[str, object]:
    """ "You asked — we did" on the place's public page."""
    return "voice/_asked.html", services.outcomes(site)


def erase_person(person: User, **_ignored) -> None:
    """person_erased: the person's proposals stay, from nobody, for the reports' counts. The
    words they wrote go, except where the place realised the proposal (its title is the
    activity's now); an open one is taken back, as nobody can answer a blank proposal. Their
    supports go; each proposal's count keeps them, so the numbers stay."""
    mine = Proposal.proposer_id == person.id
    db.session.execute(update(Proposal).where(mine, Proposal.status == ProposalStatus.OPEN)
                       .values(status=ProposalStatus.WITHDRAWN))
    db.session.execute(update(Proposal).where(mine, Proposal.status != ProposalStatus.REALISED)
                       .values(title="", description=""))
    db.session.execute(update(Proposal).where(mine).values(proposer_id=None, can_help=False))
    db.session.execute(delete(Support).where(Support.user_id == person.id))


def personal_data(person: User, **_ignored) -> dict:
    """data_requested: the sections "proposals" (what the person proposed, and the answer)
    and "supported" (the proposals they support) of My data: plain rows from statements
    built once per process."""
    def when(moment):
        return moment.isoformat() if moment else None

    proposals = speed.rows(_proposals(), {"user_id": person.id})
    supported = speed.rows(_supported(), {"user_id": person.id})
    return {
        "proposals": [{"title": p.title, "description": p.description, "kind": str(p.kind),
                       "languages": [code for code in p.languages.split(",") if code],
                       "can_help": p.can_help,  # languages as Proposal.language_codes
                       "status": str(p.status), "made": when(p.created_at),
                       "answered": when(p.answered_at), "reason": p.reason}
                      for p in proposals],
        "supported": [{"proposal": title, "since": when(at)} for title, at in supported],
    }


@statement
def _proposals():
    return (select(Proposal.title, Proposal.description, Proposal.kind, Proposal.languages,
                   Proposal.can_help, Proposal.status, Proposal.created_at,
                   Proposal.answered_at, Proposal.reason)
            .where(Proposal.proposer_id == bindparam("user_id"))
            .order_by(Proposal.created_at, Proposal.id))


@statement
def _supported():
    return (select(Proposal.title, Support.created_at)
            .join(Support, Support.proposal_id == Proposal.id)
            .where(Support.user_id == bindparam("user_id")).order_by(Support.created_at))
