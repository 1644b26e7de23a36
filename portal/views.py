"""Pages that bring several apps together: the start page, the resident's home and the
community office's overview."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.generic import TemplateView

from casework.selectors import office_summary
from communities import selectors
from communities.mixins import CommunityMixin
from communities.models import Community, Resident
from communities.scope import scope_of
from deliberation.models import Ballot
from volunteers.models import Volunteer


def home(request):
    """Send each user to the page their role starts from."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "home_public.html")
    scope = scope_of(user)
    office = scope.office_community_ids
    if office:
        community = Community.objects.filter(pk__in=office).order_by("name").first()
        return redirect("communities:dashboard", code=community.code)
    if user.is_superuser or scope.is_area_staff:
        return redirect("communities:area")
    if scope.roles:
        community = Community.objects.filter(pk__in=list(scope.roles)).order_by("name").first()
        return redirect("communities:role_home", code=community.code)
    return redirect("communities:me")


class ResidentHomeView(LoginRequiredMixin, TemplateView):
    """A resident's own page: their home, verification status and what comes next."""

    template_name = "communities/me.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        resident = (
            Resident.objects.filter(user=self.request.user)
            .select_related("household__entrance__building__community__subdistrict")
            .first()
        )
        context["resident"] = resident
        if resident is not None and resident.is_verified and not resident.has_moved_out:
            # Open votes of the resident's community, newest first (one query).
            context["open_ballots"] = list(
                Ballot.objects.filter(
                    status=Ballot.Status.OPEN,
                    proposal__community=resident.household.entrance.building.community_id,
                )
                .select_related("proposal")
                .order_by("closes_at")[:5]
            )
            context["is_volunteer"] = Volunteer.objects.filter(resident=resident).exists()
        return context


class DashboardView(CommunityMixin, TemplateView):
    template_name = "communities/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stats"] = selectors.community_stats(self.community)
        context["can_manage"] = self.request.user.has_perm(
            "communities.manage_roster", self.community
        )
        context["can_export"] = self.request.user.has_perm(
            "communities.export_roster", self.community
        )
        context["can_see_log"] = self.request.user.has_perm("audit.view_log", self.community)
        cases = office_summary(self.community, timezone.now())
        response, resolution, satisfaction = cases["rates"].percentages
        context["cases"] = {
            **cases,
            "response": response,
            "resolution": resolution,
            "satisfaction": satisfaction,
        }
        return context
