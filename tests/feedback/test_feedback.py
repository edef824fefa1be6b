""""How was it?": asked once after a session someone was present at or a meeting held, easy to
skip, never again; leaders see counts per face ("<5" under five) and the comments only once
five people answered in the period, never who; erasure keeps the face and drops the link."""

from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import select

from portal.accounts.models import Role
from portal.activities import services as activities
from portal.activities.models import Attendance, AttendanceStatus, Kind, Session
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.feedback import services
from portal.feedback.models import Face, Feedback
from portal.meetings.models import Booking, BookingStatus, Mode
from portal.privacy import services as privacy
from portal.reports import services as reports
from portal.reports.periods import period_for
from portal.reports.tables import tables

GOOD, OKAY, BAD = Face.GOOD, Face.OKAY, Face.BAD


@pytest.fixture
def leader(make_user):
    return make_user(Role.VOLUNTEER, name="Lars Leader")


@pytest.fixture
def circle(site, leader):
    return activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk A1", capacity=20))


def past_session(activity, hours_ago=3, length=1):
    starts = utcnow() - timedelta(hours=hours_ago)
    session = Session(activity_id=activity.id, starts_at=starts,
                      ends_at=starts + timedelta(hours=length))
    db.session.add(session)
    db.session.flush()
    return session


def mark(session, person, status=AttendanceStatus.PRESENT):
    db.session.add(Attendance(session_id=session.id, user_id=person.id, status=status,
                              minutes=60 if status == AttendanceStatus.PRESENT else 0))
    db.session.flush()


def held_meeting(site, host, person, hours_ago=2, status=BookingStatus.HELD):
    starts = utcnow() - timedelta(hours=hours_ago)
    booking = Booking(site_id=site.id, host_id=host.id, participant_id=person.id,
                      starts_at=starts, ends_at=starts + timedelta(minutes=30),
                      mode=Mode.IN_PERSON, status=status)
    db.session.add(booking)
    db.session.flush()
    return booking


# -- asked once ---------------------------------------------------------------------------------

def test_asked_once_after_a_session_they_were_present_at(make_user, circle):
    amal = make_user(name="Amal")
    session = past_session(circle)
    mark(session, amal)
    question = services.next_question(amal)
    assert (question.kind, question.id, question.title) == ("session", session.id, "Norsk A1")
    services.answer(amal, GOOD, "Fin kveld", "Mer prat", session=session)
    assert services.next_question(amal) is None
    with pytest.raises(DomainError, match="You have already answered this question"):
        services.answer(amal, BAD, session=session)
    assert db.session.scalars(select(Feedback.face)).all() == [GOOD]


def test_not_now_counts_as_answered_and_is_not_a_face(make_user, circle):
    amal = make_user(name="Amal")
    session = past_session(circle)
    mark(session, amal)
    services.answer(amal, None, "ignored", "ignored", session=session)
    assert services.next_question(amal) is None
    with pytest.raises(DomainError, match="You have already answered this question"):
        services.answer(amal, GOOD, session=session)
    kept = db.session.scalars(select(Feedback)).one()
    assert (kept.face, kept.comment, kept.change) == (None, "", "")
    start, end = utcnow() - timedelta(days=1), utcnow() + timedelta(days=1)
    assert services.activity_summary(circle, start, end).answers == 0


def test_only_after_a_session_they_were_present_at_and_that_is_over(make_user, circle):
    absent, present = make_user(name="Absent"), make_user(name="Present")
    over, going_on = past_session(circle), past_session(circle, hours_ago=0.5)
    mark(over, absent, AttendanceStatus.ABSENT)
    mark(going_on, present)
    assert services.next_question(absent) is None
    assert services.next_question(present) is None  # not over yet
    with pytest.raises(DomainError, match="after a session you took part in"):
        services.answer(absent, GOOD, session=over)
    with pytest.raises(DomainError, match="after a session you took part in"):
        services.answer(present, GOOD, session=going_on)
    long_ago = past_session(circle, hours_ago=24 * (services.ASK_DAYS + 1))
    mark(long_ago, present)
    assert services.next_question(present) is None  # too long ago to ask on the start page


