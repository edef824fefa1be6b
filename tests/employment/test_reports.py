"""The road to work in the reports, against hand-computed fixtures: exits to work or education
within 3, 6 and 12 months of joining, by the month people joined; the self-assessment's
median change; people in work practice, completed placements and interviews; small counts."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal.accounts.models import Role
from portal.employment import services
from portal.employment.models import CheckIn, Interview, Outcome
from portal.extensions import db
from portal.reports import employment
from portal.reports import services as reports
from portal.reports.periods import Period, month, year
from portal.reports.tables import tables
from tests.employment.conftest import placement_data

OSLO = ZoneInfo("Europe/Oslo")


def joined_at(person, day: date, hour: int = 12):
    person.memberships[0].created_at = datetime(day.year, day.month, day.day, hour,
                                                tzinfo=OSLO)


def exit_to(person, site, kind, on_date, confirmed=True):
    db.session.add(Outcome(site_id=site.id, participant_id=person.id, kind=kind,
                           on_date=on_date, confirmed_at=datetime.now(OSLO) if confirmed
                           else None))


@pytest.fixture
def cohorts(site, make_user, make_site):
    """Joined in January 2026 (local dates at an Oslo place):
    A 10 Jan → job 1 Mar                    job ≤3 ≤6 ≤12
    B 20 Jan → job 15 Jul                   job ≤12 only (20 Jul is 6 months: ≤6 too)
    C 31 Jan → education 30 Apr             education ≤3 (31 Jan + 3 months = 30 Apr)
    D  5 Jan → job 1 Feb, not confirmed     nothing
    E 15 Jan → education 3 Jan 2027         education ≤12
    G  2 Jan → education 1 Feb, job 1 Dec   education ≤3 ≤6 ≤12; job ≤12
    I 20 Jan → job 10 Jan (before joining)  nothing
    J 1 Jan 00:30 Oslo (still 31 Dec in UTC) → job 1 Apr: ≤3 (1 Apr is 3 months on)
    Joined in December: H 31 Dec 23:30 Oslo (1 Jan in no zone) → job 5 Jan.
    Joined in February: F 3 Feb → job 20 Feb. Another place: K, never counted."""
    people = {name: make_user(name=name) for name in "ABCDEGHIJF"}
    dates = {"A": date(2026, 1, 10), "B": date(2026, 1, 20), "C": date(2026, 1, 31),
             "D": date(2026, 1, 5), "E": date(2026, 1, 15), "G": date(2026, 1, 2),
             "H": date(2025, 12, 31), "I": date(2026, 1, 20), "J": date(2026, 1, 1),
             "F": date(2026, 2, 3)}
    for name, day in dates.items():
        joined_at(people[name], day)
    people["J"].memberships[0].created_at = datetime(2026, 1, 1, 0, 30, tzinfo=OSLO)
    people["H"].memberships[0].created_at = datetime(2025, 12, 31, 23, 30, tzinfo=OSLO)
    elsewhere = make_site("Elsewhere")
    k = make_user(name="K", at=elsewhere)
    joined_at(k, date(2026, 1, 10))
    for name, kind, on, confirmed in [
            ("A", "job", date(2026, 3, 1), True), ("B", "job", date(2026, 7, 15), True),
            ("C", "education", date(2026, 4, 30), True), ("D", "job", date(2026, 2, 1), False),
            ("E", "education", date(2027, 1, 3), True),
            ("G", "education", date(2026, 2, 1), True), ("G", "job", date(2026, 12, 1), True),
            ("H", "job", date(2026, 1, 5), True), ("I", "job", date(2026, 1, 10), True),
            ("J", "job", date(2026, 4, 1), True), ("F", "job", date(2026, 2, 20), True)]:
        exit_to(people[name], site, kind, on, confirmed)
    exit_to(k, elsewhere, "job", date(2026, 2, 1))
    db.session.commit()
    return people


def test_months_later_keeps_the_day_or_takes_the_last_of_the_month():
    assert employment.months_later(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert employment.months_later(date(2026, 1, 31), 3) == date(2026, 4, 30)
    assert employment.months_later(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert employment.months_later(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_exits_within_3_6_and_12_months_of_joining_by_the_month_joined(site, cohorts):
    rows = employment.exits_by_month([site], Period("custom", date(2025, 12, 1),
                                                    date(2026, 3, 1)))
    december, january, february = rows
    assert december == {"month": date(2025, 12, 1), "joined": 1, "job_3": 1, "job_6": 1,
                        "job_12": 1, "education_3": 0, "education_6": 0, "education_12": 0}
    # January: A B C D E G I J joined (8); job: A (3), B (6), G (12), J (3).
    assert january == {"month": date(2026, 1, 1), "joined": 8,
                       "job_3": 2, "job_6": 3, "job_12": 4,
                       "education_3": 2, "education_6": 2, "education_12": 3}
    assert february["joined"] == 1 and february["job_3"] == 1


def test_exits_only_count_the_months_of_the_period(site, cohorts):
    (january,) = employment.exits_by_month([site], month(date(2026, 1, 1)))
    assert january["joined"] == 8 and january["job_12"] == 4


@pytest.fixture
def check_ins(site, make_user):
    """Five people answered twice or more (language changes +2, +1, 0, +3, -1: median +1);
    network +1 for everyone but one with +2 (median +1); next_step 0,0,1,1,2 (median 1);
    at_home -1,-1,0,2,2 (median 0). One answered once, one answered then skipped: not
    counted. Another place: not counted."""
    def answer(person, respondent, when, values, skipped=False):
        db.session.add(CheckIn(site_id=site.id, participant_id=person.id if person else None,
                               respondent=respondent, skipped=skipped,
                               created_at=datetime(2026, *when, 12, tzinfo=OSLO),
                               **({} if skipped else dict(zip(
                                   ("language", "network", "next_step", "at_home"), values,
                                   strict=True)))))

    changes = [((1, 2, 3, 3), (3, 3, 3, 2)), ((2, 2, 2, 4), (3, 3, 2, 3)),
               ((3, 3, 3, 3), (3, 5, 4, 3)), ((1, 1, 1, 1), (4, 2, 2, 3)),
               ((4, 4, 3, 2), (3, 5, 5, 4))]
    for number, (first, last) in enumerate(changes):
        person = make_user() if number else None  # the first was erased: no link, same key
        answer(person, f"r{number}", (1, 10), first)
        answer(person, f"r{number}", (2, 10), (5, 5, 5, 5))  # in between: not used
        answer(person, f"r{number}", (4, 10), last)
    once = make_user()
    answer(once, "once", (1, 10), (1, 1, 1, 1))
    skipper = make_user()
    answer(skipper, "skipper", (1, 10), (1, 1, 1, 1))
    answer(skipper, "skipper", (4, 10), None, skipped=True)
    later = make_user()
    answer(later, "later", (1, 10), (1, 1, 1, 1))
    answer(later, "later", (7, 10), (5, 5, 5, 5))  # after the period: one answer by then
    db.session.commit()


def test_the_median_change_per_sentence_of_people_with_two_check_ins(site, check_ins):
    change = employment.check_in_change([site.id], Period("custom", date(2026, 1, 1),
                                                         date(2026, 5, 1)), "Europe/Oslo")
    assert change == {"people": 5, "median": {"language": 1, "network": 1, "next_step": 1,
                                              "at_home": 0}}
    nobody = employment.check_in_change([site.id], month(date(2026, 1, 1)), "Europe/Oslo")
    assert nobody == {"people": 0, "median": dict.fromkeys(
        ("language", "network", "next_step", "at_home"))}


def test_the_self_assessment_table_shows_a_median_from_five_people_on(app, site, check_ins):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        report = reports.build([site], Period("custom", date(2026, 1, 1), date(2026, 5, 1)))
        table = next(t for t in tables(report) if t.key == "self_assessment")
        assert table.rows[0][1:] == [5, "+1"] and table.rows[3][1:] == [5, "+0"]
        for row in db.session.query(CheckIn).filter_by(respondent="r0"):
            db.session.delete(row)
        report = reports.build([site], Period("custom", date(2026, 1, 1), date(2026, 5, 1)))
        table = next(t for t in tables(report) if t.key == "self_assessment")
        assert table.rows[0][1:] == ["<5", "–"]  # four people: no median shown


def test_work_practice_and_interviews_in_a_period(site, road, make_user):
    coordinator, employer = road["coordinator"], road["employer"]
    people = [road["participant"], *(make_user() for _ in range(5))]
    march = month(date(2026, 3, 1))
    plans = [("active", date(2026, 2, 20), date(2026, 3, 5)),  # touches March
             ("completed", date(2026, 3, 2), date(2026, 3, 20)),  # completed in March
             ("completed", date(2026, 1, 5), date(2026, 2, 27)),  # completed before
             ("ended_early", date(2026, 3, 30), date(2026, 4, 2)),  # touches March
             ("planned", date(2026, 3, 2), date(2026, 3, 30)),  # never began: not counted
             ("active", date(2026, 4, 1), date(2026, 4, 30))]  # after March
    for person, (status, first, last) in zip(people, plans, strict=True):
        services.record_placement(coordinator, person, placement_data(
            employer, status=status, starts_on=first, ends_on=last))
    services.record_placement(coordinator, people[1], placement_data(  # same person again
        employer, status="completed", starts_on=date(2026, 3, 21), ends_on=date(2026, 3, 31)))
    for day in (date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 1)):
        db.session.add(Interview(site_id=site.id, participant_id=people[0].id, on_date=day))
    db.session.flush()
    assert employment.work_counts([site.id], march) == {
        "in_practice": 3, "completed": 2, "interviews": 2}
    assert employment.work_counts([site.id], year(date(2026, 1, 1))) == {
        "in_practice": 5, "completed": 3, "interviews": 3}


def test_report_tables_protect_small_counts(app, client, site, cohorts, make_user):
    coordinator = make_user(Role.COORDINATOR)
    client.login(coordinator.email)
    page = client.get(f"/reports/work?site={site.id}&period=custom&start=2026-01-01"
                      "&end=2026-01-31").get_data(as_text=True)
    assert "Into work or education" in page and "Work practice and interviews" in page
    exported = client.get(f"/reports/export.csv?table=exits&site={site.id}&period=custom"
                          "&start=2026-01-01&end=2026-01-31").get_data(as_text=True)
    lines = exported.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Month joined,Joined,Job within 3 months")
    assert lines[1].endswith(",8,<5,<5,<5,<5,<5,<5")
    assert len(lines) == 2
