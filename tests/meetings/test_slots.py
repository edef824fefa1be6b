"""Free times: windows, slot length and buffer, bookings, days off, holidays, DST."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal import work
from portal.accounts.models import Membership, Role
from portal.extensions import db
from portal.meetings import services
from portal.meetings.models import Booking, ExtraWindow, TimeOff
from portal.meetings.slots import free_slots, parse_key

from .conftest import key_at, working_day


def local_times(slots, zone="Europe/Oslo"):
    return [s.starts_at.astimezone(ZoneInfo(zone)).strftime("%H:%M") for s in slots]


def test_windows_are_cut_into_slots_with_a_buffer(site, make_availability):
    day = working_day()
    make_availability(weekdays=[day.weekday()], starts=time(9), ends=time(11),
                      slot_minutes=45, buffer_minutes=15)
    slots = free_slots(site, day, day)
    assert local_times(slots) == ["09:00", "10:00"]  # 10:00–10:45; 11:00 would end too late
    assert all(s.ends_at - s.starts_at == timedelta(minutes=45) for s in slots)


def test_a_booking_blocks_its_slot_and_the_buffer_around_it(site, make_availability, coach,
                                                            make_user):
    day = working_day()
    availability = make_availability(weekdays=[day.weekday()], starts=time(9), ends=time(11),
                                     slot_minutes=30, buffer_minutes=0)
    services.book(make_user(), key_at(availability, day, time(9, 30)))
    assert local_times(free_slots(site, day, day)) == ["09:00", "10:00", "10:30"]
    # Another availability of the same host with a buffer keeps clear of that meeting.
    other = make_availability(weekdays=[day.weekday()], starts=time(9), ends=time(11),
                              slot_minutes=30, buffer_minutes=15)
    starts = local_times(free_slots(site, day, day, availability_id=other.id))
    assert "09:00" not in starts and "10:30" in starts


def test_days_off_public_holidays_and_dates_are_respected(site, make_availability, coach):
    day = working_day()
    make_availability(weekdays=range(7), valid_until=day + timedelta(days=30))
    db.session.add(TimeOff(host_id=coach.id, first_day=day, last_day=day))
    work.commit()
    assert free_slots(site, day, day) == []
    assert free_slots(site, day + timedelta(days=31), day + timedelta(days=31)) == []
    constitution_day = date(day.year + 1, 5, 17)  # Norway's national day: a public holiday
    make_availability(weekdays=range(7), valid_until=None)
    assert free_slots(site, constitution_day, constitution_day) == []
    assert free_slots(site, constitution_day + timedelta(days=1),
                      constitution_day + timedelta(days=1)) != []


def test_extra_windows_add_times_on_one_day(site, make_availability):
    day = working_day()
    availability = make_availability(weekdays=[])
    availability.extras.append(ExtraWindow(day=day, starts=time(14), ends=time(15)))
    work.commit()
    assert local_times(free_slots(site, day, day)) == ["14:00", "14:30"]
    assert free_slots(site, day + timedelta(days=1), day + timedelta(days=1)) == []


def test_people_who_are_no_longer_staff_offer_nothing(site, make_availability, coach,
                                                     make_user):
    day = working_day()
    availability = make_availability()
    key = key_at(availability, day, time(9))
    participant = make_user()
    assert services.slot_for(key, participant) is not None
    membership = db.session.query(Membership).filter_by(user_id=coach.id).one()
    membership.role = Role.PARTICIPANT
    work.commit()
    assert free_slots(site, day, day) == []
    assert services.slot_for(key, participant) is None  # a time chosen before: gone too


def test_nothing_sooner_than_the_minimum_notice(app, site, make_availability):
    today = datetime.now(ZoneInfo(site.timezone)).date()
    make_availability(weekdays=range(7), starts=time(0), ends=time(23, 30))
    now = datetime.now(ZoneInfo("UTC"))
    soonest = now + timedelta(minutes=app.config["MEETING_MIN_NOTICE_MINUTES"])
    assert all(s.starts_at >= soonest for s in free_slots(site, today, today))


@pytest.mark.parametrize("zone", ["Europe/Oslo", "Europe/Stockholm", "Europe/Copenhagen"])
def test_local_times_hold_across_daylight_saving(make_site, make_user, make_availability, zone):
    country = {"Europe/Oslo": "NO", "Europe/Stockholm": "SE", "Europe/Copenhagen": "DK"}[zone]
    place = make_site(country=country, timezone=zone)
    host = make_user(Role.VOLUNTEER, at=place)
    year = date.today().year + 1
    # The Tuesdays around the end of summer time (last Sunday of October) and its start
    # (last Sunday of March).
    october_end = max(date(year, 10, d) for d in range(25, 32) if date(year, 10, d).weekday() == 6)
    march_end = max(date(year, 3, d) for d in range(25, 32) if date(year, 3, d).weekday() == 6)
    make_availability(host=host, at=place, weekdays=[1], starts=time(9), ends=time(9, 30))
    days = [october_end - timedelta(days=5), october_end + timedelta(days=2),
            march_end - timedelta(days=5), march_end + timedelta(days=2)]
    slots = [s for day in days for s in free_slots(place, day, day)]
    assert local_times(slots, zone) == ["09:00"] * 4
    assert [s.starts_at.hour for s in slots] == [7, 8, 8, 7]  # CEST, CET, CET, CEST (UTC)


def test_the_skipped_hour_of_spring_gives_no_slots(site, make_availability):
    import holidays

    year = date.today().year + 1
    while True:  # a year whose spring change is not on Easter Sunday (2027 is)
        march_end = max(date(year, 3, d) for d in range(25, 32)
                        if date(year, 3, d).weekday() == 6)
        if march_end not in holidays.country_holidays("NO", years=[year]):
            break
        year += 1
    availability = make_availability(weekdays=[])
    availability.extras.append(ExtraWindow(day=march_end, starts=time(1), ends=time(4)))
    work.commit()
    # 02:00–02:59 does not exist that night in Oslo.
    assert local_times(free_slots(site, march_end, march_end)) == [
        "01:00", "01:30", "03:00", "03:30"]


def test_slot_keys_round_trip_and_reject_garbage(site, make_availability):
    day = working_day()
    availability = make_availability(weekdays=[day.weekday()])
    slot = free_slots(site, day, day)[0]
    assert parse_key(slot.key) == (availability.id, slot.starts_at)
    for bad in ["", "x", "1-", "1-2026", "a-20260101T0900", "1-20261340T0900", None]:
        assert parse_key(bad) is None


def test_any_coach_shows_each_time_once_from_the_least_busy(site, make_user,
                                                           make_availability):
    day = working_day()
    busy_host = make_user(Role.VOLUNTEER, name="A Busy")
    free_host = make_user(Role.VOLUNTEER, name="B Free")
    first = make_availability(host=busy_host, weekdays=[day.weekday()])
    make_availability(host=free_host, weekdays=[day.weekday()])
    services.book(make_user(), key_at(first, day, time(11)))
    participant = make_user()
    slots = [s for s in services.find_slots(participant, site, None, day, days=1)]
    assert len(slots) == 6  # 09:00 … 11:30, each once
    assert {s.host_id for s in slots} == {free_host.id}
    assert db.session.query(Booking).count() == 1
