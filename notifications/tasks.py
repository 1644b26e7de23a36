"""Delivery of stored notifications by email, safe to run twice or at the same time."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import timezone

from notifications.models import Notification

MAX_ATTEMPTS = 8


@shared_task(
    name="notifications.tasks.deliver_notification",
    bind=True,
    # The row's delivery state is the outcome; storing results would also make every
    # send from a web request wait on the result store when Redis is down.
    ignore_result=True,
    max_retries=MAX_ATTEMPTS,
    default_retry_delay=30,
)
def deliver_notification(self, notification_id: int) -> str:
    """Email one notification; a compare-and-swap makes sure only one worker sends it."""
    claimed = Notification.objects.filter(
        pk=notification_id, delivery=Notification.Delivery.PENDING
    ).update(
        delivery=Notification.Delivery.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=timezone.now(),
    )
    if not claimed:
        return "already handled"
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    email = notification.recipient.email
    if not email:
        Notification.objects.filter(pk=notification_id).update(
            delivery=Notification.Delivery.INBOX_ONLY, delivered_at=timezone.now()
        )
        return "inbox only"
    link = f"\n\n{settings.SITE_URL.rstrip('/')}{notification.url}" if notification.url else ""
    try:
        send_mail(
            subject=notification.title,
            message=f"{notification.body}{link}",
            from_email=None,
            recipient_list=[email],
        )
    except Exception as exc:
        final = notification.attempts >= MAX_ATTEMPTS
        Notification.objects.filter(pk=notification_id).update(
            delivery=Notification.Delivery.FAILED if final else Notification.Delivery.PENDING,
            last_error=str(exc)[:300],
        )
        if final:
            return "failed"
        raise self.retry(
            exc=exc, countdown=min(30 * 2 ** (notification.attempts - 1), 3600)
        ) from exc
    Notification.objects.filter(pk=notification_id, delivery=Notification.Delivery.SENDING).update(
        delivery=Notification.Delivery.SENT, delivered_at=timezone.now(), last_error=""
    )
    return "sent"


@shared_task(name="notifications.tasks.deliver_pending")
def deliver_pending(older_than_seconds: int = 60) -> int:
    """Queue every notification still pending (e.g. stored while Redis was down).

    A row whose sending started over an hour ago and never finished (its worker died)
    goes back to pending first; one being sent right now is left alone.
    """
    now = timezone.now()
    Notification.objects.filter(delivery=Notification.Delivery.SENDING).filter(
        Q(claimed_at__lt=now - dt.timedelta(hours=1)) | Q(claimed_at__isnull=True)
    ).update(delivery=Notification.Delivery.PENDING)
    ids = list(
        Notification.objects.filter(
            delivery=Notification.Delivery.PENDING,
            created_at__lt=now - dt.timedelta(seconds=older_than_seconds),
        ).values_list("pk", flat=True)[:500]
    )
    for notification_id in ids:
        deliver_notification.delay(notification_id)
    return len(ids)
