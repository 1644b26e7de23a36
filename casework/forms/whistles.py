"""Forms of whistle and report (吹哨报到): blowing the whistle to a district department,
recording its response, closing with the outcome, and the whistle list's filter."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import Whistle
from communities.forms import CrispyMixin
from communities.models import Community
from deliberation.forms.halls import DATE, DATETIME
from governance.models import Organisation

# The department is given a week unless the office says otherwise.
DEFAULT_RESPONSE_DAYS = 7


def departments_for(community: Community):
    """The active government departments of the community's district."""
    return Organisation.objects.filter(
        kind=Organisation.Kind.GOVERNMENT_DEPARTMENT,
        district_id=community.subdistrict.district_id,
        is_active=True,
    ).order_by("name")


class WhistleForm(CrispyMixin, forms.Form):
    submit_label = _("Blow the whistle")

    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Organisation.objects.none(),
        help_text=_("A government department of the district."),
    )
    request = forms.CharField(
        label=_("What the department is asked to do"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    respond_by = forms.DateField(label=_("Respond by"), widget=DATE)

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_for(community)
        self.initial.setdefault(
            "respond_by", timezone.localdate() + dt.timedelta(days=DEFAULT_RESPONSE_DAYS)
        )

    def clean_request(self) -> str:
        text = self.cleaned_data["request"].strip()
        if not text:
            raise forms.ValidationError(_("Write what the department is asked to do."))
        return text

    def clean_respond_by(self) -> dt.date:
        respond_by = self.cleaned_data["respond_by"]
        if respond_by < timezone.localdate():
            raise forms.ValidationError(_("The deadline can't be in the past."))
        return respond_by


class WhistleRespondForm(forms.Form):
    response = forms.CharField(
        label=_("Department's response"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the department's response.")},
        help_text=_("Who came, what they said, what they did or promised."),
    )
    responded_at = forms.DateTimeField(
        label=_("Responded at"),
        required=False,
        widget=DATETIME,
        help_text=_("Leave empty for now."),
    )

    def clean_response(self) -> str:
        text = self.cleaned_data["response"].strip()
        if not text:
            raise forms.ValidationError(_("Write the department's response."))
        return text


class WhistleCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", "---------"), *Whistle.Outcome.choices],
        error_messages={"required": _("Choose the outcome.")},
    )
    note = forms.CharField(
        label=_("Outcome notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WhistleFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Whistle.Status.choices, label=_("Status"), empty_label=_("All")
    )

    class Meta:
        model = Whistle
        fields = ["status"]
