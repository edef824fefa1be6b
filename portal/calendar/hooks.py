"""The calendar's part when a person is erased. Connected by create_app through `connect()`."""

from sqlalchemy import delete

from portal import signals
from portal.accounts.models import User
from portal.calendar.models import CalendarFeed
from portal.extensions import db


def connect() -> None:
    signals.person_erased.connect(erase_person)


def erase_person(person: User, **_ignored) -> None:
    """person_erased: the calendar address goes (a phone subscribed to it gets nothing more)."""
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == person.id))
