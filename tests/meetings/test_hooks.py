"""Meetings' part when a person is erased or asks for their data (portal.signals)."""

import json
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from portal import signals, work
from portal.accounts.models import Role
from portal.extensions import db, utcnow
from portal.meetings import services
from portal.meetings.models import Availability, Booking, BookingStatus, TimeOff
from portal.meetings.reminders import send_reminders
from portal.meetings.slots import free_slots
from portal.notify.models import Notification

from .conftest import key_at, working_day


@pytest.fixture
def day():
    return working_day()


@pytest.fixture
def times(make_availability, day):
    return make_availability(weekdays=[day.weekday()], place="+47 912 34 567")


def held_meeting(host, participant, topic="Praksis", place="Rom 2") -> Booking:
    earlier = utcnow() - timedelta(days=2)
    booking = Booking(site_id=host.home_site.id, host_id=host.id, participant_id=participant.id,
                      starts_at=earlier, ends_at=earlier + timedelta(minutes=30), mode="phone",
                      status=BookingStatus.HELD, topic=topic, place=place)
    db.session.add(booking)
    work.commit()
    return booking


def told(user, kind="booking_cancelled") -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)))


def erase(person, actor=None) -> None:
    """As privacy's erasure sends it, in one unit of work."""
    signals.person_erased.send(person, actor=actor, now=utcnow())
    work.commit()


def test_an_erased_participants_coming_meetings_are_cancelled_and_the_host_told(
        times, day, coach, make_user):
    person = make_user(name="Hodan Warsame")
    coming = services.book(person, key_at(times, day, time(10)), "CV")
    past = held_meeting(coach, person)
    coordinator = make_user(Role.COORDINATOR)
    erase(person, actor=coordinator)
    coming, past = db.session.get(Booking, coming.id), db.session.get(Booking, past.id)
    assert (coming.status, coming.cancelled_by_id, coming.topic) == (
        BookingStatus.CANCELLED, coordinator.id, "")
    assert (past.status, past.participant_id, past.topic) == (BookingStatus.HELD, person.id, "")
    [message] = told(coach)
    assert message.params["booking_id"] == coming.id
    assert key_at(times, day, time(10)) in {s.key for s in free_slots(times.site, day, day)}


def test_an_erased_host_offers_no_more_times_and_their_coming_meetings_are_cancelled(
        site, times, day, coach, make_user):
    db.session.add(TimeOff(host_id=coach.id, first_day=day + timedelta(days=7),
                           last_day=day + timedelta(days=7)))
    person = make_user()
    coming = services.book(person, key_at(times, day, time(10)))
    past = held_meeting(coach, make_user(), place="+47 912 34 567")
    erase(coach)
    assert db.session.scalars(select(Availability)).all() == []
    assert db.session.scalars(select(TimeOff)).all() == []
    coming, past = db.session.get(Booking, coming.id), db.session.get(Booking, past.id)
    assert (coming.status, coming.cancelled_by_id) == (BookingStatus.CANCELLED, None)
    assert (past.status, past.host_id, past.place) == (BookingStatus.HELD, coach.id, "")
    [message] = told(person)
    assert message.params["booking_id"] == coming.id
    assert free_slots(site, day, day) == []


def test_staff_who_booked_a_colleague_are_erased_on_both_sides(
        site, times, day, coach, make_user, make_availability):
    colleague = make_user(Role.VOLUNTEER)
    theirs = make_availability(host=colleague, weekdays=[day.weekday()])
    booked_by_coach = services.book(coach, key_at(theirs, day, time(9)), "Rota")
    erase(coach)
    booking = db.session.get(Booking, booked_by_coach.id)
    assert (booking.status, booking.topic) == (BookingStatus.CANCELLED, "")
    assert len(told(colleague)) == 1


def test_nothing_changes_until_the_erasure_is_committed(times, day, coach, make_user):
    """The handler runs inside the erasure's unit of work: if anything after it fails, the
    erasure rolls back and the meetings are as they were."""
    person = make_user()
    coming = services.book(person, key_at(times, day, time(10)), "CV")
    work.commit()
    signals.person_erased.send(person, actor=None, now=utcnow())
    work.roll_back()
    coming = db.session.get(Booking, coming.id)
    assert (coming.status, coming.topic) == (BookingStatus.BOOKED, "CV")
    assert told(coach) == []


def test_my_data_has_the_meetings_a_person_booked_and_their_reminders(times, day, coach,
                                                                      make_user):
    person = make_user()
    coming = services.book(person, key_at(times, day, time(10)), "CV", "ar")
    held_meeting(coach, person)
    day_before = coming.starts_at - timedelta(hours=23)
    assert send_reminders(day_before) == 1
    work.commit()
    sections = signals.collect(signals.data_requested, person)
    assert sections["meetings"][0]["topic"] == "Praksis"
    assert sections["meetings"][0]["reminders_sent"] == []
    assert sections["meetings"][1] == {
        "with": "Kari Coach", "start": coming.starts_at.isoformat(),
        "end": coming.ends_at.isoformat(), "mode": "in_person", "topic": "CV",
        "interpreter": "ar", "status": "booked",
        "reminders_sent": [{"hours_before": 24, "sent": day_before.isoformat()}]}
    json.dumps(sections)  # plain data
