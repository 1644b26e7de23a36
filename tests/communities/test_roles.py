import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communities.models import CommunityRole
from communities.scope import scope_of

pytestmark = pytest.mark.django_db


def test_secretary_appoints_an_existing_user_as_worker(world, login):
    office = login(world.users["secretary_a"])
    newcomer = world.users["resident_a"]
    response = office.post(
        reverse("communities:role_assign", args=["a"]),
        {"phone": newcomer.phone, "role": "worker", "start_date": timezone.localdate()},
    )
    assert response.status_code == 302
    assert CommunityRole.objects.filter(user=newcomer, role="worker").exists()
    newcomer = User.objects.get(pk=newcomer.pk)
    assert newcomer.has_perm("communities.manage_roster", world.community_a)


def test_appointing_an_unknown_number_needs_a_name_and_opens_an_account(world, login):
    office = login(world.users["secretary_a"])
    url = reverse("communities:role_assign", args=["a"])
    data = {"phone": "13700001234", "role": "representative", "start_date": "2026-01-01"}
    response = office.post(url, data)
    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    response = office.post(url, {**data, "display_name": "议事代表老周"})
    assert response.status_code == 302
    user = User.objects.get(phone="13700001234")
    assert user.must_change_password
    assert CommunityRole.objects.get(user=user).role == "representative"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"phone": "123", "role": "worker", "start_date": "2026-01-01"}, "phone"),
        ({"role": "mayor", "start_date": "2026-01-01"}, "role"),
        ({"role": "worker", "start_date": "not a date"}, "start_date"),
        ({"role": "worker", "start_date": "2026-05-01", "end_date": "2026-04-01"}, "end_date"),
    ],
)
def test_bad_appointments_are_refused_on_the_field(world, login, data, field):
    office = login(world.users["secretary_a"])
    data.setdefault("phone", world.users["resident_a"].phone)
    response = office.post(reverse("communities:role_assign", args=["a"]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_the_same_role_twice_in_one_period_is_refused(world, login):
    office = login(world.users["secretary_a"])
    worker = world.users["worker_a"]
    response = office.post(
        reverse("communities:role_assign", args=["a"]),
        {"phone": worker.phone, "role": "worker", "start_date": timezone.localdate()},
    )
    assert response.status_code == 200
    assert "role" in response.context["form"].errors


def test_ending_a_role_removes_access_from_today(world, login):
    office = login(world.users["secretary_a"])
    role = CommunityRole.objects.get(user=world.users["worker_a"])
    office.post(reverse("communities:role_end", args=["a", role.pk]))
    role.refresh_from_db()
    assert role.end_date == timezone.localdate()
    worker = User.objects.get(pk=world.users["worker_a"].pk)
    # The role still counts today and is gone tomorrow.
    assert scope_of(worker).roles_in(world.community_a.pk) == {"worker"}
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert not CommunityRole.objects.filter(user=worker).active(tomorrow).exists()


def test_worker_cannot_manage_roles_and_foreign_secretary_gets_404(world, login):
    role = CommunityRole.objects.get(user=world.users["worker_a"])
    assert (
        login(world.users["worker_a"]).get(reverse("communities:role_list", args=["a"])).status_code
        == 403
    )
    foreign = login(world.users["secretary_b"])
    assert foreign.post(reverse("communities:role_end", args=["a", role.pk])).status_code == 404
    role.refresh_from_db()
    assert role.end_date is None
