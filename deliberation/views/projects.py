"""Practical projects (实事项目): started from a passed proposal, followed through
milestones, progress and photos to completion, and counted across an area."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from communities.mixins import ServiceFormMixin, apply_validation_error
from communities.models import Community, District
from communities.scope import scope_of
from communities.selectors import subdistricts_of
from deliberation import project_services
from deliberation.forms.projects import (
    MilestoneForm,
    ProjectCreateForm,
    ProjectFilter,
    ProjectPhotoForm,
    ProjectUpdateForm,
)
from deliberation.models import Milestone, Project, ProjectPhoto, Proposal
from deliberation.views.base import DeliberationMixin, ManageMixin
from deliberation.views.halls import _count, _query_string

PS = Project.Status


def project_list(community):
    """Projects with organisation and proposal, and milestone counts as subqueries."""
    return (
        Project.objects.filter(community=community)
        .select_related("organisation", "proposal")
        .annotate(
            milestone_count=_count(Milestone.objects.all(), "project"),
            milestones_done=_count(Milestone.objects.filter(done_on__isnull=False), "project"),
        )
        .order_by("-pk")
    )


class ProjectListView(DeliberationMixin, FilterView):
    template_name = "deliberation/projects/project_list.html"
    filterset_class = ProjectFilter

    def get_queryset(self):
        return project_list(self.community)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query_string"] = _query_string(self.request)
        return context


class ProjectObjectMixin:
    def get_project(self) -> Project:
        return get_object_or_404(
            Project.objects.filter(community=self.community).select_related(
                "organisation", "proposal"
            ),
            pk=self.kwargs["pk"],
        )


class ProjectCreateView(ManageMixin, ServiceFormMixin, FormView):
    """Start a practical project from a passed proposal of this community."""

    form_class = ProjectCreateForm
    title = gettext_lazy("Start a practical project")

    def get_proposal(self) -> Proposal:
        if not hasattr(self, "_proposal"):
            self._proposal = get_object_or_404(
                Proposal.objects.filter(community=self.community), pk=self.kwargs["pk"]
            )
        return self._proposal

    def get(self, request, *args, **kwargs):
        proposal = self.get_proposal()
        existing = Project.objects.filter(proposal=proposal).values_list("pk", flat=True).first()
        if existing:
            return redirect("deliberation:project_detail", self.community.code, existing)
        if proposal.status != Proposal.Status.PASSED:
            messages.error(request, _("Only a passed proposal can become a practical project."))
            return redirect("deliberation:proposal_detail", self.community.code, proposal.pk)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"title": self.get_proposal().title, "started_on": timezone.localdate()}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["community"] = self.community
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["proposal"] = self.get_proposal()
        return context

    success_message = gettext_lazy("The practical project has been started.")

    def call_service(self, form):
        data = form.cleaned_data
        return project_services.project_create(
            proposal=self.get_proposal(),
            title=data["title"],
            organisation=data["organisation"],
            budget=data["budget"],
            funding_source=data["funding_source"],
            started_on=data["started_on"],
            by=self.request.user,
        )

    def get_success_url(self):
        return reverse("deliberation:project_detail", args=[self.community.code, self.object.pk])


class ProjectDetailView(ProjectObjectMixin, DeliberationMixin, TemplateView):
    """A project with its milestones, progress and photos; the office uploads photos."""

    template_name = "deliberation/projects/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = kwargs.get("project") or self.get_project()
        context["project"] = project
        context["milestones"] = list(project.milestones.order_by("due_on", "pk"))
        context["photos"] = list(project.photos.order_by("pk"))
        context["today"] = timezone.localdate()
        if context["can_manage"]:
            context.setdefault("photo_form", ProjectPhotoForm())
            if project.status != PS.COMPLETED:
                context["milestone_form"] = MilestoneForm()
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("deliberation.manage", self.community):
            raise PermissionDenied
        project = self.get_project()
        form = ProjectPhotoForm(request.POST, request.FILES, instance=ProjectPhoto(project=project))
        if form.is_valid():
            try:
                project_services.project_photo_add(photo=form.save(commit=False))
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The photo has been added."))
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(project=project, photo_form=form))


class ProjectUpdateView(ProjectObjectMixin, ManageMixin, ServiceFormMixin, FormView):
    form_class = ProjectUpdateForm
    title = gettext_lazy("Edit practical project")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["community"] = self.community
        kwargs["instance"] = self.get_project()
        return kwargs

    success_message = gettext_lazy("The project has been saved.")

    def call_service(self, form):
        project = form.instance
        project_services.project_update(project=project, by=self.request.user, **form.cleaned_data)
        return project

    def get_success_url(self):
        return reverse("deliberation:project_detail", args=[self.community.code, self.object.pk])


class MilestoneCreateView(ProjectObjectMixin, ManageMixin, ServiceFormMixin, FormView):
    form_class = MilestoneForm
    title = gettext_lazy("Add a milestone")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["project"] = self.get_project()  # another community's project: 404
        return context

    success_message = gettext_lazy("The milestone has been added.")

    def call_service(self, form):
        project = self.get_project()
        project_services.milestone_add(
            project=project,
            title=form.cleaned_data["title"],
            due_on=form.cleaned_data["due_on"],
        )
        return project

    def get_success_url(self):
        return reverse("deliberation:project_detail", args=[self.community.code, self.object.pk])


class MilestoneDoneView(ManageMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        milestone = get_object_or_404(
            Milestone.objects.filter(project__community=self.community), pk=kwargs["pk"]
        )
        if project_services.milestone_done(milestone=milestone, on=timezone.localdate()):
            messages.success(request, _("The milestone is marked done."))
        return redirect("deliberation:project_detail", self.community.code, milestone.project_id)


class ProjectPhotoView(DeliberationMixin, View):
    def get(self, request, *args, **kwargs):
        photo = get_object_or_404(
            ProjectPhoto.objects.filter(project__community=self.community), pk=kwargs["pk"]
        )
        return FileResponse(photo.image.open("rb"))


# ---------------------------------------------------------------- area roll-up


class AreaProjectsView(LoginRequiredMixin, TemplateView):
    """Subdistrict and district staff: practical projects of every community beneath them,
    plus each district's count of completed projects."""

    template_name = "deliberation/projects/area_projects.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            request.user.is_superuser or scope_of(request.user).is_area_staff
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        subdistricts = subdistricts_of(self.request.user)
        communities = Community.objects.filter(subdistrict__in=subdistricts)
        completed = Q(projects__status=PS.COMPLETED)
        under_way = Q(projects__status=PS.UNDER_WAY)
        # One grouped query per page: each community joined to its projects and counted.
        rows = (
            communities.select_related("subdistrict__district")
            .annotate(
                project_total=Count("projects"),
                project_completed=Count("projects", filter=completed),
                project_under_way=Count("projects", filter=under_way),
            )
            .order_by("subdistrict__district__name", "subdistrict__name", "name", "pk")
        )
        page = Paginator(rows, settings.PAGE_SIZE).get_page(self.request.GET.get("page"))
        area_projects = Project.objects.filter(community__in=communities).order_by()
        totals = area_projects.aggregate(
            total=Count("pk"),
            completed=Count("pk", filter=Q(status=PS.COMPLETED)),
            under_way=Count("pk", filter=Q(status=PS.UNDER_WAY)),
        )
        # Whole districts (not just the viewer's part of them): Chaoyang counts over 7,000.
        districts = (
            District.objects.filter(pk__in=subdistricts.values("district"))
            .annotate(
                completed=Count(
                    "subdistricts__communities__projects",
                    filter=Q(subdistricts__communities__projects__status=PS.COMPLETED),
                )
            )
            .order_by("name")
        )
        context.update(
            page_obj=page,
            totals=totals,
            districts=list(districts),
        )
        return context
