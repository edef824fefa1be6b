"""Meetings on a phone (390 px): a participant in Swedish books, is told, cancels; a coach marks
a meeting held; and the same booking works with JavaScript off."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from portal import work
from portal.accounts.models import Role
from portal.extensions import db, utcnow
from portal.meetings import services
from portal.meetings.models import Availability, Booking, BookingStatus, Mode, Window
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:.*base_url.*")]


@pytest.fixture
def rinkeby(make_site, make_user):
    place = make_site("Rinkeby Folkets Hus", "SE", "Europe/Stockholm", "Rinkebytorget 1")
    coach = make_user(Role.VOLUNTEER, at=place, name="Ahmad Coach", language="en")
    db.session.add(Availability(
        host_id=coach.id, site_id=place.id, mode=Mode.IN_PERSON, place="Rum 3",
        languages="svenska, arabiska", slot_minutes=30, valid_from=date.today(),
        windows=[Window(weekday=d, starts=time(9), ends=time(12)) for d in range(5)]))
    db.session.commit()
    return place, coach


def test_book_in_swedish_then_cancel_and_coach_marks_held(open_tab, rinkeby, make_user):
    place, coach = rinkeby
    hodan = make_user(at=place, name="Hodan", language="sv")
    tab = open_tab()
    log_in(tab, hodan)
    page = tab.page
    tab.visit("/meetings")
    page.locator("a[href='/meetings/book']").click()
    page.get_by_role("link", name="Ahmad Coach").click()
    page.locator("#slots .slot a").first.wait_for()
    assert "Lediga tider" in page.locator("#slots").inner_text()
    page.locator("#slots .day-chips a").nth(1).click()  # another day, swapped in by htmx
    page.wait_for_url("**day=*")
    page.locator("#slots .slot a").first.click()
    page.locator("#book-form").wait_for()
    page.fill("#topic", "Praktikplats")
    page.select_option("#interpreter", "so")
    page.locator("#book-form button[type=submit]").click()
    page.locator("#cancel-form").wait_for()
    assert "Ditt möte är bokat" in page.content()
    assert tab.overflow() <= 0
    tab.check("booked")
    booking = db.session.scalars(select(Booking)).one()
    assert (booking.participant_id, booking.host_id, booking.topic, booking.interpreter) == (
        hodan.id, coach.id, "Praktikplats", "so")
    ics = page.request.get(page.locator("a[href$='.ics']").get_attribute("href"))
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "Möte med Ahmad Coach" in ics.text()
    tab.visit("/notify")
    assert "Ahmad Coach" in page.content() and "bokat" in page.content()

    tab.visit(f"/meetings/{booking.id}")
    page.fill("#reason", "Mitt barn är sjukt")
    page.locator("#cancel-form button[type=submit]").click()
    page.wait_for_url("**/meetings")
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == BookingStatus.CANCELLED
    tab.check("cancelled")

    started = utcnow() - timedelta(minutes=20)
    earlier = Booking(site_id=place.id, host_id=coach.id, participant_id=hodan.id,
                      starts_at=started, ends_at=started + timedelta(minutes=30),
                      mode=Mode.IN_PERSON)
    db.session.add(earlier)
    db.session.commit()
    coach_tab = open_tab()
    log_in(coach_tab, coach)
    coach_tab.visit("/meetings/agenda")
    assert "Hodan" in coach_tab.page.content()
    coach_tab.page.locator(f"form[action='/meetings/{earlier.id}/held?back=agenda'] button"
                           ).click()
    coach_tab.page.wait_for_url("**/meetings/agenda")
    assert "Marked as held." in coach_tab.page.content()
    db.session.expire_all()
    assert db.session.get(Booking, earlier.id).status == BookingStatus.HELD
    assert db.session.get(Booking, booking.id).host_id == coach.id


def test_booking_works_without_javascript(open_tab, rinkeby, make_user):
    place, coach = rinkeby
    person = make_user(at=place, name="Olena", language="en")
    tab = open_tab(java_script_enabled=False)
    log_in(tab, person)
    page = tab.page
    tab.visit("/meetings/book?host=any")
    page.locator("#slots .day-chips a").nth(1).click()
    page.wait_for_url("**day=*")
    page.locator("#slots .slot a").first.click()
    key = page.url.rsplit("/", 1)[1]
    services.book(make_user(at=place), key)  # someone else is quicker
    work.commit()
    page.fill("#topic", "Svenska kurser")
    page.locator("#book-form button[type=submit]").click()
    page.get_by_text("that time was just taken").wait_for()
    page.locator("#confirm .slot a").first.click()  # one of the next free times
    page.fill("#topic", "Svenska kurser")
    page.locator("#book-form button[type=submit]").click()
    page.locator("#cancel-form").wait_for()
    booking = db.session.scalars(select(Booking).where(Booking.participant_id == person.id)).one()
    assert booking.topic == "Svenska kurser"
