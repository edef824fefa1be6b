"""What notify does when a person is erased or asks for their data (portal.signals)."""

from sqlalchemy import delete, select

from portal import signals
from portal.extensions import db
from portal.notify.models import Notification


def connect() -> None:
    signals.person_erased.connect(erase_messages)
    signals.data_requested.connect(message_data)


def erase_messages(person, **_) -> None:
    """Their messages go: each may name a course, a meeting or another person."""
    db.session.execute(delete(Notification).where(Notification.user_id == person.id))


def message_data(person, **_) -> dict:
    """Which messages the person got and when they read them (the texts are made from the
    kind when shown, never stored)."""
    notifications = db.session.scalars(select(Notification).where(
        Notification.user_id == person.id).order_by(Notification.created_at))
    return {"notifications": [
        {"kind": n.kind, "created": n.created_at.isoformat(),
         "read": n.read_at.isoformat() if n.read_at else None} for n in notifications]}
