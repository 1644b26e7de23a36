"""Registration, verification, accounts opened by the office, password resets."""

import pytest
from django.urls import reverse

from accounts.models import User
from communities.models import Resident
from tests.factories import PASSWORD, HouseholdFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def registration_data(home, /, **overrides):
    entrance = home.entrance
    data = {
        "display_name": "刘淑珍",
        "phone": "13911112222",
        "password1": "Sunny-day-2026",
        "password2": "Sunny-day-2026",
        "community": entrance.building.community_id,
        "building": entrance.building_id,
        "entrance": entrance.pk,
        "household": home.pk,
    }
    data.update(overrides)
    return data


def test_resident_registers_and_waits_for_verification(client, world):
    response = client.post(reverse("communities:register"), registration_data(world.household_a))
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:me")
    resident = Resident.objects.get(name="刘淑珍")
    assert resident.household == world.household_a
    assert resident.verification_status == Resident.Verification.PENDING
    assert resident.user.phone == "13911112222"
    page = client.get(reverse("communities:me"))
    assert 'data-testid="pending"' in page.content.decode()


def test_registration_attaches_to_the_office_record_of_the_same_name(client, world):
    recorded = ResidentFactory(household=world.household_a, name="刘淑珍", phone="")
    client.post(reverse("communities:register"), registration_data(world.household_a))
    recorded.refresh_from_db()
    assert recorded.user.phone == "13911112222"
    assert Resident.objects.filter(name="刘淑珍").count() == 1