def test_after_a_meeting_held_the_latest_is_asked_first(site, make_user, leader, circle):
    amal = make_user(name="Amal")
    session = past_session(circle, hours_ago=5)
    mark(session, amal)
    meeting = held_meeting(site, leader, amal, hours_ago=2)
    booked = held_meeting(site, leader, amal, hours_ago=1, status=BookingStatus.BOOKED)
    assert services.next_question(amal).kind == "meeting"
    assert services.next_question(amal).title == "Lars Leader"
    with pytest.raises(DomainError, match="after a meeting of yours that was held"):
        services.answer(amal, GOOD, booking=booked)
    with pytest.raises(DomainError, match="after a meeting of yours that was held"):
        services.answer(make_user(), GOOD, booking=meeting)  # not theirs
    services.answer(amal, OKAY, booking=meeting)
    assert (services.next_question(amal).kind, services.next_question(amal).id) == (
        "session", session.id)
    services.answer(amal, None, session=session)
    assert services.next_question(amal) is None


# -- what leaders see: hand-computed ------------------------------------------------------------

@pytest.fixture
def answered_month(make_user, circle):
    """Seven people present at two sessions of the circle (7 + 3 = 10 present marks).
    Answers: Amal good (both sessions), Olena good, Nour okay, Hodan "not now", the rest
    silent: faces good 3, okay 1, bad 0 → 4 answers by 3 people."""
    people = {name: make_user(name=name) for name in
              ("Amal", "Olena", "Nour", "Hodan", "Ali", "Sara", "Juma")}
    first, second = past_session(circle, hours_ago=30), past_session(circle, hours_ago=6)
    for person in people.values():
        mark(first, person)
    for name in ("Amal", "Olena", "Nour"):
        mark(second, people[name])
    services.answer(people["Amal"], GOOD, "Amal liked it", "", session=first)
    services.answer(people["Amal"], GOOD, "", "Start later", session=second)
    services.answer(people["Olena"], GOOD, session=first)
    services.answer(people["Nour"], OKAY, "Too fast", session=first)
    services.answer(people["Hodan"], None, session=first)
    return people, first, second


def _window():
    return utcnow() - timedelta(days=3), utcnow() + timedelta(days=1)


def test_the_counts_are_exact_underneath(answered_month, circle):
    summary = services.activity_summary(circle, *_window())
    assert summary.faces == {GOOD: 3, OKAY: 1, BAD: 0}
    assert (summary.answers, summary.people, summary.asked) == (4, 3, 10)
    assert summary.comments_shown is False and summary.comments == []


def test_comments_show_once_five_different_people_answered(answered_month, circle):
    people, first, second = answered_month
    # Ali makes five answers, yet only four people: Amal answered twice.
    services.answer(people["Ali"], BAD, "Cold room", session=first)
    summary = services.activity_summary(circle, *_window())
    assert (summary.answers, summary.people) == (5, 4)  # five answers, four people
    assert summary.comments_shown is False
    services.answer(people["Sara"], GOOD, session=first)
    summary = services.activity_summary(circle, *_window())
    assert (summary.answers, summary.people) == (6, 5)
    assert summary.comments_shown is True
    # Sorted by their text, never by who or when.
    assert summary.comments == [("", "Start later"), ("Amal liked it", ""),
                                ("Cold room", ""), ("Too fast", "")]


def test_the_leaders_page_says_under_five_and_never_who(app, client, answered_month, circle,
                                                        leader):
    client.login(leader.email)
    page = client.get(f"/reports/activities/{circle.id}/feedback")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # good 3 → "<5", okay 1 → "<5", bad 0 → 0; 4 answers of 10 present: 40 %.
    assert text.count("<strong>&lt;5</strong>") == 2 and "<strong>0</strong>" in text
    assert "Answers: &lt;5. Marked present: 10. Answered: 40 %." in text
    assert "Comments show once at least 5 people have answered" in text
    for name in answered_month[0]:
        assert name not in text
    assert "Too fast" not in text


