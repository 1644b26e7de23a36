"""Shared fixtures: two communities (A and B) and a user for every role."""

from dataclasses import dataclass

import pytest

from communities.models import CommunityRole
from tests.factories import (
    AreaStaffRoleFactory,
    CommunityFactory,
    CommunityRoleFactory,
    EntranceFactory,
    HouseholdFactory,
    ResidentFactory,
    SubdistrictFactory,
    UserFactory,
)


@dataclass
class World:
    community_a: object
    community_b: object
    household_a: object
    household_b: object
    users: dict


def _resident_user(household, name):
    user = UserFactory(display_name=name)
    ResidentFactory(household=household, name=name, user=user, phone=user.phone)
    return user


@pytest.fixture
def world(db) -> World:
    """Community A (subdistrict S) and community B (another subdistrict), one user per role."""
    sub_a = SubdistrictFactory(name="垡头街道")
    sub_b = SubdistrictFactory(name="八里庄街道", district=sub_a.district)
    community_a = CommunityFactory(subdistrict=sub_a, name="双合家园", code="a")
    community_b = CommunityFactory(subdistrict=sub_b, name="华贸中心", code="b")
    entrance_a = EntranceFactory(building__community=community_a, building__name="1号楼")
    entrance_b = EntranceFactory(building__community=community_b, building__name="A座")
    household_a = HouseholdFactory(entrance=entrance_a, room="101")
    household_b = HouseholdFactory(entrance=entrance_b, room="1201")

    def staff(community, role, name):
        user = UserFactory(display_name=name)
        CommunityRoleFactory(user=user, community=community, role=role)
        return user

    users = {
        "resident_a": _resident_user(household_a, "居民甲"),
        "resident_b": _resident_user(household_b, "居民乙"),
        "worker_a": staff(community_a, CommunityRole.Role.WORKER, "社工甲"),
        "secretary_a": staff(community_a, CommunityRole.Role.SECRETARY, "书记甲"),
        "secretary_b": staff(community_b, CommunityRole.Role.SECRETARY, "书记乙"),
        "property_a": staff(community_a, CommunityRole.Role.PROPERTY_MANAGER, "物业甲"),
        "subdistrict_a": AreaStaffRoleFactory(subdistrict=sub_a).user,
        "superuser": UserFactory(display_name="管理员", is_superuser=True, is_staff=True),
    }
    return World(community_a, community_b, household_a, household_b, users)


@pytest.fixture
def login(client):
    """Log a user in on the test client and return the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
