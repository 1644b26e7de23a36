"""403s are logged as one WARNING line (method, path, user id, reason) without traceback;
404s stay one line; 500s keep their traceback."""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from casework.views.cases import CaseListView


@pytest.fixture
def records(caplog):
    caplog.set_level(logging.INFO)

    def _records(status: int) -> list[logging.LogRecord]:
        return [r for r in caplog.records if getattr(r, "status_code", None) == status]

    return _records


def test_a_refused_permission_is_one_line_without_traceback(client, world, caplog, records):
    user = world.users["resident_a"]
    client.force_login(user)
    caplog.clear()
    assert client.get("/c/a/cases/").status_code == 403
    (record,) = records(403)
    assert record.name == "django.request"
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert record.getMessage() == (
        f"Forbidden: GET /c/a/cases/ user={user.pk} reason=Permission denied"
    )
    # Nothing else about this request carries a traceback either.
    assert not [r for r in caplog.records if r.exc_info]
    assert "Traceback" not in caplog.text


def test_the_reason_given_with_permission_denied_is_logged(client, world, records):
    user = world.users["worker_a"]
    client.force_login(user)
    refusal = PermissionDenied("Only the community office may list cases")
    with mock.patch.object(CaseListView, "get", side_effect=refusal):
        assert client.get("/c/a/cases/?page=2").status_code == 403
    (record,) = records(403)
    assert record.exc_info is None
    assert record.getMessage() == (
        f"Forbidden: GET /c/a/cases/ user={user.pk} reason=Only the community office may list cases"
    )


def test_a_csrf_failure_is_one_line_with_an_anonymous_user(db, records):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"username": "1", "password": "x"}).status_code == 403
    (record,) = records(403)
    assert record.exc_info is None
    assert record.getMessage() == (
        "Forbidden: POST /accounts/login/ user=- reason=CSRF cookie not set."
    )


def test_not_found_stays_one_line_without_traceback(client, world, records):
    client.force_login(world.users["resident_a"])
    assert client.get("/c/no-such-community/cases/").status_code == 404
    (record,) = records(404)
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert record.getMessage() == "Not Found: /c/no-such-community/cases/"


def test_a_server_error_keeps_its_traceback(world, records):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["worker_a"])
    with mock.patch.object(CaseListView, "get", side_effect=RuntimeError("boom")):
        assert client.get("/c/a/cases/").status_code == 500
    (record,) = records(500)
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
