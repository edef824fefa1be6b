"""Meeting verbs: publish availability, book, move, cancel, mark held or no-show.

They change the session and flush; the request (or job) that calls them commits once at its
end (portal.work)."""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import (
    Date,
    Integer,
    Time,
    bindparam,
    case,
    cast,
    delete,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from portal import speed, work
from portal.accounts.models import STAFF_ROLES, Role, Site, User
from portal.activities.services import session_times
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.i18n import _l, lazy_ngettext
from portal.meetings import messages
from portal.meetings import slots as slot_rules
from portal.meetings.models import (
    SLOT_MINUTES,
    Availability,
    Booking,
    BookingStatus,
    ExtraWindow,
    Mode,
    Reminder,
    TimeOff,
    Window,
)
from portal.meetings.slots import involving
from portal.notify.models import Notification
from portal.notify.services import notify
from portal.speed import rows, statement

DAYS_AHEAD = 28  # how far ahead participants can book


class SlotTaken(DomainError):
    """The time went to someone else a moment ago: offer the next free times instead. They
    are looked up when first asked for, so that a request can let go of the calendars it
    locked first (`work.roll_back()`): looking up weeks of free times while holding SQLite's
    one write lock made other writers give up (a 503) when many booked at once."""

    def __init__(self, next_free_times: Callable[[], list]):
        super().__init__(_l("Sorry, that time was just taken. Here are the next free times."))
        self._next_free_times = next_free_times

    @cached_property
    def alternatives(self) -> list:
        return self._next_free_times()


# -- permissions ---------------------------------------------------------------------------

def is_staff_at(user: User, site_id: int) -> bool:
    return user.is_authenticated and user.has_role(site_id, *STAFF_ROLES)


def can_manage(user: User, booking: Booking) -> bool:
    """The host, and the coordinators of the meeting place, run the meeting."""
    return user.is_authenticated and (
        booking.host_id == user.id or user.has_role(booking.site_id, Role.COORDINATOR))


def can_see(user: User, booking: Booking) -> bool:
    return user.is_authenticated and (booking.participant_id == user.id
                                      or can_manage(user, booking))


def visible_booking(user: User, booking_id: int) -> Booking | None:
    booking = db.session.get(Booking, booking_id)
    return booking if booking is not None and can_see(user, booking) else None


def booking_site(user: User) -> Site | None:
    """Where a participant books: their first meeting place."""
    return user.home_site


# -- availability (staff) ------------------------------------------------------------------

AvailabilityData = slot_rules.Settings  # what the form gives create and update


@dataclass
class WindowData:
    weekdays: list[int]
    starts: time
    ends: time


class WindowRow(NamedTuple):
    weekday: int
    starts: time
    ends: time


@dataclass(slots=True)
class OwnTimes:
    """A set of free times as its host's list shows it: its columns, its site's name and its
    weekly windows (rows of weekday, starts, ends), in weekday and time order."""

    id: int
    mode: Mode
    site_name: str
    slot_minutes: int
    valid_from: date
    valid_until: date | None
    windows: list = field(default_factory=list)


def my_availability(user: User) -> list[OwnTimes]:
    """A host's sets of free times, oldest first. Plain rows of one statement built once per
    process (ORM objects took three: the availability with its host and site joined, its
    windows and its extra windows; about 0.5 ms of the free-times page)."""
    found: dict[int, OwnTimes] = {}
    for (availability_id, mode, site_name, slot_minutes, valid_from, valid_until,
         *window) in rows(_my_availability_statement(), {"user_id": user.id}):
        times = found.get(availability_id)
        if times is None:
            times = found[availability_id] = OwnTimes(
                availability_id, mode, site_name, slot_minutes, valid_from, valid_until)
        if window[0] is not None:
            times.windows.append(WindowRow(*window))
    return list(found.values())


@statement
def _my_availability_statement():
    return (select(Availability.id, Availability.mode, Site.name, Availability.slot_minutes,
                   Availability.valid_from, Availability.valid_until,
                   Window.weekday, Window.starts, Window.ends)
            .join(Site, Site.id == Availability.site_id)
            .outerjoin(Window, Window.availability_id == Availability.id)
            .where(Availability.host_id == bindparam("user_id"))
            .order_by(Availability.valid_from, Availability.id, Window.weekday, Window.starts,
                      Window.id))


def _check_availability(data: AvailabilityData) -> None:
    if data.slot_minutes not in SLOT_MINUTES:
        raise DomainError(_l("Choose one of the options."), field="slot_minutes")
    if data.mode not in set(Mode):
        raise DomainError(_l("Choose one of the options."), field="mode")
    if data.valid_until is not None and data.valid_until < data.valid_from:
        raise DomainError(_l("The end date is before the first date."), field="valid_until")


def _check_window(window: WindowData) -> None:
    if not window.weekdays:
        raise DomainError(_l("Choose at least one weekday."), field="weekdays")
    if window.ends <= window.starts:
        raise DomainError(_l("The end time must be after the start time."), field="ends")


def create_availability(user: User, site: Site, data: AvailabilityData,
                        window: WindowData) -> Availability:
    if not is_staff_at(user, site.id):
        raise DomainError(_l("Only staff at this meeting place can offer meetings."))
    _check_availability(data)
    _check_window(window)
    if data.valid_from < site.today():
        raise DomainError(_l("Choose today or a later date."), field="valid_from")
    availability = Availability(host_id=user.id, site_id=site.id, **asdict(data))
    availability.windows = [Window(weekday=day, starts=window.starts, ends=window.ends)
                            for day in sorted(set(window.weekdays))]
    db.session.add(availability)
    db.session.flush()
    return availability


def update_availability(availability: Availability, data: AvailabilityData) -> None:
    """New settings apply to free times from now on; booked meetings keep theirs."""
    _check_availability(data)
    for name, value in asdict(data).items():
        setattr(availability, name, value)


def add_window(availability: Availability, window: WindowData) -> None:
    _check_window(window)
    availability.windows.extend(Window(weekday=day, starts=window.starts, ends=window.ends)
                                for day in sorted(set(window.weekdays)))


def remove_window(availability: Availability, window_id: int) -> None:
    availability.windows = [w for w in availability.windows if w.id != window_id]


def add_extra(availability: Availability, day: date, starts: time, ends: time) -> None:
    if ends <= starts:
        raise DomainError(_l("The end time must be after the start time."), field="ends")
    if day < availability.site.today():
        raise DomainError(_l("Choose today or a later date."), field="day")
    availability.extras.append(ExtraWindow(day=day, starts=starts, ends=ends))


def remove_extra(availability: Availability, extra_id: int) -> None:
    availability.extras = [e for e in availability.extras if e.id != extra_id]


def delete_availability(availability: Availability) -> None:
    """No new bookings in it; meetings already booked stay (they keep their own time)."""
    db.session.delete(availability)


def own_availability(user: User, availability_id: int) -> Availability | None:
    availability = db.session.get(Availability, availability_id)
    return availability if availability is not None and availability.host_id == user.id else None


@dataclass(slots=True)
class OwnTimesInFull(slot_rules.Settings):
    """A set of free times as its host's page for changing it shows it: its settings, its
    site's name, its weekly windows (rows of id, weekday, starts, ends) in weekday and time
    order and its extra windows (rows of id, day, starts, ends) in date and time order."""

    id: int
    site_name: str
    windows: list = field(default_factory=list)
    extras: list = field(default_factory=list)


class ExtraRow(NamedTuple):
    id: int
    day: date
    starts: time
    ends: time


class WindowRowWithId(NamedTuple):
    id: int
    weekday: int
    starts: time
    ends: time


def own_times(user: User, availability_id: int) -> OwnTimesInFull | None:
    """One of the person's own sets of free times with its windows, or None (someone else's,
    or none by that id). Plain rows of one statement built once per process; the ORM took
    three (the availability with its host and site, its windows, its extra windows: about
    0.5 ms of the page)."""
    found = None
    for (times_id, mode, place, languages, slot_minutes, buffer_minutes, valid_from,
         valid_until, site_name, kind, window_id, weekday, day, starts, ends) in rows(
            _own_times_statement(), {"user_id": user.id, "availability_id": availability_id}):
        if found is None:
            found = OwnTimesInFull(
                mode=mode, place=place, languages=languages, slot_minutes=slot_minutes,
                buffer_minutes=buffer_minutes, valid_from=valid_from, valid_until=valid_until,
                id=times_id, site_name=site_name)
        if kind == 1:
            found.windows.append(WindowRowWithId(window_id, weekday, starts, ends))
        elif kind == 2:
            found.extras.append(ExtraRow(window_id, day, starts, ends))
    return found


@statement
def _own_times_statement():
    """The availability (kind 0), then its weekly windows (1), then its extra windows (2)."""
    def part(kind, *window_columns):
        return (select(Availability.id, Availability.mode, Availability.place,
                       Availability.languages, Availability.slot_minutes,
                       Availability.buffer_minutes, Availability.valid_from,
                       Availability.valid_until, Site.name,
                       literal_column(str(kind), Integer).label("kind"),
                       *(column.label(name) for column, name in zip(window_columns, (
                           "window_id", "weekday", "day", "starts", "ends"), strict=True)))
                .join(Site, Site.id == Availability.site_id)
                .where(Availability.id == bindparam("availability_id"),
                       Availability.host_id == bindparam("user_id")))

    # Typed NULLs: PostgreSQL takes an untyped NULL in a union's first part for text.
    no_id, no_weekday, no_day = cast(null(), Integer), cast(null(), Integer), cast(null(), Date)
    no_time = cast(null(), Time)
    return union_all(
        part(0, no_id, no_weekday, no_day, no_time, no_time),
        part(1, Window.id, Window.weekday, no_day, Window.starts, Window.ends)
        .join(Window, Window.availability_id == Availability.id),
        part(2, ExtraWindow.id, no_weekday, ExtraWindow.day, ExtraWindow.starts,
             ExtraWindow.ends).join(ExtraWindow, ExtraWindow.availability_id == Availability.id),
    ).order_by("kind", "weekday", "day", "starts", "window_id")


def days_off(user: User):
    """A host's days off from yesterday on, as rows (id, first_day, last_day)."""
    return rows(_days_off_statement(), {
        "user_id": user.id, "since": utcnow().date() - timedelta(days=1)}).all()


@statement
def _days_off_statement():
    return (select(TimeOff.id, TimeOff.first_day, TimeOff.last_day)
            .where(TimeOff.host_id == bindparam("user_id"),
                   TimeOff.last_day >= bindparam("since"))
            .order_by(TimeOff.first_day))


def add_time_off(user: User, first_day: date, last_day: date | None) -> list[Booking]:
    """Days off. Returns the meetings already booked on those days (the host decides)."""
    last_day = last_day or first_day
    if last_day < first_day:
        raise DomainError(_l("The end date is before the first date."), field="last_day")
    db.session.add(TimeOff(host_id=user.id, first_day=first_day, last_day=last_day))
    return [b for b in agenda_of(user, first_day - timedelta(days=1),
                                 last_day + timedelta(days=1))
            if b.is_active and first_day <= _local_day(b) <= last_day]


def remove_time_off(user: User, time_off_id: int) -> bool:
    """Remove one's own days off; False if there were none by that id (someone else's)."""
    removed = db.session.execute(TimeOff.__table__.delete().where(
        TimeOff.id == time_off_id, TimeOff.host_id == user.id)).rowcount
    return removed == 1


def _local_day(booking: Booking) -> date:
    return booking.starts_at.astimezone(ZoneInfo(booking.site.timezone)).date()


# -- finding a time (participant) ----------------------------------------------------------

def offered(site: Site) -> list[slot_rules.Offer]:
    """The site's availability in the weeks participants can book (load once per page)."""
    today = site.today()
    return slot_rules.availabilities(site, today, today + timedelta(days=DAYS_AHEAD - 1))


def hosts_at(site: Site, availability: list[slot_rules.Offer] | None = None,
             ) -> list[slot_rules.Host]:
    """Staff who offer meetings at this site in the coming weeks (id and name)."""
    hosts = {a.host_id: a.host for a in (availability if availability is not None
                                         else offered(site))}
    return sorted(hosts.values(), key=lambda host: (host.display_name, host.id))


def find_slots(participant: User, site: Site, host_id: int | None,
               first_day: date | None = None, days: int = DAYS_AHEAD,
               ignore_booking: int | None = None,
               availability: list[slot_rules.Offer] | None = None) -> list[slot_rules.Slot]:
    """Free slots from first_day on, for one host or for any (one per time), each flagged when
    it clashes with a session the participant joined or another meeting of theirs."""
    return _flagged(*_free_times(participant, site, host_id, first_day, days, ignore_booking,
                                 availability))


@dataclass
class FreeDays:
    """Free times as a booking page shows them: the days that have any (in order) with how
    many each has, one of those days, and that day's free times (flagged as find_slots
    flags them)."""

    counts: dict[date, int]
    day: date | None
    slots: list[slot_rules.Slot]


def free_days(participant: User, site: Site, host_id: int | None, day: date | None = None,
              ignore_booking: int | None = None,
              availability: list[slot_rules.Offer] | None = None) -> FreeDays:
    """find_slots for a page of days: the weeks' free times are counted by day, and only the
    chosen day's (`day` if it has any, else the first) become slots and are checked against
    the participant's calendar (a page shows one day of a few weeks' times)."""
    found, mine = _free_times(participant, site, host_id, None, DAYS_AHEAD, ignore_booking,
                              availability)
    counts: dict[date, int] = {}
    for free in found:
        counts[free.day] = counts.get(free.day, 0) + 1
    chosen = day if day in counts else next(iter(counts), None)
    return FreeDays(counts, chosen, _flagged([free for free in found if free.day == chosen],
                                             mine))


def _free_times(participant: User, site: Site, host_id: int | None, first_day: date | None,
                days: int, ignore_booking: int | None,
                availability: list[slot_rules.Offer] | None,
                ) -> tuple[list[slot_rules.Free], list[tuple[int, int]]]:
    """The free times, and when the participant is taken in those weeks (seconds since the
    epoch), from the same statement as the hosts' calendars (slots._calendars)."""
    first_day = max(first_day or date.min, site.today())
    last_day = first_day + timedelta(days=days - 1)
    found, calendars = slot_rules.free_times_and_calendars(
        site, first_day, last_day, host_id=host_id, ignore_booking=ignore_booking,
        offered=availability, participant=participant)
    if host_id is None and found:  # spread meetings over the hosts of these days
        found = slot_rules.one_per_time(found, _load(
            site, calendars.booked, found[0].start, found[-1].start + found[-1].length))
    return found, calendars.mine if calendars is not None else []


def _load(site: Site, booked: list[tuple[int, int, int]], start: int, end: int,
          ) -> dict[int, int]:
    """How many meetings each host has booked at the site that start in the period (seconds
    since the epoch), counted from the hosts' booked meetings the free times were cut around
    (a statement of its own before: about 0.1 ms)."""
    load: dict[int, int] = {}
    for host_id, site_id, starts in booked:
        if site_id == site.id and start <= starts < end:
            load[host_id] = load.get(host_id, 0) + 1
    return load


def _flagged(found: list[slot_rules.Free], busy: list[tuple[int, int]],
             ) -> list[slot_rules.Slot]:
    """Slots of free times, each flagged when it clashes with the participant's sessions or
    other meetings (`busy`, in whole seconds: for whole-second times, the comparisons say
    what they say of the exact moments)."""
    slots = [free.slot() for free in found]
    if busy:
        for slot, free in zip(slots, found, strict=True):
            end = free.start + free.length
            slot.clash = any(b_start < end and b_end > free.start for b_start, b_end in busy)
    return slots


def _participant_busy(participant: User, start: datetime, end: datetime,
                      ignore_booking: int | None = None) -> list[tuple[datetime, datetime]]:
    """The sessions the person joined (and, for staff booking a colleague, those they run)
    and their other meetings."""
    running = {participant.id} if participant.is_staff else set()
    sessions = session_times(running, start, end, joined_by=participant)
    return [(starts_at, ends_at) for _person, starts_at, ends_at in sessions] + [
        (starts_at, ends_at) for booking_id, starts_at, ends_at
        in _meetings_between(participant, start, end) if booking_id != ignore_booking]


def _overlaps(busy, start: datetime, end: datetime) -> bool:
    return any(b_start < end and b_end > start for b_start, b_end in busy)


def with_other_person(hosting: bool):
    """For plain rows of the meetings `involving(hosting)`: the booking table joined to its
    site and to the other person, and the column of that person's name (the host's for the
    participant, the participant's for the host; None without one). Participants only ever
    take part: for them, one join less."""
    booking, site = Booking.__table__, Site.__table__
    host, participant = User.__table__.alias("host"), User.__table__.alias("participant")
    tables = (booking.join(site, site.c.id == booking.c.site_id)
              .outerjoin(host, host.c.id == booking.c.host_id))
    if not hosting:
        return tables, host.c.display_name
    tables = tables.outerjoin(participant, participant.c.id == booking.c.participant_id)
    return tables, case((booking.c.participant_id == bindparam("user_id"), host.c.display_name),
                        else_=participant.c.display_name)


def _meetings_between(participant: User, start: datetime, end: datetime):
    """(id, start, end) of the person's booked meetings that overlap the period, on either
    side (staff who book a colleague may be hosting then)."""
    return rows(_meetings_between_statement(participant.is_staff), {
        "user_id": participant.id, "start": start, "end": end}).all()


@statement
def _meetings_between_statement(hosting: bool):
    return select(Booking.id, Booking.starts_at, Booking.ends_at).where(
        involving(hosting), Booking.status == BookingStatus.BOOKED,
        Booking.starts_at < bindparam("end"), Booking.ends_at > bindparam("start"))


def slot_for(key: str, participant: User, ignore_booking: int | None = None):
    """The free slot a key names, or None (taken, past, or never offered), flagged when it
    clashes with the participant's sessions or other meetings."""
    slot = _free_slot(key, ignore_booking)
    if slot is None:
        return None
    busy = _participant_busy(participant, slot.starts_at, slot.ends_at, ignore_booking)
    return replace(slot, clash=_overlaps(busy, slot.starts_at, slot.ends_at))


def _free_slot(key: str, ignore_booking: int | None = None) -> slot_rules.Slot | None:
    """The slot a key names if its host is free then (the participant's side aside)."""
    parsed = slot_rules.parse_key(key)
    if parsed is None:
        return None
    offer = slot_rules.still_offered(*parsed)
    if offer is None:
        return None
    site = offer.site
    day = parsed[1].astimezone(ZoneInfo(site.timezone)).date()
    start = slot_rules.seconds(parsed[1])
    found = slot_rules.free_times(site, day, day, ignore_booking=ignore_booking,
                                  offered=[offer])
    return next((free.slot() for free in found if free.start == start), None)


def _alternatives(participant: User, availability: Availability, after: datetime,
                  ignore_booking: int | None = None) -> list[slot_rules.Slot]:
    site = availability.site
    day = after.astimezone(ZoneInfo(site.timezone)).date()
    return [s for s in find_slots(participant, site, availability.host_id, day, days=14,
                                  ignore_booking=ignore_booking)
            if s.starts_at >= after][:5]


# -- booking -------------------------------------------------------------------------------

def _lock_people(*user_ids: int) -> None:
    """Own these people's calendars until the unit of work ends: a write on their rows, in id
    order, waits for any other booking of the same host or participant (row locks on
    PostgreSQL, the write lock on SQLite). The unique index stays the last word."""
    for user_id in sorted(set(user_ids)):
        work.lock(update(User).where(User.id == user_id)
                  .values(session_version=User.session_version))


def _claim(participant: User, availability: Availability, key: str,
           moving: Booking | None = None, **details) -> Booking:
    """Give a meeting the free time `key` names: a new meeting (with `details`), or the one
    `moving` to it. Lock the host's and the participant's calendars, check the time again with
    what is committed now, and write; the partial unique index is the last word (in a
    savepoint, so the unit of work stays usable when it refuses). Whoever loses the time gets
    SlotTaken, with the next free times."""
    moving_id = moving.id if moving is not None else None
    after = slot_rules.parse_key(key)[1]

    def taken() -> SlotTaken:
        return SlotTaken(lambda: _alternatives(participant, availability, after, moving_id))

    _lock_people(availability.host_id, participant.id)
    if moving is not None:
        moving = db.session.get(Booking, moving_id, populate_existing=True)
        if moving.status != BookingStatus.BOOKED:
            raise DomainError(_l("This meeting is cancelled."))
    slot = _free_slot(key, moving_id)
    if slot is None:
        raise taken()
    _check_participant(participant, slot.starts_at, slot.ends_at, moving_id)  # their side
    booking = moving or Booking(site_id=availability.site_id, host_id=availability.host_id,
                                participant_id=participant.id, **details)
    try:
        with db.session.begin_nested():
            booking.availability_id, booking.mode, booking.place = (
                availability.id, availability.mode, availability.place)
            booking.starts_at, booking.ends_at, booking.scheduled_at = (
                slot.starts_at, slot.ends_at, utcnow())
            db.session.add(booking)
            db.session.flush()
    except IntegrityError:
        raise taken() from None
    return booking


def _offered_availability(key: str) -> Availability:
    parsed = slot_rules.parse_key(key)
    availability = db.session.get(Availability, parsed[0]) if parsed else None
    if availability is None:
        raise DomainError(_l("This time is not offered any more. Please choose another."))
    return availability


def book(participant: User, key: str, topic: str = "", interpreter: str = "") -> Booking:
    availability = _offered_availability(key)
    if not participant.role_at(availability.site_id) and not participant.is_admin:
        raise DomainError(_l("You can only book meetings at your own meeting place."))
    if availability.host_id == participant.id:
        raise DomainError(_l("You cannot book a meeting with yourself."))
    booking = _claim(participant, availability, key, topic=topic, interpreter=interpreter)
    notify([participant], "booking_confirmed", messages.params(booking),
           about=availability.host)
    notify([availability.host], "booking_new", messages.params(booking), about=participant)
    return booking


def _check_participant(participant: User, starts_at: datetime, ends_at: datetime,
                       ignore_booking: int | None = None) -> None:
    if any(booking_id != ignore_booking
           for booking_id, _start, _end in _meetings_between(participant, starts_at, ends_at)):
        raise DomainError(_l("You already have a meeting at this time."))
    upcoming = db.session.scalar(select(func.count()).select_from(Booking).where(
        Booking.participant_id == participant.id, Booking.status == BookingStatus.BOOKED,
        Booking.starts_at > utcnow(), Booking.id != (ignore_booking or 0)))
    limit = current_app.config["MEETING_MAX_UPCOMING"]
    if upcoming >= limit:
        raise DomainError(lazy_ngettext(
            "You have %(num)d meeting booked already. Please cancel it before you book "
            "another.",
            "You have %(num)d meetings booked already. Please cancel one before you book "
            "another.", limit))


def change_deadline(booking: Booking) -> datetime:
    return booking.starts_at - timedelta(hours=current_app.config["MEETING_CHANGE_CUTOFF_HOURS"])


def can_change(user: User, booking: Booking) -> bool:
    """Participants cancel or move until the cut-off; staff until the meeting starts."""
    if booking.status != BookingStatus.BOOKED or booking.starts_at <= utcnow():
        return False
    if can_manage(user, booking):
        return True
    return booking.participant_id == user.id and utcnow() < change_deadline(booking)


def cancel(user: User, booking: Booking, reason: str = "") -> None:
    if not can_see(user, booking):
        raise DomainError(_l("You cannot change this meeting."))
    if booking.status == BookingStatus.CANCELLED:
        return
    if not can_change(user, booking):
        raise DomainError(_l("It is too late to change this meeting online. Please call or "
                             "message your contact person."))
    by_staff = booking.participant_id != user.id
    if by_staff and not reason.strip():
        raise DomainError(_l("Please tell the participant why."), field="reason")
    booking.status, booking.cancel_reason, booking.cancelled_by_id = (
        BookingStatus.CANCELLED, reason.strip(), user.id)
    if by_staff and booking.participant is not None:
        notify([booking.participant], "booking_cancelled",
               messages.params(booking, reason=booking.cancel_reason), about=booking.host)
    elif booking.host is not None:
        notify([booking.host], "booking_cancelled",
               messages.params(booking, reason=booking.cancel_reason),
               about=booking.participant)


def move(user: User, booking: Booking, key: str) -> Booking:
    """A new time with the same person (a slot of the same host, still free)."""
    if booking.participant_id != user.id or not can_change(user, booking):
        raise DomainError(_l("It is too late to change this meeting online. Please call or "
                             "message your contact person."))
    availability = _offered_availability(key)
    if availability.host_id != booking.host_id:
        raise DomainError(_l("This time is not offered any more. Please choose another."))
    old_start = booking.starts_at
    booking = _claim(user, availability, key, moving=booking)
    if booking.host is not None:
        notify([booking.host], "booking_moved",
               messages.params(booking, old_starts_at=old_start.isoformat()), about=user)
    return booking


def mark(user: User, booking: Booking, status: str) -> None:
    """Held or no-show, once the meeting has started; it can be corrected later."""
    if not can_manage(user, booking):
        raise DomainError(_l("You cannot change this meeting."))
    if status not in (BookingStatus.HELD, BookingStatus.NO_SHOW):
        raise DomainError(_l("Choose one of the options."))
    if booking.status == BookingStatus.CANCELLED:
        raise DomainError(_l("This meeting is cancelled."))
    if booking.starts_at > utcnow():
        raise DomainError(_l("You can mark a meeting when it has started."))
    booking.status = BookingStatus(status)


# -- lists ---------------------------------------------------------------------------------

def my_bookings(participant: User) -> tuple[list[Booking], list[Booking]]:
    """(coming, past) meetings of a participant; coming first soonest, past newest first."""
    now = utcnow()
    rows = list(db.session.scalars(select(Booking).where(
        Booking.participant_id == participant.id,
        Booking.starts_at > now - timedelta(days=180)).order_by(Booking.starts_at)))
    coming = [b for b in rows if b.ends_at > now]
    past = [b for b in reversed(rows) if b.ends_at <= now]
    return coming, past


def next_meetings(user: User, start: datetime, end: datetime,
                  limit: int | None = None) -> list[Booking]:
    """Meetings (not cancelled) from start to end that the person takes part in, and for
    staff also those they host ("My calendar" shows both, like the calendar feed)."""
    return list(db.session.scalars(_next_meetings_statement(limit, user.is_staff), {
        "user_id": user.id, "start": start, "end": end}))


@statement
def _next_meetings_statement(limit: int | None, hosting: bool):
    return (select(Booking).where(
        involving(hosting), Booking.is_active,
        Booking.ends_at > bindparam("start"), Booking.starts_at < bindparam("end"))
        .order_by(Booking.starts_at).limit(limit))


def all_meetings(user: User, start: datetime, end: datetime) -> list[Booking]:
    """A person's meetings on either side, cancelled ones too (for their calendar feed)."""
    return list(db.session.scalars(select(Booking).where(
        or_(Booking.participant_id == user.id, Booking.host_id == user.id),
        Booking.ends_at > start, Booking.starts_at < end).order_by(Booking.starts_at)))


def agenda_of(host: User, first_day: date, last_day: date) -> list[Booking]:
    """One host's meetings on these days (by UTC day edges widened by a day; callers group by
    the local day)."""
    start = datetime.combine(first_day, time(), tzinfo=ZoneInfo("UTC")) - timedelta(days=1)
    end = datetime.combine(last_day, time(), tzinfo=ZoneInfo("UTC")) + timedelta(days=2)
    return list(db.session.scalars(select(Booking).where(
        Booking.host_id == host.id, Booking.starts_at >= start, Booking.starts_at < end)
        .order_by(Booking.starts_at)))


class AgendaRow(NamedTuple):
    """A meeting as the agenda shows it: its columns, its site's zone and the names of its
    participant and host (None without one: erased)."""

    id: int
    starts_at: datetime
    status: BookingStatus
    mode: Mode
    topic: str
    interpreter: str
    timezone: str
    participant_name: str | None
    host_name: str | None


def agenda(user: User, site: Site | None, start: datetime, end: datetime) -> list[AgendaRow]:
    """Meetings from start to end: the user's own, or a whole site's for its coordinators.
    Plain rows of one statement built once per process (Booking objects with their site,
    host and participant joined took about 0.5 ms of the agenda page; demo, in-process)."""
    if site is not None and not user.has_role(site.id, Role.COORDINATOR):
        raise DomainError(_l("Only coordinators see the agenda of a whole meeting place."))
    return [AgendaRow(*row) for row in rows(_agenda_statement(site is not None), {
        "site_id": site.id if site is not None else None, "user_id": user.id,
        "start": start, "end": end})]


@statement
def _agenda_statement(by_site: bool):
    host, participant = aliased(User, name="host"), aliased(User, name="participant")
    return (select(Booking.id, Booking.starts_at, Booking.status, Booking.mode, Booking.topic,
                   Booking.interpreter, Site.timezone,
                   participant.display_name.label("participant_name"),
                   host.display_name.label("host_name"))
            .join(Site, Site.id == Booking.site_id)
            .outerjoin(participant, participant.id == Booking.participant_id)
            .outerjoin(host, host.id == Booking.host_id)
            .where(Booking.starts_at >= bindparam("start"), Booking.starts_at < bindparam("end"),
                   Booking.site_id == bindparam("site_id") if by_site
                   else Booking.host_id == bindparam("user_id"))
            .order_by(Booking.starts_at))


def coordinated_sites(user: User) -> list[Site]:
    if user.is_admin:
        return list(db.session.scalars(select(Site).order_by(Site.name)))
    return user.sites_where(Role.COORDINATOR)


def staff_sites(user: User) -> list[Site]:
    return [m.site for m in user.memberships if m.role in STAFF_ROLES]


# -- a person's data: erased, or asked for (portal.signals; see hooks.py) ------------------

def forget(person: User, actor: User | None, now: datetime) -> None:
    """What meetings keep about a person being erased. Their coming meetings are cancelled on
    either side (as a participant, and as a host) and the other person is told (the message
    names the person by account, so it reads "–"); the topics they wrote, their cancel
    reasons (here and in the other side's message) and the places they gave as a host (a
    room, their phone number, a video link) are cleared; their free times and days off are
    removed. The meetings stay, anonymous, so the reports keep their numbers."""
    mine = or_(Booking.participant_id == person.id, Booking.host_id == person.id)
    for booking in list(db.session.scalars(select(Booking).where(
            mine, Booking.status == BookingStatus.BOOKED, Booking.starts_at > now))):
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_by_id = actor.id if actor else None
        other = booking.participant if booking.host_id == person.id else booking.host
        if other is not None:
            notify([other], "booking_cancelled", messages.params(booking), about=person)
    theirs = set(db.session.scalars(select(Booking.id).where(
        Booking.cancelled_by_id == person.id, Booking.cancel_reason != "")))
    for message in db.session.scalars(select(Notification).where(
            Notification.about_id == person.id, Notification.kind == "booking_cancelled")):
        if message.params.get("booking_id") in theirs and message.params.get("reason"):
            message.params = {k: v for k, v in message.params.items() if k != "reason"}
    db.session.execute(update(Booking).where(Booking.cancelled_by_id == person.id)
                       .values(cancel_reason=""))
    db.session.execute(update(Booking).where(Booking.participant_id == person.id)
                       .values(topic=""))
    db.session.execute(update(Booking).where(Booking.host_id == person.id).values(place=""))
    for model in (Availability, TimeOff):
        db.session.execute(delete(model).where(model.host_id == person.id))


def data_of(person: User) -> list[dict]:
    """The meetings a person booked, and the reminders sent for each, as plain data (their
    part of My data): plain rows from two statements built once per process."""
    def when(moment):
        return moment.isoformat() if moment else None

    reminded: dict[int, list[dict]] = {}
    for booking_id, hours, sent in speed.rows(_reminders_sent(), {"user_id": person.id}):
        reminded.setdefault(booking_id, []).append({"hours_before": hours,
                                                    "sent": when(sent)})
    return [{"with": b.host, "start": when(b.starts_at),
             "end": when(b.ends_at), "mode": str(b.mode), "topic": b.topic,
             "interpreter": b.interpreter, "status": str(b.status),
             "reminders_sent": reminded.get(b.id, [])}
            for b in speed.rows(_booked(), {"user_id": person.id})]


@statement
def _booked():
    """The person's bookings with their host's name (None without a host)."""
    return (select(Booking.id, User.display_name.label("host"), Booking.starts_at,
                   Booking.ends_at, Booking.mode, Booking.topic, Booking.interpreter,
                   Booking.status)
            .outerjoin(User, User.id == Booking.host_id)
            .where(Booking.participant_id == bindparam("user_id")).order_by(Booking.starts_at))


@statement
def _reminders_sent():
    return (select(Reminder.booking_id, Reminder.hours_before, Reminder.sent_at)
            .where(Reminder.booking_id.in_(select(Booking.id).where(
                Booking.participant_id == bindparam("user_id"))))
            .order_by(Reminder.sent_at, Reminder.id))
