"""Deliberation permissions. Checked against a community (or an object with one)."""

import rules

from communities.rules import (
    community_of,
    is_area_staff_over,
    is_office_staff_of,
    is_secretary_of,
    is_superuser,
    is_verified_resident_of,
)
from communities.scope import scope_of


@rules.predicate
def is_representative_of(user, obj) -> bool:
    community = community_of(obj)
    return community is not None and "representative" in scope_of(user).roles_in(community.pk)


rules.add_perm(
    "deliberation.view",
    is_superuser
    | is_office_staff_of
    | is_area_staff_over
    | is_verified_resident_of
    | is_representative_of,
)
rules.add_perm(
    "deliberation.raise_proposal", is_superuser | is_office_staff_of | is_verified_resident_of
)
rules.add_perm("deliberation.vote", is_verified_resident_of)
rules.add_perm("deliberation.manage", is_superuser | is_office_staff_of)
rules.add_perm("deliberation.see_named_choices", is_superuser | is_secretary_of)
