"""My calendar: the page and the phone's feed hold everything a person does — sessions,
meetings, work-practice days — and the feed's address is secret and renewable."""

from datetime import date, time, timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from portal import work
from portal.accounts.models import Role
from portal.activities import services
from portal.activities.models import Kind
from portal.calendar import services as calendar
from portal.calendar.models import CalendarFeed
from portal.employment import services as employment
from portal.extensions import db, utcnow
from portal.meetings.models import Booking, Mode
from tests.employment.conftest import placement_data


def monday() -> date:
    today = date.today()
    return today + timedelta(days=7 - today.weekday())


def plan(site, leader, activity, count=3, start=time(18, 0)):
    services.add_series(leader, activity, services.plan_series(
        site, monday(), start, 90, 1, count=count), True)


def sessions_in(weeks):
    return [entry.item for _monday, entries in weeks for entry in entries
            if entry.kind == "session"]


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
        return [(s.title, s.starts_at) for s in sessions_in(calendar.weeks(volunteer))]

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


def test_two_first_visits_at_once_make_one_calendar_address(make_user, first_elsewhere):
    person = make_user()
    work.commit()
    first_elsewhere("INSERT INTO calendar_feed", CalendarFeed.__table__.insert().values(
        user_id=person.id, token="made-by-the-other-visit", created_at=utcnow()))
    assert calendar.feed_token(person) == "made-by-the-other-visit"
    work.commit()
    assert db.session.scalar(select(func.count()).select_from(CalendarFeed)) == 1


def test_work_practice_days_are_whole_days_in_the_page_and_the_feed(
        client, road, site, make_activity, leader):
    participant, coordinator = road["participant"], road["coordinator"]
    first = monday()  # Mondays and Wednesdays for two weeks
    placement = employment.record_placement(coordinator, participant, placement_data(
        road["employer"], starts_on=first, ends_on=first + timedelta(days=13)))
    circle = make_activity(title="Norsk A1")
    plan(site, leader, circle, count=1, start=time(9, 0))  # the first Monday, 09:00
    services.enrol(participant, circle.id)
    weeks = calendar.weeks(participant)
    assert [monday_ for monday_, _entries in weeks] == [first, first + timedelta(days=7)]
    assert [(e.kind, e.local.date()) for e in weeks[0][1]] == [
        ("placement", first), ("session", first), ("placement", first + timedelta(days=2))]
    client.login(participant.email)
    page = client.get("/activities/calendar").text
    assert page.count("Work practice: Kitchen assistant") == 4
    assert f"/employment/placements/{placement.id}" in page
    client.post("/accounts/logout")
    feed = client.get(f"/activities/calendar/{calendar.feed_token(participant)}.ics")
    events = Calendar.from_ical(feed.data).walk("VEVENT")
    days = [e for e in events if str(e["summary"]) == "Work practice: Kitchen assistant"]
    assert [e["dtstart"].dt for e in days] == [first + timedelta(days=n) for n in (0, 2, 7, 9)]
    assert all(e["dtend"].dt - e["dtstart"].dt == timedelta(days=1) for e in days)
    assert str(days[0]["location"]) == "Kafé Bro AS"
    assert [str(e["summary"]) for e in events if e not in days] == ["Norsk A1"]
