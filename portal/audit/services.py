"""Reading the audit log (admins), and noting staff reads of participant data."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, insert, select

from portal import speed, work
from portal.audit.models import AuditEvent
from portal.extensions import db

PAGE_SIZE = 50


def note_read(actor, action: str, subject_type: str, subject_id: int) -> None:
    """A staff member looked at someone's data: write who, what and when (never the data).
    Saved when the request that showed it ends well.

    Written last in the unit of work (work.before_commit), not where the view starts: on
    SQLite the first write takes the database's write lock until the commit, so a read noted
    first held it while the page was drawn and every other writer (each view of a members
    list notes one) waited. Through gunicorn the members list served 0.3 × the textbook
    page's requests with its workers half idle (bench/README.md, "2026-12-07, evening").
    Written as a plain INSERT of a statement built once per process on the unit of work's
    connection (after what the session holds, as a flush would), not as an AuditEvent the
    ORM's unit of work flushes: the same row in the same transaction, about 0.3 ms less."""
    values = {"actor_id": actor.id if actor else None, "action": action,
              "subject_type": subject_type, "subject_id": subject_id}

    def write() -> None:
        db.session.flush()
        db.session.connection().execute(_read_noted(), values)

    work.before_commit(write)


@speed.statement
def _read_noted():
    event = AuditEvent.__table__
    return insert(event).values(actor_id=bindparam("actor_id"), action=bindparam("action"),
                                subject_type=bindparam("subject_type"),
                                subject_id=bindparam("subject_id"))


def _people():
    """The accounts table, named as actor_id's foreign key names it: the log shows staff
    names without the audit feature importing the accounts feature (which records into it)."""
    return db.metadata.tables["user_account"]


@dataclass
class Filters:
    action: str = ""  # a prefix, e.g. "report.export" or "account"
    actor_id: int | None = None
    first_day: date | None = None
    last_day: date | None = None


def events(filters: Filters, page: int = 1, *, zone: str):
    """Newest first, one page, with the total; each with its actor's name (staff names only:
    entries never hold the content of what was seen or done). Days are days in `zone`.
    Plain rows (at, action, subject_type, subject_id, name) of statements built once per
    process for each combination of filters (the page only shows them)."""
    tz = ZoneInfo(zone)
    used = (bool(filters.action), bool(filters.actor_id), bool(filters.first_day),
            bool(filters.last_day))
    values = {
        "action": _escaped(filters.action) + "%", "actor_id": filters.actor_id,
        "first": datetime.combine(filters.first_day, datetime.min.time(), tz)
        if filters.first_day else None,
        "after": datetime.combine(filters.last_day + timedelta(days=1), datetime.min.time(), tz)
        if filters.last_day else None,
        "limit": PAGE_SIZE, "offset": (max(page, 1) - 1) * PAGE_SIZE}
    rows = speed.rows(_events_statement(*used), values).all()
    total = speed.rows(_count_statement(*used), values).scalar()
    return rows, total


def _escaped(prefix: str) -> str:
    """A prefix for LIKE … ESCAPE '/', its own wildcards taken literally."""
    return prefix.replace("/", "//").replace("%", "/%").replace("_", "/_")


def _conditions(action: bool, actor: bool, first: bool, last: bool) -> list:
    conditions = []
    if action:
        conditions.append(AuditEvent.action.like(bindparam("action"), escape="/"))
    if actor:
        conditions.append(AuditEvent.actor_id == bindparam("actor_id"))
    if first:
        conditions.append(AuditEvent.at >= bindparam("first"))
    if last:
        conditions.append(AuditEvent.at < bindparam("after"))
    return conditions


@speed.statement
def _events_statement(*used: bool):
    people = _people()
    return (select(AuditEvent.at, AuditEvent.action, AuditEvent.subject_type,
                   AuditEvent.subject_id, people.c.display_name.label("name"))
            .outerjoin(people, people.c.id == AuditEvent.actor_id)
            .where(*_conditions(*used)).order_by(AuditEvent.id.desc())
            .limit(bindparam("limit")).offset(bindparam("offset")))


@speed.statement
def _count_statement(*used: bool):
    return select(func.count()).select_from(AuditEvent).where(*_conditions(*used))


def action_kinds() -> list[str]:
    """The kinds of action in the log (the part before the last dot where there is one)."""
    actions = speed.rows(_actions_statement(), {}).scalars()
    return sorted({a.rsplit(".", 1)[0] if a.count(".") > 1 else a for a in actions})


@speed.statement
def _actions_statement():
    return select(AuditEvent.action).distinct()


def actors() -> list[tuple[int, str]]:
    return speed.rows(_actors_statement(), {}).all()


@speed.statement
def _actors_statement():
    people = _people()
    return (select(people.c.id, people.c.display_name)
            .where(people.c.id.in_(select(AuditEvent.actor_id)))
            .order_by(people.c.display_name))
