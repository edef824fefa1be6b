"""Reminders the day before: each study-circle session to the people enrolled and its leaders,
each café shift to the volunteers hosting it. Queued by the delivery worker on every pass (and
by `flask send-reminders` from cron): from 17:00 the day before, in the meeting place's time,
until the session starts.

Each reminder goes at most once: the reminder row (session, person, the session's time) and
the notification are written in one unit of work, and the row's unique key lets only one of
two runs at once commit it. A cancelled session is not reminded; a moved one has a new time,
so it is reminded at that time (a reminder sent for its old time does not count)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import url_for
from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from portal import signals, speed, work
from portal.accounts.models import User
from portal.activities.models import (
    Activity,
    ActivityStatus,
    Enrolment,
    EnrolmentStatus,
    Session,
    SessionReminder,
    SessionStatus,
    activity_leader,
    shift,
)
from portal.extensions import db, utcnow
from portal.i18n import _, format_local
from portal.notify import worker
from portal.notify.models import Group
from portal.notify.services import Message, notify, register
from portal.speed import statement

REMIND_FROM = time(17)  # local time, the day before
LOOK_AHEAD = timedelta(hours=32)  # 17:00 the day before is at most 31 hours (+1 for DST) ahead


def due_at(starts_at: datetime, timezone: str) -> datetime:
    """When the reminder for a session that starts at `starts_at` may go (UTC)."""
    zone = ZoneInfo(timezone)
    day_before = starts_at.astimezone(zone).date() - timedelta(days=1)
    return datetime.combine(day_before, REMIND_FROM, tzinfo=zone).astimezone(UTC)


def _people(session: Session) -> list[User]:
    """Who takes part: a café session's hosts (their shift); a circle's enrolled participants
    and its leaders."""
    if session.activity.is_cafe:
        chosen = select(shift.c.user_id).where(shift.c.session_id == session.id)
    else:
        chosen = select(Enrolment.user_id).where(
            Enrolment.activity_id == session.activity_id,
            Enrolment.status == EnrolmentStatus.ENROLLED).union(
            select(activity_leader.c.user_id).where(
                activity_leader.c.activity_id == session.activity_id))
    reminded = select(SessionReminder.user_id).where(
        SessionReminder.session_id == session.id,
        SessionReminder.starts_at == session.starts_at)
    return list(db.session.scalars(select(User).where(
        User.id.in_(chosen), User.id.not_in(reminded), User.erased_at.is_(None))
        .order_by(User.id)))


def due_sessions(now: datetime) -> list[Session]:
    """Scheduled sessions that have not started and whose reminder time has come."""
    soon = db.session.scalars(select(Session).join(Activity).where(
        Session.status == SessionStatus.SCHEDULED, Activity.status != ActivityStatus.ARCHIVED,
        Session.starts_at > now, Session.starts_at <= now + LOOK_AHEAD)
        .order_by(Session.starts_at, Session.id))
    return [s for s in soon if due_at(s.starts_at, s.activity.site.timezone) <= now]


def send_reminders(now: datetime | None = None) -> int:
    """Queue every reminder that is due and not yet sent; returns how many. Each session in a
    short unit of work of its own."""
    now = now or utcnow()
    queued = 0
    for session_id in [s.id for s in due_sessions(now)]:
        with work.unit():
            queued += _remind(db.session.get(Session, session_id, populate_existing=True), now)
    return queued


def _remind(session: Session, now: datetime) -> int:
    if session.status != SessionStatus.SCHEDULED or session.starts_at <= now:
        return 0  # cancelled or moved since it was found
    activity = session.activity
    kind = "shift_reminder" if activity.is_cafe else "session_reminder"
    params = {"activity_id": activity.id, "session_id": session.id, "title": activity.title,
              "starts_at": session.starts_at.isoformat(), "timezone": activity.site.timezone,
              "place": session.place or activity.place}
    queued = 0
    for person in _people(session):
        try:
            with db.session.begin_nested():
                db.session.add(SessionReminder(session_id=session.id, user_id=person.id,
                                               starts_at=session.starts_at, sent_at=now))
                db.session.flush()
        except IntegrityError:  # another run was first
            continue
        notify([person], kind, params)
        queued += 1
    return queued


def _when(p: dict) -> str:
    return format_local(datetime.fromisoformat(p["starts_at"]), p["timezone"], "MMMMEEEEd")


def _session_text(p: dict) -> str:
    if p.get("place"):
        return _("Reminder: %(title)s meets on %(when)s at %(place)s.", title=p["title"],
                 when=_when(p), place=p["place"])
    return _("Reminder: %(title)s meets on %(when)s.", title=p["title"], when=_when(p))


def _shift_text(p: dict) -> str:
    if p.get("place"):
        return _("Reminder: you host %(title)s on %(when)s at %(place)s. Thank you!",
                 title=p["title"], when=_when(p), place=p["place"])
    return _("Reminder: you host %(title)s on %(when)s. Thank you!", title=p["title"],
             when=_when(p))


def _link(p: dict) -> tuple[str, str]:
    return url_for("activities.show", activity_id=p["activity_id"]), _("Open the activity")


def erase_reminders(person, **_) -> None:
    db.session.execute(delete(SessionReminder).where(SessionReminder.user_id == person.id))


def reminder_data(person, sections=None, **_) -> dict:
    """data_requested: the section "session_reminders" of My data (each reminder sent to the
    person: the activity, the session's time then, and when it was sent), from a statement
    built once per process; nothing when it is not asked for."""
    if not signals.asked(sections, "session_reminders"):
        return {}
    rows = speed.rows(_reminders_sent(), {"user_id": person.id})
    return {"session_reminders": [
        {"activity": title, "session": starts_at.isoformat(), "sent": sent_at.isoformat()}
        for title, starts_at, sent_at in rows]}


@statement
def _reminders_sent():
    return (select(Activity.title, SessionReminder.starts_at, SessionReminder.sent_at)
            .join(Session, Session.id == SessionReminder.session_id)
            .join(Activity, Activity.id == Session.activity_id)
            .where(SessionReminder.user_id == bindparam("user_id"))
            .order_by(SessionReminder.sent_at, SessionReminder.id))


def connect() -> None:
    """The reminders' texts, the worker's job that queues them, and their part in erasing
    and in My data."""
    register("session_reminder", Message(
        lambda p: _("Reminder: %(title)s, %(when)s", title=p["title"], when=_when(p)),
        _session_text, _link), group=Group.REMINDERS)
    register("shift_reminder", Message(
        lambda p: _("Your shift: %(title)s, %(when)s", title=p["title"], when=_when(p)),
        _shift_text, _link), group=Group.REMINDERS)
    worker.schedule(send_reminders)
    signals.person_erased.connect(erase_reminders)
    signals.data_requested.connect(reminder_data)
