"""My plan in Arabic on a phone: goal, steps, sharing with a coach, and taking it back."""

from urllib.parse import urlsplit

import pytest

from portal.accounts.models import Role
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:.*base_url.*")]


def test_plan_in_arabic_shared_with_a_coach_then_withdrawn(open_tab, site, make_user):
    amina = make_user(name="أمينة", language="ar")
    coach = make_user(Role.VOLUNTEER, name="Coach Karin", language="en")

    tab = open_tab()
    log_in(tab, amina)
    page = tab.page
    assert page.evaluate("document.documentElement.dir") == "rtl"
    tab.visit("/goals/new")
    page.fill("#title", "أن أعمل في روضة أطفال")
    page.locator("#goal-form button[type=submit]").click()
    page.locator("#step-form").wait_for()
    for text in ("أكتب سيرتي الذاتية", "أزور روضتين", "أقدّم طلب عمل"):
        count = page.locator("#steps .tick").count()
        page.fill("#text", text)
        page.locator("#step-form button[type=submit]").click()
        page.locator("#steps .tick").nth(count).wait_for()
    for index in (0, 1):
        page.locator("#steps .tick").nth(index).click()
        page.locator("#steps .tick--done").nth(index).wait_for()
    assert page.locator("#steps progress").get_attribute("value") == "2"
    assert page.locator("#steps progress").get_attribute("max") == "3"
    assert tab.overflow() <= 0
    tab.check("goal with two of three steps done")
    goal_path = urlsplit(page.url).path

    tab.visit("/goals/sharing")
    page.select_option("#staff_id", label="Coach Karin")
    page.locator("#share-form button[type=submit]").click()
    page.locator("#sharing form[action$='/withdraw']").wait_for()
    tab.check("shared with the coach")

    coach_tab = open_tab()
    log_in(coach_tab, coach)
    coach_tab.visit("/goals/shared")
    coach_tab.page.get_by_role("link", name="أن أعمل في روضة أطفال").click()
    coach_tab.page.locator("#comment-form").wait_for()
    assert "أكتب سيرتي الذاتية" in coach_tab.page.content()
    coach_tab.page.fill("#text", "Great work, Amina!")
    coach_tab.page.locator("#comment-form button[type=submit]").click()
    coach_tab.page.get_by_text("Great work, Amina!").wait_for()
    coach_tab.check("coach commented")

    tab.visit(goal_path)
    assert "Great work, Amina!" in page.content()
    tab.visit("/goals/sharing")
    page.locator("#sharing form[action$='/withdraw'] button").click()
    page.wait_for_url("**/goals/sharing")
    assert page.locator("#sharing form[action$='/withdraw']").count() == 0
    tab.check("share withdrawn")

    coach_tab.visit("/goals/shared")
    assert "أن أعمل في روضة أطفال" not in coach_tab.page.content()
    goal_id = goal_path.rsplit("/", 1)[1]
    coach_tab.visit(f"/goals/shared/{goal_id}", status=404)
