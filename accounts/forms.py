"""Forms for logging in and choosing a password."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_mobile


def no_autofocus_after_errors(form) -> None:
    """A form that came back with errors hands the focus to its error summary
    (static/js/form-errors.js): no field may take it first with autofocus."""
    if form.is_bound:
        for field in form.fields.values():
            field.widget.attrs.pop("autofocus", None)


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
        no_autofocus_after_errors(self)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Log in"), css_class="btn-danger btn-lg w-100"))

    def clean_username(self) -> str:
        return normalize_mobile(self.cleaned_data["username"])


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        no_autofocus_after_errors(self)
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
