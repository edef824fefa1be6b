"""Meeting reminders through the notification outbox (`flask send-reminders`, from cron)."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import work
from portal.extensions import db, utcnow
from portal.meetings import messages
from portal.meetings.models import Booking, BookingStatus, Reminder
from portal.notify.services import notify


def hours_before() -> list[int]:
    """From MEETING_REMINDER_HOURS, e.g. "24,2"."""
    text = current_app.config["MEETING_REMINDER_HOURS"]
    return sorted({int(part) for part in str(text).split(",") if part.strip().isdigit()},
                  reverse=True)


def due(hours: int, later_than: int, now: datetime) -> list[Booking]:
    """Booked meetings that start in (later_than, hours] hours and have no reminder of this
    kind for their current time yet, whose time was agreed before the reminder was due
    (someone who books at 22:00 for tomorrow at 10 needs no 24-hour reminder). A meeting
    already inside the next, shorter reminder's window gets that one instead."""
    sent = select(Reminder.id).where(Reminder.booking_id == Booking.id,
                                     Reminder.hours_before == hours,
                                     Reminder.starts_at == Booking.starts_at)
    soon = db.session.scalars(select(Booking).where(
        Booking.status == BookingStatus.BOOKED,
        Booking.starts_at > now + timedelta(hours=later_than),
        Booking.starts_at <= now + timedelta(hours=hours), ~sent.exists())
        .order_by(Booking.starts_at))
    return [b for b in soon if b.scheduled_at < b.starts_at - timedelta(hours=hours)]


def send_reminders(now: datetime | None = None) -> int:
    """Queue each due reminder once, each in a unit of work of its own (a job: it runs outside
    any request), so one that fails leaves the others sent. A moved meeting has a new time,
    so reminders for its old time are never sent; a cancelled one is no longer booked."""
    now = now or utcnow()
    queued = 0
    kinds = hours_before()
    for hours, later_than in zip(kinds, [*kinds[1:], 0], strict=True):
        for booking_id, starts_at in [(b.id, b.starts_at) for b in due(hours, later_than, now)]:
            with work.unit():
                queued += _remind(booking_id, starts_at, hours, now)
    return queued


def _remind(booking_id: int, starts_at: datetime, hours: int, now: datetime) -> bool:
    """The reminder row is the claim: it and the notification are written in one unit of
    work, and the unique key (meeting, kind, meeting time) lets only one of two senders
    running at once write it. False when another sender was first, or the meeting was
    cancelled or moved since it was found due."""
    booking = db.session.get(Booking, booking_id, populate_existing=True)
    if (booking.status != BookingStatus.BOOKED or booking.starts_at != starts_at
            or booking.participant is None):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Reminder(booking_id=booking.id, hours_before=hours,
                                    starts_at=starts_at, sent_at=now))
            db.session.flush()
    except IntegrityError:
        return False
    notify([booking.participant], "meeting_reminder", messages.params(booking),
           about=booking.host)
    return True
