"""Every list, dashboard and detail page costs the same number of queries at 5 and 500 rows.

Each page is requested once with SMALL rows of its data and once with LARGE; the second
count must equal the first (no query per row) and stay under a fixed ceiling.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communities.models import (
    Building,
    Community,
    CommunityRole,
    Compound,
    Entrance,
    Household,
    Resident,
)

SMALL = 5
LARGE = 500

# ---------------------------------------------------------------- data, in bulk


def _users(start: int, count: int, prefix: str = "150") -> list[User]:
    return User.objects.bulk_create(
        User(phone=f"{prefix}{i:08d}", display_name=f"批量{i}", password="!")
        for i in range(start, start + count)
    )


def grow_roster(world, start: int, count: int) -> None:
    """Add `count` buildings to community A, each with an entrance, a household and a
    resident who registered online and awaits verification."""
    community = world.community_a
    compound, _ = Compound.objects.get_or_create(community=community, name="东区")
    buildings = Building.objects.bulk_create(
        Building(
            community=community,
            name=f"批量{i}号楼",
            sort_order=i + 1,
            compound=compound if i % 2 else None,
        )
        for i in range(start, start + count)
    )
    entrances = Entrance.objects.bulk_create(Entrance(building=b, name="1单元") for b in buildings)
    households = Household.objects.bulk_create(
        Household(entrance=e, room="101", floor_area=Decimal("60.00")) for e in entrances
    )
    users = _users(start, count)
    Resident.objects.bulk_create(
        Resident(
            household=h,
            name=u.display_name,
            phone=u.phone,
            user=u,
            is_owner=bool(i % 2),
            is_party_member=not i % 3,
            verification_status=Resident.Verification.PENDING,
        )
        for i, (h, u) in enumerate(zip(households, users, strict=True))
    )


def grow_area(world, start: int, count: int) -> None:
    """Add `count` communities beneath subdistrict A (A's roster grows alongside)."""
    sub = world.community_a.subdistrict
    Community.objects.bulk_create(
        Community(subdistrict=sub, name=f"批量社区{i}", code=f"bulk-{i}")
        for i in range(start, start + count)
    )
    grow_roster(world, start, count)


def detail_building(world) -> Building:
    return Building.objects.get_or_create(community=world.community_a, name="详情楼")[0]


def grow_building(world, start: int, count: int) -> None:
    """Add `count` entrances, each with a household, to one building."""
    building = detail_building(world)
    entrances = Entrance.objects.bulk_create(
        Entrance(building=building, name=f"{i + 1}单元") for i in range(start, start + count)
    )
    Household.objects.bulk_create(
        Household(entrance=e, room="101", floor_area=Decimal("60.00")) for e in entrances
    )


def grow_household(world, start: int, count: int) -> None:
    """Add `count` residents to household A, every other one with an account."""
    users = iter(_users(start, count))
    Resident.objects.bulk_create(
        Resident(
            household=world.household_a,
            name=f"同户{i}",
            phone=f"151{i:08d}",
            user=next(users) if i % 2 else None,
            verification_status=Resident.Verification.VERIFIED,
        )
        for i in range(start, start + count)
    )


def grow_roster_half_moved_out(world, start: int, count: int) -> None:
    """grow_roster, then every other new resident recorded as moved out last month."""
    grow_roster(world, start, count)
    moved = Resident.objects.filter(name__in=[f"批量{i}" for i in range(start, start + count, 2)])
    moved.update(moved_out_on=timezone.localdate() - dt.timedelta(days=30))


def grow_household_former(world, start: int, count: int) -> None:
    """Add `count` former residents (moved out) to household A."""
    Resident.objects.bulk_create(
        Resident(
            household=world.household_a,
            name=f"原住户{i}",
            moved_out_on=timezone.localdate() - dt.timedelta(days=i % 300),
            moved_out_note="迁走",
        )
        for i in range(start, start + count)
    )


def grow_roles(world, start: int, count: int) -> None:
    """Add `count` roles in community A: even ones current, odd ones ended last year."""
    today = timezone.localdate()
    CommunityRole.objects.bulk_create(
        CommunityRole(
            user=u,
            community=world.community_a,
            role=CommunityRole.Role.WORKER,
            start_date=today - dt.timedelta(days=400 if i % 2 else 30),
            end_date=today - dt.timedelta(days=200) if i % 2 else None,
        )
        for i, u in enumerate(_users(start, count), start=start)
    )


def resident_a(world) -> Resident:
    resident = world.users["resident_a"].resident
    # Someone verified them, so the page shows (and must join) the verifier too.
    Resident.objects.filter(pk=resident.pk).update(verified_by=world.users["secretary_a"])
    return resident


# ---------------------------------------------------------------- the pages


@dataclass(frozen=True)
class Page:
    url: Callable  # (world) -> path
    grow: Callable  # (world, start, count) -> None: add rows of the data this page shows
    rows: Callable  # (response) -> how many rows the page says it has
    baseline: int  # rows the `world` fixture already holds
    max_queries: int
    viewer: str = "secretary_a"


def _code(name):
    return lambda world: reverse(f"communities:{name}", args=[world.community_a.code])


def _paginated(response) -> int:
    page = response.context["page_obj"]
    assert len(page.object_list) == min(page.paginator.count, settings.PAGE_SIZE)
    return page.paginator.count


# Measured costs, all equal at SMALL and LARGE rows. Every community page, viewed by
# secretary_a, opens with the same seven queries:
#   1 session, 2 user, 3 the community from the URL (+ subdistrict + district),
#   4 scope: community roles, 5 scope: area roles, 6 scope: resident home,
#   7 the unread-notification count in the navbar;
# the base template's nav reuses the community the view loaded (no query). Each total
# below counts those seven. Then:
# - dashboard:         resident aggregate, household aggregate, case aggregate (open,
#                      overdue, this month's three rates)                               = 10
#   (as subdistrict_a: the same 10; its permission check reads the subdistrict that
#    was loaded with the community)
# - building_list:     count, page (buildings + compound, entrance and household counts),
#                      compounds with building counts                                   = 10
# - household_list:    count, building filter choices,
#                      page (households + entrance + building, resident count)          = 10
# - resident_list:     count, building filter choices,
#                      page (residents + household + entrance + building)               = 10
#   (the same with ?moved_out=all, the list including residents who moved out)
# - verification:      count, page (pending residents + user + home)                    = 9
# - role_list:         current roles + user, count of past roles, page of past roles    = 10
# - building_detail:   building + compound, entrances with household counts             = 9
# - household_detail:  household + entrance + building, residents + user                = 9
#   (current and former residents are one query, split in the view)
# - resident_detail:   resident + home + user + verified_by                             = 8
# - area (subdistrict_a): 1 session, 2 user, 3-5 scope, 6 unread count, 7 count of
#   communities beneath, 8 the page of communities + subdistrict + district with
#   household/resident/pending counts as subqueries; no community in the URL         = 8
PAGES = {
    "dashboard": Page(
        url=_code("dashboard"),
        grow=grow_roster,
        rows=lambda r: r.context["stats"]["total"],
        baseline=1,
        max_queries=10,
    ),
    "dashboard_as_area_staff": Page(
        url=_code("dashboard"),
        grow=grow_roster,
        rows=lambda r: r.context["stats"]["total"],
        baseline=1,
        max_queries=10,
        viewer="subdistrict_a",
    ),
    "building_list": Page(
        url=_code("building_list"),
        grow=grow_roster,
        rows=_paginated,
        baseline=1,
        max_queries=10,
    ),
    "household_list": Page(
        url=_code("household_list"),
        grow=grow_roster,
        rows=_paginated,
        baseline=1,
        max_queries=10,
    ),
    "resident_list": Page(
        url=_code("resident_list"),
        grow=grow_roster,
        rows=_paginated,
        baseline=1,
        max_queries=10,
    ),
    # The same page listing everyone, current and moved out (the filter's 含已迁出).
    "resident_list_with_moved_out": Page(
        url=lambda world: reverse("communities:resident_list", args=["a"]) + "?moved_out=all",
        grow=grow_roster_half_moved_out,
        rows=_paginated,
        baseline=1,
        max_queries=10,
    ),
    "verification": Page(
        url=_code("verification"),
        grow=grow_roster,
        rows=_paginated,
        baseline=0,
        max_queries=9,
    ),
    "role_list": Page(
        url=_code("role_list"),
        grow=grow_roles,
        rows=lambda r: len(r.context["current"]) + r.context["page_obj"].paginator.count,
        baseline=3,  # worker_a, secretary_a, property_a
        max_queries=10,
    ),
    "area": Page(
        url=lambda world: reverse("communities:area"),
        grow=grow_area,
        rows=_paginated,
        baseline=1,
        max_queries=8,
        viewer="subdistrict_a",
    ),
    "building_detail": Page(
        url=lambda world: reverse(
            "communities:building_detail", args=["a", detail_building(world).pk]
        ),
        grow=grow_building,
        rows=lambda r: len(r.context["entrances"]),
        baseline=0,
        max_queries=9,
    ),
    "household_detail": Page(
        url=lambda world: reverse("communities:household_detail", args=["a", world.household_a.pk]),
        grow=grow_household,
        rows=lambda r: len(r.context["residents"]),
        baseline=1,
        max_queries=9,
    ),
    # Former residents come from the same query as current ones, split on the page.
    "household_detail_with_former_residents": Page(
        url=lambda world: reverse("communities:household_detail", args=["a", world.household_a.pk]),
        grow=grow_household_former,
        rows=lambda r: len(r.context["residents"]) + len(r.context["former_residents"]),
        baseline=1,
        max_queries=9,
    ),
    "resident_detail": Page(
        url=lambda world: reverse("communities:resident_detail", args=["a", resident_a(world).pk]),
        grow=grow_roster,
        rows=lambda r: Resident.objects.for_community(r.context["community"]).count(),
        baseline=1,
        max_queries=8,
    ),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries, name):
    page = PAGES[name]
    client.force_login(world.users[page.viewer])
    url = page.url(world)

    page.grow(world, 0, SMALL)
    with django_assert_max_num_queries(page.max_queries) as small:
        response = client.get(url)
    assert response.status_code == 200
    assert page.rows(response) == page.baseline + SMALL

    page.grow(world, SMALL, LARGE - SMALL)
    with django_assert_max_num_queries(page.max_queries) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert page.rows(response) == page.baseline + LARGE

    sql = "\n".join(q["sql"] for q in large.captured_queries)
    assert len(large) == len(small), f"{name}: {len(small)} → {len(large)} queries\n{sql}"


def test_area_overview_is_paginated(client, world):
    grow_area(world, 0, 30)
    client.force_login(world.users["subdistrict_a"])
    response = client.get(reverse("communities:area"))
    assert response.status_code == 200
    page = response.context.get("page_obj")
    assert page is not None
    assert page.paginator.count == 31
    assert len(page.object_list) == 25
