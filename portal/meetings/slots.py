"""Free meeting times: staff availability, minus bookings, the sessions the host runs (study
circles they lead, café shifts they took), days off and public holidays.

Windows are local wall times in the site's zone. Each slot is converted on its own date, so
09:00 stays 09:00 on both sides of a daylight-saving change; a local time that does not exist
(the hour the clocks skip) gives no slot.

Speed: a booking page cuts four weeks of every coach's windows into a few hundred candidate
times. Availability is read as plain rows of the columns these rules and the pages need (one
statement, no ORM objects: `Offer`), each day's offset from UTC is found once for all coaches,
and candidate times are whole seconds since the epoch until one is free; only then does it
become a `Slot` of datetimes. Together about 2–3 ms less CPU per "any coach" page than loading
Availability objects (three statements) and comparing datetimes (in-process, demo data).
A page of free times shows one day of four weeks: it takes the weeks as `Free` times
(services.free_days) and makes slots of that day's only; the hosts' meetings come as whole
seconds computed in SQL. About 0.3 ms less again per page (find_slots and by_day 1.4 ms,
free_days 1.1 ms in-process, same machine load).
"""

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from itertools import accumulate
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays
from flask import current_app
from sqlalchemy import (
    Date,
    Integer,
    Time,
    bindparam,
    case,
    cast,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from portal.accounts.models import STAFF_ROLES, Membership, Site, User
from portal.activities.calendar import runners, taking_part
from portal.activities.models import Session, SessionStatus
from portal.extensions import db, utcnow
from portal.meetings.models import (
    Availability,
    Booking,
    BookingStatus,
    ExtraWindow,
    Mode,
    TimeOff,
    Window,
)
from portal.speed import rows, statement

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)
EPOCH_ORDINAL = EPOCH.date().toordinal()


class Host(NamedTuple):
    """Who offers a time, as the pages name them."""

    id: int
    display_name: str


@dataclass(slots=True)
class Settings:
    """A set of free times' settings: what its host writes in the form
    (services.AvailabilityData) and what every page and rule of free times reads."""

    mode: Mode
    place: str
    languages: str
    slot_minutes: int
    buffer_minutes: int
    valid_from: date
    valid_until: date | None


@dataclass(slots=True, eq=False)
class Offer(Settings):
    """An availability as the free-time rules read it and the pages show it: its settings,
    its host's name, its site, and its windows as seconds from local midnight (weekly ones by
    weekday, extra ones by date)."""

    id: int
    host_id: int
    host: Host
    site: Site
    weekly: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    extra: dict[date, list[tuple[int, int]]] = field(default_factory=dict)


@dataclass(slots=True, unsafe_hash=True)
class Slot:
    """A free time. Equal when the time and host are (not frozen: building a frozen dataclass
    costs five times as much, and a page builds hundreds)."""

    availability: Offer = field(compare=False)
    starts_at: datetime  # UTC
    ends_at: datetime
    host_id: int
    clash: bool = field(default=False, compare=False)  # with the participant's own sessions

    @property
    def key(self) -> str:
        """What a booking form sends back: which availability and which start."""
        return f"{self.availability.id}-{self.starts_at.strftime('%Y%m%dT%H%M')}"


def parse_key(key: str) -> tuple[int, datetime] | None:
    try:
        availability_id, moment = key.split("-", 1)
        return int(availability_id), datetime.strptime(moment, "%Y%m%dT%H%M").replace(tzinfo=UTC)
    except (ValueError, AttributeError):
        return None


