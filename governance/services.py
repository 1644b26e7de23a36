"""Writes with rules for governance; each runs in one transaction and is safe to repeat."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import AreaStaffRole, CommunityRole
from governance import compliance
from governance.models import (
    ComplianceFlag,
    CoordinationCouncil,
    JointMeeting,
    MeetingReminder,
    Post,
)
from notifications.services import notification_send


def secretaries_of(community) -> list:
    """Users who are secretary or deputy secretary of the community today."""
    roles = (
        CommunityRole.objects.active()
        .filter(community=community, role__in=CommunityRole.SECRETARY_ROLES)
        .select_related("user")
    )
    return [role.user for role in roles]


def subdistrict_staff_of(community) -> list:
    roles = (
        AreaStaffRole.objects.active()
        .filter(subdistrict_id=community.subdistrict_id)
        .select_related("user")
    )
    return [role.user for role in roles]


def member_contacts(council) -> list:
    """Users holding a current post in one of the council's member organisations."""
    posts = (
        Post.objects.current()
        .filter(
            organisation__memberships__council=council,
            organisation__memberships__left_on__isnull=True,
            user__isnull=False,
        )
        .select_related("user")
    )
    return list({post.user_id: post.user for post in posts}.values())


def meeting_plan(
    *,
    council: CoordinationCouncil,
    planned_date: dt.date,
    location: str = "",
    agenda: str = "",
    automatically: bool = False,
) -> JointMeeting | None:
    """Plan the joint meeting of the half-year that contains ``planned_date``.

    Returns None when the council already has a planned or held meeting that
    half-year: the database's unique index decides, so two planners racing at the
    same moment leave exactly one meeting.
    """
    year, half = compliance.half_year_of(planned_date)
    meeting = JointMeeting(
        council=council,
        year=year,
        half=half,
        planned_date=planned_date,
        location=location,
        agenda=agenda,
        planned_automatically=automatically,
    )
    meeting.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        return None
    return meeting


def meeting_plan_if_missing(*, council_id: int, today: dt.date) -> JointMeeting | None:
    """The scheduler's step for one council: plan this half-year's meeting if none, and
    tell the secretaries."""
    with transaction.atomic():
        council = CoordinationCouncil.objects.select_related("community").get(pk=council_id)
        year, half = compliance.half_year_of(today)
        if (
            JointMeeting.objects.filter(council=council, year=year, half=half)
            .exclude(status=JointMeeting.Status.CANCELLED)
            .exists()
        ):
            return None
        planned_date = compliance.default_meeting_date(
            today,
            month_of_half=settings.GOVERNANCE_MEETING_MONTH_OF_HALF,
            day=settings.GOVERNANCE_MEETING_DAY,
            lead_days=settings.GOVERNANCE_MEETING_LEAD_DAYS,
        )
        meeting = meeting_plan(council=council, planned_date=planned_date, automatically=True)
        if meeting is None:
            return None
        url = reverse("governance:meeting_detail", args=[council.community.code, meeting.pk])
        for user in secretaries_of(council.community):
            notification_send(
                recipient=user,
                title=_("Joint meeting planned for %(date)s")
                % {"date": f"{planned_date:%Y-%m-%d}"},
                body=_(
                    "The schedule planned this half-year's joint meeting of %(council)s. "
                    "Please confirm the date, place and agenda."
                )
                % {"council": council.name},
                url=url,
                dedupe_key=f"meeting-{meeting.pk}-planned",
            )
        return meeting


@transaction.atomic
def meeting_update(*, meeting: JointMeeting, **fields) -> JointMeeting:
    """Change a meeting's date, place, agenda or minutes; the date stays in its half-year."""
    meeting = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    for name, value in fields.items():
        setattr(meeting, name, value)
    if "planned_date" in fields:
        meeting.year, meeting.half = compliance.half_year_of(meeting.planned_date)
    meeting.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        raise ValidationError(
            {"planned_date": _("The council already has a meeting in that half-year.")}
        ) from None
    return meeting


@transaction.atomic
def meeting_hold(*, meeting: JointMeeting, held_at: dt.datetime, minutes: str = "") -> JointMeeting:
    """Record that a meeting took place (on a date within its half-year)."""
    meeting = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == JointMeeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be recorded as held."))
    local = timezone.localtime(held_at).date()
    if compliance.half_year_of(local) != (meeting.year, meeting.half):
        raise ValidationError({"held_at": _("The meeting must be held within its half-year.")})
    if local > timezone.localdate():
        raise ValidationError({"held_at": _("A meeting cannot be recorded as held in the future.")})
    meeting.status = JointMeeting.Status.HELD
    meeting.held_at = held_at
    if minutes:
        meeting.minutes = minutes
    meeting.full_clean(validate_constraints=False)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: JointMeeting, reason: str) -> JointMeeting:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"cancel_reason": _("Please give a reason for cancelling.")})
    meeting = JointMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == JointMeeting.Status.HELD:
        raise ValidationError(_("A meeting that was held cannot be cancelled."))
    meeting.status = JointMeeting.Status.CANCELLED
    meeting.cancel_reason = reason[:200]
    meeting.save(update_fields=["status", "cancel_reason"])
    return meeting


