"""The coordination council: overview with compliance, member units and agreements,
joint meetings (with attendance, resolutions, notice, sign-in sheet and .ics feed),
joint activities with photos, and the area compliance roll-up."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from communities import ics
from communities.mixins import ServiceFormMixin, apply_validation_error
from communities.models import Community
from communities.scope import scope_of
from communities.selectors import subdistricts_of
from governance import compliance, council_services, selectors, services
from governance.filters import ActivityFilter, MeetingFilter
from governance.forms.council import (
    ActivityForm,
    AgreementForm,
    AttendanceFormSet,
    CouncilForm,
    MeetingCancelForm,
    MeetingForm,
    MeetingHoldForm,
    MemberAddForm,
    PhotoForm,
    ResolutionForm,
    YearForm,
)
from governance.models import (
    ActivityPhoto,
    Agreement,
    CoordinationCouncil,
    JointActivity,
    JointMeeting,
    MemberUnit,
    Resolution,
)
from governance.views.base import GovernanceMixin, ManageMixin


class CouncilMixin(GovernanceMixin):
    """Loads ``self.council`` of the URL's community; without one, offers to set it up."""

    def dispatch(self, request, *args, **kwargs):
        self._council = None
        return super().dispatch(request, *args, **kwargs)

    @property
    def council(self) -> CoordinationCouncil:
        if self._council is None:
            self._council = CoordinationCouncil.objects.filter(community=self.community).first()
            if self._council is None:
                raise Http404
        return self._council

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["council"] = self.council
        return context

    def form_title(self) -> str:
        return ""


class CouncilManageMixin(CouncilMixin):
    permission_required = "governance.manage_governance"


def _year_from(request) -> int:
    form = YearForm(request.GET)
    if form.is_valid() and form.cleaned_data.get("year"):
        return form.cleaned_data["year"]
    return timezone.localdate().year


# ---------------------------------------------------------------- the council


class CouncilView(GovernanceMixin, TemplateView):
    """The council's page: this year's compliance, member units, meetings, activities."""

    template_name = "governance/council/council.html"

    def get(self, request, *args, **kwargs):
        self.council = CoordinationCouncil.objects.filter(community=self.community).first()
        if self.council is None:
            if request.user.has_perm("governance.manage_governance", self.community):
                return redirect("governance:council_setup", self.community.code)
            return self.render_to_response(self.get_context_data(no_council=True))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if kwargs.get("no_council"):
            return context
        today = timezone.localdate()
        year = _year_from(self.request)
        row = selectors.councils_with_compliance(
            CoordinationCouncil.objects.filter(pk=self.council.pk), year=year, today=today
        ).get()
        context.update(
            council=self.council,
            year=year,
            years=[today.year - 1, today.year] if year >= today.year - 1 else [year, today.year],
            standing=compliance.year_compliance(
                year=year,
                today=today,
                held_halves={h for h, held in ((1, row.h1_held), (2, row.h2_held)) if held},
                activities=row.activity_count,
                expiring_agreements=row.expiring_count,
                min_activities=settings.GOVERNANCE_MIN_ACTIVITIES,
            ),
            members=Paginator(selectors.council_members(self.council, today), 50).get_page(
                self.request.GET.get("page")
            ),
            meetings=list(selectors.meetings_of(self.council).filter(year=year)),
            activities=list(selectors.activities_of(self.council).filter(date__year=year)[:10]),
            flags=list(self.council.flags.filter(year__gte=year - 1)[:10]),
            warning_days=settings.GOVERNANCE_AGREEMENT_WARNING_DAYS,
            calendar_url=self.request.build_absolute_uri(
                reverse("governance:meetings_ics", args=[self.council.calendar_token])
            ),
        )
        return context


class CouncilSetupView(ManageMixin, ServiceFormMixin, FormView):
    form_class = CouncilForm

    @property
    def title(self) -> str:
        if CoordinationCouncil.objects.filter(community=self.community).exists():
            return _("Edit the coordination council")
        return _("Set up the coordination council")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = CoordinationCouncil.objects.filter(
            community=self.community
        ).first() or CoordinationCouncil(
            community=self.community,
            name=_("%(community)s party-building coordination council")
            % {"community": self.community.name},
        )
        return kwargs

    success_message = gettext_lazy("The council has been saved.")

    def call_service(self, form):
        return council_services.council_save(council=form.save(commit=False))

    def get_success_url(self):
        return reverse("governance:council", args=[self.community.code])


class MemberAddView(CouncilManageMixin, ServiceFormMixin, FormView):
    form_class = MemberAddForm
    title = _("Add a member unit")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["council"] = self.council
        return kwargs

    success_message = gettext_lazy("The member unit has been added.")

    def call_service(self, form):
        return council_services.member_add(member=form.save(commit=False))

    def get_success_url(self):
        return reverse("governance:council", args=[self.community.code])


