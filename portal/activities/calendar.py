"""Whose sessions: those a person takes part in (what they joined or follow) and, for staff,
those they run (what they lead, the café shifts they took); sessions as iCalendar events.
My calendar (portal.calendar) and meetings read these; the choice is made only here."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import bindparam, case, or_, select, union_all
from sqlalchemy.orm import contains_eager

from portal import speed
from portal.accounts.models import Site, User
from portal.activities.models import (
    Activity,
    Enrolment,
    EnrolmentStatus,
    Follow,
    Kind,
    Session,
    SessionStatus,
    activity_leader,
    shift,
)
from portal.extensions import db, utcnow
from portal.speed import statement


def my_sessions(user: User, start: datetime, end: datetime,
                limit: int | None = None) -> list[Session]:
    """Sessions (cancelled ones too) of circles the person is in or waiting for, and of cafés
    they follow, in one query."""
    return list(db.session.scalars(_my_sessions_statement(limit),
                                   {"user_id": user.id, "start": start, "end": end}))


def busy_times(user: User, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Start and end of the scheduled sessions among my_sessions(): when the person is busy."""
    return list(speed.rows(_busy_statement(), {"user_id": user.id, "start": start, "end": end}))


def taking_part():
    """Sessions of circles the person (bindparam user_id) is in or waiting for, and of cafés
    they follow, between the bindparams start and end."""
    joined = select(Enrolment.activity_id).where(
        Enrolment.user_id == bindparam("user_id"), Enrolment.status != EnrolmentStatus.LEFT)
    followed = select(Follow.activity_id).where(Follow.user_id == bindparam("user_id"))
    return (or_(Session.activity_id.in_(joined), Session.activity_id.in_(followed)),
            Session.ends_at > bindparam("start"), Session.starts_at < bindparam("end"))


@statement
def _my_sessions_statement(limit: int | None):
    return (select(Session).join(Session.activity).options(contains_eager(Session.activity))
            .where(*taking_part()).order_by(Session.starts_at).limit(limit))


@statement
def _busy_statement():
    return select(Session.starts_at, Session.ends_at).where(
        *taking_part(), Session.status == SessionStatus.SCHEDULED)


def runners():
    """Who runs which session, as rows (user_id, session_id): the leaders of every activity but
    a café (leading a café is organising it; its hosts are the ones who are there) and whoever
    took a shift. The one definition: My calendar and meetings' free times both read it."""
    led = (select(activity_leader.c.user_id, Session.id.label("session_id"))
           .join(Session, Session.activity_id == activity_leader.c.activity_id)
           .join(Activity, Activity.id == Session.activity_id)
           .where(Activity.kind != Kind.LANGUAGE_CAFE))
    return union_all(led, select(shift.c.user_id, shift.c.session_id)).subquery("runner")


def run_by(user: User, start: datetime, end: datetime) -> list[Session]:
    """Sessions the person runs (see runners), cancelled ones too."""
    runner = runners()
    return list(db.session.scalars(
        select(Session).join(Session.activity).options(contains_eager(Session.activity))
        .where(Session.id.in_(select(runner.c.session_id).where(runner.c.user_id == user.id)),
               Session.ends_at > start, Session.starts_at < end).order_by(Session.starts_at)))


def on_calendar(staff: bool):
    """The choice of calendar_sessions() as conditions on Session, for the person (bindparam
    user_id) between the bindparams start and end: what they take part in and, for staff,
    what they run — each session once, as one statement."""
    part, *between = taking_part()
    if not staff:
        return (part, *between)
    runner = runners()
    runs = Session.id.in_(select(runner.c.session_id)
                          .where(runner.c.user_id == bindparam("user_id")))
    return (or_(part, runs), *between)


def calendar_sessions(user: User, start: datetime, end: datetime) -> list[Session]:
    """What a person's calendar shows (the phone's feed; the page reads calendar_rows): the
    sessions they take part in and, for staff, those they run; each once, soonest first."""
    return list(db.session.scalars(_calendar_sessions_statement(user.is_staff),
                                   {"user_id": user.id, "start": start, "end": end}))


@statement
def _calendar_sessions_statement(staff: bool):
    return (select(Session).join(Session.activity).options(contains_eager(Session.activity))
            .where(*on_calendar(staff)).order_by(Session.starts_at, Session.id))


def calendar_rows(user: User, start: datetime, end: datetime) -> list:
    """calendar_sessions() as plain rows of what My calendar prints, soonest first: id,
    activity_id, starts_at, status, reason, title, place (the session's, else the activity's;
    "" for none) and timezone. Core rows of eight columns instead of sessions with their
    activity and site as objects: about 0.2 ms less per page (speed.rows). As named tuples
    (records): the page reads each row's columns about a dozen times."""
    return speed.records(speed.rows(_calendar_rows_statement(user.is_staff),
                              {"user_id": user.id, "start": start, "end": end}))


@statement
def _calendar_rows_statement(staff: bool):
    session, activity, site = Session.__table__, Activity.__table__, Site.__table__
    place = case((session.c.place != "", session.c.place), else_=activity.c.place)
    return (select(session.c.id, session.c.activity_id, session.c.starts_at, session.c.status,
                   session.c.reason, activity.c.title, place.label("place"), site.c.timezone)
            .select_from(session.join(activity, activity.c.id == session.c.activity_id)
                         .join(site, site.c.id == activity.c.site_id))
            .where(*on_calendar(staff)).order_by(session.c.starts_at, session.c.id))


def by_week(sessions: list[Session]) -> list[tuple[datetime, list[Session]]]:
    """Group sessions by the Monday of their local week (weeks start on Monday everywhere).
    Sessions come sorted by start time."""
    weeks: dict = {}
    for session in sessions:
        local = session.starts_at.astimezone(ZoneInfo(session.activity.site.timezone))
        monday = (local - timedelta(days=local.weekday())).replace(
            hour=12, minute=0, second=0, microsecond=0)
        weeks.setdefault(monday.date(), (monday, []))[1].append(session)
    return list(weeks.values())


def session_event(session: Session, host: str) -> Event:
    activity: Activity = session.activity
    event = Event()
    event.add("uid", f"session-{session.id}@{host}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", activity.title)
    place = session.place or activity.place
    event.add("location", ", ".join(p for p in (place, activity.site.name,
                                                activity.site.address) if p))
    if session.note:
        event.add("description", session.note)
    if session.status == SessionStatus.CANCELLED:
        event.add("status", "CANCELLED")
    return event


def ical(name: str, events) -> bytes:
    """An iCalendar file of ready-made events (sessions, meetings, work-practice days)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Bro//Bro participant portal//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
