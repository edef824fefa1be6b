"""A coordinator on a phone opens the report, changes the period, opens a part of it and
downloads the workbook."""

import pytest
from openpyxl import load_workbook

from portal.accounts.models import Role
from portal.reports.tables import TABLES
from tests.browser.conftest import log_in
from tests.reports.test_services import october  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:.*base_url.*")]


def test_coordinator_changes_the_period_and_downloads_the_workbook(
        open_tab, make_user, site, october, tmp_path):  # noqa: F811
    coordinator = make_user(Role.COORDINATOR, name="Ingrid", language="nb")
    tab = open_tab()
    log_in(tab, coordinator)
    page = tab.page
    page.get_by_role("link", name="Rapporter").click()
    page.locator("#report table").first.wait_for()  # the summary
    page.fill("#at", "2026-10-15")
    page.locator("#report-filter button[type=submit]").click()  # htmx swaps the report
    page.wait_for_url("**at=2026-10-15*")
    page.get_by_text("1. okt. 2026 til 31. okt. 2026").wait_for()
    registered = page.locator("#report table").first.locator("tr", has_text="Registrerte")
    assert registered.locator("td").inner_text() == "7"
    assert tab.overflow() <= 0
    tab.check("the October report")
    page.locator("#report nav a", has_text="Deltakere").click()  # a part, the same period
    page.wait_for_url("**/reports/participants?*at=2026-10-01*")
    page.locator("#report .chart svg").first.wait_for()
    page.get_by_text("1. okt. 2026 til 31. okt. 2026").wait_for()
    assert page.locator('#report nav a[aria-current="page"]').inner_text() == "Deltakere"
    assert tab.overflow() <= 0
    with page.expect_download() as download:
        page.locator("a[href*='export.xlsx']").click()
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    assert book.sheetnames[:3] == ["Rapport", "Sammendrag", "Deltakere per måned"]
    # a sheet for the report's front page, then one per table of all the report's pages
    assert len(book.sheetnames) == 1 + len(TABLES)
    summary = {row[0]: row[1] for row in book["Sammendrag"].iter_rows(values_only=True)}
    assert summary["Registrerte deltakere"] == 7 and summary["Nye deltakere"] == "<5"
