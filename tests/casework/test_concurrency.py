"""Casework at the same moment, on PostgreSQL: one case per 12345 order number, one flag
and one notice per overdue deadline, one rating, one case per visit problem and one
snapshot per community and month, however many workers race."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from casework import services, sla
from casework.models import Case, CaseAction, OverdueFlag, RatesSnapshot, VisitProblem
from casework.visit_services import visit_problem_to_case
from communities.models import Community, Resident
from notifications.models import Notification
from tests.casework.factories import (
    CaseCategoryFactory,
    CaseFactory,
    VisitFactory,
    VisitProblemFactory,
    beijing,
)
from tests.factories import CommunityRoleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

HOUR = dt.timedelta(hours=1)


def race(work, n: int = 4) -> tuple[list, list]:
    """Run ``work(i)`` in ``n`` threads released together; return results and errors.
    Each thread closes its own database connection."""
    barrier = threading.Barrier(n)
    results: list = []
    errors: list = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(work(index))
        except Exception as exc:  # collected and asserted on by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def refused_on(errors) -> list[str]:
    return sorted(
        ",".join(sorted(e.message_dict)) if isinstance(e, ValidationError) else repr(e)
        for e in errors
    )


@pytest.fixture
def category(world):
    return CaseCategoryFactory(name="公共设施")


def test_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize("n", [2, 4])
def test_workers_entering_one_12345_order_at_once_make_one_case(world, category, n):
    workers = [world.users["worker_a"], world.users["secretary_a"]]
    for i in range(n - 2):
        user = UserFactory(display_name=f"社工{i}")
        CommunityRoleFactory(user=user, community=world.community_a, role="worker")
        workers.append(user)
    # A few rounds, so that the threads meet at different points of the service: the
    # check on the field, the model's validation, or the insert itself.
    for round_ in range(10):
        number = f"20261026{round_:05d}"

        def enter(index, number=number):
            return services.case_create(
                community=world.community_a,
                by=workers[index],
                source=Case.Source.HOTLINE,
                order_number=number,
                category=category,
                description=f"屋顶漏水（{index}号录入）",
                reporter_name="王大爷",
            )

        results, errors = race(enter, n)
        assert len(results) == 1
        assert refused_on(errors) == ["order_number"] * (n - 1)
        case = Case.objects.get(order_number=number)
        assert case == results[0]
        assert list(case.actions.values_list("kind", flat=True)) == ["received"]
    assert Case.objects.count() == 10
    assert CaseAction.objects.count() == 10


def test_concurrent_watchers_flag_once_and_notify_each_recipient_once(world, category, settings):
    settings.CASEWORK_SECRETARY_AFTER_HOURS = 4
    now = timezone.now().replace(microsecond=0)
    case = services.case_create(
        community=world.community_a,
        by=world.users["worker_a"],
        source=Case.Source.PHONE,
        category=category,
        description="楼道灯不亮",
        reporter_name="王大爷",
        received_at=now - 25 * HOUR,
    )
    results, errors = race(lambda i: sla.sla_watch(now=now))
    assert errors == []
    assert sum(r["flagged"] for r in results) == 1
    assert OverdueFlag.objects.filter(case=case).count() == 1
    assert case.actions.filter(kind=CaseAction.Kind.OVERDUE).count() == 1
    handlers = Notification.objects.filter(dedupe_key__startswith=f"case-overdue-{case.pk}-")
    # Nobody assigned: the office of A, its worker and its secretary, once each.
    assert sorted(handlers.values_list("recipient__display_name", flat=True)) == [
        "书记甲",
        "社工甲",
    ]
    results, errors = race(lambda i: sla.sla_watch(now=now + 5 * HOUR))
    assert errors == []
    assert sum(r["escalated"] for r in results) == 1
    told = Notification.objects.filter(dedupe_key__startswith="case-overdue-secretary-")
    assert list(told.values_list("recipient", flat=True)) == [world.users["secretary_a"].pk]


def test_concurrent_online_ratings_record_one(world, category):
    resident = world.users["resident_a"]
    case = services.case_create(
        community=world.community_a,
        by=world.users["worker_a"],
        source=Case.Source.ONLINE,
        category=category,
        description="楼下路灯坏了",
        reporter_resident=Resident.objects.get(user=resident),
    )
    services.case_close(
        case=case, by=world.users["worker_a"], outcome=Case.Outcome.RESOLVED, note="已修好"
    )
    choices = ["satisfied", "basically", "dissatisfied", "satisfied"]

    def rate(index):
        return services.case_rate(case=case, by=resident, satisfaction=choices[index], via="online")

    results, errors = race(rate)
    assert len(results) == 1
    assert len(errors) == 3 and all(isinstance(e, ValidationError) for e in errors)
    case.refresh_from_db()
    assert case.satisfaction == results[0].satisfaction
    assert case.actions.filter(kind=CaseAction.Kind.RATED).count() == 1


def test_concurrent_conversions_of_one_visit_problem_make_one_case(world, category):
    visit = VisitFactory(community=world.community_a, worker=world.users["worker_a"])
    problem = VisitProblemFactory(visit=visit, category=category)

    def convert(index):
        return visit_problem_to_case(problem=problem, by=world.users["worker_a"])

    results, errors = race(convert)
    assert len(results) == 1
    assert len(errors) == 3 and all(isinstance(e, ValidationError) for e in errors)
    assert Case.objects.count() == 1
    assert VisitProblem.objects.get(pk=problem.pk).case == results[0]


def test_concurrent_snapshot_runs_write_one_row_per_community(world, category):
    t = beijing(2026, 10, 12, 9, 0)
    CaseFactory(community=world.community_a, category=category, received_at=t)
    CaseFactory(community=world.community_b, category=category, received_at=t)
    month = dt.date(2026, 10, 1)
    after = beijing(2026, 11, 1, 0, 15)
    results, errors = race(lambda i: sla.rates_snapshot_take(month=month, now=after))
    assert errors == []
    communities = Community.objects.count()
    assert RatesSnapshot.objects.filter(month=month).count() == communities
    assert sorted(RatesSnapshot.objects.values_list("community_id", flat=True)) == sorted(
        Community.objects.values_list("pk", flat=True)
    )
    assert all(r.received == 1 for r in RatesSnapshot.objects.all())
    assert sla.rates_snapshot_take(month=month, now=after) == 0
