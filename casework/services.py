"""Writes on cases: receiving, assigning and forwarding, the timeline, closing, rating,
reopening and attachments. Visits, whistles, task groups and the scheduled jobs live in
``casework.visit_services``, ``casework.whistle_services`` and ``casework.sla``."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import deadlines
from casework.models import (
    CalendarDay,
    Case,
    CaseAction,
    CaseAttachment,
    CaseCategory,
    TaskGroup,
    Urgency,
)
from communities import uploads
from communities.models import Building, Community, CommunityRole, Entrance, Resident
from notifications.services import notification_send

A = CaseAction.Kind
S = Case.Status

# A clock a few minutes fast on a worker's computer must not reject "now".
FUTURE_SLACK = dt.timedelta(minutes=10)


# ---------------------------------------------------------------- deadlines


def work_calendar() -> deadlines.WorkCalendar:
    """The holiday calendar as admins have entered it (one query)."""
    holidays, makeup = [], []
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (makeup if kind == CalendarDay.Kind.MAKEUP else holidays).append(day)
    return deadlines.WorkCalendar.of(holidays, makeup)


def due_dates(
    *,
    category: CaseCategory,
    urgency: str,
    received_at: dt.datetime,
    calendar: deadlines.WorkCalendar | None = None,
) -> tuple[dt.datetime, dt.datetime]:
    """(contact by, resolve by) for a case of this category and urgency."""
    calendar = calendar if calendar is not None else work_calendar()
    local = timezone.localtime(received_at)
    (contact, contact_unit), (resolve, resolve_unit) = category.limits(urgency)
    return (
        deadlines.deadline(local, contact, contact_unit, calendar),
        deadlines.deadline(local, resolve, resolve_unit, calendar),
    )


def _resolve_due_from(case: Case, start: dt.datetime) -> dt.datetime:
    (_contact, _unit), (resolve, resolve_unit) = case.category.limits(case.urgency)
    return deadlines.deadline(timezone.localtime(start), resolve, resolve_unit, work_calendar())


# ---------------------------------------------------------------- helpers


def office_users(community: Community):
    """Accounts currently holding an office role in the community."""
    from accounts.models import User

    return User.objects.filter(
        pk__in=CommunityRole.objects.active(timezone.localdate())
        .filter(community=community, role__in=CommunityRole.OFFICE_ROLES)
        .values("user")
    )


def secretaries_of(community: Community):
    from accounts.models import User

    return User.objects.filter(
        pk__in=CommunityRole.objects.active(timezone.localdate())
        .filter(community=community, role__in=CommunityRole.SECRETARY_ROLES)
        .values("user")
    )


def case_url(case: Case) -> str:
    return reverse("casework:case_detail", args=[case.community.code, case.pk])


def notify_users(users, *, title: str, body: str = "", url: str = "", dedupe: str = "") -> int:
    sent = 0
    for user in {u.pk: u for u in users}.values():
        key = f"{dedupe}:{user.pk}" if dedupe else ""
        if notification_send(recipient=user, title=title, body=body, url=url, dedupe_key=key):
            sent += 1
    return sent


def record_step(case: Case, kind: str, by, note: str = "", at: dt.datetime | None = None):
    action = CaseAction(case=case, kind=kind, by=by, note=note.strip(), at=at or timezone.now())
    action.full_clean()
    action.save()
    return action


def _check_place(community: Community, building: Building | None, entrance: Entrance | None):
    """The building and entrance belong to the community and to each other; an entrance
    alone fills in its building."""
    if entrance is not None:
        if building is None:
            building = entrance.building
        elif entrance.building_id != building.pk:
            raise ValidationError({"entrance": _("This entrance is in another building.")})
    if building is not None and building.community_id != community.pk:
        raise ValidationError({"building": _("Choose a building of this community.")})
    return building, entrance


def _check_handlers(community: Community, worker, task_group: TaskGroup | None) -> None:
    if worker is not None and not office_users(community).filter(pk=worker.pk).exists():
        raise ValidationError({"assigned_worker": _("Choose a worker of this community's office.")})
    if task_group is not None:
        if task_group.community_id != community.pk:
            raise ValidationError({"task_group": _("Choose a task group of this community.")})
        if not task_group.is_active:
            raise ValidationError({"task_group": _("This task group is no longer active.")})


def _check_reporter(community: Community, source: str, resident, name: str, phone: str) -> None:
    if resident is not None:
        if resident.household.entrance.building.community_id != community.pk:
            raise ValidationError(
                {"reporter_resident": _("This resident lives in another community.")}
            )
        return
    if source in (Case.Source.VISIT,):
        return
    if not name:
        raise ValidationError(
            {"reporter_name": _("Give the reporter's name, or choose the resident.")}
        )
    if source == Case.Source.ONLINE:
        raise ValidationError({"reporter_resident": _("An online case needs its resident.")})


def _check_order_number_free(source: str, order_number: str, case: Case | None = None) -> None:
    """Said on the order number field (the model's constraint check would say it for the
    whole form); a concurrent insert is still caught by the unique index on save."""
    if not order_number:
        return
    taken = Case.objects.filter(source=source, order_number=order_number)
    if case is not None and case.pk:
        taken = taken.exclude(pk=case.pk)
    if taken.exists():
        raise ValidationError({"order_number": _("A case with this order number already exists.")})


def _notify_forwarded(case: Case, task_group: TaskGroup) -> None:
    notify_users(
        task_group.members.filter(is_active=True),
        title=_("New case for %(group)s: %(case)s") % {"group": task_group, "case": case},
        body=case.description[:300],
        url=case_url(case),
        dedupe=f"case-forwarded-{case.pk}-{task_group.pk}-{case.reopen_count}",
    )


def _notify_assigned(case: Case, worker) -> None:
    notify_users(
        [worker],
        title=_("Case %(case)s is yours to handle") % {"case": case},
        body=case.description[:300],
        url=case_url(case),
        dedupe=f"case-assigned-{case.pk}-{worker.pk}-{case.reopen_count}",
    )


# ---------------------------------------------------------------- cases


@transaction.atomic
def case_create(
    *,
    community: Community,
    by,
    source: str,
    category: CaseCategory,
    description: str,
    urgency: str = Urgency.GENERAL,
    received_at: dt.datetime | None = None,
    order_number: str = "",
    building: Building | None = None,
    entrance: Entrance | None = None,
    location_detail: str = "",
    reporter_resident: Resident | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    assigned_worker=None,
    task_group: TaskGroup | None = None,
) -> Case:
    """Receive a case: fix its deadlines, start its timeline, tell whoever it goes to."""
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + FUTURE_SLACK:
        raise ValidationError({"received_at": _("The time received can't be in the future.")})
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    order_number = (order_number or "").strip()
    if source == Case.Source.HOTLINE and not order_number:
        raise ValidationError({"order_number": _("A 12345 order needs its order number.")})
    building, entrance = _check_place(community, building, entrance)
    reporter_name = (reporter_name or "").strip()
    _check_reporter(community, source, reporter_resident, reporter_name, reporter_phone)
    _check_handlers(community, assigned_worker, task_group)
    _check_order_number_free(source, order_number)
    contact_due, resolve_due = due_dates(
        category=category, urgency=urgency, received_at=received_at
    )
    case = Case(
        community=community,
        source=source,
        order_number=order_number,
        received_at=received_at,
        category=category,
        urgency=urgency,
        description=(description or "").strip(),
        building=building,
        entrance=entrance,
        location_detail=(location_detail or "").strip(),
        reporter_resident=reporter_resident,
        reporter_name="" if reporter_resident else reporter_name,
        reporter_phone="" if reporter_resident else (reporter_phone or "").strip(),
        assigned_worker=assigned_worker,
        task_group=task_group,
        status=S.IN_PROGRESS if (assigned_worker or task_group) else S.RECEIVED,
        contact_due=contact_due,
        resolve_due=resolve_due,
        created_by=by,
    )
    # The order number was checked above, on its field; the model's constraint check
    # would repeat it for the whole form (and lose a race to a worker entering the same
    # order at this moment); the unique index still refuses a duplicate on save.
    case.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:
        # Two workers entering the same 12345 order at once: the second one is told.
        raise ValidationError(
            {"order_number": _("A case with this order number already exists.")}
        ) from exc
    record_step(case, A.RECEIVED, by, at=received_at)
    if assigned_worker is not None:
        record_step(case, A.ASSIGNED, by, note=str(assigned_worker.display_name), at=now)
        _notify_assigned(case, assigned_worker)
    if task_group is not None:
        record_step(case, A.FORWARDED, by, note=task_group.name, at=now)
        _notify_forwarded(case, task_group)
    return case


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("community", "category").get(pk=case.pk)


EDITABLE_FIELDS = (
    "order_number",
    "received_at",
    "category",
    "urgency",
    "description",
    "building",
    "entrance",
    "location_detail",
    "reporter_resident",
    "reporter_name",
    "reporter_phone",
)


@transaction.atomic
def case_update(*, case: Case, by, **changes) -> Case:
    """Correct an open case's record; its deadlines follow its category and urgency."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    case = _locked(case)
    if case.status == S.CLOSED:
        raise ValidationError(_("A closed case can't be edited; reopen it first."))
    old_category_id = case.category_id
    for field, value in changes.items():
        setattr(case, field, value.strip() if isinstance(value, str) else value)
    if case.category_id != old_category_id and not case.category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    if case.received_at > timezone.now() + FUTURE_SLACK:
        raise ValidationError({"received_at": _("The time received can't be in the future.")})
    if case.source == Case.Source.HOTLINE and not case.order_number:
        raise ValidationError({"order_number": _("A 12345 order needs its order number.")})
    _check_order_number_free(case.source, case.order_number, case)
    case.building, case.entrance = _check_place(case.community, case.building, case.entrance)
    _check_reporter(
        case.community,
        case.source,
        case.reporter_resident,
        case.reporter_name,
        case.reporter_phone,
    )
    if case.reporter_resident_id:
        case.reporter_name = case.reporter_phone = ""
    contact_due, resolve_due = due_dates(
        category=case.category, urgency=case.urgency, received_at=case.received_at
    )
    case.contact_due = contact_due
    if case.reopen_count == 0:
        case.resolve_due = resolve_due
    case.full_clean(validate_constraints=False)  # the order number: as in case_create
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"order_number": _("A case with this order number already exists.")}
        ) from exc
    record_step(case, A.NOTE, by, note=_("Case details corrected."))
    return case


