"""Study circles measured as courses for the reports, from `course_result` while it holds.

A result holds while nothing it depends on changed (`computed == changes`: portal.reports.upkeep
bumps `changes` with every change, in the changing transaction) and until the circle's next
session starts (then "held" grows). Results that do not hold are counted again
(rules.evaluate_many, the same three queries whatever their number) and kept — unless a change
came in meanwhile: the write only lands where `changes` is still what was read before
counting, so a result counted from older rows is never kept."""

import logging
from collections import namedtuple

from sqlalchemy import bindparam, literal, select
from sqlalchemy.exc import DBAPIError

from portal.activities import rules
from portal.activities.models import Activity, Kind, RuleSet
from portal.extensions import db, utcnow
from portal.reports.models import CourseResult
from portal.reports.upkeep import upsert

NUMBERS = ("held", "planned", "units_held", "units_planned", "enrolled", "counted")


RULE_SET_COLUMNS = tuple(column.key for column in RuleSet.__table__.columns)


def rule_set_columns() -> list:
    """The circle's rule set as columns `rule_<name>` of the circles' statement (see results)."""
    return [getattr(RuleSet, name).label(f"rule_{name}") for name in RULE_SET_COLUMNS]


def results(circles) -> dict[int, rules.CircleStatus]:
    """`circles`: rows with the circle's `id`, `rule_set_id`, its rule set's columns
    (rule_set_columns) and its course_result columns (`changes`, `computed`,
    `kept_rule_set_id`, `fresh_until` and the numbers), None when it has no row yet."""
    now = utcnow()
    circles = [c for c in circles if c.rule_set_id is not None]
    holds = [c for c in circles if c.computed is not None and c.computed == c.changes
             and c.kept_rule_set_id == c.rule_set_id
             and (c.fresh_until is None or c.fresh_until > now)]
    rule_sets = {}
    for circle in holds:
        if circle.rule_set_id not in rule_sets:
            rule_sets[circle.rule_set_id] = _rule_set(circle)
    found = {c.id: rules.judge_course(rule_sets[c.rule_set_id], c.held, c.planned, c.units_held,
                                      c.units_planned, c.enrolled, c.counted, c.fresh_until)
             for c in holds}
    stale = [c for c in circles if c.id not in found]
    if stale:
        counted = rules.evaluate_many(stale)
        _keep(stale, counted)
        found |= counted
    return found


# A rule set as read with a circle: its columns, read-only (the rules only read them).
RuleSetValues = namedtuple("RuleSetValues", RULE_SET_COLUMNS)


def _rule_set(circle) -> RuleSetValues:
    """The circle's rule set from the columns read with it, instead of a statement of ORM
    objects for the rule sets (about 0.3 ms per report) or a RuleSet made outside the session
    (about 40 µs each: the ORM's instrumentation)."""
    row = circle._mapping
    return RuleSetValues(*(row[f"rule_{name}"] for name in RULE_SET_COLUMNS))


def count_all(batch: int = 500) -> int:
    """Count every circle's course and keep it (after `upkeep.rebuild` emptied the table)."""
    circles = db.session.execute(
        select(Activity.id, Activity.rule_set_id, literal(None).label("changes"))
        .where(Activity.kind == Kind.STUDY_CIRCLE, Activity.rule_set_id.is_not(None))
        .order_by(Activity.id)).all()
    for first in range(0, len(circles), batch):
        part = circles[first:first + batch]
        _keep(part, rules.evaluate_many(part))
    return len(circles)


def _keep(circles, counted: dict[int, rules.CircleStatus]) -> None:
    """Write the new results beside the report's own (read-only) transaction. A cache: if the
    database is busy, they are counted again next time."""
    table = CourseResult.__table__

    def values(circle) -> dict:
        status = counted[circle.id]
        people = status.counted - (1 if status.rule_set.leader_counts else 0)
        return {"rule_set_id": circle.rule_set_id, "fresh_until": status.fresh_until,
                **{n: getattr(status, n) for n in NUMBERS}, "counted": people}

    known = [{"key": c.id, "seen": c.changes, "computed": c.changes, **values(c)}
             for c in circles if c.changes is not None]
    new = [{"activity_id": c.id, "changes": 0, "computed": 0, **values(c)}
           for c in circles if c.changes is None]
    try:
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
            if known:
                connection.execute(table.update().where(
                    table.c.activity_id == bindparam("key"),
                    table.c.changes == bindparam("seen")), known)
            if new:
                connection.execute(upsert(connection, table).on_conflict_do_nothing(), new)
    except DBAPIError as error:
        logging.getLogger(__name__).warning("course results not kept: %s", error)
