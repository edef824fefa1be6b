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


def test_the_start_page_statement_says_what_each_service_says_for_every_demo_person(app):
    """`start_page` reads the start page's lists in one statement: the same rows in the same
    order as the services each list comes from, for every demo person (staff, participants,
    people who take part nowhere), with a cancelled session and café shifts on top."""
    from portal.activities import services as activities
    from portal.activities.models import Activity, Kind, shift
    from portal.employment import services as employment
    from portal.feedback import services as feedback

    app.test_cli_runner().invoke(args=["seed-demo"])
    now = utcnow()
    session = db.session.scalars(select(Session).where(Session.starts_at > now)
                                 .order_by(Session.starts_at)).first()
    session.status = SessionStatus.CANCELLED
    cafe_sessions = db.session.scalars(select(Session.id).join(Activity).where(
        Activity.kind == Kind.LANGUAGE_CAFE, Session.ends_at > now)).all()
    users = db.session.scalars(select(User).order_by(User.id)).all()
    hosted = set(db.session.execute(select(shift.c.session_id, shift.c.user_id)).all())
    for user in users[::2]:
        for session_id in cafe_sessions[:7]:
            if (session_id, user.id) not in hosted:
                db.session.execute(shift.insert().values(session_id=session_id, user_id=user.id))
    db.session.commit()
    seen = dict.fromkeys(["question", "meetings", "sessions", "steps", "led", "co_led",
                          "shifts", "placements", "check_in"], 0)
    for user in users:
        takes_part = employment.takes_part(user)
        start = whats_next.start_page(user, now, now + timedelta(days=56), takes_part)
        assert start.question == feedback.next_question(user, now), user.id
        assert ([tuple(row) for row in start.sessions], [tuple(row) for row in start.meetings],
                [tuple(row) for row in start.next_steps]) == found(
            user, now, now + timedelta(days=56)), user.id
        staff = user.is_staff
        assert [tuple(row) for row in start.led] == (
            [tuple(row) for row in activities.led_activities(user)] if staff else []), user.id
        assert [tuple(row) for row in start.shifts] == (
            [tuple(row) for row in activities.my_shifts(user, whats_next.SHIFTS)]
            if staff else []), user.id
        assert [tuple(row) for row in start.co_led] == [
            (row.id, row.title) for row in activities.co_led_activities(user)], user.id
        if takes_part:
            assert [tuple(row) for row in start.placements] == [
                tuple(row) for row in employment.current_placements(user, now.date())], user.id
            assert employment.check_in_due_after(start.last_check_in, now) == (
                employment.check_in_due(user, now)), user.id
            seen["check_in"] += start.last_check_in is not None
        else:
            assert start.placements is None and start.last_check_in is None, user.id
        for name, found_here in [("question", start.question is not None),
                                 ("meetings", start.meetings), ("sessions", start.sessions),
                                 ("steps", start.next_steps), ("led", start.led),
                                 ("co_led", start.co_led), ("shifts", start.shifts),
                                 ("placements", start.placements)]:
            seen[name] += bool(found_here)
    assert all(seen.values()), seen  # the demo (and the shifts) exercised every list
