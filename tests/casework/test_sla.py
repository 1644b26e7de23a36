"""The scheduled casework jobs: the SLA watcher (a missed deadline flagged once, its
handlers told once, the secretaries told once if it stays overdue, a reopened case
flagged again for its new deadline) and the monthly rates snapshot (one row per
community and month, never changed); the Celery tasks and their schedule entries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from casework import selectors, services, sla, tasks
from casework.models import Case, CaseAction, OverdueFlag, RatesSnapshot, Urgency
from communities.models import Community
from config.celery import app
from config.schedule import SCHEDULE
from notifications.models import Notification
from tests.casework.factories import CaseCategoryFactory, CaseFactory, TaskGroupFactory, beijing

A = CaseAction.Kind
K = OverdueFlag.Kind
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)
D = dt.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def now():
    """ "Now" for the watcher: a whole second, so that stored times compare exactly."""
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def category(db):
    return CaseCategoryFactory(name="公共设施")  # 24 hours to contact, 7 days to resolve


def receive(world, category, received_at, **kwargs):
    """A case of community A, received through the service; creation notices cleared so
    that only the watcher's remain."""
    case = services.case_create(
        community=world.community_a,
        by=world.users["worker_a"],
        source=Case.Source.PHONE,
        category=category,
        description="楼道灯不亮",
        reporter_name="王大爷",
        received_at=received_at,
        **kwargs,
    )
    Notification.objects.all().delete()
    return case


def overdue_notices(user=None, prefix="case-overdue-"):
    qs = Notification.objects.filter(dedupe_key__startswith=prefix)
    if user is not None:
        qs = qs.filter(recipient=user)
    return sorted(qs.values_list("dedupe_key", flat=True))


def recipients(prefix="case-overdue-"):
    return sorted(
        Notification.objects.filter(dedupe_key__startswith=prefix).values_list(
            "recipient__display_name", flat=True
        )
    )


# ---------------------------------------------------------------- flagging


def test_a_missed_contact_deadline_is_flagged_once_and_its_handlers_told(world, category, now):
    group = TaskGroupFactory(community=world.community_a, members=[world.users["property_a"]])
    case = receive(
        world,
        category,
        now - 25 * HOUR,
        assigned_worker=world.users["worker_a"],
        task_group=group,
    )
    assert case.contact_due == now - HOUR
    # Not yet due a minute before: nothing.
    assert sla.sla_watch(now=now - HOUR - MINUTE) == {"flagged": 0, "escalated": 0}
    assert sla.sla_watch(now=now) == {"flagged": 1, "escalated": 0}
    flag = OverdueFlag.objects.get()
    assert (flag.case, flag.kind, flag.round, flag.due, flag.flagged_at) == (
        case,
        K.CONTACT,
        0,
        case.contact_due,
        now,
    )
    assert flag.secretary_notified_at is None
    step = case.actions.get(kind=A.OVERDUE)
    assert (step.at, step.by) == (now, None)
    assert recipients() == ["物业甲", "社工甲"]
    assert overdue_notices(world.users["worker_a"]) == [
        f"case-overdue-{case.pk}-contact-0:{world.users['worker_a'].pk}"
    ]
    # Again, and again later: nothing new.
    assert sla.sla_watch(now=now) == {"flagged": 0, "escalated": 0}
    assert sla.sla_watch(now=now + 30 * MINUTE) == {"flagged": 0, "escalated": 0}
    assert OverdueFlag.objects.count() == 1
    assert case.actions.filter(kind=A.OVERDUE).count() == 1
    assert len(recipients()) == 2


def test_a_case_nobody_handles_yet_is_the_whole_offices(world, category, now):
    receive(world, category, now - 25 * HOUR)
    assert sla.sla_watch(now=now)["flagged"] == 1
    # The office of A: its worker and its secretary; not property staff, not B's
    # secretary, not the subdistrict.
    assert recipients() == ["书记甲", "社工甲"]


def test_an_inactive_task_group_is_not_told(world, category, now):
    group = TaskGroupFactory(community=world.community_a, members=[world.users["property_a"]])
    case = receive(world, category, now - 25 * HOUR, task_group=group)
    group.is_active = False
    group.save()
    assert sla.sla_watch(now=now)["flagged"] == 1
    assert overdue_notices(world.users["property_a"]) == []
    assert recipients() == ["书记甲", "社工甲"]
    assert case.overdue_flags.count() == 1


