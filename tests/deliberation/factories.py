"""Factories and helpers for proposals, ballots and votes (deliberation)."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import factory
from django.db import connection

from deliberation.models import Ballot, BallotOption, Proposal, ProposalCategory
from tests.factories import CommunityFactory, UserFactory

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A wall-clock moment in Beijing, as an aware datetime."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


def category(code: str = "greening") -> ProposalCategory:
    """A default category. The data migration creates them, but a ``transaction=True`` test
    flushes the tables afterwards, so later tests must not count on them being there."""
    found, _ = ProposalCategory.objects.get_or_create(code=code, defaults={"name": code})
    return found


class ProposalFactory(factory.django.DjangoModelFactory):
    """A proposal put straight into any status (bypassing the lifecycle service)."""

    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"增设电动车充电棚{n}")
    description = "电动车上楼充电有火灾隐患，建议在楼下空地建充电棚。"
    category = factory.LazyFunction(lambda: category("ebike_charging"))
    created_by = factory.SubFactory(UserFactory)
    status = Proposal.Status.DRAFT

    @factory.post_generation
    def buildings(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.whole_community = False
            obj.save(update_fields=["whole_community"])
            obj.buildings.set(extracted)


class BallotFactory(factory.django.DjangoModelFactory):
    """A scheduled ballot (open it with ``services.ballot_open``)."""

    class Meta:
        model = Ballot
        skip_postgeneration_save = True

    proposal = factory.SubFactory(ProposalFactory, status=Proposal.Status.IN_DELIBERATION)
    question = factory.Sequence(lambda n: f"是否同意建设充电棚？({n})")
    opens_at = factory.LazyFunction(lambda: beijing(2026, 5, 1, 9))
    closes_at = factory.LazyFunction(lambda: beijing(2026, 5, 8, 20))
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def options(obj, create, extracted, **kwargs):
        if not create:
            return
        keys = extracted if extracted is not None else ["for", "against", "abstain"]
        for index, key in enumerate(keys):
            BallotOption.objects.create(ballot=obj, key=key, label=key, sort_order=index)


def counts(ballot: Ballot) -> dict[str, tuple]:
    """Each option's running totals, read fresh: key → (heads, households, area)."""
    return {
        o.key: (o.heads, o.households, o.area)
        for o in BallotOption.objects.filter(ballot=ballot).order_by("sort_order")
    }


def race(work, n: int = 4) -> tuple[list, list]:
    """Run ``work(i)`` in ``n`` threads released together by a barrier; return the results
    and the exceptions. Each thread closes its own database connection."""
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
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors
