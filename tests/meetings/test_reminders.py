"""`flask send-reminders`: 24 h and 2 h before, once, never for cancelled or moved-away times."""

import threading
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from portal import work
from portal.extensions import db, utcnow
from portal.meetings import reminders as job
from portal.meetings import services
from portal.meetings.models import Booking, BookingStatus
from portal.meetings.reminders import send_reminders
from portal.notify.models import Notification

from .conftest import key_at, working_day


@pytest.fixture
def booking(make_availability, make_user):
    day = working_day()
    availability = make_availability(weekdays=[day.weekday()])
    booking = services.book(make_user(email="amal@example.org"),
                            key_at(availability, day, time(10)))
    booking.scheduled_at = booking.starts_at - timedelta(days=5)  # booked well ahead
    work.commit()
    return booking


def reminders():
    return db.session.scalars(select(Notification).where(
        Notification.kind == "meeting_reminder").order_by(Notification.id)).all()


def test_a_day_before_then_two_hours_before_each_once(booking):
    day_before = booking.starts_at - timedelta(hours=23)
    assert send_reminders(booking.starts_at - timedelta(hours=25)) == 0
    assert send_reminders(day_before) == 1
    assert send_reminders(day_before) == 0
    assert send_reminders(day_before + timedelta(hours=5)) == 0
    assert send_reminders(booking.starts_at - timedelta(minutes=90)) == 1
    assert send_reminders(booking.starts_at - timedelta(minutes=30)) == 0
    assert send_reminders(booking.starts_at + timedelta(minutes=5)) == 0
    sent = reminders()
    assert [n.user_id for n in sent] == [booking.participant_id] * 2
    assert sent[0].params["booking_id"] == booking.id


def test_reminders_go_out_by_email_in_the_participants_language(booking, smtp_server):
    person = booking.participant
    person.language = "da"
    work.commit()
    send_reminders(booking.starts_at - timedelta(hours=20))
    assert [m["To"] for m in smtp_server] == ["amal@example.org"]
    assert "Påmindelse" in smtp_server[0].get_payload(decode=True).decode()


def test_never_for_cancelled_meetings(booking):
    services.cancel(booking.participant, booking)
    assert send_reminders(booking.starts_at - timedelta(hours=20)) == 0


def test_not_for_a_meeting_cancelled_after_it_was_found_due(booking, monkeypatch):
    """Each reminder is claimed in a unit of work of its own, which reads the meeting again."""
    moment = booking.starts_at - timedelta(hours=20)
    found = job.due(24, 2, moment)
    services.cancel(booking.participant, booking)  # while the job is running
    work.commit()
    monkeypatch.setattr(job, "due", lambda hours, *_args: found if hours == 24 else [])
    assert send_reminders(moment) == 0
    assert reminders() == []


def test_a_moved_meeting_is_reminded_for_its_new_time_only(booking):
    send_reminders(booking.starts_at - timedelta(hours=20))
    assert len(reminders()) == 1
    old_start = booking.starts_at
    # Moved two days later, a while before the first reminder was due for the new time.
    booking.starts_at += timedelta(days=2)
    booking.ends_at += timedelta(days=2)
    booking.scheduled_at = old_start - timedelta(hours=20)
    work.commit()
    assert send_reminders(old_start - timedelta(hours=19)) == 0  # nothing for the old time
    assert send_reminders(booking.starts_at - timedelta(hours=20)) == 1
    assert reminders()[-1].params["starts_at"] == booking.starts_at.isoformat()


def test_no_day_before_reminder_for_a_meeting_booked_the_evening_before(booking):
    booking.scheduled_at = booking.starts_at - timedelta(hours=12)
    work.commit()
    assert send_reminders(booking.starts_at - timedelta(hours=11)) == 0
    assert send_reminders(booking.starts_at - timedelta(hours=1)) == 1  # the 2-hour one


def test_two_senders_at_once_send_each_reminder_once(app, make_availability, make_user):
    day = working_day()
    availability = make_availability(weekdays=[day.weekday()])
    for hour in (9, 10, 11):
        booking = services.book(make_user(), key_at(availability, day, time(hour)))
        booking.scheduled_at = utcnow() - timedelta(days=3)
    work.commit()
    moment = min(db.session.scalars(select(Booking.starts_at))) - timedelta(hours=20)
    barrier, counts, errors = threading.Barrier(4), [], []

    def sender():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                counts.append(send_reminders(moment))
            except Exception as error:  # noqa: BLE001 - asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and sum(counts) == 3
    assert len(reminders()) == 3
    assert {b.status for b in db.session.scalars(select(Booking))} == {BookingStatus.BOOKED}


def test_the_cron_command(app, booking):
    runner = app.test_cli_runner()
    # Nothing is due now (the meeting is days away).
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0 and "0 reminder(s)" in result.output
