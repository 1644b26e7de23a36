"""Forms for the rates pages (which month), recurring problems (which window) and the
one-click proposal for a lasting fix."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.forms import CrispyMixin
from deliberation.models import ProposalCategory

# How far back the recurring problems page looks, in days.
RECURRING_DAYS = (30, 90, 180, 365)
DEFAULT_RECURRING_DAYS = 90


def parse_days(value: str | None) -> int:
    """One of the offered windows; the default for anything else."""
    try:
        days = int(value or "")
    except ValueError:
        return DEFAULT_RECURRING_DAYS
    return days if days in RECURRING_DAYS else DEFAULT_RECURRING_DAYS


def parse_case_ids(value: str | None) -> list[int] | None:
    """'1,2,3' → [1, 2, 3]; None if any part is not a positive whole number."""
    parts = [p.strip() for p in (value or "").split(",") if p.strip()]
    if not parts or len(parts) > 200 or not all(p.isdigit() and len(p) < 10 for p in parts):
        return None
    ids = [int(p) for p in parts]
    if any(i <= 0 for i in ids):
        return None
    return list(dict.fromkeys(ids))


class RecurringProposeForm(CrispyMixin, forms.Form):
    """The office confirms (and may edit) the proposal raised from recurring cases."""

    submit_label = _("Raise the proposal")

    cases = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("The cases are listed for the deliberation; add what a lasting fix needs."),
    )
    category = forms.ModelChoiceField(
        label=_("Proposal category"), queryset=ProposalCategory.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ProposalCategory.objects.filter(is_active=True)

    def clean_cases(self) -> list[int]:
        ids = parse_case_ids(self.cleaned_data["cases"])
        if ids is None:
            raise forms.ValidationError(_("These cases are not a recurring problem."))
        return ids
