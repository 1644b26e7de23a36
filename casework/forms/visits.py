"""Forms of proactive visits (未诉先办): logging a visit, the problems found on it, taking
a problem in as a case, and the visit list's filter.

Choosing households: a community has 2,000-3,000, so the form never lists them. The
worker ticks the entrances walked (about forty, grouped by building) and types the rooms
called on, for example ``101 302``, ``2单元501`` or ``3-2-501``; each room is looked up
among the households of the ticked entrances of this community only, so a household of
another community can never be recorded.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import CaseCategory, TaskGroup, Urgency, Visit
from casework.services import office_users
from communities.forms import CrispyMixin
from communities.models import Building, Community, Entrance, Household
from communities.months import parse_month
from deliberation.forms.halls import DATE

User = get_user_model()

MONTH = forms.TextInput(attrs={"type": "month", "placeholder": "2026-01"})
ROOM_SEPARATORS = re.compile(r"[\s,，、;；]+")
DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "_": "-"})


class MonthField(forms.CharField):
    """A month typed as ``YYYY-MM`` (a month picker where the browser has one)."""

    widget = MONTH
    default_error_messages = {"invalid": _("Enter a month as year-month, e.g. 2026-01.")}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return month


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class EntranceChoiceField(forms.ModelMultipleChoiceField):
    """Entrances shown under their building's heading, so the label is the entrance's own."""

    def label_from_instance(self, obj) -> str:
        return obj.name


def community_entrances(community: Community):
    return (
        Entrance.objects.filter(building__community=community)
        .select_related("building")
        .order_by("building__sort_order", "building__name", "name")
    )


# ---------------------------------------------------------------- rooms typed in


def _norm(text: str) -> str:
    text = re.sub(r"\s+", "", (text or "").translate(DASHES)).lower()
    return text[:-1] if text.endswith("室") else text


def _digits(name: str) -> str:
    found = re.findall(r"\d+", name or "")
    return found[0] if len(found) == 1 else ""


def room_label(household: Household) -> str:
    """How a room is written back into the form: building, entrance and room."""
    entrance = household.entrance
    return f"{entrance.building.name}{entrance.name}{household.room}"


def _spellings(household: Household) -> set[str]:
    """The ways a worker may write this room: ``101``, ``1单元101``, ``1号楼1单元101``,
    ``1-101`` and ``3-1-101`` (building and entrance numbers)."""
    entrance = household.entrance
    building = entrance.building
    room = household.room
    names = {room, f"{entrance.name}{room}", f"{building.name}{entrance.name}{room}"}
    entrance_no, building_no = _digits(entrance.name), _digits(building.name)
    if entrance_no:
        names.add(f"{entrance_no}-{room}")
        if building_no:
            names.add(f"{building_no}-{entrance_no}-{room}")
    return {_norm(n) for n in names}


@dataclass
class RoomMatch:
    households: list = field(default_factory=list)
    unknown: list = field(default_factory=list)
    ambiguous: list = field(default_factory=list)


def match_rooms(text: str, households) -> RoomMatch:
    """Look up each room written in ``text`` among ``households`` (those of the ticked
    entrances). A room found in two entrances must be written with its entrance."""
    index: dict[str, list] = {}
    for household in households:
        for spelling in _spellings(household):
            index.setdefault(spelling, []).append(household)
    result = RoomMatch()
    seen = set()
    for token in ROOM_SEPARATORS.split(text or ""):
        key = _norm(token)
        if not key:
            continue
        found = index.get(key, [])
        if not found:
            result.unknown.append(token)
        elif len(found) > 1:
            result.ambiguous.append(token)
        elif found[0].pk not in seen:
            seen.add(found[0].pk)
            result.households.append(found[0])
    return result


# ---------------------------------------------------------------- visits


class VisitForm(forms.Form):
    """Log or correct a visit. Rendered by ``casework/visits/visit_form.html``, which
    groups the entrance checkboxes by building."""

    visited_on = forms.DateField(label=_("Date of the visit"), widget=DATE)
    worker = WorkerChoiceField(label=_("Worker"), queryset=User.objects.none())
    entrances = EntranceChoiceField(
        label=_("Entrances walked"),
        queryset=Entrance.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Tick at least one entrance walked.")},
    )
    households = forms.CharField(
        label=_("Households visited"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "101 302 2单元501 3-2-501"}),
        help_text=_(
            "Type the rooms you called on, separated by spaces or commas: 101, or with the "
            "entrance (2单元501, 2-501) when the same room number is in two ticked "
            "entrances, or with the building too (3号楼2单元501, 3-2-501). Only rooms of "
            "the ticked entrances are accepted."
        ),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, community: Community, user=None, visit: Visit | None = None, **kw):
        if visit is not None and not kw.get("initial"):
            kw["initial"] = {
                "visited_on": visit.visited_on,
                "worker": visit.worker_id,
                "entrances": [e.pk for e in visit.entrances.all()],
                "households": "\n".join(
                    room_label(h)
                    for h in visit.households.select_related("entrance__building").order_by(
                        *Household._meta.ordering
                    )
                ),
                "notes": visit.notes,
            }
        super().__init__(*args, **kw)
        self.community = community
        workers = office_users(community).order_by("display_name", "pk")
        self.fields["worker"].queryset = workers
        self.fields["entrances"].queryset = community_entrances(community)
        if visit is None and not self.is_bound:
            self.initial.setdefault("visited_on", timezone.localdate())
            # The worker logging their own walk needs to choose nothing.
            if (
                user is not None
                and "worker" not in self.initial
                and workers.filter(pk=user.pk).exists()
            ):
                self.initial["worker"] = user.pk

    def entrance_groups(self) -> list[tuple[Building, list]]:
        """The entrance checkboxes grouped by building, each a bound sub-widget."""
        groups: list[tuple[Building, list]] = []
        for widget in self["entrances"]:
            building = widget.data["value"].instance.building
            if not groups or groups[-1][0].pk != building.pk:
                groups.append((building, []))
            groups[-1][1].append(widget)
        return groups

    def clean_visited_on(self) -> dt.date:
        visited_on = self.cleaned_data["visited_on"]
        if visited_on > timezone.localdate():
            raise forms.ValidationError(_("The visit can't be in the future."))
        return visited_on

    def clean(self):
        cleaned = super().clean()
        entrances = cleaned.get("entrances")
        text = cleaned.get("households") or ""
        if not text.strip():
            cleaned["households"] = []
            return cleaned
        if not entrances:
            # The entrance error already tells the worker what to do.
            cleaned["households"] = []
            return cleaned
        candidates = Household.objects.filter(
            entrance__in=[e.pk for e in entrances],
            entrance__building__community=self.community,
        ).select_related("entrance__building")
        match = match_rooms(text, candidates)
        problems = []
        if match.unknown:
            problems.append(
                forms.ValidationError(
                    _(
                        "Not found in the ticked entrances: %(rooms)s. Check the number, or "
                        "tick the room's entrance."
                    ),
                    params={"rooms": "、".join(match.unknown)},
                    code="unknown_room",
                )
            )
        if match.ambiguous:
            problems.append(
                forms.ValidationError(
                    _(
                        "In more than one ticked entrance: %(rooms)s. Write the entrance too, "
                        "e.g. 2单元501 or 3-2-501."
                    ),
                    params={"rooms": "、".join(match.ambiguous)},
                    code="ambiguous_room",
                )
            )
        if problems:
            self.add_error("households", problems)
        else:
            cleaned["households"] = match.households
        return cleaned


class WorkerFilter(django_filters.ModelChoiceFilter):
    field_class = WorkerChoiceField


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class VisitFilter(django_filters.FilterSet):
    worker = WorkerFilter(queryset=User.objects.none(), label=_("Worker"), empty_label=_("All"))
    month = MonthFilter(method="in_month", label=_("Month"))
    date_from = django_filters.DateFilter(
        field_name="visited_on", lookup_expr="gte", label=_("From"), widget=DATE
    )
    date_to = django_filters.DateFilter(
        field_name="visited_on", lookup_expr="lte", label=_("Until"), widget=DATE
    )
    building = django_filters.ModelChoiceFilter(
        queryset=Building.objects.none(),
        method="walked_building",
        label=_("Building"),
        empty_label=_("All"),
    )

    class Meta:
        model = Visit
        fields = ["worker", "month", "date_from", "date_to", "building"]

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        # Today's office, and anyone who has logged a visit here before (a worker who left).
        self.filters["worker"].queryset = User.objects.filter(
            Q(pk__in=office_users(community).values("pk"))
            | Q(pk__in=Visit.objects.filter(community=community).values("worker"))
        ).order_by("display_name", "pk")
        self.filters["building"].queryset = Building.objects.filter(community=community)

    def in_month(self, queryset, name, value):
        if not value:
            return queryset
        last = (value + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return queryset.filter(visited_on__gte=value, visited_on__lte=last)

    def walked_building(self, queryset, name, value):
        if not value:
            return queryset
        # A subquery, so the list's entrance count still counts every entrance walked.
        walked = Visit.objects.filter(entrances__building=value).values("pk")
        return queryset.filter(pk__in=walked)


# ---------------------------------------------------------------- problems


class ProblemForm(CrispyMixin, forms.Form):
    submit_label = _("Add the problem")

    category = forms.ModelChoiceField(label=_("Category"), queryset=CaseCategory.objects.none())
    building = forms.ModelChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False
    )
    entrance = forms.ModelChoiceField(
        label=_("Entrance"),
        queryset=Entrance.objects.none(),
        required=False,
        help_text=_("The building is filled in from the entrance."),
    )
    description = forms.CharField(
        label=_("Problem"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = CaseCategory.objects.filter(is_active=True)
        self.fields["building"].queryset = Building.objects.filter(community=community)
        self.fields["entrance"].queryset = community_entrances(community)

    def clean_description(self) -> str:
        description = self.cleaned_data["description"].strip()
        if not description:
            raise forms.ValidationError(_("Describe the problem."))
        return description


class ProblemToCaseForm(forms.Form):
    """Take a problem in as a case: how urgent, and who handles it."""

    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    assigned_worker = WorkerChoiceField(
        label=_("Assign to a worker"), queryset=User.objects.none(), required=False
    )
    task_group = forms.ModelChoiceField(
        label=_("Forward to the task group"), queryset=TaskGroup.objects.none(), required=False
    )

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_worker"].queryset = office_users(community)
        self.fields["task_group"].queryset = TaskGroup.objects.filter(
            community=community, is_active=True
        )
