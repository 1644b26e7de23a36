"""Residents who move out: the service and its refusals, the pages, and every place that
reads "the residents of a community" (rights, electorate, queues, pickers, counts)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import Case
from communities import rules as community_rules
from communities import selectors, services
from communities.models import Community, Resident
from communities.scope import scope_of
from deliberation import services as deliberation
from deliberation.models import CoSign, Proposal
from tests.casework.factories import CaseFactory
from tests.deliberation.factories import BallotFactory, ProposalFactory, beijing
from tests.factories import ResidentFactory, UserFactory

TODAY = timezone.localdate


def move_out(resident, on=None, note="搬到通州", by=None):
    """Record a move-out and refresh the caller's object, as the next request would see it."""
    services.resident_move_out(resident=resident, moved_out_on=on or TODAY(), note=note, by=by)
    resident.refresh_from_db()
    return resident


def fresh(user):
    """The user as a new request would load it (no cached scope)."""
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def neighbours(world):
    """Two more residents of household A: 王阿姨 (current) and 李叔 (to move out)."""
    return (
        ResidentFactory(household=world.household_a, name="王阿姨", user=UserFactory()),
        ResidentFactory(household=world.household_a, name="李叔", user=UserFactory()),
    )


# ---------------------------------------------------------------- the service


@pytest.mark.django_db
def test_moving_out_keeps_the_record_with_date_and_note(world, neighbours):
    _wang, li = neighbours
    on = TODAY() - dt.timedelta(days=0)
    move_out(li, on=on, note="  房子卖了  ", by=world.users["worker_a"])
    li.refresh_from_db()
    assert li.has_moved_out and li.moved_out_on == on
    assert li.moved_out_note == "房子卖了"
    assert li.user_id is not None  # the account is kept
    assert Resident.objects.filter(pk=li.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("when", "message"),
    [
        (lambda r: TODAY() + dt.timedelta(days=1), "不能晚于今天"),
        (lambda r: timezone.localdate(r.created_at) - dt.timedelta(days=1), "不能早于"),
        (lambda r: None, "请填写迁出日期"),
    ],
)
def test_a_bad_date_is_refused_and_nothing_is_written(world, neighbours, when, message):
    _wang, li = neighbours
    with pytest.raises(services.ValidationError) as caught:
        services.resident_move_out(resident=li, moved_out_on=when(li), note="x", by=None)
    assert message in " ".join(caught.value.message_dict["moved_out_on"])
    li.refresh_from_db()
    assert li.moved_out_on is None and li.moved_out_note == ""


@pytest.mark.django_db
def test_moving_out_twice_is_refused_and_keeps_the_first_date(world, neighbours):
    _wang, li = neighbours
    first = TODAY()
    move_out(li, on=first, note="第一次")
    with pytest.raises(services.ValidationError):
        move_out(li, on=first, note="第二次")
    li.refresh_from_db()
    assert (li.moved_out_on, li.moved_out_note) == (first, "第一次")


@pytest.mark.django_db
def test_move_back_undoes_a_mistake(world, neighbours):
    _wang, li = neighbours
    move_out(li)
    services.resident_move_back(resident=li, by=world.users["worker_a"])
    li.refresh_from_db()
    assert li.moved_out_on is None and li.moved_out_note == ""


@pytest.mark.django_db
def test_move_back_is_refused_when_not_moved_out_or_a_namesake_lives_there(world, neighbours):
    wang, li = neighbours
    with pytest.raises(services.ValidationError):
        services.resident_move_back(resident=wang, by=None)
    move_out(li)
    # Someone of the same name has since moved in (allowed: the former one moved out).
    ResidentFactory(household=world.household_a, name="李叔")
    with pytest.raises(services.ValidationError) as caught:
        services.resident_move_back(resident=li, by=None)
    assert "李叔" in " ".join(caught.value.messages)
    li.refresh_from_db()
    assert li.has_moved_out


@pytest.mark.django_db
def test_past_cosignatures_and_cases_keep_pointing_at_a_resident_who_moved_out(world, neighbours):
    _wang, li = neighbours
    proposal = ProposalFactory(community=world.community_a, status=Proposal.Status.SUBMITTED)
    deliberation.cosign_add(proposal=proposal, resident=li, threshold=0)
    case = CaseFactory(community=world.community_a, reporter_resident=li)
    move_out(li)
    assert CoSign.objects.get(proposal=proposal).resident_id == li.pk
    assert Case.objects.get(pk=case.pk).reporter_resident_id == li.pk
    # …but a new co-signature is refused.
    other = ProposalFactory(community=world.community_a, status=Proposal.Status.SUBMITTED)
    with pytest.raises(services.ValidationError):
        deliberation.cosign_add(proposal=other, resident=li, threshold=0)
    assert not CoSign.objects.filter(proposal=other).exists()


