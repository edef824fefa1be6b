"""The funders' rules that decide which sessions a study association takes and who completes
(Sweden: reportable meetings, weekly limits, age in the year; Norway: the leader as the
fourth), each against hand-computed numbers, and what the leader sees when signing the list.
`evaluate` (tests/activities/test_rules.py) also checks that the reports' SQL agrees."""

from datetime import UTC, datetime, timedelta

from portal.accounts.models import Role
from portal.activities import rules, services
from portal.activities.models import RuleSet, Session
from portal.extensions import db, utcnow
from tests.activities.test_rules import evaluate, mark


def monday_weeks_ago(weeks: int) -> datetime:
    today = utcnow().date()
    monday = today - timedelta(days=today.weekday() + 7 * weeks)
    return datetime(monday.year, monday.month, monday.day, 10, tzinfo=UTC)


def circle_at(make_site, make_user, country, starts_and_minutes, rule_set=None):
    zone = {"SE": "Europe/Stockholm", "NO": "Europe/Oslo"}[country]
    site = make_site(f"Place {country} {len(starts_and_minutes)}", country, zone)
    leader = make_user(Role.VOLUNTEER, at=site)
    circle = services.create_activity(leader, site, services.ActivityData(
        kind="study_circle", title="Circle", capacity=20))
    if rule_set is not None:
        circle.rule_set = rule_set
    sessions = [Session(activity_id=circle.id, starts_at=start,
                        ends_at=start + timedelta(minutes=minutes))
                for start, minutes in starts_and_minutes]
    db.session.add_all(sessions)
    db.session.commit()
    return circle, sessions


