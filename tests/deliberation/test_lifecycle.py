"""A proposal's life (deliberation.services.proposal_step) and co-signing (cosign_add).

The expected lifecycle is written out below as data, independently of
deliberation.lifecycle.TRANSITIONS, and every (from, to, actor) combination is checked
against it through the service.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from communities.models import Resident
from deliberation import services
from deliberation.models import CoSign, Proposal, ProposalEvent
from tests.deliberation.factories import BallotFactory, ProposalFactory, beijing, race
from tests.factories import HouseholdFactory, ResidentFactory, UserFactory

S = Proposal.Status
ALL_STATUSES = [choice.value for choice in S]

# Who may make which step — the lifecycle as the domain describes it.
PROPOSER, OFFICE, SYSTEM = "proposer", "office", "system"
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("draft", "submitted"): {PROPOSER, OFFICE},
    ("submitted", "on_agenda"): {OFFICE},
    ("submitted", "declined"): {OFFICE},
    ("on_agenda", "in_deliberation"): {OFFICE},
    ("on_agenda", "declined"): {OFFICE},
    ("in_deliberation", "voting"): {OFFICE},
    ("voting", "passed"): {SYSTEM},
    ("voting", "rejected"): {SYSTEM},
    ("passed", "in_implementation"): {OFFICE},
    ("in_implementation", "completed"): {OFFICE},
    ("draft", "withdrawn"): {PROPOSER},
    ("submitted", "withdrawn"): {PROPOSER},
    ("on_agenda", "withdrawn"): {PROPOSER},
    ("in_deliberation", "withdrawn"): {PROPOSER},
}
ACTORS = {"proposer": {PROPOSER}, "office": {OFFICE}, "system": {SYSTEM}, "nobody": set()}

CASES = [
    pytest.param(frm, to, actor, id=f"{frm}->{to}-{actor}")
    for frm, to in itertools.product(ALL_STATUSES, ALL_STATUSES)
    for actor in ACTORS
]


def test_the_expected_table_names_only_real_statuses():
    """Guards the hand-written table against typos (a typo would make a case vacuous)."""
    assert {s for pair in EXPECTED for s in pair} <= set(ALL_STATUSES)
    assert len(ALL_STATUSES) == 11
    assert len(CASES) == 11 * 11 * 4


@pytest.mark.django_db
@pytest.mark.parametrize(("frm", "to", "actor"), CASES)
def test_every_step_is_allowed_exactly_when_the_lifecycle_says_so(frm, to, actor):
    by = UserFactory()
    proposal = ProposalFactory(status=frm)
    allowed = bool(ACTORS[actor] & EXPECTED.get((frm, to), set()))

    if allowed:
        returned = services.proposal_step(
            proposal=proposal, to_status=to, by=by, roles=ACTORS[actor], comment="  议事会决定  "
        )
        assert returned.status == to
        proposal.refresh_from_db()
        assert proposal.status == to
        event = ProposalEvent.objects.get(proposal=proposal)
        assert (event.from_status, event.to_status, event.by, event.comment) == (
            frm,
            to,
            by,
            "议事会决定",
        )
        assert event.at is not None
    else:
        with pytest.raises(ValidationError):
            services.proposal_step(
                proposal=proposal, to_status=to, by=by, roles=ACTORS[actor], comment="议事会决定"
            )
        proposal.refresh_from_db()
        assert proposal.status == frm
        assert proposal.submitted_at is None
        assert proposal.decline_reason == ""
        assert not ProposalEvent.objects.filter(proposal=proposal).exists()


@pytest.mark.django_db
def test_submitting_stamps_the_submission_time():
    proposal = ProposalFactory(status=S.DRAFT)
    moment = beijing(2026, 3, 2, 10)
    with time_machine.travel(moment, tick=False):
        services.proposal_step(
            proposal=proposal, to_status=S.SUBMITTED, by=proposal.created_by, roles={PROPOSER}
        )
    proposal.refresh_from_db()
    assert proposal.submitted_at == moment


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("frm", "to", "roles"),
    [
        (S.SUBMITTED, S.DECLINED, {OFFICE}),
        (S.ON_AGENDA, S.DECLINED, {OFFICE}),
        (S.DRAFT, S.WITHDRAWN, {PROPOSER}),
        (S.SUBMITTED, S.WITHDRAWN, {PROPOSER}),
        (S.ON_AGENDA, S.WITHDRAWN, {PROPOSER}),
        (S.IN_DELIBERATION, S.WITHDRAWN, {PROPOSER}),
    ],
)
@pytest.mark.parametrize("comment", ["", "   "])
def test_declining_and_withdrawing_need_a_reason(frm, to, roles, comment):
    proposal = ProposalFactory(status=frm)
    with pytest.raises(ValidationError) as excinfo:
        services.proposal_step(
            proposal=proposal, to_status=to, by=proposal.created_by, roles=roles, comment=comment
        )
    assert "comment" in excinfo.value.message_dict
    proposal.refresh_from_db()
    assert proposal.status == frm
    assert not ProposalEvent.objects.filter(proposal=proposal).exists()


@pytest.mark.django_db
def test_declining_keeps_the_reason_on_the_proposal():
    proposal = ProposalFactory(status=S.SUBMITTED)
    office = UserFactory()
    services.proposal_step(
        proposal=proposal, to_status=S.DECLINED, by=office, roles={OFFICE}, comment="不属于社区事务"
    )
    proposal.refresh_from_db()
    assert proposal.decline_reason == "不属于社区事务"
    assert ProposalEvent.objects.get(proposal=proposal).comment == "不属于社区事务"


@pytest.mark.django_db
@pytest.mark.parametrize("frm", [S.VOTING, S.PASSED, S.REJECTED, S.IN_IMPLEMENTATION, S.COMPLETED])
def test_withdrawing_is_impossible_once_voting_has_started(frm):
    proposal = ProposalFactory(status=frm)
    with pytest.raises(ValidationError):
        services.proposal_step(
            proposal=proposal,
            to_status=S.WITHDRAWN,
            by=proposal.created_by,
            roles={PROPOSER, OFFICE, SYSTEM},
            comment="不想办了",
        )
    proposal.refresh_from_db()
    assert proposal.status == frm
    assert not ProposalEvent.objects.exists()


@pytest.mark.django_db
def test_opening_the_ballot_ends_the_proposers_right_to_withdraw():
    ballot = BallotFactory(opens_at=beijing(2026, 5, 1, 9), closes_at=beijing(2026, 5, 8, 20))
    proposal = ballot.proposal
    assert services.ballot_open(ballot_id=ballot.pk, now=beijing(2026, 5, 1, 9))
    proposal.refresh_from_db()
    assert proposal.status == S.VOTING
    with pytest.raises(ValidationError):
        services.proposal_step(
            proposal=proposal,
            to_status=S.WITHDRAWN,
            by=proposal.created_by,
            roles={PROPOSER},
            comment="撤回",
        )
    proposal.refresh_from_db()
    assert proposal.status == S.VOTING
    assert list(
        ProposalEvent.objects.filter(proposal=proposal).values_list("from_status", "to_status")
    ) == [(S.IN_DELIBERATION, S.VOTING)]


@pytest.mark.django_db
def test_a_step_reads_the_current_status_not_the_callers_stale_copy():
    """Two office workers look at the same submitted proposal; the first puts it on the
    agenda, the second (still seeing "submitted") tries to decline it and is refused."""
    proposal = ProposalFactory(status=S.SUBMITTED)
    stale = Proposal.objects.get(pk=proposal.pk)
    services.proposal_step(
        proposal=proposal, to_status=S.ON_AGENDA, by=UserFactory(), roles={OFFICE}
    )
    services.proposal_step(
        proposal=stale, to_status=S.IN_DELIBERATION, by=UserFactory(), roles={OFFICE}
    )  # allowed: from the *current* status on_agenda
    with pytest.raises(ValidationError):
        services.proposal_step(
            proposal=stale, to_status=S.DECLINED, by=UserFactory(), roles={OFFICE}, comment="重复"
        )
    proposal.refresh_from_db()
    assert proposal.status == S.IN_DELIBERATION
    assert ProposalEvent.objects.filter(proposal=proposal).count() == 2


# --- co-signing -------------------------------------------------------------------------


def resident_of(world, user_key="resident_a") -> Resident:
    return world.users[user_key].resident


@pytest.fixture
def submitted(world):
    return ProposalFactory(
        community=world.community_a,
        status=S.SUBMITTED,
        created_by=world.users["worker_a"],
    )


def neighbours(world, n: int, **kwargs) -> list[Resident]:
    household = HouseholdFactory(entrance=world.household_a.entrance)
    return [ResidentFactory(household=household, **kwargs) for _ in range(n)]


@pytest.mark.django_db
def test_a_verified_resident_of_the_community_co_signs(world, submitted):
    assert services.cosign_add(proposal=submitted, resident=resident_of(world), threshold=10)
    assert list(CoSign.objects.values_list("proposal", "resident")) == [
        (submitted.pk, resident_of(world).pk)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "verification", [Resident.Verification.PENDING, Resident.Verification.REJECTED]
)
def test_an_unverified_resident_cannot_co_sign(world, submitted, verification):
    (resident,) = neighbours(world, 1, verification_status=verification, verified_at=None)
    with pytest.raises(ValidationError):
        services.cosign_add(proposal=submitted, resident=resident, threshold=10)
    assert not CoSign.objects.exists()


@pytest.mark.django_db
def test_a_resident_of_another_community_cannot_co_sign(world, submitted):
    with pytest.raises(ValidationError):
        services.cosign_add(
            proposal=submitted, resident=resident_of(world, "resident_b"), threshold=10
        )
    assert not CoSign.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != S.SUBMITTED])
def test_only_a_submitted_proposal_can_be_co_signed(world, status):
    proposal = ProposalFactory(community=world.community_a, status=status)
    with pytest.raises(ValidationError):
        services.cosign_add(proposal=proposal, resident=resident_of(world), threshold=10)
    assert not CoSign.objects.exists()


@pytest.mark.django_db
def test_co_signing_twice_leaves_one_signature(world, submitted):
    resident = resident_of(world)
    assert services.cosign_add(proposal=submitted, resident=resident, threshold=10) is True
    assert services.cosign_add(proposal=submitted, resident=resident, threshold=10) is False
    assert CoSign.objects.filter(proposal=submitted).count() == 1


@pytest.mark.django_db
def test_reaching_the_threshold_flags_the_proposal_once_and_the_flag_never_moves(world, submitted):
    first, second, third, fourth = neighbours(world, 4)
    with time_machine.travel(beijing(2026, 4, 1, 9), tick=False):
        services.cosign_add(proposal=submitted, resident=first, threshold=3)
        services.cosign_add(proposal=submitted, resident=second, threshold=3)
        submitted.refresh_from_db()
        assert submitted.agenda_flagged_at is None
    with time_machine.travel(beijing(2026, 4, 2, 9), tick=False):
        services.cosign_add(proposal=submitted, resident=third, threshold=3)
    submitted.refresh_from_db()
    assert submitted.agenda_flagged_at == beijing(2026, 4, 2, 9)
    with time_machine.travel(beijing(2026, 4, 5, 9), tick=False):
        services.cosign_add(proposal=submitted, resident=fourth, threshold=3)
        services.cosign_add(proposal=submitted, resident=first, threshold=3)
    submitted.refresh_from_db()
    assert submitted.agenda_flagged_at == beijing(2026, 4, 2, 9)
    assert CoSign.objects.filter(proposal=submitted).count() == 4


@pytest.mark.django_db(transaction=True)
def test_four_simultaneous_co_signatures_by_one_resident_leave_one(world, submitted):
    assert connection.vendor == "postgresql"
    resident_pk = resident_of(world).pk

    def co_sign(_index):
        resident = Resident.objects.get(pk=resident_pk)
        proposal = Proposal.objects.get(pk=submitted.pk)
        return services.cosign_add(proposal=proposal, resident=resident, threshold=10)

    results, errors = race(co_sign, n=4)
    assert errors == []
    assert sorted(results) == [False, False, False, True]
    assert CoSign.objects.filter(proposal=submitted).count() == 1


@pytest.mark.django_db(transaction=True)
def test_four_residents_co_signing_at_once_reach_the_threshold(world, submitted):
    residents = [r.pk for r in neighbours(world, 4)]

    def co_sign(index):
        resident = Resident.objects.get(pk=residents[index])
        proposal = Proposal.objects.get(pk=submitted.pk)
        return services.cosign_add(proposal=proposal, resident=resident, threshold=4)

    started = dt.datetime.now(dt.UTC)
    results, errors = race(co_sign, n=4)
    assert errors == []
    assert results == [True] * 4
    submitted.refresh_from_db()
    assert submitted.agenda_flagged_at is not None
    assert submitted.agenda_flagged_at >= started
