"""The ballot pages: who may open what, voting in two steps, paper votes, secret and named
ballots, results read from the frozen BallotResult, CSV, QR codes, bad input, and the
query cost of the ballot and results pages at 10 and at 10,000 votes.

Ballots here run on the real clock: they opened an hour ago and close in two days, and
are "closed" by moving closes_at into the past and calling services.ballot_close.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from communities.models import Household, Resident
from deliberation import services
from deliberation import urls as deliberation_urls
from deliberation.models import (
    Ballot,
    BallotOption,
    BallotResult,
    NamedChoice,
    Participation,
    Proposal,
)
from deliberation.views import ballots as ballot_views
from tests.deliberation.factories import BallotFactory, ProposalFactory
from tests.factories import EntranceFactory, HouseholdFactory, ResidentFactory, UserFactory

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

# Rows: URL name → expected response, one column per role in ROLES order. Checked against
# deliberation/rules.py: view = office, area staff, verified residents; manage = office;
# see_community decides 404 (resident_b and secretary_b have no tie to community A).
# fmt: off
EXPECTED = {
    #                        anon   res_a res_b work_a sec_a sec_b prop_a sub_a super
    # Scheduling and paper votes: the office only; the subdistrict reads but never writes.
    "ballot_create":       (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "ballot_paper":        (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    # The short link sends anyone tied to the community on to the ballot page.
    "ballot_short":        (LOGIN, 302,  404,  302,   302,  404,  302,   302,  302),
    # Reading the ballot and its result: everyone who may see deliberation.
    "ballot":              (LOGIN, 200,  404,  200,   200,  404,  403,   200,  200),
    "ballot_results":      (LOGIN, 200,  404,  200,   200,  404,  403,   200,  200),
    "ballot_results_csv":  (LOGIN, 200,  404,  200,   200,  404,  403,   200,  200),
    "ballot_notice":       (LOGIN, 200,  404,  200,   200,  404,  403,   200,  200),
    "ballot_qr":           (LOGIN, 200,  404,  200,   200,  404,  403,   200,  200),
    # Who took part: the office only (choices of a named ballot: the secretary, below).
    "ballot_voters":       (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
}
# fmt: on

# Pages that exist only once the ballot has closed; the others get the open ballot.
NEEDS_CLOSED = {"ballot_results", "ballot_results_csv", "ballot_notice"}


def zh(msgid: str) -> str:
    """The text the site renders for msgid in Simplified Chinese."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def now() -> dt.datetime:
    return timezone.now()


# ---------------------------------------------------------------- building blocks


@pytest.fixture
def proposal(world) -> Proposal:
    return ProposalFactory(
        community=world.community_a,
        status=Proposal.Status.IN_DELIBERATION,
        title="增设电动车充电棚",
        description="电动车上楼充电有火灾隐患，建议在5号楼下空地建充电棚。",
    )


def open_ballot(proposal: Proposal, keys=None, **fields) -> Ballot:
    """A ballot on ``proposal`` that opened an hour ago (electorate frozen now) and closes
    in two days."""
    fields.setdefault("opens_at", now() - dt.timedelta(hours=1))
    fields.setdefault("closes_at", now() + dt.timedelta(days=2))
    ballot = BallotFactory(proposal=proposal, options=keys, **fields)
    for option in ballot.options.all():
        option.label = {"for": "赞成", "against": "反对", "abstain": "弃权"}.get(
            option.key, option.label
        )
        option.save()
    assert services.ballot_open(ballot_id=ballot.pk, now=now())
    ballot.refresh_from_db()
    return ballot


def close(ballot: Ballot) -> BallotResult:
    """End voting now and freeze the result, as the clock does after closes_at."""
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=now() - dt.timedelta(seconds=1))
    result = services.ballot_close(ballot_id=ballot.pk, now=now())
    assert result is not None
    ballot.refresh_from_db()
    return result


def voters(community, count: int, *, owner=False, areas=None) -> list[Resident]:
    """``count`` verified residents of ``community``, each in a home of their own."""
    entrance = EntranceFactory(building__community=community)
    made = []
    for i in range(count):
        household = HouseholdFactory(
            entrance=entrance, floor_area=Decimal(areas[i]) if areas else Decimal("68.50")
        )
        made.append(ResidentFactory(household=household, is_owner=owner))
    return made


def url(name: str, ballot: Ballot, *extra) -> str:
    return reverse(f"deliberation:{name}", args=[ballot.proposal.community.code, ballot.pk, *extra])


def cast(ballot, resident, key, **kwargs):
    return services.ballot_cast(ballot=ballot, resident=resident, option_key=key, **kwargs)


# ---------------------------------------------------------------- the permission matrix


def test_matrix_covers_every_ballot_url_name():
    """A new ballot URL must get a row here before it ships."""
    names = {
        p.name
        for p in deliberation_urls.urlpatterns
        if p.callback.view_class.__module__ == ballot_views.__name__
    }
    assert set(EXPECTED) == names


