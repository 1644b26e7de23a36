"""Demo deliberation for seed_demo: 双合家园's halls and representatives, the 2018
tree-planting story from proposal to completed project, an open ballot on parcel lockers
and a Civil Code ballot on 5号楼's e-bike charging shed. Idempotent: everything is keyed
by its title (or name), and a story that exists already is left alone."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Building, Community, Household, Resident
from deliberation import hall_services, project_services, services
from deliberation.models import (
    Ballot,
    BallotOption,
    BallotResult,
    Hall,
    Participation,
    Project,
    Proposal,
    ProposalCategory,
    ProposalEvent,
    Representative,
    Session,
)
from deliberation.rules_tally import Rule

User = get_user_model()
S = Proposal.Status
BEIJING = ZoneInfo("Asia/Shanghai")
OFFICE = {"office"}

FIXED_HALL = "双合家园社区议事厅"
MOBILE_HALL = "移动议事厅"
TREES = "小区增加绿化树木"
LOCKERS = "5号楼下增设快递柜"
CHARGING = "5号楼电动自行车充电棚"
BUREAU = "朝阳区园林绿化局"


def _at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


@transaction.atomic
def seed_deliberation(rng: random.Random) -> None:
    community = Community.objects.select_related("subdistrict").get(code="shuanghe")
    secretary = User.objects.get(phone="13800000001")
    worker = User.objects.get(phone="13800000002")
    proposer = User.objects.get(phone="13900000001")

    fixed = _hall(community, FIXED_HALL, Hall.Kind.FIXED, "社区党群服务中心一层")
    mobile = _hall(community, MOBILE_HALL, Hall.Kind.MOBILE, "各楼门前、绿地凉亭")
    representatives = _representatives(community)
    _trees(
        community, rng, secretary=secretary, proposer=proposer, hall=mobile, reps=representatives
    )
    _lockers(community, rng, secretary=secretary, worker=worker, hall=mobile, reps=representatives)
    _charging(community, rng, secretary=secretary, worker=worker)
    _upcoming_session(community, secretary=secretary, hall=fixed)


def _hall(community: Community, name: str, kind: str, place: str) -> Hall:
    hall = Hall.objects.filter(community=community, name=name).first()
    if hall is None:
        hall = hall_services.hall_save(
            hall=Hall(community=community, name=name, kind=kind, usual_place=place)
        )
    return hall


def _representatives(community: Community) -> list[Resident]:
    """Nine representatives in the current term (the four demo residents with accounts
    among them); three of them also served the previous term."""
    verified = Resident.objects.for_community(community).verified()
    with_accounts = list(
        verified.filter(user__phone__in=[f"1390000000{i}" for i in range(1, 5)]).order_by(
            "user__phone"
        )
    )
    others = list(verified.filter(user__isnull=True).order_by("pk")[:5])
    chosen = with_accounts + others
    current = _term_around(timezone.localdate())
    past = _term_around(current[0] - dt.timedelta(days=1))
    for index, resident in enumerate(chosen):
        terms = [current, past] if index % 3 == 0 else [current]
        for elected_on, term_ends_on in terms:
            if Representative.objects.filter(resident=resident, elected_on=elected_on).exists():
                continue
            hall_services.representative_add(
                community=community,
                resident=resident,
                elected_on=elected_on,
                term_ends_on=term_ends_on,
            )
    return chosen


def _term_around(day: dt.date) -> tuple[dt.date, dt.date]:
    """The three-year term (elected 15 January 2024, 2027, …) that includes ``day``: fixed
    dates, so a rerun finds the terms it made, and a new term when the old one ends."""
    year = 2024 + (day.year - 2024) // 3 * 3
    if day < dt.date(year, 1, 15):
        year -= 3
    return dt.date(year, 1, 15), dt.date(year + 3, 1, 14)


def _proposal(
    community: Community,
    title: str,
    description: str,
    category: str,
    *,
    by,
    resident: Resident | None = None,
    buildings: list[Building] | None = None,
) -> Proposal:
    proposal = Proposal(
        community=community,
        title=title,
        description=description,
        category=ProposalCategory.objects.get(code=category),
        resident=resident,
        created_by=by,
        whole_community=not buildings,
    )
    proposal.full_clean()
    proposal.save()
    if buildings:
        proposal.buildings.set(buildings)
    return proposal


def _walk(proposal: Proposal, steps: list[tuple[str, object, set[str], str]]) -> Proposal:
    for to_status, by, roles, comment in steps:
        proposal = services.proposal_step(
            proposal=proposal, to_status=to_status, by=by, roles=roles, comment=comment
        )
    return proposal


def _paper_votes(ballot: Ballot, residents: list[Resident], keys: list[str], worker) -> None:
    """Paper ballots entered by a worker (the elderly without smartphones)."""
    for resident, key in zip(residents, keys, strict=False):
        services.ballot_cast(
            ballot=ballot,
            resident=resident,
            option_key=key,
            channel=Participation.Channel.PAPER,
            recorded_by=worker,
        )


# ---------------------------------------------------------------- 2018: trees


def _trees(community, rng, *, secretary, proposer, hall, reps) -> None:
    if Proposal.objects.filter(community=community, title=TREES).exists():
        return
    resident = Resident.objects.get(user=proposer)
    proposal = _proposal(
        community,
        TREES,
        "小区绿化少，夏天没有树荫。居民希望多种树，但社区没有这笔预算。",
        "greening",
        by=proposer,
        resident=resident,
    )
    proposal = _walk(
        proposal,
        [
            (S.SUBMITTED, proposer, {"proposer"}, ""),
            (S.ON_AGENDA, secretary, OFFICE, "列入六月移动议事厅议题"),
            (S.IN_DELIBERATION, secretary, OFFICE, "绿地凉亭议事会讨论"),
        ],
    )

    session = Session.objects.filter(community=community, place="绿地凉亭").first()
    if session is None:
        hall_services.session_save(
            session=Session(
                community=community,
                hall=hall,
                starts_at=_at(2018, 6, 20, 19, 0),
                place="绿地凉亭",
                host=secretary,
                minutes=(
                    "刘书记主持。居民反映小区绿化少、夏天无树荫，但社区没有种树预算。"
                    "刘书记介绍：小区东侧道路拓宽，路边行道树需要移栽，已向垡头街道反映，"
                    "请街道“吹哨”，协调区园林绿化局把树移进小区。"
                    "议定：请区园林绿化局现场查看；沿步道增设长椅和垃圾桶的方案交居民表决。"
                ),
            ),
            agenda=[proposal],
            attendees=reps,
        )

    ballot = services.ballot_create(
        proposal=proposal,
        question="是否同意移栽行道树入小区，并沿步道增设长椅和垃圾桶？",
        opens_at=_at(2018, 7, 2, 8),
        closes_at=_at(2018, 7, 9, 20),
        rule=Rule.MAJORITY.value,
        unit=Ballot.Unit.RESIDENT,
        secret=True,
        quorum_percent=None,
        options=services.options_for_yes_no(),
        by=secretary,
    )
    services.ballot_open(ballot_id=ballot.pk, now=_at(2018, 7, 2, 8, 1))
    _freeze_result(ballot, rng, secretary=secretary)

    project = project_services.project_create(
        proposal=proposal,
        title="小区绿化提升：移栽行道树、增设长椅和垃圾桶",
        organisation=_bureau(community),
        budget=Decimal("36000.00"),
        funding_source="区园林绿化局承担移栽；长椅、垃圾桶由社区公益金列支",
        started_on=dt.date(2018, 9, 25),
        by=secretary,
    )
    milestones = [
        ("30棵行道树移栽入小区", dt.date(2018, 10, 15), dt.date(2018, 10, 12)),
        ("23棵原有树木重新规划", dt.date(2018, 10, 25), dt.date(2018, 10, 24)),
        ("沿步道增设长椅和垃圾桶", dt.date(2018, 10, 31), dt.date(2018, 10, 30)),
    ]
    for title, due_on, done_on in milestones:
        milestone = project_services.milestone_add(project=project, title=title, due_on=due_on)
        project_services.milestone_done(milestone=milestone, on=done_on)
    project_services.project_update(
        project=Project.objects.get(pk=project.pk),
        by=secretary,
        title=project.title,
        organisation=project.organisation,
        budget=project.budget,
        funding_source=project.funding_source,
        started_on=project.started_on,
        status=Project.Status.COMPLETED,
        progress=100,
        completed_on=dt.date(2018, 10, 31),
    )

    # The story happened in 2018: date the record accordingly.
    when = {
        S.DRAFT: _at(2018, 6, 1, 9),
        S.SUBMITTED: _at(2018, 6, 1, 9, 30),
        S.ON_AGENDA: _at(2018, 6, 12, 15),
        S.IN_DELIBERATION: _at(2018, 6, 20, 21),
        S.VOTING: _at(2018, 7, 2, 8, 1),
        S.PASSED: _at(2018, 7, 9, 20, 1),
        S.IN_IMPLEMENTATION: _at(2018, 9, 25, 10),
        S.COMPLETED: _at(2018, 10, 31, 17),
    }
    for status, at in when.items():
        ProposalEvent.objects.filter(proposal=proposal, to_status=status).update(at=at)
    Proposal.objects.filter(pk=proposal.pk).update(
        created_at=when[S.DRAFT], submitted_at=when[S.SUBMITTED]
    )
    # The result's computed_at stays the seeding time: results are frozen by a trigger.


def _freeze_result(ballot: Ballot, rng, *, secretary) -> None:
    """Close a past ballot by hand: paper votes were counted on the night, so the option
    totals are set (with one participation row per voter), the result is tallied and
    frozen, and the proposal passes."""
    voters = list(
        Resident.objects.filter(household__in=services.in_scope(ballot.proposal))
        .verified()
        .order_by("pk")
        .values_list("pk", "household_id")
    )
    turnout = min(len(voters), 40 + rng.randint(0, 20))
    against = max(1, turnout // 12)
    abstain = max(1, turnout // 25)
    votes_for = turnout - against - abstain
    Participation.objects.bulk_create(
        Participation(
            ballot=ballot,
            voter_key=f"r{resident_id}",
            resident_id=resident_id,
            household_id=household_id,
            channel=Participation.Channel.PAPER,
            recorded_by=secretary,
        )
        for resident_id, household_id in voters[:turnout]
    )
    for key, heads in (("for", votes_for), ("against", against), ("abstain", abstain)):
        BallotOption.objects.filter(ballot=ballot, key=key).update(heads=F("heads") + heads)
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.CLOSED)
    ballot = Ballot.objects.get(pk=ballot.pk)
    outcome, counts, electorate = services.tally(ballot)
    BallotResult.objects.create(
        ballot=ballot,
        passed=outcome.passed,
        winner=outcome.winner or "",
        counts={
            key: {"heads": c.heads, "households": c.households, "area": str(c.area)}
            for key, c in counts.items()
        },
        checks=[
            {
                "code": check.code,
                "needed": str(check.needed),
                "strict": check.strict,
                "numerator": str(check.numerator),
                "denominator": str(check.denominator),
                "met": check.met,
            }
            for check in outcome.checks
        ],
        electorate={
            "heads": electorate.heads,
            "households": electorate.households,
            "area": str(electorate.area),
        },
    )
    services.proposal_step(
        proposal=ballot.proposal,
        to_status=S.PASSED if outcome.passed else S.REJECTED,
        by=secretary,
        roles={"system"},
        comment=_("Ballot closed: %(q)s") % {"q": ballot.question},
    )


def _bureau(community: Community):
    from governance.models import Organisation

    return Organisation.objects.filter(
        district=community.subdistrict.district_id, name=BUREAU
    ).first()


# ---------------------------------------------------------------- now: open ballots


def _lockers(community, rng, *, secretary, worker, hall, reps) -> None:
    if Proposal.objects.filter(community=community, title=LOCKERS).exists():
        return
    building = Building.objects.get(community=community, name="5号楼")
    proposal = _proposal(
        community,
        LOCKERS,
        "快递经常堆在楼门口，老人取件不便，也容易丢件。建议在5号楼下空地增设智能快递柜。",
        "facilities",
        by=worker,
    )
    proposal = _walk(
        proposal,
        [
            (S.SUBMITTED, worker, OFFICE, ""),
            (S.ON_AGENDA, secretary, OFFICE, ""),
            (S.IN_DELIBERATION, secretary, OFFICE, "5号楼下移动议事厅讨论"),
        ],
    )
    now = timezone.now()
    session = Session.objects.filter(community=community, place="5号楼下").first()
    if session is None:
        hall_services.session_save(
            session=Session(
                community=community,
                hall=hall,
                starts_at=now - dt.timedelta(days=3),
                place="5号楼下",
                building=building,
                host=secretary,
                minutes="居民赞成增设快递柜，物业同意提供场地。议定：全体居民投票决定。",
            ),
            agenda=[proposal],
            attendees=reps[:6],
        )
    ballot = services.ballot_create(
        proposal=proposal,
        question="是否同意在5号楼下增设智能快递柜？",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=5),
        rule=Rule.MAJORITY.value,
        unit=Ballot.Unit.RESIDENT,
        secret=True,
        quorum_percent=None,
        options=services.options_for_yes_no(),
        by=secretary,
    )
    services.ballot_open(ballot_id=ballot.pk, now=now)
    ballot.refresh_from_db()
    # Residents without an account voted on paper; the demo accounts can still vote.
    voters = list(
        Resident.objects.for_community(community)
        .verified()
        .filter(user__isnull=True)
        .order_by("pk")[:25]
    )
    keys = [rng.choice(["for", "for", "for", "against", "abstain"]) for _ in voters]
    _paper_votes(ballot, voters, keys, worker)


def _charging(community, rng, *, secretary, worker) -> None:
    if Proposal.objects.filter(community=community, title=CHARGING).exists():
        return
    building = Building.objects.get(community=community, name="5号楼")
    proposal = _proposal(
        community,
        CHARGING,
        "电动自行车推上楼充电有火灾隐患。建议利用5号楼东侧共有场地建充电棚，需业主共同决定。",
        "ebike_charging",
        by=secretary,
        buildings=[building],
    )
    proposal = _walk(
        proposal,
        [
            (S.SUBMITTED, secretary, OFFICE, ""),
            (S.ON_AGENDA, secretary, OFFICE, ""),
            (S.IN_DELIBERATION, secretary, OFFICE, ""),
        ],
    )
    now = timezone.now()
    ballot = services.ballot_create(
        proposal=proposal,
        question="是否同意利用5号楼东侧共有场地建设电动自行车充电棚？",
        opens_at=now - dt.timedelta(days=2),
        closes_at=now + dt.timedelta(days=12),
        rule=Rule.CIVIL_CODE_ORDINARY.value,
        unit=Ballot.Unit.HOUSEHOLD,
        secret=False,
        quorum_percent=None,
        options=services.options_for_yes_no(),
        by=secretary,
    )
    services.ballot_open(ballot_id=ballot.pk, now=now)
    ballot.refresh_from_db()
    owners = list(
        Resident.objects.filter(
            household__entrance__building=building,
            household__tenure=Household.Tenure.OWNER,
            is_owner=True,
            user__isnull=True,
        )
        .verified()
        .select_related("household")
        .order_by("household_id", "pk")
    )
    one_per_household = list({r.household_id: r for r in reversed(owners)}.values())[:6]
    keys = [rng.choice(["for", "for", "against"]) for _ in one_per_household]
    _paper_votes(ballot, one_per_household, keys, worker)


def _upcoming_session(community, *, secretary, hall) -> None:
    """A session planned next week in the office's hall, agenda the two open ballots."""
    place = "社区党群服务中心一层议事厅"
    if Session.objects.filter(community=community, place=place).exists():
        return
    today = timezone.localdate()
    hall_services.session_save(
        session=Session(
            community=community,
            hall=hall,
            starts_at=dt.datetime.combine(
                today + dt.timedelta(days=7), dt.time(19, 0), tzinfo=BEIJING
            ),
            place=place,
            host=secretary,
        ),
        agenda=list(Proposal.objects.filter(community=community, title__in=[LOCKERS, CHARGING])),
    )
