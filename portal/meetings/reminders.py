"""Meeting reminders through the notification outbox (`flask send-reminders`, from cron)."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db, utcnow
from portal.meetings.models import Booking, BookingStatus, Reminder
from portal.meetings.services import params
from portal.notify.services import deliver_emails, notify


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
    """Queue each due reminder once. The reminder row is the claim: it and the notification
    are written in one transaction, and the unique key (meeting, kind, meeting time) lets only
    one of two senders running at once commit. A moved meeting has a new time, so reminders
    for its old time are never sent; a cancelled one is no longer booked."""
    now = now or utcnow()
    queued = 0
    kinds = hours_before()
    for hours, later_than in zip(kinds, [*kinds[1:], 0], strict=True):
        for booking in due(hours, later_than, now):
            if booking.participant is None:
                continue
            db.session.add(Reminder(booking_id=booking.id, hours_before=hours,
                                    starts_at=booking.starts_at, sent_at=now))
            notify([booking.participant], "meeting_reminder", params(booking),
                   about=booking.host)
            try:
                db.session.commit()
            except IntegrityError:  # another sender was first
                db.session.rollback()
                continue
            queued += 1
    deliver_emails(limit=1000)
    return queued
