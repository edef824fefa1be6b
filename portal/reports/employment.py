"""The road to work in numbers: work practice, job interviews, exits to work or education
after joining, and the self-assessment's change. Numbers only, in a fixed number of queries;
the tables protect small counts like every other report table.

Definitions (also in the README):
- in work practice: participants with a placement that was going on, completed or ended
  early, whose dates touch the period; completed: placements completed whose last day is in it;
- job interviews: interviews dated in the period;
- exits, by the month people joined ("joining": their participant membership's created_at at
  the place, as a local date): participants who joined in a month of the period and have a
  confirmed status "job" (or "education") dated on or after joining and at most 3, 6 or 12
  calendar months after it. Each person counts once per kind, by their first such status;
- self-assessment change: people (anonymous respondents) with at least two answered check-ins
  at the place by the end of the period; per sentence, the median of latest minus first.
"""

from datetime import date, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, distinct, func, select

from portal.accounts.models import Membership, Role, Site
from portal.employment.models import (
    CheckIn,
    Interview,
    Outcome,
    OutcomeKind,
    Placement,
    PlacementStatus,
    Statement,
)
from portal.reports.periods import Period, _add_months
from portal.reports.places import places as _places
from portal.reports.places import site_values, written
from portal.speed import rows, statement

WITHIN_MONTHS = (3, 6, 12)
BEGUN = (PlacementStatus.ACTIVE, PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY)


def figures(sites: list[Site], period: Period) -> dict:
    site_ids = [s.id for s in sites]
    return {**work_counts(site_ids, period),
            "exits": exits_by_month(sites, period),
            "check_ins": check_in_change(site_ids, period, sites[0].timezone)}


# The statements are prebuilt (portal.speed.statement) with bound places and dates, and run as
# plain rows: built on every request, each cost about 0.3–0.5 ms of SQLAlchemy construction,
# cache key and ORM layer (the check-ins also loaded as ORM objects); the road to work's five
# statements went from about 2.8 to 0.8 ms CPU per month report.

def work_counts(site_ids: list[int], period: Period) -> dict:
    """People in work practice, placements completed and job interviews, in one statement
    (two cost about 35 µs more)."""
    values = {**site_values(site_ids), "first": period.start, "last": period.last_day}
    in_practice, completed, interviews = rows(_work(len(site_ids)), values).one()
    return {"in_practice": in_practice, "completed": completed, "interviews": interviews}


@statement
def _work(places: int):
    """One row: people in work practice, placements completed, job interviews."""
    placements = _placements(places).subquery()
    return select(placements.c.in_practice, placements.c.completed,
                  _interviews(places).scalar_subquery())


def _placements(places: int):
    first, last = bindparam("first"), bindparam("last")
    return (select(func.count(distinct(Placement.participant_id)).filter(
                       Placement.status.in_(written(BEGUN)), Placement.starts_on <= last,
                       Placement.ends_on >= first).label("in_practice"),
                   func.count().filter(Placement.status == PlacementStatus.COMPLETED,
                                       Placement.ends_on >= first, Placement.ends_on <= last)
                   .label("completed"))
            .where(Placement.site_id.in_(_places(places))))


def _interviews(places: int):
    return select(func.count()).select_from(Interview).where(
        Interview.site_id.in_(_places(places)), Interview.on_date >= bindparam("first"),
        Interview.on_date <= bindparam("last"))


def months_later(day: date, months: int) -> date:
    """The same day `months` calendar months later, or the month's last day (31 Jan + 1
    month is 28 or 29 Feb)."""
    first = _add_months(day.replace(day=1), months)
    last = _add_months(first, 1) - timedelta(days=1)
    return first.replace(day=min(day.day, last.day))


