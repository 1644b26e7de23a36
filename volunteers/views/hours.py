"""Service hours (totals, history, adjustments, confirmation, CSV and a printable
certificate), adoptions with care visits and their photos, and the volunteers dashboard.

Who sees which hours: the office, the area staff above and team leaders see every
volunteer's hours; any other resident who volunteers sees only their own. Adjustments are
made by the office, or by a team's leader for the team's members (not for themselves);
only the office confirms hours.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from communities import exports
from communities.mixins import CommunityMixin, apply_validation_error
from communities.models import CommunityRole
from communities.rules import is_area_staff_over
from communities.scope import scope_of
from volunteers import hour_services, selectors
from volunteers.forms.hours import (
    AdjustForm,
    AdoptionForm,
    CareVisitForm,
    ConfirmForm,
    PeriodForm,
)
from volunteers.models import Adoption, Asset, CareVisit, Membership, Team, Volunteer
from volunteers.selectors import Period
from volunteers.team_services import led_team_ids


def hours_label(minutes: int | None) -> str:
    """Minutes as hours with one decimal, e.g. 90 → '1.5'."""
    return f"{(minutes or 0) / 60:.1f}"


class VolunteersMixin(CommunityMixin):
    """Community pages of the volunteers app: anyone who may see the community's volunteer
    work (office, area staff, team leaders, verified residents)."""

    permission_required = "volunteers.view"
    form_takes_community = False

    @cached_property
    def can_manage(self) -> bool:
        return self.request.user.has_perm("volunteers.manage", self.community)

    @cached_property
    def led_teams(self) -> set[int]:
        return led_team_ids(self.request.user, self.community)

    @cached_property
    def sees_all_hours(self) -> bool:
        user = self.request.user
        if user.is_superuser or is_area_staff_over(user, self.community):
            return True
        roles = scope_of(user).roles_in(self.community.pk)
        return (
            bool(roles & CommunityRole.OFFICE_ROLES)
            or "team_leader" in roles
            or bool(self.led_teams)
        )

    @cached_property
    def own_volunteer(self) -> Volunteer | None:
        return selectors.volunteer_of(self.request.user, self.community)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.can_manage
        return context


class PeriodMixin:
    """Reads the year, month, team and volunteer from the query string."""

    def period_form(self) -> PeriodForm:
        form = PeriodForm(self.request.GET or None, community=self.community)
        form.is_valid()
        return form

    def parse_period(self) -> tuple[Period, PeriodForm, dict]:
        """The period asked for (this month on a first visit), the form to show, and the
        cleaned filters (empty if they did not validate)."""
        form = self.period_form()
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        if data.get("year"):
            return Period(data["year"], data.get("month")), form, data
        today = timezone.localdate()
        period = Period(today.year, today.month)
        form = PeriodForm(
            initial={"year": period.year, "month": period.month, "team": data.get("team")},
            community=self.community,
        )
        return period, form, data

    def query_string(self, **extra) -> str:
        params = self.request.GET.copy()
        params.pop("page", None)
        params.pop("hpage", None)
        for key, value in extra.items():
            params[key] = value
        return params.urlencode()


class HoursScopeMixin(VolunteersMixin, PeriodMixin):
    """Decides whose hours the page may show."""

    def scope(self):
        """(period, form, team, volunteer) — the volunteer is forced to the user's own when
        they may not see everyone's; 404 for a volunteer of another community."""
        period, form, data = self.parse_period()
        team = data.get("team")
        volunteer = None
        if not self.sees_all_hours:
            volunteer = self.own_volunteer
        elif data.get("volunteer"):
            volunteer = get_object_or_404(
                Volunteer.objects.filter(community=self.community), pk=data["volunteer"]
            )
        return period, form, team, volunteer


