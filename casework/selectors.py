"""Reads for casework pages: shaped querysets and aggregate queries, so each page costs
a fixed number of queries whatever the number of cases."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from casework.models import Case, CaseAction, Visit, VisitProblem, Whistle
from casework.rates import CaseKey, RateCounts, recurring_groups
from communities.models import Building, Community, Entrance
from communities.months import add_months

TZ = ZoneInfo(settings.TIME_ZONE)
SATISFIED = (Case.Satisfaction.SATISFIED, Case.Satisfaction.BASICALLY)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a month in Beijing time."""
    start = dt.datetime.combine(month.replace(day=1), dt.time.min, tzinfo=TZ)
    end = dt.datetime.combine(add_months(month.replace(day=1), 1), dt.time.min, tzinfo=TZ)
    return start, end


def this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


# ---------------------------------------------------------------- cases


def case_list(community: Community, user) -> QuerySet[Case]:
    """The community's cases as this user may see them: property-company staff only the
    cases of their task groups."""
    qs = Case.objects.filter(community=community).select_related(
        "category", "building", "entrance", "reporter_resident", "assigned_worker", "task_group"
    )
    if not (user.is_superuser or user.has_perm("casework.view_office", community)):
        qs = qs.for_task_group_member(user)
    return qs


def case_detail_queryset() -> QuerySet[Case]:
    return Case.objects.select_related(
        "community__subdistrict__district",
        "category",
        "building",
        "entrance",
        "reporter_resident__household__entrance__building",
        "assigned_worker",
        "task_group",
        "created_by",
        "rated_by",
        "proposal",
    ).prefetch_related(
        Prefetch("actions", queryset=CaseAction.objects.select_related("by")),
        "attachments",
        Prefetch("whistles", queryset=Whistle.objects.select_related("department")),
    )


def cases_of_reporter(community: Community, user) -> QuerySet[Case]:
    """A resident's own cases: reported by them, or recorded by the office for them."""
    return (
        Case.objects.filter(community=community)
        .filter(Q(reporter_resident__user=user) | Q(source=Case.Source.ONLINE, created_by=user))
        .select_related("category", "building", "entrance")
    )


# ---------------------------------------------------------------- rates


def _rate_aggregates(prefix: str = "", within: Q | None = None) -> dict:
    """Conditional counts for the three rates over cases reached through ``prefix``
    (e.g. ``"cases__"`` from a community), limited to ``within`` if given."""
    p = prefix
    base = within if within is not None else Q()
    closed = Q(**{f"{p}status": Case.Status.CLOSED})
    conditions = {
        "received": Q(),
        "responded_on_time": Q(**{f"{p}contacted_at__isnull": False})
        & Q(**{f"{p}contacted_at__lte": F(f"{p}contact_due")}),
        "closed": closed,
        "resolved": closed & Q(**{f"{p}outcome": Case.Outcome.RESOLVED}),
        "rated": ~Q(**{f"{p}satisfaction": ""}),
        "satisfied": Q(**{f"{p}satisfaction__in": SATISFIED}),
    }
    return {
        name: Count(f"{p}pk", filter=(base & condition) or None)
        for name, condition in conditions.items()
    }


FIELDS = ("received", "responded_on_time", "closed", "resolved", "rated", "satisfied")


def counts_from(row: dict | object) -> RateCounts:
    get = row.get if isinstance(row, dict) else lambda f: getattr(row, f)
    return RateCounts(*(get(f) or 0 for f in FIELDS))


def rate_counts(cases: QuerySet[Case]) -> RateCounts:
    """The three rates' counts over a set of cases (one query)."""
    return counts_from(cases.aggregate(**_rate_aggregates()))


def received_in(month: dt.date) -> Q:
    start, end = month_bounds(month)
    return Q(received_at__gte=start, received_at__lt=end)


