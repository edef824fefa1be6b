"""Free meeting times: staff availability, minus bookings, the sessions the host runs (study
circles they lead, café shifts they took), days off and public holidays.

Windows are local wall times in the site's zone. Each slot is converted on its own date, so
09:00 stays 09:00 on both sides of a daylight-saving change; a local time that does not exist
(the hour the clocks skip) gives no slot.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from flask import current_app
from sqlalchemy import bindparam, or_, select, union_all

from portal.accounts.models import STAFF_ROLES, Membership, Site
from portal.activities.services import session_times
from portal.extensions import db, utcnow
from portal.meetings.models import Availability, Booking, BookingStatus, TimeOff
from portal.speed import statement


@dataclass(frozen=True)
class Slot:
    availability: Availability = field(compare=False)
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


def local_today(site: Site) -> date:
    return utcnow().astimezone(ZoneInfo(site.timezone)).date()


def availabilities(site: Site, first_day: date, last_day: date, host_id: int | None = None,
                   availability_id: int | None = None) -> list[Availability]:
    """Availability at this site in the period, of people who are still staff there."""
    statement = _availabilities_statement(host_id is not None, availability_id is not None)
    return list(db.session.scalars(statement, {
        "site_id": site.id, "first_day": first_day, "last_day": last_day, "host_id": host_id,
        "availability_id": availability_id}))


def still_offered(availability_id: int) -> Availability | None:
    """One availability, if its host is still staff at its site (as availabilities() asks)."""
    return db.session.scalar(_still_offered_statement(), {"availability_id": availability_id})


@statement
def _still_offered_statement():
    return select(Availability).where(
        Availability.id == bindparam("availability_id"),
        Availability.host_id.in_(_staff_at(Availability.site_id)))


def _staff_at(site_id):
    """The ids of the staff at a site (a column or a bindparam)."""
    return select(Membership.user_id).where(Membership.site_id == site_id,
                                            Membership.role.in_(STAFF_ROLES))


@statement
def _availabilities_statement(by_host: bool, by_id: bool):
    statement = select(Availability).where(
        Availability.site_id == bindparam("site_id"),
        Availability.host_id.in_(_staff_at(bindparam("site_id"))),
        Availability.valid_from <= bindparam("last_day"),
        or_(Availability.valid_until.is_(None),
            Availability.valid_until >= bindparam("first_day")))
    if by_host:
        statement = statement.where(Availability.host_id == bindparam("host_id"))
    if by_id:
        statement = statement.where(Availability.id == bindparam("availability_id"))
    return statement.order_by(Availability.id)


def _days_off(host_ids: set[int], first_day: date, last_day: date) -> dict[int, set[date]]:
    off: dict[int, set[date]] = defaultdict(set)
    rows = db.session.execute(_days_off_statement(), {
        "hosts": list(host_ids), "first_day": first_day, "last_day": last_day})
    for host_id, off_from, off_until in rows:
        day = max(off_from, first_day)
        while day <= min(off_until, last_day):
            off[host_id].add(day)
            day += timedelta(days=1)
    return off


@statement
def _days_off_statement():
    return select(TimeOff.host_id, TimeOff.first_day, TimeOff.last_day).where(
        TimeOff.host_id.in_(bindparam("hosts", expanding=True)),
        TimeOff.first_day <= bindparam("last_day"), TimeOff.last_day >= bindparam("first_day"))


def _busy(host_ids: set[int], start: datetime, end: datetime,
          ignore: int | None) -> dict[int, list[tuple[datetime, datetime]]]:
    """When the hosts are taken, with two hours' margin on each side of the period: their
    meetings that are not cancelled (all but `ignore`) on either side — staff may book a
    colleague too — and the sessions they run (activities.services.session_times)."""
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    start, end = start - timedelta(hours=2), end + timedelta(hours=2)
    rows = [*db.session.execute(_busy_statement(), {
                "hosts": list(host_ids), "start": start, "end": end,
                "ignore": ignore or 0}),  # booking ids start at 1
            *session_times(host_ids, start, end)]
    for host_id, starts_at, ends_at in rows:
        busy[host_id].append((starts_at, ends_at))
    return busy


@statement
def _busy_statement():
    def side(person):
        return select(person, Booking.starts_at, Booking.ends_at).where(
            person.in_(bindparam("hosts", expanding=True)),
            Booking.status != BookingStatus.CANCELLED, Booking.starts_at < bindparam("end"),
            Booking.ends_at > bindparam("start"), Booking.id != bindparam("ignore"))

    return union_all(side(Booking.host_id), side(Booking.participant_id))


def public_holidays(site: Site, first_day: date, last_day: date):
    return _holidays(site.country, first_day.year, last_day.year)


@cache
def _holidays(country: str, first_year: int, last_year: int):
    # The same few years for every page of free times: computed once per process (read-only).
    return holidays.country_holidays(country, years=range(first_year, last_year + 1))


def free_slots(site: Site, first_day: date, last_day: date, host_id: int | None = None,
               availability_id: int | None = None, ignore_booking: int | None = None,
               now: datetime | None = None, offered: list[Availability] | None = None,
               ) -> list[Slot]:
    """Every free slot from first_day to last_day (local dates), in time order. `offered`:
    the site's availability if the caller has loaded it already."""
    if offered is None:
        offered = availabilities(site, first_day, last_day, host_id, availability_id)
    found = [a for a in offered if (availability_id is None or a.id == availability_id)
             and (host_id is None or a.host_id == host_id)]
    if not found:
        return []
    zone = ZoneInfo(site.timezone)
    earliest = (now or utcnow()) + timedelta(
        minutes=current_app.config["MEETING_MIN_NOTICE_MINUTES"])
    hosts = {a.host_id for a in found}
    period_start = datetime.combine(first_day, datetime.min.time(), tzinfo=zone)
    period_end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    busy = _busy(hosts, period_start, period_end, ignore_booking)
    off = _days_off(hosts, first_day, last_day)
    closed = public_holidays(site, first_day, last_day)
    slots: set[Slot] = set()
    for availability in found:
        weekly: dict[int, list[tuple[time, time]]] = defaultdict(list)
        for window in availability.windows:
            weekly[window.weekday].append((window.starts, window.ends))
        extra: dict[date, list[tuple[time, time]]] = defaultdict(list)
        for window in availability.extras:
            extra[window.day].append((window.starts, window.ends))
        day = max(first_day, availability.valid_from)
        last = min(last_day, availability.valid_until or last_day)
        while day <= last:
            windows = weekly.get(day.weekday(), []) + extra.get(day, [])
            if windows and day not in closed and day not in off[availability.host_id]:
                slots.update(_day_slots(availability, day, windows, zone, earliest,
                                        busy[availability.host_id]))
            day += timedelta(days=1)
    names = {a.host_id: a.host.display_name for a in found}
    return sorted(slots, key=lambda s: (s.starts_at, names[s.host_id], s.host_id))


