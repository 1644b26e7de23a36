"""Duty rosters: shifts and recurring duties, sign-up, cancel and swap, leaders' assignment
and check-in, the weekly roster grid (page, print, CSV), a volunteer's own shifts and
calendar feed, and the check-in page opened from the QR code posted at the duty point.

Who may do what: everyone who may see the community's volunteer work reads shifts and
the roster; a volunteer signs themselves up, and cancels or swaps before the team's
cut-off; a team's leader plans, assigns and checks in on their own team's shifts; the
office does all of it for every team and plans the whole community's shifts.
"""

from __future__ import annotations

import datetime as dt

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from django_filters.views import FilterView

from communities import exports, ics
from communities.mixins import ServiceFormMixin, apply_validation_error
from deliberation.forms.halls import SEARCH_BUTTON
from volunteers import services, team_services
from volunteers.forms.roster import AssignForm, ShiftFilter, ShiftForm, SwapForm, TemplateForm
from volunteers.models import Booking, HoursEntry, Shift, ShiftTemplate, Team, Volunteer
from volunteers.views.teams import (
    PostOnlyMixin,
    VolunteerMixin,
    _count,
    query_string,
)

LIVE = Booking.LIVE
LEADER_ACTIONS = {"check_in", "check_out", "no_show"}


def shift_rows(community):
    """Shifts with team and skill and how many live bookings each has (a subquery, so a
    page of shifts is one query)."""
    return (
        Shift.objects.filter(community=community)
        .select_related("team", "skill")
        .annotate(taken=_count(Booking.objects.filter(status__in=LIVE), "shift"))
    )


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


class ShiftMixin(VolunteerMixin):
    def get_shift(self) -> Shift:
        if getattr(self, "_shift", None) is None:
            self._shift = get_object_or_404(
                Shift.objects.filter(community=self.community).select_related("team", "skill"),
                pk=self.kwargs["pk"],
            )
        return self._shift

    def get_booking(self) -> Booking:
        return get_object_or_404(
            Booking.objects.filter(shift__community=self.community).select_related(
                "shift__team", "volunteer"
            ),
            pk=self.kwargs["pk"],
        )

    def to_shift(self, shift_id: int):
        return redirect("volunteers:shift_detail", self.community.code, shift_id)


# ---------------------------------------------------------------- shifts


class ShiftListView(ShiftMixin, FilterView):
    """Coming shifts (or those in the chosen days), with how many places are taken."""

    template_name = "volunteers/roster/shift_list.html"
    filterset_class = ShiftFilter

    def get_queryset(self):
        shifts = shift_rows(self.community).order_by("starts_at", "pk")
        if not (self.request.GET.get("starts_from") or self.request.GET.get("starts_until")):
            today = timezone.localdate()
            shifts = shifts.filter(
                ends_at__gte=timezone.make_aware(dt.datetime.combine(today, dt.time()))
            )
        return shifts

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["community"] = self.community
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query_string"] = query_string(self.request)
        context["may_plan"] = self.can_manage or bool(self.led_team_ids)
        mine: set[int] = set()
        if self.my_volunteer is not None:
            page_ids = [s.pk for s in context["page_obj"]]
            mine = set(
                Booking.objects.filter(
                    volunteer=self.my_volunteer, shift_id__in=page_ids, status__in=LIVE
                ).values_list("shift_id", flat=True)
            )
        context["my_shift_ids"] = mine
        return context


class ShiftDetailView(ShiftMixin, TemplateView):
    """Who is on the shift; sign up, cancel or swap for the volunteer; assign, check-in,
    check-out, no-show and the check-in QR code for the team's leader and the office."""

    template_name = "volunteers/roster/shift_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shift = self.get_shift()
        now = timezone.now()
        bookings = list(shift.bookings.select_related("volunteer").order_by("created_at", "pk"))
        live = [b for b in bookings if b.status in LIVE]
        mine = None
        if self.my_volunteer is not None:
            mine = next((b for b in live if b.volunteer_id == self.my_volunteer.pk), None)
        may_manage = self.may_manage_team(shift.team_id)
        cutoff_hours = shift.team.cancel_cutoff_hours if shift.team_id else 12
        context.update(
            shift=shift,
            bookings=bookings if may_manage else live,
            live_count=len(live),
            free=max(shift.slots - len(live), 0),
            my_booking=mine,
            may_manage_shift=may_manage,
            started=shift.starts_at <= now,
            cutoff_hours=cutoff_hours,
            cutoff_passed=mine is not None and services.cutoff_passed(mine, now),
            can_sign_up=(
                self.my_volunteer is not None
                and mine is None
                and shift.starts_at > now
                and len(live) < shift.slots
            ),
            may_become=self.my_volunteer is None
            and self.request.user.has_perm("communities.see_community", self.community)
            and getattr(self.request.user, "resident", None) is not None,
        )
        if may_manage:
            url = self.request.build_absolute_uri(
                reverse("volunteers:checkin", args=[shift.checkin_token])
            )
            context["checkin_url"] = url
            # segno escapes nothing it is given but the URL, which we built ourselves.
            context["checkin_qr"] = mark_safe(  # noqa: S308
                segno.make(url, error="m", micro=False).svg_inline(scale=4, border=4)
            )
        return context


