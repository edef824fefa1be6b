"""Attendance lists: mark who came and for how long, count a café, sign off and reopen."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, select

from portal import speed
from portal.accounts.models import Role, User
from portal.activities.models import (
    Activity,
    Attendance,
    AttendanceStatus,
    Enrolment,
    EnrolmentStatus,
    Follow,
    Session,
    SessionStatus,
)
from portal.activities.services import can_lead, can_take_attendance
from portal.audit.models import record
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.i18n import _l
from portal.privacy.consents import PHOTOS, in_force
from portal.speed import statement

# A leader may open the list a little before the session starts (arriving early).
OPENS_BEFORE = timedelta(hours=2)


@dataclass
class Row:
    user: tuple  # a named tuple: id, display_name (and its marks): all a list shows of a person
    present: bool
    minutes: int
    photos: bool = False  # consented to photos (read now: a withdrawal shows at once)


def length(session: Session) -> int:
    return int((session.ends_at - session.starts_at).total_seconds() // 60)


def is_open_for_marking(session: Session) -> bool:
    return (session.status == SessionStatus.SCHEDULED and session.signed_off_at is None
            and session.starts_at - OPENS_BEFORE <= utcnow())


def is_marked(session: Session) -> bool:
    """Whether anyone has been marked on the list yet (present or absent)."""
    return session.signed_off_at is not None or db.session.scalar(
        select(Attendance.id).where(Attendance.session_id == session.id).limit(1)) is not None


def sheet(session: Session) -> list[Row]:
    """Everyone expected (enrolled, or following a café) plus anyone already marked, by name.
    People and their marks come as plain rows of one statement built once per process (not
    Attendance and User objects from two): the list only shows them. Whether each consents to
    photos comes in the same statement (privacy.consents.in_force), and the rows as named
    tuples (records): the list reads each person's id and name eight times."""
    activity: Activity = session.activity
    found = speed.records(speed.rows(_sheet_statement(activity.is_cafe), {
        "session_id": session.id, "activity_id": activity.id}))
    default = 0 if activity.is_cafe else length(session)
    return [Row(row, row.status == AttendanceStatus.PRESENT,
                row.minutes if row.status is not None else default, row.photos)
            for row in found]


@statement
def _sheet_statement(cafe: bool):
    activity_id, session_id = bindparam("activity_id"), bindparam("session_id")
    if cafe:
        expected = select(Follow.user_id).where(Follow.activity_id == activity_id)
    else:
        expected = select(Enrolment.user_id).where(
            Enrolment.activity_id == activity_id, Enrolment.status == EnrolmentStatus.ENROLLED)
    marked = select(Attendance.user_id).where(Attendance.session_id == session_id)
    return (select(User.id, User.display_name, Attendance.status, Attendance.minutes,
                   in_force(User.id, PHOTOS).label("photos"))
            .outerjoin(Attendance, (Attendance.user_id == User.id)
                       & (Attendance.session_id == session_id))
            .where(User.id.in_(expected) | User.id.in_(marked))
            .order_by(User.display_name))


def save(leader: User, session: Session, marks: dict[int, tuple[bool, int]],
         headcount: int | None) -> None:
    """Store the list as the leader (or a co-leader) sees it: present or not, and minutes
    present."""
    if not can_take_attendance(leader, session.activity):
        raise DomainError(_l("Only the leaders and co-leaders of this activity can take "
                             "attendance."))
    if session.signed_off_at is not None:
        raise DomainError(_l("This list is signed off. A coordinator can open it again."))
    if not is_open_for_marking(session):
        raise DomainError(_l("You can take attendance from shortly before the session starts."))
    allowed = {row.user.id for row in sheet(session)}
    longest = length(session)
    existing = {a.user_id: a for a in db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id))}
    for user_id, (present, minutes) in marks.items():
        if user_id not in allowed:
            continue  # not on this list: ignore rather than record a stranger
        if not 0 <= minutes <= longest:
            raise DomainError(_l("Minutes must be between 0 and the length of the session."),
                              field=f"minutes-{user_id}")
        attendance = existing.get(user_id) or Attendance(session_id=session.id,
                                                         user_id=user_id)
        attendance.status = AttendanceStatus.PRESENT if present else AttendanceStatus.ABSENT
        attendance.minutes = minutes if present else 0
        attendance.updated_at = utcnow()
        db.session.add(attendance)
    if headcount is not None and headcount < 0:
        raise DomainError(_l("The number of people cannot be negative."), field="headcount")
    session.headcount = headcount


def sign_off(leader: User, session: Session) -> None:
    """Leaders sign the list for the funder; a co-leader marks it but does not sign it."""
    if not can_lead(leader, session.activity):
        raise DomainError(_l("Only the leaders of this activity can sign off the list."))
    if session.starts_at > utcnow():
        raise DomainError(_l("You can sign off the list once the session has started."))
    if session.signed_off_at is None:
        session.signed_off_at, session.signed_off_by_id = utcnow(), leader.id
        record(leader, "attendance.sign_off", "session", session.id)


def reopen(coordinator: User, session: Session) -> None:
    """Only coordinators reopen a signed list, and every reopening is logged."""
    if not coordinator.has_role(session.activity.site_id, Role.COORDINATOR):
        raise DomainError(_l("Only a coordinator can open a signed-off list again."))
    if session.signed_off_at is not None:
        session.signed_off_at = session.signed_off_by_id = None
        record(coordinator, "attendance.reopen", "session", session.id)
