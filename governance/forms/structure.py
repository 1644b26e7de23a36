"""Forms for the 1351N structure: a community's organisations and their posts."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_mobile, validate_mobile
from communities.forms import CrispyMixin
from communities.models import Community, Resident
from communities.selectors import resident_search
from governance.models import Organisation, Post

User = get_user_model()

# Government departments serve a whole district and are kept in Django admin.
COMMUNITY_KINDS = [
    (value, label)
    for value, label in Organisation.Kind.choices
    if value != Organisation.Kind.GOVERNMENT_DEPARTMENT
]


class OrganisationForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["kind", "name", "description", "contact_name", "contact_phone", "is_active"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.community = community
        self.fields["kind"].choices = [("", _("Choose…")), *COMMUNITY_KINDS]

    def clean_name(self) -> str:
        # The form leaves out ``community``, so Django skips the (community, name) constraint
        # here; check it so the message appears next to the name.
        name = self.cleaned_data["name"]
        others = Organisation.objects.filter(community=self.instance.community, name=name)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("This community already has an organisation with this name.")
            )
        return name


class PostForm(CrispyMixin, forms.Form):
    """Appoint someone found by mobile number: an account, else a resident of the community."""

    submit_label = _("Appoint")
    title = forms.ChoiceField(label=_("Post"), choices=Post.Title.choices)
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
        help_text=_(
            "The holder's account, or a resident of this community recorded with this number."
        ),
    )
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("End date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for an open-ended term."),
    )

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community

    def clean_phone(self) -> str:
        value = normalize_mobile(self.cleaned_data["phone"])
        validate_mobile(value)
        user = User.objects.filter(phone=value).first()
        resident = None
        if user is None:
            # The full number finds only its holder; residents who moved out hold no post.
            residents = list(
                resident_search(
                    community=self.community,
                    query=value,
                    limit=2,
                    residents=Resident.objects.select_related("user"),
                )
            )
            if len(residents) > 1:
                raise forms.ValidationError(
                    _(
                        "Several residents of this community share this number. Give the "
                        "holder their own number in the roster first."
                    )
                )
            if not residents:
                raise forms.ValidationError(
                    _(
                        "No account or resident of this community has this number. Add the "
                        "resident to the roster first."
                    )
                )
            # A resident with an account holds the post through the account.
            if residents[0].user_id:
                user = residents[0].user
            else:
                resident = residents[0]
        self.cleaned_data["user"] = user
        self.cleaned_data["resident"] = resident
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must not be before the start date."))
        return cleaned
