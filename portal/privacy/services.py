"""A person's own data: everything Bro holds about them, and erasure by anonymisation.

Erasing keeps the rows that numbers are made of (membership, attendance, past meetings,
enrolments of finished courses, goal categories and statuses, consent records) under the same
id, with nothing left that says who the person was: name, phone, e-mail, password, texts they
wrote, messages, calendar address and plan sharing are removed. Their birth year stays, because
funders' age rules count it for past courses; on its own it identifies nobody."""

import secrets

from sqlalchemy import delete, select, update

from portal.accounts import policy
from portal.accounts.models import Consent, PhoneCode, ResetCode, Role, User
from portal.activities import services as activities
from portal.activities.models import (
    Activity,
    Attendance,
    CalendarFeed,
    Enrolment,
    EnrolmentStatus,
    Follow,
    Session,
    SessionStatus,
)
from portal.audit.models import record
from portal.errors import DomainError
from portal.extensions import db, utcnow
from portal.goals.models import Comment, Goal, PlanStart, ProgressNote, Share, Step
from portal.i18n import _l
from portal.meetings.models import Booking, BookingStatus
from portal.notify.models import Notification
from portal.notify.services import notify

ERASED_NAME = "–"


def can_erase(actor: User, person: User) -> bool:
    """The person themself, unless they are the last administrator; staff only as the rule
    for acting on people allows (accounts.policy: participants, on their request)."""
    if person.erased_at is not None:
        return False
    if actor.id == person.id:
        return not (person.is_admin and _last_admin(person))
    return policy.may_erase(actor, person)


def _last_admin(person: User) -> bool:
    from portal.accounts.models import Membership

    others = db.session.scalar(select(Membership.id).where(
        Membership.role == Role.ADMIN, Membership.user_id != person.id).limit(1))
    return others is None


def my_data(user: User) -> dict:
    """Everything about the person, as plain data (for JSON and the readable page)."""
    def when(moment):
        return moment.isoformat() if moment else None

    goals = list(db.session.scalars(select(Goal).where(Goal.owner_id == user.id)
                                    .order_by(Goal.created_at)))
    plan = db.session.scalar(select(PlanStart).where(PlanStart.owner_id == user.id))
    attendance = db.session.execute(
        select(Activity.title, Session.starts_at, Attendance.status, Attendance.minutes)
        .join(Session, Session.id == Attendance.session_id)
        .join(Activity, Activity.id == Session.activity_id)
        .where(Attendance.user_id == user.id).order_by(Session.starts_at)).all()
    enrolments = db.session.execute(
        select(Activity.title, Enrolment.status, Enrolment.updated_at)
        .join(Activity, Activity.id == Enrolment.activity_id)
        .where(Enrolment.user_id == user.id).order_by(Enrolment.updated_at)).all()
    follows = db.session.scalars(select(Activity.title).join(
        Follow, Follow.activity_id == Activity.id).where(Follow.user_id == user.id)).all()
    bookings = list(db.session.scalars(select(Booking).where(
        Booking.participant_id == user.id).order_by(Booking.starts_at)))
    shares = list(db.session.scalars(select(Share).where(Share.owner_id == user.id)
                                     .order_by(Share.given_at)))
    notifications = list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id).order_by(Notification.created_at)))
    consents = list(db.session.scalars(select(Consent).where(Consent.user_id == user.id)
                                       .order_by(Consent.given_at)))
    return {
        "profile": {"name": user.display_name, "phone": user.phone, "email": user.email,
                    "language": user.language, "birth_year": user.birth_year,
                    "registered": when(user.created_at), "last_login": when(user.last_login_at)},
        "meeting_places": [{"place": m.site.name, "role": m.role, "since": when(m.created_at)}
                           for m in user.memberships],
        "consents": [{"purpose": c.purpose, "notice_version": c.notice_version,
                      "language": c.language, "given": when(c.given_at),
                      "withdrawn": when(c.withdrawn_at)} for c in consents],
        "enrolments": [{"activity": title, "status": status, "since": when(at)}
                       for title, status, at in enrolments],
        "following": list(follows),
        "attendance": [{"activity": title, "session": when(at), "status": status,
                        "minutes": minutes} for title, at, status, minutes in attendance],
        "plan": {"dream": plan.dream if plan else "", "strengths": plan.strengths if plan else "",
                 "help": plan.resources if plan else ""},
        "goals": [{"title": g.title, "why": g.why, "category": g.category, "status": g.status,
                   "target_date": g.target_date.isoformat() if g.target_date else None,
                   "created": when(g.created_at), "achieved": when(g.achieved_at),
                   "steps": [{"text": s.text, "done": s.done} for s in g.steps],
                   "notes": [{"text": n.text, "date": when(n.created_at)} for n in g.notes],
                   "comments": [{"text": c.text, "date": when(c.created_at),
                                 "from": c.author.display_name if c.author else None}
                                for c in g.comments]} for g in goals],
        "shared_with": [{"staff": s.staff.display_name, "goal": s.goal.title if s.goal else None,
                         "given": when(s.given_at), "withdrawn": when(s.withdrawn_at)}
                        for s in shares],
        "meetings": [{"with": b.host.display_name if b.host else None, "start": when(b.starts_at),
                      "end": when(b.ends_at), "mode": b.mode, "topic": b.topic,
                      "interpreter": b.interpreter, "status": b.status} for b in bookings],
        "notifications": [{"kind": n.kind, "created": when(n.created_at),
                           "read": when(n.read_at)} for n in notifications],
    }


