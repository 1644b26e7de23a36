"""The three rates (response, resolution, satisfaction) of a community and of the area
above it, their 12-month trend and CSV, the month's hotspots, and recurring problems with
the one-click proposal for a lasting fix.

Every page reads aggregate queries from ``casework.selectors``, so its cost does not grow
with the number of cases or communities.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, FloatField
from django.db.models.functions import Cast, NullIf
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from casework import selectors, services
from casework.forms.rates import (
    RECURRING_DAYS,
    RecurringProposeForm,
    parse_case_ids,
    parse_days,
)
from casework.models import Case, RatesSnapshot
from casework.rates import DEFINITIONS, CaseKey, RateCounts, recurring_groups
from casework.views import month_param
from communities import exports
from communities.mixins import CommunityMixin, apply_validation_error
from communities.models import Community
from communities.months import add_months
from communities.scope import scope_of
from communities.selectors import subdistricts_of
from deliberation.models import ProposalCategory

TREND_MONTHS = 12

# The trend chart: twelve groups of three bars on a 0–100 scale.
CHART_LEFT = 40
CHART_TOP = 16
CHART_HEIGHT = 160
CHART_GROUP = 60
CHART_BAR = 14
SERIES = (
    # Okabe–Ito colours: told apart also by readers with colour-blindness.
    ("response", gettext_lazy("Response rate"), "#0072b2"),
    ("resolution", gettext_lazy("Resolution rate"), "#009e73"),
    ("satisfaction", gettext_lazy("Satisfaction rate"), "#e69f00"),
)


def pct_text(value: float | None) -> str:
    """92.3 → '92.3'; nothing counted → '—'."""
    return "—" if value is None else f"{value:.1f}"


def rate_cards(counts: RateCounts) -> list[dict]:
    """The three rates as the page shows them: number, and the counts behind it."""
    response, resolution, satisfaction = counts.percentages
    return [
        {
            "key": "response",
            "label": _("Response rate"),
            "value": pct_text(response),
            "counted": counts.received > 0,
            "detail": _("%(part)d of %(whole)d cases contacted in time")
            % {"part": counts.responded_on_time, "whole": counts.received},
        },
        {
            "key": "resolution",
            "label": _("Resolution rate"),
            "value": pct_text(resolution),
            "counted": counts.closed > 0,
            "detail": _("%(part)d of %(whole)d closed cases resolved")
            % {"part": counts.resolved, "whole": counts.closed},
        },
        {
            "key": "satisfaction",
            "label": _("Satisfaction rate"),
            "value": pct_text(satisfaction),
            "counted": counts.rated > 0,
            "detail": _("%(part)d of %(whole)d ratings satisfied or basically satisfied")
            % {"part": counts.satisfied, "whole": counts.rated},
        },
    ]


def trend_rows(months: list[tuple[dt.date, RateCounts]]) -> list[dict]:
    """One row per month for the chart and its table."""
    rows = []
    for index, (month, counts) in enumerate(months):
        x0 = CHART_LEFT + index * CHART_GROUP + 6
        bars = []
        for offset, ((key, label, colour), pct) in enumerate(
            zip(SERIES, counts.percentages, strict=True)
        ):
            height = 0 if pct is None else round(CHART_HEIGHT * pct / 100)
            bars.append(
                {
                    "key": key,
                    "label": label,
                    "colour": colour,
                    "text": pct_text(pct),
                    "missing": pct is None,
                    "x": x0 + offset * (CHART_BAR + 2),
                    "y": CHART_TOP + CHART_HEIGHT - height,
                    "height": height,
                }
            )
        rows.append(
            {
                "month": month,
                "counts": counts,
                "bars": bars,
                "texts": [bar["text"] for bar in bars],
                "label_x": x0 + (3 * CHART_BAR + 4) // 2,
            }
        )
    return rows


def chart_frame() -> dict:
    """Sizes and gridlines of the trend chart."""
    width = CHART_LEFT + TREND_MONTHS * CHART_GROUP + 8
    baseline = CHART_TOP + CHART_HEIGHT
    return {
        "width": width,
        "height": baseline + 44,
        "baseline": baseline,
        "month_y": baseline + 18,
        "year_y": baseline + 36,
        "grid": [
            {"value": value, "y": CHART_TOP + CHART_HEIGHT - CHART_HEIGHT * value // 100}
            for value in (0, 25, 50, 75, 100)
        ],
        "series": [{"label": label, "colour": colour} for _key, label, colour in SERIES],
    }


class OfficeMixin(CommunityMixin):
    """Community pages of the rates: the office and the area staff above it."""

    permission_required = "casework.view_office"
    form_takes_community = False

    @cached_property
    def can_manage(self) -> bool:
        return self.request.user.has_perm("casework.manage", self.community)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.can_manage
        return context


class RatesView(OfficeMixin, TemplateView):
    """The month's three rates with their counts and definitions, the 12-month trend, the
    month's hotspots, open overdue cases and the frozen monthly snapshots."""

    template_name = "casework/rates/rates.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month, unreadable = month_param(self.request)
        cases = Case.objects.filter(community=self.community)
        # One query for all twelve months; the chosen month is the last of them.
        months = selectors.monthly_counts(cases, add_months(month, 1 - TREND_MONTHS), month)
        counts = months[-1][1]
        categories, buildings = selectors.hotspots(cases.filter(selectors.received_in(month)))
        snapshots = RatesSnapshot.objects.filter(community=self.community).order_by("-month")
        page = Paginator(snapshots, settings.PAGE_SIZE).get_page(self.request.GET.get("page"))
        for snapshot in page:
            snapshot.texts = [
                pct_text(p)
                for p in RateCounts(
                    snapshot.received,
                    snapshot.responded_on_time,
                    snapshot.closed,
                    snapshot.resolved,
                    snapshot.rated,
                    snapshot.satisfied,
                ).percentages
            ]
        month_text = f"{month:%Y-%m}"
        context.update(
            month=month,
            month_text=month_text,
            previous_month=f"{add_months(month, -1):%Y-%m}",
            # No link into months that haven't begun.
            next_month=(f"{add_months(month, 1):%Y-%m}" if month < selectors.this_month() else ""),
            is_this_month=month == selectors.this_month(),
            unreadable_month=unreadable,
            counts=counts,
            cards=rate_cards(counts),
            definitions=DEFINITIONS,
            trend=trend_rows(months),
            chart=chart_frame(),
            categories=categories,
            buildings=buildings,
            overdue_count=selectors.overdue_open(cases, timezone.now()).count(),
            page_obj=page,
            snapshots=page.object_list,
            query_string=urlencode({"month": month_text}),
        )
        return context


