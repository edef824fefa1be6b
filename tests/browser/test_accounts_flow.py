"""Register, log out, log in and switch language on a phone; with and without JavaScript."""

from urllib.parse import urlsplit

import pytest

from portal.i18n import LANGUAGES, html_lang
from tests.browser.conftest import NARROW_PHONE, PHONE
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:.*base_url.*")]

NAME = "Amal Haddad"
PHONE_NUMBER = "912 34 567"


def path_is(path: str):
    return lambda url: urlsplit(url).path == path


def fill_registration(page, site, name=NAME, phone="", email=""):
    page.fill("#display_name", name)
    if phone:
        page.fill("#phone", phone)
    if email:
        page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.select_option("#language", "en")  # English pages: the assertions below read English
    page.select_option("#site_id", str(site.id))
    page.check("#accept_privacy")


def submit(page, form: str):
    page.locator(f"{form} button[type=submit]").click()


def assert_on_my_page(tab, name=NAME):
    page = tab.page
    assert page.title().startswith("My page"), page.title()
    assert page.locator(".main-nav a[aria-current=page]").inner_text().strip() == "My page"
    assert name in page.locator("h1").inner_text()
    tab.check("My page")


def test_register_log_out_log_in_and_switch_to_arabic(tab, site):
    page = tab.page
    tab.visit("/accounts/register")
    fill_registration(page, site, phone=PHONE_NUMBER)
    submit(page, "#register-form")
    page.wait_for_url(path_is("/accounts/login"))
    assert page.locator("#login").input_value() == PHONE_NUMBER  # only the password to type
    tab.check("/accounts/login after registering")
    page.fill("#password", PASSWORD)
    submit(page, "#login-form")
    page.wait_for_url(path_is("/"))
    assert_on_my_page(tab)

    page.locator("details.site-menu summary").click()  # "Menu"
    page.locator(".site-menu button[type=submit]").click()  # "Log out"
    page.wait_for_url(path_is("/"))
    assert page.locator(".main-nav a[href='/accounts/login']").is_visible()
    tab.check("start page after logging out")

    page.locator(".main-nav a[href='/accounts/login']").click()
    page.wait_for_url(path_is("/accounts/login"))
    tab.check("/accounts/login")
    page.fill("#login", PHONE_NUMBER)
    page.fill("#password", PASSWORD)
    submit(page, "#login-form")
    page.wait_for_url(path_is("/"))
    assert_on_my_page(tab)

    menu = page.locator("details.language-menu")
    menu.locator("summary").click()
    arabic = menu.locator("button[lang=ar]")
    # Its name in Arabic, and that no native speaker has read the catalog yet (REVIEWED_LANGUAGES).
    assert arabic.is_visible() and arabic.inner_text().split() == ["العربية", "(نسخة", "تجريبية)"]
    assert menu.locator("button[lang]").evaluate_all("bs => bs.map(b => b.lang)") == [
        html_lang(code) for code in LANGUAGES]
    with page.expect_navigation():
        arabic.click()
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    tab.check("My page in Arabic")

    tab.assert_no_overflow("My page in Arabic at 390 px")
    page.set_viewport_size(NARROW_PHONE)
    tab.assert_no_overflow("My page in Arabic at 360 px")
    menu.locator("summary").click()  # the open language list must fit too
    tab.assert_no_overflow("My page in Arabic at 360 px, language menu open")
    page.set_viewport_size(PHONE)


def test_registration_works_without_javascript(open_tab, site):
    tab = open_tab(java_script_enabled=False)
    page = tab.page
    tab.visit("/accounts/register")
    fill_registration(page, site, email="amal@example.org")
    with page.expect_navigation() as navigation:
        submit(page, "#register-form")
    landed = navigation.value
    post = landed.request.redirected_from
    assert post is not None and post.method == "POST", "expected a plain POST and a redirect"
    assert urlsplit(post.url).path == "/accounts/register"
    assert post.response().status == 303
    assert urlsplit(landed.url).path == "/accounts/login" and landed.status == 200
    assert page.locator("#login").input_value() == "amal@example.org"
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        submit(page, "#login-form")
    assert_on_my_page(tab)


def test_form_errors_are_swapped_in_by_htmx_and_focused(tab, site):
    page = tab.page
    tab.visit("/accounts/register")
    url = page.url
    page.fill("#display_name", NAME)
    page.evaluate("window.__marker = 'same page'")
    tab.expect_status(422)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        submit(page, "#register-form")
    response = answer.value
    assert response.status == 422
    assert response.request.headers.get("hx-request") == "true"
    summary = page.locator("#register-form .error-summary")
    summary.wait_for()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.matches('.error-summary')")
    assert page.evaluate("window.__marker") == "same page", "the page reloaded"
    assert page.url == url
    assert page.input_value("#display_name") == NAME
    password = page.locator("#password")
    assert password.get_attribute("aria-invalid") == "true"
    assert "password-error" in password.get_attribute("aria-describedby").split()
    tab.check("register form after an htmx submit with errors")


@pytest.mark.parametrize("path", ["/accounts/register", "/accounts/login"])
def test_show_password_needs_javascript_and_toggles_the_input(open_tab, site, path):
    plain = open_tab(java_script_enabled=False)
    plain.visit(path)
    assert plain.page.locator("label.show-password").is_hidden()

    tab = open_tab()
    page = tab.page
    tab.visit(path)
    box = page.locator("[data-show-password=password]")
    assert box.is_visible()
    password = page.locator("#password")
    password.fill(PASSWORD)
    assert password.get_attribute("type") == "password"
    box.check()
    assert password.get_attribute("type") == "text"
    assert password.input_value() == PASSWORD
    box.uncheck()
    assert password.get_attribute("type") == "password"
    tab.check(f"{path} after toggling the password")
