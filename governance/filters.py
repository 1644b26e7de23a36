"""List filters for meetings and activities."""

import django_filters
from django.utils.translation import gettext_lazy as _

from governance.models import JointActivity, JointMeeting, MemberUnit

ALL = _("All")


class MeetingFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(
        choices=JointMeeting.Status.choices, label=_("Status"), empty_label=ALL
    )

    class Meta:
        model = JointMeeting
        fields = ["year", "status"]


class ActivityFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("Year"))
    unit = django_filters.ModelChoiceFilter(
        field_name="units",
        queryset=MemberUnit.objects.none(),
        label=_("Member unit"),
        empty_label=ALL,
    )

    class Meta:
        model = JointActivity
        fields = ["year", "unit"]

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = council.members.select_related("organisation")
