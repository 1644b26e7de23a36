"""Reads of service hours, adoptions and the volunteers dashboard, shaped so each page costs
a fixed number of queries: every total is one aggregate query, never a loop per row.

Hours belong to a volunteer. A team's hours are the hours credited from the team's own
shifts; an adjustment has no shift, so it counts for the volunteer but for no team.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth

from communities.models import Community
from communities.months import add_months
from volunteers.models import Adoption, Booking, HoursEntry, Membership, Shift, Team, Volunteer


@dataclass(frozen=True)
class Period:
    """A whole year, or one month of it."""

    year: int
    month: int | None = None

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month or 1, 1)

    @property
    def last(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])


@dataclass(frozen=True)
class Span:
    """Any run of days, first and last included."""

    first: dt.date
    last: dt.date


def hours_of(community: Community) -> QuerySet[HoursEntry]:
    return HoursEntry.objects.filter(volunteer__community=community)


def volunteer_of(user, community: Community) -> Volunteer | None:
    """The user's own volunteer record in the community, if they have one (one query)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.filter(community=community, user=user).first()


def _in(period: Period | Span, prefix: str = "") -> Q:
    return Q(**{f"{prefix}day__gte": period.first, f"{prefix}day__lte": period.last})


def volunteer_totals(
    community: Community,
    period: Period | Span,
    *,
    team_id: int | None = None,
    volunteer_id: int | None = None,
) -> QuerySet[Volunteer]:
    """Volunteers with hours in the period, each annotated with ``minutes`` (all hours) and
    ``confirmed_minutes``; ``team_id`` keeps the team's approved members."""
    in_period = _in(period, "hours__")
    volunteers = Volunteer.objects.filter(community=community)
    if team_id is not None:
        volunteers = volunteers.filter(
            pk__in=Membership.objects.filter(
                team_id=team_id, status=Membership.Status.APPROVED
            ).values("volunteer_id")
        )
    if volunteer_id is not None:
        volunteers = volunteers.filter(pk=volunteer_id)
    return (
        volunteers.annotate(
            minutes=Coalesce(Sum("hours__minutes", filter=in_period), 0),
            confirmed_minutes=Coalesce(
                Sum("hours__minutes", filter=in_period & Q(hours__confirmed_at__isnull=False)), 0
            ),
            entry_count=Count("hours", filter=in_period),
        )
        .filter(entry_count__gt=0)
        .order_by("-minutes", "name", "pk")
    )


def team_totals(
    community: Community, period: Period | Span, *, volunteer_id: int | None = None
) -> QuerySet[Team]:
    """Every team of the community with the minutes credited from its shifts in the period
    (``minutes``) and how many volunteers served (``served``); one query."""
    credited = _in(period, "shifts__bookings__hours__")
    if volunteer_id is not None:
        credited &= Q(shifts__bookings__volunteer_id=volunteer_id)
    return (
        Team.objects.filter(community=community)
        .annotate(
            minutes=Coalesce(Sum("shifts__bookings__hours__minutes", filter=credited), 0),
            served=Count("shifts__bookings__volunteer", filter=credited, distinct=True),
        )
        .order_by("-minutes", "name")
    )


def minutes_by_month(entries: QuerySet[HoursEntry], first_month: dt.date, count: int) -> list:
    """``(first of month, minutes)`` for ``count`` months from ``first_month``, months with no
    hours included as 0; one query."""
    last_month = add_months(first_month, count)
    rows = (
        entries.filter(day__gte=first_month, day__lt=last_month)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(total=Sum("minutes"))
        .order_by("month")
    )
    found = {row["month"]: row["total"] for row in rows}
    months = [add_months(first_month, i) for i in range(count)]
    return [(month, found.get(month, 0)) for month in months]


def period_summary(entries: QuerySet[HoursEntry], period: Period | Span) -> dict:
    """Total, confirmed and unconfirmed minutes and entries in the period; one query."""
    confirmed = Q(confirmed_at__isnull=False)
    totals = entries.filter(_in(period)).aggregate(
        total=Coalesce(Sum("minutes"), 0),
        confirmed_total=Coalesce(Sum("minutes", filter=confirmed), 0),
        unconfirmed_entries=Count("pk", filter=~confirmed),
        entries=Count("pk"),
    )
    return {
        "minutes": totals["total"],
        "confirmed_minutes": totals["confirmed_total"],
        "unconfirmed_entries": totals["unconfirmed_entries"],
        "entries": totals["entries"],
    }


