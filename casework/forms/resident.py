"""The resident's phone form to report a problem, and the rating buttons."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from casework import services
from casework.models import Case, CaseCategory
from communities import uploads
from communities.models import Building, Community, Entrance


class ReportForm(forms.Form):
    """What and where: the place is one list of the community's buildings and their
    entrances, so a building and an entrance can never disagree."""

    category = forms.ModelChoiceField(
        label=_("What kind of problem"),
        queryset=CaseCategory.objects.none(),
        empty_label=_("Please choose"),
    )
    description = forms.CharField(
        label=_("What is wrong"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: the light in the stairwell on the 3rd floor is broken."),
    )
    place = forms.ChoiceField(label=_("Where"), required=False)
    location_detail = forms.CharField(
        label=_("Where exactly"),
        max_length=100,
        required=False,
        help_text=_("For example: roof, bicycle shed, east gate."),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("A JPG or PNG photo, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["category"].queryset = CaseCategory.objects.filter(is_active=True)
        buildings = list(
            Building.objects.filter(community=community).order_by("sort_order", "name")
        )
        entrances = list(
            Entrance.objects.filter(building__community=community).order_by("name", "pk")
        )
        by_building: dict[int, list[Entrance]] = {}
        for entrance in entrances:
            by_building.setdefault(entrance.building_id, []).append(entrance)
        choices: list = [("", _("Not at a building (square, gate, street)"))]
        self._buildings = {b.pk: b for b in buildings}
        self._entrances = {e.pk: e for e in entrances}
        for building in buildings:
            group = [(f"b{building.pk}", _("%(building)s (the building)") % {"building": building})]
            group += [
                (f"e{e.pk}", f"{building.name} {e.name}") for e in by_building.get(building.pk, [])
            ]
            choices.append((building.name, group))
        self.fields["place"].choices = choices
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-select form-select-lg" if name in ("category", "place") else "form-control"
            )

    def clean_place(self) -> tuple[Building | None, Entrance | None]:
        value = self.cleaned_data["place"]
        if not value:
            return None, None
        pk = int(value[1:])
        if value[0] == "e":
            entrance = self._entrances[pk]
            return self._buildings[entrance.building_id], entrance
        return self._buildings[pk], None

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        uploads.check_upload(
            photo,
            kinds=uploads.PHOTO_KINDS,
            max_bytes=settings.CASEWORK_ATTACHMENT_MAX_BYTES,
            wrong_kind=_("Please choose a JPG or PNG photo."),
        )
        try:
            services.check_attachment(photo)
        except ValidationError as exc:
            messages = exc.message_dict.get("file") if hasattr(exc, "error_dict") else None
            raise ValidationError(messages or exc.messages) from exc
        return photo


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(choices=Case.Satisfaction.choices)