def test_register_options_cascade(client, world):
    building = world.household_a.entrance.building
    url = reverse("communities:register_options")
    data = client.get(url, {"level": "building", "parent": world.community_a.pk}).json()
    assert data == {"options": [{"id": building.pk, "label": "1号楼"}]}
    data = client.get(url, {"level": "household", "parent": world.household_a.entrance_id}).json()
    assert data["options"] == [{"id": world.household_a.pk, "label": "101"}]
    assert client.get(url, {"level": "building", "parent": "x"}).json() == {"options": []}
    assert client.get(url, {"level": "nonsense", "parent": 1}).status_code == 400


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"display_name": ""}, "display_name"),
        ({"display_name": "名" * 51}, "display_name"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "abc"}, "phone"),
        ({"password2": "different-2026"}, "password2"),
        ({"password1": "12345678", "password2": "12345678"}, "password1"),
        ({"household": ""}, "household"),
        ({"household": "not-a-number"}, "household"),
        ({"community": "999999"}, "community"),
    ],
)
def test_bad_registration_gets_a_message_next_to_the_field(client, world, overrides, field):
    users_before = User.objects.count()
    response = client.post(
        reverse("communities:register"), registration_data(world.household_a, **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert User.objects.count() == users_before


def test_a_room_of_another_community_cannot_be_smuggled_in(client, world):
    data = registration_data(world.household_a, household=world.household_b.pk)
    response = client.post(reverse("communities:register"), data)
    assert response.status_code == 200
    assert "household" in response.context["form"].errors
    assert not Resident.objects.filter(name="刘淑珍").exists()


def test_existing_phone_is_told_to_log_in(client, world):
    UserFactory(phone="13911112222")
    response = client.post(reverse("communities:register"), registration_data(world.household_a))
    assert "phone" in response.context["form"].errors


def test_worker_approves_a_registration(client, world, login):
    client.post(reverse("communities:register"), registration_data(world.household_a))
    resident = Resident.objects.get(name="刘淑珍")
    worker = world.users["worker_a"]
    office = login(worker)
    queue = office.get(reverse("communities:verification", args=["a"]))
    assert resident in list(queue.context["page_obj"])
    response = office.post(
        reverse("communities:verification_decide", args=["a", resident.pk, "approve"])
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.verification_status == Resident.Verification.VERIFIED
    assert resident.verified_by == worker
    assert resident.verified_at is not None
    assert worker.has_perm("communities.manage_roster", world.community_a)
    assert resident not in list(
        office.get(reverse("communities:verification", args=["a"])).context["page_obj"]
    )


def test_rejection_needs_a_reason_and_the_resident_sees_it(client, world, login):
    resident = ResidentFactory(
        household=world.household_a,
        user=UserFactory(),
        verification_status=Resident.Verification.PENDING,
    )
    office = login(world.users["secretary_a"])
    url = reverse("communities:verification_decide", args=["a", resident.pk, "reject"])
    office.post(url, {"reason": "   "})
    resident.refresh_from_db()
    assert resident.verification_status == Resident.Verification.PENDING
    office.post(url, {"reason": "该房间无此人"})
    resident.refresh_from_db()
    assert resident.verification_status == Resident.Verification.REJECTED
    assert resident.rejection_reason == "该房间无此人"
    client.force_login(resident.user)
    page = client.get(reverse("communities:me")).content.decode()
    assert "该房间无此人" in page and 'data-testid="rejected"' in page


def test_worker_adds_a_resident_without_account_and_links_one_later(world, login):
    office = login(world.users["worker_a"])
    response = office.post(
        reverse("communities:resident_create", args=["a"]),
        {"household": world.household_a.pk, "name": "赵大爷", "phone": "", "birth_year": 1940},
    )
    assert response.status_code == 302
    resident = Resident.objects.get(name="赵大爷")
    assert resident.user is None and resident.is_verified
    # Later the grandson registers an account for him; the worker links it.
    account = UserFactory(phone="13766667777")
    response = office.post(
        reverse("communities:resident_link_account", args=["a", resident.pk]),
        {"phone": "137 6666 7777"},
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.user == account


def test_worker_opens_an_account_with_a_temporary_password(world, login, client):
    resident = ResidentFactory(household=world.household_a, name="钱奶奶", phone="")
    office = login(world.users["worker_a"])
    response = office.post(
        reverse("communities:resident_link_account", args=["a", resident.pk]),
        {"phone": "13755556666"},
        follow=True,
    )
    message = [str(m) for m in response.context["messages"]][0]
    password = message.split("：")[-1].split(" ")[0] if "：" in message else None
    resident.refresh_from_db()
    user = resident.user
    assert user.phone == "13755556666" and user.must_change_password
    assert password is None or user.check_password(password)


def test_link_account_rejects_an_account_of_another_resident(world, login):
    resident = ResidentFactory(household=world.household_a, name="孙大妈", phone="")
    office = login(world.users["worker_a"])
    taken = world.users["resident_b"]
    response = office.post(
        reverse("communities:resident_link_account", args=["a", resident.pk]),
        {"phone": taken.phone},
    )
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    resident.refresh_from_db()
    assert resident.user is None


def test_secretary_resets_a_residents_password(world, login):
    resident_user = world.users["resident_a"]
    resident = resident_user.resident
    office = login(world.users["secretary_a"])
    response = office.post(
        reverse("communities:resident_reset_password", args=["a", resident.pk]), follow=True
    )
    assert response.status_code == 200
    resident_user.refresh_from_db()
    assert resident_user.must_change_password
    assert not resident_user.check_password(PASSWORD)


def test_worker_may_not_reset_passwords(world, login):
    resident = world.users["resident_a"].resident
    office = login(world.users["worker_a"])
    response = office.post(reverse("communities:resident_reset_password", args=["a", resident.pk]))
    assert response.status_code == 403
    world.users["resident_a"].refresh_from_db()
    assert world.users["resident_a"].check_password(PASSWORD)


@pytest.mark.parametrize(
    ("url_name", "data", "field"),
    [
        (
            "household_create",
            {"entrance": "", "room": "", "floor_area": "x", "tenure": "z"},
            "room",
        ),
        ("household_create", {"room": "1" * 21, "floor_area": "60", "tenure": "owner"}, "room"),
        ("household_create", {"room": "9", "floor_area": "-5", "tenure": "owner"}, "floor_area"),
        ("resident_create", {"name": "", "phone": "1"}, "name"),
        ("resident_create", {"name": "甲", "phone": "12345678901"}, "phone"),
        ("resident_create", {"name": "甲", "birth_year": "abc"}, "birth_year"),
        ("building_create", {"name": "", "floors": "0"}, "name"),
        ("building_create", {"name": "9号楼", "floors": "-1"}, "floors"),
        ("entrance_create", {"name": "1单元"}, "building"),
    ],
)
def test_office_forms_answer_bad_input_on_the_field(world, login, url_name, data, field):
    office = login(world.users["worker_a"])
    if url_name == "household_create":
        data.setdefault("entrance", world.household_a.entrance_id)
    if url_name == "resident_create":
        data.setdefault("household", world.household_a.pk)
    response = office.post(reverse(f"communities:{url_name}", args=["a"]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors


@pytest.mark.parametrize("url_name", ["household_create", "resident_create", "entrance_create"])
def test_office_forms_refuse_a_parent_from_another_community(world, login, url_name):
    office = login(world.users["worker_a"])
    foreign = {
        "household_create": {
            "entrance": world.household_b.entrance_id,
            "room": "909",
            "floor_area": "60",
            "tenure": "owner",
        },
        "resident_create": {"household": world.household_b.pk, "name": "外人"},
        "entrance_create": {"building": world.household_b.entrance.building_id, "name": "9单元"},
    }[url_name]
    response = office.post(reverse(f"communities:{url_name}", args=["a"]), foreign)
    assert response.status_code == 200
    field = next(iter(foreign))
    assert field in response.context["form"].errors


def test_duplicate_resident_in_household_is_a_field_error(world, login):
    office = login(world.users["worker_a"])
    response = office.post(
        reverse("communities:resident_create", args=["a"]),
        {"household": world.household_a.pk, "name": "居民甲"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_household_of_another_community_is_404_under_this_community(world, login):
    office = login(world.users["worker_a"])
    other = HouseholdFactory(entrance=world.household_b.entrance, room="202")
    response = office.get(reverse("communities:household_edit", args=["a", other.pk]))
    assert response.status_code == 404


def test_unknown_decisions_and_formats_are_404_and_change_nothing(world, login):
    resident = ResidentFactory(
        household=world.household_a,
        user=UserFactory(),
        verification_status=Resident.Verification.PENDING,
    )
    office = login(world.users["worker_a"])
    url = reverse("communities:verification_decide", args=["a", resident.pk, "maybe"])
    assert office.post(url).status_code == 404
    resident.refresh_from_db()
    assert resident.verification_status == Resident.Verification.PENDING
    export = reverse("communities:roster_export", args=["a", "pdf"])
    assert office.get(export).status_code == 404


def test_resident_list_filters_by_party_membership_and_search(world, login):
    ResidentFactory(household=world.household_a, name="党员老王", is_party_member=True)
    ResidentFactory(household=world.household_a, name="群众老李", phone="13600001111")
    office = login(world.users["worker_a"])
    url = reverse("communities:resident_list", args=["a"])
    names = {r.name for r in office.get(url, {"is_party_member": "true"}).context["page_obj"]}
    assert names == {"党员老王"}
    names = {r.name for r in office.get(url, {"q": "1360000"}).context["page_obj"]}
    assert names == {"群众老李"}
    everyone = {r.name for r in office.get(url, {"is_party_member": ""}).context["page_obj"]}
    assert {"党员老王", "群众老李", "居民甲"} <= everyone
    assert "居民乙" not in everyone


def test_resident_form_offers_rooms_of_one_entrance_only(world, login):
    entrance = world.household_a.entrance
    neighbour = HouseholdFactory(entrance=entrance, room="102")
    elsewhere = HouseholdFactory(entrance__building=entrance.building, room="901")
    office = login(world.users["worker_a"])
    response = office.get(
        reverse("communities:resident_create", args=["a"]), {"household": world.household_a.pk}
    )
    form = response.context["form"]
    assert form.initial["building"] == entrance.building_id
    assert form.initial["entrance"] == entrance.pk
    rooms = set(form.fields["household"].queryset)
    assert rooms == {world.household_a, neighbour}
    assert elsewhere not in rooms
    html = response.content.decode()
    assert 'data-options-url="/register/options/"' in html
    # Without a room chosen, no room list is rendered at all.
    blank = office.get(reverse("communities:resident_create", args=["a"])).context["form"]
    assert list(blank.fields["household"].queryset) == []
