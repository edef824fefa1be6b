"""What feedback does when a person is erased or asks for their data (portal.signals).
Connected by create_app through `connect()`, never by importing this module."""

from sqlalchemy import bindparam, select, update

from portal import signals, speed
from portal.accounts.models import User
from portal.activities.models import Activity, Session
from portal.extensions import db
from portal.feedback.models import Feedback
from portal.meetings.models import Booking
from portal.speed import statement


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
    what it was about and the words written: plain rows from a statement built once per
    process."""
    rows = speed.rows(_answers(), {"user_id": person.id})
    return {"feedback": [
        {"about": "session" if answer.session_id else "meeting",
         "activity": answer.title, "when": (answer.session_at or answer.meeting_at).isoformat(),
         "face": str(answer.face) if answer.face else None, "comment": answer.comment,
         "change": answer.change, "answered": answer.created_at.isoformat()}
        for answer in rows]}


@statement
def _answers():
    return (select(Feedback.session_id, Feedback.face, Feedback.comment, Feedback.change,
                   Feedback.created_at, Activity.title, Session.starts_at.label("session_at"),
                   Booking.starts_at.label("meeting_at"))
            .outerjoin(Session, Session.id == Feedback.session_id)
            .outerjoin(Activity, Activity.id == Session.activity_id)
            .outerjoin(Booking, Booking.id == Feedback.booking_id)
            .where(Feedback.user_id == bindparam("user_id")).order_by(Feedback.created_at))
