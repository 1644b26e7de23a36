"""The subdistrict's view of 1351N gaps across its communities."""

import pytest
from django.urls import reverse

from governance.models import Organisation, Post
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db

K = Organisation.Kind
FULL = [
    K.PARTY_COMMITTEE,
    K.RESIDENTS_COMMITTEE,
    K.SOCIAL_AFFAIRS_COMMITTEE,
    K.SERVICE_STATION,
    K.PROPERTY_COMPANY,
    K.SOCIAL_ORGANISATION,
    K.LOCAL_UNIT,
    K.SOCIAL_WORK_ORGANISATION,
]


def staff_every_body(community, user, kinds):
    for kind in kinds:
        org = Organisation.objects.create(
            community=community, kind=kind, name=f"{kind}-{community.pk}"
        )
        Post.objects.create(organisation=org, title=Post.Title.DIRECTOR, user=user)


def test_area_board_lists_each_communitys_gaps(client, world):
    user = world.users["secretary_a"]
    staff_every_body(world.community_a, user, FULL)
    partial = CommunityFactory(subdistrict=world.community_a.subdistrict, name="缺口社区")
    staff_every_body(partial, user, [k for k in FULL if k != K.SOCIAL_WORK_ORGANISATION])
    staff_every_body(world.community_b, user, [K.PARTY_COMMITTEE])
    client.force_login(world.users["subdistrict_a"])
    response = client.get(reverse("governance:area_structure"))
    assert response.status_code == 200
    rows = dict(response.context["rows"])
    assert rows[world.community_a] == []
    assert len(rows[partial]) == 1
    assert world.community_b not in rows  # another subdistrict's community


@pytest.mark.parametrize(("role", "status"), [("worker_a", 403), ("resident_a", 403)])
def test_area_board_is_for_area_staff(client, world, role, status):
    client.force_login(world.users[role])
    assert client.get(reverse("governance:area_structure")).status_code == status


def test_area_board_costs_the_same_at_3_and_30_communities(
    client, world, django_assert_max_num_queries
):
    # 1 session, 2 user, 3-5 scope, 6 unread count, 7 count of communities,
    # 8 page of communities + subdistrict, 9 organisations of the page, 10 their posts.
    client.force_login(world.users["subdistrict_a"])
    user = world.users["secretary_a"]
    for size in (3, 30):
        while world.community_a.subdistrict.communities.count() < size:
            community = CommunityFactory(subdistrict=world.community_a.subdistrict)
            staff_every_body(community, user, FULL[:3])
        with django_assert_max_num_queries(10):
            assert client.get(reverse("governance:area_structure")).status_code == 200