# ---------------------------------------------------------------- the office's pages


def detail_url(resident):
    return reverse("communities:resident_detail", args=["a", resident.pk])


@pytest.mark.django_db
def test_office_records_a_move_out_from_the_resident_page(client, world, neighbours):
    _wang, li = neighbours
    client.force_login(world.users["worker_a"])
    page = client.get(detail_url(li)).content.decode()
    move_url = reverse("communities:resident_move_out", args=["a", li.pk])
    assert move_url in page
    form_page = client.get(move_url).content.decode()
    # The date field starts at today, in the ISO form a browser's date input needs.
    assert f'value="{TODAY().isoformat()}"' in form_page
    response = client.post(move_url, {"moved_out_on": TODAY().isoformat(), "note": "去养老院"})
    assert response.status_code == 302 and response["Location"] == detail_url(li)
    li.refresh_from_db()
    assert li.moved_out_on == TODAY() and li.moved_out_note == "去养老院"
    page = client.get(detail_url(li)).content.decode()
    assert 'data-testid="moved-out"' in page and "去养老院" in page
    assert reverse("communities:resident_move_back", args=["a", li.pk]) in page
    assert move_url not in page


@pytest.mark.django_db
def test_a_future_date_is_shown_next_to_the_field_in_chinese(client, world, neighbours):
    _wang, li = neighbours
    client.force_login(world.users["secretary_a"])
    tomorrow = (TODAY() + dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("communities:resident_move_out", args=["a", li.pk]), {"moved_out_on": tomorrow}
    )
    assert response.status_code == 200
    assert "迁出日期不能晚于今天" in " ".join(response.context["form"].errors["moved_out_on"])
    li.refresh_from_db()
    assert li.moved_out_on is None


@pytest.mark.django_db
def test_move_back_from_the_page(client, world, neighbours):
    _wang, li = neighbours
    move_out(li)
    client.force_login(world.users["worker_a"])
    response = client.post(reverse("communities:resident_move_back", args=["a", li.pk]))
    assert response.status_code == 302
    li.refresh_from_db()
    assert not li.has_moved_out


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["a", "b"])
def test_another_communitys_secretary_cannot_move_a_resident_out(client, world, neighbours, code):
    _wang, li = neighbours
    client.force_login(world.users["secretary_b"])
    response = client.post(
        reverse("communities:resident_move_out", args=[code, li.pk]),
        {"moved_out_on": TODAY().isoformat()},
    )
    assert response.status_code == 404
    li.refresh_from_db()
    assert li.moved_out_on is None


@pytest.mark.django_db
def test_delete_page_points_to_moving_out_instead(client, world, neighbours):
    _wang, li = neighbours
    client.force_login(world.users["worker_a"])
    page = client.get(reverse("communities:roster_delete", args=["a", "residents", li.pk]))
    assert reverse("communities:resident_move_out", args=["a", li.pk]) in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"居民甲", "王阿姨"}),
        ("?moved_out=", {"居民甲", "王阿姨"}),
        ("?moved_out=all", {"居民甲", "王阿姨", "李叔"}),
        ("?moved_out=only", {"李叔"}),
        ("?moved_out=only&q=王", set()),
    ],
)
def test_resident_list_hides_moved_out_residents_unless_asked(
    client, world, neighbours, query, expected
):
    _wang, li = neighbours
    move_out(li)
    client.force_login(world.users["worker_a"])
    response = client.get(reverse("communities:resident_list", args=["a"]) + query)
    assert {r.name for r in response.context["page_obj"]} == expected
    assert response.context["page_obj"].paginator.count == len(expected)
    if "李叔" in expected:
        assert "已迁出" in response.content.decode()


@pytest.mark.django_db
def test_household_page_lists_former_residents_separately_with_their_dates(
    client, world, neighbours
):
    _wang, li = neighbours
    on = TODAY()
    move_out(li, on=on, note="随子女同住")
    client.force_login(world.users["worker_a"])
    response = client.get(reverse("communities:household_detail", args=["a", world.household_a.pk]))
    assert {r.name for r in response.context["residents"]} == {"居民甲", "王阿姨"}
    assert [r.name for r in response.context["former_residents"]] == ["李叔"]
    body = response.content.decode()
    former = body[body.index('data-testid="former-residents"') :]
    assert "李叔" in former and on.strftime("%Y-%m-%d") in former and "随子女同住" in former


