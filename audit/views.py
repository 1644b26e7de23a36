"""The 修改记录 of a record and the community's operation log (read-only)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.views.generic import TemplateView

from audit import history
from audit.models import AuditEvent
from communities.mixins import CommunityMixin


class RecordHistoryView(CommunityMixin, TemplateView):
    """Who changed what and when on one record and its parts, newest first."""

    permission_required = "audit.view_history"
    template_name = "audit/history.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = history.KINDS.get(self.kwargs["kind"])
        if kind is None or not history.find_record(kind, self.kwargs["pk"], self.community):
            raise Http404
        user = self.request.user
        page_obj, entries = history.history_page(
            kind,
            self.kwargs["pk"],
            page=self.request.GET.get("page"),
            per_page=self.paginate_by,
            full_phones=user.has_perm("communities.see_full_phone", self.community),
        )
        context.update(
            page_obj=page_obj,
            entries=entries,
            record_kind=kind.model._meta.verbose_name,
            record_label=history.record_label(kind, self.kwargs["pk"]),
        )
        return context


class AuditLogView(CommunityMixin, TemplateView):
    """Exports with full numbers and other logged operations in the community."""

    permission_required = "audit.view_log"
    template_name = "audit/log.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = AuditEvent.objects.for_community(self.community).select_related("user")
        context["page_obj"] = Paginator(events, self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        return context
