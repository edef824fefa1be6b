"""The unit of work (portal.work) on each database."""

from contextlib import contextmanager

from sqlalchemy import event, func, select

from portal import work
from portal.accounts.models import Role, Site, User
from portal.audit.models import AuditEvent
from portal.extensions import db


def test_a_savepoint_before_the_first_write_commits_nothing(app):
    """SQLite begins its transaction at the first write; a savepoint opened before it must
    not start (and, when released, commit) a transaction of its own."""
    with db.session.begin_nested():
        db.session.add(Site(name="Kept only by the unit", country="NO",
                            timezone="Europe/Oslo"))
        db.session.flush()
    work.roll_back()
    assert db.session.scalar(select(func.count()).select_from(Site)) == 0


@contextmanager
def commits_counted():
    """How many COMMITs reach the database (on the connection, not the ORM)."""
    seen = []

    def count(_connection):
        seen.append(1)

    event.listen(db.engine, "commit", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "commit", count)


def test_a_request_that_only_reads_sends_no_commit_on_sqlite(client, login_as):
    login_as()
    work.commit()
    with commits_counted() as seen:
        assert client.get("/").status_code == 200
        assert client.get("/privacy").status_code == 200
    # On SQLite the driver says whether anything was written: nothing was, so no COMMIT.
    # Elsewhere each request commits, as before.
    if db.engine.dialect.name == "sqlite":
        assert seen == []
    else:
        assert len(seen) >= 2


def test_a_request_that_writes_commits_what_it_wrote(client, login_as):
    user = login_as()
    with commits_counted() as seen:
        response = client.post("/language", {"lang": "sv", "next": "/"})
    assert response.status_code == 303
    assert seen  # the request's COMMIT
    assert db.session.get(User, user.id).language == "sv"  # read after the request: kept


def test_a_request_that_only_waits_for_its_commit_still_commits(app):
    """A unit of work that wrote nothing but queued work for after its commit (a message)
    runs that work: the read-only shortcut never skips it."""
    ran = []
    with app.test_request_context("/"):
        work._start_request()
        work.after_commit(lambda: ran.append(True))
        response = app.make_response("")
        work._end_request(response)
    assert ran == [True]


def test_a_last_write_runs_just_before_the_commit_and_never_after_a_roll_back(app, site):
    """work.before_commit: in the unit of work, after everything else it did, and only when it
    commits. Until then the work holds no write transaction (SQLite's write lock)."""
    ran = []

    def write():
        ran.append(db.session.get(Site, site.id).name)  # sees what the work changed
        db.session.get(Site, site.id).name = "Skrevet sist"

    db.session.commit()
    name = site.name
    work.before_commit(write)
    work.roll_back()
    assert ran == []
    work.before_commit(write)
    db.session.get(Site, site.id).address = "Ny gate 1"
    if db.engine.dialect.name == "sqlite":
        assert not db.session.connection().connection.dbapi_connection.in_transaction
    work.commit()
    work.commit()  # nothing left to write
    assert ran == [name]  # once
    db.session.expire_all()
    assert (db.session.get(Site, site.id).name, db.session.get(Site, site.id).address) == (
        "Skrevet sist", "Ny gate 1")


def test_a_page_that_notes_a_read_writes_it_last(app, client, login_as, site):
    """The members list notes the read (the audit log) in the request's unit of work: last,
    so while the page is drawn the request holds no write lock on SQLite."""
    login_as(Role.COORDINATOR)
    work.commit()
    seen = []

    def first_write(connection, _cursor, statement, *_args):
        if not seen and not statement.lstrip().upper().startswith(("SELECT", "PRAGMA")):
            seen.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", first_write)
        try:
            assert client.get(f"/accounts/sites/{site.id}/members").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", first_write)
    assert seen and seen[0].lstrip().upper().startswith("INSERT INTO AUDIT_EVENT")
    assert db.session.scalars(select(AuditEvent.action)).all()[-1] == "members.view"


def test_collected_sections_come_in_the_order_of_their_names():
    """A person's data download lists the features' sections in one order, whatever order
    blinker runs their handlers in (it differs between processes)."""
    from blinker import Namespace

    from portal.signals import collect

    asked = Namespace().signal("asked")
    handlers = [lambda _sender: {"voice": 1}, lambda _sender: {"activities": 2},
                lambda _sender: {"meetings": 3, "goals": 4}]
    for handler in handlers:
        asked.connect(handler)
    assert list(collect(asked, None)) == ["activities", "goals", "meetings", "voice"]
