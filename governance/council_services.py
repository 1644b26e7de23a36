"""Writes of the coordination council's records (members, agreements, attendance,
resolutions, activities); meetings live in governance.services."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import (
    ActivityPhoto,
    Agreement,
    Attendance,
    CoordinationCouncil,
    JointActivity,
    JointMeeting,
    MemberUnit,
    Resolution,
)


@transaction.atomic
def council_save(*, council: CoordinationCouncil) -> CoordinationCouncil:
    council.full_clean()
    council.save()
    return council


@transaction.atomic
def member_add(*, member: MemberUnit) -> MemberUnit:
    if member.organisation.community_id != member.council.community_id:
        raise ValidationError({"organisation": _("This organisation is in another community.")})
    member.full_clean()
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise ValidationError(
            {"organisation": _("This organisation is already a member unit.")}
        ) from None
    return member


@transaction.atomic
def member_leave(*, member: MemberUnit, on: dt.date) -> MemberUnit:
    member = MemberUnit.objects.select_for_update().get(pk=member.pk)
    member.left_on = on
    member.save(update_fields=["left_on"])
    return member


@transaction.atomic
def agreement_save(*, agreement: Agreement) -> Agreement:
    agreement.full_clean()
    agreement.save()
    return agreement


@transaction.atomic
def attendance_record(*, meeting: JointMeeting, rows: list[dict]) -> int:
    """Record who came: one row per member unit of the council; other units are refused."""
    members = set(meeting.council.members.values_list("pk", flat=True))
    saved = 0
    for row in rows:
        if row["member"] not in members:
            raise ValidationError(_("A member unit of another council was submitted."))
        Attendance.objects.update_or_create(
            meeting=meeting,
            member_id=row["member"],
            defaults={
                "present": row["present"],
                "representative": (row.get("representative") or "").strip(),
            },
        )
        saved += 1
    return saved


@transaction.atomic
def resolution_save(*, resolution: Resolution) -> Resolution:
    if resolution.owner.council_id != resolution.meeting.council_id:
        raise ValidationError({"owner": _("Choose a member unit of this council.")})
    resolution.full_clean()
    resolution.save()
    return resolution


@transaction.atomic
def resolution_done(*, resolution: Resolution) -> Resolution:
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if resolution.status != Resolution.Status.DONE:
        resolution.status = Resolution.Status.DONE
        resolution.done_on = timezone.localdate()
        resolution.save(update_fields=["status", "done_on"])
    return resolution


@transaction.atomic
def activity_save(*, activity: JointActivity, units) -> JointActivity:
    foreign = [u for u in units if u.council_id != activity.council_id]
    if foreign:
        raise ValidationError({"units": _("Choose member units of this council.")})
    activity.full_clean()
    activity.save()
    activity.units.set(units)
    return activity


@transaction.atomic
def photo_add(*, photo: ActivityPhoto) -> ActivityPhoto:
    photo.full_clean()
    photo.save()
    return photo