def monthly_counts(cases: QuerySet[Case], first: dt.date, last: dt.date) -> list:
    """[(month, RateCounts)] for each month from ``first`` to ``last`` inclusive, months
    without cases included (one query)."""
    start, _ = month_bounds(first)
    _, end = month_bounds(last)
    rows = (
        cases.filter(received_at__gte=start, received_at__lt=end)
        .annotate(month=TruncMonth("received_at", tzinfo=TZ))
        .values("month")
        .annotate(**_rate_aggregates())
        .order_by("month")
    )
    by_month = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        by_month[month.replace(day=1)] = counts_from(row)
    result = []
    month = first
    while month <= last:
        result.append((month, by_month.get(month, RateCounts())))
        month = add_months(month, 1)
    return result


def community_rates(communities: QuerySet[Community], month: dt.date) -> QuerySet[Community]:
    """Communities annotated with the month's counts (one query for any number)."""
    start, end = month_bounds(month)
    in_month = Q(cases__received_at__gte=start, cases__received_at__lt=end)
    annotations = _rate_aggregates("cases__", within=in_month)
    return (
        communities.select_related("subdistrict__district")
        .annotate(**annotations)
        .order_by("subdistrict__district__name", "subdistrict__name", "name")
    )


def subdistrict_rates(communities: QuerySet[Community], month: dt.date) -> list:
    """[(subdistrict id, subdistrict name, RateCounts)] for the month (one query)."""
    start, end = month_bounds(month)
    rows = (
        Case.objects.filter(community__in=communities, received_at__gte=start, received_at__lt=end)
        .values("community__subdistrict_id", "community__subdistrict__name")
        .annotate(**_rate_aggregates())
        .order_by("community__subdistrict__name")
    )
    return [
        (r["community__subdistrict_id"], r["community__subdistrict__name"], counts_from(r))
        for r in rows
    ]


def hotspots(cases: QuerySet[Case], limit: int = 5) -> tuple[list, list]:
    """The categories and the buildings with the most cases (two queries)."""
    categories = list(
        cases.values("category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__name")[:limit]
    )
    buildings = list(
        cases.filter(building__isnull=False)
        .values("building__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "building__name")[:limit]
    )
    return categories, buildings


def overdue_open(cases: QuerySet[Case], now: dt.datetime) -> QuerySet[Case]:
    """Open cases past a deadline: not contacted in time, or not resolved in time."""
    return cases.open().filter(
        Q(contacted_at__isnull=True, contact_due__lt=now) | Q(resolve_due__lt=now)
    )


# ---------------------------------------------------------------- recurring problems


def recurring_problem_groups(
    community: Community, *, since: dt.datetime, window_days: int | None = None
) -> list[list[Case]]:
    """Groups of cases of one category at one building within the window, among cases
    received since ``since`` (two queries: the keys, then the grouped cases)."""
    window_days = window_days or settings.CASEWORK_RECURRING_WINDOW_DAYS
    keys = [
        CaseKey(pk, category_id, building_id, received_at)
        for pk, category_id, building_id, received_at in Case.objects.filter(
            community=community, received_at__gte=since, building__isnull=False
        ).values_list("pk", "category_id", "building_id", "received_at")
    ]
    groups = recurring_groups(keys, window_days=window_days)
    wanted = {k.pk for g in groups for k in g}
    cases = Case.objects.filter(pk__in=wanted).select_related(
        "category", "building", "entrance", "proposal"
    )
    by_pk = {c.pk: c for c in cases}
    return [[by_pk[k.pk] for k in g] for g in groups]


# ---------------------------------------------------------------- visits


def visit_list(community: Community) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(community=community)
        .select_related("worker")
        .annotate(
            entrance_count=Count("entrances", distinct=True),
            household_count=Count("households", distinct=True),
            problem_count=Count("problems", distinct=True),
        )
    )


