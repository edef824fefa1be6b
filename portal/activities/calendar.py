"""A person's calendar: the sessions of what they joined or follow (and, for staff, of what they
lead and the café shifts they took), and iCalendar files."""

import secrets
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from portal.accounts.models import User
from portal.activities.models import (
    Activity,
    CalendarFeed,
    Enrolment,
    EnrolmentStatus,
    Follow,
    Session,
    SessionStatus,
    activity_leader,
    shift,
)
from portal.extensions import db, utcnow


def my_sessions(user: User, start: datetime, end: datetime,
                limit: int | None = None) -> list[Session]:
    """Sessions (cancelled ones too) of circles the person is in or waiting for, and of cafés
    they follow, in one query."""
    return list(db.session.scalars(_my_sessions_statement(limit),
                                   {"user_id": user.id, "start": start, "end": end}))


def busy_times(user: User, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Start and end of the scheduled sessions among my_sessions(): when the person is busy."""
    return list(db.session.execute(_busy_statement(),
                                   {"user_id": user.id, "start": start, "end": end}).all())


def _mine():
    """Sessions of circles the person (bindparam user_id) is in or waiting for, and of cafés
    they follow, between the bindparams start and end."""
    joined = select(Enrolment.activity_id).where(
        Enrolment.user_id == bindparam("user_id"), Enrolment.status != EnrolmentStatus.LEFT)
    followed = select(Follow.activity_id).where(Follow.user_id == bindparam("user_id"))
    return (or_(Session.activity_id.in_(joined), Session.activity_id.in_(followed)),
            Session.ends_at > bindparam("start"), Session.starts_at < bindparam("end"))


@cache
def _my_sessions_statement(limit: int | None):
    # Built once per limit and reused: SQLAlchemy then skips rebuilding the statement and its
    # cache key on every request (the start page and the calendar run it on every view).
    return (select(Session).join(Session.activity).options(contains_eager(Session.activity))
            .where(*_mine()).order_by(Session.starts_at).limit(limit))


@cache
def _busy_statement():
    return select(Session.starts_at, Session.ends_at).where(
        *_mine(), Session.status == SessionStatus.SCHEDULED)


def run_by(user: User, start: datetime, end: datetime) -> list[Session]:
    """Sessions the person runs: of the activities they lead, and the café shifts they took."""
    led = select(activity_leader.c.activity_id).where(activity_leader.c.user_id == user.id)
    hosted = select(shift.c.session_id).where(shift.c.user_id == user.id)
    return list(db.session.scalars(
        select(Session).join(Session.activity).options(contains_eager(Session.activity))
        .where(or_(Session.activity_id.in_(led), Session.id.in_(hosted)),
               Session.ends_at > start, Session.starts_at < end).order_by(Session.starts_at)))


def calendar_sessions(user: User, start: datetime, end: datetime) -> list[Session]:
    """What a person's calendar shows (the page and the phone's feed): the sessions they take
    part in and, for staff, those they run; each once, soonest first."""
    mine = my_sessions(user, start, end)
    if not user.is_staff:
        return mine
    seen = {session.id for session in mine}
    return sorted([*mine, *(s for s in run_by(user, start, end) if s.id not in seen)],
                  key=lambda session: session.starts_at)


def upcoming(user: User, days: int = 56) -> list[Session]:
    now = utcnow()
    return calendar_sessions(user, now, now + timedelta(days=days))


def by_week(items: list) -> list[tuple[datetime, list]]:
    """Group sessions (and meetings) by the Monday of their local week (weeks start on Monday
    everywhere). Items come sorted by start time."""
    weeks: dict = {}
    for session in items:
        site = session.site if hasattr(session, "site") else session.activity.site
        local = session.starts_at.astimezone(ZoneInfo(site.timezone))
        monday = (local - timedelta(days=local.weekday())).replace(
            hour=12, minute=0, second=0, microsecond=0)
        weeks.setdefault(monday.date(), (monday, []))[1].append(session)
    return list(weeks.values())


def feed_token(user: User, renew: bool = False) -> str:
    """The person's calendar address, made on first use; `renew` replaces it."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token=secrets.token_urlsafe(32))
        try:
            with db.session.begin_nested():
                db.session.add(feed)
                db.session.flush()
        except IntegrityError:  # made by the same person's other request just now
            feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    elif renew:
        feed.token, feed.created_at = secrets.token_urlsafe(32), utcnow()
    return feed.token


def user_for_feed(token: str) -> User | None:
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token))
    return db.session.get(User, feed.user_id) if feed else None


def to_ical(sessions: list[Session], name: str, host: str, events=()) -> bytes:
    """Sessions as events, plus any ready-made `events` (meetings)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Bro//Bro participant portal//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for session in sessions:
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
        calendar.add_component(event)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
