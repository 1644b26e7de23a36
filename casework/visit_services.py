"""Writes on proactive visits (未诉先办) and the problems found on them."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Case, CaseCategory, TaskGroup, Urgency, Visit, VisitProblem
from casework.services import case_create, office_users
from communities.models import Building, Community, Entrance


def _check_visit(community: Community, worker, visited_on: dt.date, entrances, households):
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("The visit can't be in the future.")})
    if not office_users(community).filter(pk=worker.pk).exists():
        raise ValidationError({"worker": _("Choose a worker of this community's office.")})
    entrances = list(entrances)
    households = list(households)
    if any(e.building.community_id != community.pk for e in entrances):
        raise ValidationError({"entrances": _("Choose entrances of this community only.")})
    if any(h.entrance.building.community_id != community.pk for h in households):
        raise ValidationError({"households": _("Choose households of this community only.")})
    # A household visited means its entrance was walked.
    seen = {e.pk for e in entrances}
    for household in households:
        if household.entrance_id not in seen:
            entrances.append(household.entrance)
            seen.add(household.entrance_id)
    if not entrances:
        raise ValidationError({"entrances": _("Choose at least one entrance walked.")})
    return entrances, households


@transaction.atomic
def visit_save(
    *,
    community: Community,
    by,
    worker,
    visited_on: dt.date,
    entrances,
    households=(),
    notes: str = "",
    visit: Visit | None = None,
) -> Visit:
    """Log (or correct) a visit: the entrances walked and the households called on."""
    entrances, households = _check_visit(community, worker, visited_on, entrances, households)
    visit = visit or Visit(community=community)
    if visit.community_id != community.pk:
        raise ValidationError(_("This visit belongs to another community."))
    visit.worker = worker
    visit.visited_on = visited_on
    visit.notes = (notes or "").strip()
    visit.full_clean()
    visit.save()
    visit.entrances.set(entrances)
    visit.households.set(households)
    return visit


@transaction.atomic
def visit_problem_add(
    *,
    visit: Visit,
    by,
    description: str,
    category: CaseCategory,
    building: Building | None = None,
    entrance: Entrance | None = None,
) -> VisitProblem:
    description = (description or "").strip()
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    if entrance is not None:
        building = building or entrance.building
        if entrance.building_id != building.pk:
            raise ValidationError({"entrance": _("This entrance is in another building.")})
    if building is not None and building.community_id != visit.community_id:
        raise ValidationError({"building": _("Choose a building of this community.")})
    problem = VisitProblem(
        visit=visit,
        description=description,
        category=category,
        building=building,
        entrance=entrance,
    )
    problem.full_clean()
    problem.save()
    return problem


@transaction.atomic
def visit_problem_to_case(
    *,
    problem: VisitProblem,
    by,
    urgency: str = Urgency.GENERAL,
    assigned_worker=None,
    task_group: TaskGroup | None = None,
) -> Case:
    """Take a problem found on a visit in as a case (source: visit), once."""
    problem = (
        VisitProblem.objects.select_for_update(of=("self",))
        .select_related("visit__community", "category", "building", "entrance")
        .get(pk=problem.pk)
    )
    if problem.case_id:
        raise ValidationError(_("This problem is already a case."))
    visit = problem.visit
    case = case_create(
        community=visit.community,
        by=by,
        source=Case.Source.VISIT,
        category=problem.category,
        urgency=urgency,
        description=problem.description,
        building=problem.building,
        entrance=problem.entrance,
        assigned_worker=assigned_worker,
        task_group=task_group,
    )
    problem.case = case
    problem.save(update_fields=["case"])
    return case
