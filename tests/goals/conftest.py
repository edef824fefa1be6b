import pytest

from portal.i18n import force_locale


@pytest.fixture(autouse=True)
def _english():
    """Service messages outside a request are in the default language (nb): read English."""
    with force_locale("en"):
        yield