class RatesExportView(OfficeMixin, View):
    """The 12 months ending at the chosen month, counts and rates, as a spreadsheet
    (``communities.exports``: text cells escaped against formulas)."""

    def get(self, request, *args, **kwargs):
        month, _unreadable = month_param(request)
        cases = Case.objects.filter(community=self.community)
        months = selectors.monthly_counts(cases, add_months(month, 1 - TREND_MONTHS), month)
        rows = []
        rows.append([_("Community"), self.community.name])
        rows.append([])
        rows.append(
            [
                _("Month"),
                _("Cases received"),
                _("Contacted in time"),
                _("Response rate (per cent)"),
                _("Cases closed"),
                _("Resolved"),
                _("Resolution rate (per cent)"),
                _("Rated"),
                _("Satisfied or basically satisfied"),
                _("Satisfaction rate (per cent)"),
            ]
        )
        for first_day, c in months:
            response, resolution, satisfaction = (
                "" if p is None else f"{p:.1f}" for p in c.percentages
            )
            rows.append(
                [
                    f"{first_day:%Y-%m}",
                    c.received,
                    c.responded_on_time,
                    response,
                    c.closed,
                    c.resolved,
                    resolution,
                    c.rated,
                    c.satisfied,
                    satisfaction,
                ]
            )
        return exports.csv_response(rows, f"rates-{self.community.code}-{month:%Y-%m}.csv")


