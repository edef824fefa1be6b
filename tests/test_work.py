"""The unit of work (portal.work) on each database."""

from sqlalchemy import func, select

from portal import work
from portal.accounts.models import Site
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
