"""Sharing by consent: only what is shared, only while it is shared, and every view logged."""

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.errors import DomainError
from portal.extensions import db
from portal.goals import services
from portal.goals.models import Comment, Share


@pytest.fixture
def plan(make_user):
    owner = make_user(name="Amina")
    work = services.create_goal(owner, services.GoalData(title="Find work", category="work"))
    language = services.create_goal(owner, services.GoalData(title="Speak Norwegian",
                                                             category="language"))
    services.add_step(work, "Write a CV")
    return owner, work, language


def test_share_one_goal_then_withdraw(plan, make_user):
    owner, work, language = plan
    coach = make_user(Role.VOLUNTEER, name="Coach")
    given = services.share(owner, coach.id, work.id)
    assert services.goal_shared_with(coach, work.id) == work
    assert services.goal_shared_with(coach, language.id) is None
    assert [(o.id, [g.id for g in gs]) for o, gs in services.shared_with(coach)] == [
        (owner.id, [work.id])]
    assert services.share(owner, coach.id, work.id) is given  # sharing twice: one share
    assert services.withdraw(owner, given.id)
    assert services.goal_shared_with(coach, work.id) is None
    assert services.shared_with(coach) == []
    stored = db.session.get(Share, given.id)
    assert stored.given_at is not None and stored.withdrawn_at is not None


def test_whole_plan_covers_every_goal(plan, make_user):
    owner, work, language = plan
    coordinator = make_user(Role.COORDINATOR)
    services.share(owner, coordinator.id, None)
    assert services.goal_shared_with(coordinator, language.id) == language
    later = services.create_goal(owner, services.GoalData(title="Later goal"))
    assert services.goal_shared_with(coordinator, later.id) == later


def test_only_staff_of_the_owners_site_and_only_own_goals(plan, make_user, make_site):
    owner, work, _ = plan
    participant = make_user()
    elsewhere = make_user(Role.COORDINATOR, at=make_site("Elsewhere"))
    for person in (participant, elsewhere):
        with pytest.raises(DomainError, match="Choose someone from your meeting place"):
            services.share(owner, person.id, None)
    coach = make_user(Role.VOLUNTEER)
    others_goal = services.create_goal(participant, services.GoalData(title="Not yours"))
    with pytest.raises(DomainError, match="Choose one of your goals"):
        services.share(owner, coach.id, others_goal.id)
    assert not services.withdraw(participant, services.share(owner, coach.id, None).id)


def test_staff_views_are_audited_and_comments_reach_the_owner(client, plan, make_user):
    owner, work, _ = plan
    coach = make_user(Role.VOLUNTEER, name="Coach Karin")
    services.share(owner, coach.id, work.id)
    client.login(coach.email)
    listing = client.get("/goals/shared")
    assert "Amina" in listing.text and "Find work" in listing.text
    assert "Speak Norwegian" not in listing.text
    page = client.get(f"/goals/shared/{work.id}")
    assert page.status_code == 200 and "Write a CV" in page.text
    event = db.session.scalar(select(AuditEvent))
    assert (event.actor_id, event.action, event.subject_id) == (coach.id, "plan.view", owner.id)
    empty = client.post(f"/goals/shared/{work.id}/comments", {"text": ""}, htmx=True)
    assert empty.status_code == 422
    assert client.post(f"/goals/shared/{work.id}/comments",
                       {"text": "Great start!"}).status_code == 303
    assert db.session.scalar(select(Comment.text)) == "Great start!"
    client.post("/accounts/logout")
    client.login(owner.email)
    assert "Great start!" in client.get(f"/goals/{work.id}").text


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.COORDINATOR, Role.ADMIN])
def test_unshared_and_withdrawn_plans_are_404_for_staff(client, login_as, plan, role):
    owner, work, language = plan
    staff = login_as(role)
    assert client.get(f"/goals/shared/{work.id}").status_code == 404
    given = services.share(owner, staff.id, work.id)
    assert client.get(f"/goals/shared/{work.id}").status_code == 200
    assert client.get(f"/goals/shared/{language.id}").status_code == 404
    services.withdraw(owner, given.id)
    assert client.get(f"/goals/shared/{work.id}").status_code == 404
    assert client.post(f"/goals/shared/{work.id}/comments", {"text": "x"}).status_code == 404


def test_sharing_page_fragment_and_withdraw(client, plan, make_user):
    owner, work, _ = plan
    coach = make_user(Role.VOLUNTEER, name="Coach Karin")
    client.login(owner.email)
    page = client.get("/goals/sharing")
    assert "Nobody. Your plan is private." in page.text and "Coach Karin" in page.text
    assert "<html" not in client.get("/goals/sharing", htmx=True).text
    assert client.post("/goals/sharing", {"staff_id": str(coach.id),
                                          "what": str(work.id)}).status_code == 303
    given = db.session.scalar(select(Share))
    assert (given.staff_id, given.goal_id) == (coach.id, work.id)
    assert client.post("/goals/sharing", {"staff_id": "999", "what": "all"},
                       htmx=True).status_code == 422
    assert client.post(f"/goals/sharing/{given.id}/withdraw").status_code == 303
    assert client.post(f"/goals/sharing/{given.id}/withdraw").status_code == 404
