"""Forms of halls, representatives and sessions, the session list's filter, and the photo
form shared with projects.

Choosing residents: a community has thousands, so a form never lists them all. It shows
the current representatives (for attendance) plus whoever a name search finds; the
search is a second submit button of the same form, so it works without JavaScript and
keeps what was already ticked.
"""

from __future__ import annotations

import django_filters
from crispy_forms.bootstrap import FieldWithButtons, StrictButton
from crispy_forms.layout import Field, Layout
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities import uploads
from communities.forms import CrispyMixin
from communities.models import Building, Community, CommunityRole, Resident
from communities.selectors import resident_search
from deliberation.models import Hall, Proposal, Representative, Session, SessionPhoto

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
SEARCH_LIMIT = 30
# A proposal can be put on a session's agenda while it is being discussed or carried out.
AGENDA_STATUSES = (
    Proposal.Status.SUBMITTED,
    Proposal.Status.ON_AGENDA,
    Proposal.Status.IN_DELIBERATION,
    Proposal.Status.VOTING,
    Proposal.Status.PASSED,
    Proposal.Status.IN_IMPLEMENTATION,
)
SEARCH_BUTTON = "search"


def resident_label(resident: Resident) -> str:
    """Name and home, so that two residents of the same name can be told apart."""
    household = resident.household
    return (
        f"{resident.name} · {household.entrance.building.name}"
        f"{household.entrance.name}{household.room}"
    )


def _residents(community: Community):
    return Resident.objects.for_community(community).select_related("household__entrance__building")


def _ids(values) -> list[int]:
    ids = []
    for value in values or []:
        try:
            ids.append(int(getattr(value, "pk", value)))
        except (TypeError, ValueError):
            continue
    return ids


def unbound_copy(form: forms.BaseForm, **kwargs) -> forms.BaseForm:
    """The same form again, unbound, showing what was typed: used after a search so the
    page shows the matches without complaining about fields not yet filled in."""
    initial = {
        name: field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        for name, field in form.fields.items()
    }
    return type(form)(initial=initial, **kwargs)


class SearchMixin:
    """The ``find`` field's text, from the submitted data or the initial values."""

    def search_text(self) -> str:
        if self.is_bound:
            return self.data.get(self.add_prefix("find"), "")
        return self.initial.get("find") or ""

    def chosen(self, name: str) -> list[int]:
        """The ids already picked in a choice field, so they stay on the page."""
        if self.is_bound:
            widget = self.fields[name].widget
            value = widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        else:
            value = self.initial.get(name)
            instance = getattr(self, "instance", None)
            if value is None and instance is not None and instance.pk:
                value = list(getattr(instance, name).all())
        if value in (None, ""):
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        return _ids(value)


class HallForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Hall
        fields = ["name", "kind", "usual_place", "is_active"]