def erase(actor: User | None, person: User) -> None:
    """Erase a person's data (see the module docstring). Others are told what changes for them:
    a freed seat goes to the waiting list, a host hears that a coming meeting is cancelled."""
    if actor is not None and not can_erase(actor, person):  # None: retention, by the system
        raise DomainError(_l("This account cannot be deleted here."))
    person_id, now = person.id, utcnow()
    coming = select(Session.activity_id).where(Session.status == SessionStatus.SCHEDULED,
                                               Session.starts_at > now)
    open_enrolments = list(db.session.scalars(select(Enrolment.activity_id).where(
        Enrolment.user_id == person_id, Enrolment.status != EnrolmentStatus.LEFT,
        Enrolment.activity_id.in_(coming))))
    for activity_id in open_enrolments:  # a seat in a running course goes to the next in line
        activities.leave(db.session.get(User, person_id), activity_id)
    person = db.session.get(User, person_id)
    for booking in db.session.scalars(select(Booking).where(
            Booking.participant_id == person_id, Booking.status == BookingStatus.BOOKED,
            Booking.starts_at > now)):
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_by_id = actor.id if actor else None
        if booking.host is not None:
            notify([booking.host], "booking_cancelled", {
                "booking_id": booking.id, "starts_at": booking.starts_at.isoformat(),
                "timezone": booking.site.timezone, "with": "", "mode": booking.mode})
    db.session.execute(update(Booking).where(Booking.participant_id == person_id)
                       .values(topic=""))
    goal_ids = select(Goal.id).where(Goal.owner_id == person_id)
    for model in (Step, ProgressNote, Comment):
        db.session.execute(delete(model).where(model.goal_id.in_(goal_ids)))
    db.session.execute(update(Goal).where(Goal.owner_id == person_id).values(title="", why=""))
    for model, column in ((Share, Share.owner_id), (PlanStart, PlanStart.owner_id),
                          (Notification, Notification.user_id), (Follow, Follow.user_id),
                          (CalendarFeed, CalendarFeed.user_id), (ResetCode, ResetCode.user_id),
                          (PhoneCode, PhoneCode.user_id)):
        db.session.execute(delete(model).where(column == person_id))
    db.session.execute(update(Comment).where(Comment.author_id == person_id)
                       .values(author_id=None))
    db.session.execute(update(Consent).where(Consent.user_id == person_id,
                                             Consent.withdrawn_at.is_(None))
                       .values(withdrawn_at=now))
    person.display_name = ERASED_NAME
    person.phone = person.phone_confirmed = None
    person.email = f"erased-{person_id}@invalid"  # reserved domain: never delivered, never typed
    person.password_hash = "erased:" + secrets.token_hex(16)  # matches no password
    person.session_version += 1  # every open session ends
    person.erased_at = now
    record(actor, "account.erase" if actor else "account.erase.retention", "user", person_id)
    db.session.commit()
