"""Forms for the community office and for resident registration."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_mobile, validate_mobile
from communities.models import (
    Building,
    Community,
    CommunityRole,
    Compound,
    Entrance,
    Household,
    Resident,
)

User = get_user_model()


class NameChoiceField(forms.ModelChoiceField):
    """Shows just a building's or entrance's own name, as the dependent selects do."""

    def label_from_instance(self, obj) -> str:
        return obj.name


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.room


def narrow_home_choices(fields, *, community_id, building_id, entrance_id) -> None:
    """Narrow building → entrance → room choices to the parents chosen, all within one
    community, so a room of another community can never be submitted."""
    if community_id:
        fields["building"].queryset = Building.objects.filter(community_id=community_id)
    if community_id and building_id:
        fields["entrance"].queryset = Entrance.objects.filter(
            building_id=building_id, building__community_id=community_id
        )
    if community_id and building_id and entrance_id:
        fields["household"].queryset = Household.objects.filter(
            entrance_id=entrance_id,
            entrance__building_id=building_id,
            entrance__building__community_id=community_id,
        )
    for name in ("community", "building", "entrance", "household"):
        if name in fields:
            fields[name].widget.attrs["data-cascade"] = name


class CrispyMixin:
    submit_label = _("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label, css_class="btn-lg"))


class CommunityProfileForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Community
        fields = [
            "name",
            "kind",
            "address",
            "estimated_households",
            "office_phone",
            "hotline_forward_mobile",
        ]

    def clean_hotline_forward_mobile(self) -> str:
        value = normalize_mobile(self.cleaned_data["hotline_forward_mobile"])
        if value:
            validate_mobile(value)
        return value


class CompoundForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Compound
        fields = ["name"]

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.community = community


class BuildingForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Building
        fields = ["name", "compound", "floors", "sort_order"]

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.community = community
        self.fields["compound"].queryset = community.compounds.all()


class EntranceForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Entrance
        fields = ["building", "name"]

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(community=community)


class HouseholdForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Household
        fields = ["entrance", "room", "floor_area", "tenure"]

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entrance"].queryset = Entrance.objects.filter(
            building__community=community
        ).select_related("building")


class ResidentForm(CrispyMixin, forms.ModelForm):
    """The office records a resident; the home is chosen building → entrance → room,
    so a community of 3,000 households never renders 3,000 options at once."""

    building = NameChoiceField(
        label=_("Building"),
        queryset=Building.objects.none(),
        empty_label=_("Choose…"),
        required=False,
    )
    entrance = NameChoiceField(
        label=_("Entrance"),
        queryset=Entrance.objects.none(),
        empty_label=_("Choose…"),
        required=False,
    )
    household = RoomChoiceField(
        label=_("Room"), queryset=Household.objects.none(), empty_label=_("Choose…")
    )

    class Meta:
        model = Resident
        fields = [
            "building",
            "entrance",
            "household",
            "name",
            "phone",
            "is_owner",
            "is_party_member",
            "birth_year",
        ]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel"})}

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        from django.urls import reverse

        self.helper.attrs = {
            "data-options-url": reverse("communities:register_options"),
            "data-placeholder": _("Choose…"),
        }
        home = self.instance.household if self.instance.household_id else None
        initial_home = (
            self.data.get("household") if self.is_bound else self.initial.get("household")
        )
        if initial_home:
            home = (
                Household.objects.for_community(community)
                .select_related("entrance")
                .filter(pk=_int_or_none(initial_home))
                .first()
            )
        if home is not None and not self.is_bound:
            self.initial.setdefault("entrance", home.entrance_id)
            self.initial.setdefault("building", home.entrance.building_id)
            self.initial["household"] = home.pk
        data = self.data if self.is_bound else self.initial
        building_id = _int_or_none(data.get("building"))
        entrance_id = _int_or_none(data.get("entrance"))
        if home is not None and not entrance_id:
            # A paper form or old bookmark may name just the room: follow it up.
            entrance_id, building_id = home.entrance_id, home.entrance.building_id
        narrow_home_choices(
            self.fields,
            community_id=community.pk,
            building_id=building_id,
            entrance_id=entrance_id,
        )

    def clean_phone(self) -> str:
        value = normalize_mobile(self.cleaned_data.get("phone", ""))
        if value:
            validate_mobile(value)
        return value


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. no such person in this room")}),
    )


class LinkAccountForm(CrispyMixin, forms.Form):
    submit_label = _("Link account")
    phone = forms.CharField(
        label=_("Mobile number of the account"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
        help_text=_(
            "If the resident already registered, their account is linked. Otherwise a new "
            "account is opened and a temporary password is shown once."
        ),
    )

    def clean_phone(self) -> str:
        value = normalize_mobile(self.cleaned_data["phone"])
        validate_mobile(value)
        return value


class ImportForm(CrispyMixin, forms.Form):
    submit_label = _("Check the file")
    file = forms.FileField(
        label=_("Roster file (.csv or .xlsx)"),
        help_text=_("At most 5 MB. Download the template to see the columns."),
    )
    create_places = forms.BooleanField(
        label=_("Create the buildings and entrances in the file that do not exist yet"),
        required=False,
        help_text=_(
            "Leave unticked to have every unknown building or entrance reported as a row "
            "error. Ticked, the preview lists the buildings and entrances that will be created."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


class MoveOutForm(CrispyMixin, forms.Form):
    submit_label = _("Record as moved out")
    moved_out_on = forms.DateField(
        label=_("Moved out on"),
        # A date input takes ISO dates whatever the page's language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("For example: sold the flat, moved in with children in Tongzhou."),
    )


class RegistrationForm(forms.Form):
    """A resident registers and picks their home; the office then verifies them."""

    # Shown in the error summary: the password fields come back empty after an error.
    error_summary_note = _(
        "Please correct the fields marked in red. For your safety, type your password again."
    )

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=50,
        help_text=_("Use the name the community office knows you by."),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=Community.objects.all(), empty_label=_("Choose…")
    )
    building = NameChoiceField(
        label=_("Building"), queryset=Building.objects.none(), empty_label=_("Choose…")
    )
    entrance = NameChoiceField(
        label=_("Entrance"), queryset=Entrance.objects.none(), empty_label=_("Choose…")
    )
    household = RoomChoiceField(
        label=_("Room"),
        queryset=Household.objects.none(),
        empty_label=_("Choose…"),
        help_text=_("Can't find your room? Please call the community office."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.order_by("name")
        data = self.data if self.is_bound else self.initial
        community_id = _int_or_none(data.get("community"))
        building_id = _int_or_none(data.get("building"))
        entrance_id = _int_or_none(data.get("entrance"))
        narrow_home_choices(
            self.fields,
            community_id=community_id,
            building_id=building_id,
            entrance_id=entrance_id,
        )

    def clean_phone(self) -> str:
        value = normalize_mobile(self.cleaned_data["phone"])
        validate_mobile(value)
        if User.objects.filter(phone=value).exists():
            raise forms.ValidationError(
                _("An account with this mobile number already exists. Please log in instead.")
            )
        return value

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            candidate = User(
                phone=cleaned.get("phone", ""), display_name=cleaned.get("display_name", "")
            )
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class RoleAssignForm(CrispyMixin, forms.Form):
    submit_label = _("Appoint")
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    display_name = forms.CharField(
        label=_("Name"),
        max_length=50,
        required=False,
        help_text=_("Needed only if this number has no account yet; one is then opened."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=CommunityRole.Role.choices)
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("End date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for an open-ended term."),
    )

    def clean_phone(self) -> str:
        value = normalize_mobile(self.cleaned_data["phone"])
        validate_mobile(value)
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must not be before the start date."))
        return cleaned
