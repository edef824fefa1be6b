"""What the participant's start page lists: plain read-only rows, not ORM objects.

The start page is the most visited page. Its lists are only shown, never changed, so they are
read as Core rows with just the columns the page prints: no identity map, no eager-loading
machinery, no objects to build (about a third of the page's cost before). The statements are
built once per process with bind parameters, so SQLAlchemy reuses them and their cache keys.
Run through `speed.rows`: on the unit of work's connection, after a flush.
"""

from collections import namedtuple
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    Date,
    Integer,
    String,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.engine import Row

from portal import speed
from portal.accounts.models import Site, User
from portal.activities import services as activities
from portal.activities.calendar import taking_part
from portal.activities.models import Activity, Session
from portal.employment import services as employment
from portal.extensions import UTCDateTime
from portal.feedback import services as feedback
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
def _steps_statement(limit: int, with_order: bool = False):
    """`with_order`: with the column the steps are in order by (goal_created_at), for
    `start_page`."""
    step, goal = Step.__table__, Goal.__table__
    first_open = (select(step.c.goal_id, func.min(step.c.position).label("position"))
                  .select_from(step.join(goal, goal.c.id == step.c.goal_id))
                  .where(goal.c.owner_id == bindparam("owner_id"), step.c.done.is_(False))
                  .group_by(step.c.goal_id).subquery())
    order = [goal.c.created_at.label("goal_created_at")] if with_order else []
    return (select(step.c.text, step.c.goal_id, goal.c.title.label("goal_title"), *order)
            .select_from(step.join(goal, goal.c.id == step.c.goal_id)
                         .join(first_open, (first_open.c.goal_id == step.c.goal_id)
                               & (first_open.c.position == step.c.position)))
            .where(goal.c.owner_id == bindparam("owner_id"), goal.c.status == GoalStatus.ACTIVE,
                   step.c.done.is_(False))
            .order_by(goal.c.created_at).limit(limit))


# -- the whole start page in one statement ------------------------------------------------------

MEETINGS, SESSIONS, STEPS, SHIFTS = 2, 3, 2, 5  # how many of each the start page lists

# The rows of each list as the template reads them (named tuples: a Row finds a column by name
# about ten times slower, and the template reads each a few times).
Meeting = namedtuple("Meeting", "id starts_at timezone other_name")
SessionRow = namedtuple("SessionRow", "starts_at status activity_id title timezone")
NextStep = namedtuple("NextStep", "text goal_id goal_title")
Led = namedtuple("Led", "id title timezone next_start")
CoLed = namedtuple("CoLed", "id title")
Shift = namedtuple("Shift", "starts_at activity_id title timezone")
Placement = namedtuple("Placement", "id role partner_name starts_on ends_on")


@dataclass
class StartPage:
    """What the logged-in start page lists, each list as its own service gives it (the same
    rows in the same order; test_home compares them for every demo person)."""
    question: feedback.Question | None
    meetings: list[Meeting]
    sessions: list[SessionRow]
    next_steps: list[NextStep]
    led: list[Led]  # staff only
    co_led: list[CoLed]
    shifts: list[Shift]  # staff only
    placements: list[Placement] | None  # None: takes part nowhere (employment.takes_part)
    last_check_in: datetime | None


# What a row of the start page's statement is (its first column).
(_QUESTION, _MEETING, _SESSION, _STEP, _LED, _CO_LED, _SHIFT, _PLACEMENT,
 _CHECK_IN) = range(9)
# Its other columns, each with its type (every part of the UNION ALL has them all, NULL where
# it has nothing to say; a typed NULL, so PostgreSQL knows each column's type).
_COLUMNS = {"id": Integer(), "at": UTCDateTime(), "zone": String(), "name": String(),
            "text": String(), "first_day": Date(), "last_day": Date()}


