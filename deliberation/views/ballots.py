"""Ballots: the office schedules one on a proposal; residents open it from a short link or
QR code on their phone and vote in two steps (choose, then confirm); workers enter paper
ballots; after the close everyone who may see deliberation reads the frozen result, as a
page, a CSV or a printable public notice (公示).

Nobody sees how the options stand while a ballot is open: for a secret ballot the running
totals are the only record of the choices, so showing them as votes arrive would tell who
chose what. The office may see how many have taken part, never what they chose.
"""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from communities import exports
from communities.mixins import apply_validation_error
from communities.models import Resident
from communities.scope import scope_of
from communities.selectors import resident_search
from deliberation import ballot_pages, services
from deliberation.forms.ballots import BallotForm, PaperVoteForm, ResidentSearchForm, VoteForm
from deliberation.models import Ballot, BallotResult, Participation, Proposal
from deliberation.views.base import DeliberationMixin, ManageMixin

SEARCH_LIMIT = 20


class BallotMixin(DeliberationMixin):
    """Loads the URL's ballot (with its proposal and any frozen result) and its options,
    once each; a ballot of another community is 404."""

    def get_ballot(self) -> Ballot:
        if getattr(self, "_ballot", None) is None:
            self._ballot = get_object_or_404(
                Ballot.objects.select_related("proposal", "result"),
                pk=self.kwargs["pk"],
                proposal__community=self.community,
            )
        return self._ballot

    def get_options(self) -> list:
        if getattr(self, "_options", None) is None:
            self._options = list(self.get_ballot().options.all())
        return self._options

    def get_result(self) -> BallotResult | None:
        ballot = self.get_ballot()
        if ballot.status != Ballot.Status.CLOSED:
            return None
        return getattr(ballot, "result", None)

    def get_frozen_result(self) -> BallotResult:
        """The result, for pages that only exist once the ballot has closed."""
        result = self.get_result()
        if result is None:
            raise Http404
        return result

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ballot = self.get_ballot()
        now = timezone.now()
        context.update(
            ballot=ballot,
            proposal=ballot.proposal,
            options=self.get_options(),
            state=ballot_pages.ballot_state(ballot, now),
            time_left=ballot_pages.time_left(ballot, now),
            rule_lines=ballot_pages.rule_explanation(ballot, self.get_options()),
        )
        return context


# ---------------------------------------------------------------- scheduling


