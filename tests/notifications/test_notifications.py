"""Notifications: stored first, delivered by email once, retried on SMTP failure, swept up
after a Redis outage; and the inbox each user sees."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from smtplib import SMTPException
from unittest import mock

import pytest
from celery.contrib.testing.worker import start_worker
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from config.celery import app
from notifications import services
from notifications.models import Notification
from notifications.services import notification_mark_read, notification_send
from notifications.tasks import MAX_ATTEMPTS, deliver_notification, deliver_pending
from tests.factories import UserFactory
from tests.governance.factories_sched import NotificationFactory

Delivery = Notification.Delivery


@pytest.fixture
def alice(db):
    return UserFactory(display_name="张三", email="zhangsan@example.com")


@pytest.fixture
def bob(db):
    return UserFactory(display_name="李四", email="")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the delivery queued by notification_send) on exit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def send(user, **kwargs):
    kwargs.setdefault("title", "联席会议通知")
    return notification_send(recipient=user, **kwargs)


# --- storing and delivering -------------------------------------------------------------


def test_a_notification_is_stored_before_anything_is_queued(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        note = send(alice, body="请准时参加", url="/a/council/")
    assert len(callbacks) == 1
    note.refresh_from_db()
    assert note.delivery == Delivery.PENDING
    assert note.attempts == 0
    assert mail.outbox == []


def test_a_user_with_email_gets_one_email_and_the_row_is_marked_sent(alice, committed):
    with committed():
        note = send(alice, body="请准时参加", url="/a/council/meetings/7/")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zhangsan@example.com"]
    assert message.subject == "联席会议通知"
    assert "请准时参加" in message.body
    assert f"{settings.SITE_URL.rstrip('/')}/a/council/meetings/7/" in message.body
    note.refresh_from_db()
    assert (note.delivery, note.attempts, note.last_error) == (Delivery.SENT, 1, "")
    assert note.delivered_at is not None


def test_a_user_without_email_keeps_it_in_the_inbox_only(bob, committed):
    with committed():
        note = send(bob)
    assert mail.outbox == []
    note.refresh_from_db()
    assert note.delivery == Delivery.INBOX_ONLY
    assert note.delivered_at is not None


def test_the_same_event_notifies_the_same_person_once(alice, bob, committed):
    with committed():
        first = send(alice, dedupe_key="meeting-1-planned")
        second = send(alice, dedupe_key="meeting-1-planned")
        other = send(bob, dedupe_key="meeting-1-planned")
    assert first is not None and other is not None
    assert second is None
    assert Notification.objects.filter(recipient=alice).count() == 1
    assert Notification.objects.filter(dedupe_key="meeting-1-planned").count() == 2
    assert len(mail.outbox) == 1


def test_notifications_without_an_event_key_are_never_deduplicated(alice):
    assert send(alice) is not None
    assert send(alice) is not None
    assert Notification.objects.filter(recipient=alice).count() == 2


def test_delivering_twice_sends_one_email(alice):
    note = NotificationFactory(recipient=alice)
    assert deliver_notification.delay(note.pk).get() == "sent"
    assert deliver_notification.delay(note.pk).get() == "already handled"
    assert len(mail.outbox) == 1
    note.refresh_from_db()
    assert (note.delivery, note.attempts) == (Delivery.SENT, 1)


def test_a_notification_being_sent_elsewhere_is_not_sent_again(alice):
    note = NotificationFactory(recipient=alice, delivery=Delivery.SENDING, attempts=1)
    assert deliver_notification(note.pk) == "already handled"
    assert mail.outbox == []
    note.refresh_from_db()
    assert (note.delivery, note.attempts) == (Delivery.SENDING, 1)


def test_called_directly_an_smtp_failure_is_reraised_and_leaves_it_pending(alice):
    note = NotificationFactory(recipient=alice)
    failing = mock.patch(
        "notifications.tasks.send_mail", side_effect=SMTPException("421 try again later")
    )
    # Called directly (not through a worker), Task.retry re-raises the SMTP error.
    with failing as send_mail, pytest.raises(SMTPException, match="421"):
        deliver_notification(note.pk)
    assert send_mail.call_count == 1
    note.refresh_from_db()
    assert note.delivery == Delivery.PENDING
    assert note.attempts == 1
    assert note.last_error == "421 try again later"
    assert note.delivered_at is None
    assert mail.outbox == []


def smtp_down(message="421 try again later"):
    return mock.patch("notifications.tasks.send_mail", side_effect=SMTPException(message))


def test_an_eager_smtp_failure_schedules_a_retry_with_backoff(alice):
    note = NotificationFactory(recipient=alice)
    with smtp_down() as send_mail, pytest.raises(Retry) as retry:
        deliver_notification.delay(note.pk)
    assert send_mail.call_count == 1
    assert retry.value.when == 30
    assert isinstance(retry.value.exc, SMTPException)
    note.refresh_from_db()
    assert (note.delivery, note.attempts) == (Delivery.PENDING, 1)
    assert note.last_error == "421 try again later"
    # The next failure waits twice as long.
    with smtp_down(), pytest.raises(Retry) as retry:
        deliver_notification.delay(note.pk)
    assert retry.value.when == 60
    note.refresh_from_db()
    assert (note.delivery, note.attempts) == (Delivery.PENDING, 2)


def test_the_retry_after_an_smtp_failure_sends_it_and_clears_the_error(alice):
    note = NotificationFactory(recipient=alice)
    with smtp_down(), pytest.raises(Retry):
        deliver_notification.delay(note.pk)
    assert deliver_notification.delay(note.pk).get() == "sent"
    assert len(mail.outbox) == 1
    note.refresh_from_db()
    assert (note.delivery, note.attempts, note.last_error) == (Delivery.SENT, 2, "")


def test_the_last_failed_attempt_marks_it_failed_for_good(alice):
    note = NotificationFactory(recipient=alice, attempts=MAX_ATTEMPTS - 1)
    with smtp_down("550 mailbox unavailable"):
        assert deliver_notification.delay(note.pk).get() == "failed"
    note.refresh_from_db()
    assert note.delivery == Delivery.FAILED
    assert note.attempts == MAX_ATTEMPTS
    assert note.last_error == "550 mailbox unavailable"
    # A failed notification is not picked up again, by the task or the sweeper.
    assert deliver_notification.delay(note.pk).get() == "already handled"
    assert deliver_pending(older_than_seconds=0) == 0
    assert mail.outbox == []


def test_an_smtp_failure_never_reaches_the_sender(alice, committed):
    with smtp_down(), committed():
        note = send(alice)
    note.refresh_from_db()
    assert (note.delivery, note.attempts) == (Delivery.PENDING, 1)
    assert note.last_error == "421 try again later"


@pytest.mark.parametrize(
    "error",
    [
        KombuOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
        RedisConnectionError("Connection closed by server."),
        RedisTimeoutError("Timeout reading from socket"),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
        RuntimeError("Retry limit exceeded while trying to reconnect to the result store"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_broker_error_while_queueing_never_reaches_the_sender(alice, committed, error, caplog):
    with (
        mock.patch.object(deliver_notification, "apply_async", side_effect=error) as queued,
        caplog.at_level(logging.WARNING, logger="notifications.services"),
        committed(),
    ):
        note = send(alice)
    assert queued.call_args.kwargs == {"retry": False}
    note.refresh_from_db()
    assert note.delivery == Delivery.PENDING
    assert mail.outbox == []
    assert f"Could not queue notification {note.pk}" in caplog.text


def test_after_a_broker_error_the_next_sends_skip_the_broker_for_a_while(
    alice, committed, monkeypatch
):
    clock = [1000.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: clock[0])
    refused = OSError("refused")
    with (
        mock.patch.object(deliver_notification, "apply_async", side_effect=refused) as queued,
        committed(),
    ):
        notes = [send(alice, dedupe_key=f"k{i}") for i in range(5)]
    # One page notifying five people waited for one failed attempt, not five.
    assert queued.call_count == 1
    assert {n.delivery for n in Notification.objects.filter(pk__in=[n.pk for n in notes])} == {
        Delivery.PENDING
    }
    clock[0] += services.BROKER_RETRY_AFTER_SECONDS + 1
    with committed():
        later = send(alice, dedupe_key="later")
    later.refresh_from_db()
    assert later.delivery == Delivery.SENT


def test_the_sweeper_queues_only_pending_notifications_old_enough(alice):
    pending = NotificationFactory(recipient=alice)
    NotificationFactory(recipient=alice, delivery=Delivery.SENT)
    NotificationFactory(recipient=alice, delivery=Delivery.FAILED)
    assert deliver_pending(older_than_seconds=3600) == 0
    assert deliver_pending(older_than_seconds=0) == 1
    pending.refresh_from_db()
    assert pending.delivery == Delivery.SENT
    assert len(mail.outbox) == 1


def test_the_sweeper_does_not_resend_an_old_notification_while_it_is_being_sent(alice):
    # E.g. stored during a long Redis outage, or on its seventh retry: over an hour old.
    note = NotificationFactory(recipient=alice)
    Notification.objects.filter(pk=note.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=2)
    )
    real_send_mail = mail.send_mail
    swept = []
    calls = []

    def slow_smtp(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            # While this worker talks to the mail server, the five-minute sweeper runs.
            swept.append(deliver_pending(older_than_seconds=60))
        return real_send_mail(**kwargs)

    with mock.patch("notifications.tasks.send_mail", side_effect=slow_smtp):
        assert deliver_notification.delay(note.pk).get() == "sent"
    assert len(mail.outbox) == 1
    assert swept == [0]


def test_the_sweeper_recovers_a_row_whose_worker_died_long_ago(alice):
    note = NotificationFactory(recipient=alice, delivery=Delivery.SENDING, attempts=1)
    Notification.objects.filter(pk=note.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=3)
    )
    assert deliver_pending(older_than_seconds=60) == 1
    note.refresh_from_db()
    assert (note.delivery, note.attempts) == (Delivery.SENT, 2)
    assert len(mail.outbox) == 1


# --- the inbox --------------------------------------------------------------------------


def unread_badge(response) -> int | None:
    match = re.search(r'data-testid="unread-count">\s*(\d+)\s*<', response.content.decode())
    return int(match.group(1)) if match else None


def test_the_inbox_lists_only_the_users_own_notifications_newest_first(alice, bob, client):
    NotificationFactory(recipient=alice, title="张三的旧通知")
    NotificationFactory(recipient=alice, title="张三的新通知")
    NotificationFactory(recipient=bob, title="李四的通知")
    client.force_login(alice)
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    titles = [n.title for n in response.context["notifications"]]
    assert titles == ["张三的新通知", "张三的旧通知"]
    assert "李四的通知" not in response.content.decode()
    assert unread_badge(response) == 2


def test_the_inbox_is_paginated(alice, client):
    total = settings.PAGE_SIZE + 3
    NotificationFactory.create_batch(total, recipient=alice)
    client.force_login(alice)
    first = client.get(reverse("notifications:inbox"))
    second = client.get(reverse("notifications:inbox"), {"page": 2})
    assert len(first.context["notifications"]) == settings.PAGE_SIZE
    assert len(second.context["notifications"]) == 3
    assert unread_badge(first) == total
    assert "page=2" in first.content.decode()


def test_the_inbox_needs_a_login(client, db):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_no_badge_when_everything_is_read(alice, client):
    NotificationFactory(recipient=alice)
    notification_mark_read(user=alice)
    client.force_login(alice)
    assert unread_badge(client.get(reverse("notifications:inbox"))) is None


def test_marking_one_read_follows_its_local_link_and_lowers_the_count(alice, client):
    note = NotificationFactory(recipient=alice, url="/a/council/")
    NotificationFactory(recipient=alice)
    client.force_login(alice)
    response = client.post(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/a/council/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert unread_badge(client.get(reverse("notifications:inbox"))) == 1


def test_marking_read_needs_a_post(alice, client):
    note = NotificationFactory(recipient=alice)
    client.force_login(alice)
    assert client.get(reverse("notifications:read", args=[note.pk])).status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


def test_a_user_cannot_mark_someone_elses_notification_read(alice, bob, client):
    theirs = NotificationFactory(recipient=bob, url="/b/council/")
    client.force_login(alice)
    response = client.post(reverse("notifications:read", args=[theirs.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:inbox")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_the_users_own(alice, bob, client):
    NotificationFactory.create_batch(3, recipient=alice)
    theirs = NotificationFactory(recipient=bob)
    client.force_login(alice)
    response = client.post(reverse("notifications:read_all"))
    assert response["Location"] == reverse("notifications:inbox")
    assert not Notification.objects.for_user(alice).unread().exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example.com/phish",
        "//evil.example.com/phish",
        "http://testserver.evil.example.com/",
        "javascript:alert(1)",
        "/\\evil.example.com",
    ],
)
def test_the_link_redirect_refuses_external_urls(alice, client, link):
    note = NotificationFactory(recipient=alice, url=link)
    client.force_login(alice)
    response = client.post(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:inbox")
    note.refresh_from_db()
    assert note.read_at is not None


# --- a Redis outage -----------------------------------------------------------------------

DEAD_BROKER = "redis://127.0.0.1:1/0"
OUTAGE_CONF = {
    "task_always_eager": False,
    "broker_url": DEAD_BROKER,
    "broker_connection_retry": False,
    "broker_connection_max_retries": 0,
    "broker_transport_options": {"max_retries": 0},
    "task_publish_retry": False,
}


def _reset_broker_pools():
    """Forget pooled broker connections so the next publish uses the current broker_url."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def restore_celery_conf():
    saved = {key: app.conf[key] for key in OUTAGE_CONF}
    try:
        yield
    finally:
        app.conf.update(saved)
        _reset_broker_pools()


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_redis_outage_leaves_notifications_pending_until_the_sweeper_sends_them(
    restore_celery_conf, caplog
):
    user = UserFactory(email="wangwu@example.com")
    app.conf.update(OUTAGE_CONF)
    _reset_broker_pools()

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        note = notification_send(recipient=user, title="会议提醒", dedupe_key="outage-1")
    print(f"queueing against the dead broker took {time.monotonic() - started:.2f}s")
    assert time.monotonic() - started < 10, "queueing against a dead broker took too long"
    assert note is not None
    # The delivery really could not be queued (not merely queued with no worker running).
    assert f"Could not queue notification {note.pk}" in caplog.text
    note.refresh_from_db()
    assert note.delivery == Delivery.PENDING
    assert note.attempts == 0
    assert mail.outbox == []

    app.conf.update(broker_url=settings.REDIS_URL)
    _reset_broker_pools()
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        assert deliver_pending(older_than_seconds=0) == 1
        assert wait_for(lambda: Notification.objects.get(pk=note.pk).delivery == Delivery.SENT)
    assert [m.to for m in mail.outbox] == [["wangwu@example.com"]]
    note.refresh_from_db()
    assert (note.delivery, note.attempts) == (Delivery.SENT, 1)
