"""The council's pages cost the same number of queries at a small and a large size.

Each page is requested once with SMALL rows of its data and once with LARGE; the second
count must equal the first (no query per row) and stay under a fixed, measured ceiling.
The area roll-up is one aggregate over every council beneath the viewer, never a loop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from communities.models import Community
from governance.compliance import half_year_of
from governance.models import (
    ActivityPhoto,
    Agreement,
    Attendance,
    ComplianceFlag,
    CoordinationCouncil,
    JointActivity,
    JointMeeting,
    MemberUnit,
    Organisation,
    Resolution,
)

Units = JointActivity.units.through

# ---------------------------------------------------------------- data, in bulk


def council_a(world) -> CoordinationCouncil:
    return CoordinationCouncil.objects.get_or_create(
        community=world.community_a, defaults={"name": "双合家园党建工作协调委员会"}
    )[0]


def _members(council: CoordinationCouncil, start: int, count: int) -> list[MemberUnit]:
    """`count` new organisations of the council's community, each joined as a member unit;
    every third has since left."""
    today = timezone.localdate()
    organisations = Organisation.objects.bulk_create(
        Organisation(
            community_id=council.community_id,
            kind=Organisation.Kind.LOCAL_UNIT,
            name=f"批量单位{council.pk}-{i}",
        )
        for i in range(start, start + count)
    )
    return MemberUnit.objects.bulk_create(
        MemberUnit(
            council=council,
            organisation=o,
            joined_on=today - dt.timedelta(days=400),
            left_on=today - dt.timedelta(days=10) if i % 3 == 2 else None,
        )
        for i, o in enumerate(organisations, start=start)
    )


def _agreements(members: list[MemberUnit]) -> None:
    """One agreement per member: alternately in force for long and expiring within weeks."""
    today = timezone.localdate()
    Agreement.objects.bulk_create(
        Agreement(
            member=m,
            signed_on=today - dt.timedelta(days=300),
            valid_until=today + dt.timedelta(days=20 if i % 2 else 400),
        )
        for i, m in enumerate(members)
    )


def _activities(council, count: int, members, year: int | None = None) -> list[JointActivity]:
    """`count` activities this year (on past dates), each with every given member taking part."""
    today = timezone.localdate()
    first = dt.date(year or today.year, 1, 1)
    span = max((today - first).days, 0)
    activities = JointActivity.objects.bulk_create(
        JointActivity(
            council=council,
            date=first + dt.timedelta(days=i % (span + 1)),
            title=f"批量活动{i}",
            participants=10 + i,
        )
        for i in range(count)
    )
    Units.objects.bulk_create(
        Units(jointactivity_id=a.pk, memberunit_id=m.pk) for a in activities for m in members
    )
    return activities


def _this_years_meetings(council) -> None:
    """First half held (when it has begun), second half planned."""
    today = timezone.localdate()
    year = today.year
    JointMeeting.objects.bulk_create(
        [
            JointMeeting(
                council=council,
                year=year,
                half=1,
                planned_date=dt.date(year, 3, 15),
                status=JointMeeting.Status.HELD,
                held_at=timezone.make_aware(dt.datetime(year, 3, 15, 9)),
            ),
            JointMeeting(council=council, year=year, half=2, planned_date=dt.date(year, 9, 15)),
        ]
    )


def setup_council_page(world) -> None:
    """Several meetings, activities and a compliance flag around the member list."""
    council = council_a(world)
    _this_years_meetings(council)
    members = _members(council, 10_000, 2)
    _activities(council, 5, members)
    ComplianceFlag.objects.create(
        council=council, kind=ComplianceFlag.Kind.MEETING_MISSED, year=timezone.localdate().year
    )


def grow_members(world, start: int, count: int) -> None:
    """`count` more member units of A's council, each with an agreement."""
    _agreements(_members(council_a(world), start, count))


def grow_meetings(world, start: int, count: int) -> None:
    """`count` past meetings of A's council, one per year going back, each held with
    attendance of the council's first two units and a resolution."""
    council = council_a(world)
    members = list(council.members.order_by("pk")[:2]) or _members(council, 10_000, 2)
    this_year = timezone.localdate().year
    meetings = JointMeeting.objects.bulk_create(
        JointMeeting(
            council=council,
            year=this_year - 1 - i,
            half=1,
            planned_date=dt.date(this_year - 1 - i, 3, 15),
            status=JointMeeting.Status.HELD,
            held_at=timezone.make_aware(dt.datetime(this_year - 1 - i, 3, 15, 9)),
            location=f"会议室{i}",
        )
        for i in range(start, start + count)
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=mt, member=m, present=bool(j))
        for mt in meetings
        for j, m in enumerate(members)
    )
    Resolution.objects.bulk_create(
        Resolution(meeting=mt, owner=members[0], text="议定事项", due_date=mt.planned_date)
        for mt in meetings
    )


def detail_meeting(world) -> JointMeeting:
    council = council_a(world)
    today = timezone.localdate()
    year, half = half_year_of(today)
    return JointMeeting.objects.get_or_create(
        council=council, year=year, half=half, defaults={"planned_date": today}
    )[0]


