"""Meetings as iCalendar events (one file per meeting, and in the person's calendar feed)."""

from icalendar import Event

from portal.activities.calendar import ical
from portal.extensions import utcnow
from portal.i18n import _
from portal.meetings.models import Booking, BookingStatus


def booking_event(booking: Booking, host: str, for_user_id: int | None) -> Event:
    """In the current language; the other person's name is what each side needs to see."""
    other = booking.host if booking.participant_id == for_user_id else booking.participant
    event = Event()
    event.add("uid", f"meeting-{booking.id}@{host}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    event.add("summary", _("Meeting with %(name)s", name=other.display_name) if other
              else _("Meeting"))
    event.add("location", ", ".join(p for p in (booking.place, booking.site.name,
                                                booking.site.address) if p))
    if booking.topic:
        event.add("description", booking.topic)
    if booking.status == BookingStatus.CANCELLED:
        event.add("status", "CANCELLED")
    return event


def booking_ical(booking: Booking, host: str, for_user_id: int | None) -> bytes:
    event = booking_event(booking, host, for_user_id)
    return ical(str(event["summary"]), [event])
