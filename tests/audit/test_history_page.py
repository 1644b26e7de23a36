"""The 修改记录 page: newest first, who (name, masked number), when (Beijing time), what,
and each changed field as old → new with choices and linked records by their names."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from casework import services as case_services
from casework.models import Case
from communities import services as community_services
from communities.models import Resident
from deliberation import services as deliberation_services
from deliberation.models import Proposal, ProposalEvent
from tests.audit.conftest import acting_as
from tests.casework.factories import CaseCategoryFactory
from tests.deliberation.factories import ProposalFactory
from tests.factories import HouseholdFactory, ResidentFactory
from tests.governance.council_factories import (
    AgreementFactory,
    CoordinationCouncilFactory,
    JointMeetingFactory,
    OrganisationFactory,
    ResolutionFactory,
)

BEIJING = ZoneInfo("Asia/Shanghai")


def history_url(kind, pk, code="a"):
    return reverse("audit:history", args=[code, kind, pk])


def zh(text) -> str:
    """The Chinese of a message id or a lazy label, as the page shows it."""
    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def entries(html: str) -> list[str]:
    return re.findall(r'<li class="bg-white rounded p-3 mb-2 history-entry">(.*?)</li>', html, re.S)


@pytest.fixture
def edited_resident(world):
    """A resident recorded by the worker, then moved, renamed and renumbered by them."""
    worker = world.users["worker_a"]
    other_home = HouseholdFactory(entrance=world.household_a.entrance, room="102")
    with acting_as(worker):
        resident = community_services.resident_save(
            resident=Resident(household=world.household_a, name="张桂兰", phone="13800138000"),
            by=worker,
        )
        resident.name = "张桂芝"
        resident.phone = "13900139000"
        resident.household = other_home
        resident.is_owner = True
        community_services.resident_save(resident=resident, by=worker)
    return resident, other_home


@pytest.mark.django_db
def test_a_change_shows_each_field_old_to_new_with_names_not_ids(world, login, edited_resident):
    resident, other_home = edited_resident
    response = login(world.users["secretary_a"]).get(history_url("resident", resident.pk))
    assert response.status_code == 200
    html = response.content.decode()
    newest, created = entries(html)
    # Newest first: the change, then the creation.
    assert zh(Resident._meta.verbose_name) in newest
    assert zh("changed") in newest and zh("created") in created
    # Field labels are the models' verbose names; old values are struck through.
    assert zh(Resident._meta.get_field("name").verbose_name) in newest
    assert "<del>张桂兰</del>" in newest and "张桂芝" in newest
    # A linked record by its name (building, entrance, room), not its number.
    assert f"<del>{world.household_a}</del>" in newest and str(other_home) in newest
    assert f"<del>{zh('no')}</del>" in newest and zh("yes") in newest
    # Fields that did not change are not listed.
    assert zh(Resident._meta.get_field("birth_year").verbose_name) not in newest
    # Who: the worker's name and masked number.
    worker = world.users["worker_a"]
    masked = f"{worker.phone[:3]}****{worker.phone[7:]}"
    assert worker.display_name in newest and masked in newest and worker.phone not in newest


@pytest.mark.django_db
def test_times_are_beijing_time(world, login, edited_resident):
    resident, _home = edited_resident
    row = Resident.history.filter(id=resident.pk).order_by("-history_date").first()
    html = login(world.users["secretary_a"]).get(history_url("resident", resident.pk)).content
    local = row.history_date.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    assert local in html.decode()


@pytest.mark.django_db
def test_choices_show_their_labels(world, login):
    resident = ResidentFactory(
        household=world.household_a, verification_status=Resident.Verification.PENDING
    )
    with acting_as(world.users["worker_a"]):
        community_services.resident_verify(resident=resident, by=world.users["worker_a"])
    html = login(world.users["secretary_a"]).get(history_url("resident", resident.pk))
    newest = entries(html.content.decode())[0]
    assert f"<del>{zh(Resident.Verification.PENDING.label)}</del>" in newest
    assert zh(Resident.Verification.VERIFIED.label) in newest


@pytest.mark.django_db
def test_mobile_numbers_in_the_history_are_full_for_the_office_masked_for_area_staff(
    world, login, edited_resident
):
    resident, _home = edited_resident
    url = history_url("resident", resident.pk)
    office = login(world.users["secretary_a"]).get(url).content.decode()
    assert "13800138000" in office and "13900139000" in office
    area = login(world.users["subdistrict_a"]).get(url).content.decode()
    assert "13800138000" not in area and "13900139000" not in area
    assert "138****8000" in area and "139****9000" in area


@pytest.mark.django_db
def test_a_write_without_a_user_shows_the_system(world, login):
    resident = world.users["resident_a"].resident
    community_services.resident_reject(resident=resident, by=None, reason="不在本户")
    html = login(world.users["secretary_a"]).get(history_url("resident", resident.pk))
    assert zh("System") in entries(html.content.decode())[0]


@pytest.mark.django_db
def test_a_deleted_record_keeps_its_history_page(world, login):
    resident = ResidentFactory(household=world.household_a, name="错录")
    pk = resident.pk
    with acting_as(world.users["worker_a"]):
        community_services.roster_delete(obj=resident)
    response = login(world.users["secretary_a"]).get(history_url("resident", pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert zh("deleted") in entries(html)[0]
    assert world.users["worker_a"].display_name in entries(html)[0]
    # Which record it was: its last values.
    assert "错录" in entries(html)[0]
    # …but only in its own community.
    assert (
        login(world.users["secretary_b"]).get(history_url("resident", pk, "b")).status_code == 404
    )


@pytest.mark.django_db
def test_the_household_timeline_includes_its_residents(world, login, edited_resident):
    _resident, other_home = edited_resident
    html = login(world.users["secretary_a"]).get(history_url("household", other_home.pk))
    text = html.content.decode()
    assert zh(Resident._meta.verbose_name) in text and "张桂芝" in text


@pytest.mark.django_db
def test_the_proposal_timeline_shows_its_steps(world, login):
    worker = world.users["worker_a"]
    proposal = ProposalFactory(community=world.community_a, status=Proposal.Status.SUBMITTED)
    with acting_as(worker):
        deliberation_services.proposal_step(
            proposal=proposal, to_status=Proposal.Status.ON_AGENDA, by=worker, roles={"office"}
        )
    html = login(world.users["secretary_a"]).get(history_url("proposal", proposal.pk))
    first, second = entries(html.content.decode())[:2]
    pair = {first, second}
    assert any(zh(ProposalEvent._meta.verbose_name) in e for e in pair)
    assert any(
        f"<del>{zh(Proposal.Status.SUBMITTED.label)}</del>" in e
        and zh(Proposal.Status.ON_AGENDA.label) in e
        for e in pair
    )


@pytest.mark.django_db
def test_the_case_timeline_shows_its_steps(world, login):
    worker = world.users["worker_a"]
    with acting_as(worker):
        case = case_services.case_create(
            community=world.community_a,
            by=worker,
            source=Case.Source.PHONE,
            category=CaseCategoryFactory(name="照明"),
            description="楼道灯坏了",
            reporter_name="王大爷",
            reporter_phone="13911112222",
        )
        case_services.case_act(case=case, by=worker, kind="fixed", note="已更换灯泡")
    text = login(world.users["subdistrict_a"]).get(history_url("case", case.pk)).content.decode()
    assert "已更换灯泡" in text and "照明" in text
    # Area staff see the reporter's number masked.
    assert "13911112222" not in text and "139****2222" in text


@pytest.mark.django_db
def test_the_timeline_is_paginated_newest_first(world, login):
    resident = ResidentFactory(household=world.household_a, birth_year=1950)
    with acting_as(world.users["worker_a"]):
        for year in range(1951, 1981):
            resident.birth_year = year
            community_services.resident_save(resident=resident)
    client = login(world.users["secretary_a"])
    first = entries(client.get(history_url("resident", resident.pk)).content.decode())
    assert len(first) == 20
    assert "1980" in first[0] and "<del>1979</del>" in first[0]
    second = entries(client.get(history_url("resident", resident.pk), {"page": 2}).content.decode())
    # 30 changes and the creation: 20 + 11, the creation last.
    assert len(second) == 11
    assert "<del>1950</del>" in second[-2]
    assert zh("created") in second[-1] and "1950" in second[-1]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["organisation", "council", "member", "agreement", "meeting"])
def test_governance_records_have_a_history_page(world, login, kind):
    community = world.community_a
    council = CoordinationCouncilFactory(community=community)
    organisation = OrganisationFactory(community=community)
    agreement = AgreementFactory(member__council=council, member__organisation=organisation)
    meeting = JointMeetingFactory(council=council)
    ResolutionFactory(meeting=meeting, owner=agreement.member, text="修缮车棚")
    pk = {
        "organisation": organisation.pk,
        "council": council.pk,
        "member": agreement.member.pk,
        "agreement": agreement.pk,
        "meeting": meeting.pk,
    }[kind]
    response = login(world.users["secretary_a"]).get(history_url(kind, pk))
    assert response.status_code == 200
    assert entries(response.content.decode())
    if kind == "meeting":
        assert "修缮车棚" in response.content.decode()


@pytest.mark.django_db
def test_unknown_kinds_and_other_communities_records_are_404(world, login):
    client = login(world.users["secretary_a"])
    assert client.get(history_url("ballot", 1)).status_code == 404
    other = world.users["resident_b"].resident
    assert client.get(history_url("resident", other.pk)).status_code == 404
    assert client.get(history_url("resident", 999999)).status_code == 404
    # The record exists, but in community B: asking through A's address finds nothing.
    assert client.get(history_url("household", world.household_b.pk)).status_code == 404


@pytest.mark.django_db
def test_the_page_has_no_edit_controls(world, login, edited_resident):
    resident, _home = edited_resident
    html = login(world.users["secretary_a"]).get(history_url("resident", resident.pk))
    assert "<form" not in html.content.decode().split("<main", 1)[-1].split("</main>")[0]


def _sizes():
    return [3, 30]


@pytest.mark.django_db
@pytest.mark.parametrize("changes", _sizes())
def test_history_page_query_count_is_fixed(world, login, django_assert_max_num_queries, changes):
    worker = world.users["worker_a"]
    resident = ResidentFactory(household=world.household_a, birth_year=1950)
    homes = [HouseholdFactory(entrance=world.household_a.entrance) for _ in range(3)]
    with acting_as(worker):
        for i in range(changes):
            resident.birth_year = 1951 + i
            resident.household = homes[i % 3]
            community_services.resident_save(resident=resident)
    client = login(world.users["secretary_a"])
    url = history_url("resident", resident.pk)
    client.get(url)
    # session, user, the community, the user's scope (roles, area roles, home), the record
    # exists, the merged count and page, the page's history rows, their previous versions,
    # the households named (one query for all), the record's name, unread notifications
    # = 14, at 3 changes as at 30.
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    assert len(entries(response.content.decode())) == min(changes + 1, 20)


@pytest.mark.django_db
@pytest.mark.parametrize("cosigns", [2, 25])
def test_proposal_history_query_count_is_fixed(
    world, login, django_assert_max_num_queries, cosigns
):
    """Four sources (the proposal, its steps, co-signatures, opinions) on one page."""
    from deliberation.models import CoSign

    worker = world.users["worker_a"]
    proposal = ProposalFactory(community=world.community_a, status=Proposal.Status.SUBMITTED)
    with acting_as(worker):
        for i in range(cosigns):
            resident = ResidentFactory(household=world.household_a, name=f"附议人{i}")
            CoSign.objects.create(proposal=proposal, resident=resident)
        deliberation_services.proposal_step(
            proposal=proposal, to_status=Proposal.Status.ON_AGENDA, by=worker, roles={"office"}
        )
    client = login(world.users["subdistrict_a"])
    url = history_url("proposal", proposal.pk)
    client.get(url)
    # 7 for the request, the record and its name; 2 for the merged count and page; per
    # source on the page its rows and their previous versions (≤ 2 × 3 here, the proposal
    # and the step and co-signatures); one per kind of linked record named (residents,
    # users, categories…) ≤ 4; unread notifications = ≤ 20 at both sizes.
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    # Created, each co-signature, the step and the status change.
    assert len(entries(response.content.decode())) == min(cosigns + 3, 20)


@pytest.mark.django_db
def test_a_record_older_than_the_history_shows_its_values_as_saved(world, login):
    """The first change of a record created before the audit trail existed has no earlier
    version: its values are shown as saved, not as a made-up "—" before."""
    resident = ResidentFactory(household=world.household_a, name="老住户", birth_year=1940)
    Resident.history.filter(id=resident.pk).delete()  # as if recorded before the trail
    with acting_as(world.users["worker_a"]):
        resident.birth_year = 1941
        community_services.resident_save(resident=resident)
    html = login(world.users["secretary_a"]).get(history_url("resident", resident.pk))
    (only,) = entries(html.content.decode())
    assert "1941" in only and "<del>" not in only
