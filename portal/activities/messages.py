"""How activity notifications read, in the reader's language (registered with notify)."""

from flask import url_for

from portal.i18n import _
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


def init() -> None:
    register("session_cancelled", Message(
        lambda p: _("Cancelled: %(title)s, %(when)s", title=p["title"],
                    when=when(p, "starts_at")), _cancelled, _link))
    register("session_moved", Message(
        lambda p: _("New time: %(title)s, %(when)s", title=p["title"],
                    when=when(p, "starts_at")), _moved, _link))
    register("promoted", Message(
        lambda p: _("You got a seat in %(title)s", title=p["title"]), _promoted, _link))