class BallotCreateView(ManageMixin, FormView):
    """The office puts a proposal in deliberation to the vote."""

    form_class = BallotForm
    template_name = "deliberation/ballots/form.html"

    def get_proposal(self) -> Proposal:
        if getattr(self, "_proposal", None) is None:
            self._proposal = get_object_or_404(
                Proposal.objects.filter(community=self.community), pk=self.kwargs["pk"]
            )
        return self._proposal

    def get_initial(self):
        # Next full hour, for a week, closing in the evening when people are home.
        now = timezone.localtime()
        opens = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
        closes = (opens + dt.timedelta(days=7)).replace(hour=20)
        return {
            "question": _("Do you agree with “%(title)s”?") % {"title": self.get_proposal().title},
            "opens_at": opens,
            "closes_at": closes,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal = self.get_proposal()
        context["proposal"] = proposal
        context["can_be_voted"] = proposal.status in (
            Proposal.Status.IN_DELIBERATION,
            Proposal.Status.VOTING,
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            ballot = services.ballot_create(
                proposal=self.get_proposal(),
                question=data["question"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                rule=data["rule"],
                unit=data["unit"],
                secret=data["secret"],
                quorum_percent=data["quorum_percent"],
                options=data["options"],
                by=self.request.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The ballot has been scheduled. Voting opens at %(when)s.")
            % {"when": timezone.localtime(ballot.opens_at).strftime("%Y-%m-%d %H:%M")},
        )
        return redirect("deliberation:ballot", self.community.code, ballot.pk)


# ---------------------------------------------------------------- the short link


class ShortLinkView(LoginRequiredMixin, View):
    """/b/<code>/, printed as a QR code under the building: straight to the ballot page
    (through the login page first, and back)."""

    def get(self, request, short_code):
        ballot = get_object_or_404(
            Ballot.objects.select_related("proposal__community"), short_code=short_code
        )
        community = ballot.proposal.community
        if not request.user.has_perm("communities.see_community", community):
            raise Http404
        return redirect("deliberation:ballot", community.code, ballot.pk)


# ---------------------------------------------------------------- voting


class BallotView(BallotMixin, TemplateView):
    """The resident's ballot page: the question, the rule in plain words, big options,
    a confirm step, and afterwards "you have voted". Never any counts while open."""

    template_name = "deliberation/ballots/ballot.html"
    # Anyone tied to the community gets this far; those who may not see deliberation
    # (such as a resident still waiting for verification) get a page that says why.
    permission_required = "communities.see_community"

    def get(self, request, *args, **kwargs):
        if not request.user.has_perm("deliberation.view", self.community):
            return self.not_allowed()
        form = VoteForm(initial={"option": request.GET.get("choice")}, options=self.get_options())
        return self.render_to_response(self.get_context_data(form=form, step="choose"))

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("deliberation.vote", self.community):
            raise PermissionDenied
        ballot = self.get_ballot()
        resident = self.get_resident()
        if resident is None:
            raise PermissionDenied
        here = reverse("deliberation:ballot", args=[self.community.code, ballot.pk])
        if ballot_pages.ballot_state(ballot, timezone.now()) != ballot_pages.OPEN:
            messages.error(request, _("Voting is not open now."))
            return redirect(here)
        form = VoteForm(request.POST, options=self.get_options())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, step="choose"))
        if request.POST.get("confirm") != "yes":
            # First step done: show the choice back in words before anything is recorded.
            context = self.get_context_data(form=form, step="confirm")
            context["chosen"] = form.chosen(self.get_options())
            return self.render_to_response(context)
        try:
            services.ballot_cast(
                ballot=ballot,
                resident=resident,
                option_key=form.cleaned_data["option"],
                channel=Participation.Channel.ONLINE,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you. Your vote has been recorded."))
        return redirect(here)

    def get_resident(self) -> Resident | None:
        if not hasattr(self, "_resident"):
            self._resident = (
                Resident.objects.select_related("household").filter(user=self.request.user).first()
            )
        return self._resident

    def not_allowed(self):
        scope = scope_of(self.request.user)
        waiting = (
            scope.home_community_id == self.community.pk
            and not scope.home_verified
            and not scope.home_moved_out
        )
        response = self.response_class(
            request=self.request,
            template="deliberation/ballots/not_allowed.html",
            context={"community": self.community, "waiting": waiting},
            status=403,
        )
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ballot = self.get_ballot()
        user = self.request.user
        resident = None
        if user.has_perm("deliberation.vote", self.community):
            resident = self.get_resident()
        participation = problem = None
        if resident is not None:
            participation = (
                Participation.objects.filter(
                    ballot=ballot, voter_key=services.voter_key(ballot, resident)
                )
                .select_related("resident", *([] if ballot.secret else ["named_choice__option"]))
                .first()
            )
            if participation is None:
                problem = services.voter_problem(ballot, resident)
        my_choice = None
        # A named ballot shows the voter their own choice; a household member's stays theirs.
        if (
            participation is not None
            and not ballot.secret
            and participation.resident_id == resident.pk
        ):
            named = getattr(participation, "named_choice", None)
            my_choice = named.option.label if named else None
        context.update(
            resident=resident,
            participation=participation,
            my_choice=my_choice,
            problem=problem,
            can_vote=(
                resident is not None
                and participation is None
                and problem is None
                and context["state"] == ballot_pages.OPEN
            ),
        )
        if context["can_manage"]:
            context["short_url"] = self.request.build_absolute_uri(
                reverse("deliberation:ballot_short", args=[ballot.short_code])
            )
        return context


class PaperVoteView(BallotMixin, TemplateView):
    """A worker enters a paper ballot for a resident found by name or room."""

    template_name = "deliberation/ballots/paper.html"
    permission_required = "deliberation.manage"

    def residents(self):
        # Paper ballots are entered for current residents only.
        return (
            Resident.objects.for_community(self.community)
            .current()
            .select_related("household__entrance__building")
        )

    def get(self, request, *args, **kwargs):
        search = ResidentSearchForm(request.GET)
        selected = None
        if request.GET.get("resident", "").isdigit():
            selected = self.residents().filter(pk=request.GET["resident"]).first()
        form = None
        if selected is not None:
            form = PaperVoteForm(
                initial={"resident": selected.pk},
                options=self.get_options(),
                community=self.community,
            )
        return self.render_to_response(
            self.get_context_data(search=search, selected=selected, form=form)
        )

    def post(self, request, *args, **kwargs):
        ballot = self.get_ballot()
        form = PaperVoteForm(request.POST, options=self.get_options(), community=self.community)
        if not form.is_valid():
            selected = form.cleaned_data.get("resident")
            return self.render_to_response(
                self.get_context_data(search=ResidentSearchForm(), selected=selected, form=form)
            )
        resident = form.cleaned_data["resident"]
        try:
            services.ballot_cast(
                ballot=ballot,
                resident=resident,
                option_key=form.cleaned_data["option"],
                channel=Participation.Channel.PAPER,
                recorded_by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.render_to_response(
                self.get_context_data(search=ResidentSearchForm(), selected=resident, form=form)
            )
        messages.success(
            request,
            _("The paper vote of %(name)s (%(home)s) has been recorded.")
            % {"name": resident.name, "home": resident.household},
        )
        return redirect("deliberation:ballot_paper", self.community.code, ballot.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ballot = self.get_ballot()
        search = context["search"]
        found: list = []
        query = search.cleaned_data.get("q", "").strip() if search.is_valid() else ""
        if query:
            found = list(
                resident_search(
                    community=self.community,
                    query=query,
                    limit=SEARCH_LIMIT,
                    residents=self.residents(),
                )
            )
        selected = context.get("selected")
        keys = {services.voter_key(ballot, r): r for r in [*found, *filter(None, [selected])]}
        voted = set(
            Participation.objects.filter(ballot=ballot, voter_key__in=list(keys)).values_list(
                "voter_key", flat=True
            )
        )
        context["found"] = [(r, services.voter_key(ballot, r) in voted) for r in found]
        context["query"] = query
        context["search_limit"] = SEARCH_LIMIT
        if selected is not None:
            context["selected_voted"] = services.voter_key(ballot, selected) in voted
            context["selected_problem"] = services.voter_problem(ballot, selected)
        return context


# ---------------------------------------------------------------- results


class ResultView(BallotMixin, TemplateView):
    """After the close: the frozen result with every threshold. While open: for the office
    only how many have taken part; for everyone else, when the result will be known."""

    template_name = "deliberation/ballots/results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ballot = self.get_ballot()
        result = self.get_result()
        if result is not None:
            context["result"] = result
            context["summary"] = ballot_pages.result_summary(ballot, result, self.get_options())
        elif context["can_manage"] and context["state"] in (
            ballot_pages.OPEN,
            ballot_pages.COUNTING,
        ):
            turnout = services.participation_summary(ballot)
            by_household = ballot.unit == Ballot.Unit.HOUSEHOLD
            voted = turnout["households"] if by_household else turnout["heads"]
            eligible = ballot.eligible_households if by_household else ballot.eligible_heads
            context["turnout"] = {
                "voted": voted,
                "eligible": eligible,
                "percent": ballot_pages.percent(Fraction(voted, eligible)) if eligible else "—",
                "by_household": by_household,
            }
        return context


class ResultCsvView(BallotMixin, View):
    """The frozen result as a spreadsheet (``communities.exports``: text cells escaped
    against formulas)."""

    def get(self, request, *args, **kwargs):
        ballot = self.get_ballot()
        result = self.get_frozen_result()
        summary = ballot_pages.result_summary(ballot, result, self.get_options())
        rows = []
        rows.append([_("Question"), ballot.question])
        rows.append([_("Proposal"), ballot.proposal.title])
        rows.append([_("Decision rule"), ballot.get_rule_display()])
        rows.append([_("Voting period"), ballot.opens_at, ballot.closes_at])
        rows.append([_("Outcome"), _("Passed") if summary.passed else _("Not passed")])
        # A residents' ballot counts heads only: households and area were never counted
        # per option, so those cells stay empty rather than showing a misleading 0.
        by_household = summary.by_household
        rows.append([])
        rows.append(["", _("Residents"), _("Households"), _("Floor area (m²)"), _("Share")])
        rows.append(
            [
                _("Eligible"),
                summary.eligible_heads,
                summary.eligible_households,
                summary.eligible_area,
                "",
            ]
        )
        rows.append(
            [
                _("Took part"),
                summary.voted_heads,
                summary.voted_households if by_household else "",
                summary.voted_area if by_household else "",
                summary.turnout_percent,
            ]
        )
        for row in summary.options:
            rows.append(
                [
                    row.label,
                    row.heads,
                    row.households if by_household else "",
                    row.area if by_household else "",
                    row.percent,
                ]
            )
        rows.append([])
        rows.append([_("Threshold"), _("Needed"), _("Reached"), _("Met")])
        for check in summary.checks:
            rows.append(
                [check.label, check.needed, check.reached, _("Yes") if check.met else _("No")]
            )
        return exports.csv_response(rows, f"ballot-{ballot.pk}-results.csv")


class PublicNoticeView(BallotMixin, TemplateView):
    """The printable public notice of the result (公示), to post on the notice board."""

    template_name = "deliberation/ballots/notice.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = self.get_frozen_result()
        context["result"] = result
        context["summary"] = ballot_pages.result_summary(
            self.get_ballot(), result, self.get_options()
        )
        context["today"] = timezone.localdate()
        return context


class VoterListView(BallotMixin, ListView):
    """Who took part, for the office. A named ballot's choices only for the secretary;
    a secret ballot has no choices to show (they were never stored per voter)."""

    template_name = "deliberation/ballots/voters.html"
    permission_required = "deliberation.manage"
    paginate_by = settings.PAGE_SIZE
    context_object_name = "participations"

    def show_choices(self) -> bool:
        return not self.get_ballot().secret and self.request.user.has_perm(
            "deliberation.see_named_choices", self.community
        )

    def get_queryset(self):
        related = ["resident", "household__entrance__building", "recorded_by"]
        if self.show_choices():
            related.append("named_choice__option")
        return (
            Participation.objects.filter(ballot=self.get_ballot())
            .select_related(*related)
            .order_by(
                "household__entrance__building__sort_order",
                "household__entrance__building__name",
                "household__entrance__name",
                "household__room",
                "resident__name",
                "pk",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["show_choices"] = self.show_choices()
        return context


class QrCodeView(BallotMixin, View):
    """The ballot's short link as a QR code, for posters: qr.svg or qr.png."""

    KINDS = {"svg": ("image/svg+xml", 10), "png": ("image/png", 10)}

    def get(self, request, *args, **kwargs):
        kind = kwargs["fmt"]
        if kind not in self.KINDS:
            raise Http404
        content_type, scale = self.KINDS[kind]
        url = request.build_absolute_uri(
            reverse("deliberation:ballot_short", args=[self.get_ballot().short_code])
        )
        buffer = io.BytesIO()
        segno.make(url, error="m", micro=False).save(buffer, kind=kind, scale=scale, border=4)
        response = HttpResponse(buffer.getvalue(), content_type=content_type)
        response["Content-Disposition"] = (
            f'inline; filename="ballot-{self.get_ballot().pk}-qr.{kind}"'
        )
        return response
