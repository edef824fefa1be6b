"""One unit of work per request, CLI command and worker job.

Services change the session and flush; they never commit. Whoever runs the work ends it once:
- a request commits when its answer is a success (status below 400) and no view marked it
  refused (`refuse()`: a rule said no, and the view answers with a message and a redirect);
  otherwise it rolls back, so a refusal half-way through a service leaves nothing behind
  (a request that wrote nothing and waits for nothing has nothing to commit: on SQLite it
  skips the COMMIT, see `_read_only`);
- a CLI command or a worker job runs inside `unit()`: commit at the end, roll back on error.
What the commit makes possible runs after it (`after_commit`), never for a change that was
rolled back.

SQLite has one writer at a time. Its driver begins a transaction just before the first write,
so a unit of work holds SQLite's write lock from its first write until it ends: a locking
statement (`lock()`) makes a change own its rows on SQLite as on PostgreSQL, and what is read
after it includes every change committed before it.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import g, has_app_context
from sqlalchemy import event

from portal.extensions import db

_CALLBACKS = "bro_after_commit"
_LAST_WRITES = "bro_before_commit"


def after_commit(callback: Callable[[], object]) -> None:
    """Run `callback` once the current unit of work has committed (never if it rolls back)."""
    db.session.info.setdefault(_CALLBACKS, []).append(callback)


def before_commit(write: Callable[[], object]) -> None:
    """Run `write` in the current unit of work just before it commits (never if it rolls
    back): for a write that only records what the work did (a staff member's read, in the
    audit log). On SQLite a unit of work holds the write lock from its first write to its end,
    so such a write made where a page starts kept every other writer waiting while the page
    was drawn; made last, the lock is held for that write and the commit."""
    db.session.info.setdefault(_LAST_WRITES, []).append(write)


def commit() -> None:
    """End the unit of work: the last writes (`before_commit`), commit, then run what waited
    for the commit."""
    for write in db.session.info.pop(_LAST_WRITES, []):
        write()
    db.session.commit()
    for callback in db.session.info.pop(_CALLBACKS, []):
        callback()


def roll_back() -> None:
    db.session.rollback()
    for key in [key for key in db.session.info if key.startswith("bro_")]:
        del db.session.info[key]  # what this unit of work planned for after its commit


def refuse() -> None:
    """This request must not commit (a view that answers a refusal with a redirect)."""
    g.bro_refused = True


def keep() -> None:
    """Commit this request's changes although it answers a refusal (4xx): a wrong code still
    counts as one of the code's tries. Call it right before raising the refusal."""
    g.bro_keep = True


@contextmanager
def unit() -> Iterator[None]:
    """A CLI command's or worker job's unit of work (one of several in a loop: each commits
    what came before it in the session too, so start them on a clean session)."""
    outer = g.get("bro_unit")
    g.bro_unit = True
    try:
        yield
        commit()
    except BaseException:  # the work or its commit failed: nothing of it stays
        roll_back()
        raise
    finally:
        g.bro_unit = outer


def lock(statement):
    """Run a locking statement (an UPDATE of the rows a change must own, or SELECT … FOR
    UPDATE) and return its result: the rows stay locked until the unit of work ends. Never
    commits; refuses to run where no unit of work will end the transaction (a thread or a
    script of its own), whose locks would be held until its connection closes. Objects
    loaded before the lock may be stale: read them again after it (`populate_existing`)."""
    if not (has_app_context() and g.get("bro_unit")):
        raise RuntimeError("lock() outside a unit of work (a request, unit(), a test)")
    return db.session.execute(statement)


def _start_request() -> None:
    g.bro_unit = True


def _end_request(response):
    if (response.status_code < 400 or g.get("bro_keep")) and not g.get("bro_refused"):
        if not _read_only():
            commit()
    else:
        roll_back()
    return response


def _read_only() -> bool:
    """True when the request's unit of work wrote nothing and waits for nothing, so a commit
    has nothing to do: the session's teardown then just gives its connection back (about
    50 µs less on every page that only reads). Decided exactly only on SQLite, whose driver
    begins a transaction at the first write; on other databases every request commits."""
    session = db.session()
    if session.info.get(_CALLBACKS) or session.info.get(_LAST_WRITES):
        return False
    session.flush()  # what a commit would write first
    if not session.in_transaction():
        return True  # the request never used the database
    connection = session.connection()
    return (connection.dialect.name == "sqlite"
            and not connection.connection.dbapi_connection.in_transaction)


def _sqlite_connected(dbapi_connection, _record) -> None:
    """Foreign keys, write-ahead log, and waiting instead of failing on locks."""
    cursor = dbapi_connection.cursor()
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "busy_timeout=5000",
                   "synchronous=NORMAL",
                   "cache_size=-16000",  # up to 16 MB of pages per connection
                   "mmap_size=268435456",  # read through the OS page cache
                   # Sorting, UNION and NOT IN (…) build small temporary tables: in memory,
                   # not in a temporary file opened for each (a statement that builds two
                   # took several times as long; bench/README.md, 2026-12-07).
                   "temp_store=MEMORY"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_savepoint(connection, _name) -> None:
    """A savepoint (`begin_nested()`, around a flush that may break a unique constraint) opened
    before the unit of work's first write would start SQLite's transaction itself, and its
    release would commit it: begin the transaction first, so only the unit's end commits."""
    dbapi_connection = connection.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN")


def init_app(app) -> None:
    """After db.init_app(): Bro's own engines only (never every engine in the process)."""
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_connected)
                event.listen(engine, "savepoint", _sqlite_savepoint)
    app.before_request(_start_request)
    app.after_request(_end_request)
