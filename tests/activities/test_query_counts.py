"""Pages issue a fixed number of SQL statements, however much data there is (no N+1)."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import event

from portal.activities import services
from portal.activities.models import Kind
from portal.extensions import db


def next_monday() -> date:
    today = date.today()
    return today + timedelta(days=7 - today.weekday())


@pytest.fixture
def count_queries(app):
    def count(client, url, **kwargs) -> int:
        client.get(url, **kwargs)  # first visits may create things once (a calendar address)
        statements = []

        def record(*_args):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            response = client.get(url, **kwargs)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        assert response.status_code == 200
        return len(statements)

    return count


def grow(site, leader, make_user, person, activities: int):
    for index in range(activities):
        kind = Kind.LANGUAGE_CAFE if index % 2 else Kind.STUDY_CIRCLE
        activity = services.create_activity(leader, site, services.ActivityData(
            kind=kind, title=f"Activity {index}", capacity=None if index % 2 else 10))
        services.add_series(leader, activity, services.plan_series(
            site, next_monday(), time(8 + index % 10, 0), 30, 1, count=4), True)
        if kind == Kind.STUDY_CIRCLE:
            services.enrol(person, activity.id)
            services.enrol(make_user(), activity.id)
        else:
            services.follow(person, activity)
            services.take_shift(leader, activity.sessions[0])


@pytest.mark.parametrize("url", ["/activities", "/activities/calendar", "/",
                                 "/activities/places/{site}"])
def test_queries_do_not_grow_with_the_data(client, count_queries, site, leader, make_user, url):
    person = make_user()
    grow(site, leader, make_user, person, 3)
    client.login(person.email)
    url = url.format(site=site.id)
    few = count_queries(client, url)
    grow(site, leader, make_user, person, 9)
    many = count_queries(client, url)
    assert many == few, f"{url}: {few} statements with 3 activities, {many} with 12"


def test_activity_page_queries_do_not_grow_with_sessions_or_hosts(client, count_queries, site,
                                                                   leader, make_user):
    cafe = services.create_activity(leader, site, services.ActivityData(
        kind=Kind.LANGUAGE_CAFE, title="Café"))
    services.add_series(leader, cafe, services.plan_series(
        site, next_monday(), time(18, 0), 60, 1, count=2), True)
    client.login(leader.email)
    few = count_queries(client, f"/activities/{cafe.id}")
    services.add_series(leader, cafe, services.plan_series(
        site, next_monday() + timedelta(days=1), time(18, 0), 60, 1, count=6), True)
    for session in cafe.sessions:
        services.take_shift(leader, session)
    many = count_queries(client, f"/activities/{cafe.id}")
    assert many == few
