from datetime import date, time, timedelta

import pytest

from portal import work
from portal.accounts.models import Role
from portal.extensions import db, utcnow
from portal.meetings.models import Availability, Mode, Window


def next_weekday(weekday: int, weeks_ahead: int = 1) -> date:
    """The given weekday (0 = Monday) in a coming week: never today, never a past day."""
    today = utcnow().date()
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


@pytest.fixture(autouse=True)
def _english():
    """Service messages outside a request are in the default language (nb): read English."""
    from portal.i18n import force_locale

    with force_locale("en"):
        yield


@pytest.fixture
def coach(make_user):
    return make_user(Role.VOLUNTEER, name="Kari Coach", email="coach@example.org",
                     language="en")


@pytest.fixture
def make_availability(site, coach):
    def make(host=None, weekdays=(0, 1, 2, 3, 4), starts=time(9), ends=time(12),
             slot_minutes=30, buffer_minutes=0, mode=Mode.IN_PERSON, at=None,
             valid_from=None, valid_until=None, place="Rom 2", languages="norsk, arabisk"):
        availability = Availability(
            host_id=(host or coach).id, site_id=(at or site).id, mode=mode, place=place,
            languages=languages, slot_minutes=slot_minutes, buffer_minutes=buffer_minutes,
            valid_from=valid_from or utcnow().date() - timedelta(days=1),
            valid_until=valid_until,
            windows=[Window(weekday=d, starts=starts, ends=ends) for d in weekdays])
        db.session.add(availability)
        work.commit()
        return availability

    return make


def working_day(days_ahead: int = 7, country: str = "NO") -> date:
    """A weekday that is not a public holiday, at least `days_ahead` days from today."""
    import holidays

    day = utcnow().date() + timedelta(days=days_ahead)
    closed = holidays.country_holidays(country, years=[day.year, day.year + 1])
    while day.weekday() >= 5 or day in closed:
        day += timedelta(days=1)
    return day


def key_at(availability, day: date, clock: time) -> str:
    """The booking key of the slot at this local date and time."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    moment = datetime.combine(day, clock, tzinfo=ZoneInfo(availability.site.timezone))
    return f"{availability.id}-{moment.astimezone(ZoneInfo('UTC')).strftime('%Y%m%dT%H%M')}"