def test_an_urgent_case_is_flagged_hours_after_it_came_in(world, category, now):
    case = receive(world, category, now, urgency=Urgency.URGENT)
    assert sla.sla_watch(now=now + 2 * HOUR)["flagged"] == 0  # due at exactly two hours
    assert sla.sla_watch(now=now + 2 * HOUR + MINUTE)["flagged"] == 1
    # Its 24 hours to resolve run out too: a second, separate flag.
    assert sla.sla_watch(now=now + 24 * HOUR + MINUTE)["flagged"] == 1
    assert sorted(case.overdue_flags.values_list("kind", flat=True)) == [K.CONTACT, K.RESOLVE]


def test_contacted_or_closed_cases_are_not_flagged_for_contact(world, category, now):
    contacted = receive(world, category, now - 25 * HOUR)
    services.case_act(
        case=contacted, by=world.users["worker_a"], kind=A.CONTACTED, at=now - 2 * HOUR
    )
    closed = receive(world, category, now - 10 * DAY)
    services.case_close(
        case=closed, by=world.users["worker_a"], outcome=Case.Outcome.RESOLVED, note="已修好"
    )
    Notification.objects.all().delete()
    assert sla.sla_watch(now=now) == {"flagged": 0, "escalated": 0}
    # A closed case stays unflagged however late it gets.
    assert sla.sla_watch(now=now + 60 * DAY)["flagged"] == 1  # the open one's resolution
    assert not closed.overdue_flags.exists()
    assert list(contacted.overdue_flags.values_list("kind", flat=True)) == [K.RESOLVE]


# ---------------------------------------------------------------- the secretaries


@pytest.fixture
def flagged(world, category, now, settings):
    settings.CASEWORK_SECRETARY_AFTER_HOURS = 4
    case = receive(world, category, now - 25 * HOUR, assigned_worker=world.users["worker_a"])
    assert sla.sla_watch(now=now)["flagged"] == 1
    return case


def test_the_secretaries_are_told_once_when_still_overdue_after_the_grace(world, flagged, now):
    secretary = world.users["secretary_a"]
    assert sla.sla_watch(now=now + 4 * HOUR - MINUTE) == {"flagged": 0, "escalated": 0}
    assert overdue_notices(secretary) == []
    assert sla.sla_watch(now=now + 4 * HOUR) == {"flagged": 0, "escalated": 1}
    flag = OverdueFlag.objects.get()
    assert flag.secretary_notified_at == now + 4 * HOUR
    assert overdue_notices(secretary) == [f"case-overdue-secretary-{flag.pk}:{secretary.pk}"]
    # Only A's secretaries; the worker was told already and is not told again.
    assert overdue_notices(world.users["secretary_b"]) == []
    assert len(overdue_notices(world.users["worker_a"])) == 1
    assert sla.sla_watch(now=now + 5 * HOUR) == {"flagged": 0, "escalated": 0}
    assert sla.sla_watch(now=now + 30 * HOUR) == {"flagged": 0, "escalated": 0}
    assert len(overdue_notices(secretary)) == 1
    OverdueFlag.objects.get(secretary_notified_at=now + 4 * HOUR)


def test_the_grace_period_is_a_setting(world, flagged, now, settings):
    settings.CASEWORK_SECRETARY_AFTER_HOURS = 1
    assert sla.sla_watch(now=now + HOUR - MINUTE)["escalated"] == 0
    assert sla.sla_watch(now=now + HOUR)["escalated"] == 1


def test_a_case_contacted_meanwhile_is_not_taken_to_the_secretaries(world, flagged, now):
    services.case_act(case=flagged, by=world.users["worker_a"], kind=A.CONTACTED, at=now)
    assert sla.sla_watch(now=now + 5 * HOUR) == {"flagged": 0, "escalated": 0}
    assert overdue_notices(world.users["secretary_a"]) == []
    assert OverdueFlag.objects.get().secretary_notified_at is None


def test_a_case_closed_meanwhile_is_not_taken_to_the_secretaries(world, flagged, now):
    services.case_close(
        case=flagged, by=world.users["worker_a"], outcome=Case.Outcome.EXPLAINED, note="已解释"
    )
    assert sla.sla_watch(now=now + 5 * HOUR) == {"flagged": 0, "escalated": 0}
    assert overdue_notices(world.users["secretary_a"]) == []


# ---------------------------------------------------------------- reopened cases