def present_everywhere(circle, sessions, people):
    for person in people:
        services.enrol(person, circle.id)
        for session in sessions:
            mark(session, person, int((session.ends_at - session.starts_at).seconds // 60))


def test_a_swedish_session_under_one_study_hour_is_not_reported(make_site, make_user):
    """135, 40, 135, 135 minutes, a week apart, two participants at each: the 40 minutes are
    not one study hour (45), so that session counts for nobody. Held 3, 3 + 3 + 3 = 9 study
    hours; each participant has 3 sessions, the first among the first three: both count,
    with the leader 3 — the circle meets the rules."""
    start = monday_weeks_ago(6)
    circle, sessions = circle_at(make_site, make_user, "SE", [
        (start + timedelta(weeks=i), m) for i, m in enumerate((135, 40, 135, 135))])
    present_everywhere(circle, sessions, [make_user(), make_user()])
    status = evaluate(circle)
    assert (status.held, status.units_held, status.counted, status.state) == (3, 9, 3, "meets")
    assert status.unreported == {sessions[1].id: rules.SHORT}
    assert [(p.meetings, p.units) for p in status.people] == [(3, 9), (3, 9)]


def test_a_swedish_week_reports_at_most_three_sessions(make_site, make_user):
    """Monday to Thursday of one week, 180 minutes each (4 study hours, the most a session
    reports), and the next Monday: the Thursday is the week's fourth session and is not
    reported; the next week starts again. Held 4, 4 × 4 = 16 study hours."""
    start = monday_weeks_ago(3)
    days = [start + timedelta(days=d) for d in range(4)] + [start + timedelta(days=7)]
    circle, sessions = circle_at(make_site, make_user, "SE", [(day, 180) for day in days])
    present_everywhere(circle, sessions, [make_user(), make_user()])
    status = evaluate(circle)
    assert status.unreported == {sessions[3].id: rules.WEEK_MEETINGS}
    assert (status.held, status.units_held) == (4, 16)


def test_a_week_reports_at_most_its_hours(make_site, make_user):
    """A rule set of 45-minute hours with at most 5 hours a week (the Swedish per-session
    limit of 4 makes 3 × 4 = 12 the most three sessions can reach, so the hours limit is shown
    with a smaller one): three sessions of 135 minutes (3 hours each) in one week report
    3, then 2 (the rest of the week's 5), then nothing."""
    sweden = rules.default_rule_set("SE")
    five = RuleSet(code="test-five-a-week", country="SE", name="Five a week",
                   valid_from=sweden.valid_from, hour_minutes=45, min_present=3,
                   max_hours_per_week=5, counting_rule="meetings_including_early",
                   counting_min_meetings=2, counting_early_window=3)
    db.session.add(five)
    start = monday_weeks_ago(2)
    circle, sessions = circle_at(make_site, make_user, "SE", [
        (start + timedelta(days=d), 135) for d in range(3)], rule_set=five)
    present_everywhere(circle, sessions, [make_user(), make_user()])
    status = evaluate(circle)
    assert status.unreported == {sessions[2].id: rules.WEEK_HOURS}
    assert (status.held, status.units_held) == (2, 5)
    assert [(p.meetings, p.units) for p in status.people] == [(2, 5), (2, 5)]


def test_swedish_participants_count_from_the_year_they_turn_13(make_site, make_user):
    start = monday_weeks_ago(5)
    year = start.year
    circle, sessions = circle_at(make_site, make_user, "SE", [
        (start + timedelta(weeks=i), 135) for i in range(3)])
    turns_13 = make_user(name="Turns 13", birth_year=year - 13)
    turns_12 = make_user(name="Turns 12", birth_year=year - 12)
    present_everywhere(circle, sessions, [turns_13, turns_12])
    status = evaluate(circle)
    assert {p.user.display_name: p.counts for p in status.people} == {
        "Turns 13": True, "Turns 12": False}


def test_a_norwegian_course_may_count_its_leader_as_the_fourth(make_site, make_user):
    """Four hours; three participants at all of them complete (¾). With the leader that is
    four: the course meets the rules, funded as one without a teacher, and says so. With a
    fourth participant it needs no leader."""
    start = monday_weeks_ago(6)
    circle, sessions = circle_at(make_site, make_user, "NO", [
        (start + timedelta(weeks=i), 60) for i in range(4)])
    present_everywhere(circle, sessions, [make_user(), make_user(), make_user()])
    status = evaluate(circle)
    assert (status.counted, status.state) == (3, "meets")
    assert "without_teacher" in status.problems
    present_everywhere(circle, sessions, [make_user()])
    status = evaluate(circle)
    assert (status.counted, status.state) == (4, "meets")
    assert "without_teacher" not in status.problems


def test_a_norwegian_course_short_even_with_its_leader_fails(make_site, make_user):
    start = monday_weeks_ago(6)
    circle, sessions = circle_at(make_site, make_user, "NO", [
        (start + timedelta(weeks=i), 60) for i in range(4)])
    present_everywhere(circle, sessions, [make_user(), make_user()])
    status = evaluate(circle)
    assert (status.counted, status.state) == (2, "fails")  # 2 + the leader is not 4
    assert "participants" in status.problems and "without_teacher" not in status.problems


def test_the_leader_sees_why_a_session_does_not_count(client, make_site, make_user):
    start = monday_weeks_ago(1)
    circle, sessions = circle_at(make_site, make_user, "SE", [(start, 135)])
    person = make_user()
    services.enrol(person, circle.id)
    mark(sessions[0], person, 135)
    client.login(circle.leaders[0].email)
    page = client.get(f"/activities/sessions/{sessions[0].id}/attendance").get_data(
        as_text=True)
    assert "fewer than 3 people were present, the leader included" in page
    circle_page = client.get(f"/activities/{circle.id}").get_data(as_text=True)
    assert "1 session held cannot be reported" in circle_page


def test_an_unmarked_list_gives_no_warning_until_someone_is_marked(client, make_site,
                                                                   make_user):
    circle, sessions = circle_at(make_site, make_user, "SE", [(monday_weeks_ago(1), 135)])
    services.enrol(make_user(), circle.id)
    client.login(circle.leaders[0].email)
    page = client.get(f"/activities/sessions/{sessions[0].id}/attendance").get_data(
        as_text=True)
    assert "cannot take this session" not in page  # the list is still being taken


def test_a_norwegian_course_asks_for_postcode_and_gender_and_fills_the_list(
        client, make_site, make_user):
    """Asked of participants of the Norwegian course only, optional and explained; the
    funder's list gets them as given (gender K/M, empty when not given)."""
    import csv
    import io

    from portal.privacy import services as privacy

    circle, sessions = circle_at(make_site, make_user, "NO", [(monday_weeks_ago(2), 60)])
    asked, other = make_user(name="Aisha"), make_user(name="Bashir")
    present_everywhere(circle, sessions, [asked, other])
    client.login(asked.email)
    course = client.get(f"/activities/{circle.id}").get_data(as_text=True)
    assert "asks for your postcode and gender" in course
    page = client.get("/accounts/profile").get_data(as_text=True)
    assert "Postcode (optional)" in page and "Gender (optional)" in page
    form = {"display_name": "Aisha", "email": asked.email, "language": "en",
            "birth_year": "1990"}
    wrong = client.post("/accounts/profile", {**form, "postcode": "06a5", "gender": "woman"})
    assert wrong.status_code == 422 and "four digits of your postcode" in wrong.text
    assert client.post("/accounts/profile", {**form, "postcode": " 0655 ",
                                             "gender": "woman"}).status_code == 303
    assert (asked.postcode, asked.gender) == ("0655", "woman")
    assert client.post("/accounts/profile", {**form, "postcode": "0655",
                                             "gender": "female"}).status_code == 422

    client.login(circle.leaders[0].email)
    listing = client.get(f"/activities/{circle.id}/attendance-list").text
    assert "<th scope=\"col\">Postcode</th>" in listing and "<td>0655</td>" in listing
    assert "<td>Woman</td>" in listing
    response = client.get(f"/activities/{circle.id}/attendance-list.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["name", "birth_year", "gender", "postcode"]
    assert ["Aisha", "1990", "K", "0655"] == rows[1][:4]
    assert ["Bashir", "1990", "", ""] == rows[2][:4]  # not given: left empty

    assert privacy.my_data(asked)["profile"]["postcode"] == "0655"
    privacy.erase(asked, asked)
    assert (asked.postcode, asked.gender) == ("", None)


def test_no_one_else_is_asked_for_a_postcode(client, make_site, make_user):
    circle, sessions = circle_at(make_site, make_user, "SE", [(monday_weeks_ago(2), 135)])
    person = make_user(name="Sara")
    services.enrol(person, circle.id)
    client.login(person.email)
    assert "Postcode" not in client.get("/accounts/profile").text
    assert client.post("/accounts/profile", {
        "display_name": "Sara", "email": person.email, "language": "en",
        "postcode": "0655", "gender": "woman"}).status_code == 303
    # The postcode is not asked, so not kept; gender is asked of everyone (optional).
    assert (person.postcode, person.gender) == ("", "woman")
