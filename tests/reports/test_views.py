"""The report pages: who may see them, page and fragment, exports, audit, fixed query count."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.reports.tables import PART, PARTS

from .test_services import october  # noqa: F401  (fixture)

OCTOBER = "period=month&at=2026-10-15"


def test_only_coordinators_and_admins_see_reports(client, login_as, site, make_site):
    other = make_site("Other place")
    for role, status in [(Role.PARTICIPANT, 403), (Role.VOLUNTEER, 403),
                         (Role.COORDINATOR, 200), (Role.ADMIN, 200)]:
        login_as(role)
        assert client.get("/reports").status_code == status, role
        assert client.get("/reports/export.xlsx").status_code == status, role
    login_as(Role.COORDINATOR)
    assert client.get(f"/reports?site={other.id}").status_code == 404
    assert client.get(f"/reports/export.csv?site={other.id}").status_code == 404
    assert client.get("/reports?site=all").status_code == 404  # one site only: no "all"
    login_as(Role.ADMIN)
    assert client.get(f"/reports?site={other.id}").status_code == 200
    assert client.get("/reports?site=all").status_code == 200
    client.post("/accounts/logout")
    assert client.get("/reports").status_code in (302, 303)


def test_dashboard_page_and_fragment(client, login_as, site, october):  # noqa: F811
    login_as(Role.COORDINATOR)
    page = client.get(f"/reports?{OCTOBER}").get_data(as_text=True)
    assert "<html" in page and 'id="report"' in page
    assert "Participants registered" in page and "Oct 1, 2026 to Oct 31, 2026" in page
    assert "P1" not in page and "Jobb" not in page  # numbers only: no names, no goal texts
    fragment = client.get(f"/reports?{OCTOBER}", htmx=True).get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith("<section id=\"report\"")
    assert "period=month&amp;at=2026-09-01" in fragment  # previous period link
    year = client.get("/reports?period=year&at=2026-10-15").get_data(as_text=True)
    assert "Jan 1, 2026 to Dec 31, 2026" in year
    custom = client.get("/reports?period=custom&start=2026-10-01&end=2026-10-07")
    assert "Oct 1, 2026 to Oct 7, 2026" in custom.get_data(as_text=True)
    nonsense = client.get("/reports?period=custom&start=x&end=2026-13-45&site=abc&at=zz")
    assert nonsense.status_code == 404  # an unknown site; never a 500


def test_the_summary_leads_to_each_part_of_the_report(client, login_as, site,
                                                      october):  # noqa: F811
    login_as(Role.COORDINATOR)
    page = client.get(f"/reports?{OCTOBER}").get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a></li>',
                       page.split('aria-label="In this report"')[1].split("</nav>")[0])
    query = f"?site={site.id}&amp;period=month&amp;at=2026-10-01"
    assert [(href, current != "", text) for href, current, text in links] == [
        ("/reports" + query, True, "Summary"),
        *((f"/reports/{part.slug}{query}", False, title) for part, title in zip(PARTS[1:], [
            "Participants", "Activities", "Study circles", "Goals", "Meetings with coaches",
            "How was it?", "Work and outcomes", "Proposals (I wish…)", "SMS"], strict=True))]
    assert "<svg viewBox" not in page and "Attendance per week" not in page  # own pages


@pytest.mark.parametrize("part", PARTS[1:], ids=lambda part: part.slug)
def test_a_part_shows_its_own_tables(client, login_as, site, october, part):  # noqa: F811
    login_as(Role.COORDINATOR)
    response = client.get(f"/reports/{part.slug}?{OCTOBER}")
    page = response.get_data(as_text=True)
    shown = re.findall(r'<h3 id="table-(\w+)">', page)
    assert response.status_code == 200 and shown == list(part.keys)
    assert f'<a href="/reports/{part.slug}?site={site.id}&amp;period=month&amp;at=2026-10-01"' \
           ' aria-current="page">' in page
    assert f'action="/reports/{part.slug}"' in page  # the filters stay on this part
    assert f"/reports/{part.slug}?site={site.id}&amp;period=month&amp;at=2026-09-01" in page
    fragment = client.get(f"/reports/{part.slug}?{OCTOBER}", htmx=True).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="report"')
    assert re.findall(r'<h3 id="table-(\w+)">', fragment) == list(part.keys)


def test_an_unknown_part_is_not_found(client, login_as, site):
    login_as(Role.COORDINATOR)
    assert client.get("/reports/nope").status_code == 404
    assert client.get("/reports/summary").status_code == 404  # the summary is /reports


def test_csv_and_xlsx_exports_are_audited(client, login_as, site, october):  # noqa: F811
    user = login_as(Role.COORDINATOR)
    response = client.get(f"/reports/export.csv?table=activities&{OCTOBER}")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert f"site-{site.id}-2026-10-01-2026-10-31.activities.csv" in response.headers[
        "Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Activity", "Type", "Sessions held"]
    assert ["Kafé", "Language café", "<5", "0", "–", "20", "<5", "<5"] in rows
    assert client.get(f"/reports/export.csv?table=nope&{OCTOBER}").status_code == 404
    response = client.get(f"/reports/export.xlsx?{OCTOBER}")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Report", "Summary", "Participants per month",
                               "Attendance per week", "Activities",
                               "Study circles and their funding", "Goals by category and status",
                               "Meetings with coaches", "Participants by gender and age",
                               "Feedback per activity", "Work practice and interviews",
                               "Into work or education", "Self-assessment change",
                               "Proposals (I wish…)", "SMS per month"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Participants registered"] == 7 and summary["New participants"] == "<5"
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.actor_id, e.action, e.subject_type, e.subject_id) for e in events] == [
        (user.id, "report.export.csv.activities", "site", site.id),
        (user.id, "report.export.xlsx", "site", site.id)]


@pytest.mark.parametrize("part", PART)
def test_each_page_of_the_report_runs_a_fixed_number_of_queries(
        client, login_as, site, make_user, october, part):  # noqa: F811
    from portal.activities import services as activities
    from portal.activities.models import Kind

    login_as(Role.COORDINATOR)

    url = f"/reports?{OCTOBER}" if part == "summary" else f"/reports/{part}?{OCTOBER}"

    def count() -> int:
        client.get(url)
        statements = []
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    few = count()
    lead = make_user(Role.VOLUNTEER)
    for index in range(5):
        circle = activities.create_activity(lead, site, activities.ActivityData(
            kind=Kind.STUDY_CIRCLE, title=f"More {index}", capacity=5))
        first = october[0].sessions[0]
        db.session.add(type(first)(activity_id=circle.id, starts_at=first.starts_at,
                                   ends_at=first.ends_at))
        activities.enrol(make_user(), circle.id)
    db.session.commit()
    assert count() == few


@pytest.mark.parametrize("language", ["nb", "ar"])
def test_charts_and_tables_in_other_languages(client, login_as, october, language):  # noqa: F811
    login_as(Role.COORDINATOR, language=language)
    page = client.get(f"/reports/participants?{OCTOBER}").get_data(as_text=True)
    assert "<svg" in page and "<table" in page
    assert 'dir="rtl"' in page if language == "ar" else 'dir="ltr"' in page