class MemberLeaveView(CouncilManageMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        member = get_object_or_404(self.council.members, pk=kwargs["pk"])
        council_services.member_leave(member=member, on=timezone.localdate())
        messages.success(request, _("%(unit)s has left the council.") % {"unit": member})
        return redirect("governance:council", self.community.code)


class AgreementCreateView(CouncilManageMixin, ServiceFormMixin, FormView):
    form_class = AgreementForm
    title = _("Add a co-building agreement")

    def get_member(self) -> MemberUnit:
        return get_object_or_404(
            self.council.members.select_related("organisation"), pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_instance()
        return kwargs

    def get_instance(self) -> Agreement:
        return Agreement(member=self.get_member())

    success_message = gettext_lazy("The agreement has been saved.")

    def call_service(self, form):
        return council_services.agreement_save(agreement=form.save(commit=False))

    def get_success_url(self):
        return reverse("governance:council", args=[self.community.code])


class AgreementUpdateView(AgreementCreateView):
    title = _("Edit co-building agreement")

    def get_instance(self) -> Agreement:
        return get_object_or_404(
            Agreement.objects.filter(member__council=self.council), pk=self.kwargs["pk"]
        )


class AgreementFileView(CouncilMixin, View):
    """The scanned agreement, only to those who may see the council."""

    def get(self, request, *args, **kwargs):
        agreement = get_object_or_404(
            Agreement.objects.filter(member__council=self.council), pk=kwargs["pk"]
        )
        if not agreement.file:
            raise Http404
        return FileResponse(agreement.file.open("rb"), as_attachment=False)


# ---------------------------------------------------------------- meetings


class MeetingListView(CouncilMixin, FilterView):
    template_name = "governance/council/meeting_list.html"
    filterset_class = MeetingFilter

    def get_queryset(self):
        return selectors.meetings_of(self.council)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context["query_string"] = params.urlencode()
        return context


class MeetingCreateView(CouncilManageMixin, ServiceFormMixin, FormView):
    form_class = MeetingForm
    title = _("Plan a joint meeting")

    success_message = gettext_lazy("The meeting has been planned.")

    def call_service(self, form):
        data = form.cleaned_data
        meeting = services.meeting_plan(
            council=self.council,
            planned_date=data["planned_date"],
            location=data["location"],
            agenda=data["agenda"],
        )
        if meeting is None:
            raise ValidationError(
                {
                    "planned_date": _(
                        "The council already has a meeting planned or held in that half-year. "
                        "Edit that meeting instead."
                    )
                }
            )
        return meeting

    def get_success_url(self):
        return reverse("governance:meeting_detail", args=[self.community.code, self.object.pk])


class MeetingObjectMixin(CouncilMixin):
    def get_meeting(self) -> JointMeeting:
        return get_object_or_404(self.council.meetings, pk=self.kwargs["pk"])


class MeetingDetailView(MeetingObjectMixin, DetailView):
    template_name = "governance/council/meeting_detail.html"
    context_object_name = "meeting"

    def get_object(self, queryset=None):
        return self.get_meeting()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.object
        context["attendance"] = list(
            meeting.attendance.select_related("member__organisation").order_by(
                "member__organisation__name"
            )
        )
        context["resolutions"] = list(
            meeting.resolutions.select_related("owner__organisation").order_by("due_date")
        )
        context["today"] = timezone.localdate()
        return context


class MeetingUpdateView(MeetingObjectMixin, CouncilManageMixin, ServiceFormMixin, FormView):
    form_class = MeetingForm
    title = _("Edit joint meeting")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_meeting()
        return kwargs

    success_message = gettext_lazy("The meeting has been saved.")

    def call_service(self, form):
        meeting = self.get_meeting()
        services.meeting_update(meeting=meeting, **form.cleaned_data)
        return meeting

    def get_success_url(self):
        return reverse("governance:meeting_detail", args=[self.community.code, self.object.pk])


class MeetingHoldView(MeetingObjectMixin, CouncilManageMixin, ServiceFormMixin, FormView):
    form_class = MeetingHoldForm
    title = _("Record the meeting as held")

    def get_initial(self):
        meeting = self.get_meeting()
        return {"minutes": meeting.minutes, "held_at": meeting.held_at}

    success_message = gettext_lazy("The meeting has been recorded as held.")

    def call_service(self, form):
        meeting = self.get_meeting()
        services.meeting_hold(meeting=meeting, **form.cleaned_data)
        return meeting

    def get_success_url(self):
        return reverse("governance:meeting_detail", args=[self.community.code, self.object.pk])


class MeetingCancelView(MeetingObjectMixin, CouncilManageMixin, ServiceFormMixin, FormView):
    form_class = MeetingCancelForm
    title = _("Cancel the meeting")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.get_meeting()
        return context

    success_message = gettext_lazy("The meeting has been cancelled.")

    def call_service(self, form):
        meeting = self.get_meeting()
        services.meeting_cancel(meeting=meeting, reason=form.cleaned_data["cancel_reason"])
        return meeting

    def get_success_url(self):
        return reverse("governance:meeting_detail", args=[self.community.code, self.object.pk])


class AttendanceView(MeetingObjectMixin, CouncilManageMixin, TemplateView):
    """Tick off which member units came, one row per unit."""

    template_name = "governance/council/attendance.html"

    def _members(self):
        return list(
            self.council.members.select_related("organisation").order_by("organisation__name")
        )

    def _formset(self, data=None):
        meeting = self.get_meeting()
        recorded = {a.member_id: a for a in meeting.attendance.all()}
        members = self._members()
        initial = [
            {
                "member": m.pk,
                "present": recorded[m.pk].present if m.pk in recorded else False,
                "representative": recorded[m.pk].representative if m.pk in recorded else "",
            }
            for m in members
        ]
        formset = AttendanceFormSet(data=data, initial=initial)
        names = {m.pk: m.organisation.name for m in members}
        for form in formset:
            form.unit_name = names.get(form.initial.get("member"), "")
        return formset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.get_meeting()
        context.setdefault("formset", self._formset())
        return context

    def post(self, request, *args, **kwargs):
        formset = self._formset(request.POST)
        if formset.is_valid():
            try:
                council_services.attendance_record(
                    meeting=self.get_meeting(),
                    rows=[f.cleaned_data for f in formset if f.cleaned_data],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return self.render_to_response(self.get_context_data(formset=formset))
            messages.success(request, _("Attendance has been saved."))
            return redirect("governance:meeting_detail", self.community.code, kwargs["pk"])
        return self.render_to_response(self.get_context_data(formset=formset))


class ResolutionCreateView(MeetingObjectMixin, CouncilManageMixin, ServiceFormMixin, FormView):
    form_class = ResolutionForm
    title = _("Add a resolution")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["council"] = self.council
        kwargs["instance"] = Resolution(meeting=self.get_meeting())
        return kwargs

    success_message = gettext_lazy("The resolution has been added.")

    def call_service(self, form):
        return council_services.resolution_save(resolution=form.save(commit=False))

    def get_success_url(self):
        return reverse("governance:meeting_detail", args=[self.community.code, self.kwargs["pk"]])


class ResolutionDoneView(CouncilManageMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        resolution = get_object_or_404(
            Resolution.objects.filter(meeting__council=self.council), pk=kwargs["pk"]
        )
        council_services.resolution_done(resolution=resolution)
        messages.success(request, _("The resolution is marked done."))
        return redirect("governance:meeting_detail", self.community.code, resolution.meeting_id)


class MeetingNoticeView(MeetingObjectMixin, TemplateView):
    """A printable notice of the meeting for the member units."""

    template_name = "governance/council/meeting_notice.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.get_meeting()
        context["members"] = list(
            self.council.members.filter(left_on__isnull=True)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        context["today"] = timezone.localdate()
        return context


class SignInSheetView(MeetingNoticeView):
    template_name = "governance/council/sign_in_sheet.html"


class MeetingCalendarView(View):
    """The council's joint meetings as an iCalendar feed at a secret address."""

    def get(self, request, token):
        council = get_object_or_404(
            CoordinationCouncil.objects.select_related("community"), calendar_token=token
        )
        meetings = council.meetings.exclude(status=JointMeeting.Status.CANCELLED).order_by(
            "planned_date"
        )
        body = ics_calendar(council, meetings, request)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="joint-meetings.ics"'
        return response


def ics_calendar(council, meetings, request) -> str:
    """All-day events on each meeting's date (or its held time), in Beijing time."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Gongzhi//Joint meetings//ZH",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{ics.escape(council.name)}",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    host = request.get_host()
    for meeting in meetings:
        url = request.build_absolute_uri(
            reverse("governance:meeting_detail", args=[council.community.code, meeting.pk])
        )
        lines += ["BEGIN:VEVENT", f"UID:joint-meeting-{meeting.pk}@{host}", f"DTSTAMP:{stamp}"]
        if meeting.held_at:
            start = meeting.held_at.astimezone(dt.UTC)
            lines += [
                f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
                f"DTEND:{start + dt.timedelta(hours=2):%Y%m%dT%H%M%SZ}",
            ]
        else:
            day = meeting.planned_date
            lines += [
                f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
            ]
        summary = _("Joint meeting: %(council)s") % {"council": council.name}
        lines += [
            f"SUMMARY:{ics.escape(summary)}",
            f"LOCATION:{ics.escape(meeting.location)}",
            f"DESCRIPTION:{ics.escape(meeting.agenda)}",
            f"URL:{url}",
            f"STATUS:{'CONFIRMED' if meeting.status == JointMeeting.Status.HELD else 'TENTATIVE'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(ics.fold(line) for line in lines) + "\r\n"


# ---------------------------------------------------------------- activities


class ActivityListView(CouncilMixin, FilterView):
    template_name = "governance/council/activity_list.html"
    filterset_class = ActivityFilter
    paginate_by = settings.PAGE_SIZE

    def get_queryset(self):
        return selectors.activities_of(self.council)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["council"] = self.council
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context["query_string"] = params.urlencode()
        return context


class ActivityCreateView(CouncilManageMixin, ServiceFormMixin, FormView):
    form_class = ActivityForm
    title = _("Record a joint activity")

    def get_instance(self) -> JointActivity:
        return JointActivity(council=self.council)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["council"] = self.council
        kwargs["instance"] = self.get_instance()
        return kwargs

    success_message = gettext_lazy("The activity has been saved.")

    def call_service(self, form):
        return council_services.activity_save(
            activity=form.save(commit=False), units=list(form.cleaned_data["units"])
        )

    def get_success_url(self):
        return reverse("governance:activity_detail", args=[self.community.code, self.object.pk])


class ActivityUpdateView(ActivityCreateView):
    title = _("Edit joint activity")

    def get_instance(self) -> JointActivity:
        return get_object_or_404(self.council.activities, pk=self.kwargs["pk"])


class ActivityDetailView(CouncilMixin, TemplateView):
    """An activity with its units and photos; the secretary uploads photos here."""

    template_name = "governance/council/activity_detail.html"

    def get_activity(self) -> JointActivity:
        return get_object_or_404(
            self.council.activities.prefetch_related("units__organisation", "photos"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["activity"] = self.get_activity()
        if context["can_manage"]:
            context.setdefault("photo_form", PhotoForm())
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("governance.manage_governance", self.community):
            raise PermissionDenied
        activity = self.get_activity()
        form = PhotoForm(request.POST, request.FILES, instance=ActivityPhoto(activity=activity))
        if form.is_valid():
            try:
                council_services.photo_add(photo=form.save(commit=False))
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The photo has been added."))
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(photo_form=form))


class ActivityPhotoView(CouncilMixin, View):
    def get(self, request, *args, **kwargs):
        photo = get_object_or_404(
            ActivityPhoto.objects.filter(activity__council=self.council), pk=kwargs["pk"]
        )
        return FileResponse(photo.image.open("rb"))


# ---------------------------------------------------------------- area roll-up


class ComplianceRollupView(LoginRequiredMixin, TemplateView):
    """Subdistrict and district staff: every council beneath them, this year's standing."""

    template_name = "governance/compliance_rollup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            request.user.is_superuser or scope_of(request.user).is_area_staff
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year = _year_from(self.request)
        communities = Community.objects.filter(subdistrict__in=subdistricts_of(self.request.user))
        councils = selectors.councils_with_compliance(
            selectors.area_councils(communities), year=year, today=today
        )
        page = Paginator(councils, settings.PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = []
        for council in page:
            standing = compliance.year_compliance(
                year=year,
                today=today,
                held_halves={h for h, held in ((1, council.h1_held), (2, council.h2_held)) if held},
                activities=council.activity_count,
                expiring_agreements=council.expiring_count,
                min_activities=settings.GOVERNANCE_MIN_ACTIVITIES,
            )
            rows.append((council, standing))
        totals = selectors.compliance_totals(councils)

        def share(n: int) -> int:
            return round(100 * n / totals["total"]) if totals["total"] else 0

        chart = [
            (_("Meeting, first half"), share(totals["h1"]), "#198754"),
            (_("Meeting, second half"), share(totals["h2"]), "#198754"),
            (_("Enough joint activities"), share(totals["activities"]), "#0d6efd"),
            (_("Agreements expiring soon"), share(totals["expiring"]), "#ffc107"),
        ]
        context.update(
            chart=chart,
            year=year,
            page_obj=page,
            rows=rows,
            totals=totals,
            communities_without_council=communities.filter(council__isnull=True).count(),
            query_string=f"year={year}",
            min_activities=settings.GOVERNANCE_MIN_ACTIVITIES,
        )
        return context