@pytest.mark.django_db
def test_counts_queue_and_household_list_leave_out_residents_who_moved_out(world, neighbours):
    wang, li = neighbours
    pending = ResidentFactory(
        household=world.household_a,
        name="待审核",
        user=UserFactory(),
        verification_status=Resident.Verification.PENDING,
    )
    before = selectors.community_stats(world.community_a)
    move_out(li)
    move_out(pending)
    after = selectors.community_stats(world.community_a)
    assert after["total"] == before["total"] - 2
    assert after["verified"] == before["verified"] - 1
    assert after["pending"] == before["pending"] - 1
    assert list(selectors.verification_queue(world.community_a)) == []
    home = selectors.household_list(world.community_a).get(pk=world.household_a.pk)
    assert home.resident_count == 2  # 居民甲 and 王阿姨
    area = selectors.area_communities(Community.objects.filter(pk=world.community_a.pk)).get()
    assert (area.resident_count, area.pending_count) == (2, 0)


# ---------------------------------------------------------------- rights and electorate


@pytest.mark.django_db
def test_a_resident_who_moved_out_loses_resident_rights_but_keeps_the_login(client, world):
    user = world.users["resident_a"]
    community = world.community_a
    assert community_rules.is_verified_resident_of(fresh(user), community)
    assert fresh(user).has_perm("deliberation.vote", community)
    move_out(user.resident)
    user = fresh(user)
    scope = scope_of(user)
    assert not scope.home_verified and scope.home_moved_out
    assert not community_rules.is_verified_resident_of(user, community)
    for perm in ("deliberation.vote", "deliberation.raise_proposal", "casework.report"):
        assert not user.has_perm(perm, community), perm
    assert not Community.objects.visible_to(user).exists()
    client.force_login(user)
    page = client.get(reverse("communities:me"))
    assert page.status_code == 200
    assert 'data-testid="moved-out"' in page.content.decode()
    assert 'data-testid="open-ballots"' not in page.content.decode()
    assert client.get(reverse("casework:my_cases", args=["a"])).status_code == 403


@pytest.mark.django_db
def test_the_electorate_frozen_when_a_ballot_opens_leaves_out_residents_who_moved_out(
    world, neighbours
):
    wang, li = neighbours
    move_out(li)
    proposal = ProposalFactory(community=world.community_a, status=Proposal.Status.IN_DELIBERATION)
    ballot = BallotFactory(proposal=proposal)
    assert deliberation.ballot_open(ballot_id=ballot.pk, now=beijing(2026, 5, 1, 9))
    ballot.refresh_from_db()
    # 居民甲 and 王阿姨 of household A; 李叔 moved out.
    assert (ballot.eligible_heads, ballot.eligible_households) == (2, 1)
    assert deliberation.voter_problem(ballot, li) is not None
    assert deliberation.voter_problem(ballot, wang) is None


@pytest.mark.django_db
def test_registration_never_takes_over_the_record_of_someone_who_moved_out(world):
    former = ResidentFactory(household=world.household_a, name="周明", user=None)
    move_out(former)
    resident = services.resident_register(
        phone="13512345678",
        password="Gz-2026-pass!",
        display_name="周明",
        household=world.household_a,
    )
    assert resident.pk != former.pk
    former.refresh_from_db()
    assert former.user_id is None and former.has_moved_out


@pytest.mark.django_db
def test_resident_pickers_offer_current_residents_only(world, neighbours):
    wang, li = neighbours
    move_out(li)
    # Every picker (cases, volunteers, paper votes, representatives) uses this search.
    found = selectors.resident_search(community=world.community_a, query="王", limit=20)
    assert [r.name for r in found] == ["王阿姨"]
    gone = selectors.resident_search(community=world.community_a, query="李叔", limit=20)
    assert list(gone) == []
    former = selectors.resident_search(
        community=world.community_a, query="李叔", limit=20, include_moved_out=True
    )
    assert [r.name for r in former] == [li.name]


@pytest.mark.django_db
def test_a_paper_vote_cannot_be_recorded_for_a_resident_who_moved_out(client, world, neighbours):
    _wang, li = neighbours
    move_out(li)
    proposal = ProposalFactory(community=world.community_a, status=Proposal.Status.IN_DELIBERATION)
    ballot = BallotFactory(proposal=proposal)
    deliberation.ballot_open(ballot_id=ballot.pk, now=beijing(2026, 5, 1, 9))
    client.force_login(world.users["worker_a"])
    url = reverse("deliberation:ballot_paper", args=["a", ballot.pk])
    client.post(url, {"resident": li.pk, "option": "for"})
    assert not ballot.participations.exists()
