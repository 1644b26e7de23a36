"""Celery: the app's configuration, and one round trip through a real worker on Redis."""

import datetime as dt

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts.tasks import clear_expired_sessions
from config.celery import app
from config.schedule import SCHEDULE


def test_celery_reads_django_settings():
    assert app.conf.task_serializer == "json"
    assert app.conf.timezone == "Asia/Shanghai"
    assert app.conf.broker_url == settings.REDIS_URL


@pytest.mark.django_db
def test_clearing_sessions_is_idempotent():
    now = timezone.now()
    Session.objects.create(session_key="old", session_data="x", expire_date=now - dt.timedelta(1))
    Session.objects.create(session_key="new", session_data="x", expire_date=now + dt.timedelta(1))
    assert clear_expired_sessions() == 1
    assert clear_expired_sessions() == 0
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]


@pytest.mark.django_db
def test_schedule_is_installed_once_and_admin_edits_survive():
    call_command("install_schedule")
    task = PeriodicTask.objects.get(name="clear-expired-sessions")
    task.enabled = False
    task.save()
    call_command("install_schedule")
    assert PeriodicTask.objects.filter(name__in=list(SCHEDULE)).count() == len(SCHEDULE)
    assert PeriodicTask.objects.get(name="clear-expired-sessions").enabled is False


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_tasks_from_redis():
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            assert app.send_task("config.ping").get(timeout=20) == "pong"
            Session.objects.create(
                session_key="stale",
                session_data="x",
                expire_date=timezone.now() - dt.timedelta(days=2),
            )
            result = clear_expired_sessions.delay()
            assert result.get(timeout=20) == 1
            assert not Session.objects.filter(session_key="stale").exists()
    finally:
        app.conf.task_always_eager = True