def availabilities(site: Site | None, first_day: date, last_day: date,
                   host_id: int | None = None, availability_id: int | None = None,
                   ) -> list[Offer]:
    """Availability in the period of people who are still staff at its site (at this site, or
    at any with `site` None), with the windows that can give times in it."""
    found: dict[int, Offer] = {}
    for (offer_id, host, site_id, mode, place, languages, slot_minutes, buffer_minutes,
         valid_from, valid_until, host_name, weekday, day, starts, ends) in rows(
            _offers_statement(site is not None, host_id is not None,
                              availability_id is not None),
            {"site_id": site.id if site is not None else None, "first_day": first_day,
             "last_day": last_day, "host_id": host_id, "availability_id": availability_id}):
        offer = found.get(offer_id)
        if offer is None:
            offer = found[offer_id] = Offer(
                mode=mode, place=place, languages=languages, slot_minutes=slot_minutes,
                buffer_minutes=buffer_minutes, valid_from=valid_from, valid_until=valid_until,
                id=offer_id, host_id=host, host=Host(host, host_name),
                site=site if site is not None else db.session.get(Site, site_id))
        if starts is not None:
            window = (_seconds(starts), _seconds(ends))
            if day is None:
                offer.weekly.setdefault(weekday, []).append(window)
            else:
                offer.extra.setdefault(day, []).append(window)
    return list(found.values())


def _seconds(clock: time) -> int:
    """A wall time as seconds from midnight (windows are whole minutes: forms ask no finer)."""
    return clock.hour * 3600 + clock.minute * 60 + clock.second


def still_offered(availability_id: int, moment: datetime) -> Offer | None:
    """One availability with its windows around a moment, if its host is still staff at its
    site. Any local date of the moment is its UTC date or a day either side."""
    day = moment.date()
    found = availabilities(None, day - timedelta(days=1), day + timedelta(days=1),
                           availability_id=availability_id)
    return found[0] if found else None


def _staff_at(site_id):
    """The ids of the staff at a site (a column or a bindparam). The roles are written into
    the SQL: a list of values is an expanding IN that SQLAlchemy rewrites on every run, which
    kept the offers statement off `speed.rows`' fast path (about 0.1 ms a page)."""
    return select(Membership.user_id).where(
        Membership.site_id == site_id,
        Membership.role.in_([literal_column(f"'{role}'") for role in STAFF_ROLES]))


@statement
def _offers_statement(by_site: bool, by_host: bool, by_id: bool):
    """One row for each availability (no window) and one for each of its windows: weekly, and
    extra ones in the period. Each part finds its rows by index (a join to a union of all
    windows would read every site's windows)."""
    def offers(*window_columns):
        statement = (
            select(Availability.id.label("offer_id"), Availability.host_id, Availability.site_id,
                   Availability.mode, Availability.place, Availability.languages,
                   Availability.slot_minutes, Availability.buffer_minutes,
                   Availability.valid_from, Availability.valid_until, User.display_name,
                   *window_columns)
            .join(User, User.id == Availability.host_id)
            .where(Availability.host_id.in_(_staff_at(Availability.site_id)),
                   Availability.valid_from <= bindparam("last_day"),
                   or_(Availability.valid_until.is_(None),
                       Availability.valid_until >= bindparam("first_day"))))
        if by_site:
            statement = statement.where(Availability.site_id == bindparam("site_id"))
        if by_host:
            statement = statement.where(Availability.host_id == bindparam("host_id"))
        if by_id:
            statement = statement.where(Availability.id == bindparam("availability_id"))
        return statement

    # Typed NULLs: PostgreSQL takes an untyped NULL in a union's first part for text.
    no_weekday, no_day, no_time = cast(null(), Integer), cast(null(), Date), cast(null(), Time)
    return union_all(
        offers(no_weekday, no_day, no_time, no_time),
        offers(Window.weekday, no_day, Window.starts, Window.ends)
        .join(Window, Window.availability_id == Availability.id),
        offers(no_weekday, ExtraWindow.day, ExtraWindow.starts, ExtraWindow.ends)
        .join(ExtraWindow, ExtraWindow.availability_id == Availability.id)
        .where(ExtraWindow.day >= bindparam("first_day"),
               ExtraWindow.day <= bindparam("last_day")),
    ).order_by("offer_id")


class Calendars(NamedTuple):
    """What one statement finds for a page of free times (`_calendars`): when each host is
    taken (meetings on either side, sessions they run), their days off, their booked meetings
    (for "any coach", who has the least), and with a participant, when that person is taken."""

    busy: dict[int, "_Taken"]
    days_off: dict[int, set[date]]
    booked: list[tuple[int, int, int]]  # (host, site, start second) of booked meetings
    mine: list[tuple[int, int]]  # the participant's busy (start, end) in seconds


