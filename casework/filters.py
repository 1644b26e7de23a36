"""The case list's filter (also used by its CSV export)."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework import selectors
from casework.models import Case, CaseCategory, TaskGroup, Urgency
from communities.models import Building, Community

ALL = _("All")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
OWN_NUMBER = re.compile(r"^#(\d{1,9})$")


class UserChoiceFilter(django_filters.ModelChoiceFilter):
    """Shows a worker by name only (not with their masked number)."""

    @property
    def field(self):
        field = super().field
        field.label_from_instance = lambda user: user.display_name
        return field


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        help_text=_("Order number, #case number, description or reporter's name"),
    )
    status = django_filters.ChoiceFilter(
        choices=[("open", _("Open (not yet closed)")), *Case.Status.choices],
        label=_("Status"),
        empty_label=ALL,
        method="filter_status",
    )
    source = django_filters.ChoiceFilter(
        choices=Case.Source.choices, label=_("Source"), empty_label=ALL
    )
    category = django_filters.ModelChoiceFilter(
        queryset=CaseCategory.objects.all(), label=_("Category"), empty_label=ALL
    )
    urgency = django_filters.ChoiceFilter(
        choices=Urgency.choices, label=_("Urgency"), empty_label=ALL
    )
    building = django_filters.ModelChoiceFilter(
        queryset=Building.objects.none(), label=_("Building"), empty_label=ALL
    )
    worker = UserChoiceFilter(
        field_name="assigned_worker",
        queryset=get_user_model().objects.none(),
        label=_("Handling worker"),
        empty_label=ALL,
    )
    task_group = django_filters.ModelChoiceFilter(
        queryset=TaskGroup.objects.none(), label=_("Task group"), empty_label=ALL
    )
    overdue = django_filters.BooleanFilter(
        method="only_overdue", label=_("Overdue only"), widget=forms.CheckboxInput
    )
    # Days in Beijing time: ``__date`` converts with the current time zone.
    received_from = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label=_("Received from"), widget=DATE
    )
    received_to = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label=_("Received until"), widget=DATE
    )

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.open()
        return queryset.filter(status=value)

    class Meta:
        model = Case
        fields = [
            "q",
            "status",
            "source",
            "category",
            "urgency",
            "building",
            "worker",
            "task_group",
            "overdue",
            "received_from",
            "received_to",
        ]

    def __init__(self, *args, community: Community, workers, task_groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["building"].queryset = Building.objects.filter(community=community)
        self.filters["worker"].queryset = workers
        self.filters["task_group"].queryset = task_groups

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        match = (
            Q(order_number__icontains=value)
            | Q(description__icontains=value)
            | Q(reporter_name__icontains=value)
            | Q(reporter_resident__name__icontains=value)
        )
        own = OWN_NUMBER.match(value)
        if own:
            match |= Q(pk=int(own.group(1)))
        return queryset.filter(match)

    def only_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return selectors.overdue_open(queryset, timezone.now())
