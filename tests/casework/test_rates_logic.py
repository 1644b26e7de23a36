"""The three rates and recurring problems: ``casework.rates`` on known numbers and as
properties, then the aggregate selectors on known rows (months in Beijing time, one
community's cases only, hotspots, overdue cases, recurring groups, visit coverage and
open whistles)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casework import selectors
from casework.models import Case, Visit, Whistle
from casework.rates import CaseKey, RateCounts, month_start, recurring_groups
from communities.models import Community
from communities.months import add_months
from tests.casework.factories import (
    BEIJING,
    CaseCategoryFactory,
    CaseFactory,
    DepartmentFactory,
    VisitFactory,
    WhistleFactory,
    beijing,
)
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    EntranceFactory,
    HouseholdFactory,
    UserFactory,
)

D = dt.date
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


# ---------------------------------------------------------------- RateCounts


def test_rates_on_known_counts_are_exact_fractions():
    counts = RateCounts(
        received=10, responded_on_time=7, closed=6, resolved=4, rated=3, satisfied=2
    )
    assert counts.response_rate == Fraction(7, 10)
    assert counts.resolution_rate == Fraction(2, 3)
    assert counts.satisfaction_rate == Fraction(2, 3)
    assert isinstance(counts.resolution_rate, Fraction)
    assert counts.percentages == (70.0, 66.7, 66.7)


def test_rates_are_none_when_there_is_nothing_to_count():
    assert RateCounts().percentages == (None, None, None)
    assert RateCounts().response_rate is None
    # Cases received but none closed or rated yet: only the response rate exists.
    counts = RateCounts(received=3, responded_on_time=0)
    assert counts.response_rate == 0
    assert counts.resolution_rate is None
    assert counts.satisfaction_rate is None
    assert counts.percentages == (0.0, None, None)


def test_percentages_round_to_one_decimal():
    counts = RateCounts(received=3, responded_on_time=1, closed=7, resolved=7, rated=8, satisfied=1)
    assert counts.percentages == (33.3, 100.0, 12.5)
    assert RateCounts(received=3, responded_on_time=2).percentages[0] == 66.7


def test_rate_counts_add_field_by_field():
    one = RateCounts(1, 2, 3, 4, 5, 6)
    other = RateCounts(10, 20, 30, 40, 50, 60)
    assert one + other == RateCounts(11, 22, 33, 44, 55, 66)
    assert one + RateCounts() == one
    assert sum([one, other, one], RateCounts()) == RateCounts(12, 24, 36, 48, 60, 72)


# ---------------------------------------------------------------- months


@pytest.mark.parametrize(
    ("month", "n", "expected"),
    [
        (D(2026, 11, 1), 1, D(2026, 12, 1)),
        (D(2026, 12, 1), 1, D(2027, 1, 1)),
        (D(2026, 11, 1), 2, D(2027, 1, 1)),
        (D(2026, 1, 1), -1, D(2025, 12, 1)),
        (D(2026, 3, 1), -14, D(2025, 1, 1)),
        (D(2026, 3, 1), 0, D(2026, 3, 1)),
        (D(2026, 3, 1), 12, D(2027, 3, 1)),
        (D(2026, 3, 1), -12, D(2025, 3, 1)),
        (D(2026, 1, 31), 1, D(2026, 2, 1)),  # always the first of the month
        (D(2024, 2, 29), 12, D(2025, 2, 1)),
    ],
)
def test_add_months(month, n, expected):
    assert add_months(month, n) == expected


@given(
    month=st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)),
    a=st.integers(-600, 600),
    b=st.integers(-600, 600),
)
def test_add_months_composes(month, a, b):
    result = add_months(month, a)
    assert result.day == 1
    assert add_months(result, b) == add_months(month, a + b)
    assert add_months(result, -a) == month_start(month)
    assert (result.year * 12 + result.month) - (month.year * 12 + month.month) == a


# ---------------------------------------------------------------- recurring groups


def key(pk, received_at, category=1, building=10):
    return CaseKey(pk=pk, category_id=category, building_id=building, received_at=received_at)


T0 = beijing(2026, 3, 1, 9, 0)


def pks(groups):
    return [[k.pk for k in g] for g in groups]


def test_same_category_and_building_within_30_days_are_grouped():
    cases = [key(1, T0), key(2, T0 + 10 * DAY), key(3, T0 + 30 * DAY)]
    assert pks(recurring_groups(cases)) == [[1, 2, 3]]


def test_31_days_apart_are_not_grouped():
    assert recurring_groups([key(1, T0), key(2, T0 + 31 * DAY)]) == []
    # One second over the window is over it.
    assert recurring_groups([key(1, T0), key(2, T0 + 30 * DAY + dt.timedelta(seconds=1))]) == []


def test_the_window_is_anchored_at_the_first_case_of_a_group():
    # 2 is within 30 days of 1, 3 within 30 days of 2 but not of 1: 3 starts a new group
    # with 4.
    cases = [
        key(1, T0),
        key(2, T0 + 20 * DAY),
        key(3, T0 + 40 * DAY),
        key(4, T0 + 55 * DAY),
    ]
    assert pks(recurring_groups(cases)) == [[3, 4], [1, 2]]
    # A lone case after the window starts a group of one, which is dropped.
    assert pks(recurring_groups(cases[:3])) == [[1, 2]]


def test_other_buildings_or_categories_or_no_building_are_not_grouped():
    cases = [
        key(1, T0),
        key(2, T0 + DAY, building=11),
        key(3, T0 + DAY, category=2),
        key(4, T0 + DAY, building=None),
        key(5, T0 + 2 * DAY, building=None),
    ]
    assert recurring_groups(cases) == []
    assert pks(recurring_groups([*cases, key(6, T0 + 3 * DAY)])) == [[1, 6]]


def test_min_size_and_window_are_parameters():
    cases = [key(1, T0), key(2, T0 + DAY), key(3, T0 + 8 * DAY)]
    assert pks(recurring_groups(cases, min_size=3)) == [[1, 2, 3]]
    assert recurring_groups(cases, min_size=4) == []
    assert pks(recurring_groups(cases, window_days=7)) == [[1, 2]]
    assert pks(recurring_groups(cases, window_days=7, min_size=1)) == [[3], [1, 2]]


def test_cases_are_grouped_in_the_order_received_and_groups_newest_first():
    cases = [
        key(5, T0 + 5 * DAY, building=20),
        key(1, T0 + 2 * DAY),
        key(2, T0),
        key(9, T0 + 6 * DAY, building=20),
        key(7, T0 + 40 * DAY, category=3),
        key(8, T0 + 45 * DAY, category=3),
    ]
    assert pks(recurring_groups(cases)) == [[7, 8], [5, 9], [2, 1]]


def test_cases_received_at_the_same_moment_are_ordered_by_pk():
    assert pks(recurring_groups([key(3, T0), key(2, T0)])) == [[2, 3]]


keys_strategy = st.lists(
    st.builds(
        CaseKey,
        pk=st.integers(1, 10_000),
        category_id=st.integers(1, 3),
        building_id=st.one_of(st.none(), st.integers(1, 3)),
        received_at=st.datetimes(
            min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 31)
        ).map(lambda d: d.replace(tzinfo=BEIJING)),
    ),
    max_size=60,
    unique_by=lambda k: k.pk,
)


@settings(max_examples=300, deadline=None)
@given(cases=keys_strategy, window=st.integers(1, 60), min_size=st.integers(2, 4))
def test_recurring_group_properties(cases, window, min_size):
    groups = recurring_groups(cases, window_days=window, min_size=min_size)
    seen = set()
    for group in groups:
        assert len(group) >= min_size >= 2
        assert len({(k.category_id, k.building_id) for k in group}) == 1
        assert group[0].building_id is not None
        assert group[-1].received_at - group[0].received_at <= dt.timedelta(days=window)
        assert group == sorted(group, key=lambda k: (k.received_at, k.pk))
        assert not seen & {k.pk for k in group}
        seen |= {k.pk for k in group}
    newest = [(g[-1].received_at, g[-1].pk) for g in groups]
    assert newest == sorted(newest, reverse=True)
    # Every case of a group within the window of a group's first case, of the same key,
    # and received between its first and last case, belongs to that group.
    for group in groups:
        first, last = group[0], group[-1]
        for k in cases:
            if (
                (k.category_id, k.building_id) == (first.category_id, first.building_id)
                and (first.received_at, first.pk) <= (k.received_at, k.pk)
                and (k.received_at, k.pk) <= (last.received_at, last.pk)
            ):
                assert k in group


# ---------------------------------------------------------------- selectors on known data


def make(community, received_at, **fields):
    fields.setdefault("contact_due", received_at + 24 * HOUR)
    fields.setdefault("resolve_due", received_at + 7 * DAY)
    return CaseFactory(community=community, received_at=received_at, **fields)


def closed(outcome, at, **fields):
    return {"status": Case.Status.CLOSED, "outcome": outcome, "closed_at": at, **fields}


@pytest.fixture
def rated_cases(world):
    """Five cases of A received in October 2026 with known rates, and one of B."""
    a, b = world.community_a, world.community_b
    t = beijing(2026, 10, 10, 9, 0)
    make(  # contacted in time, resolved, satisfied
        a,
        t,
        contacted_at=t + HOUR,
        satisfaction=Case.Satisfaction.SATISFIED,
        **closed(Case.Outcome.RESOLVED, t + 2 * DAY),
    )
    make(  # contacted late, explained, dissatisfied
        a,
        t,
        contacted_at=t + 30 * HOUR,
        satisfaction=Case.Satisfaction.DISSATISFIED,
        **closed(Case.Outcome.EXPLAINED, t + 3 * DAY),
    )
    make(a, t, contacted_at=t + 24 * HOUR)  # contacted exactly at the deadline: in time
    make(a, t)  # never contacted, still open
    make(  # unresolved, basically satisfied, never contacted
        a,
        t,
        satisfaction=Case.Satisfaction.BASICALLY,
        **closed(Case.Outcome.UNRESOLVED, t + 5 * DAY),
    )
    make(b, t, contacted_at=t + HOUR, **closed(Case.Outcome.RESOLVED, t + DAY))
    return world


EXPECTED_A = RateCounts(received=5, responded_on_time=2, closed=3, resolved=1, rated=3, satisfied=2)
EXPECTED_B = RateCounts(received=1, responded_on_time=1, closed=1, resolved=1)


def test_rate_counts_on_known_cases(rated_cases):
    a = rated_cases.community_a
    counts = selectors.rate_counts(Case.objects.filter(community=a))
    assert counts == EXPECTED_A
    assert counts.percentages == (40.0, 33.3, 66.7)
    assert selectors.rate_counts(Case.objects.all()) == EXPECTED_A + EXPECTED_B
    assert selectors.rate_counts(Case.objects.none()) == RateCounts()


def test_rate_counts_is_one_query(rated_cases, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.rate_counts(Case.objects.all())


def test_monthly_counts_use_beijing_months_and_include_empty_months(world):
    a = world.community_a
    # 23:30 on 31 October in Beijing is 15:30 UTC the same day: October.
    make(a, beijing(2026, 10, 31, 23, 30), contacted_at=beijing(2026, 10, 31, 23, 40))
    # 00:30 on 1 November in Beijing is still 31 October in UTC: November in Beijing.
    make(a, beijing(2026, 11, 1, 0, 30))
    # 00:00 on 1 October in Beijing (16:00 UTC on 30 September): October.
    make(a, beijing(2026, 10, 1, 0, 0))
    make(a, beijing(2026, 8, 15, 12, 0))
    # Outside the range asked for.
    make(a, beijing(2026, 7, 31, 23, 59))
    make(a, beijing(2026, 12, 1, 0, 0))
    # Another community's case is not in the queryset.
    make(world.community_b, beijing(2026, 10, 15, 12, 0))
    rows = selectors.monthly_counts(Case.objects.filter(community=a), D(2026, 8, 1), D(2026, 11, 1))
    assert [month for month, _counts in rows] == [
        D(2026, 8, 1),
        D(2026, 9, 1),
        D(2026, 10, 1),
        D(2026, 11, 1),
    ]
    by_month = dict(rows)
    assert by_month[D(2026, 8, 1)] == RateCounts(received=1)
    assert by_month[D(2026, 9, 1)] == RateCounts()
    assert by_month[D(2026, 10, 1)] == RateCounts(received=2, responded_on_time=1)
    assert by_month[D(2026, 11, 1)] == RateCounts(received=1)


def test_monthly_counts_across_a_year_end_is_one_query(world, django_assert_num_queries):
    a = world.community_a
    make(a, beijing(2026, 12, 31, 23, 59))
    make(a, beijing(2027, 1, 1, 0, 1))
    with django_assert_num_queries(1):
        rows = selectors.monthly_counts(
            Case.objects.filter(community=a), D(2026, 11, 1), D(2027, 2, 1)
        )
    assert [(m, c.received) for m, c in rows] == [
        (D(2026, 11, 1), 0),
        (D(2026, 12, 1), 1),
        (D(2027, 1, 1), 1),
        (D(2027, 2, 1), 0),
    ]


def test_community_rates_count_only_each_communitys_own_cases_of_the_month(
    rated_cases, django_assert_num_queries
):
    a, b = rated_cases.community_a, rated_cases.community_b
    empty = CommunityFactory(subdistrict=a.subdistrict, name="空社区")
    make(a, beijing(2026, 9, 30, 23, 59))  # September in Beijing
    make(a, beijing(2026, 11, 1, 0, 0))  # November
    communities = Community.objects.filter(pk__in=[a.pk, b.pk, empty.pk])
    with django_assert_num_queries(1):
        rows = {
            c.pk: selectors.counts_from(c)
            for c in selectors.community_rates(communities, D(2026, 10, 1))
        }
    assert rows == {a.pk: EXPECTED_A, b.pk: EXPECTED_B, empty.pk: RateCounts()}
    september = {c.pk: c.received for c in selectors.community_rates(communities, D(2026, 9, 1))}
    assert september == {a.pk: 1, b.pk: 0, empty.pk: 0}


def test_subdistrict_rates_roll_communities_up(rated_cases):
    a, b = rated_cases.community_a, rated_cases.community_b
    # A second community in A's subdistrict: its case adds to A's subdistrict.
    neighbour = CommunityFactory(subdistrict=a.subdistrict)
    make(neighbour, beijing(2026, 10, 20, 9, 0), contacted_at=beijing(2026, 10, 20, 10, 0))
    # A community not asked about is left out.
    outsider = CommunityFactory(subdistrict=a.subdistrict)
    make(outsider, beijing(2026, 10, 20, 9, 0))
    communities = Community.objects.filter(pk__in=[a.pk, b.pk, neighbour.pk])
    rows = selectors.subdistrict_rates(communities, D(2026, 10, 1))
    assert {sub_id: (name, counts) for sub_id, name, counts in rows} == {
        a.subdistrict_id: (
            "垡头街道",
            EXPECTED_A + RateCounts(received=1, responded_on_time=1),
        ),
        b.subdistrict_id: ("八里庄街道", EXPECTED_B),
    }
    # A month without cases has no rows at all.
    assert selectors.subdistrict_rates(communities, D(2026, 9, 1)) == []


def test_hotspots_rank_categories_and_buildings(world):
    a = world.community_a
    # Names that sort the same in any collation: ties are broken by name.
    leak = CaseCategoryFactory(name="a-漏水")
    noise = CaseCategoryFactory(name="b-噪声")
    parking = CaseCategoryFactory(name="c-停车")
    one = BuildingFactory(community=a, name="1号楼A")
    two = BuildingFactory(community=a, name="2号楼A")
    t = beijing(2026, 10, 10, 9, 0)
    for _ in range(3):
        make(a, t, category=leak, building=one)
    for _ in range(2):
        make(a, t, category=noise, building=two)
    make(a, t, category=parking, building=None)
    make(a, t, category=noise, building=None)
    # Another community's cases are not in the queryset.
    for _ in range(5):
        make(world.community_b, t, category=parking)
    categories, buildings = selectors.hotspots(Case.objects.filter(community=a))
    assert [(r["category__name"], r["n"]) for r in categories] == [
        ("a-漏水", 3),
        ("b-噪声", 3),
        ("c-停车", 1),
    ]
    # Cases without a building don't make a hotspot building.
    assert [(r["building__name"], r["n"]) for r in buildings] == [("1号楼A", 3), ("2号楼A", 2)]
    top, _ = selectors.hotspots(Case.objects.filter(community=a), limit=1)
    assert len(top) == 1 and top[0]["n"] == 3


def test_overdue_open_cases(world):
    a = world.community_a
    now = beijing(2026, 10, 20, 12, 0)
    t = now - 2 * DAY
    late_contact = make(a, t, contact_due=now - HOUR)
    late_resolve = make(a, t - 10 * DAY, contacted_at=t - 10 * DAY, resolve_due=now - HOUR)
    # Contacted late, but contacted: only a missed resolution deadline keeps it here.
    make(a, t, contact_due=now - 2 * HOUR, contacted_at=now - HOUR)
    make(a, t, contact_due=now + HOUR)  # not yet due
    make(a, t, contact_due=now)  # due this very moment: not yet past
    make(  # closed cases are never overdue-open
        a,
        t,
        contact_due=now - HOUR,
        resolve_due=now - HOUR,
        **closed(Case.Outcome.RESOLVED, now - 2 * HOUR),
    )
    make(world.community_b, t, contact_due=now - HOUR)
    overdue = selectors.overdue_open(Case.objects.filter(community=a), now)
    assert set(overdue) == {late_contact, late_resolve}


def test_recurring_problem_groups_of_a_community(world, django_assert_num_queries):
    a = world.community_a
    leak = CaseCategoryFactory(name="漏水")
    one = BuildingFactory(community=a)
    two = BuildingFactory(community=a)
    t = beijing(2026, 9, 1, 9, 0)
    first = make(a, t, category=leak, building=one)
    second = make(a, t + 10 * DAY, category=leak, building=one)
    make(a, t + 5 * DAY, category=leak, building=two)  # another building
    make(a, t + 5 * DAY, category=leak, building=None)  # no building
    make(a, t + 6 * DAY, category=CaseCategoryFactory(), building=one)  # another category
    later = make(a, t + 50 * DAY, category=leak, building=two)
    latest = make(a, t + 60 * DAY, category=leak, building=two)
    old = make(a, t - 100 * DAY, category=leak, building=one)  # before "since"
    make(a, t - 95 * DAY, category=leak, building=one)
    # Community B's cases at a building of B never join A's groups.
    make(world.community_b, t + DAY, category=leak)
    with django_assert_num_queries(2):
        groups = selectors.recurring_problem_groups(a, since=t - DAY)
        assert [g[0].category.name for g in groups] == ["漏水", "漏水"]
    assert groups == [[later, latest], [first, second]]
    assert old not in {c for g in groups for c in g}
    # The window decides: 10 days apart is one group with a 10-day window, none with 9.
    assert selectors.recurring_problem_groups(a, since=t - DAY, window_days=10) == groups
    assert selectors.recurring_problem_groups(a, since=t - DAY, window_days=9) == []


def test_visit_coverage_of_a_month(world, django_assert_num_queries):
    a = world.community_a
    walked = world.household_a.entrance  # 1号楼, with household 101
    first_building = walked.building
    other_entrance = EntranceFactory(building=first_building, name="2单元")
    second_household = HouseholdFactory(entrance=walked, room="102")
    upstairs = HouseholdFactory(entrance=other_entrance, room="201")
    far = EntranceFactory(building=BuildingFactory(community=a, name="9号楼"), name="1单元")
    worker = UserFactory()

    def visit(on, entrances, households=()):
        v = VisitFactory(community=a, worker=worker, visited_on=on)
        v.entrances.set(entrances)
        v.households.set(households)
        return v

    visit(D(2026, 10, 3), [walked], [world.household_a])
    visit(D(2026, 10, 30), [walked], [world.household_a, second_household])  # twice: once
    visit(D(2026, 9, 30), [other_entrance], [upstairs])  # the month before
    visit(D(2026, 11, 1), [far])  # the month after
    # Community B's visit doesn't count for A.
    VisitFactory(community=world.community_b, visited_on=D(2026, 10, 3)).entrances.set(
        [world.household_b.entrance]
    )
    with django_assert_num_queries(2):
        buildings, unvisited = selectors.visit_coverage(a, D(2026, 10, 1))
    assert [
        (b.name, b.entrance_total, b.entrance_visited, b.households_visited) for b in buildings
    ] == [("1号楼", 2, 1, 2), ("9号楼", 1, 0, 0)]
    assert unvisited == [other_entrance, far]
    assert Visit.objects.filter(community=a).count() == 4
    buildings, unvisited = selectors.visit_coverage(a, D(2026, 9, 1))
    assert [(b.entrance_visited, b.households_visited) for b in buildings] == [(1, 1), (0, 0)]
    assert unvisited == [walked, far]


def test_open_whistle_summary_per_subdistrict(world):
    a, b = world.community_a, world.community_b
    neighbour = CommunityFactory(subdistrict=a.subdistrict)
    today = dt.datetime.now(BEIJING).date()
    oldest = beijing(2026, 9, 1, 9, 0)
    department = DepartmentFactory(district=a.subdistrict.district)

    def whistle(community, requested_at, respond_by, status=Whistle.Status.OPEN):
        return WhistleFactory(
            community=community,
            department=department,
            requested_at=requested_at,
            respond_by=respond_by,
            status=status,
        )

    whistle(a, oldest, today - DAY)  # open and past its deadline: late
    whistle(neighbour, oldest + DAY, today + DAY)  # open, not yet due
    whistle(a, oldest + 2 * DAY, today - 5 * DAY, Whistle.Status.RESPONDED)  # answered
    whistle(a, oldest - 30 * DAY, today - 30 * DAY, Whistle.Status.CLOSED)  # closed: left out
    whistle(b, oldest + 3 * DAY, today)  # due today: not late yet
    rows = selectors.open_whistle_summary(Community.objects.filter(pk__in=[a.pk, b.pk]))
    by_sub = {r["community__subdistrict_id"]: r for r in rows}
    assert set(by_sub) == {a.subdistrict_id, b.subdistrict_id}
    assert (by_sub[a.subdistrict_id]["open_count"], by_sub[a.subdistrict_id]["late_count"]) == (
        2,
        1,
    )
    assert by_sub[a.subdistrict_id]["oldest"] == oldest
    assert (by_sub[b.subdistrict_id]["open_count"], by_sub[b.subdistrict_id]["late_count"]) == (
        1,
        0,
    )
    # With the neighbour community asked about too, its open whistle joins A's subdistrict.
    rows = selectors.open_whistle_summary(
        Community.objects.filter(pk__in=[a.pk, b.pk, neighbour.pk])
    )
    assert {r["community__subdistrict_id"]: r["open_count"] for r in rows} == {
        a.subdistrict_id: 3,
        b.subdistrict_id: 1,
    }


@pytest.mark.parametrize("n", [3, 30])
def test_the_aggregate_selectors_cost_the_same_at_any_size(world, n, django_assert_num_queries):
    a, b = world.community_a, world.community_b
    building = BuildingFactory(community=a)
    entrance = EntranceFactory(building=building)
    household = HouseholdFactory(entrance=entrance)
    category = CaseCategoryFactory()
    worker = UserFactory()
    t = beijing(2026, 10, 1, 9, 0)
    for i in range(n):
        make(a, t + i * HOUR, category=category, building=building)
        make(b, t + i * HOUR, category=category)
        visit = VisitFactory(community=a, worker=worker, visited_on=D(2026, 10, 1 + i % 28))
        visit.entrances.set([entrance])
        visit.households.set([household])
    WhistleFactory.create_batch(n, community=a)
    communities = Community.objects.filter(pk__in=[a.pk, b.pk])
    cases = Case.objects.filter(community=a)
    october = D(2026, 10, 1)
    # One aggregate query each.
    with django_assert_num_queries(1):
        selectors.rate_counts(cases)
    with django_assert_num_queries(1):
        selectors.monthly_counts(cases, D(2026, 1, 1), D(2026, 12, 1))
    with django_assert_num_queries(1):
        list(selectors.community_rates(communities, october))
    with django_assert_num_queries(1):
        selectors.subdistrict_rates(communities, october)
    with django_assert_num_queries(1):
        selectors.open_whistle_summary(communities)
    # Two: categories, then buildings / the keys, then the grouped cases / buildings with
    # their counts, then the unvisited entrances.
    with django_assert_num_queries(2):
        selectors.hotspots(cases)
    with django_assert_num_queries(2):
        groups = selectors.recurring_problem_groups(a, since=t - DAY)
    assert sum(len(g) for g in groups) == n
    with django_assert_num_queries(2):
        buildings, _unvisited = selectors.visit_coverage(a, october)
    mine = next(x for x in buildings if x.pk == building.pk)
    assert (mine.entrance_visited, mine.households_visited) == (1, 1)
