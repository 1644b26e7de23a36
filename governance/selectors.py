"""Reads for governance pages, each at a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from governance.models import (
    Agreement,
    CoordinationCouncil,
    JointActivity,
    JointMeeting,
    MemberUnit,
    Organisation,
    Post,
)

Kind = Organisation.Kind


def _organisations_with_posts(on: dt.date) -> QuerySet[Organisation]:
    current_posts = (
        Post.objects.current(on)
        .select_related("user", "resident__user")
        .order_by("title", "start_date")
    )
    return Organisation.objects.filter(is_active=True).prefetch_related(
        Prefetch("posts", queryset=current_posts, to_attr="current_posts")
    )


def organisations_with_posts(community: Community, on: dt.date) -> list[Organisation]:
    """The community's organisations, each with its current posts and their holders."""
    return list(_organisations_with_posts(on).filter(community=community).order_by("kind", "name"))


def organisations_by_community(community_ids: list[int], on: dt.date) -> dict[int, list]:
    """Organisations with current posts for several communities, in two queries."""
    grouped: dict[int, list] = {cid: [] for cid in community_ids}
    for organisation in _organisations_with_posts(on).filter(community_id__in=community_ids):
        grouped[organisation.community_id].append(organisation)
    return grouped


@dataclass
class Seat:
    """One seat of the 1351N board and the organisations that fill it."""

    code: str
    label: str
    kinds: tuple[str, ...]
    organisations: list = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)


def board(organisations: list[Organisation]) -> list[Seat]:
    """The 1 / 3 / 5 / 1 / N seats computed from the organisations (a pure function of the
    list it is given), with each missing body named."""
    by_kind: dict[str, list[Organisation]] = defaultdict(list)
    for organisation in organisations:
        by_kind[organisation.kind].append(organisation)
    label = dict(Kind.choices)

    def seat(code, title, kinds, group):
        result = Seat(code=code, label=str(title), kinds=tuple(kinds))
        for kind in kinds:
            result.organisations += by_kind.get(kind, [])
            if not by_kind.get(kind):
                result.gaps.append(
                    str(
                        _("Missing from the %(group)s: %(body)s")
                        % {"body": label[kind], "group": group}
                    )
                )
        return result

    seats = [
        seat("1", _("1 · the party committee is the core"), [Kind.PARTY_COMMITTEE], _("core")),
        seat(
            "3",
            _("3 · three committees govern together"),
            [Kind.PARTY_COMMITTEE, Kind.RESIDENTS_COMMITTEE, Kind.SOCIAL_AFFAIRS_COMMITTEE],
            _("three committees"),
        ),
        seat(
            "5",
            _("5 · five parties deliberate"),
            [
                Kind.RESIDENTS_COMMITTEE,
                Kind.PROPERTY_COMPANY,
                Kind.SOCIAL_ORGANISATION,
                Kind.LOCAL_UNIT,
                Kind.SOCIAL_WORK_ORGANISATION,
            ],
            _("five parties"),
        ),
        seat("1s", _("1 · one-stop service"), [Kind.SERVICE_STATION], _("one-stop service")),
    ]
    n_seat = Seat(
        code="N",
        label=str(_("N · community social organisations")),
        kinds=(Kind.SOCIAL_ORGANISATION,),
        organisations=by_kind.get(Kind.SOCIAL_ORGANISATION, []),
    )
    if not n_seat.organisations:
        n_seat.gaps.append(str(_("No community social organisation is registered")))
    seats.append(n_seat)
    # An organisation fills several seats (the residents' committee sits in 3 and 5): its
    # own problems are listed once, in the first seat it appears in.
    seen: set[int] = set()
    for s in seats:
        for organisation in s.organisations:
            if organisation.pk in seen:
                continue
            seen.add(organisation.pk)
            if not hasattr(organisation, "current_posts"):
                raise ValueError("board() needs organisations from organisations_with_posts()")
            if not organisation.current_posts:
                s.gaps.append(str(_("%(org)s has nobody in post") % {"org": organisation.name}))
            elif not any(p.title in Post.HEAD_TITLES for p in organisation.current_posts):
                s.gaps.append(str(_("%(org)s has no head") % {"org": organisation.name}))
    return seats


@dataclass
class CrossAppointment:
    name: str
    phone: str
    property_posts: list
    community_posts: list