class RecurringView(OfficeMixin, TemplateView):
    """Cases of one category at one building within the recurrence window, found among the
    cases received in the last ``days`` days, each group with a way to a lasting fix."""

    template_name = "casework/rates/recurring.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        days = parse_days(self.request.GET.get("days"))
        since = timezone.now() - dt.timedelta(days=days)
        groups = []
        for cases in selectors.recurring_problem_groups(self.community, since=since):
            first, last = cases[0], cases[-1]
            proposals = list({c.proposal_id: c.proposal for c in cases if c.proposal_id}.values())
            unlinked = [c for c in cases if not c.proposal_id]
            groups.append(
                {
                    "category": first.category,
                    "building": first.building,
                    "cases": cases,
                    "first": first.received_at,
                    "last": last.received_at,
                    "span_days": (last.received_at - first.received_at).days,
                    "proposals": proposals,
                    "unlinked": unlinked,
                    # A group (or the part of it not yet linked) that may still be raised.
                    "propose_ids": ",".join(str(c.pk) for c in unlinked)
                    if len(unlinked) >= 2
                    else "",
                }
            )
        page = Paginator(groups, settings.PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            days=days,
            day_choices=RECURRING_DAYS,
            window_days=settings.CASEWORK_RECURRING_WINDOW_DAYS,
            page_obj=page,
            groups=page.object_list,
            group_count=len(groups),
            query_string=urlencode({"days": days}),
        )
        return context


