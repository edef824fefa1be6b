"""Proposals ("I wish…") in numbers, per meeting place: made, supported, answered, realised,
and the median days to an answer. Proposals are counted, never people, so the numbers stay
when an account is deleted (its proposals stay, from nobody; each keeps its support count).

Definitions (also in the README):
- made: proposals made in the period (taken back ones too);
- supported: of those, the ones at least one other person supports (as it stands now);
- answered: proposals answered in the period (*We'll do it*, *Not now* or *Joined with*),
  whenever they were made; realised: of those, *We'll do it*;
- median days to an answer: over the proposals answered in the period, from made to
  answered, in days with one decimal; shown only from REPORT_SMALL_CELL answers on.
"""

from statistics import median

from sqlalchemy import bindparam, func, select

from portal.accounts.models import Site
from portal.reports.periods import Period
from portal.reports.places import places as _places
from portal.reports.places import site_values, written
from portal.speed import rows, statement
from portal.voice.models import ANSWERED, Proposal, ProposalStatus

DAY_SECONDS = 86_400


def figures(sites: list[Site], period: Period) -> list[dict]:
    """One row per meeting place, and a row for them all (site None) when there are several.
    Two queries whatever the number of places (prebuilt, portal.speed.statement: built on
    every request they cost about 1 ms of SQLAlchemy before SQLite saw them)."""
    start, end = period.utc(sites[0].timezone)
    values = {**site_values([s.id for s in sites]), "start": start, "end": end}
    counts = {row.site_id: row for row in rows(_counts(len(sites)), values)}
    waits: dict[int, list[float]] = {}
    for site_id, created_at, answered_at in rows(_answered(len(sites)), values):
        waits.setdefault(site_id, []).append(
            (answered_at - created_at).total_seconds() / DAY_SECONDS)
    found = [_row(site, counts.get(site.id), waits.get(site.id, [])) for site in sites]
    if len(sites) > 1:
        every = [wait for site in sites for wait in waits.get(site.id, [])]
        found.append({"site": None, **{key: sum(r[key] for r in found) for key in
                                       ("made", "supported", "answered", "realised")},
                      "median_days": _median(every)})
    return found


def _made():
    return Proposal.created_at >= bindparam("start"), Proposal.created_at < bindparam("end")


def _answered_in_period():
    return (Proposal.answered_at >= bindparam("start"), Proposal.answered_at < bindparam("end"),
            Proposal.status.in_(written(ANSWERED)))


@statement
def _counts(places: int):
    made, answered = _made(), _answered_in_period()
    return (select(Proposal.site_id,
                   func.count().filter(*made).label("made"),
                   func.count().filter(*made, Proposal.support_count > 0).label("supported"),
                   func.count().filter(*answered).label("answered"),
                   func.count().filter(*answered, Proposal.status == ProposalStatus.REALISED)
                   .label("realised"))
            .where(Proposal.site_id.in_(_places(places)))
            .group_by(Proposal.site_id))


@statement
def _answered(places: int):
    return (select(Proposal.site_id, Proposal.created_at, Proposal.answered_at)
            .where(Proposal.site_id.in_(_places(places)),
                   *_answered_in_period()))


def _row(site: Site, counts, waits: list[float]) -> dict:
    numbers = {key: getattr(counts, key) if counts is not None else 0
               for key in ("made", "supported", "answered", "realised")}
    return {"site": site, **numbers, "median_days": _median(waits)}


def _median(waits: list[float]) -> float | None:
    return round(median(waits), 1) if waits else None
