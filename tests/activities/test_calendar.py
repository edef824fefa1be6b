from datetime import date, time, timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from portal import work
from portal.accounts.models import Role
from portal.activities import calendar, services
from portal.activities.models import CalendarFeed, Kind
from portal.extensions import db, utcnow
from portal.meetings.models import Booking, Mode


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
    sessions = calendar.upcoming(person)
    assert {s.activity.title for s in sessions} == {"Circle", "Full", "Café"}
    assert len(sessions) == 6 and sessions == sorted(sessions, key=lambda s: s.starts_at)
    weeks = calendar.by_week(sessions)
    assert len(weeks) == 2 and all(monday.weekday() == 0 for monday, _ in weeks)


def test_calendar_page_and_dashboard(client, site, make_activity, leader, login_as):
    circle = make_activity(title="Norsk A1")
    plan(site, leader, circle)
    person = login_as()
    services.enrol(person, circle.id)
    services.cancel_session(leader, circle.sessions[0], "Sick")
    page = client.get("/activities/calendar")
    assert page.status_code == 200 and page.text.count("Norsk A1") >= 3
    assert "Cancelled" in page.text and "Sick" in page.text
    assert "/activities/calendar/" in page.text and ".ics" in page.text
    home = client.get("/").text
    assert "next for me" in home and "Norsk A1" in home


def test_start_page_lists_meetings_and_sessions_in_one_time_order_hosts_too(
        client, site, make_activity, leader, login_as):
    circle = make_activity(title="Norsk A1")
    plan(site, leader, circle)  # three Mondays
    person = login_as()
    services.enrol(person, circle.id)
    wednesday = circle.sessions[0].starts_at + timedelta(days=2)
    db.session.add(Booking(site_id=site.id, host_id=leader.id, participant_id=person.id,
                           starts_at=wednesday, ends_at=wednesday + timedelta(minutes=30),
                           mode=Mode.IN_PERSON))
    db.session.commit()
    home = client.get("/").text
    coming = home[home.index("next for me"):home.index("</section>")]
    meeting = coming.index("Meeting with")
    # Monday's session, then Wednesday's meeting, then next Monday's session.
    assert coming.index("Norsk A1") < meeting < coming.index("Norsk A1", meeting)
    assert coming.count("Norsk A1") == 3 and coming.count("<li") == 4
    assert "Meeting with <bdi>Lars Leader</bdi>" in coming
    # The host's start page lists the meeting too, with the participant's name.
    client.login(leader.email)
    home = client.get("/").text
    coming = home[home.index("next for me"):home.index("</section>")]
    with_person = f"Meeting with <bdi>{person.display_name}</bdi>"
    assert with_person in coming and with_person in client.get("/activities/calendar").text


def test_staff_calendar_and_feed_hold_what_they_lead_and_their_shifts(
        client, site, make_activity, leader, make_user):
    circle = make_activity(title="Norsk A1")
    cafe = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None, title="Språkkafé")
    other = make_activity(kind=Kind.LANGUAGE_CAFE, capacity=None, title="Not mine")
    for index, activity in enumerate((circle, cafe, other)):
        plan(site, leader, activity, count=2, start=time(9 + 2 * index, 0))
    volunteer = make_user(Role.VOLUNTEER, name="Vera")
    circle.leaders.append(volunteer)
    services.take_shift(volunteer, cafe.sessions[1])

    def listed():
        return [(s.activity.title, s.starts_at) for s in calendar.upcoming(volunteer)]

    # The circle they lead and the one café session they host; not the rest.
    led = [("Norsk A1", s.starts_at) for s in circle.sessions]
    assert listed() == sorted([*led, ("Språkkafé", cafe.sessions[1].starts_at)],
                              key=lambda item: item[1])
    services.follow(volunteer, cafe)  # now both café sessions; the hosted one still once
    assert listed() == sorted([*led, *(("Språkkafé", s.starts_at) for s in cafe.sessions)],
                              key=lambda item: item[1])
    client.login(volunteer.email)
    page = client.get("/activities/calendar").text
    assert page.count("Norsk A1") >= 2 and "Språkkafé" in page and "Not mine" not in page
    client.post("/accounts/logout")
    feed = client.get(f"/activities/calendar/{calendar.feed_token(volunteer)}.ics")
    summaries = [str(e["summary"]) for e in Calendar.from_ical(feed.data).walk("VEVENT")]
    assert sorted(summaries) == ["Norsk A1", "Norsk A1", "Språkkafé", "Språkkafé"]


def test_feed_is_secret_valid_ical_and_renewable(client, site, make_activity, leader, login_as):
    circle = make_activity(title="Norsk A1", place="Rom 2")
    plan(site, leader, circle)
    person = login_as()
    services.enrol(person, circle.id)
    services.cancel_session(leader, circle.sessions[1], "x")
    token = calendar.feed_token(person)
    client.post("/accounts/logout")
    response = client.get(f"/activities/calendar/{token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Norsk A1"] * 3
    assert str(events[1]["status"]) == "CANCELLED" and "Rom 2" in str(events[0]["location"])
    assert events[0]["dtstart"].dt == circle.sessions[0].starts_at
    assert client.get("/activities/calendar/wrong.ics").status_code == 404
    client.login(person.email)
    assert client.post("/activities/calendar/feed").status_code == 303
    assert client.get(f"/activities/calendar/{token}.ics").status_code == 404


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


def test_two_first_visits_at_once_make_one_calendar_address(make_user, first_elsewhere):
    person = make_user()
    work.commit()
    first_elsewhere("INSERT INTO calendar_feed", CalendarFeed.__table__.insert().values(
        user_id=person.id, token="made-by-the-other-visit", created_at=utcnow()))
    assert calendar.feed_token(person) == "made-by-the-other-visit"
    work.commit()
    assert db.session.scalar(select(func.count()).select_from(CalendarFeed)) == 1
