from datetime import timedelta

import pytest

from portal.accounts.models import Role
from portal.activities import services as activities
from portal.activities.models import Attendance, AttendanceStatus, Kind, Session
from portal.extensions import db, utcnow

AMINA = "أمينة يوسف"


@pytest.fixture(autouse=True)
def _english(english):
    """Every test here reads service messages in English (tests/conftest.py)."""


@pytest.fixture
def malmo(make_site):
    return make_site("Malmö Möllan", "SE", "Europe/Stockholm")


@pytest.fixture
def make_circle(make_workshop):
    """A study circle under its country's rule set whose sessions (`minutes` long, one a week,
    their lists signed off unless `signed` is false) began `days_ago` days back; `present` maps
    a person to their minutes at each session (0: not on the list)."""

    def make(site, title, present, minutes, days_ago=60, signed=True):
        marks = {person: tuple(mark or None for mark in row) for person, row in present.items()}
        return make_workshop(site, title, marks, minutes, days_ago, signed, Kind.STUDY_CIRCLE)

    return make


@pytest.fixture
def swedish_course(malmo, make_user, make_circle):
    """Hand-computed (Sweden: study hours of 45 minutes, whole hours per meeting, at most four;
    a participant counts at three meetings, one of them among the first three):
    four meetings of 135 minutes (3 study hours each).
    Amina: 135, 100, 90, 44 minutes → 3 + 2 + 2 + 0 = 7 study hours, 4 meetings: completed.
    Bo: 135, 135, 135, absent → 3 + 3 + 3 = 9 study hours: completed.
    Cy: only the fourth meeting → 1 meeting: not completed, no certificate.
    Every meeting had at least three present with the leader, so each one can be reported."""
    amina = make_user(at=malmo, name=AMINA, birth_year=1988)
    bo = make_user(at=malmo, name="Bo Ek")
    cy = make_user(at=malmo, name="Cy Lund")
    circle = make_circle(malmo, "Svenska för vardagen", {
        amina: (135, 100, 90, 44), bo: (135, 135, 135, 0), cy: (0, 0, 0, 135)},
        minutes=(135, 135, 135, 135))
    return {"amina": amina, "bo": bo, "cy": cy, "circle": circle}


@pytest.fixture
def make_workshop(make_user):
    """A workshop (or another kind) at `site` whose sessions (`minutes` long, one a week) began
    `days_ago` days back, their lists signed off unless `signed` is false; `present` maps a
    person to their minutes at each session (0: absent, None: not on the list)."""

    def make(site, title, present, minutes, days_ago=60, signed=True, kind=Kind.WORKSHOP):
        leader = make_user(Role.VOLUNTEER, at=site, name=f"Leader of {title}")
        workshop = activities.create_activity(leader, site, activities.ActivityData(
            kind=kind, title=title, capacity=20))
        start = utcnow() - timedelta(days=days_ago)
        sessions = [Session(activity_id=workshop.id, starts_at=start + timedelta(days=7 * i),
                            ends_at=start + timedelta(days=7 * i, minutes=length),
                            signed_off_at=start + timedelta(days=7 * i, minutes=length)
                            if signed else None, signed_off_by_id=leader.id if signed else None)
                    for i, length in enumerate(minutes)]
        db.session.add_all(sessions)
        db.session.flush()
        for person, marks in present.items():
            activities.enrol(person, workshop.id)
            for session, mark in zip(sessions, marks, strict=True):
                if mark is not None:
                    db.session.add(Attendance(
                        session_id=session.id, user_id=person.id, minutes=mark,
                        status=AttendanceStatus.PRESENT if mark else AttendanceStatus.ABSENT))
        db.session.flush()
        return workshop

    return make


@pytest.fixture
def cv_workshop(site, make_user, make_workshop):
    """Hand-computed: three sessions of 150, 120 and 90 minutes = 360 minutes; ¾ of them is
    270 minutes. A workshop's certificate states the real time present.
    Amina: 150 + 120 + 90 = 360 → completed, 6 hours.
    Bo:    150 + 100 + 45 = 295 → completed, 4 hours and 55 minutes.
    Cy:    150 + 120 + absent = 270 → exactly ¾: completed, 4 hours and 30 minutes.
    Dag:   150 + 119 + absent = 269 → one minute short: not completed.
    Eli:   90 + 90 + 80 = 260 → at every session, but not ¾ of the time: not completed."""
    people = {"amina": make_user(name=AMINA), "bo": make_user(name="Bo Ek"),
              "cy": make_user(name="Cy Lund"), "dag": make_user(name="Dag Moe"),
              "eli": make_user(name="Eli Berg")}
    workshop = make_workshop(site, "Skriv en god søknad", {
        people["amina"]: (150, 120, 90), people["bo"]: (150, 100, 45),
        people["cy"]: (150, 120, 0), people["dag"]: (150, 119, 0),
        people["eli"]: (90, 90, 80)}, minutes=(150, 120, 90))
    return {**people, "workshop": workshop}