class HoursView(HoursScopeMixin, TemplateView):
    """Totals per volunteer, per team and per month; one volunteer's history on request."""

    template_name = "volunteers/hours/hours.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period, form, team, volunteer = self.scope()
        context.update(period=period, form=form, team=team, volunteer=volunteer)
        if not self.sees_all_hours and volunteer is None:
            context["not_a_volunteer"] = True
            return context
        volunteer_id = volunteer.pk if volunteer else None
        entries = selectors.hours_of(self.community)
        if volunteer_id:
            entries = entries.filter(volunteer_id=volunteer_id)
        summary = selectors.period_summary(entries, period)
        rows = selectors.volunteer_totals(
            self.community,
            period,
            team_id=team.pk if team else None,
            volunteer_id=volunteer_id,
        )
        page = Paginator(rows, settings.PAGE_SIZE).get_page(self.request.GET.get("page"))
        for row in page:
            row.hours_text = hours_label(row.minutes)
            row.confirmed_text = hours_label(row.confirmed_minutes)
        teams = list(selectors.team_totals(self.community, period, volunteer_id=volunteer_id))
        for row in teams:
            row.hours_text = hours_label(row.minutes)
        months = selectors.minutes_by_month(entries, dt.date(period.year, 1, 1), 12)
        history = None
        if volunteer is not None:
            history = Paginator(selectors.entries_of(volunteer, period), settings.PAGE_SIZE)
            history = history.get_page(self.request.GET.get("hpage"))
            for entry in history:
                entry.hours_text = hours_label(entry.minutes)
        context.update(
            summary=summary,
            total_hours=hours_label(summary["minutes"]),
            confirmed_hours=hours_label(summary["confirmed_minutes"]),
            page_obj=page,
            rows=page.object_list,
            teams=teams,
            months=[(month, hours_label(minutes), minutes) for month, minutes in months],
            history=history,
            sees_all=self.sees_all_hours,
            can_adjust=self.can_manage or bool(self.led_teams),
            query_string=self.query_string(),
            csv_query=self.query_string(),
            is_own=volunteer is not None and volunteer.pk == getattr(self.own_volunteer, "pk", 0),
        )
        return context


class HoursCsvView(HoursScopeMixin, View):
    """The period's per-volunteer totals as a spreadsheet (``communities.exports``: text
    cells escaped against formulas)."""

    def get(self, request, *args, **kwargs):
        period, _form, team, volunteer = self.scope()
        if not self.sees_all_hours and volunteer is None:
            raise PermissionDenied
        rows = selectors.volunteer_totals(
            self.community,
            period,
            team_id=team.pk if team else None,
            volunteer_id=volunteer.pk if volunteer else None,
        )
        label = f"{period.year}" + (f"-{period.month:02d}" if period.month else "")
        sheet = []
        sheet.append([_("Community"), self.community.name])
        sheet.append([_("Period"), label])
        if team:
            sheet.append([_("Team"), team.name])
        sheet.append([])
        sheet.append(
            [
                _("Volunteer"),
                _("Armband number"),
                _("City volunteer platform number"),
                _("Hours"),
                _("Confirmed hours"),
                _("Minutes served"),
                _("Entries"),
            ]
        )
        for row in rows.iterator():
            sheet.append(
                [
                    row.name,
                    row.armband_number,
                    row.platform_number,
                    hours_label(row.minutes),
                    hours_label(row.confirmed_minutes),
                    row.minutes,
                    row.entry_count,
                ]
            )
        name = f"volunteer-hours-{self.community.code}-{label}.csv"
        return exports.csv_response(sheet, name)


class AdjustView(VolunteersMixin, FormView):
    """Add or remove hours with a reason; the history keeps every adjustment."""

    template_name = "volunteers/hours/adjust.html"
    form_class = AdjustForm

    def get(self, request, *args, **kwargs):
        self.authorize()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.authorize()
        return super().post(request, *args, **kwargs)

    def authorize(self) -> None:
        if not (self.can_manage or self.led_teams):
            raise PermissionDenied

    def adjustable(self):
        """Volunteers this user may adjust: everyone for the office; a leader's team
        members, but not the leader themself."""
        volunteers = Volunteer.objects.filter(community=self.community)
        if not self.can_manage:
            volunteers = volunteers.filter(
                pk__in=Membership.objects.filter(
                    team_id__in=self.led_teams, status=Membership.Status.APPROVED
                ).values("volunteer_id")
            ).exclude(user=self.request.user)
        return volunteers.order_by("name", "pk")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["volunteers"] = self.adjustable()
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("volunteer", "").isdigit():
            initial["volunteer"] = int(self.request.GET["volunteer"])
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        recent = selectors.recent_adjustments(
            self.community,
            volunteer_ids=None if self.can_manage else self.adjustable().values("pk"),
        )
        page = Paginator(recent, settings.PAGE_SIZE).get_page(self.request.GET.get("page"))
        for entry in page:
            entry.hours_text = hours_label(entry.minutes)
        context.update(page_obj=page, adjustments=page.object_list, title=_("Adjust hours"))
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            entry = hour_services.adjustment_add(
                volunteer=data["volunteer"],
                minutes=data["minutes"],
                reason=data["reason"],
                day=data["day"],
                by=self.request.user,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(hours)s hours recorded for %(name)s.")
            % {"hours": hours_label(entry.minutes), "name": entry.volunteer.name},
        )
        query = urlencode(
            {"year": entry.day.year, "month": entry.day.month, "volunteer": entry.volunteer_id}
        )
        return redirect(reverse("volunteers:hours", args=[self.community.code]) + "?" + query)


