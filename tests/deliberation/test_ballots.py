"""Ballots: scheduling, opening with a frozen electorate, casting (one vote per voter, also
at the same moment on PostgreSQL), secrecy, closing with a frozen result, and the clock
task that opens, reminds and closes on time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import User
from communities.models import CommunityRole, Household, Resident
from deliberation import services
from deliberation.models import (
    Ballot,
    BallotOption,
    BallotResult,
    NamedChoice,
    Participation,
    Proposal,
    ProposalEvent,
)
from deliberation.tasks import run_ballot_clock
from notifications.models import Notification
from tests.deliberation.factories import (
    BallotFactory,
    ProposalFactory,
    beijing,
    counts,
    race,
)
from tests.factories import (
    BuildingFactory,
    EntranceFactory,
    HouseholdFactory,
    ResidentFactory,
    UserFactory,
)

S = Proposal.Status
OPENS = beijing(2026, 5, 1, 9)
CLOSES = beijing(2026, 5, 8, 20)
DURING = beijing(2026, 5, 3, 10)
ZERO = Decimal("0")


@dataclass
class Estate:
    """Community A laid out for voting.

    Building 1 (the world's 1号楼): household_a (owner-occupied, 68.50 m²) with resident_a
    (verified, not an owner, with an account); h1 (owner-occupied, 80 m²) with two
    verified residents — r1a an owner with an account, r1b without one — and a pending one.
    Building 2: h2 (owner-occupied, 100 m²) with r2, a verified owner with an account; h3
    (rented, 60 m²) with r3, verified, with an account; h4 (owner-occupied, 120 m²) with
    nobody registered.
    """

    world: object
    building1: object
    building2: object
    h1: Household
    h2: Household
    h3: Household
    h4: Household
    resident_a: Resident
    r1a: Resident
    r1b: Resident
    pending: Resident
    r2: Resident
    r3: Resident
    outsider: Resident  # verified resident of community B

    @property
    def worker(self):
        return self.world.users["worker_a"]


def _resident(household, name, *, user=False, **kwargs) -> Resident:
    account = UserFactory(display_name=name) if user else None
    return ResidentFactory(household=household, name=name, user=account, **kwargs)


@pytest.fixture
def estate(world) -> Estate:
    building1 = world.household_a.entrance.building
    entrance2 = EntranceFactory(building=BuildingFactory(community=world.community_a, name="2号楼"))
    h1 = HouseholdFactory(entrance=world.household_a.entrance, room="102", floor_area="80.00")
    h2 = HouseholdFactory(entrance=entrance2, room="201", floor_area="100.00")
    h3 = HouseholdFactory(
        entrance=entrance2, room="202", floor_area="60.00", tenure=Household.Tenure.TENANT
    )
    h4 = HouseholdFactory(entrance=entrance2, room="203", floor_area="120.00")
    return Estate(
        world=world,
        building1=building1,
        building2=entrance2.building,
        h1=h1,
        h2=h2,
        h3=h3,
        h4=h4,
        resident_a=world.users["resident_a"].resident,
        r1a=_resident(h1, "王一", user=True, is_owner=True),
        r1b=_resident(h1, "王二", is_owner=True),
        pending=_resident(
            h1,
            "王三",
            user=True,
            is_owner=True,
            verification_status=Resident.Verification.PENDING,
            verified_at=None,
        ),
        r2=_resident(h2, "李四", user=True, is_owner=True),
        r3=_resident(h3, "赵五", user=True, is_owner=False),
        outsider=world.users["resident_b"].resident,
    )


def make_ballot(estate: Estate, *, buildings=None, **kwargs) -> Ballot:
    """A ballot on a proposal in deliberation raised by resident_a, created by the worker."""
    proposal = ProposalFactory(
        community=estate.world.community_a,
        status=S.IN_DELIBERATION,
        resident=estate.resident_a,
        created_by=estate.world.users["resident_a"],
        buildings=buildings,
    )
    kwargs.setdefault("opens_at", OPENS)
    kwargs.setdefault("closes_at", CLOSES)
    return BallotFactory(proposal=proposal, created_by=estate.worker, **kwargs)


def open_ballot(estate: Estate, **kwargs) -> Ballot:
    ballot = make_ballot(estate, **kwargs)
    assert services.ballot_open(ballot_id=ballot.pk, now=OPENS) is True
    ballot.refresh_from_db()
    return ballot


def civil_code(**kwargs) -> dict:
    return {"rule": "civil_code_ordinary", "unit": Ballot.Unit.HOUSEHOLD, **kwargs}


def household_ballot(**kwargs) -> dict:
    return {"unit": Ballot.Unit.HOUSEHOLD, **kwargs}


def cast(ballot, resident, key="for", **kwargs) -> Participation:
    kwargs.setdefault("now", DURING)
    return services.ballot_cast(ballot=ballot, resident=resident, option_key=key, **kwargs)


def electorate(ballot) -> tuple:
    ballot.refresh_from_db()
    return ballot.eligible_heads, ballot.eligible_households, ballot.eligible_area


def notified(dedupe_key: str) -> set[str]:
    return set(
        Notification.objects.filter(dedupe_key=dedupe_key).values_list(
            "recipient__display_name", flat=True
        )
    )


# --- scheduling a ballot ----------------------------------------------------------------


def create_kwargs(estate, **overrides) -> dict:
    values = {
        "question": "是否同意在2号楼下建设电动车充电棚？",
        "opens_at": OPENS,
        "closes_at": CLOSES,
        "rule": "majority",
        "unit": Ballot.Unit.RESIDENT,
        "secret": True,
        "quorum_percent": None,
        "options": services.options_for_yes_no(),
        "by": estate.worker,
    }
    return values | overrides


@pytest.mark.django_db
def test_a_ballot_is_scheduled_with_its_options_in_order(estate):
    proposal = ProposalFactory(community=estate.world.community_a, status=S.IN_DELIBERATION)
    ballot = services.ballot_create(proposal=proposal, **create_kwargs(estate, quorum_percent=50))
    assert ballot.status == Ballot.Status.SCHEDULED
    assert (ballot.rule, ballot.unit, ballot.secret, ballot.quorum_percent) == (
        "majority",
        "resident",
        True,
        50,
    )
    assert list(ballot.options.values_list("key", "sort_order", "heads")) == [
        ("for", 0, 0),
        ("against", 1, 0),
        ("abstain", 2, 0),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status",
    [S.DRAFT, S.SUBMITTED, S.ON_AGENDA, S.DECLINED, S.PASSED, S.REJECTED, S.WITHDRAWN],
)
def test_only_a_proposal_in_deliberation_can_be_put_to_a_vote(estate, status):
    proposal = ProposalFactory(community=estate.world.community_a, status=status)
    with pytest.raises(ValidationError):
        services.ballot_create(proposal=proposal, **create_kwargs(estate))
    assert not Ballot.objects.exists()
    assert not BallotOption.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("options", [[], [("for", "赞成")]])
def test_a_ballot_needs_at_least_two_options(estate, options):
    proposal = ProposalFactory(community=estate.world.community_a, status=S.IN_DELIBERATION)
    with pytest.raises(ValidationError):
        services.ballot_create(proposal=proposal, **create_kwargs(estate, options=options))
    assert not Ballot.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "options",
    [
        pytest.param([("for", "赞成"), ("for", "同意")], id="duplicate-key"),
        pytest.param([("yes please", "赞成"), ("no", "反对")], id="not-a-slug"),
    ],
)
def test_option_keys_are_validated_like_a_form_would(estate, options):
    proposal = ProposalFactory(community=estate.world.community_a, status=S.IN_DELIBERATION)
    with pytest.raises(ValidationError):
        services.ballot_create(proposal=proposal, **create_kwargs(estate, options=options))


@pytest.mark.django_db
def test_a_ballot_must_close_after_it_opens(estate):
    proposal = ProposalFactory(community=estate.world.community_a, status=S.IN_DELIBERATION)
    with pytest.raises(ValidationError) as excinfo:
        services.ballot_create(proposal=proposal, **create_kwargs(estate, closes_at=OPENS))
    assert "closes_at" in excinfo.value.message_dict
    assert not Ballot.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("rule", ["civil_code_ordinary", "civil_code_major"])
def test_a_civil_code_ballot_is_by_household_whatever_was_asked(estate, rule):
    proposal = ProposalFactory(community=estate.world.community_a, status=S.IN_DELIBERATION)
    ballot = services.ballot_create(
        proposal=proposal, **create_kwargs(estate, rule=rule, unit=Ballot.Unit.RESIDENT)
    )
    ballot.refresh_from_db()
    assert ballot.unit == Ballot.Unit.HOUSEHOLD
    assert ballot.owners_only


@pytest.mark.django_db
@pytest.mark.parametrize("rule", ["civil_code_ordinary", "civil_code_major"])
def test_a_civil_code_ballot_refuses_a_quorum(estate, rule):
    proposal = ProposalFactory(community=estate.world.community_a, status=S.IN_DELIBERATION)
    with pytest.raises(ValidationError) as excinfo:
        services.ballot_create(
            proposal=proposal,
            **create_kwargs(estate, rule=rule, unit=Ballot.Unit.HOUSEHOLD, quorum_percent=50),
        )
    assert "quorum_percent" in excinfo.value.message_dict
    assert not Ballot.objects.exists()


# --- opening: the electorate is frozen --------------------------------------------------


@pytest.mark.django_db
def test_a_ballot_does_not_open_before_its_time(estate):
    ballot = make_ballot(estate)
    assert services.ballot_open(ballot_id=ballot.pk, now=OPENS - dt.timedelta(minutes=1)) is False
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.SCHEDULED
    assert electorate(ballot) == (0, 0, ZERO)
    assert ballot.proposal.status == S.IN_DELIBERATION


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # verified residents: resident_a, r1a, r1b, r2, r3 in household_a, h1, h2, h3
        pytest.param({}, (5, 4, Decimal("308.50")), id="residents-whole-community"),
        pytest.param(household_ballot(), (5, 4, Decimal("308.50")), id="households"),
        # owner-occupied households, with or without registered residents: a, h1, h2, h4
        pytest.param(civil_code(), (4, 4, Decimal("368.50")), id="civil-code-whole-community"),
    ],
)
def test_opening_freezes_the_electorate_of_the_whole_community(estate, kwargs, expected):
    ballot = open_ballot(estate, **kwargs)
    assert ballot.status == Ballot.Status.OPEN
    assert electorate(ballot) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({}, (2, 2, Decimal("160.00")), id="residents-of-building-2"),
        pytest.param(civil_code(), (2, 2, Decimal("220.00")), id="civil-code-building-2"),
    ],
)
def test_opening_counts_only_the_chosen_buildings(estate, kwargs, expected):
    ballot = open_ballot(estate, buildings=[estate.building2], **kwargs)
    assert electorate(ballot) == expected


@pytest.mark.django_db
def test_opening_moves_the_proposal_to_voting_with_an_event(estate):
    ballot = open_ballot(estate)
    proposal = Proposal.objects.get(pk=ballot.proposal_id)
    assert proposal.status == S.VOTING
    event = ProposalEvent.objects.get(proposal=proposal)
    assert (event.from_status, event.to_status, event.by) == (
        S.IN_DELIBERATION,
        S.VOTING,
        estate.worker,
    )
    assert ballot.question in event.comment


@pytest.mark.django_db
def test_opening_twice_changes_nothing_even_when_residents_join_in_between(estate):
    ballot = open_ballot(estate)
    frozen = electorate(ballot)
    _resident(estate.h2, "新住户", is_owner=True)
    HouseholdFactory(entrance=estate.h2.entrance, room="204")
    assert services.ballot_open(ballot_id=ballot.pk, now=OPENS + dt.timedelta(days=1)) is False
    assert electorate(ballot) == frozen == (5, 4, Decimal("308.50"))
    assert ProposalEvent.objects.filter(proposal=ballot.proposal).count() == 1


@pytest.mark.django_db
def test_a_ballot_on_a_withdrawn_proposal_does_not_open_for_votes(estate):
    ballot = make_ballot(estate)
    services.proposal_step(
        proposal=ballot.proposal,
        to_status=S.WITHDRAWN,
        by=estate.world.users["resident_a"],
        roles={"proposer"},
        comment="问题已解决",
    )
    services.ballot_open(ballot_id=ballot.pk, now=OPENS)
    ballot.refresh_from_db()
    with pytest.raises(ValidationError):
        cast(ballot, estate.r1a)
    assert not Participation.objects.exists()


# --- casting ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_scheduled_ballot_takes_no_votes(estate):
    ballot = make_ballot(estate)
    with pytest.raises(ValidationError):
        cast(ballot, estate.r1a)
    assert not Participation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "moment",
    [
        pytest.param(OPENS - dt.timedelta(seconds=1), id="before-opening"),
        pytest.param(CLOSES, id="at-closing"),
        pytest.param(CLOSES + dt.timedelta(hours=1), id="after-closing"),
    ],
)
def test_an_open_ballot_takes_votes_only_between_its_times(estate, moment):
    ballot = open_ballot(estate)
    with pytest.raises(ValidationError):
        cast(ballot, estate.r1a, now=moment)
    assert not Participation.objects.exists()
    cast(ballot, estate.r1a, now=OPENS)  # the first moment is inside
    assert Participation.objects.count() == 1


@pytest.mark.django_db
def test_an_unverified_resident_cannot_vote(estate):
    ballot = open_ballot(estate)
    with pytest.raises(ValidationError):
        cast(ballot, estate.pending)
    assert not Participation.objects.exists()
    assert counts(ballot)["for"] == (0, 0, ZERO)


@pytest.mark.django_db
def test_a_resident_of_another_community_cannot_vote(estate):
    ballot = open_ballot(estate)
    with pytest.raises(ValidationError):
        cast(ballot, estate.outsider)
    assert not Participation.objects.exists()


@pytest.mark.django_db
def test_a_resident_of_a_building_outside_the_scope_cannot_vote(estate):
    ballot = open_ballot(estate, buildings=[estate.building2])
    with pytest.raises(ValidationError):
        cast(ballot, estate.r1a)
    cast(ballot, estate.r2)
    assert list(Participation.objects.values_list("resident", flat=True)) == [estate.r2.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who",
    [
        pytest.param("resident_a", id="not-an-owner-in-an-owned-home"),
        pytest.param("r3", id="tenant-household"),
    ],
)
def test_only_owners_vote_in_a_civil_code_ballot(estate, who):
    ballot = open_ballot(estate, **civil_code())
    resident = getattr(estate, who)
    if who == "r3":
        Resident.objects.filter(pk=resident.pk).update(is_owner=True)
        resident.refresh_from_db()
    with pytest.raises(ValidationError):
        cast(ballot, resident)
    assert not Participation.objects.exists()
    cast(ballot, estate.r2)
    assert counts(ballot)["for"] == (1, 1, Decimal("100.00"))


@pytest.mark.django_db
def test_an_unknown_option_is_refused_on_the_option_field(estate):
    ballot = open_ballot(estate)
    other = open_ballot(estate, options=["maybe", "never"])
    with pytest.raises(ValidationError) as excinfo:
        cast(ballot, estate.r1a, key="maybe")  # an option of another ballot
    assert "option" in excinfo.value.message_dict
    assert not Participation.objects.exists()
    assert counts(other)["maybe"] == (0, 0, ZERO)


@pytest.mark.django_db
def test_an_online_vote_is_recorded_as_a_participation(estate):
    ballot = open_ballot(estate)
    participation = cast(ballot, estate.r1a)
    participation = Participation.objects.get(pk=participation.pk)
    assert participation.ballot == ballot
    assert participation.voter_key == f"r{estate.r1a.pk}"
    assert participation.resident == estate.r1a
    assert participation.household == estate.h1
    assert participation.channel == Participation.Channel.ONLINE
    assert participation.recorded_by is None


@pytest.mark.django_db
def test_a_worker_enters_a_paper_ballot_for_a_resident_without_a_phone(estate):
    ballot = open_ballot(estate)
    participation = cast(
        ballot,
        estate.r1b,
        key="against",
        channel=Participation.Channel.PAPER,
        recorded_by=estate.worker,
    )
    participation = Participation.objects.get(pk=participation.pk)
    assert (participation.channel, participation.recorded_by, participation.resident) == (
        Participation.Channel.PAPER,
        estate.worker,
        estate.r1b,
    )
    assert counts(ballot)["against"] == (1, 0, ZERO)


@pytest.mark.django_db
def test_a_residents_ballot_counts_heads_only(estate):
    ballot = open_ballot(estate)
    cast(ballot, estate.r1a, "for")
    cast(ballot, estate.r1b, "for")
    cast(ballot, estate.r2, "against")
    assert counts(ballot) == {
        "for": (2, 0, ZERO),
        "against": (1, 0, ZERO),
        "abstain": (0, 0, ZERO),
    }


@pytest.mark.django_db
def test_a_household_ballot_counts_heads_households_and_floor_area(estate):
    ballot = open_ballot(estate, **household_ballot())
    p1 = cast(ballot, estate.r1a, "for")
    cast(ballot, estate.r2, "for")
    cast(ballot, estate.r3, "against")
    assert p1.voter_key == f"h{estate.h1.pk}"
    assert counts(ballot) == {
        "for": (2, 2, Decimal("180.00")),
        "against": (1, 1, Decimal("60.00")),
        "abstain": (0, 0, ZERO),
    }


@pytest.mark.django_db
def test_a_second_vote_by_the_same_resident_is_refused_and_counts_nothing(estate):
    ballot = open_ballot(estate)
    cast(ballot, estate.r1a, "for")
    before = counts(ballot)
    with pytest.raises(ValidationError):
        cast(ballot, estate.r1a, "against")
    with pytest.raises(ValidationError):
        cast(ballot, estate.r1a, "for", channel="paper", recorded_by=estate.worker)
    assert (
        counts(ballot)
        == before
        == {
            "for": (1, 0, ZERO),
            "against": (0, 0, ZERO),
            "abstain": (0, 0, ZERO),
        }
    )
    assert Participation.objects.filter(ballot=ballot).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs",
    [pytest.param(household_ballot(), id="household"), pytest.param(civil_code(), id="civil")],
)
def test_in_a_household_ballot_a_second_member_of_the_household_is_refused(estate, kwargs):
    ballot = open_ballot(estate, **kwargs)
    cast(ballot, estate.r1a, "for")
    with pytest.raises(ValidationError):
        cast(ballot, estate.r1b, "against")
    assert counts(ballot)["for"] == (1, 1, Decimal("80.00"))
    assert counts(ballot)["against"] == (0, 0, ZERO)
    assert list(Participation.objects.values_list("resident", flat=True)) == [estate.r1a.pk]


@pytest.mark.django_db
def test_in_a_residents_ballot_each_member_of_a_household_votes(estate):
    ballot = open_ballot(estate)
    cast(ballot, estate.r1a, "for")
    cast(ballot, estate.r1b, "against")
    assert Participation.objects.filter(ballot=ballot, household=estate.h1).count() == 2


# --- at the same moment, on PostgreSQL --------------------------------------------------


def _cast_fresh(ballot_pk: int, resident_pk: int, key: str = "for") -> Participation:
    ballot = Ballot.objects.get(pk=ballot_pk)
    resident = Resident.objects.get(pk=resident_pk)
    return services.ballot_cast(ballot=ballot, resident=resident, option_key=key, now=DURING)


@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_votes_by_one_resident_count_once(estate):
    assert connection.vendor == "postgresql"
    ballot = open_ballot(estate)
    results, errors = race(lambda _i: _cast_fresh(ballot.pk, estate.r1a.pk), n=8)
    assert len(results) == 1
    assert len(errors) == 7
    assert all(isinstance(error, ValidationError) for error in errors)
    assert Participation.objects.filter(ballot=ballot).count() == 1
    assert counts(ballot)["for"] == (1, 0, ZERO)


@pytest.mark.django_db(transaction=True)
def test_eight_members_of_one_household_voting_at_once_cast_one_household_vote(estate):
    ballot = open_ballot(estate, **household_ballot())
    members = [_resident(estate.h2, f"家人{i}", is_owner=True).pk for i in range(8)]
    results, errors = race(lambda i: _cast_fresh(ballot.pk, members[i]), n=8)
    assert len(results) == 1
    assert len(errors) == 7
    assert all(isinstance(error, ValidationError) for error in errors)
    assert list(Participation.objects.values_list("voter_key", flat=True)) == [f"h{estate.h2.pk}"]
    assert counts(ballot)["for"] == (1, 1, Decimal("100.00"))


@pytest.mark.django_db(transaction=True)
def test_twenty_residents_voting_at_once_lose_no_vote(estate):
    ballot = open_ballot(estate)
    household = HouseholdFactory(entrance=estate.h2.entrance, room="301")
    voters = [_resident(household, f"居民{i:02d}").pk for i in range(20)]
    keys = ["for", "against", "abstain"]
    results, errors = race(lambda i: _cast_fresh(ballot.pk, voters[i], keys[i % 3]), n=20)
    assert errors == []
    assert len(results) == 20
    assert Participation.objects.filter(ballot=ballot).count() == 20
    totals = counts(ballot)
    assert {key: heads for key, (heads, _h, _a) in totals.items()} == {
        "for": 7,
        "against": 7,
        "abstain": 6,
    }
    assert sum(heads for heads, _h, _a in totals.values()) == 20


# --- secrecy ----------------------------------------------------------------------------


def _columns(model) -> set[str]:
    with connection.cursor() as cursor:
        return {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, model._meta.db_table
            )
        }


def _referenced_tables(model) -> set[str]:
    with connection.cursor() as cursor:
        relations = connection.introspection.get_relations(cursor, model._meta.db_table)
    return {table for _column, (_target_column, table) in relations.items()}


@pytest.mark.django_db
def test_a_secret_ballot_keeps_who_voted_apart_from_what_was_chosen(estate):
    ballot = open_ballot(estate, secret=True)
    cast(ballot, estate.r1a, "for")
    cast(ballot, estate.r1b, "against")
    cast(ballot, estate.r2, "for", channel="paper", recorded_by=estate.worker)

    # No per-voter record of a choice exists for this ballot.
    assert not NamedChoice.objects.filter(participation__ballot=ballot).exists()
    assert not NamedChoice.objects.filter(option__ballot=ballot).exists()
    assert Participation.objects.filter(ballot=ballot).count() == 3

    # Participation cannot point at an option, neither in the model nor in the table.
    option_table = BallotOption._meta.db_table
    forward = [f for f in Participation._meta.get_fields() if f.concrete and f.is_relation]
    assert {f.related_model for f in forward} == {Ballot, Resident, Household, User}
    assert all(f.related_model is not BallotOption for f in Participation._meta.get_fields())
    assert _columns(Participation) == {
        "id",
        "ballot_id",
        "voter_key",
        "resident_id",
        "household_id",
        "channel",
        "recorded_by_id",
        "at",
    }
    assert option_table not in _referenced_tables(Participation)

    # Options hold only totals: no voter, no household, no time of a vote.
    assert _columns(BallotOption) == {
        "id",
        "ballot_id",
        "key",
        "label",
        "sort_order",
        "heads",
        "households",
        "area",
    }
    assert _referenced_tables(BallotOption) == {Ballot._meta.db_table}
    assert counts(ballot)["for"] == (2, 0, ZERO)


@pytest.mark.django_db
def test_only_named_choice_links_a_voter_to_an_option():
    voter_models = {Participation, Resident, Household, User}
    linking = []
    for model in apps.get_app_config("deliberation").get_models():
        targets = {
            f.related_model
            for f in model._meta.get_fields()
            if f.concrete and f.is_relation and f.related_model is not None
        }
        if BallotOption in targets and targets & voter_models:
            linking.append(model)
    assert linking == [NamedChoice]


@pytest.mark.django_db(transaction=True)
def test_a_secret_vote_leaves_no_transaction_trace_linking_voter_and_option(estate):
    ballot = open_ballot(estate, secret=True)
    cast(ballot, estate.r1a, "for")
    cast(ballot, estate.r2, "against")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT resident_id, xmin::text FROM {Participation._meta.db_table} "
            "WHERE ballot_id = %s",
            [ballot.pk],
        )
        voters = cursor.fetchall()
        cursor.execute(
            f"SELECT key, xmin::text FROM {BallotOption._meta.db_table} WHERE ballot_id = %s",
            [ballot.pk],
        )
        options = cursor.fetchall()
    every = {key for key, _xmin in options}
    for _resident_id, voter_xmin in voters:
        same_transaction = {key for key, xmin in options if xmin == voter_xmin}
        assert same_transaction in (set(), every)


@pytest.mark.django_db
def test_a_named_ballot_lets_the_secretary_list_who_chose_what(estate):
    ballot = open_ballot(estate, secret=False)
    cast(ballot, estate.r1a, "for")
    cast(ballot, estate.r1b, "against")
    cast(ballot, estate.r2, "for", channel="paper", recorded_by=estate.worker)
    choices = NamedChoice.objects.filter(participation__ballot=ballot)
    assert choices.count() == Participation.objects.filter(ballot=ballot).count() == 3
    assert set(choices.values_list("participation__resident__name", "option__key")) == {
        ("王一", "for"),
        ("王二", "against"),
        ("李四", "for"),
    }
    assert counts(ballot)["for"] == (2, 0, ZERO)


# --- closing ----------------------------------------------------------------------------


def _voted(estate, **kwargs) -> Ballot:
    """An open residents' majority ballot: two for, one against."""
    ballot = open_ballot(estate, **kwargs)
    cast(ballot, estate.r1a, "for")
    cast(ballot, estate.r1b, "for")
    cast(ballot, estate.r2, "against")
    return ballot


@pytest.mark.django_db
def test_closing_before_time_changes_nothing(estate):
    ballot = _voted(estate)
    assert services.ballot_close(ballot_id=ballot.pk, now=CLOSES - dt.timedelta(seconds=1)) is None
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN
    assert not BallotResult.objects.exists()
    assert Proposal.objects.get(pk=ballot.proposal_id).status == S.VOTING
    assert not Notification.objects.exists()
    cast(ballot, estate.r3, "abstain", now=CLOSES - dt.timedelta(seconds=1))


@pytest.mark.django_db
def test_closing_freezes_the_result_and_passes_the_proposal(estate):
    ballot = _voted(estate)
    result = services.ballot_close(ballot_id=ballot.pk, now=CLOSES)
    assert result is not None
    result = BallotResult.objects.get(ballot=ballot)
    assert (result.passed, result.winner) == (True, "for")
    assert result.counts == {
        "for": {"heads": 2, "households": 0, "area": "0.00"},
        "against": {"heads": 1, "households": 0, "area": "0.00"},
        "abstain": {"heads": 0, "households": 0, "area": "0.00"},
    }
    assert result.checks == [
        {
            "code": "majority_of_cast",
            "needed": "1/2",
            "strict": True,
            "numerator": "2",
            "denominator": "3",
            "met": True,
        }
    ]
    assert result.electorate == {"heads": 5, "households": 4, "area": "308.50"}
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.CLOSED
    proposal = Proposal.objects.get(pk=ballot.proposal_id)
    assert proposal.status == S.PASSED
    last = ProposalEvent.objects.filter(proposal=proposal).order_by("pk").last()
    assert (last.from_status, last.to_status, last.by) == (S.VOTING, S.PASSED, estate.worker)


@pytest.mark.django_db
def test_closing_a_lost_vote_rejects_the_proposal(estate):
    ballot = open_ballot(estate, quorum_percent=80)  # 3 of 5 take part: no quorum
    cast(ballot, estate.r1a, "for")
    cast(ballot, estate.r1b, "for")
    cast(ballot, estate.r2, "for")
    result = services.ballot_close(ballot_id=ballot.pk, now=CLOSES)
    assert (result.passed, result.winner) == (False, "")
    assert [(c["code"], c["met"]) for c in result.checks] == [
        ("quorum", False),
        ("majority_of_cast", True),
    ]
    proposal = Proposal.objects.get(pk=ballot.proposal_id)
    assert proposal.status == S.REJECTED
    assert ProposalEvent.objects.filter(
        proposal=proposal, from_status=S.VOTING, to_status=S.REJECTED
    ).exists()


@pytest.mark.django_db
def test_closing_tells_the_proposer_the_ballots_creator_and_the_secretaries(estate):
    ballot = _voted(estate)
    services.ballot_close(ballot_id=ballot.pk, now=CLOSES)
    assert notified(f"ballot-{ballot.pk}-result") == {"居民甲", "社工甲", "书记甲"}
    assert Notification.objects.count() == 3


@pytest.mark.django_db
def test_a_proposer_without_an_account_is_not_notified(estate):
    ballot = open_ballot(estate)
    Proposal.objects.filter(pk=ballot.proposal_id).update(resident=estate.r1b)
    services.ballot_close(ballot_id=ballot.pk, now=CLOSES)
    assert notified(f"ballot-{ballot.pk}-result") == {"社工甲", "书记甲"}


@pytest.mark.django_db
def test_closing_twice_records_one_result_and_notifies_once(estate):
    ballot = _voted(estate)
    first = services.ballot_close(ballot_id=ballot.pk, now=CLOSES)
    second = services.ballot_close(ballot_id=ballot.pk, now=CLOSES + dt.timedelta(hours=1))
    assert first is not None and second is None
    assert BallotResult.objects.filter(ballot=ballot).count() == 1
    assert Notification.objects.count() == 3
    assert ProposalEvent.objects.filter(proposal=ballot.proposal, to_status=S.PASSED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_four_simultaneous_closings_record_one_result(estate):
    ballot = _voted(estate)
    results, errors = race(lambda _i: services.ballot_close(ballot_id=ballot.pk, now=CLOSES), n=4)
    assert errors == []
    assert len([r for r in results if r is not None]) == 1
    assert BallotResult.objects.filter(ballot=ballot).count() == 1
    assert notified(f"ballot-{ballot.pk}-result") == {"居民甲", "社工甲", "书记甲"}
    assert Notification.objects.count() == 3
    assert ProposalEvent.objects.filter(proposal=ballot.proposal, to_status=S.PASSED).count() == 1


@pytest.mark.django_db
def test_a_stored_result_can_be_neither_saved_again_nor_deleted(estate):
    ballot = _voted(estate)
    result = services.ballot_close(ballot_id=ballot.pk, now=CLOSES)
    result.passed = False
    with pytest.raises(ValidationError):
        result.save()
    with pytest.raises(ValidationError):
        result.delete()
    stored = BallotResult.objects.get(pk=result.pk)
    assert stored.passed is True


@pytest.mark.django_db
def test_a_closed_ballot_refuses_later_votes(estate):
    ballot = _voted(estate)
    services.ballot_close(ballot_id=ballot.pk, now=CLOSES)
    ballot.refresh_from_db()
    # Even with a clock that says the ballot should still be open, it is closed.
    with pytest.raises(ValidationError):
        cast(ballot, estate.r3, "against", now=CLOSES - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        cast(ballot, estate.r3, "against", now=CLOSES + dt.timedelta(minutes=1))
    assert Participation.objects.filter(ballot=ballot).count() == 3


@pytest.mark.django_db
def test_a_vote_checked_just_before_closing_is_not_recorded_after_the_result(estate):
    ballot = _voted(estate)
    seen_while_open = Ballot.objects.get(pk=ballot.pk)  # what the voting page loaded
    services.ballot_close(ballot_id=ballot.pk, now=CLOSES)
    with pytest.raises(ValidationError):
        cast(seen_while_open, estate.r3, "against", now=CLOSES - dt.timedelta(seconds=1))
    result = BallotResult.objects.get(ballot=ballot)
    cast_in_result = sum(c["heads"] for c in result.counts.values())
    assert Participation.objects.filter(ballot=ballot).count() == cast_in_result


@pytest.mark.django_db
def test_later_changes_to_the_counters_do_not_change_the_stored_result(estate):
    ballot = _voted(estate)
    services.ballot_close(ballot_id=ballot.pk, now=CLOSES)
    BallotOption.objects.filter(ballot=ballot, key="against").update(heads=99)
    result = BallotResult.objects.get(ballot=ballot)
    assert (result.passed, result.winner) == (True, "for")
    assert result.counts["against"] == {"heads": 1, "households": 0, "area": "0.00"}


@pytest.mark.parametrize("tamper", ["update", "delete"])
def test_the_database_refuses_to_change_or_delete_a_frozen_result(estate, tamper):
    from django.db import DatabaseError, transaction

    ballot = _voted(estate)
    services.ballot_close(ballot_id=ballot.pk, now=CLOSES)
    rows = BallotResult.objects.filter(ballot=ballot)
    with pytest.raises(DatabaseError), transaction.atomic():
        if tamper == "update":
            rows.update(passed=False, winner="against")
        else:
            rows.delete()
    result = rows.get()
    assert (result.passed, result.winner) == (True, "for")


# --- the clock --------------------------------------------------------------------------


@pytest.fixture
def clock_estate(estate):
    """Frozen-time tests travel to May 2026: make the office roles active then."""
    CommunityRole.objects.update(start_date=dt.date(2020, 1, 1))
    return estate


def tick(moment: dt.datetime) -> dict:
    with time_machine.travel(moment, tick=False):
        return run_ballot_clock.delay().get()


def reminded(ballot) -> list[str]:
    return sorted(
        Notification.objects.filter(dedupe_key=f"ballot-{ballot.pk}-reminder").values_list(
            "recipient__display_name", flat=True
        )
    )


@pytest.mark.django_db
def test_the_clock_opens_a_scheduled_ballot_at_its_time(clock_estate):
    ballot = make_ballot(clock_estate)
    assert tick(OPENS - dt.timedelta(minutes=1))["opened"] == 0
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.SCHEDULED
    assert tick(OPENS)["opened"] == 1
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.OPEN
    assert electorate(ballot) == (5, 4, Decimal("308.50"))
    assert Proposal.objects.get(pk=ballot.proposal_id).status == S.VOTING
    assert tick(OPENS + dt.timedelta(minutes=5))["opened"] == 0


@pytest.mark.django_db
def test_the_clock_reminds_each_non_voter_with_an_account_once_a_day_before_closing(
    clock_estate,
):
    e = clock_estate
    ballot = make_ballot(e)
    tick(OPENS)
    with time_machine.travel(DURING, tick=False):
        services.ballot_cast(
            ballot=Ballot.objects.get(pk=ballot.pk), resident=e.r1a, option_key="for"
        )

    assert tick(CLOSES - dt.timedelta(hours=24, minutes=1))["reminded"] == 0
    assert reminded(ballot) == []
    assert tick(CLOSES - dt.timedelta(hours=24))["reminded"] == 3
    assert tick(CLOSES - dt.timedelta(hours=23))["reminded"] == 0
    # resident_a and r2, r3 have accounts; r1a voted; r1b has no account; the pending
    # resident and community B's resident may not vote.
    assert reminded(ballot) == sorted(["居民甲", "李四", "赵五"])


@pytest.mark.django_db
def test_reminding_goes_out_once_and_only_inside_the_last_day(estate):
    ballot = open_ballot(estate, **household_ballot())
    cast(ballot, estate.r1b, "for")  # r1a's household has voted through r1b
    day_before = CLOSES - dt.timedelta(hours=24)
    assert (
        services.ballot_remind(ballot_id=ballot.pk, now=day_before - dt.timedelta(minutes=1)) == 0
    )
    assert reminded(ballot) == []
    assert services.ballot_remind(ballot_id=ballot.pk, now=day_before) == 3
    assert services.ballot_remind(ballot_id=ballot.pk, now=day_before) == 0
    assert services.ballot_remind(ballot_id=ballot.pk, now=CLOSES - dt.timedelta(hours=1)) == 0
    assert reminded(ballot) == sorted(["居民甲", "李四", "赵五"])
    ballot.refresh_from_db()
    assert ballot.reminded_at == day_before


@pytest.mark.django_db(transaction=True)
def test_four_simultaneous_reminder_runs_remind_each_resident_once(estate):
    ballot = open_ballot(estate)
    now = CLOSES - dt.timedelta(hours=2)
    results, errors = race(lambda _i: services.ballot_remind(ballot_id=ballot.pk, now=now), n=4)
    assert errors == []
    assert sorted(results) == [0, 0, 0, 4]  # resident_a, r1a, r2, r3 have accounts
    assert len(reminded(ballot)) == 4


@pytest.mark.django_db
def test_the_clock_closes_the_ballot_at_its_time_with_the_result(clock_estate):
    e = clock_estate
    ballot = make_ballot(e)
    tick(OPENS)
    with time_machine.travel(DURING, tick=False):
        fresh = Ballot.objects.get(pk=ballot.pk)
        services.ballot_cast(ballot=fresh, resident=e.r1a, option_key="against")
        services.ballot_cast(ballot=fresh, resident=e.r2, option_key="against")
        services.ballot_cast(ballot=fresh, resident=e.r3, option_key="for")
    assert tick(CLOSES - dt.timedelta(seconds=1))["closed"] == 0
    assert not BallotResult.objects.exists()
    assert tick(CLOSES)["closed"] == 1
    result = BallotResult.objects.get(ballot=ballot)
    assert (result.passed, result.winner) == (False, "")
    assert result.electorate == {"heads": 5, "households": 4, "area": "308.50"}
    assert Proposal.objects.get(pk=ballot.proposal_id).status == S.REJECTED
    assert notified(f"ballot-{ballot.pk}-result") == {"居民甲", "社工甲", "书记甲"}
    assert tick(CLOSES + dt.timedelta(minutes=5))["closed"] == 0
    assert BallotResult.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("votes", "passed", "met"),
    [
        # 200 m² for vs 2 × 50 m² against: area majority, owner minority
        pytest.param(
            {"big": "for", "small1": "against", "small2": "against"},
            False,
            {"agree_area": True, "agree_owners": False},
            id="area-majority-owner-minority",
        ),
        # the reverse: two small owners for, the big one against
        pytest.param(
            {"big": "against", "small1": "for", "small2": "for"},
            False,
            {"agree_area": False, "agree_owners": True},
            id="owner-majority-area-minority",
        ),
        pytest.param(
            {"big": "for", "small1": "for", "small2": "against"},
            True,
            {"agree_area": True, "agree_owners": True},
            id="both-majorities",
        ),
    ],
)
def test_a_civil_code_ordinary_ballot_from_opening_to_result(world, votes, passed, met):
    """A separate building of owners: the electorate is every owner-occupied household in
    it (350 m², 4 owners, one without anyone registered), not the rented flat."""
    CommunityRole.objects.update(start_date=dt.date(2020, 1, 1))
    entrance = EntranceFactory(building=BuildingFactory(community=world.community_a, name="9号楼"))
    homes = {
        "big": HouseholdFactory(entrance=entrance, room="901", floor_area="200.00"),
        "small1": HouseholdFactory(entrance=entrance, room="902", floor_area="50.00"),
        "small2": HouseholdFactory(entrance=entrance, room="903", floor_area="50.00"),
        "empty": HouseholdFactory(entrance=entrance, room="904", floor_area="50.00"),
    }
    rented = HouseholdFactory(
        entrance=entrance, room="905", floor_area="90.00", tenure=Household.Tenure.TENANT
    )
    owners = {
        name: _resident(homes[name], f"业主{name}", user=True, is_owner=True)
        for name in ("big", "small1", "small2")
    }
    tenant = _resident(rented, "租户", user=True, is_owner=False)
    ballot = BallotFactory(
        proposal=ProposalFactory(
            community=world.community_a,
            status=S.IN_DELIBERATION,
            created_by=world.users["worker_a"],
            buildings=[entrance.building],
        ),
        created_by=world.users["worker_a"],
        rule="civil_code_ordinary",
        unit=Ballot.Unit.HOUSEHOLD,
        secret=False,
    )

    tick(OPENS)
    assert electorate(ballot) == (4, 4, Decimal("350.00"))
    with time_machine.travel(DURING, tick=False):
        fresh = Ballot.objects.get(pk=ballot.pk)
        for name, key in votes.items():
            services.ballot_cast(ballot=fresh, resident=owners[name], option_key=key)
        with pytest.raises(ValidationError):
            services.ballot_cast(ballot=fresh, resident=tenant, option_key="against")
    tick(CLOSES - dt.timedelta(hours=24))
    assert reminded(ballot) == []  # every owner with an account voted; tenants are not asked
    tick(CLOSES)

    result = BallotResult.objects.get(ballot=ballot)
    assert result.passed is passed
    assert result.winner == ("for" if passed else "")
    checks = {c["code"]: c for c in result.checks}
    assert checks["turnout_area"]["met"] and checks["turnout_owners"]["met"]
    assert {code: checks[code]["met"] for code in met} == met
    assert checks["turnout_owners"]["numerator"] == "3"
    assert checks["turnout_owners"]["denominator"] == "4"
    assert checks["turnout_area"]["denominator"] == "350"
    assert result.electorate == {"heads": 4, "households": 4, "area": "350.00"}
    expected_status = S.PASSED if passed else S.REJECTED
    assert Proposal.objects.get(pk=ballot.proposal_id).status == expected_status
