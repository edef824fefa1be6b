"""Leader reports: participation at a glance, computed in SQL with a fixed number of queries
whatever the amount of data. Numbers only: never names, never goal texts.

Definitions (also in the README):
- registered: participants whose membership at the site began before the period ended;
  new: memberships that began in the period;
- active: participants who were present at a session, or had a meeting that was not
  cancelled, at the site in the period;
- held sessions: scheduled sessions that started in the period (and have started);
  attendance rate: present ÷ marked (present + absent) at a study circle's sessions;
- shifts: café sessions in the period with at least one host (filled) or none (missing);
- study circles: each circle with a session in the period, measured as a whole course
  against its funding rule set;
- dialogue seminars held: their sessions held in the period; agreed actions (of dialogue
  seminars and workshops) made in the period, and done in it;
- participation by gender and age band: the active participants, by the gender they gave
  (not given and "prefer not to say" together) and their age in the year the period ends
  (from the birth year: under 15, 15–29, 30–49, 50 and over, not given).

Erasure keeps these numbers: attendance and meetings point at a person's id, and erasing a
person anonymises their account rather than removing the rows (see the privacy issue)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, case, distinct, func, literal, select, union_all

from portal import work
from portal.accounts.models import Gender, Membership, Role, Site, User
from portal.activities.models import (
    DIALOGUE_KINDS,
    Activity,
    Kind,
    Session,
    SessionStatus,
    activity_co_leader,
    shift,
)
from portal.dialogues.models import Action
from portal.extensions import db, utc_hour, utcnow
from portal.feedback import services as answers
from portal.goals.models import Goal, GoalStatus
from portal.meetings.models import Booking, BookingStatus
from portal.notify import sms
from portal.reports import courses, upkeep, voice
from portal.reports import employment as road_to_work
from portal.reports.models import ActiveMonth, CourseResult
from portal.reports.periods import Period, buckets


def report_sites(user: User) -> list[Site]:
    """Coordinators see their sites' reports; administrators every site's."""
    if not user.is_authenticated:
        return []
    if user.is_admin:
        return list(db.session.scalars(select(Site).order_by(Site.name)))
    return sorted(user.sites_where(Role.COORDINATOR), key=lambda s: s.name)


@dataclass
class Report:
    sites: list[Site]
    period: Period
    participants: dict
    per_month: list[tuple[date, int, int]]  # month, new, active
    per_week: list[tuple[date, int]]  # week, present
    activities: list[dict]
    circles: list[dict]
    goals: list[dict]
    goals_achieved: int
    meetings: dict
    totals: dict = field(default_factory=dict)
    dialogues: dict = field(default_factory=dict)
    participation: dict = field(default_factory=dict)  # (gender, age band): people
    employment: dict = field(default_factory=dict)  # the road to work (reports/employment.py)
    feedback: list[dict] = field(default_factory=list)  # "How was it?" per activity
    meetings_feedback: answers.Summary | None = None
    co_leaders: int = 0
    # Per month: the month, then sms.Usage's sent, segments, notices held back for the
    # budget, codes, and codes sent over the budget
    sms: list[tuple[date, int, int, int, int, int]] = field(default_factory=list)
    proposals: list[dict] = field(default_factory=list)  # per place (reports/voice.py)


def build(sites: list[Site], period: Period) -> Report:
    site_ids = [s.id for s in sites]
    zone = sites[0].timezone
    start, end = period.utc(zone)
    activities = activity_rows(site_ids, start, end)
    return Report(
        sites=sites, period=period,
        participants=participant_counts(sites, period, zone),
        per_month=participants_per_month(sites, period, zone),
        per_week=attendance_per_week(site_ids, period, zone),
        activities=activities, circles=circle_rows(site_ids, start, end),
        goals=goal_rows(site_ids, start, end),
        goals_achieved=goals_achieved(site_ids, start, end),
        meetings=meeting_counts(site_ids, start, end),
        sms=sms_per_month(site_ids, period, zone),
        totals={"held": sum(a["held"] for a in activities),
                "cancelled": sum(a["cancelled"] for a in activities),
                "headcount": sum(a["headcount"] or 0 for a in activities),
                "shifts_filled": sum(a["shifts_filled"] for a in activities),
                "shifts_missing": sum(a["shifts_missing"] for a in activities)},
        employment=road_to_work.figures(sites, period),
        dialogues=dialogue_counts(site_ids, start, end),
        participation=participation(sites, period, zone),
        feedback=answers.per_activity(site_ids, start, end),
        meetings_feedback=answers.meetings_summary(site_ids, start, end),
        co_leaders=co_leader_count(site_ids, start, end),
        proposals=voice.figures(sites, period))


def co_leader_count(site_ids, start: datetime, end: datetime) -> int:
    """Participants who co-lead an activity that had a session in the period (co-leading
    has no dates of its own: those who co-lead it now)."""
    return db.session.scalar(select(func.count(distinct(activity_co_leader.c.user_id))).join(
        Activity, Activity.id == activity_co_leader.c.activity_id).where(
        Activity.site_id.in_(site_ids), select(Session.id).where(
            Session.activity_id == Activity.id, Session.starts_at >= start,
            Session.starts_at < end).exists()))


# -- participants ----------------------------------------------------------------------------

def _participants(site_ids):
    return select(Membership.user_id).where(Membership.site_id.in_(site_ids),
                                            Membership.role == Role.PARTICIPANT)


def _kept_months(sites: list[Site], period: Period, zone: str) -> bool:
    """Whether `active_month` answers this period: whole months whose local bounds are the
    same in every site's zone as in the report's (Oslo, Stockholm and Copenhagen agree).
    Custom periods that cut a month, and sites whose months begin at other moments, are
    counted from the raw rows."""
    if period.start.day != 1 or period.end.day != 1:
        return False
    months = buckets(period.months(), period.end, zone)
    return all(site.timezone == zone or buckets(period.months(), period.end, site.timezone)
               == months for site in sites)


def _active(sites: list[Site], period: Period, zone: str, per_month: bool):
    """(month index or None, user_id) of everyone active in the period: present at a session
    or at a meeting that was not cancelled. Only participants count: callers keep the user ids
    that are participants' (filtering after the union: the database then looks at each row
    once). Callers count distinct: no need to dedupe."""
    site_ids = [s.id for s in sites]
    if _kept_months(sites, period, zone):
        months = select(ActiveMonth.month.label("at"), ActiveMonth.user_id).where(
            ActiveMonth.site_id.in_(site_ids), ActiveMonth.month >= period.start,
            ActiveMonth.month < period.end).subquery()
        index = case(*[(months.c.at == m, i) for i, m in enumerate(period.months())],
                     else_=None) if per_month else literal(None)
        return select(index.label("i"), months.c.user_id.label("user_id")).subquery()
    start, end = period.utc(zone)
    present, met = upkeep.events(site_ids, start, end)
    happened = union_all(present, met).subquery()
    index = (_bucket(happened.c.at, period.months(), period, zone) if per_month
             else literal(None))
    return select(index.label("i"), happened.c.user_id).subquery()


def participant_counts(sites: list[Site], period: Period, zone: str) -> dict:
    site_ids = [s.id for s in sites]
    start, end = period.utc(zone)
    joined = func.count(distinct(Membership.user_id))
    registered, new = db.session.execute(
        select(joined.filter(Membership.created_at < end),
               joined.filter(Membership.created_at >= start, Membership.created_at < end))
        .where(Membership.site_id.in_(site_ids), Membership.role == Role.PARTICIPANT)).one()
    active_ids = _active(sites, period, zone, per_month=False)
    active = db.session.scalar(select(func.count(distinct(active_ids.c.user_id))).where(
        active_ids.c.user_id.in_(_participants(site_ids))))
    return {"registered": registered, "new": new, "active": active}


GENDERS = ("woman", "man", "other", "not_given")
AGE_BANDS = ("under_15", "15_29", "30_49", "50_plus", "not_given")


def participation(sites: list[Site], period: Period, zone: str) -> dict:
    """Active participants by gender and age band, counted once each, in one query."""
    site_ids = [s.id for s in sites]
    active_ids = _active(sites, period, zone, per_month=False)
    people = select(active_ids.c.user_id).distinct().where(
        active_ids.c.user_id.in_(_participants(site_ids))).subquery()
    age = period.last_day.year - User.birth_year
    band = case((User.birth_year.is_(None), "not_given"), (age < 15, "under_15"),
                (age < 30, "15_29"), (age < 50, "30_49"), else_="50_plus")
    counts = dict.fromkeys(((g, b) for g in GENDERS for b in AGE_BANDS), 0)
    for gender, age_band, number in db.session.execute(
            select(User.gender, band, func.count()).join(people, people.c.user_id == User.id)
            .group_by(User.gender, band)):
        given = gender if gender in (Gender.WOMAN, Gender.MAN, Gender.OTHER) else "not_given"
        counts[str(given), age_band] += number
    return counts


def _bucket(column, edges: list[date], period: Period, zone: str):
    """Which part of the period (a local month or week, cut at `edges`) a moment falls in, as
    an SQL CASE: the database groups by local month or week on SQLite and PostgreSQL alike."""
    clamped = [max(edge, period.start) for edge in edges]
    return case(*[(column < ends, i) for i, _starts, ends in buckets(clamped, period.end, zone)],
                else_=None)


def sms_per_month(site_ids: list[int], period: Period,
                  zone: str) -> list[tuple[date, int, int, int, int, int]]:
    """SMS sent to people of these places (notices and codes), their segments, the notices not
    sent because the month's budget was reached, and of the SMS sent the codes and the codes
    sent over the budget, per month of the period."""
    months = period.months()
    return [(months[i], *sms.usage(site_ids, start, end))
            for i, start, end in buckets(months, period.end, zone)]


def participants_per_month(sites: list[Site], period: Period,
                          zone: str) -> list[tuple[date, int, int]]:
    site_ids = [s.id for s in sites]
    months = period.months()
    start, end = period.utc(zone)
    joined = _bucket(Membership.created_at, months, period, zone).label("i")
    new = dict(db.session.execute(
        select(joined, func.count(distinct(Membership.user_id)))
        .where(Membership.site_id.in_(site_ids), Membership.role == Role.PARTICIPANT,
               Membership.created_at >= start, Membership.created_at < end)
        .group_by(joined)).all())
    seen = _active(sites, period, zone, per_month=True)
    active = dict(db.session.execute(
        select(seen.c.i, func.count(distinct(seen.c.user_id)))
        .where(seen.c.user_id.in_(_participants(site_ids)))
        .group_by(seen.c.i)).all())
    return [(m, new.get(i, 0), active.get(i, 0)) for i, m in enumerate(months)]


def attendance_per_week(site_ids, period: Period, zone: str) -> list[tuple[date, int]]:
    """Present per local week. The database counts per UTC hour (at most 24 rows a day) from
    each session's kept count of present marks; each hour then lands in its local week here,
    exactly, daylight saving included."""
    from zoneinfo import ZoneInfo

    start, end = period.utc(zone)
    hour = utc_hour(Session.starts_at)
    weeks = period.weeks()
    present = dict.fromkeys(weeks, 0)
    tz = ZoneInfo(zone)
    for moment, count in db.session.execute(
            select(hour, func.sum(Session.present_count))
            .join(Activity, Activity.id == Session.activity_id)
            .where(Activity.site_id.in_(site_ids), Session.present_count > 0,
                   Session.starts_at >= start, Session.starts_at < end).group_by(hour)):
        local = datetime.strptime(moment, "%Y-%m-%d %H").replace(tzinfo=UTC).astimezone(tz)
        present[local.date() - timedelta(days=local.weekday())] += count
    return list(present.items())


# -- activities ------------------------------------------------------------------------------

def activity_rows(site_ids, start: datetime, end: datetime) -> list[dict]:
    """One row per activity with a session in the period."""
    now = utcnow()
    in_period = and_(Session.starts_at >= start, Session.starts_at < end)
    scheduled = Session.status == SessionStatus.SCHEDULED
    hosted = select(shift.c.session_id)
    is_cafe = Activity.kind == Kind.LANGUAGE_CAFE
    rows = db.session.execute(
        select(Activity.id, Activity.title, Activity.kind, Activity.site_id,
               func.count().filter(scheduled, Session.starts_at <= now).label("held"),
               func.count().filter(Session.status == SessionStatus.CANCELLED)
               .label("cancelled"),
               func.coalesce(func.sum(Session.present_count), 0).label("present"),
               func.coalesce(func.sum(Session.absent_count), 0).label("absent"),
               func.count(Session.headcount).label("counted_sessions"),
               func.sum(Session.headcount).label("headcount"),
               func.count().filter(is_cafe, scheduled, Session.id.in_(hosted))
               .label("shifts_filled"),
               func.count().filter(is_cafe, scheduled, Session.id.not_in(hosted))
               .label("shifts_missing"))
        .join(Session, Session.activity_id == Activity.id)
        .where(Activity.site_id.in_(site_ids), in_period)
        .group_by(Activity.id, Activity.title, Activity.kind, Activity.site_id)
        .order_by(Activity.kind, Activity.title)).mappings().all()
    return [dict(row) for row in rows]


def dialogue_counts(site_ids, start: datetime, end: datetime) -> dict:
    """Dialogue seminars held (their sessions) and the agreed actions of dialogue seminars
    and workshops made and done in the period."""
    held = db.session.scalar(
        select(func.count()).select_from(Session).join(Activity, Activity.id == Session.activity_id)
        .where(Activity.site_id.in_(site_ids), Activity.kind == Kind.DIALOGUE_SEMINAR,
               Session.status == SessionStatus.SCHEDULED, Session.starts_at >= start,
               Session.starts_at < end, Session.starts_at <= utcnow()))
    made, done = db.session.execute(
        select(func.count().filter(Action.created_at >= start, Action.created_at < end),
               func.count().filter(Action.done_at >= start, Action.done_at < end))
        .join(Activity, Activity.id == Action.activity_id)
        .where(Activity.site_id.in_(site_ids), Activity.kind.in_(DIALOGUE_KINDS))).one()
    return {"seminars_held": held, "actions_made": made, "actions_done": done}


def circle_rows(site_ids, start: datetime, end: datetime) -> list[dict]:
    """Study circles with a session in the period, each measured as a course."""
    kept = CourseResult
    circles = db.session.execute(
        select(Activity.id, Activity.title, Activity.site_id, Activity.rule_set_id,
               kept.changes, kept.computed, kept.rule_set_id.label("kept_rule_set_id"),
               kept.fresh_until, *(getattr(kept, n) for n in courses.NUMBERS))
        .outerjoin(kept, kept.activity_id == Activity.id)
        .where(Activity.site_id.in_(site_ids), Activity.kind == Kind.STUDY_CIRCLE,
               Activity.rule_set_id.is_not(None),
               select(Session.id).where(Session.activity_id == Activity.id,
                                        Session.starts_at >= start, Session.starts_at < end)
               .exists())
        .order_by(Activity.title)).all()
    statuses = courses.results(circles)
    rows = [{"id": c.id, "title": c.title, "site_id": c.site_id, "status": statuses[c.id]}
            for c in circles]
    worst_first = {"fails": 0, "at_risk": 1, "on_track": 2, "meets": 3}
    return sorted(rows, key=lambda row: worst_first[row["status"].state])  # stable: by title


def recount() -> int:
    """A job (`flask reports-rebuild`): recount every figure the reports keep from the raw
    rows (portal.reports.upkeep) in a unit of its own, then count every study circle's course
    again (courses keep their results beside the session: the recount must be committed
    first). Returns how many circles were counted."""
    with work.unit():
        upkeep.rebuild(db.session.connection())
    return courses.count_all()


# -- goals and meetings ----------------------------------------------------------------------

def _site_goals(site_ids):
    return Goal.owner_id.in_(_participants(site_ids))


def goal_rows(site_ids, start: datetime, end: datetime) -> list[dict]:
    """Goals that existed during the period, by category and status (numbers only)."""
    rows = db.session.execute(
        select(Goal.category, Goal.status, func.count())
        .where(_site_goals(site_ids), Goal.created_at < end)
        .group_by(Goal.category, Goal.status).order_by(Goal.category, Goal.status))
    return [{"category": c, "status": s, "count": n} for c, s, n in rows]


def goals_achieved(site_ids, start: datetime, end: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(Goal).where(
        _site_goals(site_ids), Goal.status == GoalStatus.ACHIEVED,
        Goal.achieved_at >= start, Goal.achieved_at < end))


def meeting_counts(site_ids, start: datetime, end: datetime) -> dict:
    counts = {status.value: 0 for status in BookingStatus}
    interpreted = 0
    rows = db.session.execute(
        select(Booking.status, func.count(), func.count().filter(Booking.interpreter != ""))
        .where(Booking.site_id.in_(site_ids), Booking.starts_at >= start,
               Booking.starts_at < end).group_by(Booking.status))
    for status, count, with_interpreter in rows:
        counts[status] = count
        if status != BookingStatus.CANCELLED:
            interpreted += with_interpreter
    counts["total"] = sum(counts[s] for s in ("booked", "held", "no_show"))
    counts["interpreter"] = interpreted
    return counts


# -- small numbers -----------------------------------------------------------------------------

def protect(value: int | None, threshold: int) -> str | int | None:
    """Counts from 1 to threshold-1 become "<threshold": no one can be singled out."""
    if value is None:
        return None
    return f"<{threshold}" if 0 < value < threshold else value


def share(part: int, whole: int, threshold: int) -> int | None:
    """A percentage, or None when the whole is too small to show one safely."""
    if whole < threshold or whole == 0:
        return None
    return round(100 * part / whole)

