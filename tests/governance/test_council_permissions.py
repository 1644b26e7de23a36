"""Who gets what from the coordination council's pages: a role × URL matrix, the rules
behind it, object-level checks across communities, and the area roll-up's reach.

The matrix is written out by hand so a reader can check each cell against
``governance/rules.py`` and ``communities/mixins.py``:

- anonymous visitors are sent to the login page from every private page; the .ics feed
  is public at its secret address (calendar apps cannot log in);
- a user with no tie to community A (resident_b, secretary_b) gets 404 for every
  ``/c/a/…`` address;
- the office (worker, secretary) and the subdistrict above read the council's pages;
  residents and the property manager of A get 403;
- only the secretary (and the superuser) change council records;
- the area roll-up is for area staff (and the superuser).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance import urls as governance_urls
from governance.models import (
    ActivityPhoto,
    Agreement,
    Attendance,
    JointActivity,
    JointMeeting,
    MemberUnit,
    Resolution,
)
from governance.views import council as council_views
from governance.views import structure as structure_views
from tests.governance.council_factories import (
    ActivityPhotoFactory,
    AgreementWithFileFactory,
    CoordinationCouncilFactory,
    JointActivityFactory,
    JointMeetingFactory,
    MemberUnitFactory,
    ResolutionFactory,
)

ROLES = (
    "anonymous",
    "resident_a",
    "resident_b",
    "worker_a",
    "secretary_a",
    "secretary_b",
    "property_a",
    "subdistrict_a",
    "superuser",
)

# A 302 to the login page (as opposed to any other redirect).
LOGIN = "login"

# Rows: URL name → expected response, one column per role in ROLES order.
# fmt: off
EXPECTED = {
    #                          anon   res_a res_b work_a sec_a sec_b prop_a sub_a super
    # Read pages: the office and the subdistrict above.
    "council":               (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "agreement_file":        (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "meeting_list":          (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "meeting_detail":        (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "meeting_notice":        (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "meeting_signin":        (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "activity_list":         (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "activity_detail":       (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "activity_photo":        (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    # Writes: the secretary only; the worker and the subdistrict read but never write.
    "council_setup":         (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    "member_add":            (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    "member_leave":          (LOGIN, 403,  404,  403,   302,  404,  403,   403,  302),
    "agreement_create":      (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    "agreement_edit":        (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    "meeting_create":        (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    "meeting_edit":          (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    "meeting_hold":          (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    "meeting_cancel":        (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    "meeting_attendance":    (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    "resolution_create":     (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    "resolution_done":       (LOGIN, 403,  404,  403,   302,  404,  403,   403,  302),
    "activity_create":       (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    "activity_edit":         (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    # The secret-address calendar feed: anyone holding the right token.
    "meetings_ics":          (200,   200,  200,  200,   200,  200,  200,   200,  200),
    # The area roll-up: area staff only.
    "compliance":            (LOGIN, 403,  403,  403,   403,  403,  403,   200,  200),
}
# fmt: on

# Views that only accept POST; everything else is requested with GET.
POST_ONLY = {"member_leave", "resolution_done"}


def _names_of_views_in(module) -> set[str]:
    return {
        p.name
        for p in governance_urls.urlpatterns
        if p.name and p.callback.view_class.__module__ == module.__name__
    }


def test_matrix_covers_every_council_url_name():
    """A new council URL must get a row here before it ships."""
    council_names = _names_of_views_in(council_views)
    structure_names = _names_of_views_in(structure_views)
    every_name = {p.name for p in governance_urls.urlpatterns}
    # Nothing slips between the two modules (structure URLs are tested elsewhere).
    assert council_names | structure_names == every_name
    assert set(EXPECTED) == council_names


@pytest.fixture
def place(world):
    """Community A's council with one of everything the URLs point at."""
    council = CoordinationCouncilFactory(community=world.community_a, name="双合家园协调委员会")
    member = MemberUnitFactory(council=council)
    agreement = AgreementWithFileFactory(member=member)
    meeting = JointMeetingFactory(council=council)
    resolution = ResolutionFactory(meeting=meeting, owner=member)
    activity = JointActivityFactory(council=council, units=[member])
    photo = ActivityPhotoFactory(activity=activity)
    return {
        "community": world.community_a,
        "council": council,
        "member": member,
        "agreement": agreement,
        "meeting": meeting,
        "resolution": resolution,
        "activity": activity,
        "photo": photo,
    }


@pytest.fixture
def place_b(world):
    """Community B's council, with the same kinds of objects as ``place``."""
    council = CoordinationCouncilFactory(community=world.community_b, name="华贸中心协调委员会")
    member = MemberUnitFactory(council=council)
    meeting = JointMeetingFactory(council=council)
    activity = JointActivityFactory(council=council, units=[member])
    return {
        "community": world.community_b,
        "council": council,
        "member": member,
        "agreement": AgreementWithFileFactory(member=member),
        "meeting": meeting,
        "resolution": ResolutionFactory(meeting=meeting, owner=member),
        "activity": activity,
        "photo": ActivityPhotoFactory(activity=activity),
    }


