"""How activity notifications read, in the reader's language (registered with notify)."""

from flask import url_for

from portal.i18n import _, pgettext
from portal.notify.models import Group
from portal.notify.services import Message, register, when


def _link(p: dict) -> tuple[str, str] | None:
    if not p.get("activity_id"):
        return None
    return url_for("activities.show", activity_id=p["activity_id"]), _("Open the activity")


def _cancelled(p):
    text = _("The session of %(title)s on %(when)s is cancelled.", title=p["title"],
             when=when(p, "starts_at"))
    if p.get("reason"):
        text += " " + _("Reason: %(reason)s", reason=p["reason"])
    return text


def _moved(p):
    return _("The session of %(title)s on %(old)s is moved to %(when)s.", title=p["title"],
             old=when(p, "old_starts_at"), when=when(p, "starts_at"))


def _promoted(p):
    return _("A seat became free in %(title)s, and it is yours now. Welcome!", title=p["title"])


def _co_leader_added(p):
    return _("You are now a co-leader of %(title)s. You can take attendance and write notes "
             "for its sessions. Thank you for helping!", title=p["title"])


def _co_leader_removed(p):
    return _("You are no longer a co-leader of %(title)s.", title=p["title"])


# Only women-only activities admit people: the message speaks to a woman (see wording.py).
def _admitted(p):
    return pgettext("women", "A leader of %(title)s has added you. You can join it now.",
                    title=p["title"])


def init() -> None:
    register("session_cancelled", Message(
        lambda p: _("Cancelled: %(title)s, %(when)s", title=p["title"],
                    when=when(p, "starts_at")), _cancelled, _link))
    register("session_moved", Message(
        lambda p: _("New time: %(title)s, %(when)s", title=p["title"],
                    when=when(p, "starts_at")), _moved, _link))
    register("promoted", Message(
        lambda p: _("You got a seat in %(title)s", title=p["title"]), _promoted, _link))
    register("co_leader_added", Message(
        lambda p: _("You are a co-leader of %(title)s", title=p["title"]), _co_leader_added,
        _link), group=Group.CHANGES)
    register("co_leader_removed", Message(
        lambda p: _("No longer a co-leader: %(title)s", title=p["title"]), _co_leader_removed,
        _link), group=Group.CHANGES)
    register("admitted", Message(
        lambda p: pgettext("women", "You can join %(title)s", title=p["title"]), _admitted,
        _link), group=Group.CHANGES)
