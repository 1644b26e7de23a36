"""Pages of the community office, the resident's own pages and area overviews."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView
from django_filters.views import FilterView

from communities import roster, selectors, services
from communities.filters import HouseholdFilter, ResidentFilter
from communities.forms import (
    BuildingForm,
    CommunityProfileForm,
    CompoundForm,
    EntranceForm,
    HouseholdForm,
    ImportForm,
    LinkAccountForm,
    RegistrationForm,
    RejectForm,
    ResidentForm,
    RoleAssignForm,
)
from communities.mixins import CommunityMixin, apply_validation_error
from communities.models import (
    Building,
    Community,
    CommunityRole,
    Compound,
    Entrance,
    Household,
    Resident,
)
from communities.scope import scope_of

User = get_user_model()


# ---------------------------------------------------------------- landing pages


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
        if resident is not None and resident.is_verified:
            from deliberation.models import Ballot

            # Open votes of the resident's community, newest first (one query).
            context["open_ballots"] = list(
                Ballot.objects.filter(
                    status=Ballot.Status.OPEN,
                    proposal__community=resident.household.entrance.building.community_id,
                )
                .select_related("proposal")
                .order_by("closes_at")[:5]
            )
            from volunteers.models import Volunteer

            context["is_volunteer"] = Volunteer.objects.filter(resident=resident).exists()
        return context


class RoleHomeView(CommunityMixin, TemplateView):
    """Start page for property managers, team leaders and representatives."""

    permission_required = "communities.see_community"
    template_name = "communities/role_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = dict(self.community.roles.model.Role.choices)
        roles = scope_of(self.request.user).roles_in(self.community.pk)
        context["role_labels"] = sorted(str(labels[r]) for r in roles if r in labels)
        return context


class AreaView(LoginRequiredMixin, TemplateView):
    """Subdistrict and district staff: every community beneath them with its counts."""

    template_name = "communities/area.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            request.user.is_superuser or scope_of(request.user).is_area_staff
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        from django.core.paginator import Paginator

        subdistricts = selectors.subdistricts_of(user)
        communities = selectors.area_communities(
            Community.objects.filter(subdistrict__in=subdistricts)
        )
        paginator = Paginator(communities, settings.PAGE_SIZE)
        context["page_obj"] = paginator.get_page(self.request.GET.get("page"))
        context["communities"] = context["page_obj"]
        return context


# ---------------------------------------------------------------- registration


class RegisterView(FormView):
    form_class = RegistrationForm
    template_name = "communities/register.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            resident = services.resident_register(
                phone=data["phone"],
                password=data["password1"],
                display_name=data["display_name"],
                household=data["household"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        login(self.request, resident.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            self.request,
            _("Registration received. The community office will verify you soon."),
        )
        return redirect("communities:me")


@require_GET
def register_options(request):
    """Choices for the dependent selects on the registration page, as JSON."""
    level = request.GET.get("level")
    try:
        parent = int(request.GET.get("parent", ""))
    except ValueError:
        return JsonResponse({"options": []})
    if level == "building":
        qs = Building.objects.filter(community_id=parent).values_list("pk", "name")
    elif level == "entrance":
        qs = Entrance.objects.filter(building_id=parent).values_list("pk", "name")
    elif level == "household":
        qs = Household.objects.filter(entrance_id=parent).values_list("pk", "room")
    else:
        return JsonResponse({"options": []}, status=400)
    return JsonResponse({"options": [{"id": pk, "label": label} for pk, label in qs]})


# ---------------------------------------------------------------- community office


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
        from casework.selectors import office_summary

        cases = office_summary(self.community, timezone.now())
        response, resolution, satisfaction = cases["rates"].percentages
        context["cases"] = {
            **cases,
            "response": response,
            "resolution": resolution,
            "satisfaction": satisfaction,
        }
        return context


class ProfileEditView(CommunityMixin, UpdateView):
    permission_required = "communities.change_profile"
    form_class = CommunityProfileForm
    template_name = "communities/form.html"

    def get_object(self, queryset=None):
        return self.community

    form_takes_community = False

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
        messages.success(self.request, _("The community profile has been saved."))
        return response

    def get_success_url(self):
        return reverse("communities:dashboard", args=[self.community.code])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit community profile")
        return context


class OfficeFormMixin(CommunityMixin):
    """Create/edit pages of the roster: saved in a transaction, model errors on fields."""

    permission_required = "communities.manage_roster"
    template_name = "communities/form.html"
    title = ""
    saved_message = _("Saved.")

    def form_valid(self, form):
        try:
            with transaction.atomic():
                form.instance.full_clean()
                self.object = form.save()
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.saved_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        return context


class BuildingListView(CommunityMixin, TemplateView):
    template_name = "communities/building_list.html"

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context_data(**kwargs)
        paginator = Paginator(selectors.building_list(self.community), self.paginate_by)
        context["page_obj"] = paginator.get_page(self.request.GET.get("page"))
        context["compounds"] = selectors.compound_list(self.community)
        context["can_manage"] = self.request.user.has_perm(
            "communities.manage_roster", self.community
        )
        return context


class BuildingDetailView(CommunityMixin, DetailView):
    template_name = "communities/building_detail.html"
    context_object_name = "building"

    def get_queryset(self):
        return Building.objects.filter(community=self.community).select_related("compound")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entrances"] = selectors.building_entrances(self.object)
        context["can_manage"] = self.request.user.has_perm(
            "communities.manage_roster", self.community
        )
        return context


class CompoundCreateView(OfficeFormMixin, CreateView):
    form_class = CompoundForm
    title = _("Add a compound")
    saved_message = _("The compound has been saved.")

    def get_success_url(self):
        return reverse("communities:building_list", args=[self.community.code])


class CompoundUpdateView(CompoundCreateView, UpdateView):
    title = _("Edit compound")

    def get_queryset(self):
        return Compound.objects.filter(community=self.community)


class RosterDeleteView(CommunityMixin, View):
    """Confirm, then delete one roster record of this community (see roster_delete)."""

    permission_required = "communities.manage_roster"
    # URL kind → (queryset for the community, where to go afterwards)
    kinds = {
        "compounds": (lambda c: Compound.objects.filter(community=c), "building_list"),
        "buildings": (lambda c: Building.objects.filter(community=c), "building_list"),
        "entrances": (
            lambda c: Entrance.objects.filter(building__community=c).select_related("building"),
            "building_list",
        ),
        "households": (
            lambda c: Household.objects.for_community(c).select_related("entrance__building"),
            "household_list",
        ),
        "residents": (lambda c: Resident.objects.for_community(c), "resident_list"),
    }

    def get_object(self):
        if self.kwargs["kind"] not in self.kinds:
            raise Http404
        queryset, _next = self.kinds[self.kwargs["kind"]]
        return get_object_or_404(queryset(self.community), pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return render(
            request,
            "communities/confirm_delete.html",
            {
                "community": self.community,
                "object": obj,
                "kind": obj._meta.verbose_name,
                "cancel_url": reverse(
                    f"communities:{self.kinds[kwargs['kind']][1]}", args=[self.community.code]
                ),
            },
        )

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        label = str(obj)
        try:
            services.roster_delete(obj=obj)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(request.path)
        messages.success(request, _("%(object)s has been deleted.") % {"object": label})
        return redirect(f"communities:{self.kinds[kwargs['kind']][1]}", self.community.code)


class BuildingCreateView(OfficeFormMixin, CreateView):
    form_class = BuildingForm
    title = _("Add a building")
    saved_message = _("The building has been saved.")

    def get_success_url(self):
        return reverse("communities:building_detail", args=[self.community.code, self.object.pk])


class BuildingUpdateView(BuildingCreateView, UpdateView):
    title = _("Edit building")

    def get_queryset(self):
        return Building.objects.filter(community=self.community)


class EntranceCreateView(OfficeFormMixin, CreateView):
    form_class = EntranceForm
    title = _("Add an entrance")
    saved_message = _("The entrance has been saved.")

    def get_initial(self):
        return {"building": self.request.GET.get("building")}

    def get_success_url(self):
        return reverse(
            "communities:building_detail", args=[self.community.code, self.object.building_id]
        )


class EntranceUpdateView(EntranceCreateView, UpdateView):
    title = _("Edit entrance")

    def get_queryset(self):
        return Entrance.objects.filter(building__community=self.community)


class HouseholdListView(CommunityMixin, FilterView):
    template_name = "communities/household_list.html"
    filterset_class = HouseholdFilter

    def get_queryset(self):
        return selectors.household_list(self.community)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["community"] = self.community
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.request.user.has_perm(
            "communities.manage_roster", self.community
        )
        context["query_string"] = _query_without_page(self.request)
        return context


class HouseholdDetailView(CommunityMixin, DetailView):
    template_name = "communities/household_detail.html"
    context_object_name = "household"

    def get_queryset(self):
        return Household.objects.for_community(self.community).select_related("entrance__building")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["residents"] = self.object.residents.select_related("user")
        context["can_manage"] = self.request.user.has_perm(
            "communities.manage_roster", self.community
        )
        context["can_see_history"] = self.request.user.has_perm(
            "audit.view_history", self.community
        )
        return context


class HouseholdCreateView(OfficeFormMixin, CreateView):
    form_class = HouseholdForm
    title = _("Add a household")
    saved_message = _("The household has been saved.")

    def get_initial(self):
        return {"entrance": self.request.GET.get("entrance")}

    def get_success_url(self):
        return reverse("communities:household_detail", args=[self.community.code, self.object.pk])


class HouseholdUpdateView(HouseholdCreateView, UpdateView):
    title = _("Edit household")

    def get_queryset(self):
        return Household.objects.for_community(self.community)


class ResidentListView(CommunityMixin, FilterView):
    template_name = "communities/resident_list.html"
    filterset_class = ResidentFilter

    def get_queryset(self):
        return selectors.resident_list(self.community)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["community"] = self.community
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.request.user.has_perm(
            "communities.manage_roster", self.community
        )
        context["query_string"] = _query_without_page(self.request)
        return context


class ResidentDetailView(CommunityMixin, DetailView):
    template_name = "communities/resident_detail.html"
    context_object_name = "resident"

    def get_queryset(self):
        return Resident.objects.for_community(self.community).select_related(
            "household__entrance__building", "user", "verified_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_manage"] = user.has_perm("communities.manage_roster", self.community)
        context["can_reset"] = user.has_perm("communities.reset_password", self.community)
        # Full number for the community office; area staff and others see 138****5678.
        context["full_phone"] = user.has_perm("audit.see_full_phone", self.community)
        context["can_see_history"] = user.has_perm("audit.view_history", self.community)
        return context


class ResidentCreateView(OfficeFormMixin, CreateView):
    form_class = ResidentForm
    title = _("Add a resident")
    saved_message = _("The resident has been saved.")

    def get_initial(self):
        return {"household": self.request.GET.get("household")}

    def form_valid(self, form):
        try:
            self.object = services.resident_save(
                resident=form.save(commit=False), by=self.request.user
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.saved_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return reverse("communities:resident_detail", args=[self.community.code, self.object.pk])


class ResidentUpdateView(ResidentCreateView, UpdateView):
    title = _("Edit resident")

    def get_queryset(self):
        return Resident.objects.for_community(self.community)


class ResidentObjectMixin(CommunityMixin):
    def get_resident(self) -> Resident:
        return get_object_or_404(
            Resident.objects.for_community(self.community).select_related(
                "user", "household__entrance__building"
            ),
            pk=self.kwargs["pk"],
        )


class ResidentLinkAccountView(ResidentObjectMixin, FormView):
    """Link an account to a resident the office recorded, or open one for them."""

    permission_required = "communities.manage_roster"
    form_class = LinkAccountForm
    template_name = "communities/form.html"

    form_takes_community = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        resident = self.get_resident()
        context["title"] = _("Link an account for %(name)s") % {"name": resident.name}
        return context

    def form_valid(self, form):
        resident = self.get_resident()
        phone = form.cleaned_data["phone"]
        account = User.objects.filter(phone=phone).first()
        try:
            if account is not None:
                services.resident_link_account(
                    resident=resident, user=account, by=self.request.user
                )
                messages.success(self.request, _("The account has been linked."))
            else:
                _resident, password = services.resident_create_account(
                    resident=resident, phone=phone, by=self.request.user
                )
                messages.success(
                    self.request,
                    _(
                        "An account has been opened. Temporary password: %(password)s — give it "
                        "to the resident; they must choose a new one when they first log in."
                    )
                    % {"password": password},
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        return redirect("communities:resident_detail", self.community.code, resident.pk)


class ResidentResetPasswordView(ResidentObjectMixin, View):
    permission_required = "communities.reset_password"

    def get(self, request, *args, **kwargs):
        resident = self.get_resident()
        return render(
            request,
            "communities/reset_password.html",
            {"community": self.community, "resident": resident},
        )

    def post(self, request, *args, **kwargs):
        resident = self.get_resident()
        if resident.user is None:
            messages.error(request, _("This resident has no account yet."))
            return redirect("communities:resident_detail", self.community.code, resident.pk)
        try:
            password = services.user_reset_password(user=resident.user, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _(
                    "The password of %(name)s has been reset. Temporary password: %(password)s "
                    "— they must choose a new one when they next log in."
                )
                % {"name": resident.name, "password": password},
            )
        return redirect("communities:resident_detail", self.community.code, resident.pk)


class VerificationQueueView(CommunityMixin, TemplateView):
    permission_required = "communities.verify_resident"
    template_name = "communities/verification_queue.html"

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context_data(**kwargs)
        paginator = Paginator(selectors.verification_queue(self.community), self.paginate_by)
        context["page_obj"] = paginator.get_page(self.request.GET.get("page"))
        context["reject_form"] = RejectForm()
        return context


class VerificationDecisionView(ResidentObjectMixin, View):
    permission_required = "communities.verify_resident"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        decision = kwargs["decision"]
        if decision not in ("approve", "reject"):
            raise Http404
        resident = self.get_resident()
        if decision == "approve":
            services.resident_verify(resident=resident, by=request.user)
            messages.success(request, _("%(name)s is now verified.") % {"name": resident.name})
        else:
            form = RejectForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Please give a reason for the rejection."))
                return redirect("communities:verification", self.community.code)
            services.resident_reject(
                resident=resident, by=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request, _("The registration of %(name)s was rejected.") % {"name": resident.name}
            )
        return redirect("communities:verification", self.community.code)


# ---------------------------------------------------------------- roles


class RoleListView(CommunityMixin, TemplateView):
    """Who holds which role in the community, current and past."""

    permission_required = "communities.manage_roles"
    template_name = "communities/role_list.html"

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context_data(**kwargs)
        roles = CommunityRole.objects.filter(community=self.community).select_related("user")
        current = roles.active()
        context["current"] = current.order_by("role", "start_date")
        past = roles.exclude(pk__in=current.values("pk")).order_by("-start_date", "role")
        context["page_obj"] = Paginator(past, self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        context["can_see_history"] = self.request.user.has_perm(
            "audit.view_history", self.community
        )
        return context


class RoleAssignView(CommunityMixin, FormView):
    permission_required = "communities.manage_roles"
    form_class = RoleAssignForm
    template_name = "communities/form.html"

    form_takes_community = False

    def get_initial(self):
        from django.utils import timezone

        return {"start_date": timezone.localdate()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Appoint to a role")
        return context

    def form_valid(self, form):
        try:
            assignment, password = services.role_assign(
                community=self.community, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s is now %(role)s.")
            % {"name": assignment.user.display_name, "role": assignment.get_role_display()},
        )
        if password:
            messages.warning(
                self.request,
                _(
                    "An account was opened. Temporary password: %(password)s — it must be "
                    "changed at first login."
                )
                % {"password": password},
            )
        return redirect("communities:role_list", self.community.code)


class RoleEndView(CommunityMixin, View):
    permission_required = "communities.manage_roles"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        from django.utils import timezone

        assignment = get_object_or_404(
            CommunityRole.objects.filter(community=self.community), pk=kwargs["pk"]
        )
        services.role_end(assignment=assignment, on=timezone.localdate())
        messages.success(request, _("The role has been ended as of today."))
        return redirect("communities:role_list", self.community.code)


# ---------------------------------------------------------------- import / export


class RosterImportView(CommunityMixin, FormView):
    permission_required = "communities.manage_roster"
    form_class = ImportForm
    template_name = "communities/roster_import.html"

    form_takes_community = False

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        context = self.get_context_data(form=form)
        try:
            table = roster.read_table(upload.name, upload.read())
            parsed = roster.parse_rows(table)
        except roster.RosterFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        if not parsed.ok:
            context["errors"] = parsed.errors
            return self.render_to_response(context, status=200)
        result = roster.roster_import(
            community=self.community, rows=parsed.rows, by=self.request.user
        )
        context["result"] = result
        context["row_count"] = len(parsed.rows)
        return self.render_to_response(context)


class RosterExportView(CommunityMixin, View):
    """The roster as a file. Only the secretary's file carries full mobile numbers, and
    each such export is written to the operation log; the office's workers and area
    staff get 138****5678."""

    permission_required = "communities.export_roster"

    def get(self, request, *args, **kwargs):
        fmt = kwargs["fmt"]
        if fmt not in ("csv", "xlsx"):
            raise Http404
        if kwargs.get("template"):
            rows, stem = roster.template_rows(), "roster-template"
        else:
            full = request.user.has_perm("audit.export_full_phone", self.community)
            rows = roster.roster_rows(self.community, full_phones=full)
            stem = f"roster-{self.community.code}"
            if full:
                from audit.models import AuditEvent
                from audit.services import audit_event_record

                audit_event_record(
                    community=self.community,
                    user=request.user,
                    action=AuditEvent.Action.ROSTER_EXPORT_FULL,
                    file_format=fmt,
                    row_count=len(rows) - 1,
                )
        if fmt == "csv":
            response = HttpResponse(roster.to_csv(rows), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                roster.to_xlsx(rows),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
        return response


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