def exits_by_month(sites: list[Site], period: Period) -> list[dict]:
    """One row per month of the period: who joined then, and of them how many went on to a
    job or to education within 3, 6 and 12 months (see the module's definitions)."""
    site_ids = [s.id for s in sites]
    zones = {s.id: ZoneInfo(s.timezone) for s in sites}
    zone = ZoneInfo(sites[0].timezone)
    start = period.utc(sites[0].timezone)[0] - timedelta(days=1)  # zones differ by hours
    end = period.utc(sites[0].timezone)[1] + timedelta(days=1)
    joined: dict[int, date] = {}
    for user_id, site_id, created_at in rows(_joined(len(site_ids)), {
            **site_values(site_ids), "start": start, "end": end}):
        day = created_at.astimezone(zones.get(site_id, zone)).date()
        if period.start <= day < period.end:
            joined[user_id] = min(day, joined.get(user_id, day))
    first_exit: dict[tuple[int, str], date] = {}
    for user_id, kind, on_date in rows(_exits(len(site_ids)), {
            **site_values(site_ids), "start": start, "end": end}):
        if user_id in joined and on_date >= joined[user_id]:
            key = (user_id, kind)
            first_exit[key] = min(on_date, first_exit.get(key, on_date))
    months = {month: {"month": month, "joined": 0, **{
                  f"{kind}_{n}": 0 for kind in ("job", "education") for n in WITHIN_MONTHS}}
              for month in period.months()}
    exited = {user_id for user_id, _kind in first_exit}  # few: the others only joined
    for user_id, day in joined.items():
        row = months[day.replace(day=1)]
        row["joined"] += 1
        if user_id not in exited:
            continue
        for kind in ("job", "education"):
            exit_on = first_exit.get((user_id, kind))
            for n in WITHIN_MONTHS:
                if exit_on is not None and exit_on <= months_later(day, n):
                    row[f"{kind}_{n}"] += 1
    return list(months.values())


@statement
def _joined(places: int):
    return select(Membership.user_id, Membership.site_id, Membership.created_at).where(
        Membership.site_id.in_(_places(places)), Membership.role == Role.PARTICIPANT,
        Membership.created_at >= bindparam("start"), Membership.created_at < bindparam("end"))


@statement
def _exits(places: int):
    """The confirmed exits of the people _joined reads (a statement that reads them again
    rather than an expanding list of their ids, which SQLAlchemy rewrites at every run: the
    statement then never ran prepared, portal.speed); exits_by_month keeps those who joined
    in the period."""
    joined = select(Membership.user_id).where(
        Membership.site_id.in_(_places(places)), Membership.role == Role.PARTICIPANT,
        Membership.created_at >= bindparam("start"), Membership.created_at < bindparam("end"))
    return select(Outcome.participant_id, Outcome.kind, Outcome.on_date).where(
        Outcome.participant_id.in_(joined),
        Outcome.site_id.in_(_places(places)), Outcome.confirmed_at.is_not(None),
        Outcome.kind.in_(written([OutcomeKind.JOB, OutcomeKind.EDUCATION])))


def check_in_change(site_ids: list[int], period: Period, zone: str) -> dict:
    """How many respondents answered twice or more by the end of the period, and the median
    change (latest minus first) per sentence; None for the medians when nobody did. Each
    respondent's first and latest answers kept as plain lists while reading (the answers as
    rows, grouped per respondent and read by name: about 260 → 150 µs for the demo's 81
    check-ins; letting the database pick them with window functions was no faster)."""
    first: dict[str, list] = {}
    latest: dict[str, list] = {}
    for respondent, *answers in rows(_check_ins(len(site_ids)),
                                     {**site_values(site_ids), "end": period.utc(zone)[1]}):
        if respondent in first:
            latest[respondent] = answers
        else:
            first[respondent] = answers
    changes = [[now - then for then, now in zip(first[respondent], answers, strict=True)]
               for respondent, answers in latest.items()]
    return {"people": len(changes), "median": {
        s.value: median(change[i] for change in changes) if changes else None
        for i, s in enumerate(Statement)}}


@statement
def _check_ins(places: int):
    """The answered check-ins, oldest first: the respondent and an answer per sentence (in
    the order of Statement)."""
    return (select(CheckIn.respondent, *(getattr(CheckIn, s.value) for s in Statement))
            .where(CheckIn.site_id.in_(_places(places)), CheckIn.skipped.is_(False),
                   CheckIn.created_at < bindparam("end"))
            .order_by(CheckIn.created_at, CheckIn.id))
