"""Goal verbs. Only the owner ever reaches a goal here: anyone else gets "not found"."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from portal import speed
from portal.accounts.models import STAFF_ROLES, Membership, User
from portal.audit.models import record
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.goals.models import (
    Category,
    Comment,
    Goal,
    GoalStatus,
    PlanStart,
    ProgressNote,
    Share,
    ShareScope,
    Step,
)
from portal.i18n import _l

MAX_STEPS = 50


_ORDER = {GoalStatus.ACTIVE: 0, GoalStatus.PAUSED: 1, GoalStatus.ACHIEVED: 2,
          GoalStatus.LET_GO: 3}


def goals_of(user: User) -> list[Goal]:
    """Active goals first, then paused, achieved and let go; steps loaded in one more query."""
    goals = db.session.scalars(select(Goal).options(selectinload(Goal.steps))
                               .where(Goal.owner_id == user.id).order_by(Goal.created_at))
    return sorted(goals, key=lambda goal: _ORDER[goal.status])


def goal_titles(user: User) -> list:
    """Id and title of the user's goals in goals_of's order, as plain rows: for a choice list
    (one statement, no Goal objects and their steps to load)."""
    rows = speed.rows(_goal_titles(), {"owner_id": user.id})
    return sorted(rows, key=lambda goal: _ORDER[goal.status])


@speed.statement
def _goal_titles():
    goal = Goal.__table__
    return (select(goal.c.id, goal.c.title, goal.c.status)
            .where(goal.c.owner_id == bindparam("owner_id")).order_by(goal.c.created_at))


def own_goal(user: User, goal_id: int) -> Goal | None:
    """The goal if this user owns it; None for anyone else (callers answer 404)."""
    goal = db.session.get(Goal, goal_id)
    return goal if goal is not None and user.is_authenticated and goal.owner_id == user.id \
        else None


@dataclass
class GoalPage:
    """What a goal's page shows, as plain rows: the goal's columns (`goal`) and its steps,
    encouraging comments (each with its author's name, None when the account is gone) and
    notes, in the order the relationships give."""

    goal: object
    steps: list
    comments: list
    notes: list

    def __getattr__(self, name):  # the templates read goal.title, goal.steps alike
        return getattr(self.goal, name)


def goal_page(user: User, goal_id: int) -> GoalPage | None:
    """The owner's goal as its page shows it, or None for anyone else (callers answer 404)."""
    return _page(goal_id, user.id)


def shown_goal(goal: Goal) -> GoalPage:
    """A goal the caller may show (a staff member it is shared with), as its page shows it."""
    return _page(goal.id, goal.owner_id)


def _page(goal_id: int, owner_id: int) -> GoalPage | None:
    """Four statements built once per process on the unit of work's connection (changes are
    flushed first) instead of a Goal, its steps, comments with each author, and notes loaded
    through the ORM one after another (about 0.6 ms a page)."""
    goal = speed.rows(_page_goal(), {"goal_id": goal_id, "owner_id": owner_id}).first()
    if goal is None:
        return None
    parameters = {"goal_id": goal.id}
    return GoalPage(goal, speed.rows(_page_steps(), parameters).all(),
                    speed.rows(_page_comments(), parameters).all(),
                    speed.rows(_page_notes(), parameters).all())


@speed.statement
def _page_goal():
    goal = Goal.__table__
    return select(goal).where(goal.c.id == bindparam("goal_id"),
                              goal.c.owner_id == bindparam("owner_id"))


@speed.statement
def _page_steps():
    step = Step.__table__
    return (select(step.c.id, step.c.text, step.c.done).where(
        step.c.goal_id == bindparam("goal_id")).order_by(step.c.position, step.c.id))


@speed.statement
def _page_comments():
    comment, user = Comment.__table__, User.__table__
    return (select(comment.c.text, comment.c.created_at, user.c.display_name.label("author_name"))
            .select_from(comment.outerjoin(user, user.c.id == comment.c.author_id))
            .where(comment.c.goal_id == bindparam("goal_id")).order_by(comment.c.created_at))


@speed.statement
def _page_notes():
    note = ProgressNote.__table__
    return (select(note.c.text, note.c.created_at).where(note.c.goal_id == bindparam("goal_id"))
            .order_by(note.c.created_at.desc()))


@dataclass
class GoalData:
    title: str
    why: str = ""
    category: str = Category.OTHER
    target_date: date | None = None
    status: str = GoalStatus.ACTIVE


def create_goal(user: User, data: GoalData) -> Goal:
    goal = Goal(owner_id=user.id, title=data.title, why=data.why,
                category=Category(data.category), target_date=data.target_date)
    db.session.add(goal)
    db.session.flush()  # its id, for the page it leads to
    return goal


def update_goal(goal: Goal, data: GoalData) -> bool:
    """Save a goal. Returns True when it has just been achieved (time to celebrate)."""
    status = GoalStatus(data.status)
    just_achieved = status == GoalStatus.ACHIEVED and goal.status != GoalStatus.ACHIEVED
    goal.title, goal.why, goal.category = data.title, data.why, Category(data.category)
    goal.target_date, goal.status = data.target_date, status
    goal.achieved_at = utcnow() if just_achieved else (
        goal.achieved_at if status == GoalStatus.ACHIEVED else None)
    return just_achieved


def add_step(goal: Goal, text: str) -> Step:
    if len(goal.steps) >= MAX_STEPS:
        raise DomainError(_l("A goal can have at most %(max)d steps.", max=MAX_STEPS),
                          field="text")
    position = (db.session.scalar(select(func.max(Step.position)).where(
        Step.goal_id == goal.id)) or 0) + 1
    step = Step(text=text, position=position)
    goal.steps.append(step)  # the last one: the list stays in order
    db.session.flush()
    return step


def own_step(user: User, step_id: int) -> Step | None:
    step = db.session.get(Step, step_id)
    return step if step is not None and own_goal(user, step.goal_id) is not None else None


def toggle_step(step: Step) -> None:
    step.done = not step.done
    step.done_at = utcnow() if step.done else None
    db.session.flush()  # a step deleted meanwhile (another tab) is "not found" here


def move_step(step: Step, direction: int) -> None:
    """Swap a step with its neighbour above (-1) or below (+1)."""
    steps = step.goal.steps
    if step not in steps:  # deleted a moment ago (another tab, a double tap): nothing to move
        return
    index = steps.index(step)
    other = index + direction
    if 0 <= other < len(steps):
        steps[index].position, steps[other].position = steps[other].position, \
            steps[index].position
        if steps[index].position == steps[other].position:  # equal after old data: spread out
            for number, item in enumerate(steps, start=1):
                item.position = number
            steps[index].position, steps[other].position = other + 1, index + 1
        db.session.flush()
        db.session.expire(step.goal, ["steps"])  # read again, in their new order


def delete_step(step: Step) -> None:
    steps = step.goal.steps
    if step in steps:  # not deleted a moment ago (another tab, a double tap)
        steps.remove(step)  # an orphan: deleted with the flush
        db.session.flush()


# -- sharing, by consent --------------------------------------------------------------------

def share_candidates(owner: User) -> list[User]:
    """Staff at the owner's meeting places: the people a plan can be shown to."""
    sites = [m.site_id for m in owner.memberships]
    return list(db.session.scalars(select(User).join(Membership).where(
        Membership.site_id.in_(sites or [-1]),
        Membership.role.in_(STAFF_ROLES),
        User.id != owner.id).distinct().order_by(User.display_name)))


def share_candidate_names(owner: User) -> list:
    """share_candidates as plain rows of id and display_name: for the choice list."""
    sites = [m.site_id for m in owner.memberships]
    return speed.rows(_candidate_names(), {"sites": sites or [-1], "owner_id": owner.id}).all()


@speed.statement
def _candidate_names():
    user, membership = User.__table__, Membership.__table__
    return (select(user.c.id, user.c.display_name)
            .select_from(user.join(membership, membership.c.user_id == user.c.id))
            .where(membership.c.site_id.in_(bindparam("sites", expanding=True)),
                   membership.c.role.in_(STAFF_ROLES), user.c.id != bindparam("owner_id"))
            .distinct().order_by(user.c.display_name))


def active_shares(owner: User) -> list[Share]:
    return list(db.session.scalars(select(Share).where(
        Share.owner_id == owner.id, Share.withdrawn_at.is_(None)).order_by(Share.given_at)))


def shares_shown(owner: User) -> list:
    """active_shares as the sharing page lists them: plain rows of id, scope, given_at, the
    staff member's name and the shared goal's title (None for a whole plan or competences),
    in one statement built once per process — not Share objects with their staff member and
    goal loaded one by one (about 0.4 ms even when there are none)."""
    return speed.rows(_shares_shown(), {"owner_id": owner.id}).all()


@speed.statement
def _shares_shown():
    share, user, goal = Share.__table__, User.__table__, Goal.__table__
    return (select(share.c.id, share.c.scope, share.c.given_at,
                   user.c.display_name.label("staff_name"), goal.c.title.label("goal_title"))
            .select_from(share.join(user, user.c.id == share.c.staff_id)
                         .outerjoin(goal, goal.c.id == share.c.goal_id))
            .where(share.c.owner_id == bindparam("owner_id"), share.c.withdrawn_at.is_(None))
            .order_by(share.c.given_at))


def share(owner: User, staff_id: int, goal_id: int | None,
          scope: ShareScope = ShareScope.PLAN) -> Share:
    staff = next((u for u in share_candidates(owner) if u.id == staff_id), None)
    if staff is None:
        raise DomainError(_l("Choose someone from your meeting place."), field="staff_id")
    if goal_id is not None and (scope != ShareScope.PLAN or own_goal(owner, goal_id) is None):
        raise DomainError(_l("Choose one of your goals."), field="what")
    existing = next((s for s in active_shares(owner) if s.staff_id == staff.id
                     and s.goal_id == goal_id and s.scope == scope), None)
    if existing is not None:
        return existing
    given = Share(owner_id=owner.id, staff_id=staff.id, goal_id=goal_id, scope=scope)
    db.session.add(given)
    db.session.flush()
    return given


def withdraw(owner: User, share_id: int) -> bool:
    given = db.session.get(Share, share_id)
    if given is None or given.owner_id != owner.id or given.withdrawn_at is not None:
        return False
    given.withdrawn_at = utcnow()
    return True


def _shares_to(staff: User):
    """Active shares of plans and goals (a share of competences shows none of the plan)."""
    return select(Share).where(Share.staff_id == staff.id, Share.scope == ShareScope.PLAN,
                               Share.withdrawn_at.is_(None))


def shared_with(staff: User) -> list[tuple[User, list[Goal]]]:
    """Who shared what with this staff member, right now."""
    people: dict[int, tuple[User, dict[int, Goal]]] = {}
    for given in db.session.scalars(_shares_to(staff)):
        owner, goals = people.setdefault(given.owner_id, (given.owner, {}))
        for goal in ([given.goal] if given.goal_id else goals_of(owner)):
            goals[goal.id] = goal
    return [(owner, list(goals.values())) for owner, goals in people.values()]


def goal_shared_with(staff: User, goal_id: int) -> Goal | None:
    """The goal if an active share covers it (its owner's whole plan, or this goal)."""
    goal = db.session.get(Goal, goal_id)
    if goal is None or not staff.is_authenticated:
        return None
    covered = db.session.scalar(_shares_to(staff).where(
        Share.owner_id == goal.owner_id,
        (Share.goal_id.is_(None)) | (Share.goal_id == goal.id)).limit(1))
    return goal if covered is not None else None


def record_staff_view(staff: User, goal: Goal) -> None:
    """Every staff view of a shared plan goes to the audit log (who, whose, when)."""
    record(staff, "plan.view", "user", goal.owner_id)


def add_comment(staff: User, goal: Goal, text: str) -> Comment:
    comment = Comment(goal_id=goal.id, author_id=staff.id, text=text)
    db.session.add(comment)
    db.session.flush()
    return comment


# -- progress notes and the guided start -----------------------------------------------------

def add_note(goal: Goal, text: str) -> ProgressNote:
    note = ProgressNote(goal_id=goal.id, text=text)
    db.session.add(note)
    db.session.flush()
    db.session.expire(goal, ["notes"])  # read again, newest first
    return note


QUESTIONS = ("dream", "strengths", "resources")


def plan_start(owner: User) -> PlanStart | None:
    return db.session.scalar(select(PlanStart).where(PlanStart.owner_id == owner.id))


def answer(owner: User, question: str, text: str) -> None:
    if question not in QUESTIONS:
        raise DomainError(_l("This question does not exist."))
    start = plan_start(owner) or PlanStart(owner_id=owner.id)
    setattr(start, question, text)
    start.updated_at = utcnow()
    db.session.add(start)

