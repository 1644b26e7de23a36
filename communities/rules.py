"""Who may do what in a community, as django-rules predicates.

Every permission is checked against a community, or against an object with a
``community`` attribute (building, entrance, household, resident).
"""

from __future__ import annotations

from collections.abc import Callable

import rules

from communities.models import CommunityRole
from communities.scope import scope_of


def community_of(obj):
    """The community an object belongs to (the object itself for a community)."""
    return getattr(obj, "community", None)


@rules.predicate
def is_office_staff_of(user, obj) -> bool:
    community = community_of(obj)
    return community is not None and bool(
        scope_of(user).roles_in(community.pk) & CommunityRole.OFFICE_ROLES
    )


@rules.predicate
def is_secretary_of(user, obj) -> bool:
    community = community_of(obj)
    return community is not None and bool(
        scope_of(user).roles_in(community.pk) & CommunityRole.SECRETARY_ROLES
    )


@rules.predicate
def is_property_manager_of(user, obj) -> bool:
    community = community_of(obj)
    return community is not None and "property_manager" in scope_of(user).roles_in(community.pk)


@rules.predicate
def is_area_staff_over(user, obj) -> bool:
    community = community_of(obj)
    if community is None:
        return False
    subdistrict = community.subdistrict
    return scope_of(user).oversees(subdistrict.pk, subdistrict.district_id)


@rules.predicate
def is_verified_resident_of(user, obj) -> bool:
    community = community_of(obj)
    scope = scope_of(user)
    return community is not None and scope.home_verified and scope.home_community_id == community.pk


@rules.predicate
def has_any_tie_to(user, obj) -> bool:
    """The user works in, oversees or lives in the community (so may know it exists)."""
    community = community_of(obj)
    if community is None:
        return False
    scope = scope_of(user)
    return (
        bool(scope.roles_in(community.pk))
        or scope.home_community_id == community.pk
        or is_area_staff_over(user, obj)
        or any(tie(user, community) for tie in OTHER_TIES)
    )


# Ties that other apps know about, each a function (user, community) -> bool asked only
# when nothing above ties the user to the community. Apps above communities add theirs
# with add_tie() from their own rules module, so communities imports none of them.
OTHER_TIES: list[Callable[[object, object], bool]] = []


def add_tie(tie: Callable[[object, object], bool]) -> Callable[[object, object], bool]:
    """Register another way a user can belong to a community (see has_any_tie_to)."""
    OTHER_TIES.append(tie)
    return tie


@rules.predicate
def oversees_area(user, area) -> bool:
    """For a Subdistrict or District object: the user is staff of it (or of its district)."""
    scope = scope_of(user)
    district_id = getattr(area, "district_id", None)
    if district_id is not None:  # a subdistrict
        return area.pk in scope.subdistrict_ids or district_id in scope.district_ids
    return area.pk in scope.district_ids


is_superuser = rules.is_superuser

rules.add_perm("communities.see_community", is_superuser | has_any_tie_to)
rules.add_perm("communities.view_office", is_superuser | is_office_staff_of | is_area_staff_over)
rules.add_perm("communities.manage_roster", is_superuser | is_office_staff_of)
rules.add_perm("communities.verify_resident", is_superuser | is_office_staff_of)
rules.add_perm("communities.change_profile", is_superuser | is_secretary_of)
rules.add_perm("communities.reset_password", is_superuser | is_secretary_of)
rules.add_perm("communities.view_area", is_superuser | oversees_area)
rules.add_perm("communities.manage_roles", is_superuser | is_secretary_of)
# The roster file: the office and area staff (numbers masked unless export_full_phone).
rules.add_perm("communities.export_roster", is_superuser | is_office_staff_of | is_area_staff_over)
# Full mobile numbers: on pages, the community office; in a roster file, the secretary
# alone (the audit app logs each such export). Everyone else sees 138****5678.
rules.add_perm("communities.see_full_phone", is_superuser | is_office_staff_of)
rules.add_perm("communities.export_full_phone", is_superuser | is_secretary_of)
