"""What My calendar shows and what its feed holds, read from the features that own them."""

import secrets
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from icalendar import Event
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from portal import speed
from portal.accounts.models import User
from portal.activities import calendar as activities
from portal.calendar.models import CalendarFeed
from portal.employment.services import CalendarDay, placement_days
from portal.extensions import db, utcnow
from portal.i18n import day_formatter, local_formatter
from portal.meetings import services as meetings
from portal.meetings.calendar import booking_event
from portal.meetings.calendar import calendar_rows as meeting_rows
from portal.speed import statement

PAGE_DAYS = 56  # the page: eight weeks ahead
ROW_DATE = "MMMMEEEEd"  # a row's date: weekday, day and month (a CLDR skeleton)
FEED_PAST, FEED_AHEAD = timedelta(days=30), timedelta(days=365)  # the phone's feed


class Entry(NamedTuple):
    """One line of My calendar: a session, a meeting or a work-practice day (`kind`), when it
    is in local time (a whole day at midnight), the thing itself, for its row (a row of
    activities.calendar.calendar_rows or meetings.calendar.calendar_rows, or a CalendarDay),
    and `when` as the row prints it: the local date and time, or only the date of a whole day.
    A named tuple: made in a fraction of a frozen dataclass's time (a page has dozens)."""

    kind: str
    local: datetime
    item: object
    when: str

    @property
    def whole_day(self) -> bool:
        return self.kind == "placement"


def weeks(user: User, days: int = PAGE_DAYS) -> list[tuple[date, list[Entry]]]:
    """The coming weeks of the person's calendar, each under its Monday (weeks start on Monday
    everywhere): whole days first in a day, then by time. The dates are written here, in the
    page's language looked up once (i18n.local_formatter): about 0.15 ms less per page than
    asking for the language in each row."""
    now = utcnow()
    end = now + timedelta(days=days)
    moment, day = local_formatter(ROW_DATE), day_formatter(ROW_DATE)
    entries = [
        *(Entry("session", _local(s.starts_at, s.timezone), s, moment(s.starts_at, s.timezone))
          for s in activities.calendar_rows(user, now, end)),
        *(Entry("meeting", _local(m.starts_at, m.timezone), m, moment(m.starts_at, m.timezone))
          for m in meeting_rows(user, now, end)),
        *(Entry("placement", datetime.combine(d.day, datetime.min.time()), d, day(d.day))
          for d in placement_days(user, now.date(), end.date())),
    ]
    entries.sort(key=lambda e: (e.local.date(), not e.whole_day, e.local))
    grouped: dict[date, list[Entry]] = {}
    for entry in entries:
        local_day = entry.local.date()
        grouped.setdefault(local_day - timedelta(days=local_day.weekday()), []).append(entry)
    return list(grouped.items())


def _local(moment: datetime, timezone: str) -> datetime:
    return moment.astimezone(ZoneInfo(timezone))


def feed(user: User, host: str) -> bytes:
    """The person's feed, from a month back to a year ahead: sessions and meetings (cancelled
    ones marked so, so a phone drops them) and work-practice days. In the person's language,
    which the caller has set."""
    now = utcnow()
    start, end = now - FEED_PAST, now + FEED_AHEAD
    sessions = activities.calendar_sessions(user, start, end)
    events = [
        *(activities.session_event(session, host) for session in sessions),
        *(booking_event(b, host, user.id) for b in meetings.all_meetings(user, start, end)),
        *(_placement_event(d, host) for d in placement_days(user, start.date(), end.date())),
    ]
    return activities.ical("Bro", events)


def _placement_event(day: CalendarDay, host: str) -> Event:
    event = Event()
    event.add("uid", f"placement-{day.placement_id}-{day.day.isoformat()}@{host}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", day.day)  # a date: a whole-day event
    event.add("dtend", day.day + timedelta(days=1))
    event.add("summary", day.title)
    event.add("location", day.place)
    return event


def feed_token(user: User, renew: bool = False) -> str:
    """The person's calendar address, made on first use; `renew` replaces it. Read as one
    plain column (every visit of the page), not as an object: about 50 µs less."""
    if renew:
        feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
        if feed is not None:
            feed.token, feed.created_at = secrets.token_urlsafe(32), utcnow()
            return feed.token
    else:
        token = speed.rows(_token_statement(), {"user_id": user.id}).scalar()
        if token is not None:
            return token
    return _first_token(user)


def _first_token(user: User) -> str:
    feed = CalendarFeed(user_id=user.id, token=secrets.token_urlsafe(32))
    try:
        with db.session.begin_nested():
            db.session.add(feed)
            db.session.flush()
    except IntegrityError:  # made by the same person's other request just now
        return speed.rows(_token_statement(), {"user_id": user.id}).scalar_one()
    return feed.token


@statement
def _token_statement():
    feed = CalendarFeed.__table__
    return select(feed.c.token).where(feed.c.user_id == bindparam("user_id"))


def user_for_feed(token: str) -> User | None:
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token))
    return db.session.get(User, feed.user_id) if feed else None
