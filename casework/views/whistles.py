"""Whistle and report (吹哨报到): the community or subdistrict calls a district department
to a case or a passed proposal, records the department's response and closes with the
outcome; subdistrict and district staff see every open whistle beneath them and its age.

Who may do what: the office, area staff and superusers blow, respond and close
(``casework.whistle``) and read (``casework.view_office``); the area page is for
subdistrict and district staff and superusers.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from casework import selectors, whistle_services
from casework.forms.whistles import (
    WhistleCloseForm,
    WhistleFilter,
    WhistleForm,
    WhistleRespondForm,
)
from casework.models import Case, Whistle
from casework.whistle_services import WHISTLE_PROPOSAL_STATUSES
from communities.mixins import CommunityMixin, apply_validation_error
from communities.models import Community
from communities.scope import scope_of
from communities.selectors import subdistricts_of
from deliberation.models import Proposal

W = Whistle.Status


def query_string(request, drop=("page",)) -> str:
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    return params.urlencode()


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def with_ages(whistles, today: dt.date) -> list[Whistle]:
    """Each whistle with ``age_days`` (days open so far, or days it took once closed) and
    ``is_late`` (still waiting for the department after its respond-by date)."""
    rows = list(whistles)
    for whistle in rows:
        end = _local_date(whistle.closed_at) if whistle.closed_at else today
        whistle.age_days = (end - _local_date(whistle.requested_at)).days
        whistle.is_late = whistle.status == W.OPEN and whistle.respond_by < today
    return rows


class WhistleMixin(CommunityMixin):
    permission_required = "casework.view_office"
    form_takes_community = False

    @property
    def can_whistle(self) -> bool:
        if not hasattr(self, "_can_whistle"):
            self._can_whistle = self.request.user.has_perm("casework.whistle", self.community)
        return self._can_whistle

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_whistle"] = self.can_whistle
        return context


class WhistleListView(WhistleMixin, FilterView):
    template_name = "casework/whistles/whistle_list.html"
    filterset_class = WhistleFilter

    def get_queryset(self):
        return selectors.whistle_list(self.community).order_by("-requested_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context.update(
            whistles=with_ages(context["page_obj"] or context["object_list"], today),
            query_string=query_string(self.request),
            today=today,
        )
        return context


class WhistleCreateView(WhistleMixin, FormView):
    """Blow the whistle on ``?case=<pk>`` or ``?proposal=<pk>`` of this community."""

    permission_required = "casework.whistle"
    template_name = "casework/whistles/whistle_form.html"
    form_class = WhistleForm
    form_takes_community = True

    def load_subject(self) -> None:
        """Sets ``case`` or ``proposal`` from the query string; a foreign or unknown id
        is 404. Neither given leaves both None and the page explains where to start."""
        self.case = self.proposal = None
        case_id = self.request.GET.get("case")
        proposal_id = self.request.GET.get("proposal")
        if case_id and proposal_id:
            raise Http404
        try:
            if case_id:
                self.case = get_object_or_404(
                    Case.objects.filter(community=self.community).select_related(
                        "category", "building"
                    ),
                    pk=int(case_id),
                )
            elif proposal_id:
                self.proposal = get_object_or_404(
                    Proposal.objects.filter(community=self.community), pk=int(proposal_id)
                )
        except ValueError as exc:
            raise Http404 from exc

    @property
    def proposal_ready(self) -> bool:
        return self.proposal is None or self.proposal.status in WHISTLE_PROPOSAL_STATUSES

    def get(self, request, *args, **kwargs):
        self.load_subject()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.load_subject()
        if self.case is None and self.proposal is None:
            messages.error(request, _("Blow the whistle from a case or a passed proposal."))
            return redirect("casework:whistle_list", self.community.code)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            case=self.case,
            proposal=self.proposal,
            has_subject=self.case is not None or self.proposal is not None,
            proposal_ready=self.proposal_ready,
            action_query=query_string(self.request),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            whistle = whistle_services.whistle_blow(
                community=self.community,
                by=self.request.user,
                department=data["department"],
                request=data["request"],
                respond_by=data["respond_by"],
                case=self.case,
                proposal=self.proposal,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The whistle has been blown to %(department)s.") % {"department": whistle.department},
        )
        return redirect("casework:whistle_detail", self.community.code, whistle.pk)


class WhistleDetailView(WhistleMixin, TemplateView):
    """The request, the department's response and the outcome, with the forms to record
    them; prints as a record of the whistle."""

    template_name = "casework/whistles/whistle_detail.html"

    def get_whistle(self) -> Whistle:
        return get_object_or_404(selectors.whistle_list(self.community), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        whistle = getattr(self, "whistle", None) or self.get_whistle()
        today = timezone.localdate()
        with_ages([whistle], today)
        respond_form = kwargs.get("respond_form")
        close_form = kwargs.get("close_form")
        if self.can_whistle and whistle.status != W.CLOSED:
            if respond_form is None:
                initial = {"response": whistle.response} if whistle.response else {}
                respond_form = WhistleRespondForm(initial=initial)
            if close_form is None:
                close_form = WhistleCloseForm()
        else:
            respond_form = close_form = None
        context.update(
            whistle=whistle,
            respond_form=respond_form,
            close_form=close_form,
            # Closing waits for the response; a refused attempt still shows its error.
            show_close_form=close_form is not None
            and (whistle.status == W.RESPONDED or close_form.is_bound),
            today=today,
        )
        return context


class WhistleActionView(WhistleDetailView):
    """POST a form of the detail page: success goes back to the page with a message; bad
    input shows the page again with the errors next to the fields."""

    permission_required = "casework.whistle"
    http_method_names = ["post"]
    form_class: type = WhistleRespondForm
    context_name = ""

    def post(self, request, *args, **kwargs):
        self.whistle = self.get_whistle()
        if self.whistle.status == W.CLOSED:
            messages.error(request, _("This whistle is closed."))
            return redirect("casework:whistle_detail", self.community.code, self.whistle.pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.act(form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return redirect("casework:whistle_detail", self.community.code, self.whistle.pk)
        context = self.get_context_data(**{self.context_name: form})
        return self.render_to_response(context)

    def act(self, data) -> None:
        raise NotImplementedError


class WhistleRespondView(WhistleActionView):
    form_class = WhistleRespondForm
    context_name = "respond_form"

    def act(self, data) -> None:
        whistle_services.whistle_respond(
            whistle=self.whistle,
            by=self.request.user,
            response=data["response"],
            responded_at=data["responded_at"],
        )
        messages.success(self.request, _("The department's response has been recorded."))


class WhistleCloseView(WhistleActionView):
    form_class = WhistleCloseForm
    context_name = "close_form"

    def act(self, data) -> None:
        whistle_services.whistle_close(
            whistle=self.whistle, by=self.request.user, outcome=data["outcome"], note=data["note"]
        )
        messages.success(self.request, _("The whistle has been closed."))


# ---------------------------------------------------------------- area


class AreaWhistlesView(LoginRequiredMixin, TemplateView):
    """Subdistrict and district staff: per subdistrict the open whistles, how many are
    past their respond-by date and the oldest; then the open whistles themselves."""

    template_name = "casework/whistles/area_whistles.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            request.user.is_superuser or scope_of(request.user).is_area_staff
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        subdistricts = subdistricts_of(self.request.user)
        communities = Community.objects.filter(subdistrict__in=subdistricts)
        summary = selectors.open_whistle_summary(communities)
        for row in summary:
            row["oldest_days"] = (today - _local_date(row["oldest"])).days
        chosen = None
        try:
            chosen = int(self.request.GET.get("subdistrict", ""))
        except ValueError:
            chosen = None
        shown = communities
        if chosen is not None:
            # Only one of the user's own subdistricts with open whistles can be chosen;
            # any other number (however large) shows nothing and never reaches the database.
            open_in = {r["community__subdistrict_id"] for r in summary}
            shown = (
                communities.filter(subdistrict_id=chosen)
                if chosen in open_in
                else communities.none()
            )
        page = Paginator(selectors.open_whistles_in(shown), settings.PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context.update(
            summary=summary,
            chosen=chosen,
            chosen_name=next(
                (
                    r["community__subdistrict__name"]
                    for r in summary
                    if r["community__subdistrict_id"] == chosen
                ),
                "",
            ),
            page_obj=page,
            whistles=with_ages(page, today),
            totals={
                "open": sum(r["open_count"] for r in summary),
                "late": sum(r["late_count"] for r in summary),
            },
            query_string=query_string(self.request),
            today=today,
        )
        return context
