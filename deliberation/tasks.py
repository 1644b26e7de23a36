"""Ballots open and close on time, results are frozen at close, and residents who have
not voted are reminded a day before. Every task is idempotent (compare-and-swap)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from deliberation import services
from deliberation.models import Ballot

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="deliberation.tasks.run_ballot_clock", **RETRY)
def run_ballot_clock() -> dict[str, int]:
    """Open due ballots, close finished ones (freezing their results), send reminders."""
    now = timezone.now()
    opened = closed = reminded = 0
    due = Ballot.objects.filter(status=Ballot.Status.SCHEDULED, opens_at__lte=now)
    for ballot_id in due.values_list("pk", flat=True):
        opened += services.ballot_open(ballot_id=ballot_id, now=now)
    finished = Ballot.objects.filter(status=Ballot.Status.OPEN, closes_at__lte=now)
    for ballot_id in finished.values_list("pk", flat=True):
        closed += services.ballot_close(ballot_id=ballot_id, now=now) is not None
    window = now + dt.timedelta(hours=settings.DELIBERATION_REMINDER_HOURS)
    closing = Ballot.objects.filter(
        status=Ballot.Status.OPEN, reminded_at__isnull=True, closes_at__lte=window
    )
    for ballot_id in closing.values_list("pk", flat=True):
        reminded += services.ballot_remind(ballot_id=ballot_id, now=now)
    return {"opened": opened, "closed": closed, "reminded": reminded}
