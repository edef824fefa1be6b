"""What the participant's start page lists: plain read-only rows, not ORM objects.

The start page is the most visited page. Its lists are only shown, never changed, so they are
read as Core rows with just the columns the page prints: no identity map, no eager-loading
machinery, no objects to build (about a third of the page's cost before). The statements are
built once per process with bind parameters, so SQLAlchemy reuses them and their cache keys.
Run through `speed.rows`: on the unit of work's connection, after a flush.
"""

from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Row

from portal import speed
from portal.accounts.models import Site, User
from portal.activities.calendar import taking_part
from portal.activities.models import Activity, Session
from portal.goals.models import Goal, GoalStatus, Step
from portal.meetings.models import Booking
from portal.meetings.services import involving, with_other_person
from portal.speed import statement


def next_sessions(user: User, start: datetime, end: datetime, limit: int) -> list[Row]:
    """Sessions (cancelled ones too) of circles the person is in or waiting for and of cafés
    they follow, soonest first: starts_at, status, activity_id, title, timezone (the choice
    is activities.calendar.taking_part)."""
    return speed.rows(_sessions_statement(limit), {
        "user_id": user.id, "start": start, "end": end}).all()


@statement
def _sessions_statement(limit: int):
    session, activity, site = Session.__table__, Activity.__table__, Site.__table__
    return (select(session.c.starts_at, session.c.status, session.c.activity_id, activity.c.title,
                   site.c.timezone)
            .select_from(session.join(activity, activity.c.id == session.c.activity_id)
                         .join(site, site.c.id == activity.c.site_id))
            .where(*taking_part()).order_by(session.c.starts_at).limit(limit))


def next_meetings(user: User, start: datetime, end: datetime, limit: int) -> list[Row]:
    """The person's meetings (not cancelled) from start to end, soonest first: as participant,
    and for staff also as host (a mentor's start page shows whom they meet). Columns: id,
    starts_at, timezone, other_name (the other person's name; None without one). The same
    choice as meetings.all_meetings without the cancelled ones."""
    return speed.rows(_meetings_statement(limit, hosting=user.is_staff), {
        "user_id": user.id, "start": start, "end": end}).all()


@statement
def _meetings_statement(limit: int, hosting: bool):
    booking, site = Booking.__table__, Site.__table__
    tables, other = with_other_person(hosting)
    return (select(booking.c.id, booking.c.starts_at, site.c.timezone,
                   other.label("other_name"))
            .select_from(tables)
            .where(involving(hosting), Booking.is_active,
                   booking.c.ends_at > bindparam("start"), booking.c.starts_at < bindparam("end"))
            .order_by(booking.c.starts_at).limit(limit))


def soonest_first(meetings: list[Row], sessions: list[Row]) -> list[tuple[str, Row]]:
    """The start page's one "what's next" list: ("meeting", row) and ("session", row) by start
    time, as the calendar orders them (a meeting on Thursday under Tuesday's café, not above)."""
    return sorted([*(("meeting", row) for row in meetings),
                   *(("session", row) for row in sessions)], key=lambda item: item[1].starts_at)


def next_steps(user: User, limit: int = 2) -> list[Row]:
    """The first open step of each active goal, oldest goal first: text, goal_id, goal_title."""
    return speed.rows(_steps_statement(limit), {"owner_id": user.id}).all()


@statement
def _steps_statement(limit: int):
    step, goal = Step.__table__, Goal.__table__
    first_open = (select(step.c.goal_id, func.min(step.c.position).label("position"))
                  .select_from(step.join(goal, goal.c.id == step.c.goal_id))
                  .where(goal.c.owner_id == bindparam("owner_id"), step.c.done.is_(False))
                  .group_by(step.c.goal_id).subquery())
    return (select(step.c.text, step.c.goal_id, goal.c.title.label("goal_title"))
            .select_from(step.join(goal, goal.c.id == step.c.goal_id)
                         .join(first_open, (first_open.c.goal_id == step.c.goal_id)
                               & (first_open.c.position == step.c.position)))
            .where(goal.c.owner_id == bindparam("owner_id"), goal.c.status == GoalStatus.ACTIVE,
                   step.c.done.is_(False))
            .order_by(goal.c.created_at).limit(limit))
