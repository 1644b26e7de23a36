"""Forms of proposals: raise or edit one, post or hide an opinion, move it a step, add a
photo."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communities import uploads
from communities.forms import CrispyMixin
from communities.models import Building, Community, Resident
from deliberation.models import (
    DeliberationSettings,
    Opinion,
    Proposal,
    ProposalCategory,
    ProposalPhoto,
)
from governance.models import Organisation


class ResidentChoiceField(forms.ModelChoiceField):
    """Home, name and masked mobile, so the office can tell two residents apart."""

    def label_from_instance(self, obj) -> str:
        entrance = obj.household.entrance
        home = f"{entrance.building.name}{entrance.name}{obj.household.room}"
        return " · ".join(part for part in (home, obj.name, obj.masked_phone) if part)


class BuildingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ProposalForm(CrispyMixin, forms.ModelForm):
    """Title, description, category and scope. The office also says who raised it: a
    resident or an organisation of the community (or nobody: the office itself)."""

    submit_label = _("Save")

    class Meta:
        model = Proposal
        fields = ["title", "description", "category", "whole_community", "buildings"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, community: Community, office: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.office = office
        self.instance.community = community
        current = self.instance.category_id if self.instance.pk else None
        categories = ProposalCategory.objects.filter(is_active=True)
        if current:
            categories = ProposalCategory.objects.filter(is_active=True) | (
                ProposalCategory.objects.filter(pk=current)
            )
        self.fields["category"].queryset = categories
        self.fields["category"].empty_label = _("Choose a category")
        self.fields["buildings"] = BuildingChoiceField(
            queryset=Building.objects.filter(community=community),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=_("Buildings"),
            help_text=_("Only if it concerns some buildings, not the whole community."),
        )
        self.fields["title"].help_text = _("In a few words, e.g. “A charging shed for e-bikes”.")
        self.fields["description"].help_text = _("What is the problem, and what do you suggest?")
        if office:
            self.fields["resident"] = ResidentChoiceField(
                # Current residents; one who moved out stays on a proposal they raised.
                queryset=Resident.objects.for_community(community)
                .verified()
                .filter(Q(moved_out_on__isnull=True) | Q(pk=self.instance.resident_id))
                .select_related("household__entrance__building"),
                required=False,
                label=_("Raised by resident"),
                empty_label=_("—"),
                help_text=_("For a resident who asked the office to record it."),
            )
            self.fields["organisation"] = forms.ModelChoiceField(
                queryset=Organisation.objects.filter(community=community, is_active=True),
                required=False,
                label=_("Raised by organisation"),
                empty_label=_("—"),
                help_text=_("Leave both empty when the office raises it itself."),
            )
            if self.instance.pk:
                self.initial.setdefault("resident", self.instance.resident_id)
                self.initial.setdefault("organisation", self.instance.organisation_id)

    def clean(self):
        cleaned = super().clean()
        # A building of another community is already refused on the field itself.
        scope_missing = not cleaned.get("whole_community") and not cleaned.get("buildings")
        if scope_missing and "buildings" not in self.errors:
            self.add_error(
                "buildings", _("Choose at least one building, or tick “whole community”.")
            )
        if self.office and cleaned.get("resident") and cleaned.get("organisation"):
            self.add_error("organisation", _("Choose a resident or an organisation, not both."))
        return cleaned


class OpinionForm(CrispyMixin, forms.ModelForm):
    submit_label = _("Post my opinion")

    class Meta:
        model = Opinion
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": _("Your opinion")}


class OpinionHideForm(forms.Form):
    reason = forms.CharField(label=_("Reason for hiding"), max_length=200)


class StepForm(forms.Form):
    """One step of the lifecycle; the comment is required for some (the service says)."""

    to_status = forms.ChoiceField(choices=Proposal.Status.choices, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Reason"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProposalPhotoForm(CrispyMixin, forms.ModelForm):
    submit_label = _("Upload photo")

    class Meta:
        model = ProposalPhoto
        fields = ["image", "caption"]
        widgets = {"image": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"})}
        help_texts = {"image": _("A JPG or PNG photo, at most 5 MB.")}

    def clean_image(self):
        image = self.cleaned_data["image"]
        if image:
            uploads.check_photo(image)
        return image


class SettingsForm(forms.ModelForm):
    class Meta:
        model = DeliberationSettings
        fields = ["cosign_threshold"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save"), css_class="btn-lg"))
