"""Pages of the community office, the resident's own pages and area overviews."""

from __future__ import annotations

import hashlib
import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView
from django_filters.views import FilterView

from communities import exports, roster, selectors, services
from communities.filters import HouseholdFilter, ResidentFilter
from communities.forms import (
    BuildingForm,
    CommunityProfileForm,
    CompoundForm,
    EntranceForm,
    HouseholdForm,
    ImportForm,
    LinkAccountForm,
    MoveOutForm,
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
from communities.signals import roster_exported_with_full_phones

User = get_user_model()


# ---------------------------------------------------------------- landing pages


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
                # Deleting is for records entered by mistake; people who leave move out.
                "move_out_url": reverse(
                    "communities:resident_move_out", args=[self.community.code, obj.pk]
                )
                if isinstance(obj, Resident) and not obj.has_moved_out
                else "",
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
        # One query for everyone recorded here, split into current and former residents.
        people = list(self.object.residents.select_related("user"))
        context["residents"] = [r for r in people if not r.has_moved_out]
        context["former_residents"] = sorted(
            (r for r in people if r.has_moved_out), key=lambda r: r.moved_out_on, reverse=True
        )
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
        context["full_phone"] = user.has_perm("communities.see_full_phone", self.community)
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


class ResidentMoveOutView(ResidentObjectMixin, FormView):
    """Record that a resident moved out (the normal way a resident leaves the roster)."""

    permission_required = "communities.manage_roster"
    form_class = MoveOutForm
    template_name = "communities/form.html"

    form_takes_community = False

    def get(self, request, *args, **kwargs):
        resident = self.get_resident()
        if resident.has_moved_out:
            messages.info(
                request,
                _("%(name)s is already recorded as moved out.") % {"name": resident.name},
            )
            return redirect("communities:resident_detail", self.community.code, resident.pk)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"moved_out_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        resident = self.get_resident()
        context["title"] = _("Record %(name)s as moved out") % {"name": resident.name}
        return context

    def form_valid(self, form):
        resident = self.get_resident()
        try:
            services.resident_move_out(
                resident=resident,
                moved_out_on=form.cleaned_data["moved_out_on"],
                note=form.cleaned_data["note"],
                by=self.request.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s is recorded as moved out. Their record and history are kept.")
            % {"name": resident.name},
        )
        return redirect("communities:resident_detail", self.community.code, resident.pk)


class ResidentMoveBackView(ResidentObjectMixin, View):
    """Undo a moving-out recorded by mistake."""

    permission_required = "communities.manage_roster"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        resident = self.get_resident()
        try:
            services.resident_move_back(resident=resident, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("%(name)s is a current resident again.") % {"name": resident.name}
            )
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
    """Step 1: upload and check a file; a valid one is kept for the preview (step 2)."""

    permission_required = "communities.manage_roster"
    form_class = ImportForm
    template_name = "communities/roster_import.html"

    form_takes_community = False

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        create_places = form.cleaned_data["create_places"]
        context = self.get_context_data(form=form)
        try:
            data = upload.read()
            table = roster.read_table(upload.name, data)
            parsed = roster.parse_rows(table)
        except roster.RosterFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        # Every row is checked, against the file and then against the roster, before any
        # error is shown: the office sees all the problems of a file at once.
        place_errors = []
        if parsed.rows:
            place_errors = roster.roster_plan(
                community=self.community, rows=parsed.rows, create_places=create_places
            ).errors
        if parsed.errors or place_errors:
            context["errors"] = sorted([*parsed.errors, *place_errors], key=lambda e: e.row)
            context["unknown_places"] = bool(place_errors)
            return self.render_to_response(context, status=200)
        token = pending_import_store(
            self.request,
            community=self.community,
            file_name=upload.name,
            data=data,
            rows=parsed.rows,
            skipped=parsed.skipped,
            create_places=create_places,
        )
        return redirect("communities:roster_import_preview", self.community.code, token)


PENDING_IMPORTS = "roster_imports"
# A preview older than this is refused: check the file again.
PENDING_IMPORT_MAX_AGE = 60 * 60
PENDING_IMPORTS_KEPT = 3


def pending_import_store(
    request, *, community, file_name, data: bytes, rows, skipped, create_places: bool
) -> str:
    """Keep a checked file's rows in the session under a random token; return the token."""
    pending = dict(request.session.get(PENDING_IMPORTS, {}))
    # Only the newest few previews are kept, so a session never grows without bound.
    for old in sorted(pending, key=lambda t: pending[t]["at"])[: -PENDING_IMPORTS_KEPT + 1]:
        del pending[old]
    token = secrets.token_urlsafe(24)
    pending[token] = {
        "community": community.pk,
        "file_name": file_name[:200],
        "sha256": hashlib.sha256(data).hexdigest(),
        "create_places": create_places,
        "rows": [r.to_json() for r in rows],
        "skipped": skipped,
        "at": time.time(),
    }
    request.session[PENDING_IMPORTS] = pending
    return token


def pending_import_load(request, community, token: str) -> dict | None:
    """The checked file behind a token, if it is this session's, this community's and fresh."""
    entry = request.session.get(PENDING_IMPORTS, {}).get(token)
    if entry is None or entry["community"] != community.pk:
        return None
    if time.time() - entry["at"] > PENDING_IMPORT_MAX_AGE:
        return None
    return entry


def pending_import_drop(request, token: str) -> None:
    pending = dict(request.session.get(PENDING_IMPORTS, {}))
    if pending.pop(token, None) is not None:
        request.session[PENDING_IMPORTS] = pending


class RosterImportPreviewView(CommunityMixin, View):
    """Step 2: what the checked file would change (new, changed old → new, unchanged);
    the office confirms and the plan shown is applied in one transaction."""

    permission_required = "communities.manage_roster"
    template_name = "communities/roster_import_preview.html"

    def load(self):
        entry = pending_import_load(self.request, self.community, self.kwargs["token"])
        if entry is None:
            messages.error(
                self.request,
                _(
                    "This import preview is no longer valid (it has expired, was already "
                    "applied, or belongs to another session). Please upload the file again."
                ),
            )
        return entry

    def plan_for(self, entry) -> roster.RosterPlan:
        rows = [roster.RosterRow.from_json(r) for r in entry["rows"]]
        return roster.roster_plan(
            community=self.community, rows=rows, create_places=entry["create_places"]
        )

    def get(self, request, *args, **kwargs):
        entry = self.load()
        if entry is None:
            return redirect("communities:roster_import", self.community.code)
        plan = self.plan_for(entry)
        return render(
            request,
            self.template_name,
            {
                "community": self.community,
                "entry": entry,
                "plan": plan,
                "token": kwargs["token"],
                "new_records": plan.records(roster.NEW),
                "changed_records": plan.records(roster.CHANGED),
                "unchanged_records": plan.records(roster.UNCHANGED),
            },
        )

    def post(self, request, *args, **kwargs):
        token = kwargs["token"]
        entry = self.load()
        if entry is None:
            return redirect("communities:roster_import", self.community.code)
        rows = [roster.RosterRow.from_json(r) for r in entry["rows"]]
        try:
            plan = roster.roster_apply(
                community=self.community,
                rows=rows,
                create_places=entry["create_places"],
                expected_digest=request.POST.get("digest", ""),
                by=request.user,
            )
        except roster.RosterChanged:
            messages.error(
                request,
                _(
                    "The roster has changed since this preview was shown, so nothing was "
                    "imported. Please check the updated preview below and confirm again."
                ),
            )
            return redirect(request.path)
        pending_import_drop(request, token)
        if plan.changed:
            homes, people = plan.household_counts, plan.resident_counts
            messages.success(
                request,
                _(
                    "Imported. Buildings created: %(buildings)d, entrances created: "
                    "%(entrances)d; households new: %(h_new)d, changed: %(h_changed)d; "
                    "residents new: %(r_new)d, changed: %(r_changed)d."
                )
                % {
                    "buildings": len(plan.new_buildings),
                    "entrances": len(plan.new_entrances),
                    "h_new": homes[roster.NEW],
                    "h_changed": homes[roster.CHANGED],
                    "r_new": people[roster.NEW],
                    "r_changed": people[roster.CHANGED],
                },
            )
        else:
            messages.success(
                request,
                _("Everything in the file was already in the roster; nothing changed."),
            )
        return redirect("communities:roster_import", self.community.code)


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
            scope = request.GET.get("residents", "current")
            if scope not in roster.RESIDENT_SCOPES:
                scope = "current"
            full = request.user.has_perm("communities.export_full_phone", self.community)
            rows = roster.roster_rows(self.community, residents=scope, full_phones=full)
            stem = f"roster-{self.community.code}"
            if scope != "current":
                stem += "-moved-out" if scope == "moved_out" else "-all"
            if full:
                roster_exported_with_full_phones.send(
                    sender=self.__class__,
                    community=self.community,
                    user=request.user,
                    file_format=fmt,
                    row_count=len(rows) - 1,
                )
        if fmt == "csv":
            return exports.csv_response(rows, f"{stem}.csv")
        return exports.xlsx_response(rows, f"{stem}.xlsx", title="roster")


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
