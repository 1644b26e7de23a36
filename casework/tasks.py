"""Scheduled casework jobs; each loads fresh rows and calls a service."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.signals import worker_ready

from casework import checks, sla

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="casework.tasks.watch_sla", **RETRY)
def watch_sla() -> dict[str, int]:
    """Flag cases that missed a deadline (once each) and tell handlers, then secretaries;
    warn (in the log) when the holiday calendar lacks this or next year."""
    checks.log_missing_calendar()
    return sla.sla_watch()


@worker_ready.connect
def warn_about_the_holiday_calendar(**kwargs) -> None:
    """A worker starting up says so if the holiday calendar lacks a year (casework.W001)."""
    checks.log_missing_calendar()


# A month that isn't over is a caller's mistake, not a passing failure: never retried.
@shared_task(
    name="casework.tasks.snapshot_monthly_rates", dont_autoretry_for=(ValueError,), **RETRY
)
def snapshot_monthly_rates(month: str | None = None) -> int:
    """Freeze last month's three rates for every community (or the given ``YYYY-MM``)."""
    target = dt.date.fromisoformat(f"{month}-01") if month else sla.last_month()
    return sla.rates_snapshot_take(month=target)
