"""The participant's start page: its lists, read as plain rows, say what the services say."""

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.activities import calendar
from portal.activities.models import Enrolment, EnrolmentStatus, Session, SessionStatus
from portal.extensions import db, utcnow
from portal.goals.models import Goal, GoalStatus
from portal.home import services as whats_next
from portal.meetings import services as meetings
from portal.meetings.models import Booking, BookingStatus

SESSIONS, MEETINGS, STEPS = 3, 2, 2  # as home.views asks for


def found(user: User, start, end):
    return ([tuple(row) for row in whats_next.next_sessions(user, start, end, SESSIONS)],
            [tuple(row) for row in whats_next.next_meetings(user, start, end, MEETINGS)],
            [tuple(row) for row in whats_next.next_steps(user, STEPS)])


def expected(user: User, start, end):
    """The same lists from the ORM services (calendar, meetings, goals)."""
    sessions = sorted(calendar.my_sessions(user, start, end), key=lambda s: (s.starts_at, s.id))
    bookings = sorted((b for b in meetings.all_meetings(user, start, end)
                       if b.status != BookingStatus.CANCELLED
                       and (b.participant_id == user.id or user.is_staff)),  # staff host too
                      key=lambda b: (b.starts_at, b.id))
    goals = db.session.scalars(select(Goal).where(
        Goal.owner_id == user.id, Goal.status == GoalStatus.ACTIVE)
        .order_by(Goal.created_at, Goal.id)).all()
    steps = []
    for goal in goals:
        open_steps = [step for step in goal.steps if not step.done]
        if open_steps:
            first = min(open_steps, key=lambda step: (step.position, step.id))
            steps.append((first.text, goal.id, goal.title))
    return (
        [(s.starts_at, s.status, s.activity_id, s.activity.title, s.activity.site.timezone)
         for s in sessions[:SESSIONS]],
        [(b.id, b.starts_at, b.site.timezone, _other(user, b)) for b in bookings[:MEETINGS]],
        steps[:STEPS])


def _other(user: User, booking: Booking) -> str | None:
    other = booking.host if booking.participant_id == user.id else booking.participant
    return other.display_name if other is not None else None


def test_start_page_lists_say_what_the_services_say_for_every_demo_person(app):
    app.test_cli_runner().invoke(args=["seed-demo"])
    now = utcnow()
    # Edge cases on top of the demo: a cancelled session (still listed, marked), a cancelled
    # meeting and a circle someone left (neither listed).
    session = db.session.scalars(select(Session).where(Session.starts_at > now)
                                 .order_by(Session.starts_at)).first()
    session.status = SessionStatus.CANCELLED
    booking = db.session.scalars(select(Booking).where(
        Booking.starts_at > now, Booking.status == BookingStatus.BOOKED)).first()
    booking.status = BookingStatus.CANCELLED
    left = db.session.scalars(select(Enrolment).join(Session, Session.activity_id ==
                                                     Enrolment.activity_id)
                              .where(Session.starts_at > now, Enrolment.status ==
                                     EnrolmentStatus.ENROLLED)).first()
    left.status = EnrolmentStatus.LEFT
    db.session.commit()
    users = db.session.scalars(select(User).order_by(User.id)).all()
    seen = {"sessions": 0, "meetings": 0, "steps": 0, "cancelled": 0}
    for start in (now, now + timedelta(days=10)):
        end = start + timedelta(days=56)
        for user in users:
            sessions, bookings, steps = found(user, start, end)
            assert (sessions, bookings, steps) == expected(user, start, end), user.id
            seen["sessions"] += len(sessions)
            seen["meetings"] += len(bookings)
            seen["steps"] += len(steps)
            seen["cancelled"] += sum(row[1] == SessionStatus.CANCELLED for row in sessions)
    assert all(seen.values()), seen  # the demo exercised every list, and a cancelled session
