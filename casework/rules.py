"""Who may see and act on cases, visits and whistles.

Community-level permissions are checked against a community; case-level ones against a
case. Property-company staff reach only the cases forwarded to a task group they are in.
"""

import rules

from communities.rules import (
    is_area_staff_over,
    is_office_staff_of,
    is_property_manager_of,
    is_superuser,
    is_verified_resident_of,
)


@rules.predicate
def is_task_group_member_for(user, case) -> bool:
    """The case sits with a task group this user belongs to (and still works here)."""
    if not getattr(user, "is_authenticated", False) or not getattr(case, "task_group_id", None):
        return False
    from casework.models import TaskGroup

    return TaskGroup.objects.filter(
        pk=case.task_group_id, is_active=True, members=user
    ).exists() and is_property_manager_of(user, case)


@rules.predicate
def is_reporter_of(user, case) -> bool:
    """The resident who reported the case (or recorded it online themselves)."""
    if not getattr(user, "is_authenticated", False):
        return False
    resident = getattr(case, "reporter_resident", None)
    if resident is not None and resident.user_id == user.pk:
        return True
    return case.source == case.Source.ONLINE and case.created_by_id == user.pk


is_office_or_area = is_office_staff_of | is_area_staff_over

# Lists, rates, hotspots, visits and whistles of a community.
rules.add_perm("casework.view_cases", is_superuser | is_office_or_area | is_property_manager_of)
rules.add_perm("casework.view_office", is_superuser | is_office_or_area)
# Record cases and visits, assign them, record call-backs, manage task groups.
rules.add_perm("casework.manage", is_superuser | is_office_staff_of)
rules.add_perm("casework.report", is_verified_resident_of)
rules.add_perm("casework.whistle", is_superuser | is_office_staff_of | is_area_staff_over)
# On one case.
rules.add_perm(
    "casework.view_case",
    is_superuser | is_office_or_area | is_task_group_member_for | is_reporter_of,
)
rules.add_perm("casework.handle_case", is_superuser | is_office_staff_of | is_task_group_member_for)
rules.add_perm("casework.rate_online", is_reporter_of)
