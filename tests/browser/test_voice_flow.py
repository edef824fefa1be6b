"""From a wish to a face, in Arabic on a 390 px phone: a participant proposes a women's cycling
course, two others support it, the coordinator answers "We'll do it", the supporters are told
and join before anyone else; after the first session one of them says how it was with a face,
and the leader sees the count, never the name."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal import work
from portal.accounts.models import Gender, Role
from portal.activities import services as activities
from portal.activities.models import Activity, Attendance, AttendanceStatus, Session
from portal.extensions import db, utcnow
from portal.notify.models import Notification
from tests.browser.conftest import PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:.*base_url.*")]

TITLE = "دورة دراجات للنساء"


def test_a_wish_becomes_a_course_and_the_first_session_gets_a_face(open_tab, site, make_user):
    coordinator = make_user(Role.COORDINATOR, name="Ingrid", language="ar")
    proposer, *supporters = (
        make_user(name=name, language="ar", gender=Gender.WOMAN)
        for name in ("فاطمة علي", "هدى سالم", "أمل حسن"))

    tab = open_tab(viewport=PHONE)
    page = tab.page
    log_in(tab, proposer)
    tab.visit(f"/voice/sites/{site.id}/new")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    page.fill("#title", TITLE)
    page.locator("#proposal-form button[type=submit]").click()
    page.wait_for_url(lambda url: urlsplit(url).path.rsplit("/", 1)[-1].isdigit())
    proposal_path = urlsplit(page.url).path
    tab.assert_no_overflow("the new proposal [ar]")
    tab.check("the new proposal")

    for supporter in supporters:  # each taps "I want this too" on the place's list
        other = open_tab(viewport=PHONE)
        log_in(other, supporter)
        other.visit(f"/voice/sites/{site.id}")
        card = other.page.locator("li.card", has_text=TITLE)
        card.locator("button[type=submit]").click()
        card.locator(".status .icon").wait_for()  # "You support this." swapped in
        other.check("supported")

    staff = open_tab(viewport=PHONE)
    log_in(staff, coordinator)
    staff.visit(proposal_path)
    staff.page.locator("#realise-form input[value=study_circle]").check()
    staff.page.fill("#capacity", "8")
    staff.page.locator("#realise-form button[type=submit]").click()
    staff.page.wait_for_url("**/series")
    staff.check("the course made from the wish")
    course = db.session.scalar(select(Activity).where(Activity.title == TITLE))
    assert course is not None

    told = db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "proposal_realised")).all()
    assert sorted(told) == sorted(person.id for person in (proposer, *supporters))

    first = open_tab(viewport=PHONE)  # a supporter joins before the course opens to others
    log_in(first, supporters[0])
    first.visit(f"/activities/{course.id}")
    first.page.locator("#participation button[type=submit]").click()
    first.page.locator("#participation .status").wait_for()
    first.check("joined first")
    stranger = make_user(name="Someone Else", language="ar", gender=Gender.WOMAN)
    work.commit()
    assert not activities.may_join_early(stranger, course)

    ended = utcnow() - timedelta(hours=2)
    session = Session(activity_id=course.id, starts_at=ended - timedelta(minutes=90),
                      ends_at=ended)
    db.session.add(session)
    db.session.flush()
    db.session.add(Attendance(session_id=session.id, user_id=supporters[0].id,
                              status=AttendanceStatus.PRESENT, minutes=90))
    work.commit()

    first.visit("/")  # the start page asks how it was
    first.page.locator("#feedback-form label.face-label").first.click()
    with first.page.expect_navigation():  # a plain form: answered, back to the start page
        first.page.locator("#feedback-form button[type=submit]:not([name])").click()
    assert first.page.locator("#feedback-form").count() == 0  # asked once
    first.check("answered with a face")

    staff.visit(f"/reports/activities/{course.id}/feedback")
    report = staff.page.locator("main").inner_text()
    assert "<5" in report  # one answer: counted, never shown as one
    assert supporters[0].display_name not in report
    staff.assert_no_overflow("what participants said [ar]")
    staff.check("the leaders' page")
