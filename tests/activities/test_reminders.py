"""Reminders the day before: a study-circle session to the people enrolled and its leaders, a
café shift to its hosts; from 17:00 local time the day before, once each however often the
worker runs, never for a cancelled session, and a moved one at its new time."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import signals, work
from portal.accounts.models import Role
from portal.activities import reminders, services
from portal.activities.models import Kind, Session, SessionReminder
from portal.extensions import db, utcnow
from portal.i18n import force_locale
from portal.notify import services as notify
from portal.notify import worker
from portal.notify.models import Notification

OSLO = ZoneInfo("Europe/Oslo")
DAY = date.today() + timedelta(days=4)  # the session's day: far enough to move it around


def at(day: date, hour: int, minute: int = 0, zone=OSLO) -> datetime:
    return datetime.combine(day, time(hour, minute), zone).astimezone(UTC)


def a_session(activity, day: date = DAY, hour: int = 18) -> Session:
    session = Session(activity_id=activity.id, starts_at=at(day, hour),
                      ends_at=at(day, hour) + timedelta(minutes=90),
                      local_start=datetime.combine(day, time(hour)))
    db.session.add(session)
    work.commit()
    return session


def reminded() -> list[tuple[int, str]]:
    db.session.expire_all()
    return sorted((n.user_id, n.kind) for n in db.session.scalars(
        select(Notification).where(Notification.kind.like("%_reminder"))))


@pytest.fixture
def circle(make_activity, leader, make_user):
    """A circle with two enrolled (one seat left for nobody: capacity 2), one waiting, one
    who left; its leader leads it."""
    circle = make_activity(capacity=2)
    people = [make_user(name=name) for name in ("Amina", "Bashir", "Chen", "Dana")]
    for person in people:
        services.enrol(person, circle.id)
    services.leave(people[3], circle.id)
    return circle, people


def test_the_day_before_from_five_oclock_the_enrolled_and_leaders_are_reminded_once(
        circle, leader):
    activity, (amina, bashir, chen, _dana) = circle
    a_session(activity)
    assert reminders.send_reminders(now=at(DAY - timedelta(days=1), 16, 59)) == 0
    assert reminders.send_reminders(now=at(DAY - timedelta(days=1), 17)) == 3
    assert reminded() == sorted([(amina.id, "session_reminder"), (bashir.id, "session_reminder"),
                                 (leader.id, "session_reminder")])  # not the waiting, not who left
    for later in (at(DAY - timedelta(days=1), 17, 5), at(DAY, 9), at(DAY, 17, 59)):
        assert reminders.send_reminders(now=later) == 0
    assert len(reminded()) == 3 and chen.id not in {user for user, _ in reminded()}


def test_the_worker_queues_them_on_its_passes_idempotently(circle):
    activity, _people = circle
    a_session(activity)
    evening = at(DAY - timedelta(days=1), 17, 30)
    worker.run_once(now=evening)
    worker.run_once(now=evening + timedelta(minutes=1))
    worker.run_once(now=evening + timedelta(hours=2))
    assert len(reminded()) == 3


def test_a_session_that_started_is_not_reminded_late(circle):
    activity, _people = circle
    a_session(activity)
    assert reminders.send_reminders(now=at(DAY, 18)) == 0
    assert reminded() == []


def test_a_cancelled_session_is_never_reminded(circle, leader):
    activity, _people = circle
    session = a_session(activity)
    services.cancel_session(leader, session, "Sick")
    work.commit()
    assert reminders.send_reminders(now=at(DAY - timedelta(days=1), 18)) == 0
    assert reminded() == []


def test_a_moved_session_is_reminded_at_its_new_time_only(circle, leader):
    activity, _people = circle
    session = a_session(activity)
    services.move_session(leader, session, DAY + timedelta(days=2), time(10), 90, "", "")
    work.commit()
    assert reminders.send_reminders(now=at(DAY - timedelta(days=1), 17, 30)) == 0
    assert reminders.send_reminders(now=at(DAY + timedelta(days=1), 17)) == 3


def test_a_session_moved_after_its_reminder_is_reminded_again_for_the_new_time(circle,
                                                                                leader):
    activity, _people = circle
    session = a_session(activity)
    assert reminders.send_reminders(now=at(DAY - timedelta(days=1), 17)) == 3
    services.move_session(leader, session, DAY + timedelta(days=1), time(18), 90, "", "")
    work.commit()
    assert reminders.send_reminders(now=at(DAY, 16)) == 0
    assert reminders.send_reminders(now=at(DAY, 17)) == 3
    rows = db.session.scalars(select(SessionReminder.starts_at).distinct()).all()
    assert sorted(rows) == [at(DAY, 18), at(DAY + timedelta(days=1), 18)]


def test_a_cafe_shift_is_reminded_to_its_hosts_and_not_to_followers(make_activity, make_user,
                                                                     leader):
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None, title="Språkkafé")
    session = a_session(cafe, hour=12)
    host = make_user(Role.VOLUNTEER, name="Hanne")
    follower = make_user(name="Faisal")
    services.take_shift(host, session)
    services.follow(follower, cafe)
    assert reminders.send_reminders(now=at(DAY - timedelta(days=1), 17)) == 1
    assert reminded() == [(host.id, "shift_reminder")]


def test_the_local_hour_is_the_meeting_places(make_site, make_user):
    stockholm = make_site("Rinkeby", "SE", "Europe/Stockholm")
    assert reminders.due_at(at(DAY, 9), "Europe/Stockholm") == at(
        DAY - timedelta(days=1), 17, zone=ZoneInfo("Europe/Stockholm"))
    # Across the change to summer time (last Sunday of March) it is still 17:00 on the clock.
    sunday = date(2027, 3, 28)
    assert reminders.due_at(at(sunday, 9), "Europe/Oslo") == datetime(
        2027, 3, 27, 16, tzinfo=UTC)
    assert stockholm.timezone == "Europe/Stockholm"


def test_the_reminder_reads_in_the_readers_language_and_opens_the_activity(circle, app):
    activity, (amina, *_rest) = circle
    a_session(activity)
    amina.language = "nb"
    work.commit()
    reminders.send_reminders(now=at(DAY - timedelta(days=1), 17))
    notification = db.session.scalar(select(Notification).where(
        Notification.user_id == amina.id))
    with force_locale("en"):
        assert notify.subject(notification).startswith("Reminder: Svenska för nybörjare, ")
        assert notify.body(notification).startswith(
            "Reminder: Svenska för nybörjare meets on ")
        url, label = notify.link(notification)
        assert url.endswith(f"/activities/{activity.id}") and label == "Open the activity"
    with force_locale("nb"):
        assert notify.subject(notification).startswith("Påminnelse: Svenska för nybörjare")
    assert notify.group_of("session_reminder") == notify.group_of("shift_reminder") == (
        notify.group_of("meeting_reminder"))


def test_one_reminder_per_person_session_and_time_is_kept_by_the_database(circle):
    activity, (amina, *_rest) = circle
    session = a_session(activity)
    for _ in range(2):
        db.session.add(SessionReminder(session_id=session.id, user_id=amina.id,
                                       starts_at=session.starts_at, sent_at=utcnow()))
    with pytest.raises(IntegrityError, match="UNIQUE|unique"):
        db.session.flush()


def test_erasing_a_person_removes_their_reminders(circle):
    activity, (amina, bashir, *_rest) = circle
    a_session(activity)
    reminders.send_reminders(now=at(DAY - timedelta(days=1), 17))
    signals.person_erased.send(amina, actor=None, now=utcnow())
    left = db.session.scalars(select(SessionReminder.user_id)).all()
    assert amina.id not in left and bashir.id in left


def test_my_data_lists_the_reminders_sent_to_the_person(circle):
    activity, (amina, _bashir, chen, _dana) = circle
    session = a_session(activity)
    evening = at(DAY - timedelta(days=1), 17)
    reminders.send_reminders(now=evening)
    work.commit()
    assert signals.collect(signals.data_requested, amina)["session_reminders"] == [
        {"activity": activity.title, "session": session.starts_at.isoformat(),
         "sent": evening.isoformat()}]
    assert signals.collect(signals.data_requested, chen)["session_reminders"] == []  # waiting