MATRIX = [
    pytest.param(name, role, expected, id=f"{name}-{role}")
    for name, row in EXPECTED.items()
    for role, expected in zip(ROLES, row, strict=True)
]


@pytest.mark.parametrize(("name", "role", "expected"), MATRIX)
def test_role_url_matrix(client, world, proposal, name, role, expected):
    ballot = open_ballot(proposal)
    if name in NEEDS_CLOSED:
        close(ballot)
    if name == "ballot_create":
        path = reverse("deliberation:ballot_create", args=["a", proposal.pk])
    elif name == "ballot_short":
        path = reverse("deliberation:ballot_short", args=[ballot.short_code])
    elif name == "ballot_qr":
        path = url(name, ballot, "svg")
    else:
        path = url(name, ballot)
    if role != "anonymous":
        client.force_login(world.users[role])
    response = client.get(path)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert "next=" in response["Location"]
    else:
        assert response.status_code == expected, f"{name} as {role}"
    if name == "ballot_short" and expected == 302:
        assert response["Location"] == url("ballot", ballot)


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - {"ballot_create", "ballot_short"}))
def test_a_ballot_of_another_community_is_404_under_this_communitys_address(client, world, name):
    """Community B's ballot asked for at /c/a/…: the superuser sees A, but B's ballot is
    not one of A's, so it does not exist there."""
    other = open_ballot(
        ProposalFactory(community=world.community_b, status=Proposal.Status.IN_DELIBERATION)
    )
    if name in NEEDS_CLOSED:
        close(other)
    client.force_login(world.users["superuser"])
    extra = ["svg"] if name == "ballot_qr" else []
    path = reverse(f"deliberation:{name}", args=["a", other.pk, *extra])
    assert client.get(path).status_code == 404


def test_a_resident_waiting_for_verification_is_told_why_they_cannot_vote(client, world, proposal):
    ballot = open_ballot(proposal)
    user = UserFactory()
    ResidentFactory(
        household=world.household_a, user=user, verification_status=Resident.Verification.PENDING
    )
    client.force_login(user)
    response = client.get(url("ballot", ballot))
    assert response.status_code == 403
    assert response.context["waiting"] is True
    assert b'data-testid="not-allowed"' in response.content
    assert zh("Your registration is not verified yet").encode() in response.content


# ---------------------------------------------------------------- voting


def test_resident_votes_in_two_steps_choose_then_confirm(client, world, proposal):
    ballot = open_ballot(proposal, secret=False)
    resident = world.users["resident_a"].resident
    client.force_login(world.users["resident_a"])
    page = url("ballot", ballot)

    response = client.get(page)
    assert response.status_code == 200
    assert response.context["can_vote"] is True
    assert b'data-testid="vote-form"' in response.content
    assert "是否同意".encode() in response.content  # the question
    assert "火灾隐患".encode() in response.content  # the proposal summary

    # Step 1: choosing shows the choice back; nothing is recorded yet.
    response = client.post(page, {"option": "for"})
    assert response.status_code == 200
    assert response.context["step"] == "confirm"
    assert response.context["chosen"].key == "for"
    assert b'data-testid="confirm"' in response.content
    assert "赞成".encode() in response.content
    assert b'href="?choice=for"' in response.content  # Back keeps the choice
    assert not Participation.objects.filter(ballot=ballot).exists()

    # Back: the choice is still ticked.
    response = client.get(page + "?choice=for")
    assert b'value="for" required checked' in response.content

    # Step 2: confirming records the vote once, online.
    response = client.post(page, {"option": "for", "confirm": "yes"}, follow=True)
    assert response.redirect_chain == [(page, 302)]
    participation = Participation.objects.get(ballot=ballot)
    assert participation.resident == resident
    assert participation.channel == Participation.Channel.ONLINE
    assert BallotOption.objects.get(ballot=ballot, key="for").heads == 1
    assert b'data-testid="voted"' in response.content
    assert b'data-testid="vote-form"' not in response.content
    # A named ballot shows the voter their own choice.
    assert response.context["my_choice"] == "赞成"
    assert b'data-testid="my-choice"' in response.content


def test_voting_twice_is_refused_with_a_clear_message(client, world, proposal):
    ballot = open_ballot(proposal)
    client.force_login(world.users["resident_a"])
    page = url("ballot", ballot)
    client.post(page, {"option": "for", "confirm": "yes"})
    # A second tab that still shows the form, confirming "against".
    response = client.post(page, {"option": "against", "confirm": "yes"}, follow=True)
    assert zh("You have already voted in this ballot.") in response.content.decode()
    assert Participation.objects.filter(ballot=ballot).count() == 1
    assert BallotOption.objects.get(ballot=ballot, key="against").heads == 0


