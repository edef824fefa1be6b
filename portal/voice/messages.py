"""How proposal notifications read, in the reader's language (registered with notify).

A message keeps the proposal's id, not its title: the title is read when the message is
shown, so when a deleted account's words are blanked, they are gone from others' messages
too ("–")."""

from flask import url_for
from sqlalchemy import bindparam, select

from portal import speed
from portal.i18n import _
from portal.notify.models import Group
from portal.notify.services import Message, register
from portal.voice.models import Proposal


def _title(p: dict, key: str = "proposal_id") -> str:
    # Only the title, as a plain row: a Proposal object per message was a quarter of the
    # messages page's profile (0.60 of 2.8 s per 200 pages; now 0.16).
    return speed.rows(_title_statement(), {"id": p[key]}).scalar() or "–"


@speed.statement
def _title_statement():
    proposal = Proposal.__table__
    return select(proposal.c.title).where(proposal.c.id == bindparam("id"))


def _proposal_link(p: dict) -> tuple[str, str]:
    return url_for("voice.show", proposal_id=p["proposal_id"]), _("Open the proposal")


def _activity_link(p: dict) -> tuple[str, str]:
    return url_for("activities.show", activity_id=p["activity_id"]), _("Open the activity")


def _joined_link(p: dict) -> tuple[str, str]:
    return url_for("voice.show", proposal_id=p["into_id"]), _("Open the proposal")


def _realised(p):
    if p.get("cafe"):
        return _("You asked for “%(title)s”, and we will do it. Follow the café to see its "
                 "sessions on your page.", title=_title(p))
    return _("You asked for “%(title)s”, and we will do it. You may join before it opens to "
             "everyone.", title=_title(p))


def _not_now(p):
    return " ".join([_("Thank you for asking for “%(title)s”. We cannot do it now.",
                       title=_title(p)), _("Reason: %(reason)s", reason=p["reason"])])


def _joined(p):
    return _("“%(title)s” is joined with “%(other)s”, which asks for much the same. Your "
             "support counts there now.", title=_title(p), other=_title(p, "into_id"))


def init() -> None:
    register("proposal_realised", Message(
        lambda p: _("We'll do it: %(title)s", title=_title(p)), _realised, _activity_link),
        group=Group.CHANGES)
    register("proposal_not_now", Message(
        lambda p: _("Not now: %(title)s", title=_title(p)), _not_now, _proposal_link),
        group=Group.CHANGES)
    register("proposal_joined", Message(
        lambda p: _("Joined with another proposal: %(title)s", title=_title(p)), _joined,
        _joined_link), group=Group.CHANGES)
