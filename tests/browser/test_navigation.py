"""The header on a small phone: the four places used most as icons with their names, the rest
in a menu that opens without JavaScript; in every language, right to left too.

Logged in, the header's links used to wrap to three lines: <main> began 196 px down a 360 × 640
screen. Now the bar (name, language, menu) and one row of four places end about 105 px down.
"""

from urllib.parse import urlsplit

import pytest
from flask import url_for

from portal.extensions import db
from portal.i18n import LANGUAGES, force_locale, html_lang, ngettext, text_direction
from portal.notify.services import notify
from tests.browser.conftest import describe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:.*base_url.*")]

SMALL_PHONE = {"width": 360, "height": 640}
SMALLEST_PHONE = {"width": 320, "height": 568}
HEADER_LIMIT = 120  # px from the top of the page to <main>: the rest of the screen is the page
UNREAD = 3


def main_top(page) -> float:
    return page.evaluate("() => document.querySelector('main').getBoundingClientRect().top")


def boxes(locator) -> list[dict]:
    return locator.evaluate_all("els => els.map(el => el.getBoundingClientRect().toJSON())")


def assert_targets(locator, what: str) -> None:
    """Every target at least 44 × 44 px and inside a 360 px screen."""
    found = boxes(locator)
    assert found, f"{what}: nothing found"
    for box in found:
        assert box["width"] >= 44 and box["height"] >= 44, f"{what}: a target is {box}"
        assert box["left"] >= 0 and box["right"] <= SMALL_PHONE["width"], f"{what}: {box}"


def paths(locator) -> list[str]:
    return [urlsplit(href).path for href in
            locator.evaluate_all("links => links.map(link => link.href)")]


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_header_leaves_most_of_a_small_phone_to_the_page(open_tab, make_user, app,
                                                             base_url, language):
    person = make_user(language=language)
    for _ in range(UNREAD):
        notify([person], "promoted", {"title": "Café"})
    db.session.commit()
    with app.test_request_context(), force_locale(language):
        messages = ngettext("Messages (%(num)d new)", "Messages (%(num)d new)", UNREAD)
    rtl = text_direction(language) == "rtl"

    tab = open_tab(viewport=SMALL_PHONE)
    page = tab.page
    log_in(tab, person)
    assert page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]"
                         ) == [html_lang(language), "rtl" if rtl else "ltr"]
    assert main_top(page) < HEADER_LIMIT, f"<main> starts {main_top(page)} px down"
    tab.assert_no_overflow(f"My page [{language}]")
    page.set_viewport_size(SMALLEST_PHONE)  # the logo without its word, smaller names
    assert main_top(page) < HEADER_LIMIT, f"at 320 px <main> starts {main_top(page)} px down"
    tab.assert_no_overflow(f"My page at 320 px [{language}]")
    page.set_viewport_size(SMALL_PHONE)

    places = page.locator(".main-nav a")
    assert paths(places) == ["/", "/activities", "/goals", "/notify"]
    assert_targets(places, "the four places")
    tops = {round(box["top"]) for box in boxes(places)}
    assert len(tops) == 1, f"the four places are not on one line: {tops}"
    lefts = [box["left"] for box in boxes(places)]
    assert lefts == sorted(lefts, reverse=rtl), f"places not in reading order: {lefts}"
    name_box, menu_box = boxes(page.locator(".brand, .site-menu summary"))
    assert (name_box["left"] > menu_box["left"]) == rtl, "the bar is not mirrored"

    # The unread count: a badge to see, and said with the name.
    inbox = page.locator(".main-nav").get_by_role("link", name=messages, exact=True)
    assert inbox.locator(".badge").inner_text() == str(UNREAD)
    assert inbox.locator(".badge").is_visible()

    # The menu by keyboard: skip link, Bro, language, menu; focus visible; Enter opens it.
    for _ in range(4):
        page.keyboard.press("Tab")
    focused = page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        return [el.closest('details') && el.closest('details').className, el.tagName,
                el.matches(':focus-visible'), style.outlineStyle, style.outlineWidth]; }""")
    assert focused == ["site-menu", "SUMMARY", True, "solid", "3px"], focused
    page.keyboard.press("Enter")
    menu = page.locator(".site-menu .menu-list")
    assert menu.is_visible()
    assert_targets(menu.locator("a, button"), "the menu's links")
    assert paths(menu.locator("a")) == ["/meetings", "/activities/calendar", "/accounts/profile"]
    tab.assert_no_overflow(f"My page, menu open [{language}]")
    violations = tab.axe_violations()
    assert not violations, describe_violations(violations)
    menu_bottom = boxes(menu)[0]["bottom"]
    assert all(box["top"] >= menu_bottom for box in boxes(places)), "the menu hides the places"
    tab.check(f"menu open [{language}]")

    visitor = open_tab(viewport=SMALL_PHONE)
    visitor.page.context.add_cookies([{"name": "lang", "value": language, "url": base_url}])
    visitor.visit("/")
    assert main_top(visitor.page) < HEADER_LIMIT
    places = visitor.page.locator(".main-nav a")
    assert paths(places) == ["/", "/activities", "/accounts/login", "/accounts/register"]
    assert_targets(places, "the four places for visitors")
    visitor.assert_no_overflow(f"start page [{language}]")


def test_the_menu_opens_without_javascript_and_every_link_in_it_works(open_tab, make_user, app):
    admin = make_user("admin", language="ar")
    tab = open_tab(viewport=SMALL_PHONE, java_script_enabled=False)
    page = tab.page
    log_in(tab, admin)
    menu = page.locator("details.site-menu")
    with app.test_request_context():
        expected = [url_for(endpoint) for endpoint in (
            "meetings.index", "calendar.index", "accounts.profile", "staff.sites",
            "audit.index")]

    menu.locator("summary").click()
    assert paths(menu.locator(".menu-list a")) == expected
    for number, path in enumerate(expected):
        if not menu.locator(".menu-list").is_visible():
            menu.locator("summary").click()
        link = menu.locator(".menu-list a").nth(number)
        with page.expect_navigation() as navigation:
            link.click()
        assert navigation.value.status == 200 and urlsplit(page.url).path == path
        tab.check(path)
        menu.locator("summary").click()
        current = menu.locator(".menu-list a[aria-current=page]")
        assert paths(current) == [path], f"{path} is not marked as the page you are on"
        tab.assert_no_overflow(f"{path} with the menu open")

    with page.expect_navigation():
        menu.locator(".menu-list button[type=submit]").click()  # Log out: a plain form POST
    assert urlsplit(page.url).path == "/"
    assert page.locator("details.site-menu").count() == 0
    for number, path in enumerate(["/", "/activities", "/accounts/login", "/accounts/register"]):
        with page.expect_navigation() as navigation:
            page.locator(".main-nav a").nth(number).click()
        assert navigation.value.status == 200 and urlsplit(page.url).path == path
        assert paths(page.locator(".main-nav a[aria-current=page]")) == [path]
        tab.check(path)
