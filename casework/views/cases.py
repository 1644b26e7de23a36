"""The case desk: the office's and the property task group's pages for cases.

Who may do what (``casework/rules.py``):

- the list and a case's page: office staff, area staff (read only), and property staff,
  who see only the cases of their task groups (another case is 404 to them);
- the CSV export: office and area staff;
- receiving, correcting, assigning, recording a call-back's satisfaction, reopening and
  the task groups: the office (area staff may read the task groups);
- recording steps, closing and attaching files: the case's handlers (the office, or a
  property manager in the case's active task group);
- a case's files: whoever may see the case, its reporter included;
- the reporter opening the office's address of their case is sent to their own page.
"""

from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from django_filters.views import FilterView

from accounts.validators import mask_mobile
from casework import rules as casework_rules
from casework import selectors, services
from casework.filters import CaseFilter
from casework.forms.cases import (
    DUPLICATE_ORDER,
    AssignForm,
    AttachmentForm,
    CaseForm,
    CloseForm,
    RateForm,
    ReopenForm,
    StepForm,
    TaskGroupForm,
    workers_of,
)
from casework.models import Case, CaseAttachment, TaskGroup
from communities import exports, uploads
from communities.mixins import CommunityMixin, apply_validation_error
from deliberation.forms.halls import SEARCH_BUTTON, unbound_copy

S = Case.Status

# Prefixes of the forms on a case's page (their fields' ids must not collide).
STEP, CLOSE, ASSIGN, RATE, REOPEN, UPLOAD = "step", "close", "assign", "rate", "reopen", "upload"


