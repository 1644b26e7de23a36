"""List filters for the office's roster pages."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Building, Household, Resident

ALL = _("All")
MOVED_OUT_CHOICES = [
    ("all", _("Including moved out")),
    ("only", _("Moved out only")),
]


def yes_no_all():
    return forms.Select(choices=[("", ALL), ("true", _("Yes")), ("false", _("No"))])


class HouseholdFilter(django_filters.FilterSet):
    building = django_filters.ModelChoiceFilter(
        field_name="entrance__building",
        label=_("Building"),
        queryset=Building.objects.none(),
        empty_label=ALL,
    )
    tenure = django_filters.ChoiceFilter(
        choices=Household.Tenure.choices, label=_("Tenure"), empty_label=ALL
    )
    room = django_filters.CharFilter(lookup_expr="icontains", label=_("Room"))

    class Meta:
        model = Household
        fields = ["building", "tenure", "room"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["building"].queryset = Building.objects.filter(community=community)


class ResidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or mobile"))
    building = django_filters.ModelChoiceFilter(
        field_name="household__entrance__building",
        label=_("Building"),
        queryset=Building.objects.none(),
        empty_label=ALL,
    )
    tenure = django_filters.ChoiceFilter(
        field_name="household__tenure",
        choices=Household.Tenure.choices,
        label=_("Tenure"),
        empty_label=ALL,
    )
    verification_status = django_filters.ChoiceFilter(
        choices=Resident.Verification.choices, label=_("Verification"), empty_label=ALL
    )
    is_party_member = django_filters.BooleanFilter(label=_("Party member"), widget=yes_no_all())
    is_owner = django_filters.BooleanFilter(label=_("Owner"), widget=yes_no_all())
    # Applied in qs: the empty choice (the default, also with no filter at all) means
    # current residents only.
    moved_out = django_filters.ChoiceFilter(
        label=_("Residence"),
        choices=MOVED_OUT_CHOICES,
        empty_label=_("Current residents only"),
        method="by_moved_out",
    )

    class Meta:
        model = Resident
        fields = [
            "q",
            "building",
            "tenure",
            "verification_status",
            "is_party_member",
            "is_owner",
            "moved_out",
        ]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["building"].queryset = Building.objects.filter(community=community)

    def by_moved_out(self, queryset, name, value):
        return queryset  # narrowed in qs, which also applies the default

    @property
    def qs(self):
        if not hasattr(self, "_moved_out_qs"):
            shown = (self.data or {}).get("moved_out", "")
            queryset = super().qs
            if shown == "only":
                queryset = queryset.moved_out()
            elif shown != "all":
                queryset = queryset.current()
            self._moved_out_qs = queryset
        return self._moved_out_qs

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(phone__contains=value))
