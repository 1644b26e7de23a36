"""Forms of teams and volunteers, and the volunteer list's filter.

Choosing a resident: a community has thousands, so the form shows only whoever a search
by name or room finds; the search is a second submit button of the same form, so it works
without JavaScript and keeps what was already typed.
"""

from __future__ import annotations

import django_filters
from crispy_forms.bootstrap import FieldWithButtons, StrictButton
from crispy_forms.layout import Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_mobile
from communities.models import Community, Resident
from communities.selectors import resident_search
from deliberation.forms.halls import DATE, SEARCH_BUTTON, CrispyMixin, SearchMixin, resident_label
from volunteers.models import Skill, Team, Volunteer

SEARCH_LIMIT = 20


def search_button():
    return StrictButton(
        _("Search"),
        type="submit",
        name=SEARCH_BUTTON,
        value="1",
        css_class="btn-outline-secondary",
        # Searching must work before the required fields are filled in.
        formnovalidate="formnovalidate",
    )


class TeamForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "kind", "status", "founded_on", "cancel_cutoff_hours", "description"]
        widgets = {"founded_on": DATE, "description": forms.Textarea(attrs={"rows": 4})}


class VolunteerForm(SearchMixin, CrispyMixin, forms.ModelForm):
    """A resident found by name or room, or someone from outside with a name and phone."""

    find = forms.CharField(
        label=_("Find a resident"),
        required=False,
        max_length=50,
        help_text=_("Type a name or a room number and press Search."),
    )
    resident = forms.ModelChoiceField(
        label=_("Resident"),
        queryset=Resident.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Leave empty for a volunteer from outside the community."),
    )
    # Longer than 11, so "138 1234 5678" or "+86…" can be typed and then normalised.
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Added as an approved member."),
    )

    class Meta:
        model = Volunteer
        fields = [
            "resident",
            "name",
            "phone",
            "skills",
            "availability",
            "platform_number",
            "armband_number",
            "status",
        ]
        widgets = {"skills": forms.CheckboxSelectMultiple}
        help_texts = {"name": _("Filled in from the resident when one is chosen.")}

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["skills"].queryset = Skill.objects.all()
        if self.instance.pk:
            # Who the volunteer is stays fixed once recorded; teams are joined on the team page.
            del self.fields["find"], self.fields["resident"], self.fields["teams"]
            layout = []
        else:
            residents = Resident.objects.for_community(community).select_related(
                "household__entrance__building"
            )
            field = self.fields["resident"]
            field.queryset = residents
            chosen = self.chosen("resident")
            shown = list(residents.filter(pk__in=chosen)) if chosen else []
            found = resident_search(
                community=community, query=self.search_text(), limit=SEARCH_LIMIT
            )
            shown += [r for r in found if r.pk not in chosen]
            field.widget.choices = [("", _("Nobody: from outside"))] + [
                (r.pk, resident_label(r)) for r in shown
            ]
            self.fields["teams"].queryset = Team.objects.filter(
                community=community, status=Team.Status.ACTIVE
            )
            layout = [FieldWithButtons(Field("find"), search_button()), "resident"]
        layout += [f for f in self.fields if f not in ("find", "resident")]
        self.helper.layout = Layout(*layout)

    def clean_phone(self):
        return normalize_mobile(self.cleaned_data.get("phone", ""))


class BecomeVolunteerForm(CrispyMixin, forms.Form):
    submit_label = _("Become a volunteer")

    skills = forms.ModelMultipleChoiceField(
        label=_("What can you help with?"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.CharField(
        label=_("When are you usually free?"),
        required=False,
        max_length=100,
        help_text=_("e.g. weekday mornings"),
    )


class VolunteerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name"))
    status = django_filters.ChoiceFilter(
        choices=Volunteer.Status.choices, label=_("Status"), empty_label=_("All")
    )
    skill = django_filters.ModelChoiceFilter(
        field_name="skills", queryset=Skill.objects.all(), label=_("Skill"), empty_label=_("All")
    )
    team = django_filters.ModelChoiceFilter(
        queryset=Team.objects.none(), method="in_team", label=_("Team"), empty_label=_("All")
    )

    class Meta:
        model = Volunteer
        fields = ["q", "status", "skill", "team"]

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["team"].queryset = Team.objects.filter(community=community)

    def search(self, queryset, name, value):
        value = (value or "").strip()
        return queryset.filter(name__icontains=value) if value else queryset

    def in_team(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(memberships__team=value, memberships__status="approved").distinct()
