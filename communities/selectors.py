"""Reads shaped for pages: each returns a queryset or numbers at a fixed query cost."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from accounts.validators import normalize_mobile
from communities.models import (
    Building,
    Community,
    Compound,
    Entrance,
    Household,
    Resident,
    Subdistrict,
)


def building_list(community: Community) -> QuerySet[Building]:
    return (
        Building.objects.filter(community=community)
        .select_related("compound")
        .annotate(
            entrance_count=Count("entrances", distinct=True),
            household_count=Count("entrances__households", distinct=True),
        )
        .order_by("sort_order", "name")
    )


def compound_list(community: Community) -> QuerySet[Compound]:
    return community.compounds.annotate(building_count=Count("buildings")).order_by("name")


def building_entrances(building: Building) -> QuerySet[Entrance]:
    return building.entrances.annotate(household_count=Count("households")).order_by("name")


def household_list(community: Community) -> QuerySet[Household]:
    return (
        Household.objects.for_community(community)
        .select_related("entrance__building")
        .annotate(resident_count=Count("residents", filter=Q(residents__moved_out_on__isnull=True)))
        .order_by(*Household._meta.ordering)
    )


def resident_list(community: Community) -> QuerySet[Resident]:
    """Every resident of the community, moved out or not (the list's filter narrows it)."""
    return Resident.objects.for_community(community).select_related("household__entrance__building")


def verification_queue(community: Community) -> QuerySet[Resident]:
    return (
        resident_list(community)
        .current()
        .pending()
        .filter(user__isnull=False)
        .select_related("user")
        .order_by("created_at")
    )


def community_stats(community: Community) -> dict[str, int]:
    """Counts for the community dashboard, in one aggregate query over current residents."""
    residents = (
        Resident.objects.for_community(community)
        .current()
        .aggregate(
            total=Count("pk"),
            verified=Count("pk", filter=Q(verification_status=Resident.Verification.VERIFIED)),
            pending=Count(
                "pk",
                filter=Q(verification_status=Resident.Verification.PENDING, user__isnull=False),
            ),
            party=Count("pk", filter=Q(is_party_member=True)),
            owners=Count("pk", filter=Q(is_owner=True)),
            with_account=Count("pk", filter=Q(user__isnull=False)),
        )
    )
    homes = Household.objects.for_community(community).aggregate(
        households=Count("pk"),
        area=Coalesce(Sum("floor_area"), 0, output_field=Household._meta.get_field("floor_area")),
        buildings=Count("entrance__building", distinct=True),
    )
    return {**residents, **homes}


def area_communities(communities: QuerySet[Community]) -> QuerySet[Community]:
    """Communities with their roster counts, computed by subqueries in one query."""
    households = (
        Household.objects.filter(entrance__building__community=OuterRef("pk"))
        .order_by()
        .values("entrance__building__community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    residents = (
        Resident.objects.filter(household__entrance__building__community=OuterRef("pk"))
        .current()
        .order_by()
        .values("household__entrance__building__community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pending = (
        Resident.objects.filter(
            household__entrance__building__community=OuterRef("pk"),
            verification_status=Resident.Verification.PENDING,
            user__isnull=False,
        )
        .current()
        .order_by()
        .values("household__entrance__building__community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        communities.select_related("subdistrict__district")
        .annotate(
            household_count=Coalesce(Subquery(households), 0),
            resident_count=Coalesce(Subquery(residents), 0),
            pending_count=Coalesce(Subquery(pending), 0),
        )
        .order_by("subdistrict__district__name", "subdistrict__name", "name")
    )


def subdistricts_of(user) -> QuerySet[Subdistrict]:
    from communities.scope import scope_of

    if user.is_superuser:
        return Subdistrict.objects.all()
    scope = scope_of(user)
    return Subdistrict.objects.filter(
        Q(pk__in=scope.subdistrict_ids) | Q(district__in=scope.district_ids)
    )


def resident_search(
    *,
    community: Community,
    query: str,
    limit: int,
    residents: QuerySet[Resident] | None = None,
    include_moved_out: bool = False,
) -> QuerySet[Resident]:
    """Residents of the community whose name or room contains ``query``, or whose mobile
    number contains it (four digits or more), at most ``limit``, with their home loaded.

    ``residents`` narrows who may be found (e.g. only verified residents); residents who
    have moved out are left out unless ``include_moved_out`` asks for them.
    """
    text = (query or "").strip()
    if not text:
        return Resident.objects.none()
    match = Q(name__icontains=text) | Q(household__room__icontains=text)
    digits = normalize_mobile(text)
    if digits.isdigit() and len(digits) >= 4:
        match |= Q(phone__contains=digits)
    found = (Resident.objects.all() if residents is None else residents).for_community(community)
    if not include_moved_out:
        found = found.current()
    return (
        found.select_related("household__entrance__building")
        .filter(match)
        .order_by(*Resident._meta.ordering)[:limit]
    )
