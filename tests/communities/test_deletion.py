"""Deleting roster records entered by mistake: never takes people with it."""

import pytest
from django.urls import reverse

from communities.models import Building, Compound, Entrance, Household, Resident
from tests.factories import BuildingFactory, EntranceFactory, HouseholdFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def delete(client, kind, pk, code="a"):
    return client.post(reverse("communities:roster_delete", args=[code, kind, pk]))


def test_resident_is_deleted_after_confirmation(world, login):
    resident = ResidentFactory(household=world.household_a, name="录错的人")
    office = login(world.users["worker_a"])
    page = office.get(reverse("communities:roster_delete", args=["a", "residents", resident.pk]))
    assert page.status_code == 200 and "录错的人" in page.content.decode()
    assert Resident.objects.filter(pk=resident.pk).exists()
    response = delete(office, "residents", resident.pk)
    assert response.status_code == 302
    assert not Resident.objects.filter(pk=resident.pk).exists()


@pytest.mark.parametrize("kind", ["buildings", "entrances", "households"])
def test_places_with_people_beneath_are_kept(world, login, kind):
    target = {
        "buildings": world.household_a.entrance.building,
        "entrances": world.household_a.entrance,
        "households": world.household_a,
    }[kind]
    office = login(world.users["worker_a"])
    response = delete(office, kind, target.pk)
    assert response.status_code == 302
    assert type(target).objects.filter(pk=target.pk).exists()
    assert Resident.objects.filter(household=world.household_a).exists()


def test_empty_places_are_deleted(world, login):
    building = BuildingFactory(community=world.community_a, name="空楼")
    entrance = EntranceFactory(building=building)
    empty_home = HouseholdFactory(entrance=world.household_a.entrance, room="999")
    office = login(world.users["worker_a"])
    delete(office, "households", empty_home.pk)
    assert not Household.objects.filter(pk=empty_home.pk).exists()
    delete(office, "entrances", entrance.pk)
    assert not Entrance.objects.filter(pk=entrance.pk).exists()
    delete(office, "buildings", building.pk)
    assert not Building.objects.filter(pk=building.pk).exists()


def test_deleting_a_compound_keeps_its_buildings(world, login):
    compound = Compound.objects.create(community=world.community_a, name="一期")
    building = world.household_a.entrance.building
    building.compound = compound
    building.save()
    delete(login(world.users["worker_a"]), "compounds", compound.pk)
    building.refresh_from_db()
    assert building.compound is None


def test_another_communitys_record_and_unknown_kinds_are_404(world, login):
    office = login(world.users["worker_a"])
    foreign = world.users["resident_b"].resident
    assert delete(office, "residents", foreign.pk).status_code == 404
    assert Resident.objects.filter(pk=foreign.pk).exists()
    assert delete(office, "users", 1).status_code == 404


def test_compound_is_created_and_offered_on_the_building_form(world, login):
    office = login(world.users["worker_a"])
    response = office.post(reverse("communities:compound_create", args=["a"]), {"name": "二期"})
    assert response.status_code == 302
    compound = Compound.objects.get(community=world.community_a, name="二期")
    form = office.get(reverse("communities:building_create", args=["a"])).context["form"]
    assert list(form.fields["compound"].queryset) == [compound]
    duplicate = office.post(reverse("communities:compound_create", args=["a"]), {"name": "二期"})
    assert duplicate.status_code == 200 and duplicate.context["form"].errors
