"""The case and rates exports neutralise text that a spreadsheet would run as a formula."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.casework.factories import CaseFactory
from tests.communities.test_exports import INJECTION, csv_cells

pytestmark = pytest.mark.django_db


def test_case_export_escapes_formulas_in_what_people_typed(client, world):
    CaseFactory(
        community=world.community_a,
        description=INJECTION,
        location_detail="@SUM(1+1)",
        reporter_name="-王大爷",
        reopen_count=0,
        created_by=world.users["worker_a"],
    )
    client.force_login(world.users["secretary_a"])
    response = client.get(reverse("casework:case_export", args=["a"]))
    assert response.status_code == 200
    rows = csv_cells(response.content)
    cells = [c for row in rows[1:] for c in row]
    assert "'" + INJECTION in cells
    assert "'@SUM(1+1)" in cells
    assert "'-王大爷" in cells
    assert not any(c.startswith(("=", "@", "-", "+")) for row in rows for c in row)
    # The count of reopenings is a number, written bare.
    assert rows[1][-1] == "0"


def test_rates_export_escapes_a_formula_in_the_community_name(client, world):
    world.community_a.name = INJECTION
    world.community_a.save()
    client.force_login(world.users["secretary_a"])
    response = client.get(reverse("casework:rates_export", args=["a"]))
    assert response.status_code == 200
    rows = csv_cells(response.content)
    assert rows[0][1] == "'" + INJECTION
    # Counts are bare numbers.
    assert rows[3][1] == "0"