# Which object of ``place`` each URL's <pk> names.
PK_OF = {
    "member_leave": "member",
    "agreement_create": "member",
    "agreement_edit": "agreement",
    "agreement_file": "agreement",
    "meeting_detail": "meeting",
    "meeting_edit": "meeting",
    "meeting_hold": "meeting",
    "meeting_cancel": "meeting",
    "meeting_attendance": "meeting",
    "resolution_create": "meeting",
    "meeting_notice": "meeting",
    "meeting_signin": "meeting",
    "resolution_done": "resolution",
    "activity_detail": "activity",
    "activity_edit": "activity",
    "activity_photo": "photo",
}


def _path(name: str, place, code: str = "a") -> str:
    if name == "meetings_ics":
        return reverse("governance:meetings_ics", args=[place["council"].calendar_token])
    if name == "compliance":
        return reverse("governance:compliance")
    if name in PK_OF:
        return reverse(f"governance:{name}", args=[code, place[PK_OF[name]].pk])
    return reverse(f"governance:{name}", args=[code])


MATRIX = [
    pytest.param(name, role, expected, id=f"{name}-{role}")
    for name, row in EXPECTED.items()
    for role, expected in zip(ROLES, row, strict=True)
]


@pytest.mark.parametrize(("name", "role", "expected"), MATRIX)
def test_role_url_matrix(client, world, place, name, role, expected):
    if role != "anonymous":
        client.force_login(world.users[role])
    method = "post" if name in POST_ONLY else "get"
    path = _path(name, place)
    response = getattr(client, method)(path)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected, f"{method.upper()} {path} as {role}"
    if expected == 302:
        assert not response["Location"].startswith(reverse("accounts:login"))

    # A POST changes the row only when it was allowed.
    allowed = expected == 302
    if name == "member_leave":
        place["member"].refresh_from_db()
        assert (place["member"].left_on is not None) == allowed
    if name == "resolution_done":
        place["resolution"].refresh_from_db()
        assert (place["resolution"].status == Resolution.Status.DONE) == allowed
        assert (place["resolution"].done_on is not None) == allowed


@pytest.mark.parametrize("role", ROLES)
def test_calendar_feed_with_a_wrong_token_is_404_for_everyone(client, world, place, role):
    if role != "anonymous":
        client.force_login(world.users[role])
    token = place["council"].calendar_token
    wrong = ("x" if token[0] != "x" else "y") + token[1:]
    response = client.get(reverse("governance:meetings_ics", args=[wrong]))
    assert response.status_code == 404


def test_calendar_feed_with_the_right_token_is_a_calendar(client, world, place):
    response = client.get(_path("meetings_ics", place))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_views_refuse_get(login, world, place, name):
    response = login(world.users["secretary_a"]).get(_path(name, place))
    assert response.status_code == 405
    place["member"].refresh_from_db()
    place["resolution"].refresh_from_db()
    assert place["member"].left_on is None
    assert place["resolution"].status == Resolution.Status.OPEN


# ---------------------------------------------------------------- the rules themselves

# Each permission, asked of community A (view_compliance: of A's subdistrict).
# fmt: off
RULES = {
    #                                  anon   res_a  res_b  work_a sec_a  sec_b  prop_a sub_a  super
    "governance.view_governance":    (False, False, False, True,  True,  False, False, True,  True),
    "governance.manage_governance":  (False, False, False, False, True,  False, False, False, True),
    "governance.view_compliance":    (False, False, False, False, False, False, False, True,  True),
}
# fmt: on


@pytest.mark.parametrize(
    ("perm", "role", "expected"),
    [
        pytest.param(perm, role, expected, id=f"{perm}-{role}")
        for perm, row in RULES.items()
        for role, expected in zip(ROLES, row, strict=True)
    ],
)
def test_rules_per_role(world, perm, role, expected):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if role == "anonymous" else world.users[role]
    target = world.community_a.subdistrict if perm.endswith("compliance") else world.community_a
    assert user.has_perm(perm, target) is expected


def test_no_one_manages_or_reads_b_through_a_role_in_a(world):
    for role in ("worker_a", "secretary_a", "property_a", "subdistrict_a"):
        user = world.users[role]
        assert not user.has_perm("governance.manage_governance", world.community_b)
        assert not user.has_perm("governance.view_governance", world.community_b)


# ---------------------------------------------------------------- object level

# Another community's object asked for under /c/a/…: (URL name, which object of B, method).
FOREIGN = [
    ("member_leave", "member", "post"),
    ("agreement_create", "member", "get"),
    ("agreement_create", "member", "post"),
    ("agreement_edit", "agreement", "get"),
    ("agreement_edit", "agreement", "post"),
    ("agreement_file", "agreement", "get"),
    ("meeting_detail", "meeting", "get"),
    ("meeting_edit", "meeting", "get"),
    ("meeting_edit", "meeting", "post"),
    ("meeting_hold", "meeting", "get"),
    ("meeting_hold", "meeting", "post"),
    ("meeting_cancel", "meeting", "get"),
    ("meeting_cancel", "meeting", "post"),
    ("meeting_attendance", "meeting", "get"),
    ("meeting_attendance", "meeting", "post"),
    ("resolution_create", "meeting", "get"),
    ("resolution_create", "meeting", "post"),
    ("resolution_done", "resolution", "post"),
    ("meeting_notice", "meeting", "get"),
    ("meeting_signin", "meeting", "get"),
    ("activity_detail", "activity", "get"),
    ("activity_detail", "activity", "post"),
    ("activity_edit", "activity", "get"),
    ("activity_edit", "activity", "post"),
    ("activity_photo", "photo", "get"),
]