# What a row of the calendars statement is (its first column).
_HOST_MEETING, _HOST_SESSION, _DAY_OFF, _MY_SESSION, _MY_MEETING = range(5)


def _calendars(host_ids: set[int], first_day: date, last_day: date, start: datetime,
               end: datetime, ignore: int | None, participant=None) -> Calendars:
    """When the hosts are taken, with two hours' margin on each side of the period: their
    meetings that are not cancelled (all but `ignore`) on either side — staff may book a
    colleague too — and the sessions they run (activities.calendar.runners); their days off
    in the period; and, for a `participant`, the sessions they joined (and run, for staff) and
    their booked meetings but `ignore` in the same margin (services flags the times that
    clash). One statement built once per process for each number of hosts (rounded up to a
    power of two: an IN list of fixed length, so `speed.rows` runs it on its fast path, where
    an expanding IN list is rewritten by SQLAlchemy on every run). It replaced five (busy
    times, sessions run, days off, the participant's sessions and meetings) and the count of
    booked meetings per host: the "any coach" page went from 0.34× to 0.44× the textbook
    page's speed (/work/ab.py, demo, with the offers statement on the fast path too)."""
    hosts = sorted(host_ids)
    arity = 1 << (len(hosts) - 1).bit_length()
    parameters = {f"host_{index}": hosts[min(index, len(hosts) - 1)] for index in range(arity)}
    parameters.update(start=start - timedelta(hours=2), end=end + timedelta(hours=2),
                      first_day=first_day, last_day=last_day,
                      user_id=participant.id if participant is not None else 0)
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    off: dict[int, set[date]] = defaultdict(set)
    booked, mine = [], []
    hosting = participant is not None and participant.is_staff
    for kind, person, begins, ends, booking_id, site_id, off_from, off_until in rows(
            _calendars_statement(arity, None if participant is None else hosting),
            parameters):
        if kind == _HOST_MEETING:
            if site_id is not None:  # booked (not held or no-show) at a site, even `ignore`
                booked.append((person, site_id, begins))
            if booking_id != ignore:
                spans[person].append((begins, ends))
        elif kind == _HOST_SESSION:
            spans[person].append((begins, ends))
        elif kind == _DAY_OFF:
            day = max(off_from, first_day)
            while day <= min(off_until, last_day):
                off[person].add(day)
                day += timedelta(days=1)
        elif kind == _MY_SESSION or booking_id != ignore:
            mine.append((begins, ends))
    return Calendars({host_id: _Taken(host_spans) for host_id, host_spans in spans.items()},
                     off, booked, mine)


def involving(hosting: bool):
    """Meetings of the bindparam user_id: those they take part in and, for staff (hosting),
    those they host. Participants never host, so their statements keep to one index."""
    mine = Booking.participant_id == bindparam("user_id")
    return or_(mine, Booking.host_id == bindparam("user_id")) if hosting else mine


