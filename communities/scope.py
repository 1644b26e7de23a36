"""What a user may reach: their roles, areas and home, loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from communities.models import CommunityRole

# Defined with the role choices; these names stay for modules that import them from here.
OFFICE_ROLES = CommunityRole.OFFICE_ROLES
SECRETARY_ROLES = CommunityRole.SECRETARY_ROLES


@dataclass(frozen=True)
class UserScope:
    roles: dict[int, frozenset[str]] = field(default_factory=dict)
    subdistrict_ids: frozenset[int] = frozenset()
    district_ids: frozenset[int] = frozenset()
    home_community_id: int | None = None
    home_community_code: str = ""
    home_verified: bool = False
    # The account's resident record is marked as moved out: the home community is still
    # known (their history is there) but they are no longer a verified resident of it.
    home_moved_out: bool = False
    # Codes of the communities the user holds a role in, for links (read with the roles).
    community_codes: dict[int, str] = field(default_factory=dict)

    def roles_in(self, community_id: int) -> frozenset[str]:
        return self.roles.get(community_id, frozenset())

    def oversees(self, subdistrict_id: int, district_id: int) -> bool:
        return subdistrict_id in self.subdistrict_ids or district_id in self.district_ids

    @property
    def is_area_staff(self) -> bool:
        return bool(self.subdistrict_ids or self.district_ids)

    @property
    def office_community_ids(self) -> list[int]:
        return [cid for cid, roles in self.roles.items() if roles & OFFICE_ROLES]

    def codes_with_role(self, role: str) -> list[str]:
        """Codes of the communities where the user holds ``role``."""
        return sorted(self.community_codes[cid] for cid, r in self.roles.items() if role in r)


EMPTY_SCOPE = UserScope()


def scope_of(user) -> UserScope:
    """Return the user's scope, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False):
        return EMPTY_SCOPE
    cached = getattr(user, "_gongzhi_scope", None)
    if cached is not None:
        return cached
    from django.db.models import Subquery

    from communities.models import AreaStaffRole, Household, Resident

    today = timezone.localdate()
    roles: dict[int, set[str]] = {}
    codes: dict[int, str] = {}
    for community_id, role, code in (
        CommunityRole.objects.active(today)
        .filter(user=user)
        .values_list("community_id", "role", "community__code")
    ):
        roles.setdefault(community_id, set()).add(role)
        codes[community_id] = code
    subdistricts: set[int] = set()
    districts: set[int] = set()
    for sub_id, dist_id in (
        AreaStaffRole.objects.active(today)
        .filter(user=user)
        .values_list("subdistrict_id", "district_id")
    ):
        if sub_id:
            subdistricts.add(sub_id)
        if dist_id:
            districts.add(dist_id)
    # The household is found from the account's unique index first (a scalar subquery),
    # then its entrance, building and community by primary key: a plan that stays fast
    # even when the planner's statistics are stale (e.g. tables grown inside one test).
    own = Resident.objects.filter(user=user).order_by()
    rows = list(
        Household.objects.filter(pk=Subquery(own.values("household_id")[:1]))
        .annotate(
            status=Subquery(own.values("verification_status")[:1]),
            moved_out_on=Subquery(own.values("moved_out_on")[:1]),
        )
        .order_by()
        .values_list(
            "entrance__building__community_id",
            "status",
            "entrance__building__community__code",
            "moved_out_on",
        )[:1]
    )
    home = rows[0] if rows else None
    scope = UserScope(
        roles={cid: frozenset(r) for cid, r in roles.items()},
        subdistrict_ids=frozenset(subdistricts),
        district_ids=frozenset(districts),
        home_community_id=home[0] if home else None,
        home_community_code=home[2] if home else "",
        home_verified=bool(home and home[1] == "verified" and home[3] is None),
        home_moved_out=bool(home and home[3] is not None),
        community_codes=codes,
    )
    user._gongzhi_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop a cached scope after the user's roles or residence change."""
    if hasattr(user, "_gongzhi_scope"):
        del user._gongzhi_scope
