"""Shared pieces of the governance views."""

from __future__ import annotations

from communities.mixins import CommunityMixin


class GovernanceMixin(CommunityMixin):
    """Community pages of the governance app: the office and area staff read them."""

    permission_required = "governance.view_governance"
    form_takes_community = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.request.user.has_perm(
            "governance.manage_governance", self.community
        )
        context["can_see_history"] = self.request.user.has_perm(
            "audit.view_history", self.community
        )
        return context


class ManageMixin(GovernanceMixin):
    """Pages that change governance records: the secretary (and deputy) only."""

    permission_required = "governance.manage_governance"