class ConfirmView(VolunteersMixin, PeriodMixin, TemplateView):
    """The office confirms unconfirmed hours in bulk; hours already confirmed (by anyone)
    keep their first confirmation."""

    template_name = "volunteers/hours/confirm.html"
    permission_required = "volunteers.manage"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.period_form()
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        period = Period(data["year"], data.get("month")) if data.get("year") else None
        entries = selectors.unconfirmed_entries(self.community, period)
        page = Paginator(entries, settings.PAGE_SIZE).get_page(self.request.GET.get("page"))
        for entry in page:
            entry.hours_text = hours_label(entry.minutes)
        context.update(
            form=form,
            period=period,
            page_obj=page,
            entries=page.object_list,
            query_string=self.query_string(),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = ConfirmForm(request.POST, community=self.community)
        back = reverse("volunteers:hours_confirm", args=[self.community.code])
        if request.GET:
            back += "?" + self.query_string()
        if not form.is_valid():
            messages.error(request, _("Choose the hours to confirm."))
            return HttpResponseRedirect(back)
        chosen = [entry.pk for entry in form.cleaned_data["entries"]]
        confirmed = hour_services.hours_confirm_selected(
            community=self.community, entry_ids=chosen, by=request.user
        )
        messages.success(
            request,
            _("%(n)d entries confirmed; %(m)d had already been confirmed.")
            % {"n": confirmed, "m": len(chosen) - confirmed},
        )
        return HttpResponseRedirect(back)


class CertificateView(VolunteersMixin, TemplateView):
    """A printable certificate of a volunteer's confirmed hours, for the volunteer or the
    office."""

    template_name = "volunteers/hours/certificate.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        volunteer = get_object_or_404(
            Volunteer.objects.filter(community=self.community), pk=self.kwargs["pk"]
        )
        user = self.request.user
        if not (self.can_manage or (volunteer.user_id and volunteer.user_id == user.pk)):
            raise PermissionDenied
        totals = selectors.certificate(volunteer)
        for row in totals["by_year"]:
            row["hours_text"] = hours_label(row["minutes"])
        context.update(
            volunteer=volunteer,
            totals=totals,
            hours=hours_label(totals["minutes"]),
            memberships=selectors.teams_of(volunteer),
            today=timezone.localdate(),
        )
        return context


# ---------------------------------------------------------------- adoptions


class AdoptionListView(VolunteersMixin, TemplateView):
    template_name = "volunteers/hours/adoption_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        adoptions = selectors.adoption_list(self.community, today=timezone.localdate())
        page = Paginator(adoptions, settings.PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page,
            adoptions=page.object_list,
            can_adopt=self.can_manage or bool(self.led_teams),
        )
        return context


