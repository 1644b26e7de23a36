"""List filters for the office's roster pages."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities.models import Building, Household, Resident

ALL = _("All")


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

    class Meta:
        model = Resident
        fields = ["q", "building", "tenure", "verification_status", "is_party_member", "is_owner"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["building"].queryset = Building.objects.filter(community=community)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(phone__contains=value))
