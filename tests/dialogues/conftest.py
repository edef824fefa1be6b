import pytest

from portal.accounts.models import Role
from portal.activities import services as activities
from portal.activities.models import Kind


@pytest.fixture(autouse=True)
def _english(english):
    """Every test here reads service messages in English (tests/conftest.py)."""


@pytest.fixture
def leader(make_user):
    return make_user(Role.VOLUNTEER, name="Lars Leader")


@pytest.fixture
def seminar(site, leader):
    return activities.create_activity(leader, site, activities.ActivityData(
        kind=Kind.DIALOGUE_SEMINAR, title="Møte med NAV"))