def test_a_reopened_case_is_flagged_again_for_its_new_resolution_deadline(
    world, category, now, settings
):
    settings.CASEWORK_SECRETARY_AFTER_HOURS = 4
    worker, secretary = world.users["worker_a"], world.users["secretary_a"]
    received = now - 10 * DAY
    case = receive(world, category, received, assigned_worker=worker)
    services.case_act(case=case, by=worker, kind=A.CONTACTED, at=received + HOUR)
    # Contacted in time, but 7 days to resolve ran out three days ago.
    assert sla.sla_watch(now=now) == {"flagged": 1, "escalated": 0}
    first = OverdueFlag.objects.get()
    assert (first.kind, first.round, first.due) == (K.RESOLVE, 0, received + 7 * DAY)
    services.case_close(case=case, by=worker, outcome=Case.Outcome.RESOLVED, note="已修好")
    reopened_at = now + HOUR
    with time_machine.travel(reopened_at, tick=False):
        services.case_reopen(case=case, by=worker, reason="又坏了")
    case.refresh_from_db()
    assert case.resolve_due == reopened_at + 7 * DAY
    # The old round's flag is not taken to the secretaries: that deadline is gone.
    assert sla.sla_watch(now=reopened_at + 5 * HOUR) == {"flagged": 0, "escalated": 0}
    assert sla.sla_watch(now=case.resolve_due) == {"flagged": 0, "escalated": 0}
    late = case.resolve_due + MINUTE
    assert sla.sla_watch(now=late) == {"flagged": 1, "escalated": 0}
    second = OverdueFlag.objects.get(round=1)
    assert (second.kind, second.due, second.flagged_at) == (K.RESOLVE, case.resolve_due, late)
    assert overdue_notices(worker) == sorted(
        [
            f"case-overdue-{case.pk}-resolve-0:{worker.pk}",
            f"case-overdue-{case.pk}-resolve-1:{worker.pk}",
        ]
    )
    assert sla.sla_watch(now=late + HOUR) == {"flagged": 0, "escalated": 0}
    assert sla.sla_watch(now=late + 4 * HOUR) == {"flagged": 0, "escalated": 1}
    assert overdue_notices(secretary, prefix="case-overdue-secretary-") == [
        f"case-overdue-secretary-{second.pk}:{secretary.pk}"
    ]
    first.refresh_from_db()
    assert first.secretary_notified_at is None
    assert case.actions.filter(kind=A.OVERDUE).count() == 2
    # The contact flag of round 0 never came: contacted in time, reopening doesn't redo it.
    assert not case.overdue_flags.filter(kind=K.CONTACT).exists()


# ---------------------------------------------------------------- the monthly snapshot


OCTOBER = D(2026, 10, 1)
AFTER_OCTOBER = beijing(2026, 11, 1, 0, 15)


@pytest.fixture
def october(world, category):
    a, b = world.community_a, world.community_b
    t = beijing(2026, 10, 12, 9, 0)
    resolved = {
        "status": Case.Status.CLOSED,
        "outcome": Case.Outcome.RESOLVED,
        "closed_at": t + DAY,
    }
    CaseFactory(community=a, category=category, received_at=t, contacted_at=t + HOUR, **resolved)
    open_case = CaseFactory(community=a, category=category, received_at=t)
    CaseFactory(community=b, category=category, received_at=t, satisfaction="satisfied", **resolved)
    CaseFactory(community=a, category=category, received_at=beijing(2026, 11, 1, 0, 0))
    return open_case


def snapshot_rows():
    return {
        (s.community_id, s.month): (
            s.received,
            s.responded_on_time,
            s.closed,
            s.resolved,
            s.rated,
            s.satisfied,
            s.taken_at,
        )
        for s in RatesSnapshot.objects.all()
    }


def test_a_finished_month_is_frozen_once_per_community(world, october):
    a, b = world.community_a, world.community_b
    assert sla.rates_snapshot_take(month=OCTOBER, now=AFTER_OCTOBER) == Community.objects.count()
    rows = snapshot_rows()
    assert rows == {
        (a.pk, OCTOBER): (2, 1, 1, 1, 0, 0, AFTER_OCTOBER),
        (b.pk, OCTOBER): (1, 0, 1, 1, 1, 1, AFTER_OCTOBER),
    }
    # The rows say what the rates page says for the month.
    live = {
        c.pk: selectors.counts_from(c)
        for c in selectors.community_rates(Community.objects.all(), OCTOBER)
    }
    for snapshot in RatesSnapshot.objects.all():
        assert selectors.counts_from(snapshot) == live[snapshot.community_id]
    # The month changes afterwards; a second run writes and changes nothing.
    services.case_close(
        case=october, by=world.users["worker_a"], outcome=Case.Outcome.RESOLVED, note="已修好"
    )
    CaseFactory(community=b, received_at=beijing(2026, 10, 30, 9, 0))
    assert sla.rates_snapshot_take(month=OCTOBER, now=AFTER_OCTOBER + DAY) == 0
    assert snapshot_rows() == rows


