import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from communities.models import AreaStaffRole, CommunityRole, Household, Resident
from communities.scope import scope_of
from tests.factories import (
    AreaStaffRoleFactory,
    BuildingFactory,
    CommunityFactory,
    CommunityRoleFactory,
    HouseholdFactory,
    ResidentFactory,
    SubdistrictFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_household_floor_area_must_be_positive():
    household = HouseholdFactory.build(
        entrance=HouseholdFactory().entrance, floor_area=Decimal("0")
    )
    with pytest.raises(ValidationError) as exc:
        household.full_clean()
    assert "floor_area" in exc.value.error_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.filter(pk=HouseholdFactory().pk).update(floor_area=Decimal("-1"))


def test_room_is_unique_within_an_entrance():
    home = HouseholdFactory(room="301")
    with pytest.raises(ValidationError):
        Household(entrance=home.entrance, room="301", floor_area=Decimal("50")).full_clean()


def test_resident_phone_is_validated_and_birth_year_not_in_future():
    resident = ResidentFactory.build(household=HouseholdFactory(), phone="123")
    with pytest.raises(ValidationError) as exc:
        resident.full_clean()
    assert "phone" in exc.value.error_dict
    resident.phone = ""
    resident.birth_year = timezone.localdate().year + 1
    with pytest.raises(ValidationError) as exc:
        resident.full_clean()
    assert "birth_year" in exc.value.error_dict


def test_building_compound_must_be_in_the_same_community():
    building = BuildingFactory()
    other = CommunityFactory()
    compound = other.compounds.create(name="别的小区")
    building.compound = compound
    with pytest.raises(ValidationError) as exc:
        building.full_clean()
    assert "compound" in exc.value.error_dict


def test_area_role_names_exactly_one_area():
    sub = SubdistrictFactory()
    role = AreaStaffRole(user=UserFactory(), subdistrict=sub, district=sub.district)
    with pytest.raises(ValidationError):
        role.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        AreaStaffRole.objects.create(user=UserFactory(), subdistrict=None, district=None)


def test_role_dates_must_be_ordered():
    role = CommunityRoleFactory.build(
        user=UserFactory(),
        community=CommunityFactory(),
        start_date=dt.date(2026, 5, 1),
        end_date=dt.date(2026, 4, 1),
    )
    with pytest.raises(ValidationError):
        role.full_clean()


def test_only_current_roles_count():
    community = CommunityFactory()
    today = timezone.localdate()
    ended = CommunityRoleFactory(
        community=community,
        role=CommunityRole.Role.SECRETARY,
        start_date=today - dt.timedelta(days=400),
        end_date=today - dt.timedelta(days=1),
    )
    future = CommunityRoleFactory(
        community=community,
        role=CommunityRole.Role.WORKER,
        start_date=today + dt.timedelta(days=3),
    )
    current = CommunityRoleFactory(community=community, role=CommunityRole.Role.WORKER)
    assert scope_of(ended.user).roles_in(community.pk) == frozenset()
    assert scope_of(future.user).roles_in(community.pk) == frozenset()
    assert scope_of(current.user).roles_in(community.pk) == {"worker"}


def test_district_staff_oversee_every_subdistrict_beneath():
    sub = SubdistrictFactory()
    staff = AreaStaffRoleFactory(subdistrict=None, district=sub.district).user
    community = CommunityFactory(subdistrict=SubdistrictFactory(district=sub.district))
    elsewhere = CommunityFactory()
    assert staff.has_perm("communities.view_office", community)
    assert not staff.has_perm("communities.view_office", elsewhere)
    assert not staff.has_perm("communities.manage_roster", community)


def test_pending_resident_is_not_a_verified_resident():
    resident = ResidentFactory(
        user=UserFactory(), verification_status=Resident.Verification.PENDING
    )
    scope = scope_of(resident.user)
    assert scope.home_community_id == resident.community.pk
    assert scope.home_verified is False
