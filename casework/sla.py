"""The scheduled casework jobs: the SLA watcher and the monthly three-rates snapshot.

Both are idempotent. A flag is one row per (case, deadline, round), so a second run — or
a second worker at the same moment — finds it taken and notifies nobody again; the
secretary's step is a compare-and-swap on ``secretary_notified_at``. A snapshot is one
row per (community, month), inserted with ``ignore_conflicts`` and never updated.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Case, CaseAction, OverdueFlag, RatesSnapshot
from casework.selectors import community_rates
from casework.services import case_url, notify_users, office_users, record_step, secretaries_of
from communities.models import Community
from communities.months import add_months

K = OverdueFlag.Kind


def _handlers(case: Case) -> list:
    users = [case.assigned_worker] if case.assigned_worker_id else []
    if case.task_group_id and case.task_group.is_active:
        users += list(case.task_group.members.filter(is_active=True))
    # Nobody handles it yet: the whole office is the handler.
    return users or list(office_users(case.community))


def _flag(case: Case, kind: str, due: dt.datetime, now: dt.datetime) -> bool:
    """Flag one missed deadline and tell the handlers; False if it was already flagged."""
    round_ = case.reopen_count if kind == K.RESOLVE else 0
    try:
        with transaction.atomic():
            OverdueFlag.objects.create(case=case, kind=kind, round=round_, due=due, flagged_at=now)
            label = OverdueFlag.Kind(kind).label
            record_step(case, CaseAction.Kind.OVERDUE, None, note=str(label), at=now)
            notify_users(
                _handlers(case),
                title=_("Overdue: case %(case)s — %(what)s") % {"case": case, "what": label},
                body=case.description[:300],
                url=case_url(case),
                dedupe=f"case-overdue-{case.pk}-{kind}-{round_}",
            )
    except IntegrityError:
        return False
    return True


def sla_watch(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Flag each newly overdue case once and tell its handlers; tell the secretaries
    about flags still overdue after the grace period, once. Returns what was done."""
    now = now or timezone.now()
    open_cases = Case.objects.open().select_related("community", "task_group", "assigned_worker")
    flagged = 0
    contact_missed = open_cases.filter(contacted_at__isnull=True, contact_due__lt=now).exclude(
        overdue_flags__kind=K.CONTACT
    )
    for case in contact_missed:
        flagged += _flag(case, K.CONTACT, case.contact_due, now)
    already = OverdueFlag.objects.filter(
        case=OuterRef("pk"), kind=K.RESOLVE, round=OuterRef("reopen_count")
    )
    resolve_missed = open_cases.filter(resolve_due__lt=now).exclude(Exists(already))
    for case in resolve_missed:
        flagged += _flag(case, K.RESOLVE, case.resolve_due, now)

    escalated = 0
    grace = dt.timedelta(hours=settings.CASEWORK_SECRETARY_AFTER_HOURS)
    # Only flags whose case is still overdue on that deadline: a case contacted, closed or
    # reopened since leaves its old flag behind, and those are never read again.
    waiting = (
        OverdueFlag.objects.filter(secretary_notified_at__isnull=True, flagged_at__lte=now - grace)
        .exclude(case__status=Case.Status.CLOSED)
        .filter(
            Q(kind=K.CONTACT, case__contacted_at__isnull=True)
            | Q(kind=K.RESOLVE, round=F("case__reopen_count"), case__resolve_due__lt=now)
        )
        .select_related("case__community")
    )
    for flag in waiting:
        with transaction.atomic():
            taken = OverdueFlag.objects.filter(
                pk=flag.pk, secretary_notified_at__isnull=True
            ).update(secretary_notified_at=now)
            if taken != 1:
                continue
            case = flag.case
            notify_users(
                secretaries_of(case.community),
                title=_("Still overdue: case %(case)s — %(what)s")
                % {"case": case, "what": flag.get_kind_display()},
                body=case.description[:300],
                url=case_url(case),
                dedupe=f"case-overdue-secretary-{flag.pk}",
            )
            escalated += 1
    return {"flagged": flagged, "escalated": escalated}


def rates_snapshot_take(*, month: dt.date, now: dt.datetime | None = None) -> int:
    """Freeze every community's rates for ``month`` as they stand now; a month already
    frozen is left as it was. Returns the number of snapshots written."""
    now = now or timezone.now()
    month = month.replace(day=1)
    if add_months(month, 1) > timezone.localtime(now).date():
        raise ValueError("a month can only be frozen once it is over")
    rows = community_rates(Community.objects.all(), month)
    snapshots = [
        RatesSnapshot(
            community_id=c.pk,
            month=month,
            received=c.received,
            responded_on_time=c.responded_on_time,
            closed=c.closed,
            resolved=c.resolved,
            rated=c.rated,
            satisfied=c.satisfied,
            taken_at=now,
        )
        for c in rows
    ]
    before = RatesSnapshot.objects.filter(month=month).count()
    RatesSnapshot.objects.bulk_create(snapshots, ignore_conflicts=True)
    return RatesSnapshot.objects.filter(month=month).count() - before


def last_month(now: dt.datetime | None = None) -> dt.date:
    today = timezone.localtime(now or timezone.now()).date()
    return add_months(today.replace(day=1), -1)
