"""The role × URL matrix shared by the casework page tests: who is asked, and what an
answer of each kind must look like."""

from __future__ import annotations

import pytest
from django.urls import reverse

# Every casework page is asked by these users, in this order (one column each).
ROLES = (
    "anonymous",
    "reporter",  # resident_a, who reported the case
    "other_resident",  # another verified resident of community A
    "worker_a",
    "secretary_a",
    "secretary_b",  # the secretary of another community
    "property_in_group",  # property staff in the case's task group
    "property_not_in_group",  # property staff of A, not in that group
    "subdistrict_a",
    "superuser",
)
# Sent to the login page.
LOGIN = "login"
# A POST that was allowed: redirected back (not to the login page), and the row changed.
OK = "ok"


def params(expected: dict[str, tuple]) -> list:
    """One pytest case per URL name and role, from a table of rows of ROLES columns."""
    return [
        pytest.param(name, role, outcome, id=f"{name}-{role}")
        for name, row in expected.items()
        for role, outcome in zip(ROLES, row, strict=True)
    ]


def assert_answer(response, expected, label: str) -> None:
    """The response is what the table says: a login redirect, an allowed POST's redirect
    elsewhere, or the status code."""
    if expected == LOGIN:
        assert response.status_code == 302, label
        assert response["Location"].startswith(reverse("accounts:login")), label
    elif expected == OK:
        assert response.status_code == 302, label
        assert not response["Location"].startswith(reverse("accounts:login")), label
    else:
        assert response.status_code == expected, label
