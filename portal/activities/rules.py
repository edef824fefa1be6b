"""A study circle measured against its funding rule set (domain.md §1).

Everything is computed from stored minutes: units per session are floor(minutes / hour length)
(Sweden: part-hours are not reported and not added up), capped per meeting where the rules say
so. Computed in SQL-light fashion: one query for sessions, one for attendance."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, case, func, literal, or_, select
from sqlalchemy.engine import Row

from portal import speed
from portal.accounts.models import Site, User
from portal.activities.models import (
    Activity,
    Attendance,
    AttendanceStatus,
    CountingRule,
    Enrolment,
    EnrolmentStatus,
    Kind,
    RuleSet,
    Session,
    SessionStatus,
)
from portal.exports import csv_text
from portal.extensions import db, minutes_between, utcnow, week_number, weeks_since
from portal.speed import statement


def default_rule_set(country: str, today: date | None = None) -> RuleSet | None:
    today = today or date.today()
    return db.session.scalar(select(RuleSet).where(
        RuleSet.country == country, RuleSet.valid_from <= today)
        .order_by(RuleSet.valid_from.desc()).limit(1))


def units(rule_set: RuleSet, minutes: int) -> int:
    value = minutes // rule_set.hour_minutes
    if rule_set.max_hours_per_meeting is not None:
        value = min(value, rule_set.max_hours_per_meeting)
    return value


def old_enough(rule_set: RuleSet, birth_year: int | None, course_year: int) -> bool:
    if rule_set.min_age is None:
        return True
    if birth_year is None:
        return False  # unknown age: not counted (the list shows who lacks a birth year)
    # Birth year only: "turns N by 31 December" is exact; otherwise be conservative.
    age = course_year - birth_year if rule_set.age_by_year_end else course_year - birth_year - 1
    return age >= rule_set.min_age


@dataclass
class Person:
    user: User | Row  # a User, or a row with its id, display_name and birth_year
    meetings: int = 0
    minutes: int = 0
    units: int = 0  # hours present in the rule set's units (what a certificate states)
    counts: bool = False
    reasons: list[str] = field(default_factory=list)


@dataclass
class CircleStatus:
    rule_set: RuleSet | Row  # the object, or its columns as a plain row
    held: int
    planned: int
    units_held: int
    units_planned: int
    enrolled: int
    people: list[Person]
    counted: int
    state: str  # "meets", "at_risk" or "fails"
    problems: list[str]
    fresh_until: datetime | None = None  # evaluate_many: when the next session starts
    unreported: dict[int, str] = field(default_factory=dict)  # evaluate: held, not reported


def evaluate(activity: Activity, sessions: list | None = None) -> CircleStatus | None:
    """The circle against its rule set, from four statements of plain rows built once per
    process, as `funder_list` reads them: the rule set, the scheduled sessions, the marks of
    those present at a held one, the people enrolled (id, display_name, birth_year) — not the
    rule set's lazy load, the enrolled as User objects and the marks by a list of session ids
    rewritten at each run (a coordinator's activity page: about 0.4 ms of its 4.2).
    `sessions`: the scheduled sessions as `_sessions_statement` gives them (with at least its
    columns), when the caller read them already (the activity page, with its own rows)."""
    if activity.rule_set_id is None:
        return None
    now = utcnow()
    circle = {"activity_id": activity.id, "now": now}
    rule_set = speed.records(speed.rows(_rule_set_statement(), {"id": activity.rule_set_id}))[0]
    if sessions is None:
        sessions = speed.records(speed.rows(_sessions_statement(), circle))
    enrolled = speed.rows(_enrolled_statement(), circle).all()
    marks = speed.rows(_circle_marks_statement(), circle).all()
    return _status(rule_set, sessions, enrolled, marks, now)


def _status(rule_set: RuleSet, sessions: list, enrolled: list, rows: list,
            now: datetime) -> CircleStatus:
    """`evaluate` from what it read: the circle's scheduled sessions (in order of time), the
    people enrolled (by name) and the (user_id, session_id, minutes) of everyone marked
    present at a held one."""
    people = {user.id: Person(user) for user in enrolled}
    course = _course(rule_set, sessions, Counter(session_id for _u, session_id, _m in rows),
                     now)
    early: dict[int, bool] = {}
    for user_id, session_id, present_minutes in rows:
        person = people.get(user_id)
        if person is None or session_id not in course.reported:
            continue  # not enrolled, or a meeting the funder does not take
        early[user_id] = _attend(course, person, session_id, present_minutes) \
            or early.get(user_id, False)
    for person in people.values():
        person.counts = _counts(rule_set, person, early.get(person.user.id, False),
                                course.held_minutes, course.year, person.user.birth_year)
    counted = sum(p.counts for p in people.values()) + (1 if rule_set.leader_counts else 0)
    state, problems = _judge(rule_set, len(course.held), len(sessions), course.units_held,
                             course.units_planned, len(enrolled), counted)
    return CircleStatus(rule_set, len(course.held), len(sessions), course.units_held,
                        course.units_planned, len(enrolled), list(people.values()), counted,
                        state, problems, unreported=course.unreported)


def standing(rule_set: RuleSet, sessions: list, present: Counter, own: dict[int, int],
             user: User, now: datetime) -> Person:
    """One enrolled person in one circle, counted exactly as `evaluate` counts everyone, from
    rows the caller read (for many circles at once: My certificates reads them in one
    statement). `sessions`: the circle's scheduled sessions in `evaluate`'s order (with id,
    starts_at, ends_at, local_start); `present`: people marked present per session; `own`:
    the person's minutes per session they were marked present at."""
    course = _course(rule_set, sessions, present, now)
    person, early = Person(user), False
    for session_id, present_minutes in own.items():
        if session_id in course.reported:
            early = _attend(course, person, session_id, present_minutes) or early
    person.counts = _counts(rule_set, person, early, course.held_minutes, course.year,
                            user.birth_year)
    return person


@dataclass
class Standing:
    """How a person stands in one study circle they are enrolled in (`standings`)."""

    rule_set: Row  # the circle's rule set, its columns
    sessions: list[Row]  # its scheduled sessions in order of time, each with the circle's columns
    person: Person  # counted as `evaluate` counts them

    @property
    def circle(self) -> Row:
        """The circle's columns (activity_id, title, site_id, place, country, timezone)."""
        return self.sessions[0]

    def ended(self, now: datetime) -> bool:
        """Every scheduled session has ended."""
        return max(s.ends_at for s in self.sessions) <= now


def standings(user: User) -> list[Standing]:
    """The person's standing in each study circle with a rule set they are enrolled in and that
    has scheduled sessions (in one without any, nobody counts), in order of the circle's id:
    `standing` from two statements whatever the number of circles, not `evaluate`'s objects
    for everyone enrolled and every session of each (My CV of the demo's Amina, one ended
    circle: 5.4 → 4.7 ms in-process). Tests check it agrees with `evaluate` for every
    person."""
    circles: dict[int, list[Row]] = {}
    for row in speed.rows(_person_sessions_statement(), {"user_id": user.id}):
        circles.setdefault(row.activity_id, []).append(row)
    if not circles:
        return []
    rule_sets = {row.id: row for row in speed.rows(_rule_sets_statement(),
                                                   {"user_id": user.id})}
    now, found = utcnow(), []
    for sessions in circles.values():
        rule_set = rule_sets[sessions[0].rule_set_id]
        present = Counter({s.id: s.present for s in sessions})
        own = {s.id: s.own for s in sessions if s.own is not None}
        found.append(Standing(rule_set, sessions,
                              standing(rule_set, sessions, present, own, user, now)))
    return found


@statement
def _person_sessions_statement():
    """The scheduled sessions of the study circles with a rule set the person is enrolled in,
    with what `standing` needs (people present at each, the person's own minutes) and the
    circle's title and place."""
    session, activity, site = Session.__table__, Activity.__table__, Site.__table__
    enrolment, attendance = Enrolment.__table__, Attendance.__table__
    present = (select(func.count()).where(attendance.c.session_id == session.c.id,
                                          attendance.c.status == AttendanceStatus.PRESENT)
               .correlate(session).scalar_subquery())
    own = (select(attendance.c.minutes).where(
        attendance.c.session_id == session.c.id, attendance.c.user_id == bindparam("user_id"),
        attendance.c.status == AttendanceStatus.PRESENT).correlate(session).scalar_subquery())
    return (select(session.c.id, session.c.activity_id, session.c.local_start,
                   session.c.starts_at, session.c.ends_at, session.c.signed_off_at,
                   activity.c.rule_set_id, activity.c.title, activity.c.site_id,
                   site.c.name.label("place"), site.c.country, site.c.timezone,
                   present.label("present"), own.label("own"))
            .select_from(session.join(activity, activity.c.id == session.c.activity_id)
                         .join(site, site.c.id == activity.c.site_id)
                         .join(enrolment, enrolment.c.activity_id == activity.c.id))
            .where(enrolment.c.user_id == bindparam("user_id"),
                   enrolment.c.status == EnrolmentStatus.ENROLLED,
                   activity.c.kind == Kind.STUDY_CIRCLE, activity.c.rule_set_id.is_not(None),
                   session.c.status == SessionStatus.SCHEDULED)
            .order_by(session.c.activity_id, session.c.starts_at, session.c.id))


@statement
def _rule_sets_statement():
    """The rule sets of the study circles the person is enrolled in, chosen by the person's id
    in the statement itself, not by a list of ids: an expanding IN list is rewritten at every
    run, so SQLAlchemy runs it (speed._Prepared cannot), about 0.1 ms of My CV and My
    certificates each."""
    table, activity, enrolment = RuleSet.__table__, Activity.__table__, Enrolment.__table__
    theirs = (select(activity.c.rule_set_id)
              .join(enrolment, enrolment.c.activity_id == activity.c.id)
              .where(enrolment.c.user_id == bindparam("user_id"),
                     enrolment.c.status == EnrolmentStatus.ENROLLED,
                     activity.c.kind == Kind.STUDY_CIRCLE))
    return select(*table.c).where(table.c.id.in_(theirs))


@dataclass
class _Course:
    """A circle's sessions as its rule set counts them (evaluate and standing)."""

    rule_set: RuleSet
    held: list  # the held meetings the funder takes, in order of time
    reported: dict[int, int]  # session id → the hours it reports
    unreported: dict[int, str]
    order: dict[int, int]  # session id → its place among `held`
    units_held: int
    units_planned: int
    held_minutes: int
    year: int  # the course year (the age rule)


def _course(rule_set: RuleSet, sessions: list, present: Counter, now: datetime) -> _Course:
    all_held = [s for s in sessions if s.starts_at <= now]
    minutes = {s.id: int((s.ends_at - s.starts_at).total_seconds() // 60) for s in sessions}
    units_planned = sum(units(rule_set, minutes[s.id]) for s in sessions)
    reported, unreported = reportable(rule_set, all_held, minutes, present)
    held = [s for s in all_held if s.id in reported]
    course_year = (all_held[0] if all_held else sessions[0] if sessions else None)
    course_year = course_year.starts_at.year if course_year else now.year
    return _Course(rule_set, held, reported, unreported,
                   {s.id: index for index, s in enumerate(held)}, sum(reported.values()),
                   units_planned, sum(minutes[s.id] for s in held), course_year)


def _attend(course: _Course, person: Person, session_id: int, present_minutes: int) -> bool:
    """Count one reported meeting the person was present at; whether it is among the first
    ones the rule set's early window asks for."""
    person.meetings += 1
    person.minutes += present_minutes
    person.units += min(units(course.rule_set, present_minutes), course.reported[session_id])
    return course.order[session_id] < (course.rule_set.counting_early_window or 0)


# evaluate's statements, built once per process (portal.speed): about a quarter of its
# cost was building them again for every circle (My CV evaluates each circle a person ended).
# The sessions are plain rows of the columns the counting reads (a circle's page evaluates
# its 18 sessions: 290 → 100 µs, not Session objects).
@statement
def _sessions_statement():
    return (select(Session.id, Session.starts_at, Session.ends_at, Session.local_start)
            .where(Session.activity_id == bindparam("activity_id"),
                   Session.status == SessionStatus.SCHEDULED)
            .order_by(Session.starts_at, Session.id))


@statement
def _enrolled_statement():
    """The people enrolled, by name: what counting them reads."""
    return (select(User.id, User.display_name, User.birth_year)
            .join(Enrolment, Enrolment.user_id == User.id)
            .where(Enrolment.activity_id == bindparam("activity_id"),
                   Enrolment.status == EnrolmentStatus.ENROLLED)
            .order_by(User.display_name))


# Why a held meeting is not reported (CircleStatus.unreported, and the leader's list).
SHORT, FEW_PRESENT, WEEK_MEETINGS, WEEK_HOURS = "short", "few_present", "week_meetings", \
    "week_hours"


def reportable(rule_set: RuleSet, held: list[Session], minutes: dict[int, int],
               present: Counter) -> tuple[dict[int, int], dict[int, str]]:
    """The held meetings the funder takes, each with the hours it reports, and why each other
    one is not (Sweden: at least one study hour and three present, the leader included; at
    most three meetings and twelve study hours a week, the first ones of the week first).
    `held` in order of time; `present`: people marked present per session."""
    reported, unreported = {}, {}
    weeks: dict[int, list[int]] = {}  # week → [meetings, hours] reported so far
    for session in held:
        value = units(rule_set, minutes[session.id])
        if rule_set.min_hours_per_meeting and value < rule_set.min_hours_per_meeting:
            unreported[session.id] = SHORT
            continue
        if rule_set.min_present and present[session.id] + 1 < rule_set.min_present:
            unreported[session.id] = FEW_PRESENT
            continue
        week = weeks.setdefault(week_number((session.local_start or session.starts_at).date()),
                                [0, 0])
        if rule_set.max_meetings_per_week and week[0] >= rule_set.max_meetings_per_week:
            unreported[session.id] = WEEK_MEETINGS
            continue
        if rule_set.max_hours_per_week:
            if week[1] >= rule_set.max_hours_per_week:
                unreported[session.id] = WEEK_HOURS
                continue
            value = min(value, rule_set.max_hours_per_week - week[1])
        week[0] += 1
        week[1] += value
        reported[session.id] = value
    return reported, unreported


@dataclass(frozen=True)
class Unreported:
    """Why the funder will not take a held meeting (SHORT, FEW_PRESENT …), with the figures of
    its rule set that the leader's message names."""

    reason: str
    rules: Row  # hour_minutes, min_present, max_meetings_per_week, max_hours_per_week …


def why_not_reported(session: Session) -> Unreported | None:
    """For the leader signing the list: why the funder will not take this meeting, or None.
    As `evaluate` finds it, from what `reportable` needs alone: the circle's held sessions
    with the people present at each and its rule set's figures, as plain rows of one
    statement built once per process (not `evaluate`'s three statements with its sessions
    and enrolled people as ORM objects, and the rule set's own: about 1 ms of the page)."""
    now = utcnow()
    if session.activity.rule_set_id is None or session.starts_at > now:
        return None
    held = speed.rows(_held_statement(), {"activity_id": session.activity_id, "now": now}).all()
    if not held:
        return None
    minutes = {s.id: int((s.ends_at - s.starts_at).total_seconds() // 60) for s in held}
    # Each row carries the rule set's figures that `reportable` and `units` read.
    _reported, unreported = reportable(held[0], held, minutes,
                                       Counter({s.id: s.present for s in held}))
    reason = unreported.get(session.id)
    return Unreported(reason, held[0]) if reason is not None else None


@statement
def _held_statement():
    """A circle's held sessions in `evaluate`'s order, each with the people marked present
    and its rule set's figures."""
    present = (select(func.count()).where(Attendance.session_id == Session.id,
                                          Attendance.status == AttendanceStatus.PRESENT)
               .correlate(Session).scalar_subquery())
    return (select(Session.id, Session.starts_at, Session.ends_at, Session.local_start,
                   present.label("present"), RuleSet.hour_minutes,
                   RuleSet.max_hours_per_meeting, RuleSet.min_hours_per_meeting,
                   RuleSet.min_present, RuleSet.max_meetings_per_week,
                   RuleSet.max_hours_per_week)
            .join(Activity, Activity.id == Session.activity_id)
            .join(RuleSet, RuleSet.id == Activity.rule_set_id)
            .where(Session.activity_id == bindparam("activity_id"),
                   Session.status == SessionStatus.SCHEDULED,
                   Session.starts_at <= bindparam("now"))
            .order_by(Session.starts_at, Session.id))


def lists(activity: Activity, column: str) -> bool:
    """Whether the circle's rule set asks for this column on the funder's list: its
    list_fields read as one plain column (not the rule set's lazy load as an object)."""
    if activity.rule_set_id is None:
        return False
    fields = speed.rows(_list_fields_statement(), {"id": activity.rule_set_id}).one()[0]
    return column in fields.split(",")


@statement
def _list_fields_statement():
    return select(RuleSet.list_fields).where(RuleSet.id == bindparam("id"))


def _judge(rule_set: RuleSet, held: int, planned: int, units_held: int, units_planned: int,
           enrolled: int, counted: int) -> tuple[str, list[str]]:
    """meets / on track / at risk / fails, and what the plan lacks. "without_teacher": the
    course reaches its participants only with its leader counted (Norway allows it, and funds
    it as a course without a teacher)."""
    leader_may_complete = rule_set.leader_may_complete and not rule_set.leader_counts
    leader = 1 if rule_set.leader_counts or leader_may_complete else 0
    group = enrolled + leader
    problems = []
    if rule_set.min_meetings and planned < rule_set.min_meetings:
        problems.append("meetings")
    if rule_set.min_hours and units_planned < rule_set.min_hours:
        problems.append("hours")
    if rule_set.min_participants and group < rule_set.min_participants:
        problems.append("participants")
    if rule_set.max_participants and group > rule_set.max_participants:
        problems.append("too_many")
    planned_ok = not problems
    with_leader = counted + (1 if leader_may_complete else 0)
    minimum = rule_set.min_participants or 0
    meets = ((not rule_set.min_meetings or held >= rule_set.min_meetings)
             and (not rule_set.min_hours or units_held >= rule_set.min_hours)
             and with_leader >= minimum and planned_ok)
    if leader_may_complete and (counted < minimum if meets else enrolled < minimum <= group):
        problems.append("without_teacher")
    if meets:
        return "meets", problems
    if planned_ok:
        return ("at_risk" if held and with_leader < minimum else "on_track"), problems
    return "fails", problems


def evaluate_many(circles) -> dict[int, CircleStatus]:
    """`evaluate` for many circles at once, counted by the database in three queries whatever
    the number of circles, sessions or attendance rows (for the leaders' reports). The same
    rules as `_counts` and `units`, written in SQL; tests check both agree. `circles` are
    activities, or rows with their `id` and `rule_set_id`."""
    ids = [c.id for c in circles if c.rule_set_id is not None]
    if not ids:
        return {}
    now = utcnow()
    rule_sets = {r.id: r for r in db.session.scalars(select(RuleSet).where(
        RuleSet.id.in_({c.rule_set_id for c in circles if c.rule_set_id})))}
    course = _courses(ids, now)
    courses = {row.id: row for row in db.session.execute(select(course))}
    counted = dict((row[0], (row[1], row[2])) for row in db.session.execute(
        _counted(ids, course, now)))
    result = {}
    for circle in circles:
        if circle.id not in ids:
            continue
        row = courses.get(circle.id)
        held, planned = (row.held, row.planned) if row else (0, 0)
        units_held, units_planned = (row.units_held, row.units_planned) if row else (0, 0)
        enrolled, people_counted = counted.get(circle.id, (0, 0))
        # Held grows when the next session starts; without sessions, the course year (for the
        # age rule) is this year until the next one.
        fresh_until = row.next_start if row else datetime(now.year + 1, 1, 1, tzinfo=UTC)
        result[circle.id] = judge_course(rule_sets[circle.rule_set_id], held, planned,
                                         units_held, units_planned, enrolled, people_counted,
                                         fresh_until)
    return result


def judge_course(rule_set: RuleSet, held: int, planned: int, units_held: int,
                 units_planned: int, enrolled: int, people_counted: int,
                 fresh_until: datetime | None = None) -> CircleStatus:
    """A course's status from its numbers (`people_counted`: the leader not included)."""
    counted = people_counted + (1 if rule_set.leader_counts else 0)
    state, problems = _judge(rule_set, held, planned, units_held, units_planned, enrolled,
                             counted)
    return CircleStatus(rule_set, held, planned, units_held, units_planned, enrolled, [],
                        counted, state, problems, fresh_until)


def _unit():
    """A session's rule-set hours in SQL: whole units, capped per meeting (as `units`)."""
    unit = minutes_between(Session.starts_at, Session.ends_at) // RuleSet.hour_minutes
    return case((and_(RuleSet.max_hours_per_meeting.is_not(None),
                      unit > RuleSet.max_hours_per_meeting), RuleSet.max_hours_per_meeting),
                else_=unit)


def _reported(ids: list[int], now):
    """The held meetings the funder takes, as `reportable` finds them, in SQL: (id,
    activity_id, minutes, units reported, n: its place among the circle's reported ones)."""
    present = (select(func.count()).where(Attendance.session_id == Session.id,
                                          Attendance.status == AttendanceStatus.PRESENT)
               .correlate(Session).scalar_subquery())
    unit = _unit()
    takes = and_(or_(RuleSet.min_hours_per_meeting.is_(None),
                     unit >= RuleSet.min_hours_per_meeting),
                 or_(RuleSet.min_present.is_(None), present + 1 >= RuleSet.min_present))
    held = (select(Session.id, Session.activity_id, Session.starts_at,
                   minutes_between(Session.starts_at, Session.ends_at).label("minutes"),
                   unit.label("unit"), weeks_since(Session.local_start,
                                                   Session.starts_at).label("week"),
                   RuleSet.max_meetings_per_week, RuleSet.max_hours_per_week)
            .join(Activity, Activity.id == Session.activity_id)
            .join(RuleSet, RuleSet.id == Activity.rule_set_id)
            .where(Session.activity_id.in_(ids), Session.status == SessionStatus.SCHEDULED,
                   Session.starts_at <= now, takes).subquery())
    in_week = {"partition_by": (held.c.activity_id, held.c.week),
               "order_by": (held.c.starts_at, held.c.id)}
    ranked = select(held, func.row_number().over(**in_week).label("in_week"),
                    func.coalesce(func.sum(held.c.unit).over(**in_week, rows=(None, -1)), 0)
                    .label("before")).subquery()
    room = ranked.c.max_hours_per_week - ranked.c.before
    units_reported = case((and_(ranked.c.max_hours_per_week.is_not(None),
                                ranked.c.unit > room), room), else_=ranked.c.unit)
    kept = or_(ranked.c.max_meetings_per_week.is_(None),
               ranked.c.in_week <= ranked.c.max_meetings_per_week)
    kept = and_(kept, or_(ranked.c.max_hours_per_week.is_(None), room > 0))
    return select(ranked.c.id, ranked.c.activity_id, ranked.c.minutes,
                  units_reported.label("units"),
                  func.row_number().over(partition_by=ranked.c.activity_id,
                                         order_by=(ranked.c.starts_at, ranked.c.id))
                  .label("n")).where(kept).subquery()


def _courses(ids: list[int], now):
    """Per circle: sessions planned and meetings the funder takes (held), rule-set hours
    planned and reported, minutes of those meetings, and the course year."""
    capped = _unit()
    is_held = Session.starts_at <= now
    reported = _reported(ids, now)
    held = (select(reported.c.activity_id, func.count().label("held"),
                   func.sum(reported.c.units).label("units"),
                   func.sum(reported.c.minutes).label("minutes"))
            .group_by(reported.c.activity_id).subquery())
    first = func.coalesce(func.min(Session.starts_at).filter(is_held), func.min(Session.starts_at))
    return (select(Session.activity_id.label("id"),
                   func.count().label("planned"),
                   func.coalesce(func.max(held.c.held), 0).label("held"),
                   func.coalesce(func.sum(capped), 0).label("units_planned"),
                   func.coalesce(func.max(held.c.units), 0).label("units_held"),
                   func.coalesce(func.max(held.c.minutes), 0).label("held_minutes"),
                   func.min(Session.starts_at).filter(~is_held).label("next_start"),
                   func.extract("year", first).label("year"))
            .join(Activity, Activity.id == Session.activity_id)
            .join(RuleSet, RuleSet.id == Activity.rule_set_id)
            .outerjoin(held, held.c.activity_id == Session.activity_id)
            .where(Session.activity_id.in_(ids), Session.status == SessionStatus.SCHEDULED)
            .group_by(Session.activity_id).subquery())


def _counted(ids: list[int], course, now):
    """Per circle: (circle id, enrolled, counted) — who counts, by the rule set's rules, at
    the meetings the funder takes."""
    held = _reported(ids, now)
    window = func.coalesce(RuleSet.counting_early_window, 0)
    attended = (select(held.c.activity_id, Attendance.user_id,
                       func.count().label("meetings"),
                       func.sum(Attendance.minutes).label("minutes"),
                       func.max(case((held.c.n <= window, 1), else_=0)).label("early"))
                .join(held, held.c.id == Attendance.session_id)
                .join(Activity, Activity.id == held.c.activity_id)
                .join(RuleSet, RuleSet.id == Activity.rule_set_id)
                .where(Attendance.status == AttendanceStatus.PRESENT)
                .group_by(held.c.activity_id, Attendance.user_id).subquery())
    meetings = func.coalesce(attended.c.meetings, 0)
    present_minutes = func.coalesce(attended.c.minutes, 0)
    held_minutes = func.coalesce(course.c.held_minutes, 0)
    year = func.coalesce(course.c.year, literal(now.year))
    old_enough = or_(RuleSet.min_age.is_(None), and_(
        User.birth_year.is_not(None),
        year - User.birth_year - case((RuleSet.age_by_year_end.is_(True), 0), else_=1)
        >= RuleSet.min_age))
    early_rule = and_(RuleSet.counting_rule == CountingRule.MEETINGS_INCLUDING_EARLY,
                      meetings >= func.coalesce(RuleSet.counting_min_meetings, 0),
                      func.coalesce(attended.c.early, 0) == 1)
    share_rule = and_(RuleSet.counting_rule == CountingRule.SHARE_OF_HOURS, held_minutes > 0,
                      present_minutes * 100 >= func.coalesce(RuleSet.counting_share_percent, 0)
                      * held_minutes)
    any_rule = and_(RuleSet.counting_rule.not_in([CountingRule.MEETINGS_INCLUDING_EARLY,
                                                  CountingRule.SHARE_OF_HOURS]), meetings > 0)
    counts = and_(old_enough, or_(early_rule, share_rule, any_rule))
    return (select(Enrolment.activity_id, func.count(), func.count().filter(counts))
            .join(User, User.id == Enrolment.user_id)
            .join(Activity, Activity.id == Enrolment.activity_id)
            .join(RuleSet, RuleSet.id == Activity.rule_set_id)
            .outerjoin(course, course.c.id == Enrolment.activity_id)
            .outerjoin(attended, and_(attended.c.activity_id == Enrolment.activity_id,
                                      attended.c.user_id == Enrolment.user_id))
            .where(Enrolment.activity_id.in_(ids), Enrolment.status == EnrolmentStatus.ENROLLED)
            .group_by(Enrolment.activity_id))


def _counts(rule_set: RuleSet, person: Person, early: bool, held_minutes: int,
            course_year: int, birth_year: int | None) -> bool:
    if not old_enough(rule_set, birth_year, course_year):
        return False
    if rule_set.counting_rule == CountingRule.MEETINGS_INCLUDING_EARLY:
        return person.meetings >= (rule_set.counting_min_meetings or 0) and early
    if rule_set.counting_rule == CountingRule.SHARE_OF_HOURS:
        share = rule_set.counting_share_percent or 0
        return held_minutes > 0 and person.minutes * 100 >= share * held_minutes
    return person.meetings > 0


FUNDER_DETAILS = ("gender", "postcode")  # what a funder's list may ask that Bro asks for


def funder_details_asked(user: User) -> set[str]:
    """Which of FUNDER_DETAILS the attendance lists of the person's study circles ask for
    (Norway: gender and postcode): the profile offers these, optional, and only these."""
    lists = speed.rows(_list_fields(), {"user_id": user.id}).scalars().all()
    return {field for fields in lists for field in fields.split(",")} & set(FUNDER_DETAILS)


@speed.statement
def _list_fields():
    """The list fields of the person's study circles' rule sets: plain rows of a statement
    built once per process (the profile page asks on every visit; about 0.3 ms of ORM)."""
    rule_set, activity = RuleSet.__table__, Activity.__table__
    enrolment = Enrolment.__table__
    return (select(rule_set.c.list_fields)
            .select_from(rule_set.join(activity, activity.c.rule_set_id == rule_set.c.id)
                         .join(enrolment, enrolment.c.activity_id == activity.c.id))
            .where(enrolment.c.user_id == bindparam("user_id"),
                   enrolment.c.status == EnrolmentStatus.ENROLLED))


# How a Norwegian attendance list writes gender (kjønn: K, M).
GENDER_ON_LIST = {"woman": "K", "man": "M"}


@dataclass
class Grid:
    sessions: list[Row]  # the held sessions: id, starts_at …
    rows: list[tuple[Row, list[int | None]]]  # minutes present per session, None if absent


def funder_list(activity: Activity) -> tuple[CircleStatus, Grid]:
    """The funder's list: the circle against its rules (as `evaluate`) and everyone enrolled
    (and anyone marked) × every held session. Both from the same four statements of plain
    rows built once per process — the rule set, the sessions, the marks of those present,
    the people — not eight (the rule set's lazy load, evaluate's three and the grid's four,
    each its own ORM objects): about 2 ms of the page."""
    now = utcnow()
    circle = {"activity_id": activity.id, "now": now}
    rule_set = speed.rows(_rule_set_statement(), {"id": activity.rule_set_id}).one()
    sessions = speed.rows(_sessions_statement(), circle).all()
    marks = speed.rows(_circle_marks_statement(), circle).all()
    people = speed.rows(_list_people_statement(), circle).all()
    status = _status(rule_set, sessions, [p for p in people if p.enrolled], marks, now)
    held = [s for s in sessions if s.starts_at <= now]
    column = {s.id: i for i, s in enumerate(held)}
    cells = {person.id: [None] * len(held) for person in people}
    for user_id, session_id, minutes in marks:
        if user_id in cells:
            cells[user_id][column[session_id]] = minutes
    return status, Grid(held, [(person, cells[person.id]) for person in people])


@statement
def _rule_set_statement():
    """A rule set as a plain row: its columns are the attributes the rules read."""
    return select(RuleSet.__table__).where(RuleSet.id == bindparam("id"))


def _held_ids():
    return select(Session.id).where(Session.activity_id == bindparam("activity_id"),
                                    Session.status == SessionStatus.SCHEDULED,
                                    Session.starts_at <= bindparam("now"))


@statement
def _circle_marks_statement():
    """(user_id, session_id, minutes) of everyone marked present at a held session."""
    return select(Attendance.user_id, Attendance.session_id, Attendance.minutes).where(
        Attendance.session_id.in_(_held_ids()), Attendance.status == AttendanceStatus.PRESENT)


@statement
def _list_people_statement():
    """Everyone enrolled and anyone marked present at a held session, by name, with what a
    funder's list may ask (and whether they are enrolled)."""
    enrolled = select(Enrolment.user_id).where(Enrolment.activity_id == bindparam("activity_id"),
                                               Enrolment.status == EnrolmentStatus.ENROLLED)
    marked = select(Attendance.user_id).where(Attendance.session_id.in_(_held_ids()),
                                              Attendance.status == AttendanceStatus.PRESENT)
    return (select(User.id, User.display_name, User.birth_year, User.gender, User.postcode,
                   User.id.in_(enrolled).label("enrolled"))
            .where(User.id.in_(enrolled) | User.id.in_(marked))
            .order_by(User.display_name))


def grid_csv(activity: Activity, status: CircleStatus, grid: Grid) -> str:
    """CSV with only the columns this rule set asks for; gender and postcode as each person
    gave them (optional: empty when not given)."""
    zone = ZoneInfo(activity.site.timezone)
    fields = [f for f in status.rule_set.list_fields.split(",") if f]
    counted = {p.user.id for p in status.people if p.counts}
    rows = [[*fields, *(s.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
                        for s in grid.sessions), "counted"]]
    for user, minutes in grid.rows:
        values = {"name": user.display_name, "birth_year": user.birth_year or "",
                  "gender": GENDER_ON_LIST.get(user.gender, ""), "postcode": user.postcode}
        rows.append([*(values.get(f, "") for f in fields),
                     *("" if m is None else m for m in minutes),
                     "yes" if user.id in counted else "no"])
    return csv_text(rows)
