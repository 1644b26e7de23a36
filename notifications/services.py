"""Store a notification, then hand its delivery to Celery after the transaction commits."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from notifications.models import Notification

logger = logging.getLogger(__name__)


def _queue_delivery(notification_id: int) -> None:
    from notifications.tasks import deliver_notification

    try:
        deliver_notification.delay(notification_id)
    except (KombuError, RedisError, OSError):
        # The broker is down: the row stays pending and the sweeper queues it later.
        logger.warning("Could not queue notification %s; it will be retried", notification_id)


def notification_send(
    *, recipient, title: str, body: str = "", url: str = "", dedupe_key: str = ""
) -> Notification | None:
    """Store a notification for one user; returns None if this event already notified them."""
    try:
        with transaction.atomic():
            notification = Notification(
                recipient=recipient, title=title[:200], body=body, url=url, dedupe_key=dedupe_key
            )
            notification.full_clean(validate_constraints=False)
            notification.save()
    except IntegrityError:
        return None
    # robust: a failure to hand over delivery never undoes or breaks the caller's work.
    transaction.on_commit(lambda: _queue_delivery(notification.pk), robust=True)
    return notification


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, every) unread notification of the user as read."""
    queryset = Notification.objects.for_user(user).unread()
    if notification_id is not None:
        queryset = queryset.filter(pk=notification_id)
    return queryset.update(read_at=timezone.now())
