"""How meeting notifications read, in the reader's language (registered with notify), and
what each of them carries."""

from flask import url_for

from portal.i18n import _
from portal.meetings.models import MODE_NAMES, Booking
from portal.notify.models import Group
from portal.notify.services import Message, register, when


def params(booking: Booking, **extra) -> dict:
    """What every meeting notification carries: the meeting, its time and how it is held.
    Never the other person's name: `notify(…, about=other)` names them by account, and the
    name is read when the message is shown or e-mailed ("with"), so it is the name as it is
    then, and an erased person's name is in nobody's messages."""
    return {"booking_id": booking.id, "starts_at": booking.starts_at.isoformat(),
            "timezone": booking.site.timezone, "mode": str(booking.mode)} | extra


def _name(p: dict) -> str:
    return p.get("with", "")


def _mode(p: dict) -> str:
    return str(MODE_NAMES.get(p.get("mode"), ""))


def _link(p: dict) -> tuple[str, str]:
    return url_for("meetings.show", booking_id=p["booking_id"]), _("Open the meeting")


def _confirmed(p):
    return _("Your meeting with %(name)s on %(when)s is booked (%(mode)s).", name=_name(p),
             when=when(p, "starts_at"), mode=_mode(p))


def _new(p):
    return _("%(name)s booked a meeting with you on %(when)s (%(mode)s).", name=_name(p),
             when=when(p, "starts_at"), mode=_mode(p))


def _cancelled(p):
    text = _("The meeting with %(name)s on %(when)s is cancelled.", name=_name(p),
             when=when(p, "starts_at"))
    if p.get("reason"):
        text += " " + _("Reason: %(reason)s", reason=p["reason"])
    return text


def _moved(p):
    return _("%(name)s moved your meeting from %(old)s to %(when)s.", name=_name(p),
             old=when(p, "old_starts_at"), when=when(p, "starts_at"))


def _reminder(p):
    return _("Reminder: you meet %(name)s on %(when)s (%(mode)s).", name=_name(p),
             when=when(p, "starts_at"), mode=_mode(p))


_MESSAGES = {
    "booking_confirmed": Message(
        lambda p: _("Meeting booked: %(when)s", when=when(p, "starts_at")), _confirmed, _link),
    "booking_new": Message(
        lambda p: _("New meeting: %(when)s", when=when(p, "starts_at")), _new, _link),
    "booking_cancelled": Message(
        lambda p: _("Meeting cancelled: %(when)s", when=when(p, "starts_at")), _cancelled,
        _link),
    "booking_moved": Message(
        lambda p: _("Meeting moved: %(when)s", when=when(p, "starts_at")), _moved, _link),
    "meeting_reminder": Message(
        lambda p: _("Reminder: meeting %(when)s", when=when(p, "starts_at")), _reminder, _link),
}
KINDS = tuple(_MESSAGES)


def init() -> None:
    for kind, message in _MESSAGES.items():
        register(kind, message, Group.REMINDERS if kind == "meeting_reminder" else Group.CHANGES)
