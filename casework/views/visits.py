"""Proactive visits (未诉先办): the office logs the entrances walked and the households
called on, records the problems found, takes them in as cases, and sees each month which
entrances nobody has visited yet.

Who may do what: the office (and superusers) log and edit visits and problems
(``casework.manage``); area staff read the list, the visits and the coverage
(``casework.view_office``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from casework import selectors, visit_services
from casework.forms.visits import (
    ProblemForm,
    ProblemToCaseForm,
    VisitFilter,
    VisitForm,
)
from casework.models import TaskGroup, Urgency, Visit, VisitProblem
from casework.services import office_users
from casework.views import month_param
from communities.mixins import CommunityMixin, apply_validation_error
from communities.months import add_months


def query_string(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class VisitMixin(CommunityMixin):
    permission_required = "casework.view_office"

    @property
    def can_manage(self) -> bool:
        if not hasattr(self, "_can_manage"):
            self._can_manage = self.request.user.has_perm("casework.manage", self.community)
        return self._can_manage

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.can_manage
        return context

    def get_visit(self, queryset=None) -> Visit:
        """A visit of this community (another community's id is 404)."""
        queryset = queryset if queryset is not None else Visit.objects.all()
        return get_object_or_404(queryset.filter(community=self.community), pk=self.kwargs["pk"])


class ManageMixin(VisitMixin):
    permission_required = "casework.manage"


class VisitListView(VisitMixin, FilterView):
    """Visits by date, with the entrances, households and problems of each (one query
    for the page whatever the number of visits)."""

    template_name = "casework/visits/visit_list.html"
    filterset_class = VisitFilter
    context_object_name = "visits"

    def get_queryset(self):
        return selectors.visit_list(self.community).order_by("-visited_on", "-pk")

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["community"] = self.community
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query_string"] = query_string(self.request)
        return context


class VisitCreateView(ManageMixin, FormView):
    template_name = "casework/visits/visit_form.html"
    form_class = VisitForm
    title = gettext_lazy("Log a visit")
    visit: Visit | None = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        kwargs["visit"] = self.visit
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, visit=self.visit)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            visit = visit_services.visit_save(
                community=self.community,
                by=self.request.user,
                worker=data["worker"],
                visited_on=data["visited_on"],
                entrances=data["entrances"],
                households=data["households"],
                notes=data["notes"],
                visit=self.visit,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The visit has been saved."))
        return redirect("casework:visit_detail", self.community.code, visit.pk)


class VisitUpdateView(VisitCreateView):
    title = gettext_lazy("Edit the visit")

    def get(self, request, *args, **kwargs):
        self.visit = self.get_visit()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.visit = self.get_visit()
        return super().post(request, *args, **kwargs)


class VisitDetailView(VisitMixin, TemplateView):
    """The entrances walked, the households called on, the notes, and the problems found,
    each with the case it became or a button to take it in as one."""

    template_name = "casework/visits/visit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visit = self.get_visit(selectors.visit_detail_queryset())
        entrances = list(visit.entrances.all())
        by_entrance = {e.pk: e for e in entrances}
        # Households under their entrance (the prefetched entrances name them, so the
        # households need no building of their own).
        rooms: dict[int, list[str]] = {}
        for household in visit.households.all():
            rooms.setdefault(household.entrance_id, []).append(household.room)
        groups: list = []
        for entrance in entrances:
            if not groups or groups[-1]["building"].pk != entrance.building_id:
                groups.append({"building": entrance.building, "entrances": []})
            groups[-1]["entrances"].append(
                {"entrance": entrance, "rooms": sorted(rooms.get(entrance.pk, []))}
            )
        stray = [
            room
            for entrance_id, list_ in rooms.items()
            if entrance_id not in by_entrance
            for room in list_
        ]
        context.update(
            visit=visit,
            entrance_groups=groups,
            stray_rooms=stray,
            household_count=sum(len(r) for r in rooms.values()),
            problems=list(visit.problems.all()),
        )
        if self.can_manage:
            context.update(
                problem_form=ProblemForm(community=self.community),
                urgencies=Urgency.choices,
                workers=list(office_users(self.community).order_by("display_name", "pk")),
                task_groups=list(
                    TaskGroup.objects.filter(community=self.community, is_active=True)
                ),
            )
        return context


class ProblemCreateView(ManageMixin, FormView):
    """Record a problem found on the visit (the visit page has the same form)."""

    template_name = "casework/visits/problem_form.html"
    form_class = ProblemForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.visit = None

    def get(self, request, *args, **kwargs):
        self.visit = self.get_visit()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.visit = self.get_visit()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["visit"] = self.visit
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            visit_services.visit_problem_add(
                visit=self.visit,
                by=self.request.user,
                description=data["description"],
                category=data["category"],
                building=data["building"],
                entrance=data["entrance"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The problem has been recorded."))
        return redirect("casework:visit_detail", self.community.code, self.visit.pk)


class ProblemToCaseView(ManageMixin, View):
    """Take a problem in as a case (source: visit), once."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        problem = get_object_or_404(
            VisitProblem.objects.filter(
                visit__community=self.community, visit_id=self.kwargs["pk"]
            ).select_related("visit"),
            pk=self.kwargs["problem_pk"],
        )
        back = redirect("casework:visit_detail", self.community.code, problem.visit_id)
        if problem.case_id:
            messages.info(request, _("This problem is already a case."))
            return back
        form = ProblemToCaseForm(request.POST, community=self.community)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
            return back
        try:
            case = visit_services.visit_problem_to_case(
                problem=problem,
                by=request.user,
                urgency=form.cleaned_data["urgency"],
                assigned_worker=form.cleaned_data["assigned_worker"],
                task_group=form.cleaned_data["task_group"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return back
        messages.success(request, _("The problem is now case %(case)s.") % {"case": case.reference})
        return back


# ---------------------------------------------------------------- coverage


def _cue(percent: int) -> str:
    if percent >= 100:
        return "success"
    if percent >= 50:
        return "warning"
    return "danger"


class CoverageView(VisitMixin, TemplateView):
    """Per building, the entrances walked this month of all of them and the households
    visited, and the entrances nobody has been to (three queries whatever the size)."""

    template_name = "casework/visits/coverage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month, _unreadable = month_param(self.request)
        buildings, unvisited = selectors.visit_coverage(self.community, month)
        rows = []
        for building in buildings:
            total = building.entrance_total
            percent = round(100 * building.entrance_visited / total) if total else 0
            rows.append({"building": building, "percent": percent, "cue": _cue(percent)})
        entrance_total = sum(b.entrance_total for b in buildings)
        entrance_visited = sum(b.entrance_visited for b in buildings)
        percent = round(100 * entrance_visited / entrance_total) if entrance_total else 0
        this_month = selectors.this_month()
        context.update(
            month=month,
            previous_month=add_months(month, -1),
            next_month=add_months(month, 1) if month < this_month else None,
            is_this_month=month == this_month,
            rows=rows,
            unvisited=unvisited,
            entrance_total=entrance_total,
            entrance_visited=entrance_visited,
            households_visited=sum(b.households_visited for b in buildings),
            percent=percent,
            cue=_cue(percent),
            today=timezone.localdate(),
        )
        return context