@transaction.atomic
def case_assign(*, case: Case, by, worker=None, task_group: TaskGroup | None = None) -> Case:
    """Give the case to a worker and/or forward it to the property task group."""
    case = _locked(case)
    if case.status == S.CLOSED:
        raise ValidationError(_("This case is closed."))
    _check_handlers(case.community, worker, task_group)
    if worker is None and task_group is None:
        raise ValidationError(_("Choose a worker, a task group, or both."))
    now = timezone.now()
    new_worker = worker is not None and worker.pk != case.assigned_worker_id
    new_group = task_group is not None and task_group.pk != case.task_group_id
    case.assigned_worker = worker
    case.task_group = task_group
    if case.status == S.RECEIVED:
        case.status = S.IN_PROGRESS
    case.save(update_fields=["assigned_worker", "task_group", "status"])
    if new_worker:
        record_step(case, A.ASSIGNED, by, note=str(worker.display_name), at=now)
        _notify_assigned(case, worker)
    if new_group:
        record_step(case, A.FORWARDED, by, note=task_group.name, at=now)
        _notify_forwarded(case, task_group)
    return case


@transaction.atomic
def case_act(
    *, case: Case, by, kind: str, note: str = "", at: dt.datetime | None = None
) -> CaseAction:
    """Record a step a handler took; the first response marks the reporter as contacted."""
    if kind not in CaseAction.MANUAL:
        raise ValidationError({"kind": _("Choose one of the listed steps.")})
    case = _locked(case)
    if case.status == S.CLOSED:
        raise ValidationError(_("This case is closed; reopen it to add steps."))
    at = _check_when(case, at)
    note = (note or "").strip()
    if kind == A.NOTE and not note:
        raise ValidationError({"note": _("Write the note.")})
    action = record_step(case, kind, by, note=note, at=at)
    fields = []
    if kind in CaseAction.RESPONSES and (case.contacted_at is None or at < case.contacted_at):
        case.contacted_at = at
        fields.append("contacted_at")
    if case.status == S.RECEIVED:
        case.status = S.IN_PROGRESS
        fields.append("status")
    if fields:
        case.save(update_fields=fields)
    return action