@statement
def _calendars_statement(arity: int, participant_hosting: bool | None):
    """Rows (kind, person, start, end, booking, site, first day off, last day off): times in
    whole seconds since the epoch (starts rounded down, ends up); `site` is the site of a
    host's booked meeting (NULL when held, no-show or cancelled), for the count of each
    host's meetings. `participant_hosting` None: no participant; else whether they are staff
    (who run sessions and host meetings too)."""
    hosts = [bindparam(f"host_{index}") for index in range(arity)]
    no_int, no_day = cast(null(), Integer), cast(null(), Date)

    def kind(value: int):
        return literal_column(str(value), Integer)

    def meetings(person, site_id):
        return select(kind(_HOST_MEETING), person, _first_second(Booking.starts_at),
                      _last_second(Booking.ends_at), Booking.id, site_id, no_day, no_day).where(
            person.in_(hosts), Booking.is_active, Booking.starts_at < bindparam("end"),
            Booking.ends_at > bindparam("start"))

    def sessions(value: int, person_is):
        runner = runners()
        return (select(kind(value), runner.c.user_id, _first_second(Session.starts_at),
                       _last_second(Session.ends_at), no_int, no_int, no_day, no_day)
                .join(Session, Session.id == runner.c.session_id)
                .where(person_is(runner.c.user_id), *_scheduled_in_period()))

    booked = Booking.status == _BOOKED
    booked_site = case((booked, Booking.site_id), else_=no_int)
    parts = [
        meetings(Booking.host_id, booked_site),
        meetings(Booking.participant_id, no_int),
        sessions(_HOST_SESSION, lambda person: person.in_(hosts)),
        select(kind(_DAY_OFF), TimeOff.host_id, no_int, no_int, no_int, no_int,
               TimeOff.first_day, TimeOff.last_day).where(
            TimeOff.host_id.in_(hosts), TimeOff.first_day <= bindparam("last_day"),
            TimeOff.last_day >= bindparam("first_day")),
    ]
    if participant_hosting is not None:
        parts.append(select(kind(_MY_SESSION), no_int, _first_second(Session.starts_at),
                            _last_second(Session.ends_at), no_int, no_int, no_day, no_day)
                     .where(*taking_part(), Session.status == SessionStatus.SCHEDULED))
        if participant_hosting:
            parts.append(sessions(_MY_SESSION,
                                  lambda person: person == bindparam("user_id")))
        # Active and booked: with "active" SQLite reads the person's meetings to come from the
        # partial index by end; with "booked" alone it read every booked meeting by start.
        parts.append(select(kind(_MY_MEETING), no_int, _first_second(Booking.starts_at),
                            _last_second(Booking.ends_at), Booking.id, no_int, no_day, no_day)
                     .where(involving(participant_hosting), Booking.is_active, booked,
                            Booking.starts_at < bindparam("end"),
                            Booking.ends_at > bindparam("start")))
    return union_all(*parts)


# Written into the SQL, not bound: a bound value that could decide whether the partial index
# on active meetings applies makes SQLite prepare the statement again on every run.
_BOOKED = literal_column(f"'{BookingStatus.BOOKED}'")


def _scheduled_in_period():
    return (Session.status == SessionStatus.SCHEDULED, Session.starts_at < bindparam("end"),
            Session.ends_at > bindparam("start"))


def _floor(moment: datetime) -> int:
    return (moment - EPOCH) // SECOND