def visit_detail_queryset() -> QuerySet[Visit]:
    return Visit.objects.select_related("community", "worker").prefetch_related(
        Prefetch("entrances", queryset=Entrance.objects.select_related("building")),
        Prefetch("households"),
        Prefetch(
            "problems",
            queryset=VisitProblem.objects.select_related(
                "category", "building", "entrance", "case"
            ),
        ),
    )


def visit_coverage(community: Community, month: dt.date) -> tuple[list, list]:
    """For the month: each building with its entrances and how many were walked and how
    many households visited; and the entrances nobody visited (two queries)."""
    first = month.replace(day=1)
    last = add_months(first, 1) - dt.timedelta(days=1)
    in_month = Q(visited_on__gte=first, visited_on__lte=last)
    visited_entrance = Visit.objects.filter(in_month, entrances=OuterRef("pk"))
    # Counted in subqueries limited to the month, so that years of visits to thousands of
    # households never multiply the rows of the building query.
    walked = (
        Visit.entrances.through.objects.filter(
            entrance__building=OuterRef("pk"),
            visit__visited_on__gte=first,
            visit__visited_on__lte=last,
        )
        .order_by()
        .values("entrance__building")
        .annotate(n=Count("entrance", distinct=True))
        .values("n")
    )
    called_on = (
        Visit.households.through.objects.filter(
            household__entrance__building=OuterRef("pk"),
            visit__visited_on__gte=first,
            visit__visited_on__lte=last,
        )
        .order_by()
        .values("household__entrance__building")
        .annotate(n=Count("household", distinct=True))
        .values("n")
    )
    buildings = list(
        Building.objects.filter(community=community)
        .annotate(
            entrance_total=Count("entrances", distinct=True),
            entrance_visited=Coalesce(Subquery(walked), 0),
            households_visited=Coalesce(Subquery(called_on), 0),
        )
        .order_by("name")
    )
    unvisited = list(
        Entrance.objects.filter(building__community=community)
        .annotate(seen=Exists(visited_entrance))
        .filter(seen=False)
        .select_related("building")
        .order_by("building__name", "name")
    )
    return buildings, unvisited


# ---------------------------------------------------------------- whistles


def whistle_list(community: Community) -> QuerySet[Whistle]:
    return Whistle.objects.filter(community=community).select_related(
        "department", "case", "proposal", "requested_by"
    )


def open_whistles_in(communities: QuerySet[Community]) -> QuerySet[Whistle]:
    """Open whistles (not yet closed) of these communities, oldest first."""
    return (
        Whistle.objects.open()
        .filter(community__in=communities)
        .select_related("community__subdistrict", "department", "case", "proposal")
        .order_by("community__subdistrict__name", "requested_at")
    )


def open_whistle_summary(communities: QuerySet[Community]) -> list[dict]:
    """Per subdistrict: open whistles, how many are past their deadline, the oldest."""
    from django.db.models import Min

    today = timezone.localdate()
    return list(
        Whistle.objects.open()
        .filter(community__in=communities)
        .values("community__subdistrict_id", "community__subdistrict__name")
        .annotate(
            open_count=Count("pk"),
            late_count=Count("pk", filter=Q(respond_by__lt=today, status=Whistle.Status.OPEN)),
            oldest=Min("requested_at"),
        )
        .order_by("community__subdistrict__name")
    )


def office_summary(community: Community, now: dt.datetime) -> dict:
    """For the community's dashboard, in one aggregate query: open and overdue cases, and
    this month's counts behind the three rates."""
    month = timezone.localtime(now).date().replace(day=1)
    is_open = ~Q(status=Case.Status.CLOSED)
    overdue = is_open & (Q(contacted_at__isnull=True, contact_due__lt=now) | Q(resolve_due__lt=now))
    row = Case.objects.filter(community=community).aggregate(
        open=Count("pk", filter=is_open),
        overdue=Count("pk", filter=overdue),
        **_rate_aggregates(within=received_in(month)),
    )
    return {
        "open": row["open"],
        "overdue": row["overdue"],
        "month": month,
        "rates": counts_from(row),
    }