def grow_meeting_detail(world, start: int, count: int) -> None:
    """`count` more member units, each with an attendance row and a resolution."""
    meeting = detail_meeting(world)
    members = _members(meeting.council, start, count)
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member=m, present=bool(i % 2), representative=f"代表{i}")
        for i, m in enumerate(members)
    )
    Resolution.objects.bulk_create(
        Resolution(
            meeting=meeting,
            owner=m,
            text=f"议定事项{i}",
            due_date=meeting.planned_date + dt.timedelta(days=i - 5),
            status=Resolution.Status.DONE if i % 2 else Resolution.Status.OPEN,
            done_on=meeting.planned_date if i % 2 else None,
        )
        for i, m in enumerate(members)
    )


def grow_activities(world, start: int, count: int) -> None:
    """`count` more activities of A's council, each with two units and two photos."""
    council = council_a(world)
    members = list(council.members.order_by("pk")[:2]) or _members(council, 10_000, 2)
    activities = _activities(council, count, members)
    ActivityPhoto.objects.bulk_create(
        ActivityPhoto(activity=a, image=f"activities/bulk-{a.pk}-{j}.png")
        for a in activities
        for j in range(2)
    )


def detail_activity(world) -> JointActivity:
    council = council_a(world)
    return JointActivity.objects.get_or_create(
        council=council, title="详情活动", defaults={"date": timezone.localdate()}
    )[0]


def grow_activity_detail(world, start: int, count: int) -> None:
    """`count` more participating units and photos on one activity."""
    activity = detail_activity(world)
    members = _members(activity.council, start, count)
    Units.objects.bulk_create(
        Units(jointactivity_id=activity.pk, memberunit_id=m.pk) for m in members
    )
    ActivityPhoto.objects.bulk_create(
        ActivityPhoto(activity=activity, image=f"activities/detail-{i}.png", caption=f"照片{i}")
        for i in range(start, start + count)
    )


def grow_area(world, start: int, count: int) -> None:
    """`count` more communities beneath subdistrict A, each with a council, two member
    units with agreements, this year's meetings and four activities."""
    sub = world.community_a.subdistrict
    communities = Community.objects.bulk_create(
        Community(subdistrict=sub, name=f"批量社区{i}", code=f"bulk-{i}")
        for i in range(start, start + count)
    )
    councils = CoordinationCouncil.objects.bulk_create(
        CoordinationCouncil(community=c, name=f"{c.name}协调委员会") for c in communities
    )
    today = timezone.localdate()
    organisations = Organisation.objects.bulk_create(
        Organisation(community=c, kind=Organisation.Kind.LOCAL_UNIT, name=f"单位{j}")
        for c in communities
        for j in range(2)
    )
    members = MemberUnit.objects.bulk_create(
        MemberUnit(council=council, organisation=o)
        for council, o in zip((c for c in councils for _ in range(2)), organisations, strict=True)
    )
    _agreements(members)
    year = today.year
    JointMeeting.objects.bulk_create(
        JointMeeting(
            council=council,
            year=year,
            half=half,
            planned_date=dt.date(year, 3 if half == 1 else 9, 15),
            status=JointMeeting.Status.HELD if half == 1 else JointMeeting.Status.PLANNED,
            held_at=timezone.make_aware(dt.datetime(year, 3, 15, 9)) if half == 1 else None,
        )
        for council in councils
        for half in (1, 2)
    )
    activities = JointActivity.objects.bulk_create(
        JointActivity(council=council, date=dt.date(year, 1 + j, 10), title=f"活动{j}")
        for council in councils
        for j in range(4)
    )
    Units.objects.bulk_create(
        Units(jointactivity_id=a.pk, memberunit_id=m.pk)
        for a, m in zip(activities, (m for m in members for _ in range(2)), strict=True)
    )


# ---------------------------------------------------------------- the pages


@dataclass(frozen=True)
class Page:
    url: Callable  # (world) -> path
    grow: Callable  # (world, start, count) -> None: add rows of the data this page shows
    rows: Callable  # (response) -> how many rows the page says it has
    baseline: int  # rows there are before growing
    max_queries: int
    small: int = 3
    large: int = 300
    setup: Callable = council_a  # (world) -> None: the fixed data around the rows
    viewer: str = "secretary_a"


def _code(name):
    return lambda world: reverse(f"governance:{name}", args=[world.community_a.code])


def _paginated(response, size: int = settings.PAGE_SIZE) -> int:
    page = response.context["page_obj"]
    assert len(page.object_list) == min(page.paginator.count, size)
    return page.paginator.count


def _members_shown(response) -> int:
    page = response.context["members"]
    assert len(page.object_list) == min(page.paginator.count, 50)
    return page.paginator.count


def _attendance_and_resolutions(response) -> int:
    assert len(response.context["resolutions"]) == len(response.context["attendance"])
    return len(response.context["attendance"])


def _rollup_rows(response) -> int:
    _paginated(response)
    assert len(response.context["rows"]) == len(response.context["page_obj"].object_list)
    return response.context["totals"]["total"]