def cross_appointments(
    organisations: list[Organisation], *, full_phones: bool = False
) -> list[CrossAppointment]:
    """Everyone who holds a post both in the property company and in a community body.

    Mobile numbers are masked unless ``full_phones`` (the community office is asking).
    """
    property_posts: dict[tuple, list] = defaultdict(list)
    community_posts: dict[tuple, list] = defaultdict(list)
    for organisation in organisations:
        for post in getattr(organisation, "current_posts", []):
            if organisation.kind == Kind.PROPERTY_COMPANY:
                property_posts[post.person_key].append(post)
            elif organisation.kind in Organisation.COMMUNITY_BODIES:
                community_posts[post.person_key].append(post)
    people = []
    for key in property_posts.keys() & community_posts.keys():
        first = property_posts[key][0]
        people.append(
            CrossAppointment(
                name=first.holder_name,
                phone=first.holder_phone if full_phones else first.holder_phone_masked,
                property_posts=property_posts[key],
                community_posts=community_posts[key],
            )
        )
    return sorted(people, key=lambda p: p.name)


def council_members(council: CoordinationCouncil, today: dt.date) -> QuerySet[MemberUnit]:
    warn = today + dt.timedelta(days=settings.GOVERNANCE_AGREEMENT_WARNING_DAYS)
    return (
        council.members.select_related("organisation")
        .annotate(
            agreement_count=Count("agreements", distinct=True),
            expiring_count=Count(
                "agreements",
                filter=Q(
                    agreements__status=Agreement.Status.ACTIVE,
                    agreements__valid_until__gte=today,
                    agreements__valid_until__lte=warn,
                ),
                distinct=True,
            ),
            valid_count=Count(
                "agreements",
                filter=Q(
                    agreements__status=Agreement.Status.ACTIVE,
                    agreements__valid_until__gte=today,
                ),
                distinct=True,
            ),
        )
        .order_by("left_on", "organisation__name")
    )


def _held(council_ref, year: int, half: int):
    return Exists(
        JointMeeting.objects.filter(
            council=council_ref, year=year, half=half, status=JointMeeting.Status.HELD
        )
    )


def _count(queryset, group_field: str):
    return Coalesce(
        Subquery(
            queryset.order_by().values(group_field).annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def councils_with_compliance(
    councils: QuerySet[CoordinationCouncil], *, year: int, today: dt.date
) -> QuerySet[CoordinationCouncil]:
    """Councils annotated with the year's compliance facts, in one query however many."""
    warn = today + dt.timedelta(days=settings.GOVERNANCE_AGREEMENT_WARNING_DAYS)
    activities = JointActivity.objects.filter(council=OuterRef("pk"), date__year=year)
    expiring = Agreement.objects.filter(
        member__council=OuterRef("pk"),
        status=Agreement.Status.ACTIVE,
        valid_until__gte=today,
        valid_until__lte=warn,
    )
    members = MemberUnit.objects.filter(council=OuterRef("pk"), left_on__isnull=True)
    return councils.select_related("community__subdistrict").annotate(
        h1_held=_held(OuterRef("pk"), year, 1),
        h2_held=_held(OuterRef("pk"), year, 2),
        activity_count=_count(activities, "council"),
        expiring_count=_count(expiring, "member__council"),
        member_count=_count(members, "council"),
    )


def meetings_of(council: CoordinationCouncil) -> QuerySet[JointMeeting]:
    return council.meetings.annotate(
        present_count=Count("attendance", filter=Q(attendance__present=True)),
        resolution_count=Count("resolutions", distinct=True),
    ).order_by("-year", "-half", "-planned_date")


def activities_of(council: CoordinationCouncil) -> QuerySet[JointActivity]:
    return council.activities.annotate(
        unit_count=Count("units", distinct=True), photo_count=Count("photos", distinct=True)
    ).order_by("-date", "-pk")


def area_councils(communities: QuerySet[Community]) -> QuerySet[CoordinationCouncil]:
    return CoordinationCouncil.objects.filter(community__in=communities).order_by(
        "community__subdistrict__name", "community__name"
    )


def compliance_totals(councils: QuerySet[CoordinationCouncil]) -> dict[str, int]:
    """How many of the annotated councils meet each rule: one aggregate query."""
    min_activities = settings.GOVERNANCE_MIN_ACTIVITIES
    return councils.order_by().aggregate(
        total=Count("pk"),
        h1=Count("pk", filter=Q(h1_held=True)),
        h2=Count("pk", filter=Q(h2_held=True)),
        activities=Count("pk", filter=Q(activity_count__gte=min_activities)),
        expiring=Count("pk", filter=Q(expiring_count__gt=0)),
    )
