"""The casework demo in seed_demo: task groups, a quarter of cases handled by the rules,
visits, a recurring problem raised for deliberation, whistles, the watcher's flags and the
frozen months; a second run adds nothing, and the same moment gives the same story."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone

from casework import selectors
from casework.demo import EBIKE_PROPOSAL, first_day, seed_casework
from casework.models import (
    Case,
    CaseAction,
    OverdueFlag,
    RatesSnapshot,
    TaskGroup,
    Visit,
    VisitProblem,
    Whistle,
)
from casework.services import work_calendar
from communities.models import Community, Entrance
from communities.months import add_months
from deliberation.models import Proposal
from notifications.models import Notification

pytestmark = pytest.mark.django_db

MODELS = (
    TaskGroup,
    Case,
    CaseAction,
    OverdueFlag,
    Visit,
    VisitProblem,
    Whistle,
    RatesSnapshot,
    Proposal,
    Notification,
)


def _rows() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def _phones(group) -> set[str]:
    return set(group.members.values_list("phone", flat=True))


def _each_community_has_its_task_group_with_the_property_company(seeded):
    expected = {
        "shuanghe": ("北京首开物业双合家园项目部", {"13800000003", "13800000002"}),
        "huamao": ("华贸物业管理有限公司", {"13800000013", "13800000012"}),
    }
    for code, (company, members) in expected.items():
        group = TaskGroup.objects.get(community=seeded[code])
        assert group.is_active
        assert group.property_company.name == company
        assert group.property_company.community_id == seeded[code].pk
        assert _phones(group) == members


def _a_quarter_of_cases_from_every_source(seeded):
    now = timezone.now()
    start, _end = selectors.month_bounds(first_day(now))
    assert 76 <= (timezone.localdate() - first_day(now)).days <= 106
    counts = {"shuanghe": (60, 90), "huamao": (15, 25)}
    for code, (low, high) in counts.items():
        cases = Case.objects.filter(community=seeded[code])
        assert low <= cases.count() <= high
        assert not cases.filter(received_at__lt=start).exists()
        assert not cases.filter(received_at__gt=now).exists()
    shuanghe = Case.objects.filter(community=seeded["shuanghe"])
    sources = dict(shuanghe.values_list("source").annotate(n=Count("pk")))
    assert set(sources) == set(Case.Source.values)
    # Mostly 12345 orders, each with its own plausible number; the others have none.
    assert sources[Case.Source.HOTLINE] > shuanghe.count() / 2
    numbers = list(
        Case.objects.filter(source=Case.Source.HOTLINE).values_list("order_number", "received_at")
    )
    assert len({n for n, _at in numbers}) == len(numbers)
    for number, received in numbers:
        assert re.fullmatch(r"\d{16}", number)
        assert number[:8] == f"{timezone.localtime(received):%Y%m%d}"
    assert not Case.objects.exclude(source=Case.Source.HOTLINE).exclude(order_number="").exists()
    # Both urgencies; reported in office hours and in the evening.
    assert set(shuanghe.values_list("urgency", flat=True)) == {"general", "urgent"}
    hours = {timezone.localtime(t).hour for t in shuanghe.values_list("received_at", flat=True)}
    assert hours & set(range(9, 17)) and hours & {19, 20, 21, 22, 23}
    # The residents with accounts reported online, in their own buildings.
    online = shuanghe.filter(source=Case.Source.ONLINE).select_related(
        "reporter_resident__household__entrance", "created_by"
    )
    assert online.count() >= 3
    for case in online:
        assert case.created_by == case.reporter_resident.user
        assert case.building_id == case.reporter_resident.household.entrance.building_id


def _cases_were_handled_by_the_rules(seeded):
    now = timezone.now()
    cases = Case.objects.filter(community__in=seeded.values())
    closed = cases.filter(status=Case.Status.CLOSED)
    outcomes = dict(closed.values_list("outcome").annotate(n=Count("pk")))
    assert outcomes[Case.Outcome.RESOLVED] > closed.count() * 0.6
    assert outcomes[Case.Outcome.EXPLAINED] >= 3
    assert 1 <= outcomes.get(Case.Outcome.UNRESOLVED, 0) <= 2
    ratings = dict(
        closed.exclude(satisfaction="").values_list("satisfaction").annotate(n=Count("pk"))
    )
    assert ratings[Case.Satisfaction.SATISFIED] > ratings[Case.Satisfaction.BASICALLY]
    assert ratings[Case.Satisfaction.BASICALLY] > ratings[Case.Satisfaction.DISSATISFIED] >= 2
    assert closed.filter(rated_via=Case.RatedVia.CALLBACK).count() > closed.count() / 2
    assert closed.filter(rated_via=Case.RatedVia.ONLINE).exists()
    assert not cases.exclude(status=Case.Status.CLOSED).exclude(satisfaction="").exists()
    # Reopened: one fixed again and rated, one still being worked on.
    reopened = cases.filter(reopen_count__gt=0)
    assert reopened.count() >= 2
    assert {c.status for c in reopened} == {Case.Status.CLOSED, Case.Status.IN_PROGRESS}
    # A few still open, some past a deadline and flagged by the watcher.
    open_cases = cases.open()
    assert 3 <= open_cases.count() <= cases.count() / 4
    overdue = selectors.overdue_open(cases, now)
    assert overdue.exists()
    flagged = set(OverdueFlag.objects.values_list("case_id", flat=True))
    assert set(overdue.values_list("pk", flat=True)) <= flagged
    assert OverdueFlag.objects.filter(kind=OverdueFlag.Kind.CONTACT).exists()
    assert OverdueFlag.objects.filter(kind=OverdueFlag.Kind.RESOLVE).exists()
    # Every step lies between the case's receipt and now; the first response is the
    # contact time the rates count.
    assert not CaseAction.objects.filter(at__gt=now).exists()
    for case in cases.prefetch_related("actions"):
        steps = list(case.actions.all())
        assert all(s.at >= case.received_at for s in steps), case
        responses = [s.at for s in steps if s.kind in CaseAction.RESPONSES]
        assert case.contacted_at == (min(responses) if responses else None), case
        if case.status == Case.Status.CLOSED:
            assert case.received_at <= case.closed_at <= now
    forwarded = CaseAction.objects.filter(kind=CaseAction.Kind.FORWARDED)
    assert forwarded.count() > cases.count() / 2
    # The property manager acted on the group's cases.
    assert CaseAction.objects.filter(
        by__phone="13800000003", kind__in=CaseAction.RESPONSES
    ).exists()


def _rates_are_sensible(seeded):
    last_month = add_months(timezone.localdate().replace(day=1), -1)
    # 双合家园 has a score of cases each month: every finished month has all three rates.
    cases = Case.objects.filter(community=seeded["shuanghe"])
    months = selectors.monthly_counts(cases, first_day(timezone.now()), last_month)
    assert len(months) >= 2
    for _month, counts in months:
        assert counts.received >= 10
        for rate in (counts.response_rate, counts.resolution_rate, counts.satisfaction_rate):
            assert 0.5 <= rate <= 1
    for community in seeded.values():
        cases = Case.objects.filter(community=community)
        total = selectors.rate_counts(cases)
        assert total.received == cases.count()
        for rate in (total.response_rate, total.resolution_rate, total.satisfaction_rate):
            assert 0.5 <= rate <= 1
    shuanghe = selectors.rate_counts(Case.objects.filter(community=seeded["shuanghe"]))
    # Not a perfect record: a few called back late, some explained, a few dissatisfied.
    assert max(shuanghe.response_rate, shuanghe.resolution_rate, shuanghe.satisfaction_rate) < 1


def _recurring_e_bikes_raised_for_deliberation(seeded):
    shuanghe = seeded["shuanghe"]
    since = timezone.now() - dt.timedelta(days=110)
    groups = selectors.recurring_problem_groups(shuanghe, since=since)
    assert len(groups) >= 2
    proposal = Proposal.objects.get(community=shuanghe, title=EBIKE_PROPOSAL)
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.category.code == "ebike_charging"
    assert [b.name for b in proposal.buildings.all()] == ["7号楼"]
    linked = list(proposal.cases.order_by("received_at"))
    assert len(linked) == 4
    assert {(c.building.name, c.category.name) for c in linked} == {
        ("7号楼", "电动自行车停放与充电")
    }
    assert linked[-1].received_at - linked[0].received_at <= dt.timedelta(days=30)
    assert [c.pk for c in linked] in [[c.pk for c in g] for g in groups]
    assert all(c.actions.filter(kind=CaseAction.Kind.PROPOSAL).exists() for c in linked)
    # Another recurring problem still waits for the office.
    assert any(all(c.proposal_id is None for c in g) for g in groups)


def _visits_cover_most_but_not_all_entrances(seeded):
    today = timezone.localdate()
    shuanghe = seeded["shuanghe"]
    visits = Visit.objects.filter(community=shuanghe)
    first = add_months(today.replace(day=1), -1)
    assert visits.aggregate(first=Min("visited_on"))["first"] >= first
    assert not visits.filter(visited_on__gt=today).exists()
    assert set(visits.values_list("worker__phone", flat=True)) == {"13800000002"}
    days = set(visits.values_list("visited_on", flat=True))
    assert len(days) >= 10
    calendar = work_calendar()
    assert all(calendar.is_working_day(day) for day in days)
    assert Visit.households.through.objects.filter(visit__community=shuanghe).count() > 20
    entrances = Entrance.objects.filter(building__community=shuanghe).count()
    # Last month: nearly every entrance walked, a few missed.
    _buildings, unvisited = selectors.visit_coverage(shuanghe, first)
    assert 1 <= len(unvisited) <= entrances / 4
    # This month: the coverage page has entrances nobody has visited yet.
    _buildings, unvisited = selectors.visit_coverage(shuanghe, today.replace(day=1))
    assert unvisited
    # Problems found, some taken in as cases.
    problems = VisitProblem.objects.filter(visit__community=shuanghe)
    assert problems.filter(case__isnull=True).exists()
    taken = problems.filter(case__isnull=False).select_related("case", "visit")
    assert taken.exists()
    for problem in taken:
        assert problem.case.source == Case.Source.VISIT
        assert timezone.localtime(problem.case.received_at).date() == problem.visit.visited_on


def _whistles_one_closed_and_open_ones_with_age(seeded):
    today = timezone.localdate()
    whistles = Whistle.objects.filter(community__in=seeded.values()).select_related(
        "department", "case"
    )
    assert {w.department.kind for w in whistles} == {"government_department"}
    assert {w.department.name for w in whistles} == {"朝阳区园林绿化局", "朝阳区城市管理委员会"}
    closed = whistles.get(status=Whistle.Status.CLOSED)
    assert closed.outcome == Whistle.Outcome.SOLVED
    assert closed.requested_at < closed.responded_at < closed.closed_at
    assert closed.case.status == Case.Status.CLOSED
    still_open = whistles.exclude(status=Whistle.Status.CLOSED)
    assert still_open.filter(status=Whistle.Status.OPEN).exists()
    assert all(timezone.localtime(w.requested_at).date() < today for w in still_open)
    summary = selectors.open_whistle_summary(Community.objects.all())
    assert {row["community__subdistrict__name"] for row in summary} == {"垡头街道", "八里庄街道"}
    assert sum(row["late_count"] for row in summary) >= 1
    assert all(timezone.localtime(row["oldest"]).date() < today for row in summary)
    for whistle in whistles:
        step = whistle.case.actions.get(kind=CaseAction.Kind.WHISTLE)
        assert step.at == whistle.requested_at >= whistle.case.received_at


def _finished_months_are_frozen(seeded):
    now = timezone.now()
    this_month = timezone.localdate().replace(day=1)
    month = first_day(now)
    months = []
    while month < this_month:
        months.append(month)
        month = add_months(month, 1)
    assert len(months) >= 2
    snapshots = RatesSnapshot.objects.filter(community__in=seeded.values())
    assert sorted(set(snapshots.values_list("month", flat=True))) == months
    for row in selectors.community_rates(
        Community.objects.filter(pk__in=[c.pk for c in seeded.values()]), months[-1]
    ):
        snapshot = snapshots.get(community=row, month=months[-1])
        assert (snapshot.received, snapshot.closed, snapshot.rated) == (
            row.received,
            row.closed,
            row.rated,
        )
        assert snapshot.received > 0


def _demo_accounts_can_do_what_the_readme_says(seeded):
    from accounts.models import User

    for code, phone in (("shuanghe", "13800000003"), ("huamao", "13800000013")):
        manager = User.objects.get(phone=phone)
        community = seeded[code]
        assert manager.has_perm("casework.view_cases", community)
        assert not manager.has_perm("casework.view_office", community)
        group_case = Case.objects.filter(community=community, task_group__isnull=False).first()
        assert manager.has_perm("casework.handle_case", group_case)
        office_case = Case.objects.filter(community=community, task_group__isnull=True).first()
        assert not manager.has_perm("casework.view_case", office_case)
    # 李建国 and Emily Chen each have a closed case waiting for their own rating.
    for phone in ("13900000002", "13900000011"):
        resident = User.objects.get(phone=phone)
        waiting = Case.objects.filter(
            reporter_resident__user=resident, status=Case.Status.CLOSED, satisfaction=""
        )
        assert waiting.exists()
        assert resident.has_perm("casework.rate_online", waiting.first())
    # 王秀英 follows an open case of hers.
    assert Case.objects.filter(
        reporter_resident__user__phone="13900000003", status=Case.Status.IN_PROGRESS
    ).exists()


def _inboxes_hold_the_recent_news(seeded):
    now = timezone.now()
    old = Case.objects.filter(
        status=Case.Status.CLOSED, closed_at__lt=now - dt.timedelta(days=3)
    ).select_related("community")
    urls = {reverse("casework:case_detail", args=[c.community.code, c.pk]) for c in old}
    notes = Notification.objects.filter(url__in=urls)
    assert notes.exists() and not notes.filter(read_at__isnull=True).exists()
    # The watcher's warnings wait unread for the handlers.
    overdue = Notification.objects.filter(
        recipient__phone="13800000002",
        read_at__isnull=True,
        dedupe_key__startswith="case-overdue-",
    )
    assert overdue.exists()


def _story() -> list[tuple]:
    return list(
        Case.objects.order_by("received_at", "description").values_list(
            "community__code",
            "source",
            "order_number",
            "received_at",
            "category__name",
            "description",
            "status",
            "outcome",
            "satisfaction",
        )
    )


def _wipe() -> None:
    Whistle.objects.all().delete()
    Case.objects.all().delete()
    Visit.objects.all().delete()
    Proposal.objects.filter(title=EBIKE_PROPOSAL).delete()


def test_the_demo_tells_the_casework_story_runs_again_without_change_and_is_repeatable():
    # One seed for all the checks (a seed costs seconds); each check names what it checks.
    call_command("seed_demo", stdout=io.StringIO())
    seeded = {c.code: c for c in Community.objects.filter(code__in=["shuanghe", "huamao"])}
    _each_community_has_its_task_group_with_the_property_company(seeded)
    _a_quarter_of_cases_from_every_source(seeded)
    _cases_were_handled_by_the_rules(seeded)
    _rates_are_sensible(seeded)
    _recurring_e_bikes_raised_for_deliberation(seeded)
    _visits_cover_most_but_not_all_entrances(seeded)
    _whistles_one_closed_and_open_ones_with_age(seeded)
    _finished_months_are_frozen(seeded)
    _demo_accounts_can_do_what_the_readme_says(seeded)
    _inboxes_hold_the_recent_news(seeded)

    first = _rows()
    call_command("seed_demo", stdout=io.StringIO())
    assert _rows() == first

    # The same moment tells the same story (the randomness is seeded).
    now = timezone.now()
    stories = []
    for _ in range(2):
        with transaction.atomic():
            _wipe()
            seed_casework(now=now)
            stories.append(_story())
            transaction.set_rollback(True)
    assert len(stories[0]) > 75
    assert stories[0] == stories[1]