class ShiftCreateView(ShiftMixin, ServiceFormMixin, FormView):
    """A team's shift by its leader or the office; a shift of the whole community by the
    office."""

    form_class = ShiftForm
    title = gettext_lazy("Add a shift")

    def check_may_plan(self) -> None:
        if not (self.can_manage or self.led_team_ids):
            raise PermissionDenied

    def get(self, request, *args, **kwargs):
        self.check_may_plan()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_may_plan()
        return super().post(request, *args, **kwargs)

    def get_instance(self) -> Shift:
        return Shift(community=self.community)

    def get_initial(self):
        initial = super().get_initial()
        team = self.request.GET.get("team", "")
        if team.isdigit():
            initial["team"] = int(team)
        return initial

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            instance=self.get_instance(),
            community=self.community,
            team_ids=self.led_team_ids,
            can_manage=self.can_manage,
        )
        return kwargs

    success_message = gettext_lazy("The shift has been saved.")

    def call_service(self, form):
        shift = form.save(commit=False)
        self.require_team_manager(shift.team_id)
        return team_services.shift_save(shift=shift)

    def get_success_url(self):
        return reverse("volunteers:shift_detail", args=[self.community.code, self.object.pk])


class ShiftUpdateView(ShiftCreateView):
    title = gettext_lazy("Edit shift")

    def check_may_plan(self) -> None:
        self.require_team_manager(self.get_shift().team_id)

    def get_instance(self) -> Shift:
        return self.get_shift()


class SignUpView(PostOnlyMixin, ShiftMixin, View):
    """The logged-in volunteer books themselves on the shift."""

    def post(self, request, *args, **kwargs):
        shift = self.get_shift()
        if self.my_volunteer is None:
            raise PermissionDenied
        try:
            team_services.volunteer_sign_up(shift=shift, volunteer=self.my_volunteer)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("You are on the shift “%(title)s” at %(when)s. Thank you!")
                % {"title": shift.title, "when": _local(shift.starts_at)},
            )
        return self.to_shift(shift.pk)


class AssignView(ShiftMixin, FormView):
    """A leader puts a volunteer of the community on the shift, found by name."""

    template_name = "volunteers/roster/assign.html"
    form_class = AssignForm

    def get(self, request, *args, **kwargs):
        self.require_team_manager(self.get_shift().team_id)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.require_team_manager(self.get_shift().team_id)
        if SEARCH_BUTTON in request.POST:
            form = AssignForm(
                initial={"find": request.POST.get("find", "")}, community=self.community
            )
            return self.render_to_response(self.get_context_data(form=form))
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["community"] = self.community
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["shift"] = self.get_shift()
        return context

    def form_valid(self, form):
        shift = self.get_shift()
        volunteer = form.cleaned_data["volunteer"]
        try:
            services.shift_sign_up(shift=shift, volunteer=volunteer, by=self.request.user)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s is on the shift.") % {"name": volunteer.name},
        )
        return self.to_shift(shift.pk)


class CancelView(PostOnlyMixin, ShiftMixin, View):
    """The volunteer cancels before the cut-off; the team's leader or the office at any
    time (for illness, say)."""

    def post(self, request, *args, **kwargs):
        booking = self.get_booking()
        own = self.my_volunteer is not None and booking.volunteer_id == self.my_volunteer.pk
        by_leader = self.may_manage_team(booking.shift.team_id)
        if not (own or by_leader):
            raise PermissionDenied
        try:
            services.booking_cancel(booking=booking, by_leader=by_leader)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The booking has been cancelled."))
        return self.to_shift(booking.shift_id)


