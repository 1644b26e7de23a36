"""A resident's own cases on their phone: report a problem (with a photo), follow it in
plain words, and say how satisfied they are once it is finished.

Only a verified resident of the community reaches these pages, and only their own cases
(anyone else's case is a 404). The timeline leaves out internal steps and shows who acted
only as "community office" or "property company", never a staff member's name.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from casework import selectors, services
from casework.forms.resident import RateForm, ReportForm
from casework.models import Case, CaseAction
from communities.mixins import CommunityMixin, apply_validation_error
from communities.models import CommunityRole, Resident

A = CaseAction.Kind
S = Case.Status

# Steps the resident does not see: the office's own notes and the deadline watcher.
INTERNAL_STEPS = (A.NOTE, A.OVERDUE)
# Steps whose note is safe and useful to show the resident (the others may carry staff
# names or the handlers' working notes).
NOTE_SHOWN = (A.REOPENED, A.PROPOSAL)

STATUS_WORDS = {
    S.RECEIVED: gettext_lazy("Received, waiting to be taken up"),
    S.IN_PROGRESS: gettext_lazy("Being handled"),
    S.CLOSED: gettext_lazy("Finished"),
}
OUTCOME_WORDS = {
    Case.Outcome.RESOLVED: gettext_lazy("The problem has been solved."),
    Case.Outcome.EXPLAINED: gettext_lazy("The office has explained the situation to you."),
    Case.Outcome.UNRESOLVED: gettext_lazy("The problem could not be solved this time."),
}
STEP_WORDS = {
    A.RECEIVED: gettext_lazy("Your report was received"),
    A.ASSIGNED: gettext_lazy("A community worker is taking care of it"),
    A.FORWARDED: gettext_lazy("Passed to the property company to fix"),
    A.CONTACTED: gettext_lazy("We contacted you"),
    A.ON_SITE: gettext_lazy("Someone went to look at it"),
    A.FIXED: gettext_lazy("Repaired"),
    A.EXPLAINED: gettext_lazy("We explained the situation to you"),
    A.CLOSED: gettext_lazy("Finished"),
    A.RATED: gettext_lazy("Your satisfaction was recorded"),
    A.REOPENED: gettext_lazy("Opened again"),
    A.WHISTLE: gettext_lazy("Passed on to a district department"),
    A.PROPOSAL: gettext_lazy("Raised for the residents' deliberation as a recurring problem"),
}
SATISFACTION_BUTTONS = (
    (Case.Satisfaction.SATISFIED, gettext_lazy("Satisfied"), "btn-success"),
    (Case.Satisfaction.BASICALLY, gettext_lazy("Basically satisfied"), "btn-primary"),
    (Case.Satisfaction.DISSATISFIED, gettext_lazy("Dissatisfied"), "btn-danger"),
)


def status_words(case: Case) -> str:
    return str(STATUS_WORDS.get(case.status, case.get_status_display()))


class OwnResidentRequired:
    """After the community checks: the user must be a verified resident living here (a
    superuser or staff member without a home here has no cases of their own)."""

    def dispatch(self, request, *args, **kwargs):
        if self.resident is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ResidentMixin(CommunityMixin, OwnResidentRequired):
    permission_required = "casework.report"
    form_takes_community = False

    @cached_property
    def resident(self) -> Resident | None:
        return (
            Resident.objects.filter(
                user=self.request.user,
                household__entrance__building__community=self.community,
                verification_status=Resident.Verification.VERIFIED,
                moved_out_on__isnull=True,
            )
            .select_related("household__entrance__building")
            .first()
        )

    def own_cases(self):
        return selectors.cases_of_reporter(self.community, self.request.user)


class MyCaseListView(ResidentMixin, ListView):
    """The resident's own cases, newest first, and the button to report a problem."""

    template_name = "casework/resident/my_cases.html"
    context_object_name = "cases"
    paginate_by = settings.PAGE_SIZE

    def get_queryset(self):
        return self.own_cases().order_by("-received_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for case in context["cases"]:
            case.status_words = status_words(case)
            case.awaits_rating = case.status == S.CLOSED and not case.satisfaction
        return context


class MyCaseReportView(ResidentMixin, FormView):
    """Report a problem: what, where, and a photo if the resident has one."""

    template_name = "casework/resident/report.html"
    form_class = ReportForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["community"] = self.community
        return kwargs

    def get_initial(self):
        entrance = self.resident.household.entrance
        return {"place": f"e{entrance.pk}"}

    def form_valid(self, form):
        data = form.cleaned_data
        building, entrance = data["place"]
        user = self.request.user
        try:
            # The case and its photo are written together, or not at all.
            with transaction.atomic():
                case = services.case_create(
                    community=self.community,
                    by=user,
                    source=Case.Source.ONLINE,
                    category=data["category"],
                    description=data["description"],
                    building=building,
                    entrance=entrance,
                    location_detail=data["location_detail"],
                    reporter_resident=self.resident,
                )
                if data.get("photo"):
                    services.attachment_add(
                        case=case,
                        by=user,
                        upload=data["photo"],
                        caption=_("Photo from the resident"),
                    )
                # Nobody is assigned yet: the office must know there is a new report.
                services.notify_users(
                    services.office_users(self.community),
                    title=_("New problem reported online: %(category)s")
                    % {"category": case.category.name},
                    body=case.description[:300],
                    url=services.case_url(case),
                    dedupe=f"case-online-{case.pk}",
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "file" in exc.error_dict:
                exc = ValidationError({"photo": exc.error_dict.pop("file"), **exc.error_dict})
            if hasattr(exc, "error_dict") and "building" in exc.error_dict:
                exc = ValidationError({"place": exc.error_dict.pop("building"), **exc.error_dict})
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Thank you. Your report has been received; we will contact you by %(when)s.")
            % {"when": f"{timezone.localtime(case.contact_due):%Y-%m-%d %H:%M}"},
        )
        return redirect("casework:my_case_detail", self.community.code, case.pk)


class MyCaseDetailView(ResidentMixin, TemplateView):
    """One of the resident's own cases, in plain words."""

    template_name = "casework/resident/my_case_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = get_object_or_404(
            self.own_cases().prefetch_related(
                Prefetch(
                    "actions",
                    queryset=CaseAction.objects.exclude(kind__in=INTERNAL_STEPS),
                    to_attr="visible_actions",
                ),
                "attachments",
            ),
            pk=self.kwargs["pk"],
        )
        user = self.request.user
        actor_ids = {a.by_id for a in case.visible_actions if a.by_id}
        property_staff = set(
            CommunityRole.objects.active(timezone.localdate())
            .filter(community=self.community, role="property_manager", user_id__in=actor_ids)
            .values_list("user_id", flat=True)
        )
        steps = []
        for action in case.visible_actions:
            if action.by_id == user.pk:
                who = _("You")
            elif action.by_id in property_staff:
                who = _("Property company")
            else:
                who = _("Community office")
            steps.append(
                {
                    "at": action.at,
                    "what": str(STEP_WORDS.get(action.kind, action.get_kind_display())),
                    "who": who,
                    "note": action.note if action.kind in NOTE_SHOWN else "",
                }
            )
        now = timezone.now()
        context.update(
            case=case,
            status_words=status_words(case),
            outcome_words=OUTCOME_WORDS.get(case.outcome, ""),
            steps=list(reversed(steps)),
            attachments=[
                (a, a.file.name.lower().endswith((".jpg", ".jpeg", ".png")))
                for a in case.attachments.all()
            ],
            contact_late=case.contacted_at is None and now > case.contact_due,
            may_rate=(
                case.status == S.CLOSED
                and not case.satisfaction
                and user.has_perm("casework.rate_online", case)
            ),
            satisfaction_buttons=SATISFACTION_BUTTONS,
        )
        return context


class MyCaseRateView(ResidentMixin, View):
    """The resident's own rating of a finished case, once."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        case = get_object_or_404(
            self.own_cases().select_related("reporter_resident"), pk=kwargs["pk"]
        )
        if not request.user.has_perm("casework.rate_online", case):
            raise PermissionDenied
        back = redirect("casework:my_case_detail", self.community.code, case.pk)
        form = RateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Please press one of the three buttons."))
            return back
        try:
            services.case_rate(
                case=case,
                by=request.user,
                satisfaction=form.cleaned_data["satisfaction"],
                via=Case.RatedVia.ONLINE,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return back
        messages.success(request, _("Thank you for telling us how satisfied you are."))
        return back
