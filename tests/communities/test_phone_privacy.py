"""A resident's full mobile number is shown only to the community office (secretary,
deputy, worker); area staff see it masked, like every list."""

import pytest
from django.urls import reverse

from tests.factories import ResidentFactory

FULL = "13612345678"
MASKED = "136****5678"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "full"),
    [("secretary_a", True), ("worker_a", True), ("subdistrict_a", False), ("superuser", True)],
)
def test_resident_detail_shows_the_full_number_only_to_the_office(world, client, role, full):
    resident = ResidentFactory(household=world.household_a, name="李秀英", phone=FULL)
    client.force_login(world.users[role])
    response = client.get(reverse("communities:resident_detail", args=["a", resident.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert (FULL in html) is full
    assert (MASKED in html) is not full