def test_any_day_of_the_month_names_the_month(world, october):
    assert sla.rates_snapshot_take(month=D(2026, 10, 17), now=AFTER_OCTOBER) == 2
    assert set(RatesSnapshot.objects.values_list("month", flat=True)) == {OCTOBER}


@pytest.mark.parametrize(
    ("month", "now"),
    [
        (D(2026, 11, 1), beijing(2026, 11, 25, 12, 0)),  # the current month
        (D(2026, 10, 1), beijing(2026, 10, 31, 23, 59)),  # its last minute
        (D(2026, 12, 1), beijing(2026, 11, 25, 12, 0)),  # a month to come
        # 23:59 UTC on 31 October is already November in Beijing, but 15:59 UTC is not.
        (D(2026, 10, 1), dt.datetime(2026, 10, 31, 15, 59, tzinfo=dt.UTC)),
    ],
)
def test_a_month_not_yet_over_is_refused(world, october, month, now):
    with pytest.raises(ValueError):
        sla.rates_snapshot_take(month=month, now=now)
    assert not RatesSnapshot.objects.exists()


def test_the_first_minute_of_the_next_month_in_beijing_may_freeze_it(world, october):
    # 16:00 UTC on 31 October is 00:00 on 1 November in Beijing.
    now = dt.datetime(2026, 10, 31, 16, 0, tzinfo=dt.UTC)
    assert sla.rates_snapshot_take(month=OCTOBER, now=now) == 2


def test_a_snapshot_row_is_never_changed(world, october):
    sla.rates_snapshot_take(month=OCTOBER, now=AFTER_OCTOBER)
    before = snapshot_rows()
    snapshot = RatesSnapshot.objects.get(community=world.community_a)
    snapshot.received = 99
    with pytest.raises(ValueError):
        snapshot.save()
    # Not even a bulk update: the database trigger refuses it.
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        RatesSnapshot.objects.filter(community=world.community_a).update(received=99)
    with pytest.raises(DatabaseError), transaction.atomic():
        RatesSnapshot.objects.update(taken_at=timezone.now())
    assert snapshot_rows() == before


def test_last_month_in_beijing():
    assert sla.last_month(beijing(2026, 1, 1, 0, 5)) == D(2025, 12, 1)
    assert sla.last_month(beijing(2026, 11, 30, 23, 59)) == D(2026, 10, 1)
    # 16:30 UTC on 30 November is already December in Beijing.
    assert sla.last_month(dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC)) == D(2026, 11, 1)


# ---------------------------------------------------------------- the Celery tasks


def test_the_watch_sla_task_runs_the_watcher(world, category, now):
    case = receive(world, category, now - 20 * HOUR)
    with time_machine.travel(now + 5 * HOUR, tick=False):
        assert tasks.watch_sla.delay().get() == {"flagged": 1, "escalated": 0}
        assert tasks.watch_sla.delay().get() == {"flagged": 0, "escalated": 0}
    flag = case.overdue_flags.get()
    assert flag.flagged_at == now + 5 * HOUR
    with time_machine.travel(now + 10 * HOUR, tick=False):
        assert tasks.watch_sla.delay().get() == {"flagged": 0, "escalated": 1}


def test_the_monthly_task_freezes_last_month_or_the_month_given(world, october):
    with time_machine.travel(AFTER_OCTOBER, tick=False):
        assert tasks.snapshot_monthly_rates.delay().get() == 2
        assert tasks.snapshot_monthly_rates.delay().get() == 0
        assert tasks.snapshot_monthly_rates.delay("2026-09").get() == 2
    assert sorted(set(RatesSnapshot.objects.values_list("month", flat=True))) == [
        D(2026, 9, 1),
        OCTOBER,
    ]
    assert RatesSnapshot.objects.get(community=world.community_a, month=OCTOBER).received == 2
    assert RatesSnapshot.objects.get(community=world.community_a, month=D(2026, 9, 1)).received == 0


@pytest.mark.parametrize(
    ("name", "task", "cron"),
    [
        ("casework-sla-watch", "casework.tasks.watch_sla", ("*/5", "*", "*")),
        ("casework-monthly-rates", "casework.tasks.snapshot_monthly_rates", ("15", "0", "1")),
    ],
)
@pytest.mark.django_db
def test_the_casework_jobs_are_installed_on_the_schedule(name, task, cron):
    assert SCHEDULE[name][0] == task
    assert task in app.tasks
    call_command("install_schedule")
    row = PeriodicTask.objects.select_related("crontab").get(name=name)
    assert row.task == task
    assert row.enabled
    assert (row.crontab.minute, row.crontab.hour, row.crontab.day_of_month) == cron
    assert str(row.crontab.timezone) == "Asia/Shanghai"
