"""Scheduled governance work. Each task is idempotent: running it twice, or twice at the
same moment, changes nothing the second time (unique constraints decide)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from governance import services
from governance.models import CoordinationCouncil, JointMeeting

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="governance.tasks.plan_joint_meetings", **RETRY)
def plan_joint_meetings() -> int:
    """Plan this half-year's joint meeting for every council that has none."""
    today = timezone.localdate()
    planned = 0
    for council_id in CoordinationCouncil.objects.values_list("pk", flat=True).iterator():
        if services.meeting_plan_if_missing(council_id=council_id, today=today):
            planned += 1
    return planned


@shared_task(name="governance.tasks.send_meeting_reminders", **RETRY)
def send_meeting_reminders() -> int:
    """Send each due reminder (by default 14 and 3 days before) of every planned meeting."""
    today = timezone.localdate()
    sent = 0
    meetings = JointMeeting.objects.filter(
        status=JointMeeting.Status.PLANNED, planned_date__gte=today
    ).values_list("pk", flat=True)
    for meeting_id in meetings.iterator():
        if services.meeting_remind(meeting_id=meeting_id, today=today) is not None:
            sent += 1
    return sent


@shared_task(name="governance.tasks.flag_overdue_compliance", **RETRY)
def flag_overdue_compliance() -> int:
    """Record and announce missed half-years and too-few-activity years, once each."""
    today = timezone.localdate()
    flagged = 0
    for council_id in CoordinationCouncil.objects.values_list("pk", flat=True).iterator():
        flagged += len(services.compliance_flag_overdue(council_id=council_id, today=today))
    return flagged
