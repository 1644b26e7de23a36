"""Forms of the coordination council: members, agreements, meetings, activities."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities import uploads
from communities.forms import CrispyMixin
from governance.compliance import half_year_of
from governance.models import (
    ActivityPhoto,
    Agreement,
    CoordinationCouncil,
    JointActivity,
    JointMeeting,
    MemberUnit,
    Organisation,
    Resolution,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CouncilForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = CoordinationCouncil
        fields = ["name", "established_on"]
        widgets = {"established_on": DATE}


class MemberAddForm(CrispyMixin, forms.ModelForm):
    submit_label = _("Add member unit")

    class Meta:
        model = MemberUnit
        fields = ["organisation", "joined_on"]
        widgets = {"joined_on": DATE}

    def __init__(self, *args, council: CoordinationCouncil, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.council = council
        self.fields["organisation"].queryset = (
            Organisation.objects.filter(community=council.community_id, is_active=True)
            .exclude(memberships__council=council)
            .order_by("kind", "name")
        )
        self.fields["organisation"].help_text = _(
            "Organisations of this community that are not yet members. Add a new one on the "
            "organisations page first."
        )


class AgreementForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["signed_on", "valid_until", "file", "status", "notes"]
        widgets = {"signed_on": DATE, "valid_until": DATE}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new file, not the stored one
            uploads.check_document(upload, max_bytes=settings.AGREEMENT_MAX_BYTES)
        return upload


class MeetingForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = JointMeeting
        fields = ["planned_date", "location", "agenda"]
        widgets = {"planned_date": DATE, "agenda": forms.Textarea(attrs={"rows": 5})}

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("planned_date")
        if day:
            # The meeting belongs to the half-year of its date; whether that half-year is
            # free is the service's (and the database's) call.
            self.instance.year, self.instance.half = half_year_of(day)
        return cleaned


class MeetingHoldForm(CrispyMixin, forms.Form):
    submit_label = _("Record as held")
    held_at = forms.DateTimeField(label=_("Held at"), widget=DATETIME)
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )


class MeetingCancelForm(CrispyMixin, forms.Form):
    submit_label = _("Cancel the meeting")
    cancel_reason = forms.CharField(label=_("Reason for cancelling"), max_length=200)


class AttendanceRowForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    present = forms.BooleanField(label=_("Present"), required=False)
    representative = forms.CharField(label=_("Representative"), max_length=50, required=False)


AttendanceFormSet = forms.formset_factory(AttendanceRowForm, extra=0)


class ResolutionForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Resolution
        fields = ["text", "owner", "due_date"]
        widgets = {"due_date": DATE}

    def __init__(self, *args, council: CoordinationCouncil, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = council.members.filter(left_on__isnull=True).select_related(
            "organisation"
        )


class ActivityForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = JointActivity
        fields = ["date", "title", "description", "units", "participants"]
        widgets = {
            "date": DATE,
            "description": forms.Textarea(attrs={"rows": 4}),
            "units": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, council: CoordinationCouncil, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.council = council
        self.fields["units"].queryset = council.members.select_related("organisation")

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("Record an activity after it has taken place."))
        return date


class PhotoForm(CrispyMixin, forms.ModelForm):
    submit_label = _("Upload photo")

    class Meta:
        model = ActivityPhoto
        fields = ["image", "caption"]

    def clean_image(self):
        image = self.cleaned_data["image"]
        if image:
            uploads.check_photo(image)
        return image


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