def _snapshot(place_b) -> dict:
    """Everything about B's council a stray write could change."""
    council = place_b["council"]
    return {
        "members": list(MemberUnit.objects.filter(council=council).values()),
        "agreements": list(Agreement.objects.filter(member__council=council).values()),
        "meetings": list(JointMeeting.objects.filter(council=council).values()),
        "attendance": list(Attendance.objects.filter(meeting__council=council).values()),
        "resolutions": list(Resolution.objects.filter(meeting__council=council).values()),
        "activities": list(JointActivity.objects.filter(council=council).values()),
        "units": list(
            JointActivity.units.through.objects.filter(jointactivity__council=council).values()
        ),
        "photos": list(ActivityPhoto.objects.filter(activity__council=council).values()),
    }


def _hostile_data(name: str, place_b) -> dict:
    """A form that would be valid on B's own pages, so only the scoping can stop it."""
    meeting, member = place_b["meeting"], place_b["member"]
    date = f"{meeting.planned_date:%Y-%m-%d}"
    return {
        "agreement_create": {"signed_on": date, "valid_until": "2099-01-01", "status": "active"},
        "agreement_edit": {"signed_on": date, "valid_until": "2099-01-01", "status": "terminated"},
        "meeting_edit": {"planned_date": date, "location": "改了", "agenda": "改了"},
        "meeting_hold": {"held_at": f"{meeting.planned_date:%Y-%m-%d}T09:00", "minutes": "x"},
        "meeting_cancel": {"cancel_reason": "改期"},
        "meeting_attendance": {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-member": str(member.pk),
            "form-0-present": "on",
        },
        "resolution_create": {"text": "越权", "owner": member.pk, "due_date": "2099-01-01"},
        "activity_edit": {"date": date, "title": "改了", "units": [member.pk], "participants": 1},
        "activity_detail": {"caption": "越权"},
    }.get(name, {})


@pytest.mark.parametrize(
    ("name", "obj", "method"),
    [pytest.param(n, o, m, id=f"{n}-{m}") for n, o, m in FOREIGN],
)
def test_secretary_cannot_reach_another_communitys_objects(
    login, world, place, place_b, name, obj, method
):
    client = login(world.users["secretary_a"])
    before = _snapshot(place_b)
    path = reverse(f"governance:{name}", args=["a", place_b[obj].pk])
    response = getattr(client, method)(path, _hostile_data(name, place_b))
    assert response.status_code == 404
    assert _snapshot(place_b) == before


def test_every_object_url_is_tried_across_communities():
    assert {name for name, _, _ in FOREIGN} == set(PK_OF)


def test_b_objects_under_bs_own_address_are_still_404_for_secretary_a(login, world, place_b):
    client = login(world.users["secretary_a"])
    response = client.get(reverse("governance:meeting_detail", args=["b", place_b["meeting"].pk]))
    assert response.status_code == 404


# ---------------------------------------------------------------- the area roll-up


def test_rollup_lists_only_councils_beneath_the_viewer(login, world, place, place_b):
    response = login(world.users["subdistrict_a"]).get(reverse("governance:compliance"))
    assert response.status_code == 200
    listed = [council.pk for council, _standing in response.context["rows"]]
    assert listed == [place["council"].pk]
    assert response.context["totals"]["total"] == 1
    body = response.content.decode()
    assert world.community_a.name in body
    assert world.community_b.name not in body
    assert place_b["council"].name not in body


def test_rollup_for_the_superuser_lists_every_council(login, world, place, place_b):
    response = login(world.users["superuser"]).get(reverse("governance:compliance"))
    listed = {council.pk for council, _standing in response.context["rows"]}
    assert listed == {place["council"].pk, place_b["council"].pk}


# ---------------------------------------------------------------- no council yet


@pytest.mark.parametrize(
    ("role", "expected"),
    [("secretary_a", 302), ("worker_a", 200), ("subdistrict_a", 200)],
)
def test_council_page_without_a_council(login, world, role, expected):
    response = login(world.users[role]).get(reverse("governance:council", args=["a"]))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == reverse("governance:council_setup", args=["a"])
    else:
        assert response.context["no_council"] is True


@pytest.mark.parametrize("name", ["meeting_list", "activity_list", "meeting_create"])
def test_council_subpages_without_a_council_are_404(login, world, name):
    response = login(world.users["secretary_a"]).get(reverse(f"governance:{name}", args=["a"]))
    assert response.status_code == 404