class RecurringProposeView(OfficeMixin, FormView):
    """Confirm and raise a proposal for a lasting fix from a group of recurring cases."""

    permission_required = "casework.manage"
    template_name = "casework/rates/recurring_propose.html"
    form_class = RecurringProposeForm

    def back(self):
        return redirect("casework:recurring", self.community.code)

    def refuse(self, message: str):
        messages.error(self.request, message)
        return self.back()

    def load_cases(self, ids: list[int] | None) -> tuple[list[Case], str]:
        """The cases if they are an unlinked recurring group of this community, else a
        message saying why not."""
        not_a_group = _("These cases are not a recurring problem of this community.")
        if not ids or len(ids) < 2:
            return [], not_a_group
        cases = list(
            Case.objects.filter(community=self.community, pk__in=ids)
            .select_related("category", "building", "proposal")
            .order_by("received_at", "pk")
        )
        if len(cases) != len(ids):
            return [], not_a_group
        if any(c.proposal_id for c in cases):
            return [], _("Some of these cases are already linked to a proposal.")
        keys = [CaseKey(c.pk, c.category_id, c.building_id, c.received_at) for c in cases]
        groups = recurring_groups(keys, window_days=settings.CASEWORK_RECURRING_WINDOW_DAYS)
        if len(groups) != 1 or len(groups[0]) != len(cases):
            return [], not_a_group
        return cases, ""

    def get(self, request, *args, **kwargs):
        self.cases, problem = self.load_cases(parse_case_ids(request.GET.get("cases")))
        if problem:
            return self.refuse(problem)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.cases, problem = self.load_cases(parse_case_ids(request.POST.get("cases")))
        if problem:
            return self.refuse(problem)
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        cases = self.cases
        first = cases[0]
        title = _("Lasting fix: %(category)s at %(building)s") % {
            "category": first.category.name,
            "building": first.building.name,
        }
        lines = [
            _(
                "%(n)d cases of the same kind at %(building)s came in between %(first)s and "
                "%(last)s:"
            )
            % {
                "n": len(cases),
                "building": first.building.name,
                "first": f"{timezone.localtime(first.received_at):%Y-%m-%d}",
                "last": f"{timezone.localtime(cases[-1].received_at):%Y-%m-%d}",
            },
            "",
        ]
        for case in cases:
            text = " ".join(case.description.split())
            if len(text) > 80:
                text = text[:79] + "…"
            lines.append(
                f"- {case.reference} {timezone.localtime(case.received_at):%Y-%m-%d}: {text}"
            )
        lines += ["", _("Fixing each case again does not last; please deliberate a lasting fix.")]
        categories = ProposalCategory.objects.filter(is_active=True)
        return {
            "cases": ",".join(str(c.pk) for c in cases),
            "title": title[:120],
            "description": "\n".join(lines),
            "category": categories.filter(code="facilities").first(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cases"] = self.cases
        context["category"] = self.cases[0].category
        context["building"] = self.cases[0].building
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            proposal = services.recurring_propose(
                community=self.community,
                by=self.request.user,
                case_ids=[c.pk for c in self.cases],
                proposal_category=data["category"],
                title=data["title"],
                description=data["description"],
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                # About the cases themselves (linked meanwhile, say): nothing to correct here.
                return self.refuse(" ".join(exc.messages))
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The proposal “%(title)s” has been raised and %(n)d cases are linked to it.")
            % {"title": proposal.title, "n": len(self.cases)},
        )
        return redirect("deliberation:proposal_detail", self.community.code, proposal.pk)


# ---------------------------------------------------------------- the area above


AREA_SORTS = {
    "area": gettext_lazy("Subdistrict and name"),
    "received": gettext_lazy("Most cases first"),
    "response": gettext_lazy("Lowest response rate first"),
    "resolution": gettext_lazy("Lowest resolution rate first"),
    "satisfaction": gettext_lazy("Lowest satisfaction rate first"),
}
RATE_PARTS = {
    "response": ("responded_on_time", "received"),
    "resolution": ("resolved", "closed"),
    "satisfaction": ("satisfied", "rated"),
}


def sort_communities(rows, sort: str):
    """Order the annotated communities; a rate with nothing counted sorts last."""
    if sort == "received":
        return rows.order_by("-received", "subdistrict__name", "name")
    if sort in RATE_PARTS:
        part, whole = RATE_PARTS[sort]
        share = Cast(F(part), FloatField()) / NullIf(Cast(F(whole), FloatField()), 0.0)
        return rows.order_by(share.asc(nulls_last=True), "subdistrict__name", "name")
    return rows


class AreaRatesView(LoginRequiredMixin, TemplateView):
    """Subdistrict and district staff: the month's three rates of every community beneath
    them, per subdistrict and in total, with the open whistles per subdistrict."""

    template_name = "casework/rates/area_rates.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            request.user.is_superuser or scope_of(request.user).is_area_staff
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        month, unreadable = month_param(self.request)
        sort = self.request.GET.get("sort", "area")
        if sort not in AREA_SORTS:
            sort = "area"
        areas = subdistricts_of(user)
        communities = Community.objects.filter(subdistrict__in=areas)
        rows = sort_communities(selectors.community_rates(communities, month), sort)
        page = Paginator(rows, settings.PAGE_SIZE).get_page(self.request.GET.get("page"))
        for community in page:
            community.texts = [pct_text(p) for p in selectors.counts_from(community).percentages]

        by_subdistrict = {
            pk: counts for pk, _name, counts in selectors.subdistrict_rates(communities, month)
        }
        whistles = {
            row["community__subdistrict_id"]: row
            for row in selectors.open_whistle_summary(communities)
        }
        now = timezone.now()
        subdistricts = []
        total = RateCounts()
        for subdistrict in (
            areas.select_related("district")
            .annotate(community_count=Count("communities"))
            .order_by("district__name", "name")
        ):
            counts = by_subdistrict.get(subdistrict.pk, RateCounts())
            total += counts
            summary = whistles.get(subdistrict.pk)
            subdistricts.append(
                {
                    "subdistrict": subdistrict,
                    "counts": counts,
                    "texts": [pct_text(p) for p in counts.percentages],
                    "open_whistles": summary["open_count"] if summary else 0,
                    "late_whistles": summary["late_count"] if summary else 0,
                    "oldest_days": (now - summary["oldest"]).days if summary else None,
                }
            )
        month_text = f"{month:%Y-%m}"
        context.update(
            month=month,
            month_text=month_text,
            previous_month=f"{add_months(month, -1):%Y-%m}",
            # No link into months that haven't begun.
            next_month=(f"{add_months(month, 1):%Y-%m}" if month < selectors.this_month() else ""),
            unreadable_month=unreadable,
            sort=sort,
            sorts=list(AREA_SORTS.items()),
            subdistricts=subdistricts,
            total=total,
            total_cards=rate_cards(total),
            total_texts=[pct_text(p) for p in total.percentages],
            definitions=DEFINITIONS,
            page_obj=page,
            communities=page.object_list,
            query_string=urlencode({"month": month_text, "sort": sort}),
            community_query=urlencode({"month": month_text}),
        )
        return context
