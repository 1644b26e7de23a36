"""Who gets what from every page: a role × URL matrix, then object-level checks.

The matrix is written out by hand so a reader can check each cell against the rules in
``communities/rules.py`` and ``communities/mixins.py``:

- anonymous visitors are sent to the login page from every private page;
- a user with no tie to community A (resident_b, secretary_b) gets 404 for every
  ``/c/a/…`` address, so another community's pages look like ones that don't exist;
- a user with a tie but without the permission gets 403.
"""

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse

from accounts import urls as account_urls
from communities import roster
from communities.models import (
    Building,
    Community,
    CommunityRole,
    Entrance,
    Household,
    Resident,
)
from communities.views import PENDING_IMPORTS
from portal import urls as portal_urls
from tests.factories import (
    PASSWORD,
    BuildingFactory,
    ResidentFactory,
    UserFactory,
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

# A 302 to the login page (as opposed to any other redirect); logging out ends there too.
LOGIN = "login"

# Rows: URL name → expected response, one column per role in ROLES order.
# fmt: off
EXPECTED = {
    #                                      anon   res_a res_b work_a sec_a sec_b prop_a sub_a super
    "home":                               (200,   302,  302,  302,   302,  302,  302,   302,  302),
    "accounts:login":                     (200,   302,  302,  302,   302,  302,  302,   302,  302),
    "accounts:logout":                    (LOGIN,) * len(ROLES),  # everyone, logged in or not
    "accounts:password_change":           (LOGIN, 200,  200,  200,   200,  200,  200,   200,  200),
    "accounts:elder_mode":                (302,) * len(ROLES),  # everyone: back to the page
    "communities:me":                     (LOGIN, 200,  200,  200,   200,  200,  200,   200,  200),
    "communities:register":               (200,   302,  302,  302,   302,  302,  302,   302,  302),
    "communities:register_options":       (200,   200,  200,  200,   200,  200,  200,   200,  200),
    "communities:area":                   (LOGIN, 403,  403,  403,   403,  403,  403,   200,  200),
    "communities:role_home":              (LOGIN, 200,  404,  200,   200,  404,  200,   200,  200),
    # Roster pages: office staff and the subdistrict above may read.
    "communities:dashboard":              (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "communities:building_list":          (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "communities:building_detail":        (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "communities:household_list":         (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "communities:household_detail":       (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "communities:resident_list":          (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "communities:resident_detail":        (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    # Writes to the roster: office staff only; area staff read but never write.
    "communities:building_create":        (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "communities:building_edit":          (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "communities:entrance_create":        (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "communities:entrance_edit":          (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "communities:household_create":       (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "communities:household_edit":         (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "communities:resident_create":        (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "communities:resident_edit":          (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "communities:resident_link_account":  (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "communities:resident_move_out":      (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "communities:resident_move_back":     (LOGIN, 403,  404,  302,   302,  404,  403,   403,  302),
    "communities:compound_create":        (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "communities:compound_edit":          (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "communities:roster_delete":          (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "communities:verification":           (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "communities:verification_decide":    (LOGIN, 403,  404,  302,   302,  404,  403,   403,  302),
    "communities:roster_import":          (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    # The preview of a file checked in this session (the matrix stores one for each role).
    "communities:roster_import_preview":  (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    # The roster file: area staff download it too (numbers masked; see tests/audit).
    "communities:roster_export":          (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    "communities:roster_template":        (LOGIN, 403,  404,  200,   200,  404,  403,   200,  200),
    # Secretaries only: the community's profile, a resident's password, who holds a role.
    "communities:profile_edit":           (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    "communities:resident_reset_password": (LOGIN, 403, 404,  403,   200,  404,  403,   403,  200),
    "communities:role_list":              (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    "communities:role_assign":            (LOGIN, 403,  404,  403,   200,  404,  403,   403,  200),
    "communities:role_end":               (LOGIN, 403,  404,  403,   302,  404,  403,   403,  302),
}
# fmt: on

# Views that only accept POST; everything else is requested with GET.
POST_ONLY = {
    "accounts:logout",
    "accounts:elder_mode",
    "communities:verification_decide",
    "communities:role_end",
    "communities:resident_move_back",
}
PREVIEW_TOKEN = "matrix-preview-token"


def _url_names(module) -> set[str]:
    return {f"{module.app_name}:{p.name}" for p in module.urlpatterns if p.name}


def test_matrix_covers_every_url_name():
    """A new URL must get a row here before it ships."""
    names = _url_names(portal_urls) | _url_names(account_urls) | {"home"}
    assert set(EXPECTED) == names


@pytest.fixture
def place(world):
    """Objects of community A for URL arguments, plus a registration awaiting verification."""
    household = world.household_a
    applicant = ResidentFactory(
        household=household,
        name="申请人",
        user=UserFactory(display_name="申请人"),
        verification_status=Resident.Verification.PENDING,
        verified_at=None,
    )
    former = ResidentFactory(household=household, name="已迁出的人")
    Resident.objects.filter(pk=former.pk).update(moved_out_on=dt.date(2026, 1, 5))
    return {
        "community": world.community_a,
        "former": former,
        "building": household.entrance.building,
        "entrance": household.entrance,
        "household": household,
        "applicant": applicant,
        "role": CommunityRole.objects.get(user=world.users["worker_a"]),
        "compound": world.community_a.compounds.create(name="一期"),
    }


def _request_for(name: str, place) -> tuple[str, str, dict]:
    """(method, path, query or form data) for a URL name, built from community A's objects."""
    code = place["community"].code
    pk_of = {
        "building_detail": "building",
        "building_edit": "building",
        "entrance_edit": "entrance",
        "household_detail": "household",
        "household_edit": "household",
        "resident_detail": "applicant",
        "resident_edit": "applicant",
        "resident_link_account": "applicant",
        "resident_reset_password": "applicant",
        "resident_move_out": "applicant",
        "resident_move_back": "former",
        "role_end": "role",
        "compound_edit": "compound",
    }
    short = name.split(":")[-1]
    data: dict = {}
    no_args = {"home", "communities:me", "communities:register", "communities:area"}
    if name in no_args or name.startswith("accounts:"):
        args = []
    elif short == "register_options":
        args = []
        data = {"level": "building", "parent": place["community"].pk}
    elif short in pk_of:
        args = [code, place[pk_of[short]].pk]
    elif short == "roster_delete":
        args = [code, "residents", place["applicant"].pk]
    elif short == "verification_decide":
        args = [code, place["applicant"].pk, "approve"]
    elif short in ("roster_export", "roster_template"):
        args = [code, "csv"]
    elif short == "roster_import_preview":
        args = [code, PREVIEW_TOKEN]
    else:
        args = [code]
    method = "post" if name in POST_ONLY else "get"
    return method, reverse(name, args=args), data


MATRIX = [
    pytest.param(name, role, expected, id=f"{name}-{role}")
    for name, row in EXPECTED.items()
    for role, expected in zip(ROLES, row, strict=True)
]


@pytest.mark.parametrize(("name", "role", "expected"), MATRIX)
def test_role_url_matrix(client, world, place, name, role, expected):
    if role != "anonymous":
        client.force_login(world.users[role])
        if name == "communities:roster_import_preview":
            _store_preview(client, place["community"])
    method, path, data = _request_for(name, place)
    response = getattr(client, method)(path, data)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        if name == "accounts:logout":
            assert "_auth_user_id" not in client.session
        return
    assert response.status_code == expected, f"{method.upper()} {path} as {role}"
    if expected == 302:
        assert not response["Location"].startswith(reverse("accounts:login"))
    if name == "communities:verification_decide":
        # Only an allowed decision may change the row; a refused one leaves it pending.
        place["applicant"].refresh_from_db()
        approved = place["applicant"].verification_status == Resident.Verification.VERIFIED
        assert approved == (expected == 302)
    if name == "communities:role_end":
        place["role"].refresh_from_db()
        assert (place["role"].end_date is not None) == (expected == 302)
    if name == "communities:resident_move_back":
        place["former"].refresh_from_db()
        assert (place["former"].moved_out_on is None) == (expected == 302)
    if name == "communities:roster_import_preview" and expected == 200:
        assert response.context["plan"].household_counts["new"] == 1


def _store_preview(client, community):
    """Put a checked one-row file in the client's session, as the upload step does."""
    row = roster.RosterRow(
        2, "1号楼", community.buildings.get().entrances.get().name, "909", Decimal("50.00"), "owner"
    )
    session = client.session
    session[PENDING_IMPORTS] = {
        PREVIEW_TOKEN: {
            "community": community.pk,
            "file_name": "r.csv",
            "sha256": "",
            "create_places": False,
            "rows": [row.to_json()],
            "skipped": [],
            "at": time.time(),
        }
    }
    session.save()


# Where each role lands from "/": office staff on their dashboard, area staff and
# superusers on the area overview, property managers on their role page, residents at home.
HOME_TARGETS = {
    "resident_a": ("communities:me", []),
    "resident_b": ("communities:me", []),
    "worker_a": ("communities:dashboard", ["a"]),
    "secretary_a": ("communities:dashboard", ["a"]),
    "secretary_b": ("communities:dashboard", ["b"]),
    "property_a": ("communities:role_home", ["a"]),
    "subdistrict_a": ("communities:area", []),
    "superuser": ("communities:area", []),
}


@pytest.mark.parametrize("role", sorted(HOME_TARGETS))
def test_home_sends_each_role_to_its_start_page(client, world, role):
    client.force_login(world.users[role])
    name, args = HOME_TARGETS[role]
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(name, args=args)


def test_area_overview_lists_only_communities_beneath_the_user(client, world):
    client.force_login(world.users["subdistrict_a"])
    response = client.get(reverse("communities:area"))
    assert response.status_code == 200
    assert [c.code for c in response.context["communities"]] == ["a"]
    assert world.community_b.name not in response.content.decode()


def test_unknown_community_code_is_404_even_for_superuser(client, world):
    client.force_login(world.users["superuser"])
    assert client.get(reverse("communities:dashboard", args=["nowhere"])).status_code == 404


# ---------------------------------------------------------------- object level


@pytest.fixture
def foreign(world):
    """Community B's objects, with a B resident who has an account."""
    household = world.household_b
    return {
        "building": household.entrance.building,
        "entrance": household.entrance,
        "household": household,
        "resident": world.users["resident_b"].resident,
    }


OBJECT_URLS = [
    ("communities:building_detail", "building"),
    ("communities:building_edit", "building"),
    ("communities:entrance_edit", "entrance"),
    ("communities:household_detail", "household"),
    ("communities:household_edit", "household"),
    ("communities:resident_detail", "resident"),
    ("communities:resident_edit", "resident"),
    ("communities:resident_link_account", "resident"),
    ("communities:resident_reset_password", "resident"),
]


@pytest.mark.parametrize(("name", "kind"), OBJECT_URLS)
def test_secretary_gets_404_for_another_communitys_object_under_own_code(
    client, world, foreign, name, kind
):
    client.force_login(world.users["secretary_a"])
    response = client.get(reverse(name, args=["a", foreign[kind].pk]))
    assert response.status_code == 404
    body = response.content.decode()
    assert world.community_b.name not in body
    assert "居民乙" not in body


@pytest.mark.parametrize("decision", ["approve", "reject"])
@pytest.mark.parametrize("code", ["a", "b"])
def test_foreign_secretary_cannot_decide_a_registration(client, world, place, code, decision):
    """secretary_b, at A's address or at B's own, cannot approve or reject A's applicant."""
    applicant = place["applicant"]
    client.force_login(world.users["secretary_b"])
    response = client.post(
        reverse("communities:verification_decide", args=[code, applicant.pk, decision]),
        {"reason": "查无此人"},
    )
    assert response.status_code == 404
    applicant.refresh_from_db()
    assert applicant.verification_status == Resident.Verification.PENDING
    assert applicant.verified_by is None
    assert applicant.rejection_reason == ""


@pytest.mark.parametrize("code", ["a", "b"])
def test_foreign_secretary_cannot_reset_a_password(client, world, code):
    victim = world.users["resident_a"]
    client.force_login(world.users["secretary_b"])
    response = client.post(
        reverse("communities:resident_reset_password", args=[code, victim.resident.pk])
    )
    assert response.status_code == 404
    victim.refresh_from_db()
    assert check_password(PASSWORD, victim.password)
    assert victim.must_change_password is False


@pytest.mark.parametrize("code", ["a", "b"])
def test_foreign_secretary_cannot_end_a_role(client, world, code):
    role = CommunityRole.objects.get(user=world.users["worker_a"])
    client.force_login(world.users["secretary_b"])
    response = client.post(reverse("communities:role_end", args=[code, role.pk]))
    assert response.status_code == 404
    role.refresh_from_db()
    assert role.end_date is None


def test_own_secretary_can_reset_a_password(client, world):
    """The counterpart of the test above, so its 'nothing changed' can be trusted."""
    victim = world.users["resident_a"]
    client.force_login(world.users["secretary_a"])
    response = client.post(
        reverse("communities:resident_reset_password", args=["a", victim.resident.pk])
    )
    assert response.status_code == 302
    victim.refresh_from_db()
    assert not check_password(PASSWORD, victim.password)
    assert victim.must_change_password is True


def test_foreign_secretary_cannot_edit_profile_or_roster(client, world, place):
    client.force_login(world.users["secretary_b"])
    building = place["building"]
    responses = [
        client.post(reverse("communities:profile_edit", args=["a"]), {"name": "被改了"}),
        client.post(
            reverse("communities:building_edit", args=["b", building.pk]), {"name": "被改了"}
        ),
    ]
    assert [r.status_code for r in responses] == [404, 404]
    assert Community.objects.get(code="a").name == "双合家园"
    assert Building.objects.get(pk=building.pk).name == "1号楼"


def test_office_cannot_file_rows_under_another_communitys_parent(client, world, foreign):
    """Create forms offer only the community's own buildings, entrances and households."""
    client.force_login(world.users["secretary_a"])
    before = (Entrance.objects.count(), Household.objects.count(), Resident.objects.count())
    responses = [
        client.post(
            reverse("communities:entrance_create", args=["a"]),
            {"building": foreign["building"].pk, "name": "9单元"},
        ),
        client.post(
            reverse("communities:household_create", args=["a"]),
            {
                "entrance": foreign["entrance"].pk,
                "room": "999",
                "floor_area": "50",
                "tenure": "owner",
            },
        ),
        client.post(
            reverse("communities:resident_create", args=["a"]),
            {"household": foreign["household"].pk, "name": "混入者"},
        ),
    ]
    # The form is shown again with an error on the parent field.
    assert [r.status_code for r in responses] == [200, 200, 200]
    for response, field in zip(responses, ["building", "entrance", "household"], strict=True):
        assert field in response.context["form"].errors
    after = (Entrance.objects.count(), Household.objects.count(), Resident.objects.count())
    assert after == before


def test_foreign_building_is_not_offered_in_the_entrance_form(client, world):
    other = BuildingFactory(community=world.community_b, name="B座")
    client.force_login(world.users["secretary_a"])
    response = client.get(reverse("communities:entrance_create", args=["a"]))
    choices = list(response.context["form"].fields["building"].queryset)
    assert other not in choices
    assert world.household_a.entrance.building in choices


# ---------------------------------------------------------------- known gaps


@pytest.mark.parametrize("victim_role", ["secretary_b", "superuser"])
def test_secretary_cannot_take_over_a_privileged_account_living_here(client, world, victim_role):
    victim = world.users[victim_role]
    home = ResidentFactory(
        household=world.household_a, name="住在A的干部", user=victim, phone=victim.phone
    )
    client.force_login(world.users["secretary_a"])
    client.post(reverse("communities:resident_reset_password", args=["a", home.pk]))
    victim.refresh_from_db()
    assert check_password(PASSWORD, victim.password)
    assert victim.must_change_password is False


def test_office_cannot_capture_someone_elses_account_by_phone(client, world):
    recorded = ResidentFactory(household=world.household_a, name="无账号居民", user=None)
    target = world.users["superuser"]
    client.force_login(world.users["worker_a"])
    client.post(
        reverse("communities:resident_link_account", args=["a", recorded.pk]),
        {"phone": target.phone},
    )
    recorded.refresh_from_db()
    assert recorded.user_id != target.pk
