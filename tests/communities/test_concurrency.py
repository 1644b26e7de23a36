"""Uniqueness under concurrency on PostgreSQL: one account per mobile number."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import User
from communities import services
from communities.models import Resident
from tests.factories import HouseholdFactory


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_with_one_number_create_one_account():
    assert connection.vendor == "postgresql"
    household = HouseholdFactory()
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def register(index: int) -> None:
        try:
            barrier.wait()
            services.resident_register(
                phone="13922223333",
                password="Sunny-day-2026",
                display_name=f"居民{index}",
                household=household,
            )
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append("refused:" + ",".join(exc.message_dict))
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] + ["refused:phone"] * 3
    assert User.objects.filter(phone="13922223333").count() == 1
    assert Resident.objects.filter(household=household).count() == 1