def query_string(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def overdue_now(now) -> ExpressionWrapper:
    """True for an open case past a deadline (the condition of ``selectors.overdue_open``)."""
    return ExpressionWrapper(
        ~Q(status=S.CLOSED)
        & (Q(contacted_at__isnull=True, contact_due__lt=now) | Q(resolve_due__lt=now)),
        output_field=BooleanField(),
    )


def reporter_phone_of(case: Case) -> str:
    """The reporter's full mobile number (theirs as a resident, or as recorded)."""
    if case.reporter_resident_id:
        return case.reporter_resident.phone
    return case.reporter_phone


def place_service_error(form, exc: ValidationError) -> None:
    """A service's error next to the form's fields. A duplicate order number found by the
    model's constraint check is not tied to a field; it belongs next to the number."""
    if hasattr(exc, "error_dict") and NON_FIELD_ERRORS in exc.error_dict:
        errors = dict(exc.error_dict)
        general = errors.pop(NON_FIELD_ERRORS)
        duplicate = [e for e in general if str(DUPLICATE_ORDER) in e.messages]
        rest = [e for e in general if e not in duplicate]
        if duplicate and "order_number" in form.fields:
            errors.setdefault("order_number", []).extend(duplicate)
        else:
            rest += duplicate
        if rest:
            errors[NON_FIELD_ERRORS] = rest
        exc = ValidationError(errors)
    apply_validation_error(form, exc)


# ---------------------------------------------------------------- mixins


class CaseworkMixin(CommunityMixin):
    """Community pages of casework; ``can_manage`` marks the office."""

    permission_required = "casework.view_cases"
    form_takes_community = False

    @cached_property
    def can_manage(self) -> bool:
        return self.request.user.has_perm("casework.manage", self.community)

    @cached_property
    def can_view_office(self) -> bool:
        return self.request.user.has_perm("casework.view_office", self.community)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.can_manage
        context["can_view_office"] = self.can_view_office
        return context


class CaseObjectMixin(CaseworkMixin):
    """Loads the URL's case from the cases the user may see here (404 otherwise)."""

    def visible_cases(self):
        return selectors.case_list(self.community, self.request.user)

    def get_case(self) -> Case:
        if not hasattr(self, "_case"):
            case = get_object_or_404(self.visible_cases(), pk=self.kwargs["pk"])
            # The permission predicates read the community (and its subdistrict).
            case.community = self.community
            self._case = case
        return self._case

    def detail_url(self, case: Case) -> str:
        return reverse("casework:case_detail", args=[self.community.code, case.pk])

    def require(self, perm: str, case: Case) -> None:
        if not self.request.user.has_perm(perm, case):
            raise PermissionDenied


class CasePageMixin(CaseObjectMixin):
    """Builds a case's page, so that a refused form can show it again with its errors."""

    template_name = "casework/cases/detail.html"

    def get_case(self) -> Case:
        if not hasattr(self, "_case"):
            case = get_object_or_404(
                selectors.case_detail_queryset().filter(
                    community=self.community, pk__in=self.visible_cases().values("pk")
                ),
                pk=self.kwargs["pk"],
            )
            case.community = self.community
            self._case = case
        return self._case

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        case = self.get_case()
        now = timezone.now()
        is_open = case.status != S.CLOSED
        can_handle = user.has_perm("casework.handle_case", case)
        manage = self.can_manage

        def form(key, cls, allowed, **extra):
            # A form that was just refused is shown again whatever the case's state.
            bound = kwargs.get(f"{key}_form")
            if bound is not None:
                return bound
            return cls(prefix=key, **extra) if allowed else None

        assign_initial = {"worker": case.assigned_worker_id, "task_group": case.task_group_id}
        context.update(
            case=case,
            now=now,
            is_open=is_open,
            contact_overdue=case.is_contact_overdue(now),
            resolve_overdue=case.is_resolve_overdue(now),
            closed_late=not is_open and case.closed_at > case.resolve_due,
            actions=list(case.actions.all()),
            attachments=list(case.attachments.all()),
            whistles=list(case.whistles.all()),
            can_handle=can_handle,
            can_whistle=user.has_perm("casework.whistle", self.community),
            can_see_history=user.has_perm("audit.view_history", self.community),
            show_phone=can_handle,
            reporter_phone=reporter_phone_of(case),
            can_edit=manage and is_open,
            step_form=form(STEP, StepForm, can_handle and is_open),
            close_form=form(CLOSE, CloseForm, can_handle and is_open),
            upload_form=form(UPLOAD, AttachmentForm, can_handle),
            assign_form=form(
                ASSIGN,
                AssignForm,
                manage and is_open,
                community=self.community,
                initial=assign_initial,
            ),
            rate_form=form(RATE, RateForm, manage and not is_open and not case.satisfaction),
            reopen_form=form(REOPEN, ReopenForm, manage and not is_open),
        )
        return context


class CaseActionMixin(CasePageMixin, TemplateView):
    """One form of a case's page, posted: on success back to the page with a message;
    bad input → the page again with the form and its errors; a refusal that is not about
    a field (the case was closed meanwhile…) → back to the page with the reason."""

    http_method_names = ["post"]
    perm = "casework.handle_case"
    prefix = ""
    form_class = None
    success_message = ""

    def make_form(self):
        return self.form_class(self.request.POST, self.request.FILES, prefix=self.prefix)

    def perform(self, case: Case, data: dict) -> None:
        raise NotImplementedError

    def message_for_success(self) -> str:
        return self.success_message

    def post(self, request, *args, **kwargs):
        case = self.get_case()
        self.require(self.perm, case)
        form = self.make_form()
        if form.is_valid():
            try:
                self.perform(case, form.cleaned_data)
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    messages.error(request, " ".join(exc.messages))
                    return redirect(self.detail_url(case))
                place_service_error(form, exc)
            else:
                messages.success(request, self.message_for_success())
                return redirect(self.detail_url(case))
        messages.error(request, _("Please correct the errors below."))
        return self.render_to_response(
            self.get_context_data(**{f"{self.prefix}_form": form}), status=200
        )


# ---------------------------------------------------------------- list and export


class CaseListMixin(CaseworkMixin):
    def get_queryset(self):
        return selectors.case_list(self.community, self.request.user).annotate(
            overdue_now=overdue_now(timezone.now())
        )

    def task_groups(self):
        groups = TaskGroup.objects.filter(community=self.community)
        if not self.can_view_office:
            groups = groups.filter(members=self.request.user)
        return groups

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs.update(
            community=self.community,
            workers=workers_of(self.community),
            task_groups=self.task_groups(),
        )
        return kwargs


class CaseListView(CaseListMixin, FilterView):
    template_name = "casework/cases/list.html"
    filterset_class = CaseFilter

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(context["page_obj"].object_list)
        for case in rows:
            case.list_phone = mask_mobile(reporter_phone_of(case))
        context["cases"] = rows
        context["query_string"] = query_string(self.request)
        context["now"] = timezone.now()
        return context


class CaseExportView(CaseListMixin, View):
    """The filtered cases as a spreadsheet (``communities.exports``: Beijing time, text
    cells escaped against formulas); reporters' numbers masked."""

    permission_required = "casework.view_office"

    def get(self, request, *args, **kwargs):
        filterset = CaseFilter(
            request.GET or None,
            queryset=self.get_queryset(),
            community=self.community,
            workers=workers_of(self.community),
            task_groups=self.task_groups(),
        )
        valid = not filterset.is_bound or filterset.is_valid()
        cases = filterset.qs if valid else filterset.queryset.none()
        rows = []
        rows.append(
            [
                _("Reference"),
                _("Source"),
                _("Received at"),
                _("Category"),
                _("Urgency"),
                _("Building"),
                _("Entrance"),
                _("Where exactly"),
                _("Description"),
                _("Reporter"),
                _("Reporter's mobile number"),
                _("Handling worker"),
                _("Task group"),
                _("Status"),
                _("Contact by"),
                _("First contact"),
                _("Resolve by"),
                _("Overdue"),
                _("Closed at"),
                _("Outcome"),
                _("How it was handled"),
                _("Satisfaction"),
                _("Rated via"),
                _("Times reopened"),
            ]
        )
        yes, no = _("Yes"), _("No")
        for case in cases.iterator(chunk_size=1000):
            rows.append(
                [
                    case.reference,
                    case.get_source_display(),
                    case.received_at,
                    case.category.name,
                    case.get_urgency_display(),
                    case.building.name if case.building_id else "",
                    case.entrance.name if case.entrance_id else "",
                    case.location_detail,
                    case.description,
                    case.reporter_display,
                    mask_mobile(reporter_phone_of(case)),
                    case.assigned_worker.display_name if case.assigned_worker_id else "",
                    case.task_group.name if case.task_group_id else "",
                    case.get_status_display(),
                    case.contact_due,
                    case.contacted_at,
                    case.resolve_due,
                    yes if case.overdue_now else no,
                    case.closed_at,
                    case.get_outcome_display(),
                    case.outcome_note,
                    case.get_satisfaction_display(),
                    case.get_rated_via_display(),
                    case.reopen_count,
                ]
            )
        name = f"cases-{self.community.code}-{timezone.localdate():%Y-%m-%d}.csv"
        return exports.csv_response(rows, name)


# ---------------------------------------------------------------- receive and correct


class CaseFormMixin(CaseworkMixin, FormView):
    template_name = "casework/cases/form.html"
    permission_required = "casework.manage"
    form_class = CaseForm
    title = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["community"] = self.community
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        return context

    def post(self, request, *args, **kwargs):
        if SEARCH_BUTTON in request.POST:
            # Show the residents found, keeping what was typed, without complaining
            # about fields not yet filled in.
            form = self.get_form()
            kwargs = self.get_form_kwargs()
            for key in ("data", "files", "initial", "prefix"):
                kwargs.pop(key, None)
            return self.render_to_response(self.get_context_data(form=unbound_copy(form, **kwargs)))
        return super().post(request, *args, **kwargs)


class CaseCreateView(CaseFormMixin):
    title = gettext_lazy("Receive a case")

    def form_valid(self, form):
        try:
            case = services.case_create(
                community=self.community, by=self.request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            place_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Case %(case)s has been recorded.") % {"case": case})
        return redirect("casework:case_detail", self.community.code, case.pk)


class CaseUpdateView(CaseObjectMixin, CaseFormMixin):
    permission_required = "casework.manage"
    title = gettext_lazy("Correct the case")

    def closed_redirect(self):
        case = self.get_case()
        if case.status == S.CLOSED:
            messages.error(self.request, _("A closed case can't be edited; reopen it first."))
            return redirect(self.detail_url(case))
        return None

    def get(self, request, *args, **kwargs):
        return self.closed_redirect() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.closed_redirect() or super().post(request, *args, **kwargs)

    def get_initial(self):
        case = self.get_case()
        return {
            "order_number": case.order_number,
            "received_at": case.received_at,
            "category": case.category_id,
            "urgency": case.urgency,
            "description": case.description,
            "building": case.building_id,
            "entrance": case.entrance_id,
            "location_detail": case.location_detail,
            "reporter_resident": case.reporter_resident_id,
            "reporter_name": case.reporter_name,
            "reporter_phone": case.reporter_phone,
        }

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["case"] = self.get_case()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["case"] = self.get_case()
        return context

    def form_valid(self, form):
        case = self.get_case()
        try:
            services.case_update(case=case, by=self.request.user, **form.service_kwargs())
        except ValidationError as exc:
            place_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The case has been saved."))
        return redirect(self.detail_url(case))


# ---------------------------------------------------------------- the case's page


class CaseDetailView(CasePageMixin, TemplateView):
    # The reporter may come here from a notification; their own page is elsewhere.
    permission_required = "communities.see_community"

    def get(self, request, *args, **kwargs):
        user = request.user
        if not user.has_perm("casework.view_cases", self.community):
            case = get_object_or_404(
                Case.objects.filter(community=self.community).select_related("reporter_resident"),
                pk=kwargs["pk"],
            )
            if casework_rules.is_reporter_of(user, case):
                return redirect("casework:my_case_detail", self.community.code, case.pk)
            raise PermissionDenied
        self.require("casework.view_case", self.get_case())
        return super().get(request, *args, **kwargs)


class CaseActionView(CaseActionMixin):
    """A handler records a step (called the reporter, on site, fixed, …)."""

    prefix = STEP
    form_class = StepForm
    success_message = gettext_lazy("The step has been recorded.")

    def perform(self, case, data):
        services.case_act(
            case=case, by=self.request.user, kind=data["kind"], note=data["note"], at=data["at"]
        )


class CaseCloseView(CaseActionMixin):
    prefix = CLOSE
    form_class = CloseForm
    success_message = gettext_lazy("The case has been closed. Please call the reporter back.")

    def message_for_success(self) -> str:
        # The call-back is the office's job; the property company is only told it will come.
        if self.can_manage:
            return self.success_message
        return _("The case has been closed. The community office will call the reporter back.")

    def perform(self, case, data):
        services.case_close(
            case=case,
            by=self.request.user,
            outcome=data["outcome"],
            note=data["note"],
            at=data["at"],
        )


class CaseAssignView(CaseActionMixin):
    permission_required = "casework.manage"
    perm = "casework.view_case"
    prefix = ASSIGN
    form_class = AssignForm
    success_message = gettext_lazy("The case has been assigned.")

    def make_form(self):
        return AssignForm(self.request.POST, prefix=ASSIGN, community=self.community)

    def perform(self, case, data):
        services.case_assign(
            case=case, by=self.request.user, worker=data["worker"], task_group=data["task_group"]
        )


class CaseRateView(CaseActionMixin):
    permission_required = "casework.manage"
    perm = "casework.view_case"
    prefix = RATE
    form_class = RateForm
    success_message = gettext_lazy("The reporter's satisfaction has been recorded.")

    def perform(self, case, data):
        services.case_rate(
            case=case,
            by=self.request.user,
            satisfaction=data["satisfaction"],
            via=Case.RatedVia.CALLBACK,
            note=data["note"],
            at=data["at"],
        )


class CaseReopenView(CaseActionMixin):
    permission_required = "casework.manage"
    perm = "casework.view_case"
    prefix = REOPEN
    form_class = ReopenForm
    success_message = gettext_lazy("The case has been reopened.")

    def perform(self, case, data):
        services.case_reopen(case=case, by=self.request.user, reason=data["reason"])


class AttachmentUploadView(CaseActionMixin):
    prefix = UPLOAD
    form_class = AttachmentForm
    success_message = gettext_lazy("The file has been attached.")

    def perform(self, case, data):
        services.attachment_add(
            case=case, by=self.request.user, upload=data["file"], caption=data["caption"]
        )


class AttachmentFileView(CaseObjectMixin, View):
    """A case's file, to whoever may see the case (its reporter included); never a
    public address under /media/."""

    permission_required = "communities.see_community"

    def get(self, request, *args, **kwargs):
        user = request.user
        if user.has_perm("casework.view_cases", self.community):
            case = self.get_case()
            self.require("casework.view_case", case)
        else:
            case = get_object_or_404(
                Case.objects.filter(community=self.community).select_related("reporter_resident"),
                pk=kwargs["pk"],
            )
            case.community = self.community
            self.require("casework.view_case", case)
        attachment = get_object_or_404(
            CaseAttachment.objects.filter(case=case), pk=kwargs["attachment_pk"]
        )
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        name = os.path.basename(attachment.file.name)
        content_type = uploads.kind_by_name(name)
        if content_type is None:
            # Never let a stored file be shown as a page of this site.
            return FileResponse(
                handle,
                as_attachment=True,
                filename=name,
                content_type="application/octet-stream",
            )
        return FileResponse(handle, filename=name, content_type=content_type)


# ---------------------------------------------------------------- task groups


class TaskGroupListView(CaseworkMixin, ListView):
    template_name = "casework/cases/taskgroup_list.html"
    permission_required = "casework.view_office"
    context_object_name = "groups"

    def get_queryset(self):
        open_cases = (
            Case.objects.filter(task_group=OuterRef("pk"))
            .exclude(status=S.CLOSED)
            .order_by()
            .values("task_group")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            TaskGroup.objects.filter(community=self.community)
            .select_related("property_company")
            .prefetch_related(
                Prefetch(
                    "members",
                    queryset=get_user_model().objects.order_by("display_name", "pk"),
                )
            )
            .annotate(open_cases=Coalesce(Subquery(open_cases, output_field=IntegerField()), 0))
            .order_by("-is_active", "name")
        )


class TaskGroupCreateView(CaseworkMixin, FormView):
    template_name = "casework/cases/form.html"
    permission_required = "casework.manage"
    form_class = TaskGroupForm
    title = gettext_lazy("Add a task group")

    def get_group(self) -> TaskGroup | None:
        return None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(community=self.community, group=self.get_group())
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["back_url"] = reverse("casework:taskgroup_list", args=[self.community.code])
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            group = services.task_group_save(
                community=self.community,
                by=self.request.user,
                name=data["name"],
                members=data["members"],
                property_company=data["property_company"],
                is_active=data["is_active"],
                group=self.get_group(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The task group %(name)s has been saved.") % {"name": group.name}
        )
        return redirect("casework:taskgroup_list", self.community.code)


class TaskGroupUpdateView(TaskGroupCreateView):
    title = gettext_lazy("Edit the task group")

    def get_group(self) -> TaskGroup:
        if not hasattr(self, "_group"):
            self._group = get_object_or_404(
                TaskGroup.objects.filter(community=self.community).prefetch_related("members"),
                pk=self.kwargs["pk"],
            )
        return self._group
