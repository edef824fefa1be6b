"""Activity journeys on a phone: the waiting list, and a cancelled café session."""

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest

from portal import work
from portal.accounts.models import Role
from portal.activities import services
from portal.activities.models import Kind
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:.*base_url.*")]


def next_monday() -> date:
    today = date.today()
    return today + timedelta(days=7 - today.weekday())


def test_join_a_full_circle_then_get_promoted(open_tab, site, make_user):
    leader = make_user(Role.VOLUNTEER, name="Lars Leader")
    circle = services.create_activity(leader, site, services.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk A1", capacity=1))
    seated = make_user(name="Seated Person")
    services.enrol(seated, circle.id)
    amal = make_user(name="Amal", language="en")

    tab = open_tab()
    log_in(tab, amal)
    tab.visit("/activities")
    tab.page.get_by_role("link", name="Norsk A1").click()
    tab.page.wait_for_url(f"**/activities/{circle.id}")
    panel = tab.page.locator("#participation")
    assert "1 of 1 seats taken." in panel.inner_text()
    tab.page.evaluate("window.__marker = 1")
    panel.get_by_role("button", name="Join the waiting list").click()
    panel.get_by_text("You are number 1 on the waiting list.").wait_for()
    assert tab.page.evaluate("window.__marker") == 1  # htmx swapped the panel, no reload
    tab.check("joined the waiting list")

    services.leave(seated, circle.id)  # someone leaves: the first in the queue moves up
    work.commit()
    tab.visit(f"/activities/{circle.id}")
    assert "You are in this circle." in tab.page.locator("#participation").inner_text()
    inbox = tab.page.locator(".main-nav").get_by_role("link", name="Messages (1 new)")
    assert inbox.locator(".badge").inner_text() == "1"
    inbox.click()
    tab.page.get_by_text("A seat became free in Norsk A1").wait_for()
    tab.check("messages")


def test_volunteer_makes_a_cafe_series_cancels_one_and_a_follower_reads_it_in_swedish(
        open_tab, site, make_user):
    volunteer = make_user(Role.VOLUNTEER, name="Lars Leader", language="en")
    follower = make_user(name="Olena", language="sv")

    tab = open_tab()
    log_in(tab, volunteer)
    tab.visit(f"/activities/new?site={site.id}")
    tab.page.check("#kind-1")  # language café
    tab.page.fill("#title", "Språkkafé")
    tab.page.locator("#activity-form button[type=submit]").click()
    tab.page.wait_for_url("**/series")
    tab.page.fill("#first_day", next_monday().isoformat())
    tab.page.fill("#start", "18:00")
    tab.page.fill("#count", "4")
    tab.page.locator("#series-form button[type=submit]:not([name])").click()
    tab.page.wait_for_url(lambda url: urlsplit(url).path.count("/") == 2)
    tab.check("series created")
    cafe_path = urlsplit(tab.page.url).path
    assert tab.page.locator(".rows .row").count() == 4

    cafe_id = int(cafe_path.rsplit("/", 1)[1])
    services.follow(follower, services.db.session.get(services.Activity, cafe_id))
    work.commit()

    first = tab.page.locator(".rows .row").first
    first.get_by_role("link", name="Change").click()  # htmx puts the editor in the row
    tab.page.locator("#cancel-form").wait_for()
    tab.page.fill("#reason", "Stengt på grunn av snø")
    tab.page.locator("#cancel-form button[type=submit]").click()
    tab.page.locator(".rows .row").first.locator(".tag--warning").wait_for()  # reloaded page
    assert "Cancelled" in tab.page.locator(".rows .row").first.inner_text()
    tab.check("session cancelled")

    reader = open_tab()
    log_in(reader, follower)
    reader.visit("/notify")
    text = reader.page.locator("#notifications").inner_text()
    assert "Stengt på grunn av snø" in text
    from flask_babel import force_locale

    from portal.notify import services as notify
    from portal.notify.models import Notification

    notification = services.db.session.scalar(services.select(Notification))
    with force_locale("sv"):
        assert notify.body(notification) in text  # in Swedish, the reader's language
    with force_locale("en"):
        assert notify.body(notification) not in text
    reader.check("follower's messages")



def test_leader_takes_attendance_on_a_phone(open_tab, site, make_user):
    from datetime import timedelta as delta

    from portal.activities.models import Attendance, Session
    from portal.extensions import db, utcnow

    leader = make_user(Role.VOLUNTEER, name="Lars Leader", language="en")
    circle = services.create_activity(leader, site, services.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk A1", capacity=5))
    started = utcnow() - delta(minutes=10)
    session = Session(activity_id=circle.id, starts_at=started,
                      ends_at=started + delta(minutes=90))
    db.session.add(session)
    db.session.commit()
    amina, olena = make_user(name="Amina"), make_user(name="Olena")
    for person in (amina, olena):
        services.enrol(person, circle.id)
    work.commit()

    tab = open_tab()
    log_in(tab, leader)
    tab.visit(f"/activities/{circle.id}")
    tab.page.locator(f"#session-row-{session.id}").get_by_role("link", name="Attendance").click()
    tab.page.wait_for_url(f"**/activities/sessions/{session.id}/attendance")
    tab.page.get_by_role("checkbox", name="Amina").check()
    tab.page.get_by_role("checkbox", name="Olena").check()
    tab.page.fill(f"#minutes-{olena.id}", "45")
    tab.page.locator("#attendance-form button[type=submit]").click()
    tab.page.get_by_text("The attendance list is saved.").wait_for()
    tab.check("attendance saved")
    tab.page.get_by_role("button", name="Sign off the list").click()
    tab.page.get_by_text("The list is locked.").wait_for()
    assert "Present, 45 minutes" in tab.page.locator("#attendance").inner_text()
    assert tab.overflow() <= 0
    tab.check("attendance signed off")
    stored = dict(db.session.execute(db.select(Attendance.user_id, Attendance.minutes)).all())
    assert stored == {amina.id: 90, olena.id: 45}
