"""Which changes of activities' rows feed the figures the reports keep (portal.figures)."""

from sqlalchemy import select

from portal import figures
from portal.activities.models import Activity, Attendance, Enrolment, Session


def _attendance(change: figures.Change, touched: figures.Touched, _connection) -> None:
    sessions = change.values("session_id")
    if change.changed("status", "session_id", "user_id"):
        touched.marks |= sessions
        touched.present |= {(s, u) for s in sessions for u in change.values("user_id")}
    if change.changed("status", "session_id", "user_id", "minutes"):
        touched.circle_sessions |= sessions


def _session(change: figures.Change, touched: figures.Touched, connection) -> None:
    if change.changed("starts_at", "ends_at", "status", "activity_id"):
        touched.circles |= change.values("activity_id")
    if change.gone or change.updated("activity_id"):  # its attendance went, or moved circles
        touched.sites |= _sites(connection, change.values("activity_id"))
    elif change.updated("starts_at"):
        touched.moved |= {(change.obj.id, at) for at in change.values("starts_at")}


def _enrolment(change: figures.Change, touched: figures.Touched, _connection) -> None:
    if change.changed("status", "activity_id", "user_id"):
        touched.circles |= change.values("activity_id")


def _activity(change: figures.Change, touched: figures.Touched, _connection) -> None:
    if change.gone or change.updated("site_id"):
        touched.sites |= change.values("site_id")
    elif change.updated("rule_set_id"):
        touched.circles.add(change.obj.id)


def _sites(connection, activity_ids) -> set[int]:
    return set(connection.scalars(select(Activity.site_id).where(Activity.id.in_(activity_ids))))


def register() -> None:
    figures.watch(Attendance, _attendance)
    figures.watch(Session, _session)
    figures.watch(Enrolment, _enrolment)
    figures.watch(Activity, _activity)