def reminder_due(days_until: int, thresholds: list[int]) -> int | None:
    """Which reminder (days before) is due when a meeting is ``days_until`` days away: the
    smallest threshold not below it, so a late-planned meeting gets only the nearest one."""
    if days_until < 0:
        return None
    candidates = [d for d in thresholds if d >= days_until]
    return min(candidates) if candidates else None


def meeting_remind(*, meeting_id: int, today: dt.date) -> int | None:
    """Send the due reminder of one meeting, once; returns the days-before sent, if any."""
    with transaction.atomic():
        meeting = JointMeeting.objects.select_related("council__community").get(pk=meeting_id)
        if meeting.status != JointMeeting.Status.PLANNED:
            return None
        days = reminder_due((meeting.planned_date - today).days, settings.GOVERNANCE_REMINDER_DAYS)
        if days is None:
            return None
        try:
            with transaction.atomic():
                MeetingReminder.objects.create(meeting=meeting, days_before=days)
        except IntegrityError:
            return None
        community = meeting.council.community
        recipients = {u.pk: u for u in secretaries_of(community) + member_contacts(meeting.council)}
        url = reverse("governance:meeting_detail", args=[community.code, meeting.pk])
        for user in recipients.values():
            notification_send(
                recipient=user,
                title=_("Reminder: joint meeting on %(date)s")
                % {"date": f"{meeting.planned_date:%Y-%m-%d}"},
                body=_("%(council)s meets on %(date)s at %(place)s.")
                % {
                    "council": meeting.council.name,
                    "date": f"{meeting.planned_date:%Y-%m-%d}",
                    "place": meeting.location or _("a place to be announced"),
                },
                url=url,
                dedupe_key=f"meeting-{meeting.pk}-reminder-{days}",
            )
        return days


def compliance_flag_overdue(*, council_id: int, today: dt.date) -> list[ComplianceFlag]:
    """Record a flag (once) for each ended half-year of this and last year with no held
    meeting, and for last year if it had fewer than the required activities; notify the
    secretaries and the subdistrict staff of each new flag."""
    from governance.models import JointActivity

    created: list[ComplianceFlag] = []
    with transaction.atomic():
        council = CoordinationCouncil.objects.select_related("community").get(pk=council_id)
        start = council.established_on or dt.date(1900, 1, 1)
        held = set(
            JointMeeting.objects.filter(
                council=council, status=JointMeeting.Status.HELD, year__gte=today.year - 1
            ).values_list("year", "half")
        )
        periods = [(today.year - 1, 1), (today.year - 1, 2), (today.year, 1), (today.year, 2)]
        for year, half in periods:
            first, last = compliance.half_year_bounds(year, half)
            # Only a half-year that has ended and that the council existed for in full.
            if last >= today or first < start or (year, half) in held:
                continue
            flag = _flag(council, ComplianceFlag.Kind.MEETING_MISSED, year, half)
            if flag:
                created.append(flag)
        last_year = today.year - 1
        if dt.date(last_year, 1, 1) >= start:
            count = JointActivity.objects.filter(council=council, date__year=last_year).count()
            if count < settings.GOVERNANCE_MIN_ACTIVITIES:
                flag = _flag(
                    council,
                    ComplianceFlag.Kind.TOO_FEW_ACTIVITIES,
                    last_year,
                    0,
                    detail=_("%(count)d of %(min)d activities")
                    % {"count": count, "min": settings.GOVERNANCE_MIN_ACTIVITIES},
                )
                if flag:
                    created.append(flag)
        community = council.community
        recipients = {u.pk: u for u in secretaries_of(community) + subdistrict_staff_of(community)}
        for flag in created:
            for user in recipients.values():
                notification_send(
                    recipient=user,
                    title=_("%(community)s: %(problem)s")
                    % {"community": community.name, "problem": flag.get_kind_display()},
                    body=_("Period: %(period)s. %(detail)s")
                    % {"period": _period_label(flag.year, flag.half), "detail": flag.detail},
                    url=reverse("governance:council", args=[community.code]),
                    dedupe_key=f"flag-{flag.pk}",
                )
    return created


def _period_label(year: int, half: int) -> str:
    if half == 1:
        return _("%(year)d first half") % {"year": year}
    if half == 2:
        return _("%(year)d second half") % {"year": year}
    return _("%(year)d") % {"year": year}


def _flag(council, kind, year, half, detail="") -> ComplianceFlag | None:
    try:
        with transaction.atomic():
            return ComplianceFlag.objects.create(
                council=council, kind=kind, year=year, half=half, detail=detail
            )
    except IntegrityError:
        return None
