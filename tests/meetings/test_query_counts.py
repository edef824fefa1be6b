"""Meeting pages issue a fixed number of SQL statements, however many hosts and meetings."""

from datetime import time

import pytest

from portal.accounts.models import Role
from portal.meetings import services
from tests.activities.test_query_counts import count_queries  # noqa: F401  (fixture)

from .conftest import key_at, working_day


def grow(site, make_user, make_availability, hosts: int, person):
    day = working_day()
    for _ in range(hosts):
        host = make_user(Role.VOLUNTEER)
        availability = make_availability(host=host, weekdays=range(7))
        availability.windows  # noqa: B018  (loaded)
        services.book(make_user(), key_at(availability, day, time(9)))
        services.book(make_user(), key_at(availability, day, time(10)))
    if not services.my_bookings(person)[0]:
        services.book(person, key_at(availability, day, time(11)))


@pytest.mark.parametrize("url", ["/meetings", "/meetings/book?host=any", "/meetings/book",
                                 "/meetings/agenda?site={site}", "/activities/calendar", "/"])
def test_queries_do_not_grow_with_hosts_and_meetings(client, count_queries,  # noqa: F811
                                                     site, make_user, make_availability, url):
    person = make_user(Role.COORDINATOR)  # books as a participant and sees the site agenda
    grow(site, make_user, make_availability, 2, person)
    client.login(person.email)
    url = url.format(site=site.id)
    few = count_queries(client, url)
    grow(site, make_user, make_availability, 6, person)
    many = count_queries(client, url)
    assert many == few, f"{url}: {few} statements with 2 hosts, {many} with 8"


def test_not_cancelled_is_written_into_the_sql_not_bound(app):
    """A bound value that could decide whether the partial index on active meetings applies
    makes SQLite prepare the statement again on every run; `Booking.is_active` writes the
    value into the SQL instead (and still means "not cancelled" on a loaded meeting)."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.meetings.models import Booking, BookingStatus

    compiled = select(Booking.id).where(Booking.is_active).compile(db.engine)
    assert "booking.status != 'cancelled'" in str(compiled)
    assert not compiled.params
    assert Booking(status=BookingStatus.BOOKED).is_active
    assert not Booking(status=BookingStatus.CANCELLED).is_active
