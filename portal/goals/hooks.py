"""What the plan does when a person is erased or asks for their data (portal.signals)."""

from sqlalchemy import bindparam, delete, select, update

from portal import signals, speed
from portal.accounts.models import User
from portal.extensions import db
from portal.goals.models import Comment, Goal, PlanStart, ProgressNote, Share, Step
from portal.speed import statement


def connect() -> None:
    signals.person_erased.connect(erase_plan)
    signals.data_requested.connect(plan_data)


def erase_plan(person, now, **_) -> None:
    """The texts of the person's plan go, and so does its sharing; their goals stay as blank
    rows, because the reports count goals by category and status. Words they left on others'
    goals stay for the owner to read, from nobody; plans shown to them (as staff) are
    withdrawn, as their owners would, and the owners still see that they once showed them."""
    goal_ids = select(Goal.id).where(Goal.owner_id == person.id)
    for model in (Step, ProgressNote, Comment):
        db.session.execute(delete(model).where(model.goal_id.in_(goal_ids)))
    db.session.execute(update(Goal).where(Goal.owner_id == person.id).values(title="", why=""))
    for model in (Share, PlanStart):
        db.session.execute(delete(model).where(model.owner_id == person.id))
    db.session.execute(update(Comment).where(Comment.author_id == person.id)
                       .values(author_id=None))
    db.session.execute(update(Share).where(Share.staff_id == person.id,
                                           Share.withdrawn_at.is_(None))
                       .values(withdrawn_at=now))


def plan_data(person, sections=None, **_) -> dict:
    """The plan as My data shows it: the guided start's answers, each goal with its steps,
    notes and comments, and whom the plan was shown to. Plain rows from six statements built
    once per process, whatever the number of goals (the goals' steps, notes and comments were
    three statements a goal, and ORM objects for each); only those of the sections asked
    for."""
    def when(moment):
        return moment.isoformat() if moment else None

    def each(built, section) -> list:
        return speed.rows(built(), {"owner_id": person.id}).all() if signals.asked(
            sections, section) else []

    start = next(iter(each(_start, "plan")), None)
    steps, notes, comments = ({} for _ in range(3))
    for found, rows in ((steps, each(_steps, "goals")), (notes, each(_notes, "goals")),
                        (comments, each(_comments, "goals"))):
        for row in rows:
            found.setdefault(row.goal_id, []).append(row)
    return {
        "plan": {"dream": start.dream if start else "",
                 "strengths": start.strengths if start else "",
                 "help": start.resources if start else ""},
        "goals": [{"title": g.title, "why": g.why, "category": str(g.category),
                   "status": str(g.status),
                   "target_date": g.target_date.isoformat() if g.target_date else None,
                   "created": when(g.created_at), "achieved": when(g.achieved_at),
                   "steps": [{"text": s.text, "done": s.done} for s in steps.get(g.id, ())],
                   "notes": [{"text": n.text, "date": when(n.created_at)}
                             for n in notes.get(g.id, ())],
                   "comments": [{"text": c.text, "date": when(c.created_at),
                                 "from": c.author}
                                for c in comments.get(g.id, ())]}
                  for g in each(_goals, "goals")],
        "shared_with": [{"staff": s.staff, "what": str(s.scope), "goal": s.goal,
                         "given": when(s.given_at), "withdrawn": when(s.withdrawn_at)}
                        for s in each(_shares, "shared_with")],
    }


@statement
def _start():
    return select(PlanStart.dream, PlanStart.strengths, PlanStart.resources).where(
        PlanStart.owner_id == bindparam("owner_id"))


@statement
def _goals():
    return (select(Goal.id, Goal.title, Goal.why, Goal.category, Goal.status, Goal.target_date,
                   Goal.created_at, Goal.achieved_at)
            .where(Goal.owner_id == bindparam("owner_id")).order_by(Goal.created_at))


def _owners_goals():
    return select(Goal.id).where(Goal.owner_id == bindparam("owner_id"))


@statement
def _steps():
    """In each goal, in the order of Goal.steps."""
    return (select(Step.goal_id, Step.text, Step.done).where(Step.goal_id.in_(_owners_goals()))
            .order_by(Step.position, Step.id))


@statement
def _notes():
    """In each goal, in the order of Goal.notes (newest first)."""
    return (select(ProgressNote.goal_id, ProgressNote.text, ProgressNote.created_at)
            .where(ProgressNote.goal_id.in_(_owners_goals()))
            .order_by(ProgressNote.created_at.desc()))


@statement
def _comments():
    """In each goal, in the order of Goal.comments, with the author's name (None when the
    comment has no author any more)."""
    return (select(Comment.goal_id, Comment.text, Comment.created_at,
                   User.display_name.label("author"))
            .outerjoin(User, User.id == Comment.author_id)
            .where(Comment.goal_id.in_(_owners_goals())).order_by(Comment.created_at))


@statement
def _shares():
    """Whom the plan was shown to: the staff member's name, and the goal's title (None for
    the whole plan)."""
    return (select(User.display_name.label("staff"), Share.scope,
                   Goal.title.label("goal"), Share.given_at, Share.withdrawn_at)
            .join(User, User.id == Share.staff_id).outerjoin(Goal, Goal.id == Share.goal_id)
            .where(Share.owner_id == bindparam("owner_id")).order_by(Share.given_at))
