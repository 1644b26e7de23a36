"""Proposals: the list, raising and editing one, its page (timeline, co-signing, opinions,
photos) and the buttons that move it through its lifecycle."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from communities.mixins import ServiceFormMixin, apply_validation_error
from communities.models import Resident
from communities.scope import scope_of
from communities.selectors import resident_search
from deliberation import lifecycle, proposal_services, services
from deliberation.filters import ProposalFilter
from deliberation.forms.ballots import ResidentSearchForm
from deliberation.forms.proposals import (
    OpinionForm,
    OpinionHideForm,
    ProposalForm,
    ProposalPhotoForm,
    SettingsForm,
    StepForm,
)
from deliberation.models import (
    DeliberationSettings,
    Opinion,
    Proposal,
    ProposalPhoto,
)
from deliberation.views.base import DeliberationMixin

SEARCH_LIMIT = 30

S = Proposal.Status

DEFAULT_COSIGN_THRESHOLD = 10

# The page offers a button for every step the viewer may take, except these: a ballot
# opening moves a proposal to voting, and the ballot closing decides passed or rejected.
NOT_BY_BUTTON = frozenset({S.VOTING, S.PASSED, S.REJECTED})

STEP_LABELS = {
    S.SUBMITTED: gettext_lazy("Submit the proposal"),
    S.ON_AGENDA: gettext_lazy("Put on the agenda"),
    S.DECLINED: gettext_lazy("Decline"),
    S.IN_DELIBERATION: gettext_lazy("Start deliberation"),
    S.IN_IMPLEMENTATION: gettext_lazy("Start implementation"),
    S.COMPLETED: gettext_lazy("Mark as completed"),
    S.WITHDRAWN: gettext_lazy("Withdraw the proposal"),
}


# What the proposal's page shows of it, loaded with it in one query.
PAGE_RELATED = (
    "category",
    "resident__household__entrance__building",
    "organisation",
    "created_by",
    "project",
)


# The proposal form page (the raise, edit and photo pages share it).
PROPOSAL_FORM = "deliberation/proposals/form.html"


def cosign_threshold(community) -> int:
    """Co-signatures that flag a proposal for the agenda in this community."""
    value = (
        DeliberationSettings.objects.filter(community=community)
        .values_list("cosign_threshold", flat=True)
        .first()
    )
    return value or DEFAULT_COSIGN_THRESHOLD


class ProposalAccessMixin(DeliberationMixin):
    """What the viewer may see and do with this community's proposals."""

    @cached_property
    def office(self) -> bool:
        return self.request.user.has_perm("deliberation.manage", self.community)

    @cached_property
    def lives_here(self) -> bool:
        """A verified resident of this community (asked of the scope, not of a permission:
        a superuser holds every permission but lives only where their home is)."""
        scope = scope_of(self.request.user)
        return scope.home_verified and scope.home_community_id == self.community.pk

    @cached_property
    def own_resident(self):
        """The viewer's resident record, if they are a verified resident of this community."""
        if not self.lives_here:
            return None
        return getattr(self.request.user, "resident", None)

    def visible_proposals(self):
        """The office sees every proposal; everyone else all but other people's drafts."""
        proposals = Proposal.objects.filter(community=self.community)
        if self.office:
            return proposals
        user = self.request.user
        return proposals.filter(~Q(status=S.DRAFT) | Q(created_by=user) | Q(resident__user=user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["resident_page"] = self.lives_here and not self.office
        return context


class ProposalObjectMixin(ProposalAccessMixin):
    """Loads the URL's proposal, if the viewer may see it (404 otherwise)."""

    def get_proposal(self) -> Proposal:
        if not hasattr(self, "_proposal"):
            self._proposal = get_object_or_404(
                self.visible_proposals().select_related(*PAGE_RELATED),
                pk=self.kwargs["pk"],
            )
        return self._proposal

    def can_edit(self, proposal: Proposal) -> bool:
        return proposal.status in proposal_services.EDITABLE_STATUSES and bool(
            self.actor_roles(proposal) & {lifecycle.PROPOSER, lifecycle.OFFICE}
        )

    def detail_url(self, proposal: Proposal) -> str:
        return reverse("deliberation:proposal_detail", args=[self.community.code, proposal.pk])


class ProposalPageMixin(ProposalObjectMixin):
    """Builds the proposal's page, so that a refused post can show it again with its error."""

    template_name = "deliberation/proposals/detail.html"

    def offered_steps(self, proposal: Proposal) -> list[str]:
        return [
            step
            for step in lifecycle.next_steps(self.actor_roles(proposal), proposal.status)
            if step not in NOT_BY_BUTTON
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal = self.get_proposal()
        resident = self.own_resident
        office = self.office
        opinions = list(proposal.opinions.select_related("author", "hidden_by"))
        if not office:
            for opinion in opinions:
                # What the office hid is kept out of the page, not just out of sight.
                if opinion.hidden_at:
                    opinion.text = ""
        # The count and whether the viewer is in it, in one query.
        signatures = proposal.cosigns.aggregate(
            total=Count("pk"),
            mine=Count("pk", filter=Q(resident=resident.pk if resident else None)),
        )
        failed_step = kwargs.get("step_form")
        steps = []
        for step in self.offered_steps(proposal):
            form = (
                failed_step if failed_step and failed_step.data.get("to_status") == step else None
            )
            steps.append(
                {
                    "to": step,
                    "label": STEP_LABELS.get(step, step),
                    "needs_comment": step in lifecycle.NEEDS_COMMENT,
                    "danger": step in (S.DECLINED, S.WITHDRAWN),
                    "form": form,
                }
            )
        open_for_opinions = proposal.status in proposal_services.OPEN_FOR_OPINIONS
        can_opine = open_for_opinions and self.request.user.has_perm(
            "deliberation.raise_proposal", self.community
        )
        context.update(
            proposal=proposal,
            events=list(proposal.events.select_related("by")),
            opinions=opinions,
            photos=list(proposal.photos.all()),
            buildings=[] if proposal.whole_community else list(proposal.buildings.all()),
            ballots=list(proposal.ballots.only("pk", "question", "status", "proposal_id")),
            # The 12345 cases this proposal seeks a lasting fix for (no reporter details).
            linked_cases=list(
                proposal.cases.select_related("category", "building").only(
                    "pk",
                    "order_number",
                    "received_at",
                    "status",
                    "proposal_id",
                    "category__name",
                    "building__name",
                )
            ),
            cosign_count=signatures["total"],
            has_cosigned=bool(signatures["mine"]),
            threshold=cosign_threshold(self.community),
            can_cosign=resident is not None and proposal.status == S.SUBMITTED,
            can_edit=self.can_edit(proposal),
            can_opine=can_opine,
            open_for_opinions=open_for_opinions,
            steps=steps,
            opinion_form=kwargs.get("opinion_form") or (OpinionForm() if can_opine else None),
            hide_form=kwargs.get("hide_form"),
            hide_opinion_id=kwargs.get("hide_opinion_id"),
            show_phone=office,
            can_see_history=self.request.user.has_perm("audit.view_history", self.community),
        )
        return context

    def render_page(self, status: int = 200, **forms):
        return self.render_to_response(self.get_context_data(**forms), status=status)


# ---------------------------------------------------------------- list


class ProposalListView(ProposalAccessMixin, FilterView):
    template_name = "deliberation/proposals/list.html"
    filterset_class = ProposalFilter

    def get_queryset(self):
        return (
            self.visible_proposals()
            .select_related("category", "resident", "organisation")
            .annotate(cosign_count=Count("cosigns"))
            # Meta.ordering is not applied to a grouped query; say it again.
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context["query_string"] = params.urlencode()
        context["can_raise"] = self.request.user.has_perm(
            "deliberation.raise_proposal", self.community
        )
        context["show_phone"] = self.office
        return context


# ---------------------------------------------------------------- raise and edit


class ProposalCreateView(ProposalAccessMixin, ServiceFormMixin, FormView):
    permission_required = "deliberation.raise_proposal"
    template_name = PROPOSAL_FORM
    form_class = ProposalForm
    title = gettext_lazy("Raise a proposal")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(community=self.community, office=self.office)
        return kwargs

    def raised_by(self, form) -> dict:
        if self.office:
            return {
                "resident": form.cleaned_data.get("resident"),
                "organisation": form.cleaned_data.get("organisation"),
            }
        # A resident raises a proposal in their own name only.
        return {"resident": getattr(self.request.user, "resident", None), "organisation": None}

    def fields_of(self, form) -> dict:
        data = form.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "category": data["category"],
            "whole_community": data["whole_community"],
            "buildings": list(data["buildings"]),
        }

    success_message = gettext_lazy(
        "Your proposal is saved as a draft. Check it, then press “Submit the proposal”."
    )

    def call_service(self, form):
        return proposal_services.proposal_create(
            community=self.community,
            by=self.request.user,
            **self.fields_of(form),
            **self.raised_by(form),
        )

    def get_success_url(self):
        return reverse("deliberation:proposal_detail", args=[self.community.code, self.object.pk])


class ProposalUpdateView(ProposalObjectMixin, ServiceFormMixin, FormView):
    template_name = PROPOSAL_FORM
    form_class = ProposalForm
    title = gettext_lazy("Edit the proposal")

    def check_allowed(self) -> Proposal:
        proposal = self.get_proposal()
        if not self.can_edit(proposal):
            raise PermissionDenied
        return proposal

    def get(self, request, *args, **kwargs):
        self.check_allowed()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_allowed()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(instance=self.get_proposal(), community=self.community, office=self.office)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["proposal"] = self.get_proposal()
        return context

    success_message = gettext_lazy("The proposal has been saved.")

    def call_service(self, form):
        data = form.cleaned_data
        proposal = self.get_proposal()
        extra = {}
        if self.office:
            extra = {
                "change_raised_by": True,
                "resident": data.get("resident"),
                "organisation": data.get("organisation"),
            }
        proposal_services.proposal_update(
            proposal=proposal,
            by=self.request.user,
            title=data["title"],
            description=data["description"],
            category=data["category"],
            whole_community=data["whole_community"],
            buildings=list(data["buildings"]),
            **extra,
        )
        return proposal

    def get_success_url(self):
        return self.detail_url(self.object)


# ---------------------------------------------------------------- the proposal's page


class ProposalDetailView(ProposalPageMixin, TemplateView):
    pass


class ProposalStepView(ProposalPageMixin, TemplateView):
    """One button of the page: move the proposal a step (with a reason where needed)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        proposal = self.get_proposal()
        roles = self.actor_roles(proposal)
        if not roles:
            raise PermissionDenied
        form = StepForm(request.POST)
        to_status = request.POST.get("to_status", "")
        if to_status not in self.offered_steps(proposal):
            messages.error(
                request,
                _("This step is not possible from “%(status)s”.")
                % {"status": proposal.get_status_display()},
            )
            return redirect(self.detail_url(proposal))
        if not form.is_valid():
            return self.render_page(step_form=form)
        try:
            services.proposal_step(
                proposal=proposal,
                to_status=to_status,
                by=request.user,
                roles=roles,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.render_page(step_form=form)
        messages.success(
            request,
            _("The proposal is now “%(status)s”.") % {"status": S(to_status).label},
        )
        return redirect(self.detail_url(proposal))


class CoSignView(ProposalObjectMixin, TemplateView):
    """A verified resident of the community supports a submitted proposal."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        proposal = self.get_proposal()
        resident = self.own_resident
        if resident is None:
            raise PermissionDenied
        try:
            added = services.cosign_add(
                proposal=proposal, resident=resident, threshold=cosign_threshold(self.community)
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if added:
                messages.success(request, _("Thank you. Your co-signature has been counted."))
            else:
                messages.info(request, _("You have already co-signed this proposal."))
        return redirect(self.detail_url(proposal))


class OpinionCreateView(ProposalPageMixin, TemplateView):
    permission_required = "deliberation.raise_proposal"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        proposal = self.get_proposal()
        form = OpinionForm(request.POST)
        if form.is_valid():
            try:
                proposal_services.opinion_add(
                    proposal=proposal, author=request.user, text=form.cleaned_data["text"]
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Your opinion has been posted."))
                return redirect(self.detail_url(proposal) + "#opinions")
        return self.render_page(opinion_form=form)


class OpinionHideView(ProposalPageMixin, TemplateView):
    """The office hides an opinion and says why; the reason stays on the page."""

    permission_required = "deliberation.manage"
    http_method_names = ["post"]

    def get_opinion(self) -> Opinion:
        if not hasattr(self, "_opinion"):
            self._opinion = get_object_or_404(
                Opinion.objects.filter(proposal__community=self.community), pk=self.kwargs["pk"]
            )
        return self._opinion

    def get_proposal(self) -> Proposal:
        if not hasattr(self, "_proposal"):
            self._proposal = get_object_or_404(
                self.visible_proposals().select_related(*PAGE_RELATED),
                pk=self.get_opinion().proposal_id,
            )
        return self._proposal

    def post(self, request, *args, **kwargs):
        opinion = self.get_opinion()
        proposal = self.get_proposal()
        form = OpinionHideForm(request.POST)
        if form.is_valid():
            try:
                proposal_services.opinion_hide(
                    opinion=opinion, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The opinion has been hidden."))
                return redirect(self.detail_url(proposal) + "#opinions")
        return self.render_page(hide_form=form, hide_opinion_id=opinion.pk)


class ProposalPhotoUploadView(ProposalObjectMixin, ServiceFormMixin, FormView):
    template_name = PROPOSAL_FORM
    form_class = ProposalPhotoForm
    title = gettext_lazy("Add a photo")

    def check_allowed(self) -> Proposal:
        proposal = self.get_proposal()
        if not self.can_edit(proposal):
            raise PermissionDenied
        return proposal

    def get(self, request, *args, **kwargs):
        self.check_allowed()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_allowed()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["proposal"] = self.get_proposal()
        return context

    success_message = gettext_lazy("The photo has been added.")

    def call_service(self, form):
        proposal = self.get_proposal()
        proposal_services.photo_add(
            proposal=proposal,
            image=form.cleaned_data["image"],
            caption=form.cleaned_data["caption"],
        )
        return proposal

    def get_success_url(self):
        return self.detail_url(self.object)


class ProposalPhotoView(ProposalAccessMixin, TemplateView):
    """A proposal's photo, only to those who may see the proposal (never a public URL)."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        photo = get_object_or_404(
            ProposalPhoto.objects.filter(proposal__in=self.visible_proposals()), pk=kwargs["pk"]
        )
        try:
            return FileResponse(photo.image.open("rb"))
        except FileNotFoundError:
            raise Http404 from None


class PaperCoSignView(ProposalObjectMixin, TemplateView):
    """The office records a co-signature a resident gave on paper or in person."""

    template_name = "deliberation/proposals/paper_cosign.html"
    permission_required = "deliberation.manage"

    def residents(self):
        return (
            Resident.objects.for_community(self.community)
            .verified()
            .current()
            .select_related("household__entrance__building")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal = self.get_proposal()
        search = ResidentSearchForm(self.request.GET)
        query = search.cleaned_data.get("q", "").strip() if search.is_valid() else ""
        found = []
        if query:
            found = list(
                resident_search(
                    community=self.community,
                    query=query,
                    limit=SEARCH_LIMIT,
                    residents=self.residents(),
                )
            )
        signed = set(
            proposal.cosigns.filter(resident__in=found).values_list("resident_id", flat=True)
        )
        context.update(
            proposal=proposal,
            search=search,
            query=query,
            found=[(r, r.pk in signed) for r in found],
            search_limit=SEARCH_LIMIT,
            threshold=cosign_threshold(self.community),
            count=proposal.cosigns.count(),
        )
        return context

    def post(self, request, *args, **kwargs):
        proposal = self.get_proposal()
        resident = get_object_or_404(self.residents(), pk=request.POST.get("resident") or 0)
        try:
            added = services.cosign_add(
                proposal=proposal, resident=resident, threshold=cosign_threshold(self.community)
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if added:
                messages.success(
                    request,
                    _("The co-signature of %(name)s has been recorded.") % {"name": resident.name},
                )
            else:
                messages.info(
                    request, _("%(name)s has already co-signed.") % {"name": resident.name}
                )
        return redirect(
            reverse("deliberation:proposal_paper_cosign", args=[self.community.code, proposal.pk])
        )


class SettingsView(DeliberationMixin, FormView):
    """The office sets how many co-signatures flag a proposal for the agenda."""

    permission_required = "deliberation.manage"
    template_name = "communities/form.html"
    form_class = SettingsForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = DeliberationSettings.objects.filter(
            community=self.community
        ).first() or DeliberationSettings(
            community=self.community, cosign_threshold=DEFAULT_COSIGN_THRESHOLD
        )
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Deliberation settings")
        return context

    def form_valid(self, form):
        settings_row = form.save(commit=False)
        try:
            proposal_services.settings_save(settings_row=settings_row)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The settings have been saved."))
        return redirect("deliberation:proposal_list", self.community.code)
