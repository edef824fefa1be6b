import pytest

from portal.accounts.models import Role
from portal.activities import services
from portal.activities.models import Kind


@pytest.fixture
def leader(make_user):
    return make_user(Role.VOLUNTEER, name="Lars Leader")


@pytest.fixture
def make_activity(site, leader):
    def make(kind=Kind.STUDY_CIRCLE, capacity=3, title="Svenska för nybörjare", **extra):
        return services.create_activity(leader, site, services.ActivityData(
            kind=kind, title=title, capacity=capacity, **extra))

    return make
