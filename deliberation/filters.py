"""List filters of deliberation pages."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation.models import Proposal, ProposalCategory

ALL = _("All")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProposalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Proposal.Status.choices, label=_("Status"), empty_label=ALL
    )
    category = django_filters.ModelChoiceFilter(
        queryset=ProposalCategory.objects.all(), label=_("Category"), empty_label=ALL
    )
    # Days in Beijing time: ``__date`` converts with the current time zone.
    created_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("Raised from"), widget=DATE
    )
    created_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("Raised until"), widget=DATE
    )

    class Meta:
        model = Proposal
        fields = ["status", "category", "created_from", "created_to"]
