"""Forms of shifts, recurring duties, assignment and swaps, and the shift list's filter."""

from __future__ import annotations

import django_filters
from crispy_forms.bootstrap import FieldWithButtons
from crispy_forms.layout import Field, Layout
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from deliberation.forms.halls import DATE, DATETIME, CrispyMixin
from volunteers.forms.teams import search_button
from volunteers.models import Shift, ShiftTemplate, Team, Volunteer

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class TeamChoiceMixin:
    """The team field offers the teams the user may plan for; an empty team (a shift of
    the whole community) only for the office."""

    def limit_teams(self, community: Community, team_ids, can_manage: bool) -> None:
        field = self.fields["team"]
        teams = Team.objects.filter(community=community)
        if not can_manage:
            teams = teams.filter(pk__in=team_ids)
            field.required = True
        field.queryset = teams
        field.empty_label = _("Whole community (no team)") if can_manage else None


class ShiftForm(TeamChoiceMixin, CrispyMixin, forms.ModelForm):
    class Meta:
        model = Shift
        fields = ["team", "title", "place", "starts_at", "ends_at", "slots", "skill", "notes"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}

    def __init__(self, *args, community: Community, team_ids=(), can_manage=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_teams(community, team_ids, can_manage)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class TemplateForm(TeamChoiceMixin, CrispyMixin, forms.ModelForm):
    submit_label = _("Save and create the shifts")

    class Meta:
        model = ShiftTemplate
        fields = [
            "team",
            "title",
            "place",
            "start_time",
            "end_time",
            "weekdays",
            "first_day",
            "last_day",
            "slots",
            "skill",
            "notes",
        ]
        widgets = {
            "start_time": TIME,
            "end_time": TIME,
            "first_day": DATE,
            "last_day": DATE,
        }

    def __init__(self, *args, community: Community, team_ids=(), can_manage=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_teams(community, team_ids, can_manage)


class AssignForm(CrispyMixin, forms.Form):
    """A leader puts a volunteer of the community on a shift, found by name."""

    submit_label = _("Assign")

    find = forms.CharField(
        label=_("Find a volunteer"),
        required=False,
        max_length=50,
        help_text=_("Type part of a name and press Search."),
    )
    volunteer = forms.ModelChoiceField(
        label=_("Volunteer"), queryset=Volunteer.objects.none(), widget=forms.RadioSelect
    )

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        volunteers = Volunteer.objects.filter(community=community, status=Volunteer.Status.ACTIVE)
        field = self.fields["volunteer"]
        field.queryset = volunteers
        text = (self.data.get("find") if self.is_bound else self.initial.get("find")) or ""
        text = text.strip()
        chosen = self.data.get("volunteer") if self.is_bound else None
        shown = []
        if chosen and str(chosen).isdigit():
            shown = list(volunteers.filter(pk=chosen))
        if text:
            shown += [
                v
                for v in volunteers.filter(name__icontains=text)[:20]
                if v.pk not in {s.pk for s in shown}
            ]
        field.widget.choices = [(v.pk, f"{v.name} {v.masked_phone}") for v in shown]
        self.helper.layout = Layout(FieldWithButtons(Field("find"), search_button()), "volunteer")


class SwapForm(CrispyMixin, forms.Form):
    submit_label = _("Swap to this shift")

    to_shift = forms.ModelChoiceField(
        label=_("Move to"), queryset=Shift.objects.none(), widget=forms.RadioSelect
    )

    def __init__(self, *args, shifts, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to_shift"]
        field.queryset = shifts
        field.label_from_instance = lambda s: f"{s.starts_at:%m-%d %H:%M} {s.title} · {s.place}"


class ShiftFilter(django_filters.FilterSet):
    team = django_filters.ModelChoiceFilter(
        queryset=Team.objects.none(), label=_("Team"), empty_label=_("All")
    )
    starts_from = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte", label=_("From"), widget=DATE
    )
    starts_until = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label=_("Until"), widget=DATE
    )
    unfilled = django_filters.BooleanFilter(
        method="only_unfilled",
        label=_("Still needs volunteers"),
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Shift
        fields = ["team", "starts_from", "starts_until", "unfilled"]

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["team"].queryset = Team.objects.filter(community=community)

    def only_unfilled(self, queryset, name, value):
        # ``taken`` is annotated by the view's queryset.
        return queryset.filter(taken__lt=F("slots")) if value else queryset
