"""Who may read the 修改记录 and the operation log: a role × URL matrix over every kind
of record, and the links on the detail pages shown only to them.

- the secretary (and deputy) of the community, the subdistrict/district staff above it
  and superusers read them;
- workers, residents and property staff of the community get 403;
- users of another community get 404, as for every other ``/c/a/…`` page.
"""

import pytest
from django.urls import reverse

from audit import urls as audit_urls
from audit.history import KINDS
from casework.models import Case
from communities.models import CommunityRole
from tests.casework.factories import CaseFactory
from tests.deliberation.factories import ProposalFactory
from tests.factories import AreaStaffRoleFactory, CommunityRoleFactory, UserFactory
from tests.governance.council_factories import (
    AgreementFactory,
    CoordinationCouncilFactory,
    JointMeetingFactory,
)

ROLES = (
    "anonymous",
    "resident_a",
    "resident_b",
    "worker_a",
    "secretary_a",
    "secretary_b",
    "property_a",
    "subdistrict_a",
    "superuser",
)
LOGIN = "login"

# fmt: off
EXPECTED = {
    #                 anon   res_a res_b work_a sec_a sec_b prop_a sub_a super
    "audit:history": (LOGIN, 403,  404,  403,   200,  404,  403,   200,  200),
    "audit:log":     (LOGIN, 403,  404,  403,   200,  404,  403,   200,  200),
}
# fmt: on


def test_matrix_covers_every_url_name():
    assert set(EXPECTED) == {f"audit:{p.name}" for p in audit_urls.urlpatterns}


@pytest.fixture
def records(world):
    """One record of community A of every kind the history page knows."""
    community = world.community_a
    council = CoordinationCouncilFactory(community=community)
    agreement = AgreementFactory(member__council=council)
    resident = world.users["resident_a"].resident
    return {
        "resident": resident.pk,
        "household": world.household_a.pk,
        "role": CommunityRole.objects.get(user=world.users["worker_a"]).pk,
        "organisation": agreement.member.organisation.pk,
        "council": council.pk,
        "member": agreement.member.pk,
        "agreement": agreement.pk,
        "meeting": JointMeetingFactory(council=council).pk,
        "proposal": ProposalFactory(community=community, status="submitted").pk,
        "case": CaseFactory(community=community).pk,
    }


def _check(client, url, expected, role):
    response = client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302, role
        assert response["Location"].startswith(reverse("accounts:login"))
        return
    assert response.status_code == expected, f"{url} as {role}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_history_matrix_for_every_kind(world, client, records, role):
    assert set(records) == set(KINDS)
    if role != "anonymous":
        client.force_login(world.users[role])
    expected = EXPECTED["audit:history"][ROLES.index(role)]
    for kind, pk in records.items():
        _check(client, reverse("audit:history", args=["a", kind, pk]), expected, role)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_log_matrix(world, client, role):
    if role != "anonymous":
        client.force_login(world.users[role])
    _check(client, reverse("audit:log", args=["a"]), EXPECTED["audit:log"][ROLES.index(role)], role)


@pytest.mark.django_db
def test_deputy_secretary_and_district_staff_read_history_but_other_areas_do_not(
    world, client, records
):
    deputy = UserFactory()
    CommunityRoleFactory(
        user=deputy, community=world.community_a, role=CommunityRole.Role.DEPUTY_SECRETARY
    )
    district = AreaStaffRoleFactory(
        subdistrict=None, district=world.community_a.subdistrict.district
    ).user
    elsewhere = AreaStaffRoleFactory(subdistrict=world.community_b.subdistrict).user
    url = reverse("audit:history", args=["a", "case", records["case"]])
    for user, status in ((deputy, 200), (district, 200), (elsewhere, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.get(reverse("audit:log", args=["a"])).status_code == status


# ---------------------------------------------------------------- links on the pages


def _pages(world, records):
    community = world.community_a
    case = Case.objects.get(pk=records["case"])
    return [
        reverse("communities:resident_detail", args=["a", records["resident"]]),
        reverse("communities:household_detail", args=["a", records["household"]]),
        reverse("governance:council", args=["a"]),
        reverse("governance:meeting_detail", args=["a", records["meeting"]]),
        reverse("governance:organisation_detail", args=["a", records["organisation"]]),
        reverse("deliberation:proposal_detail", args=["a", records["proposal"]]),
        reverse("casework:case_detail", args=[community.code, case.pk]),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "shown"), [("secretary_a", True), ("subdistrict_a", True)])
def test_history_links_appear_for_those_allowed(world, client, records, role, shown):
    client.force_login(world.users[role])
    for url in _pages(world, records):
        response = client.get(url)
        assert response.status_code == 200, url
        assert ("/history/" in response.content.decode()) is shown, url


@pytest.mark.django_db
def test_history_links_are_hidden_from_workers(world, client, records):
    client.force_login(world.users["worker_a"])
    for url in _pages(world, records):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "/history/" not in response.content.decode(), url


@pytest.mark.django_db
def test_role_list_links_each_role_to_its_history(world, client, records):
    client.force_login(world.users["secretary_a"])
    html = client.get(reverse("communities:role_list", args=["a"])).content.decode()
    assert reverse("audit:history", args=["a", "role", records["role"]]) in html


@pytest.mark.django_db
def test_dashboard_links_the_operation_log_for_the_secretary_only(world, client):
    log = reverse("audit:log", args=["a"])
    dashboard = reverse("communities:dashboard", args=["a"])
    client.force_login(world.users["secretary_a"])
    assert log in client.get(dashboard).content.decode()
    client.force_login(world.users["worker_a"])
    assert log not in client.get(dashboard).content.decode()
