"""Forms for logging in and choosing a password."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_mobile


class PhoneLoginForm(auth_forms.AuthenticationForm):
    username = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "tel", "autocomplete": "tel"}
        ),
    )
    error_messages = {
        "invalid_login": _("The mobile number or password is wrong. Please try again."),
        "inactive": _("This account has been disabled. Please contact your community office."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        if self.is_bound:
            # After a failed attempt the focus goes to the error summary, not the field.
            self.fields["username"].widget.attrs.pop("autofocus", None)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Log in"), css_class="btn-danger btn-lg w-100"))

    def clean_username(self) -> str:
        return normalize_mobile(self.cleaned_data["username"])


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(
            Submit("submit", _("Save new password"), css_class="btn-danger btn-lg w-100")
        )

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        user.must_change_password = False
        if commit:
            user.save()
        return user