def test_a_household_ballot_tells_the_second_member_their_home_has_voted(client, world, proposal):
    ballot = open_ballot(proposal, unit=Ballot.Unit.HOUSEHOLD)
    spouse_user = UserFactory()
    ResidentFactory(household=world.household_a, user=spouse_user, name="居民甲的老伴")
    client.force_login(world.users["resident_a"])
    client.post(url("ballot", ballot), {"option": "for", "confirm": "yes"})

    client.force_login(spouse_user)
    response = client.get(url("ballot", ballot))
    assert response.context["participation"] is not None
    assert response.context["can_vote"] is False
    assert zh("Your home has voted.") in response.content.decode()
    response = client.post(
        url("ballot", ballot), {"option": "against", "confirm": "yes"}, follow=True
    )
    assert zh("Your household has already voted in this ballot.") in response.content.decode()
    assert Participation.objects.filter(ballot=ballot).count() == 1


def test_an_unknown_option_is_refused_and_nothing_is_recorded(client, world, proposal):
    ballot = open_ballot(proposal)
    client.force_login(world.users["resident_a"])
    for data in ({"option": "maybe"}, {"option": "maybe", "confirm": "yes"}, {}):
        response = client.post(url("ballot", ballot), data)
        assert response.status_code == 200
        assert response.context["step"] == "choose"
        assert response.context["form"].errors["option"] == [
            zh("Please choose one of the options.")
        ]
    assert not Participation.objects.filter(ballot=ballot).exists()


def test_a_resident_of_other_buildings_is_told_this_ballot_is_not_theirs(client, world):
    building_proposal = ProposalFactory(
        community=world.community_a,
        status=Proposal.Status.IN_DELIBERATION,
        buildings=[EntranceFactory(building__community=world.community_a).building],
    )
    ballot = open_ballot(building_proposal)
    client.force_login(world.users["resident_a"])
    response = client.get(url("ballot", ballot))
    assert response.context["problem"] == zh("This ballot is for residents of other buildings.")
    assert b'data-testid="not-eligible"' in response.content
    assert b'data-testid="vote-form"' not in response.content


def test_a_tenant_is_told_only_owners_vote_on_a_civil_code_matter(client, world, proposal):
    ballot = open_ballot(proposal, rule="civil_code_ordinary", unit=Ballot.Unit.HOUSEHOLD)
    client.force_login(world.users["resident_a"])  # not an owner
    response = client.get(url("ballot", ballot))
    assert response.context["problem"] == zh("Only owners can vote on this matter.")
    assert b'data-testid="vote-form"' not in response.content


@pytest.mark.parametrize("when", ["scheduled", "after_close"])
def test_no_vote_outside_the_voting_time(client, world, proposal, when):
    if when == "scheduled":
        ballot = BallotFactory(
            proposal=proposal,
            opens_at=now() + dt.timedelta(days=1),
            closes_at=now() + dt.timedelta(days=3),
        )
    else:
        ballot = open_ballot(proposal)
        close(ballot)
    client.force_login(world.users["resident_a"])
    response = client.get(url("ballot", ballot))
    assert response.context["can_vote"] is False
    assert b'data-testid="vote-form"' not in response.content
    assert (b'data-testid="see-result"' in response.content) == (when == "after_close")
    response = client.post(url("ballot", ballot), {"option": "for", "confirm": "yes"}, follow=True)
    assert zh("Voting is not open now.") in response.content.decode()
    assert not Participation.objects.filter(ballot=ballot).exists()


def test_a_cancelled_ballot_says_the_vote_did_not_take_place(client, world, proposal):
    ballot = BallotFactory(
        proposal=proposal,
        opens_at=now() - dt.timedelta(hours=1),
        closes_at=now() + dt.timedelta(days=2),
    )
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.WITHDRAWN)
    assert not services.ballot_open(ballot_id=ballot.pk, now=now())
    client.force_login(world.users["resident_a"])
    for name in ("ballot", "ballot_results"):
        response = client.get(url(name, ballot))
        assert response.context["state"] == "cancelled"
        assert b'data-testid="vote-form"' not in response.content
    assert b'data-testid="cancelled"' in client.get(url("ballot", ballot)).content


def test_the_office_cannot_vote_through_the_residents_form(client, world, proposal):
    ballot = open_ballot(proposal)
    client.force_login(world.users["worker_a"])
    assert (
        client.post(url("ballot", ballot), {"option": "for", "confirm": "yes"}).status_code == 403
    )
    assert not Participation.objects.filter(ballot=ballot).exists()


# ---------------------------------------------------------------- the rule in plain words


def test_the_rule_is_explained_with_the_ballots_own_numbers(client, world, proposal):
    voters(world.community_a, 9)  # with resident_a: 10 eligible residents
    ballot = open_ballot(proposal, rule="two_thirds", quorum_percent=50)
    assert ballot.eligible_heads == 10
    client.force_login(world.users["resident_a"])
    body = client.get(url("ballot", ballot)).content.decode()
    assert zh("The proposal passes if at least two-thirds of the votes cast are “For”.") in body
    quorum = zh(
        "The vote counts only if at least %(percent)s of the %(eligible)s "
        "eligible residents take part: at least %(needed)s people."
    ) % {"percent": "50%", "eligible": 10, "needed": 5}
    assert quorum in body


