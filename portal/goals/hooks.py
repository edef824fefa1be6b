"""What the plan does when a person is erased or asks for their data (portal.signals)."""

from sqlalchemy import delete, select, update

from portal import signals
from portal.extensions import db
from portal.goals.models import Comment, Goal, PlanStart, ProgressNote, Share, Step


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


def plan_data(person, **_) -> dict:
    """The plan as My data shows it: the guided start's answers, each goal with its steps,
    notes and comments, and whom the plan was shown to."""
    def when(moment):
        return moment.isoformat() if moment else None

    start = db.session.scalar(select(PlanStart).where(PlanStart.owner_id == person.id))
    goals = db.session.scalars(select(Goal).where(Goal.owner_id == person.id)
                               .order_by(Goal.created_at))
    shares = db.session.scalars(select(Share).where(Share.owner_id == person.id)
                                .order_by(Share.given_at))
    return {
        "plan": {"dream": start.dream if start else "",
                 "strengths": start.strengths if start else "",
                 "help": start.resources if start else ""},
        "goals": [{"title": g.title, "why": g.why, "category": str(g.category),
                   "status": str(g.status),
                   "target_date": g.target_date.isoformat() if g.target_date else None,
                   "created": when(g.created_at), "achieved": when(g.achieved_at),
                   "steps": [{"text": s.text, "done": s.done} for s in g.steps],
                   "notes": [{"text": n.text, "date": when(n.created_at)} for n in g.notes],
                   "comments": [{"text": c.text, "date": when(c.created_at),
                                 "from": c.author.display_name if c.author else None}
                                for c in g.comments]} for g in goals],
        "shared_with": [{"staff": s.staff.display_name, "what": str(s.scope),
                         "goal": s.goal.title if s.goal else None,
                         "given": when(s.given_at), "withdrawn": when(s.withdrawn_at)}
                        for s in shares],
    }
