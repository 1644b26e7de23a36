"""The volunteer roster and hours spreadsheets neutralise text that a spreadsheet would run
as a formula; numbers stay numbers, a negative number held as text is escaped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.communities.test_exports import INJECTION, csv_cells
from tests.volunteers.factories import HoursEntryFactory, TeamFactory, VolunteerFactory
from tests.volunteers.test_team_roster_pages import book, make_shift, make_volunteer

pytestmark = pytest.mark.django_db


def test_roster_csv_escapes_duty_place_team_and_names(client, world):
    community = world.community_a
    team = TeamFactory(community=community, name="-巡逻队")
    shift = make_shift(
        community, team, timezone.now() + dt.timedelta(days=1), title=INJECTION, place="@北门"
    )
    book(shift, make_volunteer(community, "=小王", user=False))
    client.force_login(world.users["worker_a"])
    week = timezone.localtime(shift.starts_at).date().isoformat()
    response = client.get(reverse("volunteers:roster_csv", args=["a"]), {"week": week})
    assert response.status_code == 200
    row = next(r for r in csv_cells(response.content) if r and r[3].endswith(INJECTION))
    assert row[3:6] == ["'" + INJECTION, "'@北门", "'-巡逻队"]
    assert row[6:] == ["3", "1", "'=小王"]


def test_hours_csv_escapes_names_and_negative_hours_text_but_not_minutes(client, world):
    volunteer = VolunteerFactory(community=world.community_a, name=INJECTION)
    HoursEntryFactory(volunteer=volunteer, minutes=-90, day=dt.date(2030, 6, 1))
    client.force_login(world.users["worker_a"])
    response = client.get(reverse("volunteers:hours_csv", args=["a"]), {"year": 2030, "month": 6})
    assert response.status_code == 200
    row = next(r for r in csv_cells(response.content) if r and r[0].endswith(INJECTION))
    # Name, armband, platform number, hours, confirmed hours, minutes, entries.
    assert row[0] == "'" + INJECTION
    assert row[3] == "'-1.5"
    assert row[5:] == ["-90", "1"]