class SwapView(ShiftMixin, FormView):
    """The volunteer moves their booking to another coming shift of the same team, in
    one step (both or neither), before the cut-off."""

    template_name = "volunteers/roster/swap.html"
    form_class = SwapForm

    def get_own_booking(self) -> Booking:
        if getattr(self, "_booking", None) is None:
            booking = self.get_booking()
            if self.my_volunteer is None or booking.volunteer_id != self.my_volunteer.pk:
                raise PermissionDenied
            self._booking = booking
        return self._booking

    def get(self, request, *args, **kwargs):
        self.get_own_booking()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_own_booking()
        return super().post(request, *args, **kwargs)

    def candidates(self):
        booking = self.get_own_booking()
        shifts = (
            shift_rows(self.community)
            .filter(
                team_id=booking.shift.team_id,
                starts_at__gt=timezone.now(),
                taken__lt=F("slots"),
            )
            .exclude(pk=booking.shift_id)
            .order_by("starts_at")
        )
        return Shift.objects.filter(pk__in=list(shifts.values_list("pk", flat=True)[:30]))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["shifts"] = self.candidates().order_by("starts_at")
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        booking = self.get_own_booking()
        context["booking"] = booking
        context["cutoff_passed"] = services.cutoff_passed(booking, timezone.now())
        return context

    def form_valid(self, form):
        booking = self.get_own_booking()
        to_shift = form.cleaned_data["to_shift"]
        try:
            services.booking_swap(booking=booking, to_shift=to_shift)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("You are now on “%(title)s” at %(when)s.")
            % {"title": to_shift.title, "when": _local(to_shift.starts_at)},
        )
        return self.to_shift(to_shift.pk)


class LeaderCheckView(PostOnlyMixin, ShiftMixin, View):
    """A leader checks a volunteer in or out, or marks them as not having come."""

    def post(self, request, *args, **kwargs):
        action = kwargs["action"]
        if action not in LEADER_ACTIONS:
            raise Http404
        booking = self.get_booking()
        self.require_team_manager(booking.shift.team_id)
        now = timezone.now()
        names = {"name": booking.volunteer.name}
        try:
            if action == "check_in":
                services.check_in(booking=booking, at=now)
                message = _("%(name)s is checked in.") % names
            elif action == "check_out":
                entry = services.check_out(booking=booking, at=now)
                message = _("%(name)s is checked out: %(hours)s hours credited.") % {
                    **names,
                    "hours": f"{entry.minutes / 60:.1f}",
                }
            else:
                services.mark_no_show(booking=booking, now=now)
                message = _("%(name)s is marked as not come.") % names
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, message)
        return self.to_shift(booking.shift_id)


# ---------------------------------------------------------------- recurring duties


