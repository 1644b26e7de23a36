from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from communities.signals import roster_exported_with_full_phones

        roster_exported_with_full_phones.connect(
            _log_full_roster_export, dispatch_uid="audit.full_roster_export"
        )


def _log_full_roster_export(sender, *, community, user, file_format, row_count, **kwargs):
    """Every roster file with full mobile numbers is written into the operation log."""
    from audit.models import AuditEvent
    from audit.services import audit_event_record

    audit_event_record(
        community=community,
        user=user,
        action=AuditEvent.Action.ROSTER_EXPORT_FULL,
        file_format=file_format,
        row_count=row_count,
    )
