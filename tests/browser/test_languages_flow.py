"""A newcomer in Tigrinya and in Dari on a 360 px phone: register, follow a café, read the
message when a session is cancelled — every letter drawn as a letter, never as a box."""

from datetime import date, time, timedelta
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal import work
from portal.accounts.models import Role, User
from portal.activities import services
from portal.activities.models import Kind
from portal.extensions import db
from portal.i18n import _, html_lang, text_direction
from portal.notify import services as notify
from portal.notify.models import Notification
from tests.browser.conftest import NARROW_PHONE
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:.*base_url.*")]

# The letters of `text` that the page's font draws as the "missing letter" box: each is drawn
# on a canvas in the body's font and compared, pixel by pixel, with an unassigned code point.
BOXES = """text => {
    const font = getComputedStyle(document.body).font;
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 64;
    const pen = canvas.getContext('2d', {willReadFrequently: true});
    const draw = letter => {
        pen.clearRect(0, 0, 64, 64);
        pen.font = font;
        pen.fillText(letter, 8, 40);
        return pen.getImageData(0, 0, 64, 64).data.join();
    };
    const box = draw('\\u0378');
    return [...new Set([...text].filter(letter => letter.trim()))]
        .filter(letter => draw(letter) === box);
}"""


def boxes(page) -> list[str]:
    return page.evaluate(BOXES, page.locator("body").inner_text())


def next_monday() -> date:
    today = date.today()
    return today + timedelta(days=7 - today.weekday())


@pytest.mark.parametrize(("language", "name"), [("ti", "ሄለን ተስፋይ"), ("fa_AF", "مریم احمدی")])
def test_register_follow_a_cafe_and_read_a_message(open_tab, base_url, site, make_user,
                                                   language, name):
    leader = make_user(Role.VOLUNTEER, name="Lars Leader", language="nb")
    cafe = services.create_activity(leader, site, services.ActivityData(
        kind=Kind.LANGUAGE_CAFE, title="Språkkafé"))
    services.add_series(leader, cafe, services.plan_series(
        site, next_monday(), time(18, 0), 90, 1, count=2), keep_holidays=True)
    work.commit()
    rtl = text_direction(language) == "rtl"

    tab = open_tab(viewport=NARROW_PHONE)
    page = tab.page
    page.context.add_cookies([{"name": "lang", "value": language, "url": base_url}])
    tab.visit("/accounts/register")
    assert page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]"
                         ) == [html_lang(language), "rtl" if rtl else "ltr"]
    assert boxes(page) == [], f"letters drawn as boxes on the registration page [{language}]"
    tab.assert_no_overflow(f"registration [{language}]")
    page.fill("#display_name", name)
    page.fill("#phone", "912 34 567")
    page.fill("#password", PASSWORD)
    assert page.locator("#language").input_value() == language  # the page's language
    page.select_option("#site_id", str(site.id))
    page.check("#accept_privacy")
    page.locator("#register-form button[type=submit]").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/accounts/login")
    page.fill("#password", PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    assert name in page.locator("h1").inner_text()
    assert boxes(page) == [], f"letters drawn as boxes on My page [{language}]"
    tab.assert_no_overflow(f"My page [{language}]")
    tab.check(f"My page [{language}]")

    tab.visit(f"/activities/{cafe.id}")
    with force_locale(language):
        follow, following = _("Follow"), _("You follow this café.")
    page.locator("#participation").get_by_role("button", name=follow).click()
    page.locator("#participation").get_by_text(following).wait_for()
    tab.assert_no_overflow(f"the café [{language}]")
    tab.check(f"following the café [{language}]")

    services.cancel_session(leader, cafe.sessions[0], "Snø")
    work.commit()
    tab.visit("/notify")
    text = page.locator("#notifications").inner_text()
    person = db.session.scalar(select(User).where(User.display_name == name))
    message = db.session.scalar(select(Notification).where(Notification.user_id == person.id))
    with force_locale(language):
        assert notify.body(message) in text  # in the reader's language
    assert "Snø" in text
    assert boxes(page) == [], f"letters drawn as boxes in Messages [{language}]"
    tab.assert_no_overflow(f"Messages [{language}]")
    tab.check(f"messages [{language}]")


def test_the_box_check_finds_a_letter_no_font_has(open_tab):
    """Not vacuous: a private-use letter, which no font on the machine draws, is found."""
    tab = open_tab(viewport=NARROW_PHONE)
    tab.page.set_content("<body><p>ab \ue000</p></body>")
    assert boxes(tab.page) == ["\ue000"]
