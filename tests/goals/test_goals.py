"""My plan: goals and steps belong to their owner; nobody else reaches them."""

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.extensions import db
from portal.goals import services
from portal.goals.models import Goal, Step
from portal.home import services as whats_next


@pytest.fixture
def owner(make_user):
    return make_user(name="Amina")


@pytest.fixture
def goal(owner):
    goal = services.create_goal(owner, services.GoalData(title="Speak Norwegian at work",
                                                         category="language"))
    for text in ("Join a language café", "Read one news story a day", "Ask a colleague"):
        services.add_step(goal, text)
    return goal


def test_steps_keep_order_move_and_tick(goal):
    assert [s.text for s in goal.steps] == ["Join a language café", "Read one news story a day",
                                            "Ask a colleague"]
    services.move_step(goal.steps[2], -1)
    assert [s.text for s in goal.steps][1] == "Ask a colleague"
    services.move_step(goal.steps[0], -1)  # already first: nothing moves
    assert goal.steps[0].text == "Join a language café"
    services.toggle_step(goal.steps[0])
    assert goal.steps[0].done and goal.steps[0].done_at is not None
    services.toggle_step(goal.steps[0])
    assert not goal.steps[0].done and goal.steps[0].done_at is None


def test_a_step_deleted_a_moment_ago_is_not_found_instead_of_an_error(client, owner, goal,
                                                                      monkeypatch):
    """Found by wapiti's logged-in scan: deleting a step while another request (a second tab,
    a double tap) ticks or moves it answered 500."""
    client.login(owner.email)
    ids = [step.id for step in goal.steps]
    found = services.own_step

    def found_then_deleted_elsewhere(user, step_id):
        step = found(user, step_id)
        with db.engine.begin() as other_request:
            other_request.execute(Step.__table__.delete().where(Step.id == step_id))
        return step

    monkeypatch.setattr(services, "own_step", found_then_deleted_elsewhere)
    assert client.post(f"/goals/steps/{ids[0]}/toggle").status_code == 404
    assert client.post(f"/goals/steps/{ids[1]}/up", htmx=True).status_code == 200
    assert client.post(f"/goals/steps/{ids[2]}/down").status_code == 303
    monkeypatch.undo()
    assert client.get(f"/goals/{goal.id}").status_code == 200
    assert db.session.scalar(select(db.func.count()).select_from(Step)) == 0


def test_plan_changes_stand_or_fall_with_their_unit_of_work(owner):
    """The services change the session and never commit: whoever runs the work decides."""
    goal = services.create_goal(owner, services.GoalData(title="Learn to swim"))
    services.add_step(goal, "Find a pool")
    services.answer(owner, "dream", "Swim in the fjord")
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(Goal)) == 0
    assert services.plan_start(owner) is None


def test_achieving_is_celebrated_once(goal):
    data = services.GoalData(title=goal.title, category=goal.category, status="achieved")
    assert services.update_goal(goal, data) is True
    assert goal.achieved_at is not None
    assert services.update_goal(goal, data) is False
    services.update_goal(goal, services.GoalData(title=goal.title, status="active"))
    assert goal.achieved_at is None


def test_pages_fragments_and_progress(client, owner, goal):
    client.login(owner.email)
    page = client.get("/goals")
    assert "Speak Norwegian at work" in page.text and "0 of 3 steps done" in page.text
    toggled = client.post(f"/goals/steps/{goal.steps[0].id}/toggle", htmx=True)
    assert toggled.status_code == 200 and "<html" not in toggled.text
    assert "1 of 3 steps done" in toggled.text and 'value="1"' in toggled.text
    plain = client.post(f"/goals/steps/{goal.steps[1].id}/toggle")
    assert plain.status_code == 303
    added = client.post(f"/goals/{goal.id}/steps", {"text": "Practise ٥ minutes"}, htmx=True)
    assert "Practise 5 minutes" in added.text and "2 of 4 steps done" in added.text
    empty = client.post(f"/goals/{goal.id}/steps", {"text": ""}, htmx=True)
    assert empty.status_code == 422 and 'id="text-error"' in empty.text
    removed = client.post(f"/goals/steps/{goal.steps[-1].id}/delete", htmx=True)
    assert "Practise 5 minutes" not in removed.text