def test_the_civil_code_rule_names_households_and_floor_area(client, world, proposal):
    voters(world.community_a, 2, owner=True, areas=["100.00", "80.00"])
    # household_a (68.50 m², owner-occupied) counts too: 3 households, 248.50 m².
    ballot = open_ballot(proposal, rule="civil_code_major", unit=Ballot.Unit.HOUSEHOLD)
    client.force_login(world.users["worker_a"])
    body = client.get(url("ballot", ballot)).content.decode()
    line = zh(
        "The vote is valid only if at least two-thirds of the %(households)s owner "
        "households take part (at least %(needed_households)s), and together they "
        "own at least two-thirds of the %(area)s of floor area (at least "
        "%(needed_area)s)."
    ) % {
        "households": 3,
        "needed_households": 2,
        "area": zh("%(area)s m²") % {"area": "248.50"},
        "needed_area": zh("%(area)s m²") % {"area": "165.67"},
    }
    assert line in body


# ---------------------------------------------------------------- paper votes


def test_worker_finds_a_resident_by_name_or_room_and_records_a_paper_vote(client, world, proposal):
    ballot = open_ballot(proposal)
    resident = world.users["resident_a"].resident
    client.force_login(world.users["worker_a"])
    paper = url("ballot_paper", ballot)

    for query in ("居民甲", "101"):
        response = client.get(paper, {"q": query})
        assert [r.pk for r, voted in response.context["found"]] == [resident.pk]
    # Residents of community B never turn up.
    assert client.get(paper, {"q": "居民乙"}).context["found"] == []

    response = client.get(paper, {"q": "居民甲", "resident": resident.pk})
    assert response.context["selected"] == resident
    assert b'data-testid="paper-form"' in response.content

    response = client.post(paper, {"resident": resident.pk, "option": "against"}, follow=True)
    assert response.redirect_chain == [(paper, 302)]
    participation = Participation.objects.get(ballot=ballot)
    assert participation.channel == Participation.Channel.PAPER
    assert participation.recorded_by == world.users["worker_a"]
    assert BallotOption.objects.get(ballot=ballot, key="against").heads == 1
    # The search now marks them as having voted, and offers no second form.
    response = client.get(paper, {"q": "居民甲", "resident": resident.pk})
    assert response.context["found"] == [(resident, True)]
    assert b'data-testid="paper-form"' not in response.content


def test_a_resident_with_a_paper_vote_cannot_vote_again_online(client, world, proposal):
    ballot = open_ballot(proposal)
    resident = world.users["resident_a"].resident
    client.force_login(world.users["worker_a"])
    client.post(url("ballot_paper", ballot), {"resident": resident.pk, "option": "against"})

    client.force_login(world.users["resident_a"])
    response = client.get(url("ballot", ballot))
    assert response.context["can_vote"] is False
    assert zh("Your paper ballot was entered by the community office.") in response.content.decode()
    response = client.post(url("ballot", ballot), {"option": "for", "confirm": "yes"}, follow=True)
    assert zh("You have already voted in this ballot.") in response.content.decode()
    assert Participation.objects.filter(ballot=ballot).count() == 1
    assert BallotOption.objects.get(ballot=ballot, key="for").heads == 0


def test_a_second_paper_vote_for_the_same_resident_is_refused(client, world, proposal):
    ballot = open_ballot(proposal)
    resident = world.users["resident_a"].resident
    client.force_login(world.users["worker_a"])
    client.post(url("ballot_paper", ballot), {"resident": resident.pk, "option": "for"})
    response = client.post(url("ballot_paper", ballot), {"resident": resident.pk, "option": "for"})
    assert response.status_code == 200
    assert zh("You have already voted in this ballot.") in response.content.decode()
    assert BallotOption.objects.get(ballot=ballot, key="for").heads == 1


def test_paper_votes_refuse_an_unknown_option_and_another_communitys_resident(
    client, world, proposal
):
    ballot = open_ballot(proposal)
    client.force_login(world.users["worker_a"])
    resident_a = world.users["resident_a"].resident
    resident_b = world.users["resident_b"].resident
    response = client.post(url("ballot_paper", ballot), {"resident": resident_a.pk, "option": "x"})
    assert "option" in response.context["form"].errors
    response = client.post(
        url("ballot_paper", ballot), {"resident": resident_b.pk, "option": "for"}
    )
    assert "resident" in response.context["form"].errors
    assert not Participation.objects.filter(ballot=ballot).exists()


# ---------------------------------------------------------------- secret and named


def _make_counts_distinctive(ballot):
    """Running totals no page could show by accident: 4321 For, 8765 Against (not 1234:
    the menu's "12345" contains it)."""
    BallotOption.objects.filter(ballot=ballot, key="for").update(heads=4321)
    BallotOption.objects.filter(ballot=ballot, key="against").update(heads=8765)


