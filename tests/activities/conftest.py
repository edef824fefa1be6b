import pytest
from sqlalchemy import event

from portal.accounts.models import Role
from portal.activities import services
from portal.activities.models import Kind
from portal.extensions import db


@pytest.fixture(autouse=True)
def _english(english):
    """Every test here reads service messages in English (tests/conftest.py)."""


@pytest.fixture
def leader(make_user):
    return make_user(Role.VOLUNTEER, name="Lars Leader")


@pytest.fixture
def make_activity(site, leader):
    def make(kind=Kind.STUDY_CIRCLE, capacity=3, title="Svenska för nybörjare", **extra):
        return services.create_activity(leader, site, services.ActivityData(
            kind=kind, title=title, capacity=capacity, **extra))

    return make


@pytest.fixture
def first_elsewhere():
    """first_elsewhere("INSERT INTO follow", statement): another request gets there first —
    `statement` runs and commits on a connection of its own right before this session's next
    SQL that starts so (after the service checked, before it writes)."""
    listeners = []

    def arrange(start: str, statement) -> None:
        pending = [statement]

        def run_first(_conn, _cursor, sql, *_args):
            if pending and sql.startswith(start):
                with db.engine.begin() as other:
                    other.execute(pending.pop())

        event.listen(db.engine, "before_cursor_execute", run_first)
        listeners.append(run_first)

    yield arrange
    for listener in listeners:
        event.remove(db.engine, "before_cursor_execute", listener)