def _check_when(case: Case, at: dt.datetime | None, field: str = "at") -> dt.datetime:
    """A step recorded after the fact: not in the future, not before the case came in."""
    now = timezone.now()
    at = at or now
    if at > now + FUTURE_SLACK:
        raise ValidationError({field: _("This time is in the future.")})
    if at < case.received_at:
        raise ValidationError({field: _("This is before the case was received.")})
    return at


@transaction.atomic
def case_close(*, case: Case, by, outcome: str, note: str, at: dt.datetime | None = None) -> Case:
    """Close the case with its outcome; the office then calls the reporter back."""
    if outcome not in Case.Outcome.values:
        raise ValidationError({"outcome": _("Choose how the case ended.")})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say how the case was handled.")})
    case = _locked(case)
    if case.status == S.CLOSED:
        raise ValidationError(_("This case is already closed."))
    now = _check_when(case, at)
    case.status = S.CLOSED
    case.outcome = outcome
    case.outcome_note = note
    case.closed_at = now
    case.full_clean()
    case.save(update_fields=["status", "outcome", "outcome_note", "closed_at"])
    text = _("%(outcome)s: %(note)s") % {"outcome": case.get_outcome_display(), "note": note}
    record_step(case, A.CLOSED, by, note=text, at=now)
    reporter = case.reporter_resident
    if reporter is not None and reporter.user_id:
        notify_users(
            [reporter.user],
            title=_("Your case %(case)s has been handled") % {"case": case},
            body=note[:300],
            url=reverse("casework:my_case_detail", args=[case.community.code, case.pk]),
            dedupe=f"case-closed-{case.pk}-{case.reopen_count}",
        )
    if case.assigned_worker_id and case.assigned_worker_id != by.pk:
        notify_users(
            [case.assigned_worker],
            title=_("Case %(case)s closed: please call the reporter back") % {"case": case},
            url=case_url(case),
            dedupe=f"case-callback-{case.pk}-{case.reopen_count}",
        )
    return case


