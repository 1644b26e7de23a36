"""Writes of the audit log."""

from __future__ import annotations

from django.db import transaction

from audit.models import AuditEvent
from communities.models import Community


@transaction.atomic
def audit_event_record(
    *, community: Community, user, action: str, file_format: str = "", row_count: int = 0
) -> AuditEvent:
    """Write one entry of the office's operation log."""
    event = AuditEvent(
        community=community,
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        file_format=file_format,
        row_count=row_count,
    )
    event.full_clean()
    event.save()
    return event