class TemplateListView(VolunteerMixin, ListView):
    template_name = "volunteers/roster/template_list.html"
    context_object_name = "templates"

    def get_queryset(self):
        return (
            ShiftTemplate.objects.filter(community=self.community)
            .select_related("team", "skill")
            .annotate(shift_count=_count(Shift.objects.all(), "template"))
            .order_by("-last_day", "title", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query_string"] = query_string(self.request)
        context["may_plan"] = self.can_manage or bool(self.led_team_ids)
        return context


class TemplateCreateView(ShiftCreateView):
    """A recurring duty; saving it creates its shifts."""

    form_class = TemplateForm
    title = gettext_lazy("Add a recurring duty")

    def get_instance(self) -> ShiftTemplate:
        return ShiftTemplate(community=self.community)

    def get_initial(self):
        initial = super().get_initial()
        today = timezone.localdate()
        initial.setdefault("first_day", today)
        initial.setdefault("last_day", today + dt.timedelta(days=27))
        return initial

    def form_valid(self, form):
        template = form.save(commit=False)
        self.require_team_manager(template.team_id)
        try:
            template, created = team_services.template_save(template=template)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The recurring duty has been saved: %(n)s shifts created.") % {"n": created},
        )
        return redirect("volunteers:template_list", self.community.code)


# ---------------------------------------------------------------- the weekly roster


def monday_of(text: str | None) -> dt.date:
    """The Monday of the week of ?week=YYYY-MM-DD (this week when missing or wrong)."""
    try:
        day = dt.date.fromisoformat(text or "")
    except ValueError:
        day = timezone.localdate()
    return day - dt.timedelta(days=day.weekday())


def roster_week(shifts, monday: dt.date) -> dict:
    """Rows are the seven days, columns the week's duties (same title, place and hours);
    a cell holds that day's shifts of the column. Pure: takes shifts already loaded."""
    keys: dict[tuple, dict] = {}
    cells: dict[tuple[int, tuple], list] = {}
    for shift in shifts:
        start = timezone.localtime(shift.starts_at)
        end = timezone.localtime(shift.ends_at)
        key = (start.time(), end.time(), shift.title, shift.place, shift.team_id or 0)
        keys.setdefault(
            key,
            {
                "title": shift.title,
                "place": shift.place,
                "start": start,
                "end": end,
                "team": shift.team,
            },
        )
        cells.setdefault(((start.date() - monday).days, key), []).append(shift)
    ordered = sorted(keys, key=lambda k: (k[0], k[1], k[2], k[3], k[4]))
    rows = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        rows.append({"day": day, "cells": [cells.get((offset, key), []) for key in ordered]})
    return {"columns": [keys[k] for k in ordered], "rows": rows}


class RosterMixin(VolunteerMixin):
    """The week's shifts of the community or one team (?team=), each with its live
    bookings and volunteers: three queries whatever the number of shifts."""

    def get_team(self) -> Team | None:
        team = self.request.GET.get("team", "")
        if not team:
            return None
        if not team.isdigit():
            raise Http404
        return get_object_or_404(Team.objects.filter(community=self.community), pk=team)

    def roster(self) -> dict:
        monday = monday_of(self.request.GET.get("week"))
        start = timezone.make_aware(dt.datetime.combine(monday, dt.time()))
        end = start + dt.timedelta(days=7)
        team = self.get_team()
        shifts = (
            Shift.objects.filter(community=self.community, starts_at__gte=start, starts_at__lt=end)
            .select_related("team")
            .prefetch_related(
                Prefetch(
                    "bookings",
                    queryset=Booking.objects.filter(status__in=LIVE)
                    .select_related("volunteer")
                    .order_by("created_at", "pk"),
                    to_attr="live_bookings",
                )
            )
            .order_by("starts_at", "pk")
        )
        if team is not None:
            shifts = shifts.filter(team=team)
        shifts = list(shifts)
        week = roster_week(shifts, monday)
        week.update(
            monday=monday,
            sunday=monday + dt.timedelta(days=6),
            previous=monday - dt.timedelta(days=7),
            next=monday + dt.timedelta(days=7),
            team=team,
            shifts=shifts,
        )
        return week


class RosterGridView(RosterMixin, TemplateView):
    template_name = "volunteers/roster/roster_grid.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.roster())
        context["teams"] = list(Team.objects.filter(community=self.community).only("pk", "name"))
        params = self.request.GET.copy()
        params.pop("week", None)
        context["team_query"] = params.urlencode()
        return context


class RosterPrintView(RosterMixin, TemplateView):
    """The week's roster on one sheet of paper, to post at the duty point."""

    template_name = "volunteers/roster/roster_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.roster())
        context["today"] = timezone.localdate()
        return context


class RosterCsvView(RosterMixin, View):
    """The week's roster as a spreadsheet (``communities.exports``: text cells escaped
    against formulas)."""

    def get(self, request, *args, **kwargs):
        week = self.roster()
        rows = []
        rows.append(
            [
                _("Day"),
                _("Start"),
                _("End"),
                _("Duty"),
                _("Place"),
                _("Team"),
                _("Volunteers needed"),
                _("Booked"),
                _("Names"),
            ]
        )
        for shift in week["shifts"]:
            start = timezone.localtime(shift.starts_at)
            end = timezone.localtime(shift.ends_at)
            rows.append(
                [
                    f"{start:%Y-%m-%d}",
                    f"{start:%H:%M}",
                    f"{end:%H:%M}",
                    shift.title,
                    shift.place,
                    shift.team.name if shift.team_id else "",
                    shift.slots,
                    len(shift.live_bookings),
                    "、".join(b.volunteer.name for b in shift.live_bookings),
                ]
            )
        name = f"roster-{self.community.code}-{week['monday']:%Y-%m-%d}.csv"
        return exports.csv_response(rows, name)


# ---------------------------------------------------------------- the volunteer's own


class MyShiftsView(VolunteerMixin, TemplateView):
    """The logged-in volunteer's coming shifts, past shifts with the hours credited, and
    the address of their calendar feed."""

    template_name = "volunteers/roster/my_shifts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        volunteer = self.my_volunteer
        if volunteer is None:
            context["may_become"] = getattr(self.request.user, "resident", None) is not None
            return context
        now = timezone.now()
        bookings = Booking.objects.filter(volunteer=volunteer).select_related(
            "shift__team", "hours"
        )
        # Coming: still to be served. Everything else (served, checked out early,
        # cancelled, missed) is history, with the hours it earned.
        coming = Q(status__in=[Booking.Status.BOOKED, Booking.Status.CHECKED_IN], ends_at__gte=now)
        context["upcoming"] = list(bookings.filter(coming).order_by("starts_at", "pk"))
        context["page_obj"] = Paginator(
            bookings.exclude(coming).order_by("-starts_at", "-pk"),
            settings.PAGE_SIZE,
        ).get_page(self.request.GET.get("page"))
        for booking in context["page_obj"]:
            entry = getattr(booking, "hours", None) if hasattr(booking, "hours") else None
            booking.credited_hours = f"{entry.minutes / 60:.1f}" if entry else ""
        minutes = HoursEntry.objects.filter(volunteer=volunteer).aggregate(
            n=Coalesce(Sum("minutes"), 0)
        )["n"]
        context["total_hours"] = f"{minutes / 60:.1f}"
        context["ics_url"] = self.request.build_absolute_uri(
            reverse("volunteers:my_ics", args=[volunteer.calendar_token])
        )
        context["query_string"] = query_string(self.request)
        return context


class CheckInView(LoginRequiredMixin, TemplateView):
    """/checkin/<token>/, from the QR code posted at the duty point: the volunteer on the
    shift checks in (or out, if already in) with one big button."""

    template_name = "volunteers/roster/checkin.html"

    def get_shift(self) -> Shift:
        shift = get_object_or_404(
            Shift.objects.select_related("community", "team"), checkin_token=self.kwargs["token"]
        )
        if not self.request.user.has_perm("communities.see_community", shift.community):
            raise Http404
        return shift

    def get_booking(self, shift: Shift) -> Booking | None:
        return (
            Booking.objects.filter(shift=shift, volunteer__user=self.request.user, status__in=LIVE)
            .select_related("volunteer", "hours")
            .first()
        )

    def get(self, request, *args, **kwargs):
        shift = self.get_shift()
        booking = self.get_booking(shift)
        context = self.get_context_data(shift=shift, booking=booking, community=shift.community)
        return self.render_to_response(context, status=200 if booking else 403)

    def post(self, request, *args, **kwargs):
        shift = self.get_shift()
        booking = self.get_booking(shift)
        if booking is None:
            raise PermissionDenied
        now = timezone.now()
        try:
            if booking.status == Booking.Status.BOOKED:
                services.check_in(booking=booking, at=now)
                messages.success(request, _("You are checked in. Thank you for serving!"))
            elif booking.status == Booking.Status.CHECKED_IN:
                entry = services.check_out(booking=booking, at=now)
                messages.success(
                    request,
                    _("You are checked out. %(hours)s hours have been credited to you.")
                    % {"hours": f"{entry.minutes / 60:.1f}"},
                )
            else:
                messages.info(request, _("You have already checked out of this shift."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("volunteers:checkin", shift.checkin_token)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shift = context["shift"]
        booking = context["booking"]
        now = timezone.now()
        context["too_early"] = now < shift.starts_at - dt.timedelta(hours=1)
        context["over"] = now > shift.ends_at
        if booking is not None and booking.status == Booking.Status.DONE:
            context["hours"] = (
                f"{booking.hours.minutes / 60:.1f}" if hasattr(booking, "hours") else ""
            )
        return context


def ics_calendar(volunteer: Volunteer, bookings, request) -> str:
    """One event per live booking, in UTC, linking to the shift's page."""
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Gongzhi//Volunteer shifts//ZH",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{ics.escape(_('My volunteer shifts'))}",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    host = request.get_host()
    for booking in bookings:
        shift = booking.shift
        url = request.build_absolute_uri(
            reverse("volunteers:shift_detail", args=[volunteer.community.code, shift.pk])
        )
        summary = shift.title if not shift.team_id else f"{shift.title} · {shift.team.name}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:volunteer-booking-{booking.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{shift.starts_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
            f"DTEND:{shift.ends_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:{ics.escape(summary)}",
            f"LOCATION:{ics.escape(shift.place)}",
            f"DESCRIPTION:{ics.escape(shift.notes)}",
            f"URL:{url}",
            "STATUS:CONFIRMED",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(ics.fold(line) for line in lines) + "\r\n"


class MyCalendarView(View):
    """The volunteer's live bookings as an iCalendar feed at a secret address."""

    def get(self, request, token):
        volunteer = get_object_or_404(
            Volunteer.objects.select_related("community"), calendar_token=token
        )
        bookings = (
            Booking.objects.filter(volunteer=volunteer, status__in=LIVE)
            .select_related("shift__team")
            .order_by("starts_at")
        )
        response = HttpResponse(
            ics_calendar(volunteer, bookings, request), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = 'inline; filename="volunteer-shifts.ics"'
        return response
