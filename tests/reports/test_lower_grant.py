"""Norway: a course that reaches its four completing participants only when its leader is
counted is allowed, but funded as a course without a teacher (domain.md §1). The reports say
so in the study circles' table, on the dashboard and in the CSV and Excel downloads.

Hand-computed, at a meeting place in Oslo, November 2026: every circle has four sessions of
60 minutes (Nov 2, 9, 16 and 23 at 18:00), so 4 course hours were held (the rule set needs 4)
and a participant completes with ¾ of them, 180 minutes.
- "Tre og lederen": A, B and C were present at all four (240 minutes each), D at one (60):
  three complete, the leader makes four: meets the rules, at the lower grant.
- "Fire uten lederen": A, B, C and D at all four: four complete: the full grant.
- "To og lederen": A and B at all four, nobody else joined: two and the leader are three, which
  is not four: it does not meet the rules at all, so no grant to speak of ("–")."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from portal.accounts.models import Role
from portal.activities import services as activities
from portal.activities.models import Attendance, Kind, Session
from portal.extensions import db
from portal.reports import services
from portal.reports.periods import month

NOVEMBER = month(date(2026, 11, 1))
QUERY = "period=month&at=2026-11-15"
LOWER = "Lower: a course without a teacher (the leader counted)"


def oslo(day: int) -> datetime:
    return datetime(2026, 11, day, 18, tzinfo=ZoneInfo("Europe/Oslo")).astimezone(
        ZoneInfo("UTC"))


@pytest.fixture
def november(site, make_user):
    lead = make_user(Role.VOLUNTEER, name="Lead")
    people = {name: make_user(name=name) for name in "ABCD"}

    def circle(title: str, minutes: dict[str, list[int]]):
        made = activities.create_activity(lead, site, activities.ActivityData(
            kind=Kind.STUDY_CIRCLE, title=title, capacity=10))
        sessions = [Session(activity_id=made.id, starts_at=oslo(day),
                            ends_at=oslo(day) + timedelta(minutes=60)) for day in (2, 9, 16, 23)]
        db.session.add_all(sessions)
        db.session.flush()
        for name, marks in minutes.items():
            activities.enrol(people[name], made.id)
            for session, mark in zip(sessions, marks, strict=True):
                db.session.add(Attendance(session_id=session.id, user_id=people[name].id,
                                          status="present" if mark else "absent", minutes=mark))
        db.session.commit()
        return made

    circle("Tre og lederen", {"A": [60] * 4, "B": [60] * 4, "C": [60] * 4,
                              "D": [60, 0, 0, 0]})
    circle("Fire uten lederen", {name: [60] * 4 for name in "ABCD"})
    circle("To og lederen", {"A": [60] * 4, "B": [60] * 4})


def test_the_courses_are_judged_as_counted_by_hand(site, november):
    statuses = {row["title"]: row["status"] for row in services.build([site], NOVEMBER).circles}
    assert {title: (s.units_held, s.counted, s.state, s.problems)
            for title, s in statuses.items()} == {
        "Tre og lederen": (4, 3, "meets", ["without_teacher"]),
        "Fire uten lederen": (4, 4, "meets", []),
        "To og lederen": (4, 2, "fails", ["participants"]),
    }


def test_the_table_and_its_downloads_say_which_course_gets_the_lower_grant(
        client, login_as, site, november):
    login_as(Role.COORDINATOR)
    response = client.get(f"/reports/export.csv?table=circles&{QUERY}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][-1] == "Grant"
    assert {row[0]: (row[5], row[6], row[7]) for row in rows[1:]} == {
        "Tre og lederen": ("<5", "Meets the rules", LOWER),
        "Fire uten lederen": ("<5", "Meets the rules", "–"),
        "To og lederen": ("<5", "Does not meet the rules", "–"),
    }
    book = load_workbook(io.BytesIO(client.get(f"/reports/export.xlsx?{QUERY}").data))
    sheet = list(book["Study circles and their funding"].iter_rows(values_only=True))
    assert sheet[0][-1] == "Grant"
    assert {row[0]: row[-1] for row in sheet[1:]} == {
        "Tre og lederen": LOWER, "Fire uten lederen": "–", "To og lederen": "–"}
    page = client.get(f"/reports/circles?{QUERY}").get_data(as_text=True)
    assert f"<td>{LOWER}</td>" in page and "funds it as a course without a teacher" in page


def test_no_note_where_no_course_needs_its_leader(client, login_as, site, november):
    login_as(Role.COORDINATOR)
    page = client.get("/reports/circles?period=month&at=2026-10-15").get_data(as_text=True)
    assert LOWER not in page and "funds it as a course without a teacher" not in page


@pytest.mark.parametrize("language, lower", [
    ("nb", "Lavere: kurs uten lærer (lederen telt med)"),
    ("ar", "أقل: دورة بلا معلّم (احتُسب القائد)"),
])
def test_the_mark_is_translated(client, login_as, site, november, language, lower):
    login_as(Role.COORDINATOR, language=language)
    response = client.get(f"/reports/export.csv?table=circles&{QUERY}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert {row[0]: row[-1] for row in rows[1:]}["Tre og lederen"] == lower
