"""Roster files: full mobile numbers only for the secretary, and each such export in the
operation log; workers and area staff get 138****5678 and leave no entry."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from communities.models import CommunityRole
from tests.factories import CommunityRoleFactory, ResidentFactory, UserFactory

FULL = "13612345678"
MASKED = "136****5678"


def export(client, fmt="csv"):
    return client.get(reverse("communities:roster_export", args=["a", fmt]))


def text_of(response, fmt) -> str:
    if fmt == "csv":
        return response.content.decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return "\n".join(",".join(str(c or "") for c in row) for row in sheet.values)


@pytest.fixture
def numbered(world):
    return ResidentFactory(household=world.household_a, name="李秀英", phone=FULL)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_secretary_exports_full_numbers_and_it_is_logged(world, login, numbered, fmt):
    secretary = world.users["secretary_a"]
    response = export(login(secretary), fmt)
    assert response.status_code == 200
    text = text_of(response, fmt)
    assert FULL in text and MASKED not in text
    event = AuditEvent.objects.get()
    assert event.community == world.community_a
    assert event.user == secretary
    assert event.action == AuditEvent.Action.ROSTER_EXPORT_FULL
    assert event.file_format == fmt
    # One row per resident (two here: the fixture's resident and this one), header aside.
    assert event.row_count == len(text.strip().splitlines()) - 1 == 2


@pytest.mark.django_db
def test_a_deputy_secretary_exports_full_numbers_too(world, login, numbered):
    deputy = UserFactory()
    CommunityRoleFactory(
        user=deputy, community=world.community_a, role=CommunityRole.Role.DEPUTY_SECRETARY
    )
    assert FULL in text_of(export(login(deputy)), "csv")
    assert AuditEvent.objects.get().user == deputy


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["worker_a", "subdistrict_a"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_workers_and_area_staff_get_masked_numbers_and_no_log_entry(
    world, login, numbered, role, fmt
):
    response = export(login(world.users[role]), fmt)
    assert response.status_code == 200
    text = text_of(response, fmt)
    assert MASKED in text and FULL not in text
    assert "李秀英" in text
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["resident_a", "property_a"])
def test_others_get_no_roster(world, login, numbered, role):
    assert export(login(world.users[role])).status_code == 403
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_downloading_the_blank_template_is_not_logged(world, login):
    client = login(world.users["secretary_a"])
    response = client.get(reverse("communities:roster_template", args=["a", "csv"]))
    assert response.status_code == 200
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_the_operation_log_lists_exports_newest_first(world, login, numbered):
    secretary = world.users["secretary_a"]
    export(login(secretary), "csv")
    export(login(secretary), "xlsx")
    # Another community's export stays in that community's log.
    AuditEvent.objects.create(
        community=world.community_b,
        user=world.users["secretary_b"],
        action=AuditEvent.Action.ROSTER_EXPORT_FULL,
        file_format="csv",
        row_count=99,
    )
    for role in ("secretary_a", "subdistrict_a"):
        html = login(world.users[role]).get(reverse("audit:log", args=["a"])).content.decode()
        assert html.index("XLSX") < html.index("CSV")
        assert secretary.display_name in html
        assert secretary.phone not in html  # who: name and masked number
        assert ">99<" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("events", [2, 40])
def test_operation_log_query_count_is_fixed(world, login, django_assert_max_num_queries, events):
    AuditEvent.objects.bulk_create(
        AuditEvent(
            community=world.community_a,
            user=world.users["secretary_a"],
            action=AuditEvent.Action.ROSTER_EXPORT_FULL,
            file_format="csv",
            row_count=i,
        )
        for i in range(events)
    )
    client = login(world.users["secretary_a"])
    url = reverse("audit:log", args=["a"])
    client.get(url)
    # session, user, community, scope (roles, area roles, home), count, page with users,
    # unread notifications = 9 at both sizes.
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_log_is_read_only_in_admin(world, client, numbered):
    client.force_login(world.users["superuser"])
    export(client)
    event = AuditEvent.objects.get()
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"row_count": 0}).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.row_count == 2
