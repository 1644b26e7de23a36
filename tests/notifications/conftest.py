import pytest

from notifications import services


@pytest.fixture(autouse=True)
def broker_not_known_to_be_down(monkeypatch):
    """Each test starts as if Redis had never failed (the memo is per process)."""
    monkeypatch.setattr(services, "_broker_down_until", 0.0, raising=False)
