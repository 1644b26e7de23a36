"""Events the office must be able to account for that are not edits of a record, such as
exporting the roster with full mobile numbers. Edits themselves are kept by
django-simple-history on each tracked model."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from communities.models import Community


class AuditEventQuerySet(models.QuerySet):
    def for_community(self, community: Community) -> AuditEventQuerySet:
        return self.filter(community=community)


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        ROSTER_EXPORT_FULL = "roster_export_full", _("Exported the roster with full numbers")

    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        related_name="audit_events",
        verbose_name=_("community"),
    )
    # Kept when the account is later removed: the log must still say someone did it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=30, choices=Action)
    file_format = models.CharField(_("format"), max_length=10, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["community", "-at"], name="audit_event_community_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.user}"
