"""Dialogue seminars and workshops: the organiser (a leader of the activity, or a coordinator
of its meeting place) lists the guests, writes the questions beforehand and records the main
points and agreed actions afterwards, then follows the actions up to done.

Who sees what on the activity's page: the questions, and the organisations guests come from,
are for everyone who can see the activity; guests' names, the main points and the actions
for those who took part (joined, or were marked present) and the organisers."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.accounts.models import User
from portal.activities.models import (
    Activity,
    Attendance,
    AttendanceStatus,
    Enrolment,
    EnrolmentStatus,
    Session,
)
from portal.activities.services import can_lead
from portal.dialogues.models import Action, Guest, Point, Question
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.i18n import _l

LONGEST_AHEAD_DAYS = 5 * 366  # an action's date: a plan, not a typo of a far year


def can_organise(user: User, activity: Activity) -> bool:
    return activity.is_dialogue and can_lead(user, activity)


def took_part(user: User, activity: Activity) -> bool:
    """Joined it (a seat, not the waiting list), or was marked present at one of its
    sessions; its organisers too."""
    if not user.is_authenticated:
        return False
    if can_organise(user, activity):
        return True
    joined = select(Enrolment.id).where(
        Enrolment.activity_id == activity.id, Enrolment.user_id == user.id,
        Enrolment.status == EnrolmentStatus.ENROLLED)
    present = select(Attendance.id).join(Session, Session.id == Attendance.session_id).where(
        Session.activity_id == activity.id, Attendance.user_id == user.id,
        Attendance.status == AttendanceStatus.PRESENT)
    return db.session.scalar(select(joined.exists() | present.exists()))


@dataclass
class Summary:
    guests: list[Guest]
    organisations: list[str]  # where the guests come from, each once
    questions: list[Question]
    points: list[Point]  # empty unless `full`
    actions: list[Action]  # empty unless `full`
    full: bool  # took part or organises: sees names, points and actions
    organiser: bool


def _rows(model, activity: Activity, *order) -> list:
    return list(db.session.scalars(select(model).where(model.activity_id == activity.id)
                                   .order_by(*order, model.id)))


def summary(user: User, activity: Activity) -> Summary:
    full = took_part(user, activity)
    guests = _rows(Guest, activity)
    organisations = list(dict.fromkeys(g.organisation for g in guests if g.organisation))
    return Summary(
        guests=guests if full else [], organisations=organisations,
        questions=_rows(Question, activity),
        points=_rows(Point, activity) if full else [],
        actions=_rows(Action, activity, Action.done_at.is_not(None), Action.due_on.is_(None),
                      Action.due_on) if full else [],
        full=full, organiser=can_organise(user, activity))


def _check(user: User, activity: Activity) -> None:
    if not activity.is_dialogue:
        raise DomainError(_l("Only dialogue seminars and workshops have guests, questions, "
                             "main points and actions."))
    if not can_lead(user, activity):
        raise DomainError(_l("Only the organisers of this activity can change this."))


def _text(value: str, field: str, longest: int) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_l("This field is required."), field=field)
    if len(value) > longest:
        raise DomainError(_l("Use at most %(max)d characters.", max=longest), field=field)
    return value


def add_guest(user: User, activity: Activity, name: str, organisation: str) -> Guest:
    _check(user, activity)
    guest = Guest(activity_id=activity.id, name=_text(name, "name", 80),
                  organisation=(organisation or "").strip()[:120])
    db.session.add(guest)
    db.session.flush()
    return guest


def add_question(user: User, activity: Activity, text: str) -> Question:
    _check(user, activity)
    question = Question(activity_id=activity.id, text=_text(text, "question", 300))
    db.session.add(question)
    db.session.flush()
    return question


def add_point(user: User, activity: Activity, text: str) -> Point:
    _check(user, activity)
    point = Point(activity_id=activity.id, text=_text(text, "point", 500))
    db.session.add(point)
    db.session.flush()
    return point


def add_action(user: User, activity: Activity, what: str, who: str,
               due_on: date | None) -> Action:
    _check(user, activity)
    if due_on is not None and abs((due_on - utcnow().date()).days) > LONGEST_AHEAD_DAYS:
        raise DomainError(_l("Choose a date within five years from today."), field="due_on")
    action = Action(activity_id=activity.id, what=_text(what, "what", 300),
                    who=(who or "").strip()[:120], due_on=due_on, created_by_id=user.id)
    db.session.add(action)
    db.session.flush()
    return action


def set_done(user: User, action: Action, done: bool) -> None:
    """Followed up: done (when and by whom), or open again."""
    _check(user, db.session.get(Activity, action.activity_id))
    if done and action.done_at is None:
        action.done_at, action.done_by_id = utcnow(), user.id
    elif not done:
        action.done_at = action.done_by_id = None


def remove(user: User, item: Guest | Question | Point | Action) -> None:
    _check(user, db.session.get(Activity, item.activity_id))
    db.session.delete(item)
