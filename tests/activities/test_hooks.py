"""What activities do for other features: messages through notify, and their part of erasing
a person and of My data, through the signals (portal.signals)."""

from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select

from portal import signals, work
from portal.activities import services
from portal.activities.models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    Follow,
    Kind,
    Session,
)
from portal.calendar.models import CalendarFeed
from portal.calendar.services import feed_token
from portal.extensions import db, utcnow
from portal.notify import services as notify
from portal.notify.models import Notification


def with_session(activity, days: int) -> Session:
    """A 90-minute session `days` from now (negative: in the past)."""
    starts = utcnow() + timedelta(days=days)
    session = Session(activity_id=activity.id, starts_at=starts,
                      ends_at=starts + timedelta(minutes=90))
    db.session.add(session)
    db.session.flush()
    return session


def status_of(user, activity):
    return db.session.scalar(select(Enrolment.status).where(
        Enrolment.activity_id == activity.id, Enrolment.user_id == user.id))


def test_activity_messages_are_registered_with_notify(make_activity, make_user):
    circle = make_activity(capacity=1, title="Norsk A1")
    first, second = make_user(), make_user()
    for person in (first, second):
        services.enrol(person, circle.id)
    services.leave(first, circle.id)
    promoted = db.session.scalar(select(Notification))
    assert notify.subject(promoted) == "You got a seat in Norsk A1"
    assert notify.link(promoted) == (url_for("activities.show", activity_id=circle.id),
                                     "Open the activity")
    unknown = Notification(user_id=first.id, kind="no_such_kind", params={})
    assert (notify.subject(unknown), notify.body(unknown), notify.link(unknown)) == (
        "News from Bro", "", None)


@pytest.fixture
def busy_person(site, make_activity, make_user):
    """A person in a running circle (someone waits for their seat), on the waiting list of
    another, in a finished circle they attended, following a café, with a calendar address."""
    person, waiting, other = make_user(), make_user(), make_user()
    running = make_activity(capacity=1, title="Running")
    with_session(running, 7)
    queue = make_activity(capacity=1, title="Queue")
    with_session(queue, 7)
    finished = make_activity(capacity=5, title="Finished")
    held = with_session(finished, -7)
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None, title="Café")
    for who, activity in ((person, running), (waiting, running), (other, queue),
                          (person, queue), (person, finished)):
        services.enrol(who, activity.id)
    services.follow(person, cafe)
    db.session.add(Attendance(session_id=held.id, user_id=person.id,
                              status=AttendanceStatus.PRESENT, minutes=90))
    feed_token(person)
    work.commit()
    return person, waiting, running, queue, finished


def test_erasing_frees_seats_in_running_courses_and_drops_follows_and_the_calendar(
        busy_person, smtp_server):
    person, waiting, running, queue, finished = busy_person
    signals.person_erased.send(person, actor=None, now=utcnow())
    assert status_of(person, running) == "left" and status_of(waiting, running) == "enrolled"
    assert status_of(person, queue) == "left"
    assert status_of(person, finished) == "enrolled"  # the course's numbers stay
    assert db.session.scalar(select(Attendance.minutes).where(
        Attendance.user_id == person.id)) == 90
    for model in (Follow, CalendarFeed):
        assert db.session.scalar(select(func.count()).select_from(model).where(
            model.user_id == person.id)) == 0
    assert db.session.execute(select(Notification.user_id, Notification.kind)).all() == [
        (waiting.id, "promoted")]
    assert smtp_server == []  # told once the erasure is committed
    work.commit()
    assert [m["To"] for m in smtp_server] == [waiting.email]


def test_erasing_commits_nothing_of_its_own(busy_person):
    """The handler runs in the eraser's unit of work: if the erasure fails after it, nothing
    of what it did is kept."""
    person, waiting, running, queue, finished = busy_person
    signals.person_erased.send(person, actor=None, now=utcnow())
    work.roll_back()
    assert status_of(person, running) == "enrolled" and status_of(waiting, running) == (
        "waitlisted")
    assert status_of(person, queue) == "waitlisted"
    for model in (Follow, CalendarFeed):
        assert db.session.scalar(select(func.count()).select_from(model).where(
            model.user_id == person.id)) == 1
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0


def test_my_data_holds_enrolments_follows_and_attendance(busy_person):
    person, waiting, running, queue, finished = busy_person
    sections = signals.collect(signals.data_requested, person)
    assert [(e["activity"], e["status"]) for e in sections["enrolments"]] == [
        ("Running", "enrolled"), ("Queue", "waitlisted"), ("Finished", "enrolled")]
    assert all(e["since"] for e in sections["enrolments"])
    assert sections["following"] == ["Café"]
    [attended] = sections["attendance"]
    held = finished.sessions[0]
    assert attended == {"activity": "Finished", "session": held.starts_at.isoformat(),
                        "status": "present", "minutes": 90}
    theirs = signals.collect(signals.data_requested, waiting)  # only the person's own rows
    assert ([(e["activity"], e["status"]) for e in theirs["enrolments"]],
            theirs["following"], theirs["attendance"]) == ([("Running", "waitlisted")], [], [])
