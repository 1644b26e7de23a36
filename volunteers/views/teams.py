"""Self-governing teams, their members and join requests, and the community's volunteers.

Who may do what: everyone who may see the community's volunteer work reads teams; the
office creates and edits teams and volunteers; a team's leader (or deputy) decides who
joins their own team; the office, area staff and team leaders see the list of volunteers
(phones masked); a verified resident becomes a volunteer from their own account.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from django_filters.views import FilterView

from communities.mixins import CommunityMixin, ServiceFormMixin, apply_validation_error
from communities.models import Resident
from communities.scope import scope_of
from deliberation.forms.halls import SEARCH_BUTTON, unbound_copy
from volunteers import team_services
from volunteers.forms.teams import BecomeVolunteerForm, TeamForm, VolunteerFilter, VolunteerForm
from volunteers.models import Booking, HoursEntry, Membership, Team, Volunteer


class VolunteerMixin(CommunityMixin):
    """Community pages of volunteer work. ``can_manage`` marks the office; ``led_team_ids``
    are the teams the user leads here; ``my_volunteer`` is the user's own volunteer record."""

    permission_required = "volunteers.view"
    form_takes_community = False

    @property
    def can_manage(self) -> bool:
        if not hasattr(self, "_can_manage"):
            self._can_manage = self.request.user.has_perm("volunteers.manage", self.community)
        return self._can_manage

    @property
    def led_team_ids(self) -> set[int]:
        if not hasattr(self, "_led_team_ids"):
            self._led_team_ids = team_services.led_team_ids(self.request.user, self.community)
        return self._led_team_ids

    @property
    def my_volunteer(self) -> Volunteer | None:
        if not hasattr(self, "_my_volunteer"):
            self._my_volunteer = Volunteer.objects.filter(
                user=self.request.user, community=self.community
            ).first()
        return self._my_volunteer

    def may_manage_team(self, team_id: int | None) -> bool:
        """The office, or (for a team's own things) the team's leader."""
        return self.can_manage or (team_id is not None and team_id in self.led_team_ids)

    def require_team_manager(self, team_id: int | None) -> None:
        if not self.may_manage_team(team_id):
            raise PermissionDenied

    def may_see_people(self) -> bool:
        """The list of volunteers: the office, area staff and team leaders."""
        user = self.request.user
        return (
            user.has_perm("communities.view_office", self.community)
            or bool(self.led_team_ids)
            or "team_leader" in scope_of(user).roles_in(self.community.pk)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.can_manage
        context["led_team_ids"] = self.led_team_ids
        context["my_volunteer"] = self.my_volunteer
        context["may_see_people"] = self.may_see_people()
        return context


class ManageMixin(VolunteerMixin):
    permission_required = "volunteers.manage"


class PostOnlyMixin:
    http_method_names = ["post"]


def query_string(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _count(queryset, field: str):
    """A correlated COUNT subquery (no join fan-out when several counts sit on one row)."""
    return Coalesce(
        Subquery(
            queryset.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


APPROVED = Membership.Status.APPROVED
REQUESTED = Membership.Status.REQUESTED


# ---------------------------------------------------------------- teams


class TeamListView(VolunteerMixin, ListView):
    template_name = "volunteers/teams/team_list.html"
    context_object_name = "teams"

    def get_queryset(self):
        return (
            Team.objects.filter(community=self.community)
            .annotate(
                member_count=_count(Membership.objects.filter(status=APPROVED), "team"),
                request_count=_count(Membership.objects.filter(status=REQUESTED), "team"),
            )
            .order_by("status", "name")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query_string"] = query_string(self.request)
        return context


class TeamCreateView(ManageMixin, ServiceFormMixin, FormView):
    form_class = TeamForm
    title = gettext_lazy("Add a self-governing team")

    def get_instance(self) -> Team:
        return Team(community=self.community)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_instance()
        return kwargs

    success_message = gettext_lazy("The team has been saved.")

    def call_service(self, form):
        return team_services.team_save(team=form.save(commit=False))

    def get_success_url(self):
        return reverse("volunteers:team_detail", args=[self.community.code, self.object.pk])


class TeamUpdateView(TeamCreateView):
    title = gettext_lazy("Edit team")

    def get_instance(self) -> Team:
        return get_object_or_404(
            Team.objects.filter(community=self.community), pk=self.kwargs["pk"]
        )


class TeamDetailView(VolunteerMixin, TemplateView):
    """Members and leaders; requests to join with approve/decline for the team's leaders
    and the office; a join button for a volunteer who is not yet in the team."""

    template_name = "volunteers/teams/team_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        team = get_object_or_404(
            Team.objects.filter(community=self.community), pk=self.kwargs["pk"]
        )
        memberships = list(
            team.memberships.filter(status__in=[APPROVED, REQUESTED])
            .select_related("volunteer")
            .order_by("volunteer__name")
        )
        members = [m for m in memberships if m.status == APPROVED]
        may_manage = self.may_manage_team(team.pk)
        mine = None
        if self.my_volunteer is not None:
            mine = (
                Membership.objects.filter(team=team, volunteer=self.my_volunteer)
                .only("status", "role")
                .first()
            )
        context.update(
            team=team,
            leaders=[m for m in members if m.role in team_services.LEADING_ROLES],
            members=members,
            requests=[m for m in memberships if m.status == REQUESTED] if may_manage else [],
            may_manage_team=may_manage,
            my_membership=mine,
            upcoming=list(
                team.shifts.filter(starts_at__gte=timezone.now()).order_by("starts_at")[:10]
            ),
            show_phones=self.may_see_people(),
        )
        return context


class JoinTeamView(PostOnlyMixin, VolunteerMixin, View):
    """A volunteer asks to join a team; the team's leader decides."""

    def post(self, request, *args, **kwargs):
        team = get_object_or_404(
            Team.objects.filter(community=self.community), pk=self.kwargs["pk"]
        )
        if self.my_volunteer is None:
            messages.info(request, _("Please become a volunteer first."))
            return redirect("volunteers:become_volunteer", self.community.code)
        try:
            team_services.membership_request(team=team, volunteer=self.my_volunteer)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("You have asked to join %(team)s. A team leader will decide soon.")
                % {"team": team.name},
            )
        return redirect("volunteers:team_detail", self.community.code, team.pk)


class MembershipDecisionView(PostOnlyMixin, VolunteerMixin, View):
    """approve / decline / remove by the team's leader or the office; a member made
    leader, deputy or plain member again by the office."""

    def post(self, request, *args, **kwargs):
        decision = kwargs["decision"]
        if decision not in {*team_services.DECISIONS, *team_services.ROLE_CHANGES}:
            raise Http404
        membership = get_object_or_404(
            Membership.objects.select_related("team", "volunteer").filter(
                team__community=self.community
            ),
            pk=kwargs["pk"],
        )
        if decision in team_services.ROLE_CHANGES:
            if not self.can_manage:
                raise PermissionDenied
        else:
            self.require_team_manager(membership.team_id)
        try:
            team_services.membership_decide(
                membership=membership, decision=decision, by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(name)s: %(status)s.")
                % {
                    "name": membership.volunteer.name,
                    "status": (
                        membership.get_role_display()
                        if decision in team_services.ROLE_CHANGES
                        else membership.get_status_display()
                    ),
                },
            )
        return redirect("volunteers:team_detail", self.community.code, membership.team_id)


# ---------------------------------------------------------------- volunteers


class PeopleMixin(VolunteerMixin):
    def check_people(self) -> None:
        if not self.may_see_people():
            raise PermissionDenied


class VolunteerListView(PeopleMixin, FilterView):
    """Volunteers with skills and teams, phones masked: a fixed number of queries."""

    template_name = "volunteers/teams/volunteer_list.html"
    filterset_class = VolunteerFilter

    def get(self, request, *args, **kwargs):
        self.check_people()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return (
            Volunteer.objects.filter(community=self.community)
            .select_related("resident__household__entrance__building")
            .prefetch_related(
                "skills",
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.filter(status=APPROVED).select_related("team"),
                    to_attr="team_memberships",
                ),
            )
            .order_by("name", "pk")
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["community"] = self.community
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query_string"] = query_string(self.request)
        return context


class VolunteerCreateView(ManageMixin, ServiceFormMixin, FormView):
    form_class = VolunteerForm
    title = gettext_lazy("Add a volunteer")

    def get_instance(self) -> Volunteer:
        return Volunteer(community=self.community)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_instance()
        kwargs["community"] = self.community
        return kwargs

    def post(self, request, *args, **kwargs):
        if SEARCH_BUTTON in request.POST:
            form = self.get_form()
            kwargs = self.get_form_kwargs()
            for key in ("data", "files", "initial"):
                kwargs.pop(key, None)
            return self.render_to_response(self.get_context_data(form=unbound_copy(form, **kwargs)))
        return super().post(request, *args, **kwargs)

    def call_service(self, form):
        return team_services.volunteer_save(
            volunteer=form.save(commit=False),
            skills=form.cleaned_data["skills"],
            teams=form.cleaned_data.get("teams") or (),
            by=self.request.user,
        )

    def get_success_message(self, cleaned_data) -> str:
        return _("%(name)s has been saved.") % {"name": self.object.name}

    def get_success_url(self):
        return reverse("volunteers:volunteer_detail", args=[self.community.code, self.object.pk])


class VolunteerUpdateView(VolunteerCreateView):
    title = gettext_lazy("Edit volunteer")

    def get_instance(self) -> Volunteer:
        return get_object_or_404(
            Volunteer.objects.filter(community=self.community), pk=self.kwargs["pk"]
        )


class VolunteerDetailView(PeopleMixin, TemplateView):
    """A volunteer's teams, skills, coming shifts and hours: for the office, area staff,
    leaders, and the volunteer themselves."""

    template_name = "volunteers/teams/volunteer_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        volunteer = get_object_or_404(
            Volunteer.objects.filter(community=self.community).select_related(
                "resident__household__entrance__building"
            ),
            pk=self.kwargs["pk"],
        )
        if volunteer.user_id != self.request.user.pk:
            self.check_people()
        context.update(
            volunteer=volunteer,
            skills=list(volunteer.skills.all()),
            memberships=list(
                volunteer.memberships.filter(status__in=[APPROVED, REQUESTED])
                .select_related("team")
                .order_by("team__name")
            ),
            upcoming=list(
                volunteer.bookings.filter(
                    status__in=Booking.LIVE, ends_at__gte=timezone.now()
                ).select_related("shift")[:20]
            ),
            total_minutes=HoursEntry.objects.filter(volunteer=volunteer).aggregate(
                n=Coalesce(Sum("minutes"), 0)
            )["n"],
        )
        context["total_hours"] = round(context["total_minutes"] / 60, 1)
        return context


class BecomeVolunteerView(VolunteerMixin, FormView):
    """A verified resident signs up as a volunteer from their own account."""

    template_name = "volunteers/teams/become.html"
    form_class = BecomeVolunteerForm

    def get_resident(self) -> Resident:
        resident = (
            Resident.objects.for_community(self.community)
            .verified()
            .current()
            .filter(user=self.request.user)
            .first()
        )
        if resident is None:
            raise PermissionDenied
        return resident

    def get(self, request, *args, **kwargs):
        self.resident = self.get_resident()
        if self.my_volunteer is not None:
            messages.info(request, _("You are already a volunteer."))
            return redirect("volunteers:my_shifts", self.community.code)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.resident = self.get_resident()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["resident"] = self.resident
        return context

    def form_valid(self, form):
        try:
            team_services.volunteer_from_resident(
                resident=self.resident,
                availability=form.cleaned_data["availability"],
                skills=form.cleaned_data["skills"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Thank you for volunteering! Choose a team to join or a shift to sign up for."),
        )
        return redirect("volunteers:team_list", self.community.code)
