"""What feedback does when a person is erased or asks for their data (portal.signals).
Connected by create_app through `connect()`, never by importing this module."""

from sqlalchemy import select, update

from portal import signals
from portal.accounts.models import User
from portal.activities.models import Activity, Session
from portal.extensions import db
from portal.feedback.models import Feedback
from portal.meetings.models import Booking


def connect() -> None:
    signals.person_erased.connect(erase_person)
    signals.data_requested.connect(personal_data)


def erase_person(person: User, **_ignored) -> None:
    """person_erased: the answers lose their link to the person and the words they wrote
    (which could name them); each face stays, so the counts do not change."""
    db.session.execute(update(Feedback).where(Feedback.user_id == person.id).values(
        user_id=None, comment="", change=""))


def personal_data(person: User, **_ignored) -> dict:
    """data_requested: the section "feedback" of My data, each answer (or "not now") with
    what it was about and the words written."""
    rows = db.session.execute(
        select(Feedback, Activity.title, Session.starts_at, Booking.starts_at)
        .outerjoin(Session, Session.id == Feedback.session_id)
        .outerjoin(Activity, Activity.id == Session.activity_id)
        .outerjoin(Booking, Booking.id == Feedback.booking_id)
        .where(Feedback.user_id == person.id).order_by(Feedback.created_at)).all()
    return {"feedback": [
        {"about": "session" if answer.session_id else "meeting",
         "activity": title, "when": (session_at or meeting_at).isoformat(),
         "face": str(answer.face) if answer.face else None, "comment": answer.comment,
         "change": answer.change, "answered": answer.created_at.isoformat()}
        for answer, title, session_at, meeting_at in rows]}
