"""Who may read the audit trail and the operation log."""

from __future__ import annotations

import rules

from communities.rules import (
    is_area_staff_over,
    is_secretary_of,
    is_superuser,
)

# The secretary (and deputy) of the community and the subdistrict/district staff above it
# read every record's 修改记录 and the operation log; nobody edits them.
rules.add_perm("audit.view_history", is_superuser | is_secretary_of | is_area_staff_over)
rules.add_perm("audit.view_log", is_superuser | is_secretary_of | is_area_staff_over)