def test_create_edit_and_celebrate_through_views(client, owner):
    client.login(owner.email)
    assert "<html" not in client.get("/goals/new", htmx=True).text
    invalid = client.post("/goals/new", {"title": "", "category": "work"}, htmx=True)
    assert invalid.status_code == 422 and 'id="title-error"' in invalid.text
    created = client.post("/goals/new", {"title": "Get a job <b>now</b>", "category": "work",
                                         "why": "For my family"})
    assert created.status_code == 303
    goal = db.session.scalar(select(Goal))
    assert goal.owner_id == owner.id
    page = client.get(f"/goals/{goal.id}").text
    assert "Get a job &lt;b&gt;now&lt;/b&gt;" in page
    done = client.post(f"/goals/{goal.id}/edit", {"title": goal.title, "category": "work",
                                                  "status": "achieved"})
    assert done.status_code == 303
    assert "Well done! You reached your goal." in client.get(f"/goals/{goal.id}").text


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.VOLUNTEER, Role.COORDINATOR,
                                  Role.ADMIN])
def test_nobody_but_the_owner_sees_or_changes_a_goal(client, login_as, goal, role):
    login_as(role)
    step = goal.steps[0]
    assert "Speak Norwegian" not in client.get("/goals").text
    for url in (f"/goals/{goal.id}", f"/goals/{goal.id}/edit"):
        assert client.get(url).status_code == 404
    for url in (f"/goals/{goal.id}/steps", f"/goals/steps/{step.id}/toggle",
                f"/goals/steps/{step.id}/delete", f"/goals/{goal.id}/edit"):
        assert client.post(url, {"text": "x", "title": "x", "category": "work",
                                 "status": "active"}).status_code == 404
    db.session.refresh(step)
    assert not step.done and db.session.scalar(select(Step.id).where(Step.text == "x")) is None


def test_plan_needs_login(client):
    assert client.get("/goals").status_code == 303


def test_progress_notes_newest_first_page_and_fragment(client, owner, goal):
    client.login(owner.email)
    first = client.post(f"/goals/{goal.id}/notes", {"note": "Went to the café"}, htmx=True)
    assert first.status_code == 200 and "<html" not in first.text
    assert "Went to the café" in first.text
    client.post(f"/goals/{goal.id}/notes", {"note": "Spoke for ten minutes"})
    page = client.get(f"/goals/{goal.id}").text
    assert page.index("Spoke for ten minutes") < page.index("Went to the café")
    empty = client.post(f"/goals/{goal.id}/notes", {"note": ""}, htmx=True)
    assert empty.status_code == 422


def test_guided_start_one_question_per_screen_each_skippable(client, owner):
    client.login(owner.email)
    first = client.get("/goals/start/dream")
    assert "What do you dream of?" in first.text and "Question 1 of 3" in first.text
    assert "/goals/start/strengths" in first.text  # skip link
    answered = client.post("/goals/start/dream", {"text": "My own café"})
    assert answered.headers["Location"] == "/goals/start/strengths"
    last = client.post("/goals/start/resources", {"text": "My neighbour"})
    assert last.headers["Location"] == "/goals"
    plan = client.get("/goals").text
    assert "My own café" in plan and "My neighbour" in plan
    assert "What are you good at?" not in plan  # skipped, so not shown
    assert client.get("/goals/start/nonsense").status_code == 404
    assert "My own café" in client.get("/goals/start/dream").text  # answers can be changed


def test_guided_answers_are_private(client, owner, login_as):
    services.answer(owner, "dream", "A secret dream")
    login_as(Role.COORDINATOR)
    assert "A secret dream" not in client.get("/goals").text
    assert "A secret dream" not in client.get("/goals/start/dream").text


def test_next_steps_lead_the_participants_page(client, owner, goal):
    services.toggle_step(goal.steps[0])
    paused = services.create_goal(owner, services.GoalData(title="Paused goal"))
    services.add_step(paused, "Not now")
    services.update_goal(paused, services.GoalData(title="Paused goal", status="paused"))
    assert [(s.text, s.goal_id, s.goal_title) for s in whats_next.next_steps(owner)] == [
        ("Read one news story a day", goal.id, goal.title)]
    client.login(owner.email)
    home = client.get("/").text
    assert "Your next steps" in home and "Read one news story a day" in home
    assert "Not now" not in home
