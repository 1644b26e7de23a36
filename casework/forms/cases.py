"""Forms of the case desk: receiving and correcting a case, the steps on its page
(record a step, close, assign, rate from a call-back, reopen, attach a file) and the
property task groups.

Choosing the reporter: a community has thousands of residents, so the form lists only
whoever a search by name, mobile number or room finds; the search is a second submit
button of the same form, so it works without JavaScript and keeps what was typed.
"""

from __future__ import annotations

from crispy_forms.bootstrap import FieldWithButtons, StrictButton
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_mobile, validate_mobile
from casework import services
from casework.models import Case, CaseAction, CaseCategory, TaskGroup, Urgency
from communities import uploads
from communities.forms import CrispyMixin, NameChoiceField
from communities.models import Building, Community, CommunityRole, Entrance, Resident
from communities.selectors import resident_search
from deliberation.forms.halls import DATETIME, SEARCH_BUTTON, SearchMixin, resident_label
from governance.models import Organisation

User = get_user_model()

SEARCH_LIMIT = 20
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
DUPLICATE_ORDER = _("A case with this order number already exists.")
# The office records cases from these sources; residents report online themselves.
OFFICE_SOURCES = [(value, label) for value, label in Case.Source.choices if value != "online"]


def search_button():
    return StrictButton(
        _("Search"),
        type="submit",
        name=SEARCH_BUTTON,
        value="1",
        css_class="btn-outline-secondary",
        # Searching must work before the required fields are filled in.
        formnovalidate="formnovalidate",
    )


def workers_of(community: Community):
    """Active accounts of the community's office, for "assign to a worker"."""
    return services.office_users(community).filter(is_active=True).order_by("display_name", "pk")


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class EntranceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.building.name} {obj.name}"


def _when_field(label, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=DATETIME,
        input_formats=DATETIME_FORMATS,
        help_text=help_text or _("Leave empty for now."),
    )


# ---------------------------------------------------------------- receiving a case