# Measured costs, all equal at the small and the large size. Every /c/a/… council page
# opens with the same six queries:
#   1 session, 2 user, 3 the community from the URL (+ subdistrict + district),
#   4 scope: community roles, 5 scope: area roles, 6 scope: resident home;
# the permission checks and ``can_manage`` reuse the cached scope, and the base template
# adds one: N the count of the viewer's unread notifications. Then:
# - council:          7 the council, 8 the council annotated with the year's compliance
#                     (held halves, activity / expiring / member counts as subqueries),
#                     9 member count, 10 this year's meetings with counts, 11 this year's
#                     first ten activities with unit counts, 12 recent flags, N,
#                     14 page of members + organisation with agreement counts
#                     (the template reads it late)                                   = 14
#   (as subdistrict_a: the same 14; its permission check reads the subdistrict that
#    was loaded with the community)
# - meeting_list:     7 the council, 8 count, N, 10 page of meetings with attendance
#                     and resolution counts                                          = 10
# - meeting_detail:   7 the council, 8 the meeting, 9 attendance + member +
#                     organisation, 10 resolutions + owner + organisation, N         = 11
# - activity_list:    7 the council, 8 count, N, 10 member units for the unit filter's
#                     choices, 11 page of activities with unit and photo counts       = 11
# - activity_detail:  7 the council, 8 the activity, 9 its units, 10 their
#                     organisations, 11 its photos (the three prefetches), N          = 12
# - compliance (subdistrict_a; no community in the URL): 1 session, 2 user,
#   3-5 scope, 6 count of councils beneath, 7 the page of councils + community +
#   subdistrict annotated with compliance (subqueries), 8 the totals (one aggregate),
#   9 count of communities without a council, N                                     = 10
PAGES = {
    "council": Page(
        url=_code("council"),
        setup=setup_council_page,
        grow=grow_members,
        rows=_members_shown,
        baseline=2,
        max_queries=14,
    ),
    "council_as_area_staff": Page(
        url=_code("council"),
        setup=setup_council_page,
        grow=grow_members,
        rows=_members_shown,
        baseline=2,
        max_queries=14,
        viewer="subdistrict_a",
    ),
    "meeting_list": Page(
        url=_code("meeting_list"),
        grow=grow_meetings,
        rows=_paginated,
        baseline=0,
        max_queries=10,
        large=60,
    ),
    "meeting_detail": Page(
        url=lambda world: reverse(
            "governance:meeting_detail", args=["a", detail_meeting(world).pk]
        ),
        grow=grow_meeting_detail,
        rows=_attendance_and_resolutions,
        baseline=0,
        max_queries=11,
        large=60,
    ),
    "activity_list": Page(
        url=_code("activity_list"),
        grow=grow_activities,
        rows=_paginated,
        baseline=0,
        max_queries=11,
    ),
    "activity_detail": Page(
        url=lambda world: reverse(
            "governance:activity_detail", args=["a", detail_activity(world).pk]
        ),
        grow=grow_activity_detail,
        rows=lambda r: r.context["activity"].photos.count(),
        baseline=0,
        max_queries=12,
        large=60,
    ),
    "compliance": Page(
        url=lambda world: reverse("governance:compliance"),
        grow=grow_area,
        rows=_rollup_rows,
        baseline=1,  # community A's council
        max_queries=10,
        viewer="subdistrict_a",
    ),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries, name):
    page = PAGES[name]
    page.setup(world)
    client.force_login(world.users[page.viewer])
    url = page.url(world)

    page.grow(world, 0, page.small)
    with django_assert_max_num_queries(page.max_queries) as small:
        response = client.get(url)
    assert response.status_code == 200
    assert page.rows(response) == page.baseline + page.small

    page.grow(world, page.small, page.large - page.small)
    with django_assert_max_num_queries(page.max_queries) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert page.rows(response) == page.baseline + page.large

    sql = "\n".join(q["sql"] for q in large.captured_queries)
    assert len(large) == len(small), f"{name}: {len(small)} → {len(large)} queries\n{sql}"


def test_rollup_totals_count_every_council_beneath(client, world):
    """The aggregate agrees with the data: 30 councils that held their first-half meeting,
    ran four activities and have one agreement expiring, plus A's empty council."""
    council_a(world)
    grow_area(world, 0, 30)
    client.force_login(world.users["subdistrict_a"])
    response = client.get(reverse("governance:compliance"))
    assert response.context["totals"] == {
        "total": 31,
        "h1": 30,
        "h2": 0,
        "activities": 30,
        "expiring": 30,
    }
    assert response.context["communities_without_council"] == 0
    page = response.context["page_obj"]
    assert page.paginator.count == 31
    assert len(page.object_list) == settings.PAGE_SIZE
    bulk = [(c, s) for c, s in response.context["rows"] if c.community.code.startswith("bulk-")]
    assert bulk
    for council, standing in bulk:
        assert standing.h1_held and not standing.h2_held
        assert standing.activities == 4
        assert standing.expiring_agreements == 1
        assert council.member_count == 2
