"""Helpers for the audit-trail tests."""

from contextlib import contextmanager

import pytest
from django.test import RequestFactory
from simple_history.middleware import _context_manager


@contextmanager
def acting_as(user):
    """Run service calls as if inside a request by ``user`` (what the middleware does)."""
    request = RequestFactory().get("/")
    request.user = user
    with _context_manager(request):
        yield


@pytest.fixture
def as_user():
    return acting_as
