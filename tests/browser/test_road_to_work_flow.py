"""The road to work on phones (390 px): a participant fills in languages and work experience,
makes a Swedish CV and downloads it; a coordinator records work practice and then an exit to
work; the report counts both (as "<5": one person is too few to show)."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from portal.accounts.models import Role
from portal.employment import services as employment
from portal.extensions import db
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:.*base_url.*")]
PHONE = {"width": 390, "height": 844}


def test_a_swedish_cv_then_work_practice_and_a_job_that_the_report_counts(
        open_tab, make_site, make_user, tmp_path):
    malmo = make_site("Malmö Möllan", "SE", "Europe/Stockholm")
    amina = make_user(at=malmo, name="أمينة يوسف", language="en")
    coordinator = make_user(Role.COORDINATOR, at=malmo, name="Karin", language="en")
    employment.add_partner(coordinator, malmo, employment.PartnerData(
        name="Kafé Bro AB", kind="employer"))
    db.session.commit()

    tab = open_tab(viewport=PHONE)
    log_in(tab, amina)
    page = tab.page
    tab.visit("/competences")
    page.fill("#languages-language", "Arabiska")
    page.locator("input[name='languages-level'][value='native']").check()
    page.locator("#languages-form button[type=submit]").click()
    page.locator("#languages strong", has_text="Arabiska").wait_for()
    page.fill("#work-what", "Kock")
    page.fill("#work-workplace", "Restaurang Damaskus")
    page.fill("#work-from_year", "2008")
    page.locator("#work-form button[type=submit]").click()
    page.locator("#work strong", has_text="Kock").wait_for()
    tab.assert_no_overflow("/competences with a language and work")
    tab.check("competences filled in")

    tab.visit("/competences/cv")
    page.locator("input[name='language'][value='sv']").check()
    page.locator("#cv-form button[type=submit]").click()
    page.wait_for_url("**/competences/cv/preview")
    assert "Arbetslivserfarenhet" in page.content()
    tab.assert_no_overflow("/competences/cv/preview")
    with page.expect_download() as download:
        page.locator("a[href$='/competences/cv/download']").click()
    path = tmp_path / "cv.pdf"
    download.value.save_as(path)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "ARBETSLIVSERFARENHET" in text.upper()  # headings are set in capitals
    assert "Kock" in text and "أمينة يوسف" in text
    tab.check("the Swedish CV downloaded")

    staff = open_tab(viewport=PHONE)
    log_in(staff, coordinator)
    desk = staff.page
    today = malmo.today()  # the date a coordinator in Malmö writes (not UTC's: after
    # 23:00 UTC it is already tomorrow there, and a job dated yesterday is before she joined)
    staff.visit(f"/employment/people/{amina.id}/placements/new")
    desk.select_option("#partner_id", label="Kafé Bro AB")
    desk.fill("#role", "Köksbiträde")
    desk.fill("#starts_on", (today - timedelta(days=7)).isoformat())
    desk.fill("#ends_on", (today + timedelta(days=30)).isoformat())
    desk.locator("input[name='weekdays'][value='0']").check()
    desk.fill("#hours_per_week", "15")
    desk.select_option("#status", "active")
    desk.locator("#placement-form button[type=submit]").click()
    desk.wait_for_url("**/employment/placements/*")
    assert "Köksbiträde" in desk.content()
    staff.check("work practice recorded")

    staff.visit(f"/employment/people/{amina.id}")
    desk.select_option("#kind", "job")
    desk.fill("#on_date", today.isoformat())
    desk.select_option("#extent", "full_time")
    with desk.expect_navigation():  # the form posts and comes back to the same page
        desk.locator("#outcome-form button[type=submit]").click()
    staff.check("an exit to work recorded")

    staff.visit("/reports/work")
    in_practice = desk.locator("#report tr", has_text="People in work practice")
    assert in_practice.locator("td").last.inner_text() == "<5"
    joined = desk.locator("#report table", has_text="Job within 3 months").locator(
        "tbody tr").last
    cells = joined.locator("td").all_inner_texts()
    assert cells[1] == "<5" and cells[2] == "<5"  # joined this month; a job within 3 months
    staff.assert_no_overflow("/reports/work")
