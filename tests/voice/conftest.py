import pytest

from portal.accounts.models import Role
from portal.voice import services


@pytest.fixture(autouse=True)
def _english(english):
    """Every test here reads service messages in English (tests/conftest.py)."""


@pytest.fixture
def people(site, make_user):
    """A Norwegian meeting place: a coordinator, a volunteer, a proposer and three other
    participants (one reads Arabic)."""
    return {
        "coordinator": make_user(Role.COORDINATOR, name="Ingrid Coordinator", language="nb"),
        "volunteer": make_user(Role.VOLUNTEER, name="Lars Volunteer"),
        "proposer": make_user(name="Amina Proposer", language="nb"),
        "fatima": make_user(name="Fatima Supporter", language="ar"),
        "olena": make_user(name="Olena Supporter", language="en"),
        "other": make_user(name="Omar Other"),
    }


@pytest.fixture
def propose(site, people):
    def make(title="Cycling course for women", by=None, at=None, **extra):
        data = {"kind": "activity", "title": title,
                "description": "Learn to ride a bike together", "languages": ["no", "ar"],
                "can_help": True} | extra
        return services.propose(by or people["proposer"], at or site,
                                services.ProposalData(**data))

    return make
