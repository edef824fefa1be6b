from tests.activities.conftest import _english, first_elsewhere, leader, make_activity  # noqa: F401
from tests.employment.conftest import road  # noqa: F401