@pytest.mark.parametrize("role", ["resident_a", "worker_a", "secretary_a", "subdistrict_a"])
def test_no_page_shows_running_counts_while_a_secret_ballot_is_open(client, world, proposal, role):
    ballot = open_ballot(proposal, secret=True)
    cast(ballot, world.users["resident_a"].resident, "for")
    _make_counts_distinctive(ballot)
    client.force_login(world.users[role])
    pages = ["ballot", "ballot_results"]
    if role in ("worker_a", "secretary_a"):
        pages.append("ballot_voters")
    for name in pages:
        body = client.get(url(name, ballot)).content.decode()
        assert "4321" not in body and "8765" not in body, name
        assert 'data-testid="counts"' not in body
    # The office sees turnout (one of the ten eligible... here one of one), not counts.
    response = client.get(url("ballot_results", ballot))
    assert ("turnout" in response.context) == (role in ("worker_a", "secretary_a"))
    assert "summary" not in response.context


def test_secret_ballot_voter_list_shows_who_took_part_never_what_they_chose(
    client, world, proposal
):
    ballot = open_ballot(proposal, secret=True)
    cast(ballot, world.users["resident_a"].resident, "against")
    assert not NamedChoice.objects.exists()
    client.force_login(world.users["secretary_a"])
    response = client.get(url("ballot_voters", ballot))
    body = response.content.decode()
    assert response.context["show_choices"] is False
    assert "居民甲" in body
    assert 'data-col="choice"' not in body
    assert "反对" not in body


def test_named_ballot_the_secretary_sees_choices_the_worker_does_not(client, world, proposal):
    ballot = open_ballot(proposal, secret=False)
    cast(ballot, world.users["resident_a"].resident, "against")

    client.force_login(world.users["secretary_a"])
    response = client.get(url("ballot_voters", ballot))
    assert response.context["show_choices"] is True
    body = response.content.decode()
    assert '<td data-col="choice">反对</td>' in body

    client.force_login(world.users["worker_a"])
    response = client.get(url("ballot_voters", ballot))
    assert response.context["show_choices"] is False
    body = response.content.decode()
    assert "居民甲" in body
    assert 'data-col="choice"' not in body
    assert "反对" not in body


# ---------------------------------------------------------------- results


def test_results_page_shows_the_frozen_result_not_the_live_counters(client, world, proposal):
    extra = voters(world.community_a, 4)  # 5 eligible with resident_a
    ballot = open_ballot(proposal, quorum_percent=50)
    for resident, key in zip(
        [world.users["resident_a"].resident, *extra[:2]], ["for", "for", "against"], strict=True
    ):
        cast(ballot, resident, key)
    result = close(ballot)
    assert result.passed is True
    # Counters changed after the close (say, by a mistaken admin edit) must not show.
    BallotOption.objects.filter(ballot=ballot).update(heads=999)

    client.force_login(world.users["resident_a"])
    response = client.get(url("ballot_results", ballot))
    body = response.content.decode()
    assert "999" not in body
    summary = response.context["summary"]
    assert [(row.key, row.heads, row.percent) for row in summary.options] == [
        ("for", 2, "66.7%"),
        ("against", 1, "33.3%"),
        ("abstain", 0, "0%"),
    ]
    assert (summary.voted_heads, summary.eligible_heads) == (3, 5)
    assert '<tr data-option="for" class="table-success">' in body
    assert '<td class="text-end" data-col="heads">2</td>' in body
    assert 'data-passed="yes"' in body
    # Each threshold: needed, reached as a fraction, met.
    checks = {row.code: row for row in summary.checks}
    assert set(checks) == {"quorum", "majority_of_cast"}
    assert checks["quorum"].reached == zh("%(part)s of %(whole)s = %(share)s") % {
        "part": "3",
        "whole": "5",
        "share": "60%",
    }
    assert checks["majority_of_cast"].reached == zh("%(part)s of %(whole)s = %(share)s") % {
        "part": "2",
        "whole": "3",
        "share": "66.7%",
    }
    assert checks["majority_of_cast"].needed == zh("more than %(share)s (%(percent)s)") % {
        "share": zh("half"),
        "percent": "50%",
    }
    assert all(row.met for row in checks.values())
    assert body.count('data-met="yes"') == 2
    # The bar chart is drawn on the server: one bar per option, widths from the shares.
    assert "<svg" in body
    assert [bar.width for bar in summary.chart.bars] == [233, 117, 0]
    assert summary.chart.threshold_x == 175


def test_a_failed_quorum_is_shown_as_not_met_and_not_passed(client, world, proposal):
    voters(world.community_a, 9)
    ballot = open_ballot(proposal, quorum_percent=50)
    cast(ballot, world.users["resident_a"].resident, "for")
    close(ballot)
    client.force_login(world.users["resident_a"])
    response = client.get(url("ballot_results", ballot))
    checks = {row.code: row for row in response.context["summary"].checks}
    assert checks["quorum"].met is False
    assert checks["majority_of_cast"].met is True
    assert response.context["summary"].passed is False
    assert 'data-passed="no"' in response.content.decode()
    # A missed quorum is no decision at all, and the page says so.
    assert response.context["summary"].invalid is True
    assert (
        zh(
            "The vote is invalid: fewer people took part than the quorum requires, so nothing "
            "was decided."
        )
        in response.content.decode()
    )


