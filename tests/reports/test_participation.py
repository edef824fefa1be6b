"""Dialogue seminars held, agreed actions done, and participation by gender and age band,
against a hand-counted October 2026 at a site in Oslo."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.accounts.models import Gender, Role
from portal.activities import services as activities
from portal.activities.models import Attendance, Kind, Session
from portal.dialogues.models import Action
from portal.extensions import db
from portal.reports import services
from portal.reports.periods import month

OSLO = ZoneInfo("Europe/Oslo")
OCTOBER = month(date(2026, 10, 1))


def oslo(m, d, h=18):
    return datetime(2026, m, d, h, tzinfo=OSLO).astimezone(ZoneInfo("UTC"))


@pytest.fixture
def seminars(site, make_user, make_site):
    lead = make_user(Role.VOLUNTEER, name="Lead")
    seminar = activities.create_activity(lead, site, activities.ActivityData(
        kind=Kind.DIALOGUE_SEMINAR, title="Møte med NAV"))
    workshop = activities.create_activity(lead, site, activities.ActivityData(
        kind=Kind.WORKSHOP, title="Talenter"))
    other = make_site("Elsewhere")
    elsewhere = activities.create_activity(make_user(Role.VOLUNTEER, at=other), other,
                                           activities.ActivityData(
        kind=Kind.DIALOGUE_SEMINAR, title="Elsewhere"))

    def session(activity, m, d, **extra):
        row = Session(activity_id=activity.id, starts_at=oslo(m, d),
                      ends_at=oslo(m, d) + timedelta(hours=2), **extra)
        db.session.add(row)
        db.session.flush()
        return row

    held = session(seminar, 10, 8)
    session(seminar, 10, 22, status="cancelled")
    session(seminar, 11, 5)
    session(workshop, 10, 9)  # a workshop is not a dialogue seminar held
    session(elsewhere, 10, 8)
    db.session.add_all([
        Action(activity_id=seminar.id, what="Made and done in October",
               created_at=oslo(10, 8), done_at=oslo(10, 20)),
        Action(activity_id=workshop.id, what="Made in October, open",
               created_at=oslo(10, 9)),
        Action(activity_id=seminar.id, what="Made in September, done in October",
               created_at=oslo(9, 10), done_at=oslo(10, 2)),
        Action(activity_id=seminar.id, what="Made in October, done in November",
               created_at=oslo(10, 8), done_at=oslo(11, 2)),
        Action(activity_id=elsewhere.id, what="Another place", created_at=oslo(10, 8),
               done_at=oslo(10, 9)),
    ])
    # Present at the seminar (born → age at the end of 2026): six women of 1990 (36), one
    # girl of 2015 (11), two men of 2000 (26), one in another word of 1970 (56), one who
    # would rather not say and gave no birth year. Absent: one more woman (not counted).
    people = ([(Gender.WOMAN, 1990)] * 6 + [(Gender.WOMAN, 2015)] + [(Gender.MAN, 2000)] * 2
              + [(Gender.OTHER, 1970), (Gender.UNSAID, None)])
    for gender, born in people:
        person = make_user(birth_year=born)
        person.gender = gender
        db.session.add(Attendance(session_id=held.id, user_id=person.id, status="present"))
    absent = make_user(birth_year=1990)
    absent.gender = Gender.WOMAN
    db.session.add(Attendance(session_id=held.id, user_id=absent.id, status="absent"))
    db.session.commit()


def test_dialogue_seminars_held_and_actions_made_and_done(site, seminars):
    report = services.build([site], OCTOBER)
    assert report.dialogues == {"seminars_held": 1, "actions_made": 3, "actions_done": 2}


def test_participation_by_gender_and_age_band(site, seminars):
    counts = services.build([site], OCTOBER).participation
    assert {key: n for key, n in counts.items() if n} == {
        ("woman", "30_49"): 6, ("woman", "under_15"): 1, ("man", "15_29"): 2,
        ("other", "50_plus"): 1, ("not_given", "not_given"): 1}


def test_the_tables_show_every_count_under_5_as_under_5(app, site, seminars):
    from portal.reports.tables import tables

    with app.test_request_context(headers={"Accept-Language": "en"}):
        shown = {t.key: t for t in tables(services.build([site], OCTOBER))}
        summary = dict(shown["summary"].rows)
        assert summary["Dialogue seminars held"] == "<5"
        assert summary["Agreed actions done"] == "<5"
        table = shown["participation"]
    assert table.columns == ["Gender", "Under 15", "15–29", "30–49", "50 and over",
                             "Birth year not given", "All"]
    assert table.rows == [
        ["Women", "<5", 0, 6, 0, 0, 7],
        ["Men", 0, "<5", 0, 0, 0, "<5"],
        ["Another word", 0, 0, 0, "<5", 0, "<5"],
        ["Not given", 0, 0, 0, 0, "<5", "<5"],
        ["All", "<5", "<5", 6, "<5", "<5", 11],
    ]


def test_an_empty_period_has_no_participation_rows(app, site):
    from portal.reports.tables import tables

    with app.test_request_context(headers={"Accept-Language": "en"}):
        shown = {t.key: t for t in tables(services.build([site], OCTOBER))}
    assert shown["participation"].rows == []
