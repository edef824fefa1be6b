"""Study circles against their rule sets, checked against hand-computed numbers."""

import csv
import io
from datetime import timedelta

import pytest

from portal.activities import attendance, rules, services
from portal.activities.models import Attendance, Session
from portal.extensions import db, utcnow


@pytest.fixture
def make_circle(make_site, make_user):
    from portal.accounts.models import Role

    def make(country, minutes: list[int], days_ago_first=40, future=0, capacity=20):
        zone = {"SE": "Europe/Stockholm", "NO": "Europe/Oslo", "DK": "Europe/Copenhagen"}
        site = make_site(f"Place {country} {len(minutes)} {future}", country, zone[country])
        leader = make_user(Role.VOLUNTEER, at=site)
        circle = services.create_activity(leader, site, services.ActivityData(
            kind="study_circle", title="Circle", capacity=capacity))
        start = utcnow() - timedelta(days=days_ago_first)
        sessions = []
        for index, length in enumerate(minutes):
            begins = start + timedelta(days=7 * index)
            sessions.append(Session(activity_id=circle.id, starts_at=begins,
                                    ends_at=begins + timedelta(minutes=length)))
        for index in range(future):
            begins = utcnow() + timedelta(days=7 * (index + 1))
            sessions.append(Session(activity_id=circle.id, starts_at=begins,
                                    ends_at=begins + timedelta(minutes=60)))
        db.session.add_all(sessions)
        db.session.commit()
        return circle, sessions

    return make


def evaluate(circle):
    """rules.evaluate, checked against the batch version the leader reports use."""
    one = rules.evaluate(circle)
    many = rules.evaluate_many([circle])[circle.id]
    fields = ("held", "planned", "units_held", "units_planned", "enrolled", "counted", "state",
              "problems")
    assert [getattr(many, f) for f in fields] == [getattr(one, f) for f in fields]
    for person in one.people:
        assert_standing_agrees(circle, person)
    return one


def assert_standing_agrees(circle, person):
    """rules.standings, which My CV and My certificates read for one person, counts the person
    as evaluate does (meetings, minutes, units, whether they count)."""
    found = [s for s in rules.standings(person.user) if s.circle.activity_id == circle.id]
    numbers = ("meetings", "minutes", "units", "counts")
    if not found:  # a circle without scheduled sessions: nobody counts in it
        assert not person.counts and (person.meetings, person.units) == (0, 0)
        return
    assert [getattr(found[0].person, f) for f in numbers] == \
        [getattr(person, f) for f in numbers], person.user.display_name


def mark(session, user, minutes):
    db.session.add(Attendance(session_id=session.id, user_id=user.id, status="present",
                              minutes=minutes))
    db.session.commit()


def test_rule_sets_are_seeded_by_the_migrations(app):
    assert rules.default_rule_set("SE").hour_minutes == 45
    assert rules.default_rule_set("NO").hour_minutes == 60
    assert rules.default_rule_set("DK").min_participants is None


def test_swedish_units_round_down_and_cap_at_four_per_meeting(app):
    se = rules.default_rule_set("SE")
    assert [rules.units(se, m) for m in (44, 45, 89, 90, 100, 200, 300)] == [0, 1, 1, 2, 2, 4, 4]
    assert rules.units(rules.default_rule_set("NO"), 119) == 1


def test_swedish_counting_needs_three_meetings_one_among_the_first_three(make_circle, make_user):
    circle, sessions = make_circle("SE", [135] * 6)  # 6 meetings × 3 units = 18 units
    early, late, few = make_user(name="Early"), make_user(name="Late"), make_user(name="Few")
    for person in (early, late, few):
        services.enrol(person, circle.id)
    for index in (0, 3, 4):
        mark(sessions[index], early, 135)
    for index in (3, 4, 5):
        mark(sessions[index], late, 135)
    for index in (0, 1):
        mark(sessions[index], few, 135)
    status = evaluate(circle)
    counts = {p.user.display_name: p.counts for p in status.people}
    # Meetings 2, 3 and 6 had fewer than three present with the leader: not reported, so they
    # count for nobody (Late has two meetings; Few has one).
    assert counts == {"Early": True, "Late": False, "Few": False}
    assert (status.held, status.units_held) == (3, 9)
    assert status.unreported == {sessions[i].id: rules.FEW_PRESENT for i in (1, 2, 5)}
    assert status.counted == 2  # Early + the leader, who counts in Sweden
    assert status.state == "at_risk"  # 3 needed (leader included)


def test_swedish_circle_that_meets_the_rules(make_circle, make_user):
    circle, sessions = make_circle("SE", [135, 135, 135])  # 3 meetings, 9 units
    people = [make_user() for _ in range(2)]
    for person in people:
        services.enrol(person, circle.id)
        for session in sessions:
            mark(session, person, 135)
    status = evaluate(circle)
    assert (status.held, status.units_held, status.counted, status.state) == (3, 9, 3, "meets")


