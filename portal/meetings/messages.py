"""How meeting notifications read, in the reader's language (registered with notify)."""

from flask import url_for

from portal.i18n import _
from portal.meetings.models import MODE_NAMES
from portal.notify.services import Message, register, when


def _mode(p: dict) -> str:
    return str(MODE_NAMES.get(p.get("mode"), ""))


def _link(p: dict) -> tuple[str, str]:
    return url_for("meetings.show", booking_id=p["booking_id"]), _("Open the meeting")


def _confirmed(p):
    return _("Your meeting with %(name)s on %(when)s is booked (%(mode)s).", name=p["with"],
             when=when(p, "starts_at"), mode=_mode(p))


def _new(p):
    return _("%(name)s booked a meeting with you on %(when)s (%(mode)s).", name=p["with"],
             when=when(p, "starts_at"), mode=_mode(p))


def _cancelled(p):
    text = _("The meeting with %(name)s on %(when)s is cancelled.", name=p["with"],
             when=when(p, "starts_at"))
    if p.get("reason"):
        text += " " + _("Reason: %(reason)s", reason=p["reason"])
    return text


def _moved(p):
    return _("%(name)s moved your meeting from %(old)s to %(when)s.", name=p["with"],
             old=when(p, "old_starts_at"), when=when(p, "starts_at"))


def _reminder(p):
    return _("Reminder: you meet %(name)s on %(when)s (%(mode)s).", name=p["with"],
             when=when(p, "starts_at"), mode=_mode(p))


def init() -> None:
    register("booking_confirmed", Message(
        lambda p: _("Meeting booked: %(when)s", when=when(p, "starts_at")), _confirmed, _link))
    register("booking_new", Message(
        lambda p: _("New meeting: %(when)s", when=when(p, "starts_at")), _new, _link))
    register("booking_cancelled", Message(
        lambda p: _("Meeting cancelled: %(when)s", when=when(p, "starts_at")), _cancelled,
        _link))
    register("booking_moved", Message(
        lambda p: _("Meeting moved: %(when)s", when=when(p, "starts_at")), _moved, _link))
    register("meeting_reminder", Message(
        lambda p: _("Reminder: meeting %(when)s", when=when(p, "starts_at")), _reminder, _link))
