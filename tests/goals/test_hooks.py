"""The plan's part in erasing a person and in My data, reached through the signals."""

import pytest
from sqlalchemy import func, select

from portal import signals
from portal.accounts.models import Role
from portal.extensions import db, utcnow
from portal.goals import services
from portal.goals.models import Comment, Goal, PlanStart, ProgressNote, Share, Step


@pytest.fixture
def plans(make_user):
    """Amina's plan, shared with a coach who left her a word; Bilal's plan, shared with the
    same coach, who left him a word too."""
    amina, bilal = make_user(name="Amina"), make_user(name="Bilal")
    coach = make_user(Role.VOLUNTEER, name="Coach Karin")
    job = services.create_goal(amina, services.GoalData(
        title="Work in a kindergarten", why="For my family", category="work"))
    services.add_step(job, "Write a CV")
    services.add_note(job, "Visited one kindergarten")
    services.answer(amina, "dream", "My own café")
    services.share(amina, coach.id, None)
    services.add_comment(coach, job, "Great start!")
    talk = services.create_goal(bilal, services.GoalData(title="Speak with my neighbours",
                                                         category="language"))
    services.add_step(talk, "Say hello")
    services.share(bilal, coach.id, talk.id)
    services.add_comment(coach, talk, "Well done")
    return amina, bilal, coach, job, talk


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_erasing_a_person_blanks_their_plan_and_keeps_the_goals_for_the_counts(plans):
    amina, _, _, job, _ = plans
    signals.person_erased.send(amina, actor=None, now=utcnow())
    kept = db.session.get(Goal, job.id)
    assert (kept.owner_id, kept.title, kept.why, kept.category, kept.status) == (
        amina.id, "", "", "work", "active")
    assert _count(Step, Step.goal_id == job.id) == 0
    assert _count(ProgressNote, ProgressNote.goal_id == job.id) == 0
    assert _count(Comment, Comment.goal_id == job.id) == 0  # the coach's word to her too
    assert _count(Share, Share.owner_id == amina.id) == 0
    assert _count(PlanStart, PlanStart.owner_id == amina.id) == 0


def test_erasing_a_person_leaves_other_plans_alone(plans):
    amina, bilal, coach, _, talk = plans
    signals.person_erased.send(amina, actor=None, now=utcnow())
    kept = db.session.get(Goal, talk.id)
    assert (kept.title, [s.text for s in kept.steps]) == ("Speak with my neighbours",
                                                          ["Say hello"])
    assert db.session.scalars(select(Comment.author_id).where(
        Comment.goal_id == talk.id)).all() == [coach.id]
    assert _count(Share, Share.owner_id == bilal.id) == 1


def test_words_an_erased_person_left_on_others_goals_stay_from_nobody(plans):
    _, _, coach, job, talk = plans
    signals.person_erased.send(coach, actor=None, now=utcnow())
    assert db.session.execute(select(Comment.goal_id, Comment.text, Comment.author_id)
                              .order_by(Comment.id)).all() == [
        (job.id, "Great start!", None), (talk.id, "Well done", None)]


def test_my_data_holds_the_plan_its_goals_and_whom_it_was_shown_to(plans):
    amina, _, _, job, _ = plans
    given = db.session.scalar(select(Share).where(Share.owner_id == amina.id))
    sections = signals.collect(signals.data_requested, amina)
    assert sections["plan"] == {"dream": "My own café", "strengths": "", "help": ""}
    note = db.session.scalar(select(ProgressNote))
    comment = db.session.scalar(select(Comment).where(Comment.goal_id == job.id))
    assert sections["goals"] == [{
        "title": "Work in a kindergarten", "why": "For my family", "category": "work",
        "status": "active", "target_date": None, "created": job.created_at.isoformat(),
        "achieved": None, "steps": [{"text": "Write a CV", "done": False}],
        "notes": [{"text": "Visited one kindergarten", "date": note.created_at.isoformat()}],
        "comments": [{"text": "Great start!", "date": comment.created_at.isoformat(),
                      "from": "Coach Karin"}]}]
    assert sections["shared_with"] == [{"staff": "Coach Karin", "what": "plan", "goal": None,
                                        "given": given.given_at.isoformat(),
                                        "withdrawn": None}]


def test_my_data_of_a_person_without_a_plan_is_empty(make_user):
    sections = signals.collect(signals.data_requested, make_user())
    assert (sections["plan"], sections["goals"], sections["shared_with"]) == (
        {"dream": "", "strengths": "", "help": ""}, [], [])
