"""Messages that name the other person by id, never by a name kept in them."""

import json
from datetime import time

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import force_locale
from portal.meetings import services
from portal.notify import services as notify
from portal.notify.models import Notification

from .conftest import key_at, working_day


@pytest.fixture
def day():
    return working_day()


@pytest.fixture
def times(make_availability, day):
    return make_availability(weekdays=[day.weekday()])


def told(user, kind) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)))


def test_messages_name_the_other_person_as_they_are_now(times, day, coach, make_user):
    person = make_user(name="Hodan Warsame")
    services.book(person, key_at(times, day, time(10)))
    [new] = told(coach, "booking_new")
    [confirmed] = told(person, "booking_confirmed")
    assert "Hodan Warsame" not in json.dumps(new.params)
    assert "Kari Coach" not in json.dumps(confirmed.params)
    with force_locale("en"):
        assert notify.body(new).startswith("Hodan Warsame booked a meeting with you on")
        assert "Your meeting with Kari Coach on" in notify.body(confirmed)
        person.display_name = "Hodan W."
        assert notify.body(new).startswith("Hodan W. booked a meeting with you on")