def test_civil_code_results_show_households_and_floor_area(client, world, proposal):
    owners = voters(world.community_a, 3, owner=True, areas=["100.00", "80.00", "60.00"])
    ballot = open_ballot(proposal, rule="civil_code_ordinary", unit=Ballot.Unit.HOUSEHOLD)
    # 4 owner households (household_a too), 308.50 m².
    assert (ballot.eligible_households, ballot.eligible_area) == (4, Decimal("308.50"))
    for resident, key in zip(owners, ["for", "for", "against"], strict=True):
        cast(ballot, resident, key)
    close(ballot)
    client.force_login(world.users["secretary_a"])
    response = client.get(url("ballot_results", ballot))
    summary = response.context["summary"]
    assert summary.passed is True
    assert summary.invalid is False
    checks = {row.code: row for row in summary.checks}
    area = lambda value: zh("%(area)s m²") % {"area": value}  # noqa: E731
    reached = zh("%(part)s of %(whole)s = %(share)s")
    assert checks["turnout_area"].reached == reached % {
        "part": area("240.00"),
        "whole": area("308.50"),
        "share": "77.8%",
    }
    assert checks["agree_area"].reached == reached % {
        "part": area("180.00"),
        "whole": area("240.00"),
        "share": "75%",
    }
    assert checks["turnout_owners"].reached == reached % {"part": "3", "whole": "4", "share": "75%"}
    body = response.content.decode()
    assert 'data-testid="turnout-area"' in body
    assert '<td class="text-end" data-col="area">180.00</td>' in body
    # Two bars per option (households, floor area).
    assert len(summary.chart.bars) == 6


def test_a_several_choice_ballot_names_the_decided_choice(client, world, proposal):
    extra = voters(world.community_a, 2)
    ballot = open_ballot(proposal, keys=["choice-1", "choice-2"])
    BallotOption.objects.filter(ballot=ballot, key="choice-1").update(label="长椅")
    BallotOption.objects.filter(ballot=ballot, key="choice-2").update(label="垃圾桶")
    for resident in extra:
        cast(ballot, resident, "choice-2")
    cast(ballot, world.users["resident_a"].resident, "choice-1")
    close(ballot)
    client.force_login(world.users["resident_a"])
    response = client.get(url("ballot_results", ballot))
    summary = response.context["summary"]
    assert (summary.passed, summary.winner_label, summary.yes_no) == (True, "垃圾桶", False)
    assert zh("Decided: %(choice)s") % {"choice": "垃圾桶"} in response.content.decode()


def test_result_csv_has_a_bom_and_the_frozen_numbers(client, world, proposal):
    extra = voters(world.community_a, 2)
    ballot = open_ballot(proposal)
    cast(ballot, world.users["resident_a"].resident, "for")
    cast(ballot, extra[0], "against")
    cast(ballot, extra[1], "for")
    close(ballot)
    client.force_login(world.users["worker_a"])
    response = client.get(url("ballot_results_csv", ballot))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="ballot-{ballot.pk}-results.csv"' in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [zh("Question"), ballot.question]
    by_label = {row[0]: row for row in rows if row}
    assert by_label["赞成"][1:] == ["2", "", "", "66.7%"]
    assert by_label["反对"][1:] == ["1", "", "", "33.3%"]
    assert by_label[zh("Took part")][1] == "3"
    assert by_label[zh("Eligible")][1] == "3"
    assert by_label[zh("Outcome")] == [zh("Outcome"), zh("Passed")]


def test_public_notice_is_printable_and_states_the_outcome(client, world, proposal):
    ballot = open_ballot(proposal)
    cast(ballot, world.users["resident_a"].resident, "against")
    close(ballot)
    client.force_login(world.users["worker_a"])
    body = client.get(url("ballot_notice", ballot)).content.decode()
    # The print button works through static/js/page-actions.js (no inline handler: CSP).
    assert 'class="no-print"' in body and "data-print" in body and "js/page-actions.js" in body
    assert 'data-passed="no"' in body
    assert "增设电动车充电棚" in body and "双合家园" in body


@pytest.mark.parametrize("name", ["ballot_results_csv", "ballot_notice"])
def test_csv_and_notice_do_not_exist_before_the_close(client, world, proposal, name):
    ballot = open_ballot(proposal)
    client.force_login(world.users["secretary_a"])
    assert client.get(url(name, ballot)).status_code == 404


# ---------------------------------------------------------------- QR codes


