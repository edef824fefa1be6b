"""The unit of work (portal.work) on each database."""

from contextlib import contextmanager

from sqlalchemy import event, func, select

from portal import work
from portal.accounts.models import Site, User
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