def entries_of(volunteer: Volunteer, period: Period | Span) -> QuerySet[HoursEntry]:
    """A volunteer's hours history in the period, newest first, with who did what."""
    return (
        volunteer.hours.filter(_in(period))
        .select_related("booking__shift__team", "recorded_by", "confirmed_by")
        .order_by("-day", "-pk")
    )


def unconfirmed_entries(community: Community, period: Period | Span | None) -> QuerySet[HoursEntry]:
    entries = hours_of(community).filter(confirmed_at__isnull=True)
    if period is not None:
        entries = entries.filter(_in(period))
    return entries.select_related("volunteer", "booking__shift", "recorded_by").order_by(
        "day", "volunteer__name", "pk"
    )


def recent_adjustments(
    community: Community, *, volunteer_ids: QuerySet | None = None
) -> QuerySet[HoursEntry]:
    entries = hours_of(community).filter(kind=HoursEntry.Kind.ADJUSTMENT)
    if volunteer_ids is not None:
        entries = entries.filter(volunteer_id__in=volunteer_ids)
    return entries.select_related("volunteer", "recorded_by").order_by("-recorded_at", "-pk")


def certificate(volunteer: Volunteer) -> dict:
    """Confirmed hours only: the total, first and last day, and totals per year (two
    queries)."""
    confirmed = volunteer.hours.filter(confirmed_at__isnull=False)
    totals = confirmed.aggregate(
        total=Coalesce(Sum("minutes"), 0),
        first_day=Min("day"),
        last_day=Max("day"),
        entries=Count("pk"),
    )
    totals["minutes"] = totals.pop("total")
    totals["by_year"] = [
        {"year": row["day__year"], "minutes": row["total"]}
        for row in confirmed.values("day__year")
        .annotate(total=Sum("minutes"))
        .order_by("day__year")
    ]
    return totals


def teams_of(volunteer: Volunteer) -> list[Membership]:
    return list(
        volunteer.memberships.filter(status=Membership.Status.APPROVED)
        .select_related("team")
        .order_by("team__name")
    )


# ---------------------------------------------------------------- dashboard


def volunteer_counts(community: Community, *, now: dt.datetime, days: int = 30) -> dict:
    """Active volunteers registered, and how many finished a shift in the last ``days``;
    one query."""
    served = Booking.objects.filter(
        volunteer=OuterRef("pk"),
        status=Booking.Status.DONE,
        starts_at__gte=now - dt.timedelta(days=days),
        starts_at__lte=now,
    )
    active = Q(status=Volunteer.Status.ACTIVE)
    return Volunteer.objects.filter(community=community).aggregate(
        registered=Count("pk", filter=active),
        active_recently=Count("pk", filter=active & Exists(served)),
    )


def unfilled_shifts(community: Community, *, now: dt.datetime, days: int = 14) -> QuerySet[Shift]:
    """Shifts starting within ``days`` with fewer live bookings than slots, soonest first,
    each annotated with ``taken`` and ``open_slots``."""
    return (
        Shift.objects.filter(
            community=community,
            starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(days=days),
        )
        .exclude(team__status__in=[Team.Status.PAUSED, Team.Status.DISSOLVED])
        .annotate(taken=Count("bookings", filter=Q(bookings__status__in=Booking.LIVE)))
        .filter(taken__lt=F("slots"))
        .annotate(open_slots=F("slots") - F("taken"))
        .select_related("team")
        .order_by("starts_at", "pk")
    )


# ---------------------------------------------------------------- adoptions


def adoption_list(community: Community, *, today: dt.date) -> QuerySet[Adoption]:
    """Adoptions of the community's assets, current ones first, with visit counts."""
    return (
        Adoption.objects.filter(asset__community=community)
        .select_related("asset", "team", "volunteer")
        .annotate(
            visit_count=Count("visits"),
            last_visit=Max("visits__day"),
            current=ExpressionWrapper(
                Q(ends_on__isnull=True) | Q(ends_on__gte=today), output_field=BooleanField()
            ),
        )
        .order_by("-current", "asset__kind", "asset__name", "-starts_on")
    )
