"""Dialogue seminars and workshops: guests, questions, main points, agreed actions followed up
to done; who may change them and who sees what."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.activities import services as activities
from portal.activities.models import Attendance, Kind, Session
from portal.dialogues import hooks, services
from portal.dialogues.models import Action, Guest, Point, Question
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.privacy.services import erase, my_data


def test_the_organiser_writes_guests_questions_points_and_actions(seminar, leader):
    guest = services.add_guest(leader, seminar, "  Kari Nordmann ", " NAV Grünerløkka ")
    assert (guest.name, guest.organisation) == ("Kari Nordmann", "NAV Grünerløkka")
    question = services.add_question(leader, seminar, "How do we find work practice?")
    point = services.add_point(leader, seminar, "Many want work practice in shops.")
    due = utcnow().date() + timedelta(days=30)
    action = services.add_action(leader, seminar, "Ask three shops", "NAV", due)
    assert (action.what, action.who, action.due_on, action.done_at) == (
        "Ask three shops", "NAV", due, None)
    assert action.created_by_id == leader.id
    for model in (Guest, Question, Point, Action):
        assert db.session.scalar(select(func.count()).select_from(model)) == 1
    assert question.activity_id == point.activity_id == seminar.id


def test_an_action_is_followed_up_to_done_and_opened_again(seminar, leader, make_user):
    action = services.add_action(leader, seminar, "Ask three shops", "", None)
    coordinator = make_user(Role.COORDINATOR)
    services.set_done(coordinator, action, True)
    assert action.done_at is not None and action.done_by_id == coordinator.id
    first = action.done_at
    services.set_done(leader, action, True)  # done twice keeps the first time
    assert action.done_at == first and action.done_by_id == coordinator.id
    services.set_done(leader, action, False)
    assert action.done_at is None and action.done_by_id is None


def test_removing_items(seminar, leader):
    items = [services.add_guest(leader, seminar, "Kari", ""),
             services.add_question(leader, seminar, "Q"),
             services.add_point(leader, seminar, "P"),
             services.add_action(leader, seminar, "A", "", None)]
    for item in items:
        services.remove(leader, item)
    db.session.flush()
    for model in (Guest, Question, Point, Action):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_only_organisers_change_and_only_dialogue_kinds(seminar, leader, make_user, site,
                                                        make_site):
    action = services.add_action(leader, seminar, "A", "", None)
    for someone in (make_user(), make_user(Role.VOLUNTEER),
                    make_user(Role.COORDINATOR, at=make_site("Elsewhere"))):
        with pytest.raises(DomainError, match="Only the organisers of this activity"):
            services.add_guest(someone, seminar, "Kari", "NAV")
        with pytest.raises(DomainError, match="Only the organisers of this activity"):
            services.set_done(someone, action, True)
        with pytest.raises(DomainError, match="Only the organisers of this activity"):
            services.remove(someone, action)
    assert action.done_at is None
    circle = activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.STUDY_CIRCLE, title="Norsk", capacity=5))
    with pytest.raises(DomainError, match="Only dialogue seminars and workshops have guests"):
        services.add_question(leader, circle, "Q")
    workshop = activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.WORKSHOP, title="Mapping our talents"))
    assert services.add_question(leader, workshop, "What are you good at?").id


@pytest.mark.parametrize("call, message", [
    (lambda u, a: services.add_guest(u, a, "   ", "NAV"), "This field is required"),
    (lambda u, a: services.add_guest(u, a, "x" * 81, ""), "Use at most 80 characters"),
    (lambda u, a: services.add_question(u, a, ""), "This field is required"),
    (lambda u, a: services.add_question(u, a, "q" * 301), "Use at most 300 characters"),
    (lambda u, a: services.add_point(u, a, "p" * 501), "Use at most 500 characters"),
    (lambda u, a: services.add_action(u, a, "\n\t ", "NAV", None), "This field is required"),
    (lambda u, a: services.add_action(u, a, "A", "", utcnow().date() + timedelta(days=2000)),
     "within five years"),
    (lambda u, a: services.add_action(u, a, "A", "", utcnow().date() - timedelta(days=2000)),
     "within five years"),
])
def test_bad_input_is_refused_with_a_reason(seminar, leader, call, message):
    with pytest.raises(DomainError, match=message):
        call(leader, seminar)


def test_who_sees_what_on_the_page(seminar, leader, make_user):
    services.add_guest(leader, seminar, "Kari Nordmann", "NAV")
    services.add_guest(leader, seminar, "Per Hansen", "NAV")
    services.add_guest(leader, seminar, "Ola Nilsen", "Oslo kommune")
    services.add_question(leader, seminar, "How do we find work practice?")
    services.add_point(leader, seminar, "Many want work practice in shops.")
    services.add_action(leader, seminar, "Ask three shops", "NAV", None)
    joined, present, outsider = make_user(), make_user(), make_user()
    activities.enrol(joined, seminar.id)
    held = utcnow() - timedelta(days=2)
    session = Session(activity_id=seminar.id, starts_at=held, ends_at=held + timedelta(hours=2))
    db.session.add(session)
    db.session.flush()
    db.session.add(Attendance(session_id=session.id, user_id=present.id, status="present"))
    db.session.add(Attendance(session_id=session.id, user_id=outsider.id, status="absent"))
    db.session.flush()
    for person in (leader, joined, present, make_user(Role.COORDINATOR)):
        seen = services.summary(person, seminar)
        assert seen.full and [a.what for a in seen.actions] == ["Ask three shops"]
        assert len(seen.guests) == 3 and len(seen.points) == 1
    seen = services.summary(outsider, seminar)
    assert not seen.full and seen.guests == seen.points == seen.actions == []
    assert seen.organisations == ["NAV", "Oslo kommune"]
    assert [q.text for q in seen.questions] == ["How do we find work practice?"]
    assert services.summary(outsider, seminar).organiser is False
    assert services.summary(leader, seminar).organiser is True


def test_open_actions_come_first_by_date(seminar, leader):
    today = utcnow().date()
    late = services.add_action(leader, seminar, "Later", "", today + timedelta(days=20))
    soon = services.add_action(leader, seminar, "Soon", "", today + timedelta(days=2))
    undated = services.add_action(leader, seminar, "Some day", "", None)
    done = services.add_action(leader, seminar, "Done", "", today)
    services.set_done(leader, done, True)
    db.session.flush()
    assert [a.what for a in services.summary(leader, seminar).actions] == [
        soon.what, late.what, undated.what, done.what]


def test_erasure_takes_the_persons_name_out_and_my_data_lists_their_actions(
        seminar, leader, make_user):
    amina = make_user(name="Amina Yusuf")
    services.add_action(leader, seminar, "Send the list to Amina Yusuf", "amina yusuf", None)
    services.add_action(leader, seminar, "Ask NAV", "NAV", None)
    services.add_point(leader, seminar, "AMINA YUSUF asked about work practice.")
    data = my_data(amina)["agreed_actions"]
    assert [a["what"] for a in data] == ["Send the list to Amina Yusuf"]
    erase(None, amina)
    db.session.flush()
    texts = [(a.what, a.who) for a in db.session.scalars(select(Action).order_by(Action.id))]
    assert texts == [(f"Send the list to {hooks.ERASED}", hooks.ERASED), ("Ask NAV", "NAV")]
    assert db.session.scalar(select(Point.text)) == f"{hooks.ERASED} asked about work practice."
    assert db.session.scalar(select(func.count()).select_from(Action)) == 2  # counts stay