def _day_slots(availability: Availability, day: date, windows: list[tuple[time, time]],
               zone: ZoneInfo, earliest: datetime, busy: list[tuple[datetime, datetime]]):
    length = timedelta(minutes=availability.slot_minutes)
    buffer = timedelta(minutes=availability.buffer_minutes)
    # Only the host's meetings near this local day can touch its slots (a day's margin on
    # each side, so no offset or daylight-saving change can leave one out).
    day_start = datetime.combine(day - timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    day_end = datetime.combine(day + timedelta(days=2), time.min, tzinfo=zone).astimezone(UTC)
    near = [(b_start, b_end) for b_start, b_end in busy
            if b_start < day_end and b_end > day_start]
    offset = zone.utcoffset(datetime.combine(day, time.min))
    if offset != zone.utcoffset(datetime.combine(day, time.max)):
        offset = None  # the clocks change today: convert each slot on its own
    for window_start, window_end in windows:
        local = datetime.combine(day, window_start)
        last = datetime.combine(day, window_end)
        while local + length <= last:
            starts_at = _utc(local, zone, offset)
            if starts_at is not None and starts_at >= earliest and not any(
                    b_start < starts_at + length + buffer and b_end > starts_at - buffer
                    for b_start, b_end in near):
                yield Slot(availability, starts_at, starts_at + length, availability.host_id)
            local += length + buffer


def _utc(local: datetime, zone: ZoneInfo, offset: timedelta | None) -> datetime | None:
    """A local wall time as UTC, or None for a time the clocks skip. `offset`: the zone's
    offset all day, or None on a day the clocks change."""
    if offset is not None:
        return (local - offset).replace(tzinfo=UTC)
    moment = local.replace(tzinfo=zone).astimezone(UTC)
    return moment if moment.astimezone(zone).replace(tzinfo=None) == local else None


def one_per_time(slots: list[Slot], load: dict[int, int] | None = None) -> list[Slot]:
    """For "any coach": one slot per start time and mode, from whoever has the least booked."""
    load = load or {}
    best: dict[tuple, Slot] = {}
    for slot in slots:
        key = (slot.starts_at, slot.availability.mode)
        if key not in best or load.get(slot.host_id, 0) < load.get(best[key].host_id, 0):
            best[key] = slot
    return sorted(best.values(), key=lambda s: s.starts_at)


def by_day(slots: list[Slot], zone: str) -> dict[date, list[Slot]]:
    days: dict[date, list[Slot]] = {}
    tz = ZoneInfo(zone)
    for slot in slots:
        days.setdefault(slot.starts_at.astimezone(tz).date(), []).append(slot)
    return days