def _ceil(moment: datetime) -> int:
    return -((EPOCH - moment) // SECOND)


class _Taken:
    """A host's busy times in whole seconds since the epoch (starts rounded down, ends up: for
    whole-second slot times the comparisons say what they say of the exact moments), sorted by
    start, with the latest end so far. Whether one overlaps a span is a binary search, not a
    scan of four weeks of meetings and sessions for each of a page's few hundred times."""

    __slots__ = ("starts", "reach")

    def __init__(self, spans: list[tuple[int, int]]):
        spans.sort()
        self.starts = [start for start, _end in spans]
        self.reach = list(accumulate((end for _start, end in spans), max))

    def overlaps(self, start: int, end: int) -> bool:
        """Whether any busy time starts before `end` and ends after `start`."""
        before = bisect_left(self.starts, end)  # these start before the end
        return before > 0 and self.reach[before - 1] > start


NEVER_BUSY = _Taken([])


class _first_second(FunctionElement):  # noqa: N801  (reads like the SQL it is)
    """A UTC timestamp column as whole seconds since the epoch, rounded down; `_last_second`
    rounds up. SQLite gives the text it keeps, which took SQLAlchemy about 3 µs a value to
    make an aware datetime (a page of free times reads 60 or so) before _floor and _ceil made
    seconds of it."""

    type = Integer()
    inherit_cache = True
    name = "first_second"


class _last_second(_first_second):  # noqa: N801
    inherit_cache = True
    name = "last_second"


@compiles(_first_second, "sqlite")
@compiles(_last_second, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    # The text is "YYYY-MM-DD HH:MM:SS.ffffff": whole seconds from its first 19 characters
    # (strftime would round a fraction to milliseconds first), one more for a fraction.
    (moment,) = (compiler.process(c, **kw) for c in element.clauses)
    seconds = f"CAST(strftime('%s', substr({moment}, 1, 19)) AS INTEGER)"
    if isinstance(element, _last_second):
        return f"({seconds} + (substr({moment}, 21) > '000000'))"
    return seconds


@compiles(_first_second, "postgresql")
@compiles(_last_second, "postgresql")
def _seconds_postgresql(element, compiler, **kw):
    (moment,) = (compiler.process(c, **kw) for c in element.clauses)
    rounded = "CEIL" if isinstance(element, _last_second) else "FLOOR"
    return f"CAST({rounded}(EXTRACT(EPOCH FROM {moment})) AS BIGINT)"


@cache
def _holidays(country: str, first_year: int, last_year: int):
    # The same few years for every page of free times: computed once per process (read-only).
    return holidays.country_holidays(country, years=range(first_year, last_year + 1))


class _Day(NamedTuple):
    """A day that is not a public holiday, as slots are cut on it."""

    day: date
    weekday: int
    midnight: int  # local midnight in seconds since the epoch, as if the zone were UTC
    offset: int | None  # the zone's offset from UTC in seconds all day; None: the clocks change


def _open_days(site: Site, first_day: date, last_day: date) -> tuple[_Day, ...]:
    """The period's days but public holidays, worked out once for every availability."""
    return _open_days_in(site.country, site.timezone, first_day, last_day)


@lru_cache(maxsize=1024)
def _open_days_in(country: str, zone_name: str, first_day: date, last_day: date,
                  ) -> tuple[_Day, ...]:
    # The same for every page of a place on one day (about 0.1 ms of holiday and offset
    # look-ups for four weeks): kept per country, zone and period (read-only).
    closed = _holidays(country, first_day.year, last_day.year)
    zone = ZoneInfo(zone_name)
    days = []
    day = first_day
    while day <= last_day:
        if day not in closed:
            offset = zone.utcoffset(datetime.combine(day, time.min))
            same = offset == zone.utcoffset(datetime.combine(day, time.max))
            days.append(_Day(day, day.weekday(), (day.toordinal() - EPOCH_ORDINAL) * 86400,
                             offset // SECOND if same else None))
        day += timedelta(days=1)
    return tuple(days)


class Free(NamedTuple):
    """A free time before it becomes a `Slot`: its start and length in whole seconds since the
    epoch, its host, the offer it is cut from and the local day it falls on."""

    start: int
    length: int
    host_id: int
    offer: Offer
    day: date

    def slot(self, clash: bool = False) -> Slot:
        return Slot(self.offer, datetime.fromtimestamp(self.start, UTC),
                    datetime.fromtimestamp(self.start + self.length, UTC), self.host_id, clash)


def free_slots(site: Site, first_day: date, last_day: date, host_id: int | None = None,
               availability_id: int | None = None, ignore_booking: int | None = None,
               now: datetime | None = None, offered: list[Offer] | None = None,
               ) -> list[Slot]:
    """Every free slot from first_day to last_day (local dates), in time order. `offered`:
    the site's availability if the caller has loaded it already."""
    return [free.slot() for free in free_times(site, first_day, last_day, host_id,
                                               availability_id, ignore_booking, now, offered)]


def free_times(site: Site, first_day: date, last_day: date, host_id: int | None = None,
               availability_id: int | None = None, ignore_booking: int | None = None,
               now: datetime | None = None, offered: list[Offer] | None = None,
               ) -> list[Free]:
    """free_slots as `Free` times: a page that shows one day of four weeks makes `Slot`s of
    datetimes for that day only."""
    return free_times_and_calendars(site, first_day, last_day, host_id, availability_id,
                                    ignore_booking, now, offered)[0]


def free_times_and_calendars(site: Site, first_day: date, last_day: date,
                             host_id: int | None = None, availability_id: int | None = None,
                             ignore_booking: int | None = None, now: datetime | None = None,
                             offered: list[Offer] | None = None, participant=None,
                             ) -> tuple[list[Free], Calendars | None]:
    """free_times, and the calendars they were cut from (`_calendars`; None when nobody
    offers anything): with a `participant`, their busy times too."""
    if offered is None:
        offered = availabilities(site, first_day, last_day, host_id, availability_id)
    found = [a for a in offered if (availability_id is None or a.id == availability_id)
             and (host_id is None or a.host_id == host_id)]
    if not found:
        return [], None
    zone = ZoneInfo(site.timezone)
    earliest = (now or utcnow()) + timedelta(
        minutes=current_app.config["MEETING_MIN_NOTICE_MINUTES"])
    hosts = {a.host_id for a in found}
    period_start = datetime.combine(first_day, datetime.min.time(), tzinfo=zone)
    period_end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    calendars = _calendars(hosts, first_day, last_day, period_start, period_end,
                           ignore_booking, participant)
    days = _open_days(site, first_day, last_day)
    soonest = _ceil(earliest)
    free: dict[tuple[int, int, int], Free] = {}  # (start, length, host): the first offer's
    for offer in found:
        _cut(offer, days, last_day, calendars.days_off.get(offer.host_id, ()),
             calendars.busy.get(offer.host_id, NEVER_BUSY), zone, soonest, free)
    times = sorted(free.values(), key=lambda f: (f.start, f.offer.host.display_name, f.host_id))
    return times, calendars


def _cut(offer: Offer, days: tuple[_Day, ...], last_day: date, days_off, busy: "_Taken",
         zone: ZoneInfo, soonest: int, free: dict[tuple[int, int, int], Free]) -> None:
    """Cut an offer's windows into its free times on the open days, into `free` (a time that
    is there already keeps its offer). One loop with the busy check written out: a page cuts a
    few hundred candidate times, and a call per day and per check cost more than the checks
    (about 0.5 ms a page)."""
    length, buffer, host = offer.slot_minutes * 60, offer.buffer_minutes * 60, offer.host_id
    step = length + buffer
    first, last = offer.valid_from, offer.valid_until or last_day
    weekly, extra = offer.weekly, offer.extra
    busy_starts, reach = busy.starts, busy.reach
    for day in days:
        date_ = day.day
        if date_ < first or date_ > last or date_ in days_off:
            continue
        windows = weekly.get(day.weekday, ())
        if extra and date_ in extra:
            windows = [*windows, *extra[date_]]
        for window_start, window_end in windows:
            local = window_start
            while local + length <= window_end:
                if day.offset is not None:
                    start = day.midnight + local - day.offset
                else:
                    start = _utc(date_, local, zone)
                local += step
                if start is None or start < soonest:
                    continue
                before = bisect_left(busy_starts, start + length + buffer)  # _Taken.overlaps
                if before and reach[before - 1] > start - buffer:
                    continue
                key = (start, length, host)
                if key not in free:
                    free[key] = Free(start, length, host, offer, date_)


def _utc(day: date, local: int, zone: ZoneInfo) -> int | None:
    """A local wall time on a day the clocks change, in seconds since the epoch, or None for a
    time the clocks skip."""
    wall = datetime.combine(day, time.min) + timedelta(seconds=local)
    moment = wall.replace(tzinfo=zone).astimezone(UTC)
    return _floor(moment) if moment.astimezone(zone).replace(tzinfo=None) == wall else None


def one_per_time(times: list[Free], load: dict[int, int] | None = None) -> list[Free]:
    """For "any coach": one time per start and mode, from whoever has the least booked."""
    load = load or {}
    best: dict[tuple, Free] = {}
    for free in times:
        key = (free.start, free.offer.mode)
        if key not in best or load.get(free.host_id, 0) < load.get(best[key].host_id, 0):
            best[key] = free
    return sorted(best.values(), key=lambda f: f.start)


def from_seconds(seconds: int) -> datetime:
    """Whole seconds since the epoch as an aware UTC datetime."""
    return datetime.fromtimestamp(seconds, UTC)


def seconds(moment: datetime) -> int:
    """An aware datetime as whole seconds since the epoch (rounded down)."""
    return _floor(moment)
