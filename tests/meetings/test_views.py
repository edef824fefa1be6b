"""Meeting pages: permissions per role, page and htmx fragment, plain forms without JS."""

from datetime import time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from portal import work
from portal.accounts.models import Role
from portal.extensions import db, utcnow
from portal.meetings import services
from portal.meetings.models import Availability, Booking, BookingStatus, TimeOff

from .conftest import key_at, working_day


@pytest.fixture
def setup(make_availability):
    day = working_day()
    availability = make_availability(weekdays=[day.weekday()])
    return availability, day, key_at(availability, day, time(10))


def test_book_page_lists_hosts_then_free_times_by_day(client, login_as, setup, coach):
    availability, day, key = setup
    login_as()
    page = client.get("/meetings/book").get_data(as_text=True)
    assert "Kari Coach" in page and "Any coach at my meeting place" in page
    assert "/meetings/book/" not in page  # no times before choosing whom to meet
    page = client.get(f"/meetings/book?host={coach.id}&day={day.isoformat()}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in text
    assert f"/meetings/book/{key}" in text and 'aria-current="date"' in text
    fragment = client.get(f"/meetings/book?host=any&day={day.isoformat()}", htmx=True)
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and 'id="slots"' in text and f"/meetings/book/{key}" in text
    assert fragment.headers["Vary"] == "Cookie, HX-Request" or "HX-Request" in fragment.headers[
        "Vary"]


def test_booking_without_javascript_and_with_htmx(client, login_as, setup):
    availability, day, key = setup
    person = login_as()
    page = client.get(f"/meetings/book/{key}").get_data(as_text=True)
    assert "Book this time" in page and "Kari Coach" in page
    response = client.post(f"/meetings/book/{key}", {"topic": "CV", "interpreter": "ti"})
    assert response.status_code == 303
    booking = db.session.scalars(select(Booking)).one()
    assert response.headers["Location"].endswith(f"/meetings/{booking.id}")
    assert (booking.participant_id, booking.topic, booking.interpreter) == (person.id, "CV", "ti")
    shown = client.get(f"/meetings/{booking.id}").get_data(as_text=True)
    assert "Tigrinya" in shown and "Cancel the meeting" in shown
    other = key_at(availability, day, time(11))
    response = client.post(f"/meetings/book/{other}", {"topic": ""}, htmx=True)
    assert response.status_code == 200 and response.headers["HX-Redirect"].startswith(
        "/meetings/")


def test_bad_input_keeps_what_was_typed(client, login_as, setup):
    availability, day, key = setup
    login_as()
    response = client.post(f"/meetings/book/{key}", {"topic": "x" * 301 + "<b>",
                                                       "interpreter": "zz"}, htmx=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Use at most 300 characters." in text and "&lt;b&gt;" in text
    assert "Choose one of the options." in text
    assert db.session.scalars(select(Booking)).all() == []


def test_a_taken_time_answers_with_the_next_free_times(client, login_as, setup, make_user):
    availability, day, key = setup
    services.book(make_user(), key)
    login_as()
    response = client.post(f"/meetings/book/{key}", {"topic": "Hei"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "just taken" in text
    assert f"/meetings/book/{key_at(availability, day, time(10, 30))}" in text


def test_participants_see_only_their_own_meetings(client, login_as, setup, make_user,
                                                  make_site, coach):
    availability, day, key = setup
    owner = make_user()
    booking = services.book(owner, key)
    url = f"/meetings/{booking.id}"
    expected = {Role.PARTICIPANT: 404, Role.VOLUNTEER: 404, Role.COORDINATOR: 200,
                Role.ADMIN: 200}
    for role, status in expected.items():
        login_as(role)
        assert client.get(url).status_code == status, role
        assert client.get(url + ".ics").status_code == status, role
    login_as(Role.COORDINATOR, at=make_site("Other place"))
    assert client.get(url).status_code == 404
    assert client.post(url + "/cancel", {"reason": "no"}).status_code == 404
    assert client.post(url + "/held").status_code == 404
    client.login(coach.email)
    assert client.get(url).status_code == 200
    client.login(owner.email)
    assert client.get(url).status_code == 200
    assert db.session.get(Booking, booking.id).status == BookingStatus.BOOKED


def test_participant_cancels_and_moves(client, setup, make_user):
    availability, day, key = setup
    owner = make_user()
    booking = services.book(owner, key)
    client.login(owner.email)
    page = client.get(f"/meetings/{booking.id}/move?day={day.isoformat()}")
    new_key = key_at(availability, day, time(11))
    assert f"/meetings/{booking.id}/move/{new_key}" in page.get_data(as_text=True)
    response = client.post(f"/meetings/{booking.id}/move/{new_key}")
    assert response.status_code == 303
    assert db.session.get(Booking, booking.id).starts_at == services.slot_rules.parse_key(
        new_key)[1]
    response = client.post(f"/meetings/{booking.id}/cancel", {"reason": ""})
    assert response.status_code == 303
    assert db.session.get(Booking, booking.id).status == BookingStatus.CANCELLED


def test_moving_to_a_time_just_taken_keeps_the_meeting_and_says_so(client, setup, make_user):
    availability, day, key = setup
    owner = make_user()
    booking = services.book(owner, key)
    taken = key_at(availability, day, time(11))
    services.book(make_user(), taken)
    client.login(owner.email)
    response = client.post(f"/meetings/{booking.id}/move/{taken}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/meetings/{booking.id}/move")
    assert db.session.get(Booking, booking.id).starts_at == services.slot_rules.parse_key(
        key)[1]
    assert "just taken" in client.get(f"/meetings/{booking.id}/move").get_data(as_text=True)


def test_staff_cancel_needs_a_reason_and_marks_from_the_agenda(client, setup, make_user,
                                                               coach):
    availability, day, key = setup
    booking = services.book(make_user(name="Hodan"), key)
    client.login(coach.email)
    agenda = client.get("/meetings/agenda").get_data(as_text=True)
    assert "Hodan" in agenda
    response = client.post(f"/meetings/{booking.id}/cancel", {"reason": ""})
    assert response.status_code == 422
    assert "Please tell the participant why." in response.get_data(as_text=True)
    later = services.book(make_user(name="Olena"), key_at(availability, day, time(9)))
    later.starts_at = utcnow() - timedelta(minutes=40)
    later.ends_at = later.starts_at + timedelta(minutes=30)
    work.commit()
    agenda = client.get("/meetings/agenda").get_data(as_text=True)
    assert "Did they come?" in agenda and f"/meetings/{later.id}/held?back=agenda" in agenda
    response = client.post(f"/meetings/{later.id}/no-show?back=agenda")
    assert response.status_code == 303 and response.headers["Location"].endswith("/agenda")
    assert db.session.get(Booking, later.id).status == BookingStatus.NO_SHOW
    response = client.post(f"/meetings/{booking.id}/cancel", {"reason": "Ill"})
    assert response.status_code == 303
    assert db.session.get(Booking, booking.id).cancel_reason == "Ill"


def test_agenda_is_for_staff_and_site_agendas_for_its_coordinators(client, login_as,
                                                                   make_site, site):
    login_as()
    assert client.get("/meetings/agenda").status_code == 403
    assert client.get("/meetings/availability").status_code == 403
    login_as(Role.VOLUNTEER)
    assert client.get("/meetings/agenda").status_code == 200
    assert client.get(f"/meetings/agenda?site={site.id}").status_code == 404
    login_as(Role.COORDINATOR)
    assert client.get(f"/meetings/agenda?site={site.id}").status_code == 200
    assert client.get(f"/meetings/agenda?site={make_site('Other').id}").status_code == 404


def test_staff_publish_and_change_their_free_times(client, coach, site):
    client.login(coach.email)
    start = working_day()
    form = {"weekdays": ["1", "3"], "starts": "09:00", "ends": "12:00", "mode": "phone",
            "place": "", "languages": "norsk", "slot_minutes": "45", "buffer_minutes": "15",
            "valid_from": start.isoformat(), "valid_until": ""}
    bad = client.post("/meetings/availability", form | {"ends": "08:00"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "The end time must be after the start time." in text and 'value="norsk"' in text
    assert client.post("/meetings/availability", form).status_code == 303
    item = db.session.scalars(select(Availability)).one()
    assert [(w.weekday, w.starts) for w in item.windows] == [(1, time(9)), (3, time(9))]
    assert (item.mode, item.slot_minutes, item.buffer_minutes) == ("phone", 45, 15)
    edit = f"/meetings/availability/{item.id}"
    assert client.get(edit).status_code == 200
    assert client.post(edit + "/windows", {"weekdays": ["4"], "starts": "13:00",
                                           "ends": "15:00"}).status_code == 303
    assert client.post(edit + "/extras", {"extra-day": start.isoformat(),
                                          "extra-starts": "16:00",
                                          "extra-ends": "17:00"}).status_code == 303
    db.session.expire_all()
    item = db.session.get(Availability, item.id)
    assert len(item.windows) == 3 and len(item.extras) == 1
    assert client.post(f"{edit}/windows/{item.windows[0].id}/remove").status_code == 303
    assert client.post(edit, form | {"slot_minutes": "60", "mode": "video"}).status_code == 303
    db.session.expire_all()
    item = db.session.get(Availability, item.id)
    assert (item.slot_minutes, item.mode, len(item.windows)) == (60, "video", 2)
    assert client.post("/meetings/time-off", {"first_day": start.isoformat(),
                                              "last_day": ""}).status_code == 303
    assert db.session.scalars(select(TimeOff)).one().last_day == start
    assert client.post(edit + "/delete").status_code == 303
    assert db.session.scalars(select(Availability)).all() == []


def test_nobody_changes_someone_elses_free_times(client, login_as, setup):
    availability, day, key = setup
    login_as(Role.COORDINATOR)
    edit = f"/meetings/availability/{availability.id}"
    assert client.get(edit).status_code == 404
    assert client.post(edit + "/delete").status_code == 404
    assert db.session.get(Availability, availability.id) is not None


def test_ics_and_my_calendar_show_the_meeting(client, setup, make_user):
    availability, day, key = setup
    owner = make_user()
    booking = services.book(owner, key)
    client.login(owner.email)
    response = client.get(f"/meetings/{booking.id}.ics")
    assert response.headers["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert event["SUMMARY"] == "Meeting with Kari Coach"
    assert event.decoded("DTSTART") == booking.starts_at
    calendar_page = client.get("/activities/calendar").get_data(as_text=True)
    assert f"/meetings/{booking.id}" in calendar_page
    feed = calendar_page.split('id="feed-url"')[1].split('value="')[1].split('"')[0]
    feed_path = feed.split("bro.test", 1)[1]
    assert f"meeting-{booking.id}@" in client.get(feed_path).get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert f"/meetings/{booking.id}" in home  # what's next for me
