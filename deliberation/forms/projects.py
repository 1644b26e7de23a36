"""Forms of practical projects: create from a passed proposal, edit (progress and
completion), milestones, photos, and the project list's filter."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from deliberation.forms.halls import DATE, CrispyMixin, PhotoForm
from deliberation.models import Milestone, Project, ProjectPhoto
from deliberation.project_services import responsible_organisations


class ProjectCreateForm(CrispyMixin, forms.ModelForm):
    submit_label = _("Start the project")

    class Meta:
        model = Project
        fields = ["title", "organisation", "budget", "funding_source", "started_on"]
        widgets = {
            "started_on": DATE,
            "budget": forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
        }

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = responsible_organisations(community)
        self.fields["organisation"].help_text = _(
            "An organisation of this community or a department of the district."
        )
        self.fields["funding_source"].help_text = _(
            "For example 社区公益金, the property company, or the district bureau."
        )


class ProjectUpdateForm(ProjectCreateForm):
    submit_label = _("Save")

    class Meta(ProjectCreateForm.Meta):
        fields = [
            "title",
            "organisation",
            "budget",
            "funding_source",
            "started_on",
            "status",
            "progress",
            "completed_on",
        ]
        widgets = {
            **ProjectCreateForm.Meta.widgets,
            "completed_on": DATE,
            "progress": forms.NumberInput(attrs={"min": "0", "max": "100"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].help_text = _(
            "Required when the project is marked completed; progress then becomes 100 %."
        )

    def clean(self):
        # The same rule the service enforces, answered here on the right field; a
        # completed project is at 100 % whatever was typed.
        cleaned = super().clean()
        if cleaned.get("status") == Project.Status.COMPLETED:
            if not cleaned.get("completed_on") and "completed_on" not in self.errors:
                self.add_error("completed_on", _("Give the date the project was completed."))
            cleaned["progress"] = 100
        return cleaned


class MilestoneForm(CrispyMixin, forms.ModelForm):
    submit_label = _("Add milestone")

    class Meta:
        model = Milestone
        fields = ["title", "due_on"]
        widgets = {"due_on": DATE}


class ProjectPhotoForm(PhotoForm):
    class Meta:
        model = ProjectPhoto
        fields = ["image", "caption"]


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Project.Status.choices, label=_("Status"), empty_label=_("All")
    )

    class Meta:
        model = Project
        fields = ["status"]
