import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """Every test here reads service messages in English (tests/conftest.py)."""