def test_the_page_is_for_leaders_and_coordinators_only(client, make_user, answered_month,
                                                       circle):
    amal = answered_month[0]["Amal"]
    client.login(amal.email)
    assert client.get(f"/reports/activities/{circle.id}/feedback").status_code == 403
    coordinator = make_user(Role.COORDINATOR)
    client.post("/accounts/logout")
    client.login(coordinator.email)
    assert client.get(f"/reports/activities/{circle.id}/feedback").status_code == 200


def test_reports_count_feedback_per_activity_with_the_small_number_rule(
        app, site, answered_month, circle):
    today = utcnow().date()
    period = period_for("custom", today, today - timedelta(days=3), today)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        report = reports.build([site], period)
        table = {t.key: t for t in tables(report)}["feedback"]
    assert report.feedback == [{"id": circle.id, "title": "Norsk A1", "good": 3, "okay": 1,
                                "bad": 0, "answers": 4, "present": 10}]
    # good 3 and okay 1 under five, bad 0 shown as 0, 4 answers of 10 present marks: 40 %.
    assert table.rows == [["Norsk A1", "<5", "<5", 0, "<5", "40 %"]]


# -- erasure and My data ------------------------------------------------------------------------

def test_erasure_keeps_the_face_and_removes_the_link(make_user, answered_month, circle):
    people = answered_month[0]
    coordinator = make_user(Role.COORDINATOR)
    before = services.activity_summary(circle, *_window())
    privacy.erase(coordinator, people["Amal"])
    after = services.activity_summary(circle, *_window())
    assert after.faces == before.faces == {GOOD: 3, OKAY: 1, BAD: 0}
    assert after.answers == before.answers == 4
    amal_rows = db.session.scalars(select(Feedback).where(Feedback.user_id == people["Amal"].id))
    assert amal_rows.all() == []
    orphans = db.session.scalars(select(Feedback).where(Feedback.user_id.is_(None))).all()
    assert [(row.face, row.comment, row.change) for row in orphans] == [
        (GOOD, "", ""), (GOOD, "", "")]


def test_my_data_lists_my_own_answers(answered_month):
    people, first, _second = answered_month
    data = privacy.my_data(people["Nour"])
    assert [(a["activity"], a["face"], a["comment"]) for a in data["feedback"]] == [
        ("Norsk A1", "okay", "Too fast")]
    assert [a["face"] for a in privacy.my_data(people["Hodan"])["feedback"]] == [None]
    assert privacy.my_data(people["Juma"])["feedback"] == []


# -- through the pages --------------------------------------------------------------------------

def test_the_start_page_asks_and_a_face_is_one_tap_away(client, make_user, circle):
    amal = make_user(name="Amal")
    session = past_session(circle)
    mark(session, amal)
    client.login(amal.email)
    page = client.get("/").get_data(as_text=True)
    assert "Tell us how it was" in page
    for word in ("Good", "OK", "Not good", "Not now"):
        assert f">{word}<" in page
    answered = client.post(f"/feedback/sessions/{session.id}", {"face": "good"})
    assert answered.status_code == 303
    assert db.session.scalars(select(Feedback.face)).all() == [GOOD]
    assert "Tell us how it was" not in client.get("/").get_data(as_text=True)
    again = client.post(f"/feedback/sessions/{session.id}", {"face": "bad"})
    assert again.status_code == 303  # told "already answered", nothing kept
    assert db.session.scalars(select(Feedback.face)).all() == [GOOD]
    assert "You have already answered" in client.get(
        f"/feedback/sessions/{session.id}").get_data(as_text=True)