class AdoptionCreateView(VolunteersMixin, FormView):
    """The office adopts for any team or volunteer; a team leader for the teams they lead."""

    template_name = "communities/form.html"
    form_class = AdoptionForm

    def get(self, request, *args, **kwargs):
        self.authorize()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.authorize()
        return super().post(request, *args, **kwargs)

    def authorize(self) -> None:
        if not (self.can_manage or self.led_teams):
            raise PermissionDenied

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        today = timezone.localdate()
        kwargs["assets"] = (
            Asset.objects.filter(community=self.community)
            .exclude(
                pk__in=Adoption.objects.filter(hour_services.current_adoption_q(today)).values(
                    "asset_id"
                )
            )
            .order_by("kind", "name")
        )
        teams = Team.objects.filter(community=self.community, status=Team.Status.ACTIVE)
        if not self.can_manage:
            teams = teams.filter(pk__in=self.led_teams)
        kwargs["teams"] = teams.order_by("name")
        if self.can_manage:
            kwargs["volunteers"] = Volunteer.objects.filter(
                community=self.community, status=Volunteer.Status.ACTIVE
            ).order_by("name")
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Adopt a tree or facility")
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            adoption = hour_services.adoption_create(
                community=self.community,
                starts_on=data["starts_on"],
                asset=data.get("asset"),
                new_asset=form.new_asset(),
                team=data.get("team"),
                volunteer=data.get("volunteer"),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The adoption has been recorded."))
        return redirect("volunteers:adoption_detail", self.community.code, adoption.pk)


class AdoptionDetailView(VolunteersMixin, TemplateView):
    """An adoption with its care visits; the adopters and the office log visits here."""

    template_name = "volunteers/hours/adoption_detail.html"

    @cached_property
    def adoption(self) -> Adoption:
        return get_object_or_404(
            Adoption.objects.filter(asset__community=self.community).select_related(
                "asset", "team", "volunteer"
            ),
            pk=self.kwargs["pk"],
        )

    def may_log(self) -> bool:
        """The office, the adopting volunteer, or an approved member of the adopting team."""
        if self.can_manage:
            return True
        adoption, user = self.adoption, self.request.user
        if adoption.volunteer_id:
            return adoption.volunteer.user_id == user.pk
        return Membership.objects.filter(
            team_id=adoption.team_id, volunteer__user=user, status=Membership.Status.APPROVED
        ).exists()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        adoption = self.adoption
        visits = adoption.visits.select_related("by").order_by("-day", "-pk")
        page = Paginator(visits, settings.PAGE_SIZE).get_page(self.request.GET.get("page"))
        today = timezone.localdate()
        current = adoption.ends_on is None or adoption.ends_on >= today
        may_log = current and self.may_log()
        if may_log:
            context.setdefault("visit_form", CareVisitForm())
        context.update(adoption=adoption, page_obj=page, visits=page.object_list, may_log=may_log)
        return context

    def post(self, request, *args, **kwargs):
        if not self.may_log():
            raise PermissionDenied
        form = CareVisitForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                hour_services.care_visit_add(
                    adoption=self.adoption,
                    day=data["day"],
                    note=data["note"],
                    photo=data.get("photo"),
                    by=request.user,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The visit has been logged."))
                return HttpResponseRedirect(request.path)
        return self.render_to_response(self.get_context_data(visit_form=form))


class CarePhotoView(VolunteersMixin, View):
    """A care visit's photo, only to those who may see the community's volunteer work."""

    def get(self, request, *args, **kwargs):
        visit = get_object_or_404(
            CareVisit.objects.filter(adoption__asset__community=self.community),
            pk=kwargs["pk"],
        )
        if not visit.photo:
            raise Http404
        return FileResponse(visit.photo.open("rb"))


# ---------------------------------------------------------------- dashboard

CHART_HEIGHT = 160
CHART_BAR = 36


class DashboardView(VolunteersMixin, TemplateView):
    """Registered and recently active volunteers, hours per month over the last 12 months,
    teams by hours, and the upcoming shifts still short of volunteers."""

    template_name = "volunteers/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        today = timezone.localdate()
        first_month = selectors.add_months(today, -11)
        months = selectors.minutes_by_month(selectors.hours_of(self.community), first_month, 12)
        peak = max((minutes for _month, minutes in months), default=0)
        chart = []
        for index, (month, minutes) in enumerate(months):
            height = round(CHART_HEIGHT * minutes / peak) if peak else 0
            chart.append(
                {
                    "month": month,
                    "hours": hours_label(minutes),
                    "x": index * (CHART_BAR + 12) + 8,
                    "height": height,
                    "y": 20 + CHART_HEIGHT - height,
                }
            )
        team_rows = list(
            selectors.team_totals(self.community, selectors.Span(first_month, today))[:10]
        )
        for row in team_rows:
            row.hours_text = hours_label(row.minutes)
        unfilled = selectors.unfilled_shifts(self.community, now=now)
        context.update(
            counts=selectors.volunteer_counts(self.community, now=now),
            chart=chart,
            chart_width=12 * (CHART_BAR + 12) + 8,
            chart_height=CHART_HEIGHT + 60,
            total_hours=hours_label(sum(minutes for _month, minutes in months)),
            team_rows=team_rows,
            unfilled=list(unfilled[:10]),
            unfilled_count=unfilled.count(),
            own_volunteer=self.own_volunteer,
            sees_all=self.sees_all_hours,
        )
        return context
