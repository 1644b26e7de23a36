"""Forms of ballots: scheduling one, a resident's vote, and a paper vote entered by a
worker. The rules themselves (one vote each, who may vote, Civil Code turnout) live in
``deliberation.services``; these forms only read what was typed."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Resident
from deliberation.models import Ballot, BallotOption
from deliberation.rules_tally import Rule
from deliberation.services import options_for_yes_no

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

YES_NO, CHOICES = "yes_no", "choices"
MAX_CHOICES = 10


class BallotForm(forms.Form):
    """Schedule a ballot on a proposal. Times are Beijing wall-clock times."""

    question = forms.CharField(label=_("Question"), max_length=200)
    opens_at = forms.DateTimeField(label=_("Voting opens at"), widget=DATETIME)
    closes_at = forms.DateTimeField(label=_("Voting closes at"), widget=DATETIME)
    rule = forms.ChoiceField(
        label=_("Decision rule"),
        choices=Ballot._meta.get_field("rule").choices,
        initial=Rule.MAJORITY.value,
        help_text=_(
            "Civil Code ballots are decisions of the owners on common property: one vote "
            "per owner household, weighted by floor area, with their own turnout rule."
        ),
    )
    unit = forms.ChoiceField(
        label=_("Who votes"),
        choices=Ballot.Unit.choices,
        initial=Ballot.Unit.RESIDENT,
        widget=forms.RadioSelect,
        help_text=_("Civil Code ballots are always one vote per household."),
    )
    secret = forms.TypedChoiceField(
        label=_("Secret or named"),
        choices=[
            ("1", _("Secret: nobody can see who chose what")),
            ("0", _("Named: the secretary can see who chose what")),
        ],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    quorum_percent = forms.IntegerField(
        label=_("Quorum (percent of those eligible who must take part)"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Leave empty for no quorum. Not used for Civil Code ballots."),
    )
    option_mode = forms.ChoiceField(
        label=_("Options"),
        choices=[
            (YES_NO, _("For / Against / Abstain")),
            (CHOICES, _("Several choices, typed below")),
        ],
        initial=YES_NO,
        widget=forms.RadioSelect,
    )
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One choice per line, at least two. Only used for several choices."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Schedule the ballot"), css_class="btn-lg"))

    def clean_closes_at(self) -> dt.datetime:
        closes_at = self.cleaned_data["closes_at"]
        if closes_at <= timezone.now():
            raise forms.ValidationError(_("This time has already passed."))
        return closes_at

    def clean(self):
        data = super().clean()
        if data.get("rule") and Rule(data["rule"]).is_civil_code:
            # Owners' joint decisions are by household (the model insists too).
            data["unit"] = Ballot.Unit.HOUSEHOLD
        if data.get("option_mode") == CHOICES:
            labels = [line.strip() for line in (data.get("choices") or "").splitlines()]
            labels = [label for label in labels if label]
            label_limit = BallotOption._meta.get_field("label").max_length
            if len(labels) < 2:
                self.add_error("choices", _("Type at least two choices, one per line."))
            elif len(labels) > MAX_CHOICES:
                self.add_error("choices", _("Type at most %(n)s choices.") % {"n": MAX_CHOICES})
            elif len(set(labels)) != len(labels):
                self.add_error("choices", _("Each choice must be different."))
            elif any(len(label) > label_limit for label in labels):
                self.add_error(
                    "choices",
                    _("Keep each choice under %(n)s characters.") % {"n": label_limit},
                )
            else:
                data["options"] = [
                    (f"choice-{index}", label) for index, label in enumerate(labels, start=1)
                ]
        else:
            data["options"] = options_for_yes_no()
        return data


class VoteForm(forms.Form):
    """A resident's choice, one of the ballot's options."""

    option = forms.ChoiceField(
        label=_("Your choice"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose one of the options."),
            "invalid_choice": _("Please choose one of the options."),
        },
    )

    def __init__(self, *args, options: list[BallotOption], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = [(option.key, option.label) for option in options]

    def chosen(self, options: list[BallotOption]) -> BallotOption:
        key = self.cleaned_data["option"]
        return next(option for option in options if option.key == key)


class ResidentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or room"),
        max_length=50,
        required=False,
        help_text=_("For example 王秀英, or 402."),
    )


class PaperVoteForm(VoteForm):
    """A paper ballot entered by a worker for a resident of the community."""

    resident = forms.ModelChoiceField(queryset=Resident.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].label = _("Their choice on paper")
        self.fields["resident"].queryset = (
            Resident.objects.for_community(community)
            .current()
            .select_related("household__entrance__building")
        )
