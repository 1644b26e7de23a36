"""Store a notification, then hand its delivery to Celery after the transaction commits."""

from __future__ import annotations

import logging
import time

from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from notifications.models import Notification

logger = logging.getLogger(__name__)

# What Celery, kombu and redis-py raise when the broker or result store cannot be reached
# or answers too slowly (socket.timeout is an OSError; Celery gives up on a result store
# it cannot reconnect to with a RuntimeError).
BROKER_ERRORS = (KombuError, RedisError, OSError, RuntimeError)


# After a failure, deliveries skip the broker for this long: a page that notifies ten
# people must not wait for ten connection attempts, nor every page after it.
BROKER_RETRY_AFTER_SECONDS = 15.0
_broker_down_until = 0.0


def delivery_queue(notification_id: int) -> bool:
    """Hand one stored notification to the mail worker; False if the broker is unreachable.

    Called from web requests, so it tries once, within the short broker timeouts in the
    settings, and never raises for an outage: the row stays pending and
    ``deliver_pending`` (every few minutes) queues it once Redis is back.
    """
    global _broker_down_until
    from notifications.tasks import deliver_notification

    if time.monotonic() < _broker_down_until:
        logger.warning(
            "Could not queue notification %s (Redis was unreachable moments ago); "
            "the sweeper will send it later",
            notification_id,
        )
        return False
    try:
        # retry=False: no publish retries here, the sweeper is the retry.
        deliver_notification.apply_async((notification_id,), retry=False)
    except BROKER_ERRORS as exc:
        _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
        logger.warning(
            "Could not queue notification %s (%s: %s); the sweeper will send it later",
            notification_id,
            type(exc).__name__,
            exc,
        )
        return False
    return True


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
    transaction.on_commit(lambda: delivery_queue(notification.pk), robust=True)
    return notification


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, every) unread notification of the user as read."""
    queryset = Notification.objects.for_user(user).unread()
    if notification_id is not None:
        queryset = queryset.filter(pk=notification_id)
    return queryset.update(read_at=timezone.now())