def start_page(user: User, now: datetime, until: datetime, takes_part: bool) -> StartPage:
    """Everything the start page lists for this person, read by one statement: the feedback
    question (feedback.next_question), the meetings and sessions to come until `until`
    (next_meetings, next_sessions), the next steps (next_steps), what they co-lead
    (activities.co_led_activities) and, for staff, lead and host (led_activities, my_shifts),
    and, when they take part somewhere, their current work practice and last check-in
    (employment.current_placements, check_in_due). One UNION ALL of those services' own
    statements instead of seven (nine for staff): each statement run costs 10–25 µs around
    its SQL (speed.rows, the driver, the rows). Measured with the old and the new page in
    turns in one process: about 80 µs less a request for the demo participant and 70 µs for
    the demo coordinator, and SQLite runs the one statement in 50 and 67 µs (seven and nine
    statements: about 75 and 95 µs). Its SQL text is long: SQLite prepares it once per
    connection (about 0.7 ms, as the seven short ones together take about 0.55 ms) and the
    driver keeps it prepared."""
    start = StartPage(None, [], [], [], [], [], [], [] if takes_part else None, None)
    for kind, id_, at, zone, name, text, first_day, last_day in speed.rows(
            _start_statement(user.is_staff, takes_part), {
                "user_id": user.id, "owner_id": user.id, "participant_id": user.id,
                "now": now, "start": now, "end": until, "today": now.date(),
                "since": now - timedelta(days=feedback.ASK_DAYS)}):
        if kind == _QUESTION:
            start.question = feedback.Question(text, id_, at, zone, name or "")
        elif kind == _MEETING:
            start.meetings.append(Meeting(id_, at, zone, name))
        elif kind == _SESSION:
            start.sessions.append(SessionRow(at, text, id_, name, zone))
        elif kind == _STEP:  # (at: its goal's start, the order of the steps)
            start.next_steps.append(NextStep(text, id_, name))
        elif kind == _LED:
            start.led.append(Led(id_, name, zone, at))
        elif kind == _CO_LED:
            start.co_led.append(CoLed(id_, name))
        elif kind == _SHIFT:
            start.shifts.append(Shift(at, id_, name, zone))
        elif kind == _PLACEMENT:
            start.placements.append(Placement(id_, name, text, first_day, last_day))
        else:
            start.last_check_in = at
    return start


@statement
def _start_statement(staff: bool, takes_part: bool):
    """Rows (kind, id, at, zone, name, text, first_day, last_day), each kind's rows in the
    order of its service. Each service's statement is a subquery, so its ORDER BY … LIMIT
    holds as it is (SQLite and PostgreSQL alike); its columns are put in the common ones.
    One ORDER BY puts every list back in its service's order, as each service orders by
    columns that land here: `at` (meetings, sessions, shifts; the goal's start for steps;
    the next session, None last, for led), then `first_day` (placements), then `name` (led
    and co-led by title). (Numbering each part's rows with row_number() instead cost 11 µs
    of SQLite's time for the demo participant, 25 µs for the coordinator.)"""
    parts = [
        _part(_QUESTION, feedback.question_statement(), id="id", at="starts_at", zone="timezone",
              name="title", text="kind"),
        _part(_MEETING, _meetings_statement(MEETINGS, staff), id="id", at="starts_at",
              zone="timezone", name="other_name"),
        _part(_SESSION, _sessions_statement(SESSIONS), id="activity_id", at="starts_at",
              zone="timezone", name="title", text="status"),
        _part(_STEP, _steps_statement(STEPS, with_order=True), id="goal_id",
              at="goal_created_at", name="goal_title", text="text"),
        _part(_CO_LED, activities.co_led_statement(), id="id", name="title"),
    ]
    if staff:
        parts += [
            _part(_LED, activities.led_statement(), id="id", at="next_start",
                  zone="timezone", name="title"),
            _part(_SHIFT, activities.shifts_statement(SHIFTS), id="activity_id",
                  at="starts_at", zone="timezone", name="title"),
        ]
    if takes_part:
        parts += [
            _part(_PLACEMENT, employment.current_placements_statement(), id="id",
                  name="role", text="partner_name", first_day="starts_on", last_day="ends_on"),
            _part(_CHECK_IN, employment.last_check_in_statement(), at="created_at"),
        ]
    both = union_all(*parts).subquery()
    return select(both).order_by(both.c.kind, both.c.at.is_(None), both.c.at,
                                 both.c.first_day, both.c.name)


def _part(kind: int, statement, **columns: str):
    """One part of the start page's statement: the rows of a service's statement, its
    columns (`columns`: common name → the statement's name) put in the common ones, typed
    NULL in the others."""
    rows = statement.subquery()
    return select(literal_column(str(kind), Integer).label("kind"), *(
        (type_coerce(rows.c[columns[name]], kind_of) if name in columns
         else cast(null(), kind_of)).label(name)
        for name, kind_of in _COLUMNS.items()))
