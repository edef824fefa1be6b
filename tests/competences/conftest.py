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
def amina(make_user):
    return make_user(name=AMINA, phone="+4791234567", email="amina@example.org",
                     birth_year=1988)


@pytest.fixture
def coach(make_user):
    return make_user(Role.VOLUNTEER, name="Kari Coach")


@pytest.fixture
def make_course(site, make_user):
    """A study circle at `site` (Norway: 60-minute hours, ¾ of the hours to count) whose
    sessions lie `days_ago` days back, one a week; `present` maps a person to the minutes
    they were present at each session."""
    leader = make_user(Role.VOLUNTEER, name="Leader")

    def make(title, present, minutes=(120, 120, 120, 120), days_ago=60, future=0):
        circle = activities.create_activity(leader, site, activities.ActivityData(
            kind=Kind.STUDY_CIRCLE, title=title, capacity=20))
        start = utcnow() - timedelta(days=days_ago)
        sessions = [Session(activity_id=circle.id, starts_at=start + timedelta(days=7 * i),
                            ends_at=start + timedelta(days=7 * i, minutes=length))
                    for i, length in enumerate(minutes)]
        sessions += [Session(activity_id=circle.id,
                             starts_at=utcnow() + timedelta(days=7 * (i + 1)),
                             ends_at=utcnow() + timedelta(days=7 * (i + 1), hours=2))
                     for i in range(future)]
        db.session.add_all(sessions)
        db.session.flush()
        for person, marks in present.items():
            activities.enrol(person, circle.id)
            for session, mark in zip(sessions, marks, strict=False):
                if mark:
                    db.session.add(Attendance(session_id=session.id, user_id=person.id,
                                              status=AttendanceStatus.PRESENT, minutes=mark))
        db.session.flush()
        return circle

    return make