def case_rate(
    *,
    case: Case,
    by,
    satisfaction: str,
    via: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """Record the reporter's satisfaction with a closed case, once per round."""
    if satisfaction not in Case.Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose how satisfied the reporter is.")})
    if via not in Case.RatedVia.values:
        raise ValidationError({"via": _("Say how the rating was given.")})
    with transaction.atomic():
        case = _locked(case)
        if case.status != S.CLOSED:
            raise ValidationError(_("A case is rated after it has been closed."))
        if case.satisfaction:
            raise ValidationError(_("This case has already been rated."))
        now = _check_when(case, at)
        case.satisfaction = satisfaction
        case.rated_via = via
        case.rated_at = now
        case.rated_by = by
        case.save(update_fields=["satisfaction", "rated_via", "rated_at", "rated_by"])
        text = _("%(satisfaction)s (%(via)s)") % {
            "satisfaction": case.get_satisfaction_display(),
            "via": case.get_rated_via_display(),
        }
        note = (note or "").strip()
        record_step(case, A.RATED, by, note=f"{text} {note}".strip(), at=now)
    return case


@transaction.atomic
def case_reopen(*, case: Case, by, reason: str) -> Case:
    """Reopen a closed case: its rating and outcome are cleared and a new resolution
    deadline runs from now."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason.")})
    case = _locked(case)
    if case.status != S.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."))
    now = timezone.now()
    case.status = S.IN_PROGRESS
    case.outcome = ""
    case.outcome_note = ""
    case.closed_at = None
    case.satisfaction = ""
    case.rated_via = ""
    case.rated_at = None
    case.rated_by = None
    case.reopen_count += 1
    case.resolve_due = _resolve_due_from(case, now)
    case.full_clean()
    case.save()
    record_step(case, A.REOPENED, by, note=reason, at=now)
    handlers = [u for u in (case.assigned_worker,) if u is not None]
    if case.task_group_id:
        handlers += list(case.task_group.members.filter(is_active=True))
    notify_users(
        handlers,
        title=_("Case %(case)s reopened") % {"case": case},
        body=reason[:300],
        url=case_url(case),
        dedupe=f"case-reopened-{case.pk}-{case.reopen_count}",
    )
    return case


def check_attachment(upload) -> None:
    """Only PDF, JPG or PNG, of a sensible size, whose bytes match the type."""
    uploads.check_document(upload, max_bytes=settings.CASEWORK_ATTACHMENT_MAX_BYTES, field="file")


@transaction.atomic
def attachment_add(*, case: Case, by, upload, caption: str = "") -> CaseAttachment:
    check_attachment(upload)
    attachment = CaseAttachment(
        case=case, file=upload, caption=(caption or "").strip(), uploaded_by=by
    )
    attachment.full_clean()
    attachment.save()
    return attachment


# ---------------------------------------------------------------- task groups


@transaction.atomic
def task_group_save(
    *,
    community: Community,
    by,
    name: str,
    members,
    property_company=None,
    is_active: bool = True,
    group: TaskGroup | None = None,
) -> TaskGroup:
    """Create or change a task group; its members are people who work in the community
    (property-company staff or office workers)."""
    if property_company is not None and (
        property_company.community_id != community.pk
        or property_company.kind != property_company.Kind.PROPERTY_COMPANY
    ):
        raise ValidationError(
            {"property_company": _("Choose a property company of this community.")}
        )
    members = list(members)
    allowed = set(
        CommunityRole.objects.active(timezone.localdate())
        .filter(community=community, role__in=CommunityRole.HANDLER_ROLES)
        .values_list("user_id", flat=True)
    )
    if any(m.pk not in allowed for m in members):
        raise ValidationError(
            {"members": _("Members must be office or property staff of this community.")}
        )
    group = group or TaskGroup(community=community)
    if group.community_id != community.pk:
        raise ValidationError(_("This task group belongs to another community."))
    group.name = (name or "").strip()
    group.property_company = property_company
    group.is_active = is_active
    group.full_clean()
    group.save()
    group.members.set(members)
    return group


# ---------------------------------------------------------------- recurring problems


@transaction.atomic
def recurring_propose(
    *,
    community: Community,
    by,
    case_ids: list[int],
    proposal_category,
    title: str,
    description: str,
):
    """Turn a group of recurring cases into a deliberation proposal for a lasting fix,
    submitted in the office's name, and link every case to it."""
    from casework.rates import CaseKey, recurring_groups
    from deliberation import lifecycle
    from deliberation.proposal_services import proposal_create
    from deliberation.services import proposal_step

    cases = list(
        Case.objects.select_for_update(of=("self",))
        .filter(community=community, pk__in=case_ids)
        .select_related("building", "category")
        .order_by("received_at", "pk")
    )
    if len(cases) != len(set(case_ids)) or len(cases) < 2:
        raise ValidationError(_("These cases are not a recurring problem of this community."))
    if any(c.proposal_id for c in cases):
        raise ValidationError(_("Some of these cases are already linked to a proposal."))
    keys = [CaseKey(c.pk, c.category_id, c.building_id, c.received_at) for c in cases]
    groups = recurring_groups(keys, window_days=settings.CASEWORK_RECURRING_WINDOW_DAYS)
    if len(groups) != 1 or len(groups[0]) != len(cases):
        raise ValidationError(_("These cases are not a recurring problem of this community."))
    building = cases[0].building
    proposal = proposal_create(
        community=community,
        by=by,
        title=title,
        description=description,
        category=proposal_category,
        whole_community=False,
        buildings=[building],
    )
    proposal = proposal_step(
        proposal=proposal, to_status=proposal.Status.SUBMITTED, by=by, roles={lifecycle.OFFICE}
    )
    now = timezone.now()
    for case in cases:
        case.proposal = proposal
        case.save(update_fields=["proposal"])
        record_step(case, A.PROPOSAL, by, note=proposal.title, at=now)
    return proposal
