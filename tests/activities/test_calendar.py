from datetime import date, time, timedelta

from icalendar import Calendar

from portal.activities import calendar, services
from portal.activities.models import Kind
from portal.extensions import utcnow


def monday() -> date:
    today = date.today()
    return today + timedelta(days=7 - today.weekday())


def plan(site, leader, activity, count=3, start=time(18, 0)):
    services.add_series(leader, activity, services.plan_series(
        site, monday(), start, 90, 1, count=count), True)


def test_calendar_holds_joined_waiting_and_followed_but_not_left(site, make_activity, leader,
                                                                 make_user):
    person = make_user()
    circle, full, cafe, left, other = (
        make_activity(title="Circle"), make_activity(title="Full", capacity=1),
        make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None, title="Café"),
        make_activity(title="Left"), make_activity(title="Not mine"))
    for index, activity in enumerate((circle, full, cafe, left, other)):
        plan(site, leader, activity, count=2, start=time(9 + 2 * index, 0))
    services.enrol(person, circle.id)
    services.enrol(make_user(), full.id)
    services.enrol(person, full.id)  # waiting list
    services.follow(person, cafe)
    services.enrol(person, left.id)
    services.leave(person, left.id)
    services.cancel_session(leader, circle.sessions[0], "Sick")
    now = utcnow()
    sessions = calendar.calendar_sessions(person, now, now + timedelta(days=56))
    assert {s.activity.title for s in sessions} == {"Circle", "Full", "Café"}
    assert len(sessions) == 6 and sessions == sorted(sessions, key=lambda s: s.starts_at)
    weeks = calendar.by_week(sessions)
    assert len(weeks) == 2 and all(monday.weekday() == 0 for monday, _ in weeks)


def test_session_ics_download(client, site, make_activity, leader):
    circle = make_activity(title="Norsk A1")
    plan(site, leader, circle, count=1)
    response = client.get(f"/activities/sessions/{circle.sessions[0].id}.ics")
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    assert len(Calendar.from_ical(response.data).walk("VEVENT")) == 1
    assert client.get("/activities/sessions/999999.ics").status_code == 404


def test_public_place_page(client, site, make_activity, leader, make_site):
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None, title="Språkkafé")
    plan(site, leader, cafe)
    make_activity(title="Norsk A1")
    page = client.get(f"/activities/places/{site.id}")
    assert page.status_code == 200
    assert page.text.count("Språkkafé") >= 3 and "Norsk A1" in page.text
    assert "Create an account to join" in page.text
    empty = client.get(f"/activities/places/{make_site('Empty').id}")
    assert "No language cafés planned yet." in empty.text
    assert client.get("/activities/places/999999").status_code == 404
    assert f"/activities/places/{site.id}" in client.get("/").text


