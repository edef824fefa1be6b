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

from datetime import UTC, date, datetime, timedelta
from functools import cached_property

from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    case,
    distinct,
    func,
    literal,
    literal_column,
    select,
    true,
    union_all,
)

from portal import work
from portal.accounts.models import Gender, Membership, Role, Site, User
from portal.accounts.viewer import every_site
from portal.activities.models import (
    DIALOGUE_KINDS,
    Activity,
    Kind,
    RuleSet,
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
from portal.reports.places import places as _places
from portal.reports.places import site_values, written
from portal.speed import rows, statement


def report_sites(user: User) -> list[Site]:
    """Coordinators see their sites' reports; administrators every site's."""
    if not user.is_authenticated:
        return []
    if user.is_admin:
        return every_site()
    return sorted(user.sites_where(Role.COORDINATOR), key=lambda s: s.name)


class Report:
    """A place's (or places') report for a period. Each figure is counted when it is first
    read, once: a page of the report counts only what its tables show (the summary runs 6 of
    the whole report's 19 statements). `build` counts everything at once."""

    def __init__(self, sites: list[Site], period: Period):
        self.sites, self.period = sites, period
        self.site_ids = [s.id for s in sites]
        self.zone = sites[0].timezone
        self.start, self.end = period.utc(self.zone)

    @cached_property
    def _values(self) -> dict:
        return _period_values(self.sites, self.period, self.zone)

    @cached_property
    def _kept(self) -> bool:
        return _kept_months(self.sites, self.period, self.zone)

    @cached_property
    def _counted(self):
        return single_counts(len(self.sites), self._values)

    @cached_property
    def participation(self) -> dict:
        """(gender, age band): active people."""
        return participation(len(self.sites), self._values, self._kept)

    @cached_property
    def participants(self) -> dict:
        return {"registered": self._counted.registered, "new": self._counted.new,
                "active": sum(self.participation.values())}

    @cached_property
    def per_month(self) -> list[tuple[date, int, int]]:
        """month, new, active"""
        return participants_per_month(len(self.sites), self.period, self._values, self._kept)

    @cached_property
    def per_week(self) -> list[tuple[date, int]]:
        """week, present"""
        return attendance_per_week(self.site_ids, self.period, self.zone)

    @cached_property
    def activities(self) -> list[dict]:
        return activity_rows(self.site_ids, self.start, self.end)

    @cached_property
    def circles(self) -> list[dict]:
        return circle_rows(self.site_ids, self.start, self.end)

    @cached_property
    def goals(self) -> list[dict]:
        return goal_rows(self.site_ids, self.start, self.end)

    @property
    def goals_achieved(self) -> int:
        return self._counted.goals_achieved

    @property
    def co_leaders(self) -> int:
        return self._counted.co_leaders

    @cached_property
    def meetings(self) -> dict:
        return meeting_counts(self.site_ids, self.start, self.end)

    @cached_property
    def sms(self) -> list[tuple[date, int, int, int, int, int]]:
        """Per month: the month, then sms.Usage's sent, segments, notices held back for the
        budget, codes, and codes sent over the budget."""
        return sms_per_month(self.site_ids, self.period, self.zone)

    @cached_property
    def totals(self) -> dict:
        activities = self.activities
        return {key: sum(a[key] or 0 for a in activities)
                for key in ("held", "cancelled", "headcount", "shifts_filled",
                            "shifts_missing")}

    @cached_property
    def employment(self) -> dict:
        """The road to work (reports/employment.py)."""
        return road_to_work.figures(self.sites, self.period)

    @property
    def dialogues(self) -> dict:
        counted = self._counted
        return {"seminars_held": counted.seminars_held, "actions_made": counted.actions_made,
                "actions_done": counted.actions_done}

    @cached_property
    def feedback(self) -> list[dict]:
        """"How was it?" per activity."""
        return answers.per_activity(self.site_ids, self.start, self.end, [
            (a["id"], a["title"], a["present"]) for a in self.activities])

    @cached_property
    def meetings_feedback(self) -> answers.Summary:
        return answers.meetings_summary(self.site_ids, self.start, self.end)

    @cached_property
    def proposals(self) -> list[dict]:
        """Per place (reports/voice.py)."""
        return voice.figures(self.sites, self.period)


# Every figure of a report: its public properties, counted or read from what was counted.
FIGURES = tuple(name for name, value in vars(Report).items()
                if isinstance(value, cached_property | property) and not name.startswith("_"))


def build(sites: list[Site], period: Period) -> Report:
    """The whole report, counted now (the exports; a page counts what it shows). Its
    statements are prebuilt (portal.speed.statement, with bound values for the places and
    dates) and run as plain rows: built on every request, each of the report's 30-odd
    statements cost about 0.3-0.4 ms of SQLAlchemy construction, cache key and ORM layer
    before SQLite saw it. They run prepared on SQLite (portal.speed._Prepared) because
    nothing in them is an expanding list: the places are plain bound values
    (reports/places.py), fixed statuses written into the SQL. The whole report runs 19 of
    them (single_counts, participants_per_month and employment.work_counts fold nine)."""
    report = Report(sites, period)
    for name in FIGURES:
        getattr(report, name)
    return report


def single_counts(places: int, values: dict):
    """The report's numbers that are one count each, in one statement of one row (each was a
    statement of its own, four in all: about 35 µs each of running a statement, beside
    SQLite's own work):
    - registered and new: participants whose membership began before the period ended / in
      it (active participants are counted by `participation`: each active person once, by
      gender and age band; counting them again took a statement of its own, about 90 µs);
    - seminars_held, actions_made, actions_done: dialogue seminars' sessions held, and the
      agreed actions of dialogue seminars and workshops made and done in the period;
    - co_leaders: participants who co-lead an activity that had a session in the period
      (co-leading has no dates of its own: those who co-lead it now);
    - goals_achieved: goals of the places' participants achieved in the period.
    `values`: _period_values'."""
    return rows(_single_counts(places), {**values, "now": utcnow()}).one()


@statement
def _single_counts(places: int):
    joined, actions = _joined(places).subquery(), _actions(places).subquery()
    return select(
        joined.c.registered, joined.c.new,
        _seminars_held(places).scalar_subquery().label("seminars_held"),
        actions.c.made.label("actions_made"), actions.c.done.label("actions_done"),
        _co_leaders(places).scalar_subquery().label("co_leaders"),
        _goals_achieved(places).scalar_subquery().label("goals_achieved"),
    ).select_from(joined.join(actions, true()))


# -- bound values of the prebuilt statements -------------------------------------------------

def _between(site_ids, start: datetime, end: datetime, **more) -> dict:
    return {**site_values(site_ids), "start": start, "end": end, **more}


def _co_leaders(places: int):
    return select(func.count(distinct(activity_co_leader.c.user_id))).join(
        Activity, Activity.id == activity_co_leader.c.activity_id).where(
        Activity.site_id.in_(_places(places)), select(Session.id).where(
            Session.activity_id == Activity.id, Session.starts_at >= bindparam("start"),
            Session.starts_at < bindparam("end")).exists())


# -- participants ----------------------------------------------------------------------------

def _participants(places: int):
    return select(Membership.user_id).where(Membership.site_id.in_(_places(places)),
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


def _active(places: int, kept: bool, months: int | None):
    """(month index or None, user_id) of everyone active in the period: present at a session
    or at a meeting that was not cancelled. Only participants count: callers keep the user ids
    that are participants' (filtering after the union: the database then looks at each row
    once). Callers count distinct: no need to dedupe. `kept`: read from `active_month` (see
    _kept_months); `months`: the number of months to index them by (None: no index); the
    bound values are _period_values'."""
    if kept:
        happened = select(ActiveMonth.month.label("at"), ActiveMonth.user_id).where(
            ActiveMonth.site_id.in_(_places(places)), ActiveMonth.month >= bindparam("first"),
            ActiveMonth.month < bindparam("following")).subquery()
        index = case(*[(happened.c.at == bindparam(f"month_{i}"), i) for i in range(months)],
                     else_=None) if months else literal(None)
    else:
        present, met = upkeep.events(_places(places), bindparam("start"), bindparam("end"))
        happened = union_all(present, met).subquery()
        index = _bucket(happened.c.at, months) if months else literal(None)
    return select(index.label("i"), happened.c.user_id.label("user_id")).subquery()


def _period_values(sites: list[Site], period: Period, zone: str) -> dict:
    """The bound values of the participants' statements: places, the period's UTC bounds and
    dates, each month's first day and each part's UTC end (see _bucket)."""
    start, end = period.utc(zone)
    months = period.months()
    clamped = [max(month, period.start) for month in months]
    return {**_between([s.id for s in sites], start, end), "first": period.start,
            "following": period.end, "year": period.last_day.year,
            **{f"month_{i}": month for i, month in enumerate(months)},
            **{f"edge_{i}": ends for i, _starts, ends in buckets(clamped, period.end, zone)}}


def _joined(places: int):
    """Registered and new participants (see single_counts). `active` is as many as
    `participation` counts: every active person's id is a user's, erased people's ids are
    NULL and not a participant's."""
    joined = func.count(distinct(Membership.user_id))
    return (select(joined.filter(Membership.created_at < bindparam("end")).label("registered"),
                   joined.filter(Membership.created_at >= bindparam("start"),
                                 Membership.created_at < bindparam("end")).label("new"))
            .where(Membership.site_id.in_(_places(places)), Membership.role == Role.PARTICIPANT))


GENDERS = ("woman", "man", "other", "not_given")
AGE_BANDS = ("under_15", "15_29", "30_49", "50_plus", "not_given")


def participation(places: int, values: dict, kept: bool) -> dict:
    """Active participants by gender and age band, counted once each, in one query.
    `values`: _period_values'; `kept`: _kept_months'."""
    counts = dict.fromkeys(((g, b) for g in GENDERS for b in AGE_BANDS), 0)
    for gender, age_band, number in rows(_participation(places, kept), values):
        given = gender if gender in (Gender.WOMAN, Gender.MAN, Gender.OTHER) else "not_given"
        counts[str(given), age_band] += number
    return counts


@statement
def _participation(places: int, kept: bool):
    active_ids = _active(places, kept, None)
    people = select(active_ids.c.user_id).distinct().where(
        active_ids.c.user_id.in_(_participants(places))).subquery()
    age = bindparam("year", type_=Integer) - User.birth_year
    band = case((User.birth_year.is_(None), "not_given"), (age < 15, "under_15"),
                (age < 30, "15_29"), (age < 50, "30_49"), else_="50_plus")
    return (select(User.gender, band, func.count()).join(people, people.c.user_id == User.id)
            .group_by(User.gender, band))


def _bucket(column, parts: int):
    """Which part of the period (a local month, cut at the period's bounds) a moment falls
    in, as an SQL CASE on the parts' UTC ends (`edge_0`…, see _period_values): the database
    groups by local month on SQLite and PostgreSQL alike."""
    return case(*[(column < bindparam(f"edge_{i}"), i) for i in range(parts)], else_=None)


def sms_per_month(site_ids: list[int], period: Period,
                  zone: str) -> list[tuple[date, int, int, int, int, int]]:
    """SMS sent to people of these places (notices and codes), their segments, the notices not
    sent because the month's budget was reached, and of the SMS sent the codes and the codes
    sent over the budget, per month of the period."""
    months = period.months()
    parts = buckets(months, period.end, zone)
    moments = [start for _i, start, _end in parts] + [parts[-1][2]]
    return [(month, *usage) for month, usage in zip(
        months, sms.usage_per_part(site_ids, moments), strict=True)]


def participants_per_month(places: int, period: Period, values: dict,
                           kept: bool) -> list[tuple[date, int, int]]:
    """New and active participants per month of the period, in one statement (two cost
    about 35 µs more). `values`: _period_values' (computed once for the report's three
    statements of participants: about 15 µs each for a month, more for a year)."""
    months = period.months()
    counts = {"new": {}, "active": {}}
    for what, i, number in rows(_per_month(places, kept, len(months)), values):
        counts[what][i] = number
    return [(m, counts["new"].get(i, 0), counts["active"].get(i, 0))
            for i, m in enumerate(months)]


@statement
def _per_month(places: int, kept: bool, months: int):
    """(what, month index, people): "new" and "active" participants per month."""
    return union_all(_new_per_month(places, months), _active_per_month(places, kept, months))


def _new_per_month(places: int, months: int):
    joined = _bucket(Membership.created_at, months).label("i")
    return (select(literal_column("'new'").label("what"), joined,
                   func.count(distinct(Membership.user_id)))
            .where(Membership.site_id.in_(_places(places)), Membership.role == Role.PARTICIPANT,
                   Membership.created_at >= bindparam("start"),
                   Membership.created_at < bindparam("end"))
            .group_by(joined))


def _active_per_month(places: int, kept: bool, months: int):
    seen = _active(places, kept, months)
    return (select(literal_column("'active'"), seen.c.i, func.count(distinct(seen.c.user_id)))
            .where(seen.c.user_id.in_(_participants(places))).group_by(seen.c.i))


def attendance_per_week(site_ids, period: Period, zone: str) -> list[tuple[date, int]]:
    """Present per local week. The database counts per UTC hour (at most 24 rows a day) from
    each session's kept count of present marks; each hour then lands in its local week here,
    exactly, daylight saving included. The hour ("YYYY-MM-DD HH") is read with fromisoformat,
    not strptime: 0.2 µs instead of 8.5 µs an hour (the demo's year: 31 hours, about 0.3 ms)."""
    from zoneinfo import ZoneInfo

    present = dict.fromkeys(period.weeks(), 0)
    tz = ZoneInfo(zone)
    values = _between(site_ids, *period.utc(zone))
    for moment, count in rows(_present_per_hour(len(site_ids)), values):
        local = datetime.fromisoformat(moment).replace(tzinfo=UTC).astimezone(tz)
        present[local.date() - timedelta(days=local.weekday())] += count
    return list(present.items())


@statement
def _present_per_hour(places: int):
    hour = utc_hour(Session.starts_at)
    return (select(hour, func.sum(Session.present_count))
            .join(Activity, Activity.id == Session.activity_id)
            .where(Activity.site_id.in_(_places(places)), Session.present_count > 0,
                   Session.starts_at >= bindparam("start"), Session.starts_at < bindparam("end"))
            .group_by(hour))


# -- activities ------------------------------------------------------------------------------

def activity_rows(site_ids, start: datetime, end: datetime) -> list[dict]:
    """One row per activity with a session in the period."""
    return [dict(row) for row in rows(_activities(len(site_ids)), _between(site_ids, start, end,
                                                               now=utcnow())).mappings()]


@statement
def _activities(places: int):
    in_period = and_(Session.starts_at >= bindparam("start"), Session.starts_at < bindparam("end"))
    scheduled = Session.status == SessionStatus.SCHEDULED
    hosted = select(shift.c.session_id)
    is_cafe = Activity.kind == Kind.LANGUAGE_CAFE
    return (select(Activity.id, Activity.title, Activity.kind, Activity.site_id,
                   func.count().filter(scheduled, Session.starts_at <= bindparam("now"))
                   .label("held"),
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
            .where(Activity.site_id.in_(_places(places)), in_period)
            .group_by(Activity.id, Activity.title, Activity.kind, Activity.site_id)
            .order_by(Activity.kind, Activity.title))


def _seminars_held(places: int):
    return (select(func.count()).select_from(Session)
            .join(Activity, Activity.id == Session.activity_id)
            .where(Activity.site_id.in_(_places(places)), Activity.kind == Kind.DIALOGUE_SEMINAR,
                   Session.status == SessionStatus.SCHEDULED,
                   Session.starts_at >= bindparam("start"), Session.starts_at < bindparam("end"),
                   Session.starts_at <= bindparam("now")))


def _actions(places: int):
    start, end = bindparam("start"), bindparam("end")
    return (select(func.count().filter(Action.created_at >= start, Action.created_at < end)
                   .label("made"),
                   func.count().filter(Action.done_at >= start, Action.done_at < end)
                   .label("done"))
            .join(Activity, Activity.id == Action.activity_id)
            .where(Activity.site_id.in_(_places(places)),
                   Activity.kind.in_(written(DIALOGUE_KINDS))))


def circle_rows(site_ids, start: datetime, end: datetime) -> list[dict]:
    """Study circles with a session in the period, each measured as a course."""
    circles = rows(_circles(len(site_ids)), _between(site_ids, start, end)).all()
    statuses = courses.results(circles)
    found = [{"id": c.id, "title": c.title, "site_id": c.site_id, "status": statuses[c.id]}
             for c in circles]
    worst_first = {"fails": 0, "at_risk": 1, "on_track": 2, "meets": 3}
    return sorted(found, key=lambda row: worst_first[row["status"].state])  # stable: by title


@statement
def _circles(places: int):
    kept = CourseResult
    return (select(Activity.id, Activity.title, Activity.site_id, Activity.rule_set_id,
                   kept.changes, kept.computed, kept.rule_set_id.label("kept_rule_set_id"),
                   kept.fresh_until, *(getattr(kept, n) for n in courses.NUMBERS),
                   *courses.rule_set_columns())
            .join(RuleSet, RuleSet.id == Activity.rule_set_id)
            .outerjoin(kept, kept.activity_id == Activity.id)
            .where(Activity.site_id.in_(_places(places)), Activity.kind == Kind.STUDY_CIRCLE,
                   Activity.rule_set_id.is_not(None),
                   select(Session.id).where(Session.activity_id == Activity.id,
                                            Session.starts_at >= bindparam("start"),
                                            Session.starts_at < bindparam("end")).exists())
            .order_by(Activity.title))


def recount() -> int:
    """A job (`flask reports-rebuild`): recount every figure the reports keep from the raw
    rows (portal.reports.upkeep) in a unit of its own, then count every study circle's course
    again (courses keep their results beside the session: the recount must be committed
    first). Returns how many circles were counted."""
    with work.unit():
        upkeep.rebuild(db.session.connection())
    return courses.count_all()


# -- goals and meetings ----------------------------------------------------------------------

def _site_goals(places: int):
    return Goal.owner_id.in_(_participants(places))


def goal_rows(site_ids, start: datetime, end: datetime) -> list[dict]:
    """Goals that existed during the period, by category and status (numbers only)."""
    return [{"category": c, "status": s, "count": n}
            for c, s, n in rows(_goals(len(site_ids)), _between(site_ids, start, end))]


@statement
def _goals(places: int):
    return (select(Goal.category, Goal.status, func.count())
            .where(_site_goals(places), Goal.created_at < bindparam("end"))
            .group_by(Goal.category, Goal.status).order_by(Goal.category, Goal.status))


def _goals_achieved(places: int):
    return select(func.count()).select_from(Goal).where(
        _site_goals(places), Goal.status == GoalStatus.ACHIEVED,
        Goal.achieved_at >= bindparam("start"), Goal.achieved_at < bindparam("end"))


def meeting_counts(site_ids, start: datetime, end: datetime) -> dict:
    counts = {status.value: 0 for status in BookingStatus}
    interpreted = 0
    values = _between(site_ids, start, end)
    for status, count, with_interpreter in rows(_meetings(len(site_ids)), values):
        counts[status] = count
        if status != BookingStatus.CANCELLED:
            interpreted += with_interpreter
    counts["total"] = sum(counts[s] for s in ("booked", "held", "no_show"))
    counts["interpreter"] = interpreted
    return counts


@statement
def _meetings(places: int):
    return (select(Booking.status, func.count(), func.count().filter(Booking.interpreter != ""))
            .where(Booking.site_id.in_(_places(places)), Booking.starts_at >= bindparam("start"),
                   Booking.starts_at < bindparam("end")).group_by(Booking.status))


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

