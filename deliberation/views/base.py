"""Shared pieces of the deliberation views."""

from __future__ import annotations

from communities.mixins import CommunityMixin
from communities.models import CommunityRole
from communities.scope import scope_of


class DeliberationMixin(CommunityMixin):
    """Community pages of deliberation: verified residents, representatives, the office
    and area staff may read; ``can_manage`` marks the office."""

    permission_required = "deliberation.view"
    form_takes_community = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.request.user.has_perm("deliberation.manage", self.community)
        return context

    def actor_roles(self, proposal) -> set[str]:
        """The lifecycle roles the user plays for this proposal ("proposer", "office")."""
        user = self.request.user
        roles: set[str] = set()
        if (
            user.is_superuser
            or scope_of(user).roles_in(self.community.pk) & CommunityRole.OFFICE_ROLES
        ):
            roles.add("office")
        resident = getattr(user, "resident", None) if user.is_authenticated else None
        if proposal.created_by_id == user.pk or (
            resident is not None and proposal.resident_id == resident.pk
        ):
            roles.add("proposer")
        return roles


class ManageMixin(DeliberationMixin):
    permission_required = "deliberation.manage"
