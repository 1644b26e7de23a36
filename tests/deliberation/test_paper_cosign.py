"""The office records co-signatures given on paper, and sets the threshold."""

import pytest
from django.urls import reverse

from deliberation.models import CoSign, DeliberationSettings, Proposal
from tests.deliberation.factories import ProposalFactory
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(world):
    return ProposalFactory(community=world.community_a, status=Proposal.Status.SUBMITTED)


def url(name, *args):
    return reverse(f"deliberation:{name}", args=["a", *args])


def test_worker_finds_a_resident_and_records_their_paper_cosignature(world, login, proposal):
    elder = ResidentFactory(household=world.household_a, name="赵大爷", phone="")
    office = login(world.users["worker_a"])
    page = office.get(url("proposal_paper_cosign", proposal.pk), {"q": "赵大"})
    assert page.status_code == 200
    assert [r for r, _signed in page.context["found"]] == [elder]
    office.post(url("proposal_paper_cosign", proposal.pk), {"resident": elder.pk})
    office.post(url("proposal_paper_cosign", proposal.pk), {"resident": elder.pk})
    assert CoSign.objects.filter(proposal=proposal, resident=elder).count() == 1


def test_paper_cosignature_refuses_residents_of_another_community(world, login, proposal):
    office = login(world.users["worker_a"])
    foreign = world.users["resident_b"].resident
    response = office.post(url("proposal_paper_cosign", proposal.pk), {"resident": foreign.pk})
    assert response.status_code == 404
    assert not CoSign.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("resident_a", 403), ("secretary_b", 404)])
def test_only_the_office_records_paper_cosignatures(world, login, proposal, role, status):
    client = login(world.users[role])
    assert client.get(url("proposal_paper_cosign", proposal.pk)).status_code == status
    assert client.get(url("settings")).status_code == status


def test_office_sets_the_threshold_and_bad_values_are_refused(world, login):
    office = login(world.users["secretary_a"])
    assert office.post(url("settings"), {"cosign_threshold": "0"}).status_code == 200
    assert not DeliberationSettings.objects.exists()
    response = office.post(url("settings"), {"cosign_threshold": "25"})
    assert response.status_code == 302
    assert DeliberationSettings.objects.get(community=world.community_a).cosign_threshold == 25
