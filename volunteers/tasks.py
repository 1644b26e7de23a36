"""Scheduled volunteer work. Each task is idempotent: a compare-and-swap on
``Booking.reminded_at`` or a notification's dedupe key decides who does the work, so
running a task twice, or twice at the same moment, sends nothing the second time."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from communities.months import add_months
from volunteers import hour_services
from volunteers.models import Booking, Membership, Team

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 5}


def reminder_hours() -> int:
    return getattr(settings, "VOLUNTEERS_REMINDER_HOURS", 24)


@shared_task(name="volunteers.tasks.send_shift_reminders", **RETRY)
def send_shift_reminders() -> int:
    """Remind each booked volunteer with an account of a shift starting within the next
    24 hours (VOLUNTEERS_REMINDER_HOURS), once per booking."""
    now = timezone.now()
    due = Booking.objects.filter(
        status=Booking.Status.BOOKED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(hours=reminder_hours()),
        volunteer__user__isnull=False,
    ).values_list("pk", flat=True)
    sent = 0
    for booking_id in due.iterator():
        sent += hour_services.booking_remind(booking_id=booking_id, now=now)
    return sent


@shared_task(name="volunteers.tasks.alert_unfilled_shifts", **RETRY)
def alert_unfilled_shifts() -> int:
    """Tell each team's leaders about the team's shifts tomorrow that still need
    volunteers, once per team and day."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    team_ids = (
        hour_services.unfilled_shifts_on(tomorrow)
        .order_by()
        .values_list("team_id", flat=True)
        .distinct()
    )
    sent = 0
    for team_id in list(team_ids):
        sent += hour_services.unfilled_alert_send(team_id=team_id, day=tomorrow)
    return sent


@shared_task(name="volunteers.tasks.send_monthly_hours_summaries", **RETRY)
def send_monthly_hours_summaries() -> int:
    """Send each active team's leaders last month's service hours, once per team and
    month."""
    last_month = add_months(timezone.localdate(), -1)
    team_ids = (
        Team.objects.filter(
            status=Team.Status.ACTIVE,
            memberships__role__in=hour_services.LEADING_ROLES,
            memberships__status=Membership.Status.APPROVED,
            memberships__volunteer__user__isnull=False,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    sent = 0
    for team_id in list(team_ids):
        sent += hour_services.hours_summary_send(team_id=team_id, month=last_month)
    return sent
