"""Deliberation halls, representatives and sessions (the mobile deliberation hall's
meetings under a building or in a garden pavilion), with session photos."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from django_filters.views import FilterView

from communities.mixins import ServiceFormMixin, apply_validation_error
from deliberation import hall_services
from deliberation.forms.halls import (
    SEARCH_BUTTON,
    HallForm,
    RepresentativeForm,
    SessionFilter,
    SessionForm,
    SessionPhotoForm,
    unbound_copy,
)
from deliberation.models import Hall, Representative, Session, SessionPhoto
from deliberation.views.base import DeliberationMixin, ManageMixin


class SearchableFormMixin:
    """A form whose "Search" button shows more residents to choose from instead of
    saving: the page comes back with what was typed, the matches, and no errors."""

    def post(self, request, *args, **kwargs):
        if SEARCH_BUTTON in request.POST:
            form = self.get_form()
            kwargs = self.get_form_kwargs()
            for key in ("data", "files", "initial"):
                kwargs.pop(key, None)
            return self.render_to_response(self.get_context_data(form=unbound_copy(form, **kwargs)))
        return super().post(request, *args, **kwargs)


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


def _query_string(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# ---------------------------------------------------------------- halls


class HallListView(DeliberationMixin, ListView):
    template_name = "deliberation/halls/hall_list.html"
    context_object_name = "halls"

    def get_queryset(self):
        return (
            Hall.objects.filter(community=self.community)
            .annotate(session_count=_count(Session.objects.all(), "hall"))
            .order_by("-is_active", "name")
        )


class HallCreateView(ManageMixin, ServiceFormMixin, FormView):
    form_class = HallForm
    title = gettext_lazy("Add a deliberation hall")

    def get_instance(self) -> Hall:
        return Hall(community=self.community)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_instance()
        return kwargs

    success_message = gettext_lazy("The hall has been saved.")

    def call_service(self, form):
        return hall_services.hall_save(hall=form.save(commit=False))

    def get_success_url(self):
        return reverse("deliberation:hall_list", args=[self.community.code])


class HallUpdateView(HallCreateView):
    title = gettext_lazy("Edit deliberation hall")

    def get_instance(self) -> Hall:
        return get_object_or_404(
            Hall.objects.filter(community=self.community), pk=self.kwargs["pk"]
        )


# ---------------------------------------------------------------- representatives


class RepresentativeListView(DeliberationMixin, TemplateView):
    """Current representatives in full; past terms a page at a time."""

    template_name = "deliberation/halls/representative_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        terms = Representative.objects.filter(community=self.community).select_related(
            "resident__household__entrance__building"
        )
        context["current"] = list(
            terms.filter(elected_on__lte=today, term_ends_on__gte=today).order_by("resident__name")
        )
        context["upcoming"] = list(terms.filter(elected_on__gt=today).order_by("elected_on"))
        context["page_obj"] = Paginator(
            terms.filter(term_ends_on__lt=today).order_by("-term_ends_on", "resident__name"),
            self.paginate_by,
        ).get_page(self.request.GET.get("page"))
        return context


class RepresentativeCreateView(SearchableFormMixin, ManageMixin, ServiceFormMixin, FormView):
    form_class = RepresentativeForm
    title = gettext_lazy("Add a deliberation representative")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["community"] = self.community
        return kwargs

    def call_service(self, form):
        data = form.cleaned_data
        return hall_services.representative_add(
            community=self.community,
            resident=data["resident"],
            elected_on=data["elected_on"],
            term_ends_on=data["term_ends_on"],
        )

    def get_success_message(self, cleaned_data) -> str:
        return _("%(name)s is now a representative.") % {"name": cleaned_data["resident"].name}

    def get_success_url(self):
        return reverse("deliberation:representative_list", args=[self.community.code])


# ---------------------------------------------------------------- sessions


def session_list(community):
    """Sessions with hall, building and host, and their agenda, attendance and photo
    counts as subqueries: one query for a page however many rows."""
    return (
        Session.objects.filter(community=community)
        .select_related("hall", "building", "host")
        .annotate(
            agenda_count=_count(Session.agenda.through.objects.all(), "session"),
            attendee_count=_count(Session.attendees.through.objects.all(), "session"),
            photo_count=_count(SessionPhoto.objects.all(), "session"),
        )
        .order_by("-starts_at", "-pk")
    )


class SessionListView(DeliberationMixin, FilterView):
    template_name = "deliberation/halls/session_list.html"
    filterset_class = SessionFilter

    def get_queryset(self):
        return session_list(self.community)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["community"] = self.community
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query_string"] = _query_string(self.request)
        return context


class SessionCreateView(SearchableFormMixin, ManageMixin, ServiceFormMixin, FormView):
    form_class = SessionForm
    title = gettext_lazy("Record a deliberation session")

    def get_instance(self) -> Session:
        return Session(community=self.community)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["community"] = self.community
        kwargs["user"] = self.request.user
        kwargs["instance"] = self.get_instance()
        return kwargs

    success_message = gettext_lazy("The session has been saved.")

    def call_service(self, form):
        return hall_services.session_save(
            session=form.save(commit=False),
            agenda=form.cleaned_data["agenda"],
            attendees=form.cleaned_data["attendees"],
        )

    def get_success_url(self):
        return reverse("deliberation:session_detail", args=[self.community.code, self.object.pk])


class SessionUpdateView(SessionCreateView):
    title = gettext_lazy("Edit deliberation session")

    def get_instance(self) -> Session:
        return get_object_or_404(
            Session.objects.filter(community=self.community), pk=self.kwargs["pk"]
        )


class SessionDetailView(DeliberationMixin, TemplateView):
    """A session's place, agenda (linked to the proposals), attendance and photos; the
    office uploads photos here."""

    template_name = "deliberation/halls/session_detail.html"

    def get_session(self) -> Session:
        return get_object_or_404(
            Session.objects.filter(community=self.community).select_related(
                "hall", "building", "host"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        session = kwargs.get("session") or self.get_session()
        context["session"] = session
        context["agenda"] = list(session.agenda.order_by("pk"))
        context["photos"] = list(session.photos.order_by("pk"))
        if context["can_manage"]:
            # Names of who came are for the office; everyone else sees how many.
            context["attendees"] = list(
                session.attendees.select_related("household__entrance__building").order_by("name")
            )
            context["attendee_count"] = len(context["attendees"])
            context.setdefault("photo_form", SessionPhotoForm())
        else:
            context["attendee_count"] = session.attendees.count()
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("deliberation.manage", self.community):
            raise PermissionDenied
        session = self.get_session()
        form = SessionPhotoForm(request.POST, request.FILES, instance=SessionPhoto(session=session))
        if form.is_valid():
            try:
                hall_services.session_photo_add(photo=form.save(commit=False))
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The photo has been added."))
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(session=session, photo_form=form))


class SessionPhotoView(DeliberationMixin, View):
    """A session photo, only to those who may see the community's deliberation."""

    def get(self, request, *args, **kwargs):
        photo = get_object_or_404(
            SessionPhoto.objects.filter(session__community=self.community), pk=kwargs["pk"]
        )
        return FileResponse(photo.image.open("rb"))
