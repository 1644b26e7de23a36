"""Pages of the 1351N structure: the board, cross appointments, organisations and posts."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, Q, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import (
    CreateView,
    DetailView,
    FormView,
    ListView,
    TemplateView,
    UpdateView,
)

from accounts.validators import mask_mobile
from communities.mixins import apply_validation_error
from communities.models import Community
from communities.scope import scope_of
from communities.selectors import subdistricts_of
from governance import selectors, structure_services
from governance.forms.structure import COMMUNITY_KINDS, OrganisationForm, PostForm
from governance.models import Organisation, Post
from governance.views.base import GovernanceMixin, ManageMixin


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _mark_heads(organisations: list[Organisation]) -> None:
    """Give each organisation (with ``current_posts``) the list of its heads in post."""
    for organisation in organisations:
        posts = getattr(organisation, "current_posts", [])
        organisation.head_posts = [p for p in posts if p.title in Post.HEAD_TITLES]


class BoardView(GovernanceMixin, TemplateView):
    """The 1 / 3 / 5 / 1 / N seats of the community and what is missing from each."""

    template_name = "governance/structure/board.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # One read of the organisations and their current posts feeds every panel.
        organisations = selectors.organisations_with_posts(self.community, timezone.localdate())
        _mark_heads(organisations)
        seats = selectors.board(organisations)
        context["seats"] = seats
        context["gap_count"] = sum(len(seat.gaps) for seat in seats)
        context["organisation_count"] = len(organisations)
        context["cross_count"] = len(selectors.cross_appointments(organisations))
        context["section"] = "board"
        return context


class CrossAppointmentView(GovernanceMixin, TemplateView):
    """People holding posts both in the property company and in a community body."""

    template_name = "governance/structure/cross_appointments.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisations = selectors.organisations_with_posts(self.community, timezone.localdate())
        people = selectors.cross_appointments(
            organisations,
            full_phones=self.request.user.has_perm("communities.see_full_phone", self.community),
        )
        context["page_obj"] = Paginator(people, self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        context["section"] = "cross"
        return context


class OrganisationListView(GovernanceMixin, ListView):
    """Every organisation of the community (active or not), filtered by kind."""

    template_name = "governance/structure/organisation_list.html"
    context_object_name = "organisations"

    @cached_property
    def kind(self) -> str:
        kind = self.request.GET.get("kind", "")
        return kind if kind in dict(COMMUNITY_KINDS) else ""

    def get_queryset(self):
        today = timezone.localdate()
        current = Q(posts__start_date__lte=today) & (
            Q(posts__end_date__isnull=True) | Q(posts__end_date__gte=today)
        )
        organisations = Organisation.objects.filter(community=self.community).annotate(
            post_count=Count("posts", filter=current)
        )
        if self.kind:
            organisations = organisations.filter(kind=self.kind)
        return organisations.order_by("kind", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for organisation in context["page_obj"]:
            organisation.contact_phone_masked = mask_mobile(organisation.contact_phone)
        context["kinds"] = COMMUNITY_KINDS
        context["kind"] = self.kind
        context["query_string"] = _query_without_page(self.request)
        context["section"] = "organisations"
        return context


class OrganisationFormMixin(ManageMixin):
    """Create and edit an organisation of this community through the service."""

    form_class = OrganisationForm
    template_name = "governance/structure/form.html"
    form_takes_community = True
    title = ""

    def form_valid(self, form):
        try:
            self.object = structure_services.organisation_save(organisation=form.save(commit=False))
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The organisation has been saved."))
        return HttpResponseRedirect(
            reverse("governance:organisation_detail", args=[self.community.code, self.object.pk])
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        return context


class OrganisationCreateView(OrganisationFormMixin, CreateView):
    title = gettext_lazy("Add an organisation")

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in dict(COMMUNITY_KINDS) else {}


class OrganisationUpdateView(OrganisationFormMixin, UpdateView):
    title = gettext_lazy("Edit organisation")

    def get_queryset(self):
        return Organisation.objects.filter(community=self.community)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.object
        return context


class OrganisationDetailView(GovernanceMixin, DetailView):
    """One organisation: who holds its posts now, and earlier or later terms."""

    template_name = "governance/structure/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return Organisation.objects.filter(community=self.community)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        posts = self.object.posts.select_related("user", "resident__user")
        current = posts.current(today)
        # Heads first; the title codes alone would sort "deputy_…" above "secretary".
        heads_first = Case(When(title__in=Post.HEAD_TITLES, then=Value(0)), default=Value(1))
        context["current_posts"] = current.order_by(heads_first, "title", "start_date")
        other = posts.exclude(pk__in=current.values("pk")).order_by("-start_date", "title")
        context["page_obj"] = Paginator(other, self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        context["today"] = today
        return context


class OrganisationObjectMixin:
    """Loads ``self.organisation`` from ``<pk>``, only among this community's organisations."""

    @cached_property
    def organisation(self) -> Organisation:
        return get_object_or_404(
            Organisation.objects.filter(community=self.community), pk=self.kwargs["pk"]
        )


class PostCreateView(OrganisationObjectMixin, ManageMixin, FormView):
    form_class = PostForm
    template_name = "governance/structure/form.html"
    form_takes_community = True

    def get_initial(self):
        return {"start_date": timezone.localdate(), "title": Post.Title.MEMBER}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.organisation
        context["title"] = _("Appoint to %(organisation)s") % {
            "organisation": self.organisation.name
        }
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            post = structure_services.post_assign(
                organisation=self.organisation,
                title=data["title"],
                user=data["user"],
                resident=data["resident"],
                start_date=data["start_date"],
                end_date=data["end_date"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s is now %(post)s of %(organisation)s.")
            % {
                "name": post.holder_name,
                "post": post.get_title_display(),
                "organisation": self.organisation.name,
            },
        )
        return redirect("governance:organisation_detail", self.community.code, self.organisation.pk)


class PostEndView(ManageMixin, View):
    """End a post as of today."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        post = get_object_or_404(
            Post.objects.filter(organisation__community=self.community).select_related(
                "user", "resident"
            ),
            pk=kwargs["pk"],
        )
        try:
            structure_services.post_end(post=post, on=timezone.localdate())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The post of %(name)s has been ended as of today.") % {"name": post.holder_name},
            )
        return redirect("governance:organisation_detail", self.community.code, post.organisation_id)


class AreaStructureView(LoginRequiredMixin, TemplateView):
    """Subdistrict and district staff: each community beneath them with its 1351N gaps."""

    template_name = "governance/structure/area_board.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            request.user.is_superuser or scope_of(request.user).is_area_staff
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        communities = (
            Community.objects.filter(subdistrict__in=subdistricts_of(self.request.user))
            .select_related("subdistrict")
            .order_by("subdistrict__name", "name")
        )
        page = Paginator(communities, settings.PAGE_SIZE).get_page(self.request.GET.get("page"))
        grouped = selectors.organisations_by_community([c.pk for c in page], timezone.localdate())
        rows = []
        for community in page:
            seats = selectors.board(grouped[community.pk])
            rows.append((community, [gap for seat in seats for gap in seat.gaps]))
        context.update(page_obj=page, rows=rows)
        return context
