"""Writes of practical projects (实事项目): a passed proposal becomes a project, the project
moves planned → under way → completed, and the proposal follows it through its lifecycle."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Community
from deliberation import services
from deliberation.models import Milestone, Project, ProjectPhoto, Proposal

S = Proposal.Status
OFFICE = {"office"}


def responsible_organisations(community: Community) -> QuerySet:
    """Who can carry a project: the community's own organisations and the government
    departments of its district (the landscaping bureau that moved the trees)."""
    from governance.models import Organisation

    return Organisation.objects.filter(
        Q(community=community.pk)
        | Q(
            district=community.subdistrict.district_id,
            kind=Organisation.Kind.GOVERNMENT_DEPARTMENT,
        ),
        is_active=True,
    ).order_by("kind", "name")


def _check_fields(project: Project) -> None:
    errors: dict[str, str] = {}
    if project.budget is not None and project.budget < Decimal("0"):
        errors["budget"] = _("The budget cannot be negative.")
    if (
        project.organisation_id
        and not responsible_organisations(project.community)
        .filter(pk=project.organisation_id)
        .exists()
    ):
        errors["organisation"] = _(
            "Choose an organisation of this community or a department of its district."
        )
    today = timezone.localdate()
    if project.completed_on and project.completed_on > today:
        errors["completed_on"] = _("The completion date cannot be in the future.")
    if project.started_on and project.completed_on and project.completed_on < project.started_on:
        errors["completed_on"] = _("A project cannot be completed before it started.")
    if errors:
        raise ValidationError(errors)


def project_create(
    *,
    proposal: Proposal,
    title: str,
    organisation=None,
    budget: Decimal | None = None,
    funding_source: str = "",
    started_on: dt.date | None = None,
    by,
) -> Project:
    """Turn a passed proposal into a practical project and move the proposal to
    "in implementation" (both or neither)."""
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != S.PASSED:
            raise ValidationError(
                _("Only a passed proposal can become a practical project (this one is “%(s)s”).")
                % {"s": locked.get_status_display()}
            )
        today = timezone.localdate()
        project = Project(
            proposal=locked,
            community=locked.community,
            title=(title or "").strip(),
            organisation=organisation,
            budget=budget,
            funding_source=(funding_source or "").strip(),
            started_on=started_on,
            status=(
                Project.Status.UNDER_WAY
                if started_on and started_on <= today
                else Project.Status.PLANNED
            ),
        )
        _check_fields(project)
        project.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                project.save()
        except IntegrityError:
            raise ValidationError(_("This proposal already has a project.")) from None
        services.proposal_step(
            proposal=locked,
            to_status=S.IN_IMPLEMENTATION,
            by=by,
            roles=OFFICE,
            comment=_("Practical project started: %(title)s") % {"title": project.title},
        )
    return project


def project_update(
    *,
    project: Project,
    by,
    title: str,
    organisation=None,
    budget: Decimal | None = None,
    funding_source: str = "",
    started_on: dt.date | None = None,
    status: str,
    progress: int,
    completed_on: dt.date | None = None,
) -> Project:
    """Change a project. Completing it needs a completion date, sets progress to 100 % and
    moves the proposal to "completed"; a completed project stays completed."""
    with transaction.atomic():
        current = Project.objects.select_for_update().get(pk=project.pk)
        was_completed = current.status == Project.Status.COMPLETED
        if was_completed and status != Project.Status.COMPLETED:
            raise ValidationError({"status": _("A completed project cannot be reopened.")})
        if status == Project.Status.COMPLETED:
            if not completed_on:
                raise ValidationError(
                    {"completed_on": _("Give the date the project was completed.")}
                )
            progress = 100
        elif completed_on:
            raise ValidationError(
                {"completed_on": _("Only a completed project has a completion date.")}
            )
        if progress is None or not 0 <= progress <= 100:
            raise ValidationError({"progress": _("Progress is a percentage from 0 to 100.")})
        project.title = (title or "").strip()
        project.organisation = organisation
        project.budget = budget
        project.funding_source = (funding_source or "").strip()
        project.started_on = started_on
        project.status = status
        project.progress = progress
        project.completed_on = completed_on
        _check_fields(project)
        project.full_clean(validate_unique=False)
        project.save()
        if status == Project.Status.COMPLETED and not was_completed:
            proposal = project.proposal
            if proposal.status == S.IN_IMPLEMENTATION:
                services.proposal_step(
                    proposal=proposal,
                    to_status=S.COMPLETED,
                    by=by,
                    roles=OFFICE,
                    comment=_("Practical project completed on %(day)s")
                    % {"day": completed_on.isoformat()},
                )
    return project


@transaction.atomic
def milestone_add(*, project: Project, title: str, due_on: dt.date) -> Milestone:
    if project.status == Project.Status.COMPLETED:
        raise ValidationError(_("A completed project takes no new milestones."))
    milestone = Milestone(project=project, title=(title or "").strip(), due_on=due_on)
    milestone.full_clean()
    milestone.save()
    return milestone


def milestone_done(*, milestone: Milestone, on: dt.date) -> bool:
    """Mark a milestone done (once: a second call changes nothing and returns False)."""
    return bool(Milestone.objects.filter(pk=milestone.pk, done_on__isnull=True).update(done_on=on))


@transaction.atomic
def project_photo_add(*, photo: ProjectPhoto) -> ProjectPhoto:
    photo.full_clean()
    photo.save()
    return photo