def test_qr_svg_and_png_encode_the_absolute_short_link(client, world, proposal, monkeypatch):
    ballot = open_ballot(proposal)
    made = []
    real_make = ballot_views.segno.make

    def spy(content, **kwargs):
        made.append(content)
        return real_make(content, **kwargs)

    monkeypatch.setattr(ballot_views.segno, "make", spy)
    client.force_login(world.users["worker_a"])
    short = f"http://testserver/b/{ballot.short_code}/"

    svg = client.get(url("ballot_qr", ballot, "svg"))
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content and svg.content.rstrip().endswith(b"</svg>")

    png = client.get(url("ballot_qr", ballot, "png"))
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")

    assert made == [short, short]
    # And the short link leads to the ballot.
    assert client.get(short)["Location"] == url("ballot", ballot)


@pytest.mark.parametrize("fmt", ["gif", "jpg", "SVG", "svgz"])
def test_qr_in_any_other_format_is_404(client, world, proposal, fmt):
    ballot = open_ballot(proposal)
    client.force_login(world.users["worker_a"])
    assert client.get(url("ballot_qr", ballot, fmt)).status_code == 404


def test_short_link_to_an_unknown_code_is_404(client, world):
    client.force_login(world.users["resident_a"])
    assert client.get(reverse("deliberation:ballot_short", args=["nope123"])).status_code == 404


def test_short_link_sends_an_anonymous_visitor_to_log_in_and_back(client, world, proposal):
    ballot = open_ballot(proposal)
    short = reverse("deliberation:ballot_short", args=[ballot.short_code])
    response = client.get(short)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={short}"


# ---------------------------------------------------------------- scheduling