def test_not_now_through_the_page(client, make_user, circle):
    amal = make_user(name="Amal")
    session = past_session(circle)
    mark(session, amal)
    client.login(amal.email)
    assert client.post(f"/feedback/sessions/{session.id}", {"skip": "1"}).status_code == 303
    assert db.session.scalars(select(Feedback.face)).all() == [None]
    assert "Tell us how it was" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({}, "Choose a face, or press"),
    ({"face": "excellent"}, "Choose a face, or press"),
    ({"face": "good", "comment": "x" * 1001}, "Use at most 1000 characters."),
    ({"face": "good", "change": "x" * 1001}, "Use at most 1000 characters."),
])
def test_hostile_answers_get_a_clear_message_and_keep_nothing(client, make_user, circle, data,
                                                              message):
    amal = make_user(name="Amal")
    session = past_session(circle)
    mark(session, amal)
    client.login(amal.email)
    response = client.post(f"/feedback/sessions/{session.id}", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(Feedback)).all() == []


def test_words_are_shown_as_text_to_leaders(client, make_user, circle, leader):
    session = past_session(circle)
    people = [make_user() for _ in range(5)]
    for person in people:
        mark(session, person)
    services.answer(people[0], BAD, "<script>alert(1)</script>", session=session)
    for person in people[1:]:
        services.answer(person, GOOD, session=session)
    client.login(leader.email)
    text = client.get(f"/reports/activities/{circle.id}/feedback").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert" not in text
    assert "<strong>5</strong>" not in text and "<strong>&lt;5</strong>" in text


def test_bidi_controls_are_taken_out_on_the_way_in(client, make_user, circle):
    amal = make_user(name="Amal")
    session = past_session(circle)
    mark(session, amal)
    client.login(amal.email)
    response = client.post(f"/feedback/sessions/{session.id}",
                           {"face": "okay", "comment": "\u202eevil\u2066", "change": "  "})
    assert response.status_code == 303
    kept = db.session.scalars(select(Feedback)).one()
    assert (kept.face, kept.comment, kept.change) == (OKAY, "evil", "")


def test_someone_not_present_cannot_open_the_question(client, make_user, circle):
    session = past_session(circle)
    client.login(make_user().email)
    assert client.get(f"/feedback/sessions/{session.id}").status_code == 403
    assert client.post(f"/feedback/sessions/{session.id}", {"face": "good"}).status_code == 403
    assert client.get("/feedback/sessions/999999").status_code == 404
    assert db.session.scalars(select(Feedback)).all() == []


def test_the_leaders_page_reads_periods_and_ignores_nonsense(client, leader, circle):
    client.login(leader.email)
    for query in ("period=term", "period=year&at=2025-02-03", "period=evil&at=not-a-date"):
        assert client.get(f"/reports/activities/{circle.id}/feedback?{query}").status_code == 200
    with client.raw.application.test_request_context():
        assert url_for("reports.activity_feedback", activity_id=circle.id).endswith(
            f"/reports/activities/{circle.id}/feedback")


def test_a_meeting_is_answered_through_its_page(client, site, make_user, leader):
    amal = make_user(name="Amal")
    meeting = held_meeting(site, leader, amal)
    client.login(amal.email)
    page = client.get(f"/feedback/meetings/{meeting.id}").get_data(as_text=True)
    assert "Meeting with <bdi>Lars Leader</bdi>" in page and 'name="face"' in page
    answered = client.post(f"/feedback/meetings/{meeting.id}",
                           {"face": "bad", "change": "A quieter room"})
    assert answered.status_code == 303
    kept = db.session.scalars(select(Feedback)).one()
    assert (kept.booking_id, kept.session_id, kept.face, kept.change) == (
        meeting.id, None, BAD, "A quieter room")
    client.post("/accounts/logout")
    client.login(leader.email)  # the host may not answer for the participant
    assert client.get(f"/feedback/meetings/{meeting.id}").status_code == 403
