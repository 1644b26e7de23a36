"""Volunteer permissions, checked against a community (or an object with one)."""

import rules

from communities.rules import (
    add_tie,
    community_of,
    is_area_staff_over,
    is_office_staff_of,
    is_superuser,
    is_verified_resident_of,
)
from communities.scope import scope_of


@add_tie
def _volunteers_here(user, community) -> bool:
    """A volunteer who lives elsewhere (e.g. a team leader from the next estate) still
    belongs to the community they serve. Asked only when nothing else ties them to it."""
    if not getattr(user, "is_authenticated", False):
        return False
    from volunteers.models import Volunteer

    return Volunteer.objects.filter(user=user, community=community).exists()


@rules.predicate
def is_team_leader_in(user, obj) -> bool:
    community = community_of(obj)
    return community is not None and "team_leader" in scope_of(user).roles_in(community.pk)


@rules.predicate
def is_volunteer_in(user, obj) -> bool:
    """Has a volunteer record in the community (e.g. a leader who lives elsewhere)."""
    community = community_of(obj)
    if community is None or not user.is_authenticated:
        return False
    from volunteers.models import Volunteer

    return Volunteer.objects.filter(user=user, community=community).exists()


rules.add_perm(
    "volunteers.view",
    is_superuser
    | is_office_staff_of
    | is_area_staff_over
    | is_team_leader_in
    | is_verified_resident_of
    | is_volunteer_in,
)
rules.add_perm("volunteers.manage", is_superuser | is_office_staff_of)