class RepresentativeForm(SearchMixin, CrispyMixin, forms.Form):
    submit_label = _("Add representative")

    find = forms.CharField(
        label=_("Find a resident"),
        required=False,
        max_length=50,
        help_text=_("Type a name (or a full mobile number) and press Search."),
    )
    resident = forms.ModelChoiceField(
        label=_("Resident"),
        queryset=Resident.objects.none(),
        widget=forms.RadioSelect,
        help_text=_("Verified residents of this community."),
    )
    elected_on = forms.DateField(label=_("Elected on"), widget=DATE)
    term_ends_on = forms.DateField(label=_("Term ends on"), widget=DATE)

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        verified = _residents(community).verified()
        field = self.fields["resident"]
        field.queryset = verified
        chosen = self.chosen("resident")
        shown = list(verified.filter(pk__in=chosen)) if chosen else []
        found = resident_search(
            community=community, query=self.search_text(), limit=SEARCH_LIMIT, residents=verified
        )
        shown += [r for r in found if r.pk not in chosen]
        field.widget.choices = [(r.pk, resident_label(r)) for r in shown]
        self.helper.layout = Layout(
            FieldWithButtons(
                Field("find"),
                StrictButton(
                    _("Search"),
                    type="submit",
                    name=SEARCH_BUTTON,
                    value="1",
                    css_class="btn-outline-secondary",
                    # Searching must work before the required fields are filled in.
                    formnovalidate="formnovalidate",
                ),
            ),
            "resident",
            "elected_on",
            "term_ends_on",
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("elected_on"), cleaned.get("term_ends_on")
        if start and end and end <= start:
            self.add_error("term_ends_on", _("The term must end after the election date."))
        return cleaned


class SessionForm(SearchMixin, CrispyMixin, forms.ModelForm):
    find = forms.CharField(
        label=_("Find residents who came"),
        required=False,
        max_length=50,
        help_text=_(
            "Current representatives are listed below; search by name to add other residents."
        ),
    )

    class Meta:
        model = Session
        fields = [
            "starts_at",
            "hall",
            "place",
            "building",
            "host",
            "agenda",
            "minutes",
            "attendees",
        ]
        widgets = {
            "starts_at": DATETIME,
            "agenda": forms.CheckboxSelectMultiple,
            "attendees": forms.CheckboxSelectMultiple,
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, community: Community, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.community = community
        today = timezone.localdate()
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        halls = Hall.objects.filter(community=community)
        if self.instance.hall_id:
            halls = halls.filter(Q(is_active=True) | Q(pk=self.instance.hall_id))
        else:
            halls = halls.filter(is_active=True)
        self.fields["hall"].queryset = halls
        self.fields["building"].queryset = Building.objects.filter(community=community)
        self.fields["building"].help_text = _("Optional: the building the session was held at.")

        office = CommunityRole.objects.active(today).filter(
            community=community, role__in=CommunityRole.OFFICE_ROLES
        )
        hosts = Q(pk__in=office.values("user")) | Q(pk=user.pk)
        if self.instance.host_id:
            hosts |= Q(pk=self.instance.host_id)
        self.fields["host"].queryset = get_user_model().objects.filter(hosts).order_by("pk")
        self.fields["host"].label_from_instance = lambda u: u.display_name or u.phone
        if not self.instance.pk and not self.initial.get("host"):
            self.initial["host"] = user.pk

        proposals = Proposal.objects.filter(community=community)
        agenda_chosen = self.chosen("agenda")
        self.fields["agenda"].queryset = proposals
        self.fields["agenda"].widget.choices = [
            (p.pk, p.title)
            for p in proposals.filter(Q(status__in=AGENDA_STATUSES) | Q(pk__in=agenda_chosen))
            .only("pk", "title")
            .order_by("-created_at", "-pk")
        ]

        residents = _residents(community)
        self.fields["attendees"].queryset = residents
        current = Representative.objects.filter(
            community=community, elected_on__lte=today, term_ends_on__gte=today
        ).values("resident")
        chosen = self.chosen("attendees")
        shown = list(residents.filter(Q(pk__in=current) | Q(pk__in=chosen)).order_by("name"))
        seen = {r.pk for r in shown}
        found = resident_search(community=community, query=self.search_text(), limit=SEARCH_LIMIT)
        shown += [r for r in found if r.pk not in seen]
        self.fields["attendees"].widget.choices = [(r.pk, resident_label(r)) for r in shown]
        self.fields["attendees"].help_text = _(
            "Tick everyone who came: current representatives and any residents found above."
        )
        self.helper.layout = Layout(
            "starts_at",
            "hall",
            "place",
            "building",
            "host",
            "agenda",
            "minutes",
            FieldWithButtons(
                Field("find"),
                StrictButton(
                    _("Search"),
                    type="submit",
                    name=SEARCH_BUTTON,
                    value="1",
                    css_class="btn-outline-secondary",
                    # Searching must work before the required fields are filled in.
                    formnovalidate="formnovalidate",
                ),
            ),
            "attendees",
        )


class PhotoForm(CrispyMixin, forms.ModelForm):
    """A JPG or PNG photo of at most 5 MB (the model is set by ``Meta`` of a subclass)."""

    submit_label = _("Upload photo")

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "image"):  # a new upload that opened as a picture
            uploads.check_photo(image)
        return image


class SessionPhotoForm(PhotoForm):
    class Meta:
        model = SessionPhoto
        fields = ["image", "caption"]


class SessionFilter(django_filters.FilterSet):
    starts_from = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte", label=_("From"), widget=DATE
    )
    starts_until = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label=_("Until"), widget=DATE
    )
    hall = django_filters.ModelChoiceFilter(
        queryset=Hall.objects.none(), label=_("Hall"), empty_label=_("All")
    )

    class Meta:
        model = Session
        fields = ["starts_from", "starts_until", "hall"]

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["hall"].queryset = Hall.objects.filter(community=community)
