"""Forms for service hours (the period filter, adjustments, confirmation) and adoptions
(adopting an asset, logging a care visit)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.forms import CrispyMixin
from volunteers.models import Asset, HoursEntry, Team, Volunteer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTHS = [("", _("Whole year"))] + [(str(m), str(m)) for m in range(1, 13)]


class PeriodForm(forms.Form):
    """Which year (and month) of hours to show, optionally one team or one volunteer."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    month = forms.TypedChoiceField(
        label=_("Month"), choices=MONTHS, coerce=int, empty_value=None, required=False
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All teams")
    )
    volunteer = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, community, teams=True, **kwargs):
        super().__init__(*args, **kwargs)
        if teams:
            self.fields["team"].queryset = Team.objects.filter(community=community).order_by("name")
        else:
            del self.fields["team"]


class AdjustForm(CrispyMixin, forms.Form):
    submit_label = _("Record adjustment")

    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=Volunteer.objects.none())
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("-200"),
        max_value=Decimal("200"),
        help_text=_("Positive to add hours, negative to remove them, e.g. 1.5 or -2."),
    )
    day = forms.DateField(label=_("Day of the service"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Kept in the volunteer's history, e.g. “forgot to check out on 3 May”."),
    )

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers
        self.fields["day"].initial = timezone.localdate()

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        minutes = int((hours * 60).to_integral_value())
        if minutes == 0:
            raise forms.ValidationError(_("An adjustment must change the hours."))
        self.cleaned_data["minutes"] = minutes
        return hours

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Please give a reason for the adjustment."))
        return reason


class ConfirmForm(forms.Form):
    entries = forms.ModelMultipleChoiceField(
        queryset=HoursEntry.objects.none(), required=True, label=_("Hours to confirm")
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        # Already confirmed hours stay choosable: confirming them again is a harmless no-op.
        self.fields["entries"].queryset = HoursEntry.objects.filter(volunteer__community=community)


class AdoptionForm(CrispyMixin, forms.Form):
    submit_label = _("Adopt")

    asset = forms.ModelChoiceField(
        label=_("Asset"),
        queryset=Asset.objects.none(),
        required=False,
        help_text=_("Something already listed and not adopted, or describe a new one below."),
    )
    new_kind = forms.ChoiceField(
        label=_("New asset: kind"), choices=[("", "—")] + list(Asset.Kind.choices), required=False
    )
    new_name = forms.CharField(label=_("New asset: name"), max_length=60, required=False)
    new_location = forms.CharField(label=_("New asset: location"), max_length=100, required=False)
    team = forms.ModelChoiceField(label=_("Adopted by team"), queryset=Team.objects.none())
    volunteer = forms.ModelChoiceField(
        label=_("Or by a volunteer"), queryset=Volunteer.objects.none(), required=False
    )
    starts_on = forms.DateField(label=_("From"), widget=DATE)

    def __init__(self, *args, assets, teams, volunteers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = assets
        self.fields["team"].queryset = teams
        self.fields["starts_on"].initial = timezone.localdate()
        if volunteers is None:
            del self.fields["volunteer"]
        else:
            self.fields["volunteer"].queryset = volunteers
            self.fields["team"].required = False

    def clean(self):
        data = super().clean()
        if data.get("asset") is None:
            if not (data.get("new_kind") and (data.get("new_name") or "").strip()):
                raise forms.ValidationError(
                    _("Choose an asset, or give the kind and name of a new one.")
                )
        elif data.get("new_name"):
            self.add_error("new_name", _("Choose an asset or describe a new one, not both."))
        if "volunteer" in self.fields and bool(data.get("team")) == bool(data.get("volunteer")):
            raise forms.ValidationError(_("Choose either a team or a volunteer as the adopter."))
        return data

    def new_asset(self) -> dict | None:
        data = self.cleaned_data
        if data.get("asset") is not None:
            return None
        return {
            "kind": data["new_kind"],
            "name": data["new_name"].strip(),
            "location": data.get("new_location", "").strip(),
        }


class CareVisitForm(CrispyMixin, forms.Form):
    submit_label = _("Log visit")

    day = forms.DateField(label=_("Day"), widget=DATE)
    note = forms.CharField(
        label=_("What was done"), max_length=200, help_text=_("e.g. watered, pruned, cleaned")
    )
    # A plain file field: the service checks that it is a real JPG or PNG of at most 5 MB.
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = timezone.localdate()
