"""Quiet hours: no SMS or push between 21:00 and 08:00 where the person lives, except for a
change to something that starts before noon of the morning that ends the night. E-mail and
the app are never held: they do not ring."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

QUIET_FROM = time(21)
QUIET_UNTIL = time(8)
URGENT_BEFORE = time(12)


def held_until(now: datetime, timezone: str,
               change_starts: datetime | None = None) -> datetime | None:
    """When a notice that rings may go: None for "now", else 08:00 local time (as UTC).

    `now` is an aware moment; `timezone` the person's (their meeting place's) zone.
    `change_starts`: for a change (cancelled, moved), when the thing it is about starts — the
    earlier of its old and new time, as either may bring someone to the door. A change to
    something before 12:00 on the morning that ends this night goes at once: by 08:00 it may
    be too late. 08:00 and 12:00 are wall-clock times, so a night that loses or gains an
    hour to daylight saving is an hour shorter or longer."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return None
    morning = local.date() + timedelta(days=1) if local.time() >= QUIET_FROM else local.date()
    if change_starts is not None and change_starts < datetime.combine(
            morning, URGENT_BEFORE, tzinfo=zone):
        return None
    return datetime.combine(morning, QUIET_UNTIL, tzinfo=zone).astimezone(UTC)


def change_starts(params: dict) -> datetime | None:
    """When the thing a change notice is about starts (its old or new time, the earlier)."""
    times = [datetime.fromisoformat(params[key]) for key in ("starts_at", "old_starts_at")
             if params.get(key)]
    return min(t if t.tzinfo else t.replace(tzinfo=UTC) for t in times) if times else None