class CaseForm(SearchMixin, CrispyMixin, forms.Form):
    """A new case (``case`` None) or the correction of an open one: its source and its
    handlers are fixed on the case's own page, not here."""

    source = forms.ChoiceField(label=_("Source"), choices=OFFICE_SOURCES)
    order_number = forms.CharField(
        label=_("12345 order number"),
        max_length=40,
        required=False,
        help_text=_("Required for a 12345 hotline order."),
    )
    received_at = forms.DateTimeField(
        label=_("Received at"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=CaseCategory.objects.none())
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.GENERAL
    )
    description = forms.CharField(
        label=_("What is the problem?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    building = NameChoiceField(
        label=_("Building"), queryset=Building.objects.none(), required=False
    )
    entrance = EntranceChoiceField(
        label=_("Entrance"),
        queryset=Entrance.objects.none(),
        required=False,
        help_text=_("Choosing an entrance fills in its building."),
    )
    location_detail = forms.CharField(
        label=_("Where exactly"),
        max_length=100,
        required=False,
        help_text=_("For example: roof, bicycle shed, east gate."),
    )
    find = forms.CharField(
        label=_("Find the resident"),
        max_length=50,
        required=False,
        help_text=_("Type a name, a mobile number or a room number and press Search."),
    )
    reporter_resident = forms.ModelChoiceField(
        label=_("Reporter (resident)"),
        queryset=Resident.objects.none(),
        required=False,
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(
        label=_("Reporter's name"),
        max_length=50,
        required=False,
        help_text=_("If the reporter is not a resident found above."),
    )
    # Longer than 11, so "138 1234 5678" or "+86…" can be typed and then normalised.
    reporter_phone = forms.CharField(
        label=_("Reporter's mobile number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    assigned_worker = WorkerChoiceField(
        label=_("Assign to a worker"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— no worker yet —"),
    )
    task_group = forms.ModelChoiceField(
        label=_("Forward to a task group"),
        queryset=TaskGroup.objects.none(),
        required=False,
        empty_label=_("— not forwarded —"),
        help_text=_("The property company's people in the group see and act on the case."),
    )

    def __init__(self, *args, community: Community, case: Case | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        self.case = case
        if not self.is_bound and "received_at" not in self.initial:
            self.initial["received_at"] = timezone.localtime().replace(second=0, microsecond=0)
        categories = CaseCategory.objects.filter(is_active=True)
        if case is not None:
            # A category retired since keeps showing for the case that has it.
            categories = CaseCategory.objects.filter(Q(is_active=True) | Q(pk=case.category_id))
        self.fields["category"].queryset = categories
        self.fields["building"].queryset = Building.objects.filter(community=community)
        self.fields["entrance"].queryset = Entrance.objects.filter(
            building__community=community
        ).select_related("building")
        residents = Resident.objects.for_community(community).select_related(
            "household__entrance__building"
        )
        field = self.fields["reporter_resident"]
        field.queryset = residents
        chosen = self.chosen("reporter_resident")
        shown = list(residents.filter(pk__in=chosen)) if chosen else []
        found = resident_search(
            community=community,
            query=self.search_text(),
            limit=SEARCH_LIMIT,
            residents=residents.exclude(verification_status=Resident.Verification.REJECTED),
        )
        shown += [r for r in found if r.pk not in chosen]
        field.widget.choices = [("", _("Not a resident found here: name and phone below"))] + [
            (r.pk, f"{resident_label(r)} · {r.masked_phone}" if r.phone else resident_label(r))
            for r in shown
        ]
        if case is None:
            self.fields["assigned_worker"].queryset = workers_of(community)
            self.fields["task_group"].queryset = TaskGroup.objects.filter(
                community=community, is_active=True
            )
            handlers = [
                Fieldset(_("Who handles it"), "assigned_worker", "task_group"),
            ]
        else:
            del self.fields["source"]
            del self.fields["assigned_worker"]
            del self.fields["task_group"]
            handlers = []
        case_fields = [
            f
            for f in ("source", "order_number", "received_at", "category", "urgency")
            if f in self.fields
        ]
        self.helper.layout = Layout(
            Fieldset(_("The case"), *case_fields, "description"),
            Fieldset(_("Where"), "building", "entrance", "location_detail"),
            Fieldset(
                _("Reporter"),
                FieldWithButtons(Field("find"), search_button()),
                "reporter_resident",
                "reporter_name",
                "reporter_phone",
            ),
            *handlers,
        )

    @property
    def source_value(self) -> str:
        if self.case is not None:
            return self.case.source
        return self.cleaned_data.get("source", "")

    def clean_reporter_phone(self) -> str:
        value = normalize_mobile(self.cleaned_data.get("reporter_phone", ""))
        if value:
            validate_mobile(value)
        return value

    def clean_order_number(self) -> str:
        return (self.cleaned_data.get("order_number") or "").strip()

    def clean(self):
        cleaned = super().clean()
        source = self.source_value
        number = cleaned.get("order_number", "")
        if source == Case.Source.HOTLINE and "order_number" in cleaned and not number:
            self.add_error("order_number", _("A 12345 order needs its order number."))
        elif number and source:
            others = Case.objects.filter(source=source, order_number=number)
            if self.case is not None:
                others = others.exclude(pk=self.case.pk)
            if others.exists():
                self.add_error("order_number", DUPLICATE_ORDER)
        return cleaned

    def service_kwargs(self) -> dict:
        """What the form gives ``case_create`` (or ``case_update``)."""
        fields = list(services.EDITABLE_FIELDS)
        if self.case is None:
            fields += ["source", "assigned_worker", "task_group"]
        return {name: self.cleaned_data.get(name) for name in fields}


# ---------------------------------------------------------------- on the case's page


class StepForm(forms.Form):
    """A step a handler took: called the reporter, went on site, fixed it, …"""

    kind = forms.ChoiceField(
        label=_("What was done"),
        choices=[(k.value, k.label) for k in CaseAction.MANUAL],
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    at = _when_field(_("When"))


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Case.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("How it was handled"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    at = _when_field(_("Closed at"))


class AssignForm(forms.Form):
    worker = WorkerChoiceField(
        label=_("Worker"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— no worker —"),
    )
    task_group = forms.ModelChoiceField(
        label=_("Task group"),
        queryset=TaskGroup.objects.none(),
        required=False,
        empty_label=_("— no task group —"),
    )

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers_of(community)
        self.fields["task_group"].queryset = TaskGroup.objects.filter(
            community=community, is_active=True
        )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("worker") and not cleaned.get("task_group"):
            raise forms.ValidationError(_("Choose a worker, a task group, or both."))
        return cleaned


class RateForm(forms.Form):
    """Satisfaction the reporter gave when a worker called them back."""

    satisfaction = forms.ChoiceField(
        label=_("Reporter's satisfaction"),
        choices=Case.Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    at = _when_field(_("Called back at"))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it reopened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text=_("A PDF, JPG or PNG file of at most 10 MB."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The name decides how the file is served later, so it must match its kind too.
        uploads.check_document(upload, max_bytes=settings.CASEWORK_ATTACHMENT_MAX_BYTES)
        return upload


# ---------------------------------------------------------------- task groups


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


def staff_of(community: Community):
    """Active accounts with an office or property-manager role in the community."""
    roles = CommunityRole.objects.active(timezone.localdate()).filter(
        community=community, role__in=CommunityRole.HANDLER_ROLES
    )
    return User.objects.filter(pk__in=roles.values("user"), is_active=True).order_by(
        "display_name", "pk"
    )


class TaskGroupForm(CrispyMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    property_company = forms.ModelChoiceField(
        label=_("Property company"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    members = MemberChoiceField(
        label=_("Task group members"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Property-company staff (and any workers) who act on the group's cases."),
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("An inactive group gets no new cases and its members lose access."),
    )

    def __init__(self, *args, community: Community, group: TaskGroup | None = None, **kwargs):
        self.community = community
        self.group = group
        if group is not None:
            kwargs["initial"] = {
                "name": group.name,
                "property_company": group.property_company_id,
                "members": [m.pk for m in group.members.all()],
                "is_active": group.is_active,
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        self.fields["property_company"].queryset = Organisation.objects.filter(
            community=community, kind=Organisation.Kind.PROPERTY_COMPANY
        )
        self.fields["members"].queryset = staff_of(community)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = TaskGroup.objects.filter(community=self.community, name=name)
        if self.group is not None:
            others = others.exclude(pk=self.group.pk)
        if others.exists():
            raise forms.ValidationError(_("This community already has a task group of this name."))
        return name
