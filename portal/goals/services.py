"""Goal verbs. Only the owner ever reaches a goal here: anyone else gets "not found"."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.goals.models import Goal, GoalStatus, Step
from portal.i18n import _l

MAX_STEPS = 50


def goals_of(user: User) -> list[Goal]:
    """Active goals first, then paused, achieved and let go; steps loaded in one more query."""
    order = {GoalStatus.ACTIVE: 0, GoalStatus.PAUSED: 1, GoalStatus.ACHIEVED: 2,
             GoalStatus.LET_GO: 3}
    from sqlalchemy.orm import selectinload

    goals = db.session.scalars(select(Goal).options(selectinload(Goal.steps))
                               .where(Goal.owner_id == user.id).order_by(Goal.created_at))
    return sorted(goals, key=lambda goal: order[GoalStatus(goal.status)])


def own_goal(user: User, goal_id: int) -> Goal | None:
    """The goal if this user owns it; None for anyone else (callers answer 404)."""
    goal = db.session.get(Goal, goal_id)
    return goal if goal is not None and user.is_authenticated and goal.owner_id == user.id \
        else None


@dataclass
class GoalData:
    title: str
    why: str = ""
    category: str = "other"
    target_date: date | None = None
    status: str = GoalStatus.ACTIVE


def create_goal(user: User, data: GoalData) -> Goal:
    goal = Goal(owner_id=user.id, title=data.title, why=data.why, category=data.category,
                target_date=data.target_date)
    db.session.add(goal)
    db.session.commit()
    return goal


def update_goal(goal: Goal, data: GoalData) -> bool:
    """Save a goal. Returns True when it has just been achieved (time to celebrate)."""
    just_achieved = data.status == GoalStatus.ACHIEVED and goal.status != GoalStatus.ACHIEVED
    goal.title, goal.why, goal.category = data.title, data.why, data.category
    goal.target_date, goal.status = data.target_date, data.status
    goal.achieved_at = utcnow() if just_achieved else (
        goal.achieved_at if data.status == GoalStatus.ACHIEVED else None)
    db.session.commit()
    return just_achieved


def add_step(goal: Goal, text: str) -> Step:
    if len(goal.steps) >= MAX_STEPS:
        raise DomainError(_l("A goal can have at most %(max)d steps.", max=MAX_STEPS),
                          field="text")
    position = (db.session.scalar(select(func.max(Step.position)).where(
        Step.goal_id == goal.id)) or 0) + 1
    step = Step(goal_id=goal.id, text=text, position=position)
    db.session.add(step)
    db.session.commit()
    db.session.refresh(goal)
    return step


def own_step(user: User, step_id: int) -> Step | None:
    step = db.session.get(Step, step_id)
    return step if step is not None and own_goal(user, step.goal_id) is not None else None


def toggle_step(step: Step) -> None:
    step.done = not step.done
    step.done_at = utcnow() if step.done else None
    db.session.commit()


def move_step(step: Step, direction: int) -> None:
    """Swap a step with its neighbour above (-1) or below (+1)."""
    steps = step.goal.steps
    index = steps.index(step)
    other = index + direction
    if 0 <= other < len(steps):
        steps[index].position, steps[other].position = steps[other].position, \
            steps[index].position
        if steps[index].position == steps[other].position:  # equal after old data: spread out
            for number, item in enumerate(steps, start=1):
                item.position = number
            steps[index].position, steps[other].position = other + 1, index + 1
        db.session.commit()
        db.session.refresh(step.goal)


def delete_step(step: Step) -> None:
    db.session.delete(step)
    db.session.commit()
