"""Governance permissions: the office reads, the secretary runs the council, area staff
read every community beneath them."""

import rules

from communities.rules import (
    is_area_staff_over,
    is_office_staff_of,
    is_secretary_of,
    is_superuser,
    oversees_area,
)

rules.add_perm("governance.view_governance", is_superuser | is_office_staff_of | is_area_staff_over)
rules.add_perm("governance.manage_governance", is_superuser | is_secretary_of)
rules.add_perm("governance.view_compliance", is_superuser | oversees_area)