def test_too_few_meetings_planned_fails(make_circle, make_user):
    circle, _ = make_circle("SE", [135, 135])
    for _ in range(3):
        services.enrol(make_user(), circle.id)
    status = evaluate(circle)
    assert status.state == "fails" and "meetings" in status.problems


def test_norwegian_three_quarters_of_the_hours_and_age_by_year_end(make_circle, make_user):
    circle, sessions = make_circle("NO", [60, 60, 60, 60], days_ago_first=60)
    year = sessions[0].starts_at.year
    exact = make_user(name="Exactly ¾", birth_year=1990)
    short = make_user(name="One minute short", birth_year=1990)
    fourteen = make_user(name="Turns 14 this year", birth_year=year - 14)
    thirteen = make_user(name="Turns 13 this year", birth_year=year - 13)
    unknown = make_user(name="No birth year", birth_year=None)
    for person in (exact, short, fourteen, thirteen, unknown):
        services.enrol(person, circle.id)
    for person, total in ((exact, 180), (short, 179), (fourteen, 240), (thirteen, 240),
                          (unknown, 240)):
        remaining = total
        for session in sessions:
            minutes = min(60, remaining)
            if minutes:
                mark(session, person, minutes)
            remaining -= minutes
    status = evaluate(circle)
    counts = {p.user.display_name: p.counts for p in status.people}
    assert counts == {"Exactly ¾": True, "One minute short": False, "Turns 14 this year": True,
                      "Turns 13 this year": False, "No birth year": False}
    assert status.units_held == 4 and status.counted == 2
    assert status.state == "at_risk"  # 4 participants needed


def test_future_sessions_count_as_planned_not_held(make_circle, make_user):
    circle, sessions = make_circle("SE", [135], future=3)
    for person in (make_user(), make_user()):  # three present with the leader: reported
        services.enrol(person, circle.id)
        mark(sessions[0], person, 135)
    status = evaluate(circle)
    assert (status.held, status.planned, status.units_held, status.units_planned) == (1, 4, 3, 6)


def test_attendance_list_page_csv_and_permissions(client, make_circle, make_user, login_as):
    circle, sessions = make_circle("SE", [135, 135, 135])
    person = make_user(name="Amina", birth_year=1990)
    services.enrol(person, circle.id)
    leader = circle.leaders[0]
    attendance.save(leader, sessions[0], {person.id: (True, 135)}, None)
    client.login(leader.email)
    page = client.get(f"/activities/{circle.id}")
    assert "Funding rules" in page.text and "Studiecirkel" in page.text
    listing = client.get(f"/activities/{circle.id}/attendance-list")
    assert listing.status_code == 200 and "Amina" in listing.text and "1990" in listing.text
    response = client.get(f"/activities/{circle.id}/attendance-list.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:2] == ["name", "birth_year"] and rows[0][-1] == "counted"
    assert rows[1][:3] == ["Amina", "1990", "135"] and rows[1][-1] == "no"
    from portal.audit.models import AuditEvent

    exported = db.session.query(AuditEvent).filter_by(action="attendance_list.export.csv").one()
    assert (exported.actor_id, exported.subject_id) == (leader.id, circle.id)
    client.post("/accounts/logout")
    login_as()
    assert client.get(f"/activities/{circle.id}/attendance-list").status_code == 403
    assert "Funding rules" not in client.get(f"/activities/{circle.id}").text


def test_the_activity_pages_one_read_of_sessions_gives_what_the_three_reads_give(make_circle):
    """session_rows_and_schedule (a leader's page of a circle with a rule set) gives the same
    rows in the same order as session_rows and evaluate's own read of the scheduled sessions:
    with cancelled sessions, two starting at the same time, earlier ones within and beyond 28
    days and more than eight ahead."""
    from portal import speed
    from portal.activities.models import SessionStatus

    circle, sessions = make_circle("NO", [90] * 8, days_ago_first=45, future=10)
    sessions[6].status = sessions[9].status = SessionStatus.CANCELLED
    for twin in (sessions[5], sessions[12]):
        db.session.add(Session(activity_id=circle.id, starts_at=twin.starts_at,
                               ends_at=twin.ends_at, place="twin"))
    db.session.commit()
    for recent in (True, False):
        upcoming, earlier = services.session_rows(circle, recent)
        rows, ended, scheduled = services.session_rows_and_schedule(circle, recent)
        assert [tuple(row)[:7] for row in rows] == [tuple(row) for row in upcoming]
        assert [tuple(row)[:7] for row in ended] == [tuple(row) for row in earlier]
        assert len(upcoming) == 8 and len(earlier) == (5 if recent else 0)
    own = speed.records(speed.rows(rules._sessions_statement(), {"activity_id": circle.id}))
    assert [(s.id, s.starts_at, s.ends_at, s.local_start) for s in scheduled] == [
        tuple(s) for s in own]
    fields = ("held", "planned", "units_held", "units_planned", "enrolled", "counted", "state",
              "problems", "unreported")
    given, read = rules.evaluate(circle, scheduled), rules.evaluate(circle)
    assert [getattr(given, f) for f in fields] == [getattr(read, f) for f in fields]