def _form(**overrides) -> dict:
    opens = timezone.localtime() + dt.timedelta(hours=1)
    data = {
        "question": "是否同意在5号楼下建充电棚？",
        "opens_at": opens.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (opens + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "rule": "majority",
        "unit": "resident",
        "secret": "1",
        "quorum_percent": "",
        "option_mode": "yes_no",
        "choices": "",
    }
    data.update(overrides)
    return data


def test_office_schedules_a_for_against_abstain_ballot(client, world, proposal):
    client.force_login(world.users["worker_a"])
    response = client.post(reverse("deliberation:ballot_create", args=["a", proposal.pk]), _form())
    ballot = Ballot.objects.get(proposal=proposal)
    assert response.status_code == 302
    assert response["Location"] == url("ballot", ballot)
    assert ballot.status == Ballot.Status.SCHEDULED
    assert ballot.secret is True and ballot.created_by == world.users["worker_a"]
    assert list(ballot.options.values_list("key", flat=True)) == ["for", "against", "abstain"]
    # Typed as Beijing wall-clock time.
    assert timezone.localtime(ballot.opens_at).strftime("%Y-%m-%dT%H:%M") == _form()["opens_at"]


def test_office_schedules_a_named_ballot_of_several_choices(client, world, proposal):
    client.force_login(world.users["secretary_a"])
    data = _form(option_mode="choices", choices="长椅\n\n  垃圾桶  \n路灯\n", secret="0")
    client.post(reverse("deliberation:ballot_create", args=["a", proposal.pk]), data)
    ballot = Ballot.objects.get(proposal=proposal)
    assert ballot.secret is False
    assert list(ballot.options.values_list("key", "label")) == [
        ("choice-1", "长椅"),
        ("choice-2", "垃圾桶"),
        ("choice-3", "路灯"),
    ]


def test_a_civil_code_ballot_is_always_by_household(client, world, proposal):
    client.force_login(world.users["secretary_a"])
    data = _form(rule="civil_code_major", unit="resident")
    client.post(reverse("deliberation:ballot_create", args=["a", proposal.pk]), data)
    assert Ballot.objects.get(proposal=proposal).unit == Ballot.Unit.HOUSEHOLD


BAD_INPUT = {
    "closes_before_opens": (
        {"closes_at": (timezone.localtime() + dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")},
        "closes_at",
    ),
    "closes_in_the_past": (
        {
            "opens_at": "2020-01-01T09:00",
            "closes_at": "2020-01-02T09:00",
        },
        "closes_at",
    ),
    "quorum_0": ({"quorum_percent": "0"}, "quorum_percent"),
    "quorum_101": ({"quorum_percent": "101"}, "quorum_percent"),
    "civil_code_with_quorum": (
        {"rule": "civil_code_ordinary", "quorum_percent": "50"},
        "quorum_percent",
    ),
    "one_choice": ({"option_mode": "choices", "choices": "长椅\n\n"}, "choices"),
    "duplicate_choices": ({"option_mode": "choices", "choices": "长椅\n长椅"}, "choices"),
    "no_question": ({"question": ""}, "question"),
    "unknown_rule": ({"rule": "unanimity"}, "rule"),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_ballot_input_is_refused_next_to_its_field(client, world, proposal, case):
    overrides, field = BAD_INPUT[case]
    client.force_login(world.users["worker_a"])
    response = client.post(
        reverse("deliberation:ballot_create", args=["a", proposal.pk]), _form(**overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Ballot.objects.exists()


def test_closes_before_opens_says_so_in_chinese(client, world, proposal):
    client.force_login(world.users["worker_a"])
    overrides = BAD_INPUT["closes_before_opens"][0]
    response = client.post(
        reverse("deliberation:ballot_create", args=["a", proposal.pk]), _form(**overrides)
    )
    assert response.context["form"].errors["closes_at"] == [
        zh("A ballot must close after it opens.")
    ]


def test_a_proposal_not_in_deliberation_cannot_be_put_to_a_vote(client, world):
    draft = ProposalFactory(community=world.community_a, status=Proposal.Status.SUBMITTED)
    client.force_login(world.users["worker_a"])
    path = reverse("deliberation:ballot_create", args=["a", draft.pk])
    assert client.get(path).context["can_be_voted"] is False
    response = client.post(path, _form())
    assert response.context["form"].non_field_errors() == [
        zh("Only a proposal in deliberation can be put to a vote.")
    ]
    assert not Ballot.objects.exists()


def test_a_proposal_of_another_community_is_404(client, world):
    other = ProposalFactory(community=world.community_b, status=Proposal.Status.IN_DELIBERATION)
    client.force_login(world.users["superuser"])
    assert (
        client.get(reverse("deliberation:ballot_create", args=["a", other.pk])).status_code == 404
    )


# ---------------------------------------------------------------- query counts


def ballot_with_votes(world, votes: int, *, closed: bool) -> Ballot:
    """A named ballot on a proposal of its own in community A, with ``votes`` votes by as
    many residents, each in a home of their own, all made in bulk; two-thirds For. The
    counters are set the way ballot_cast would have left them."""
    ballot = BallotFactory(
        proposal=ProposalFactory(
            community=world.community_a, status=Proposal.Status.IN_DELIBERATION
        ),
        secret=False,
        quorum_percent=10,
        opens_at=now() - dt.timedelta(hours=1),
        closes_at=now() + dt.timedelta(days=2),
    )
    entrance = EntranceFactory(building__community=world.community_a)
    households = Household.objects.bulk_create(
        Household(entrance=entrance, room=f"{i:05d}", floor_area=Decimal("70.00"))
        for i in range(votes)
    )
    residents = Resident.objects.bulk_create(
        Resident(
            household=h,
            name=f"批量居民{h.pk}",
            verification_status=Resident.Verification.VERIFIED,
        )
        for h in households
    )
    assert services.ballot_open(ballot_id=ballot.pk, now=now())
    options = {o.key: o for o in ballot.options.all()}
    participations = Participation.objects.bulk_create(
        Participation(
            ballot=ballot,
            voter_key=f"r{r.pk}",
            resident=r,
            household_id=r.household_id,
            channel=Participation.Channel.ONLINE,
        )
        for r in residents
    )
    in_favour = votes * 2 // 3
    NamedChoice.objects.bulk_create(
        NamedChoice(participation=p, option=options["for" if i < in_favour else "against"])
        for i, p in enumerate(participations)
    )
    BallotOption.objects.filter(pk=options["for"].pk).update(heads=in_favour)
    BallotOption.objects.filter(pk=options["against"].pk).update(heads=votes - in_favour)
    ballot.refresh_from_db()
    if closed:
        close(ballot)
    return ballot


# Each page: (URL name, viewer, closed?, ceiling). Every /c/a/… page pays the same 8 fixed
# queries: session, user, community (with subdistrict and district), the viewer's scope
# (community roles, area roles, home), the unread-notification count, and the ballot with
# its proposal and frozen result; then the ballot's options (1). On top of that:
#   ballot (resident):     the resident (1), whether their home is in scope (1), their
#                          participation (1)                                  = 12
#   results (closed):      nothing: every number comes from BallotResult      = 9
#   results (office, open): the turnout aggregate over participations (1)      = 10
#   voters (secretary):    count (1) and one page of participations joined to
#                          resident, home, building, recorder and choice (1)  = 11
QUERY_PAGES = {
    "ballot-resident-open": ("ballot", "resident_a", False, 12),
    "results-resident-closed": ("ballot_results", "resident_a", True, 9),
    "results-office-open": ("ballot_results", "secretary_a", False, 10),
    "notice-closed": ("ballot_notice", "worker_a", True, 9),
    "voters-secretary": ("ballot_voters", "secretary_a", False, 11),
}


@pytest.mark.parametrize("page", list(QUERY_PAGES))
def test_query_count_is_the_same_at_10_and_10000_votes(
    client, world, django_assert_max_num_queries, page
):
    name, viewer, closed, ceiling = QUERY_PAGES[page]
    small = ballot_with_votes(world, 10, closed=closed)
    large = ballot_with_votes(world, 10_000, closed=closed)
    client.force_login(world.users[viewer])
    counts = []
    for ballot, votes in ((small, 10), (large, 10_000)):
        path = url(name, ballot)
        with django_assert_max_num_queries(ceiling) as captured:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(captured))
        if closed:
            assert response.context["summary"].voted_heads == votes
        if name == "ballot_voters":
            assert response.context["page_obj"].paginator.count == votes
    assert counts[0] == counts[1], f"{page}: {counts[0]} → {counts[1]} queries"
