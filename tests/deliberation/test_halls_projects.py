"""Halls, representatives, sessions and practical projects: who may reach each page (a
role × URL table), what each form accepts and refuses, how a project drives its
proposal to "in implementation" and "completed", that another community's objects are
404, that list pages cost the same number of queries at two sizes, and that the demo
seed can run twice.

Requests ask for English so the messages checked here are the source strings.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from communities.models import Community, Resident
from deliberation import project_services
from deliberation import urls as deliberation_urls
from deliberation.models import (
    Ballot,
    BallotResult,
    Hall,
    Milestone,
    Participation,
    Project,
    ProjectPhoto,
    Proposal,
    ProposalEvent,
    Representative,
    Session,
    SessionPhoto,
)
from deliberation.views import halls as hall_views
from deliberation.views import projects as project_views
from governance.models import Organisation
from tests.deliberation.factories import ProposalFactory, category
from tests.factories import (
    BuildingFactory,
    HouseholdFactory,
    ResidentFactory,
)
from tests.governance.council_factories import OrganisationFactory, png_bytes

S = Proposal.Status
PS = Project.Status

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
LOGIN = "login"

# Rows: URL name → expected response, one column per role in ROLES order. Reads follow
# ``deliberation.view`` (office, area staff above, verified residents and representatives
# of the community); writes follow ``deliberation.manage`` (the office: secretary,
# deputy and workers). A user with no tie to community A gets 404 for every /c/a/ page.
# fmt: off
EXPECTED = {
    #                          anon   res_a res_b work_a sec_a sec_b prop_a sub_a super
    "hall_list":             (LOGIN, 200,  404,  200,   200,  404,  403,   200,  200),
    "session_list":          (LOGIN, 200,  404,  200,   200,  404,  403,   200,  200),
    "session_detail":        (LOGIN, 200,  404,  200,   200,  404,  403,   200,  200),
    "session_photo":         (LOGIN, 200,  404,  200,   200,  404,  403,   200,  200),
    "representative_list":   (LOGIN, 200,  404,  200,   200,  404,  403,   200,  200),
    "project_list":          (LOGIN, 200,  404,  200,   200,  404,  403,   200,  200),
    "project_detail":        (LOGIN, 200,  404,  200,   200,  404,  403,   200,  200),
    "project_photo":         (LOGIN, 200,  404,  200,   200,  404,  403,   200,  200),
    "hall_create":           (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "hall_edit":             (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "session_create":        (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "session_edit":          (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "representative_create": (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "project_create":        (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "project_edit":          (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "milestone_create":      (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
    "milestone_done":        (LOGIN, 403,  404,  302,   302,  404,  403,   403,  302),
    # The area roll-up: area staff and the superuser.
    "area_projects":         (LOGIN, 403,  403,  403,   403,  403,  403,   200,  200),
}
# fmt: on
POST_ONLY = {"milestone_done"}

# Which object of ``place`` each URL's <pk> names.
PK_OF = {
    "hall_edit": "hall",
    "session_detail": "session",
    "session_edit": "session",
    "session_photo": "session_photo",
    "project_create": "passed",
    "project_detail": "project",
    "project_edit": "project",
    "milestone_create": "project",
    "milestone_done": "milestone",
    "project_photo": "project_photo",
}


def _png(colour: str = "green") -> bytes:
    return png_bytes(colour)


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "blue").save(buffer, format="GIF")
    return buffer.getvalue()


def _resident(community, name: str, **kwargs) -> Resident:
    household = HouseholdFactory(entrance__building__community=community)
    return ResidentFactory(household=household, name=name, **kwargs)


def _objects(community, secretary, tag: str) -> dict:
    """One of everything the URLs point at, in ``community``."""
    hall = Hall.objects.create(community=community, name=f"移动议事厅{tag}")
    passed = ProposalFactory(community=community, status=S.PASSED, title=f"已通过{tag}")
    running = ProposalFactory(community=community, status=S.IN_IMPLEMENTATION, title=f"实施中{tag}")
    session = Session.objects.create(
        community=community,
        hall=hall,
        starts_at=timezone.now() - dt.timedelta(days=2),
        place="5号楼下",
        host=secretary,
    )
    session.agenda.add(passed)
    session_photo = SessionPhoto.objects.create(
        session=session, image=ContentFile(_png(), name="session.png")
    )
    project = Project.objects.create(proposal=running, community=community, title=f"项目{tag}")
    milestone = Milestone.objects.create(project=project, title="施工", due_on=timezone.localdate())
    project_photo = ProjectPhoto.objects.create(
        project=project, image=ContentFile(_png("red"), name="project.png")
    )
    return {
        "community": community,
        "hall": hall,
        "passed": passed,
        "running": running,
        "session": session,
        "session_photo": session_photo,
        "project": project,
        "milestone": milestone,
        "project_photo": project_photo,
    }


@pytest.fixture
def place(world):
    return _objects(world.community_a, world.users["secretary_a"], "A")


@pytest.fixture
def place_b(world):
    return _objects(world.community_b, world.users["secretary_b"], "B")


def _path(name: str, objects: dict, code: str = "a") -> str:
    if name == "area_projects":
        return reverse("deliberation:area_projects")
    if name in PK_OF:
        return reverse(f"deliberation:{name}", args=[code, objects[PK_OF[name]].pk])
    return reverse(f"deliberation:{name}", args=[code])


def url(name: str, *args) -> str:
    return reverse(f"deliberation:{name}", args=["a", *args])


@pytest.fixture
def secretary(login, world):
    client = login(world.users["secretary_a"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# ---------------------------------------------------------------- the matrix


def _names_of_views_in(*modules) -> set[str]:
    names = {m.__name__ for m in modules}
    return {
        p.name
        for p in deliberation_urls.urlpatterns
        if p.name and p.callback.view_class.__module__ in names
    }


def test_matrix_covers_every_hall_and_project_url_name():
    """A new hall or project URL must get a row here before it ships."""
    assert set(EXPECTED) == _names_of_views_in(hall_views, project_views)


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
    if name == "milestone_done":
        place["milestone"].refresh_from_db()
        assert (place["milestone"].done_on is not None) == (expected == 302)


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_views_refuse_get(secretary, place, name):
    response = secretary.get(_path(name, place))
    assert response.status_code == 405
    place["milestone"].refresh_from_db()
    assert place["milestone"].done_on is None


# Who may write through the pages' POSTs (photo uploads on the detail pages, the forms).
# fmt: off
WRITES = {
    #                 res_a  work_a sec_a  prop_a sub_a  super
    "hall_create":   (403,   302,   302,   403,   403,   302),
    "session_photo": (403,   302,   302,   403,   403,   302),
    "project_photo": (403,   302,   302,   403,   403,   302),
}
# fmt: on
WRITERS = ("resident_a", "worker_a", "secretary_a", "property_a", "subdistrict_a", "superuser")


@pytest.mark.parametrize(
    ("kind", "role", "expected"),
    [
        pytest.param(kind, role, expected, id=f"{kind}-{role}")
        for kind, row in WRITES.items()
        for role, expected in zip(WRITERS, row, strict=True)
    ],
)
def test_only_the_office_writes(client, world, place, kind, role, expected):
    client.force_login(world.users[role])
    if kind == "hall_create":
        response = client.post(url("hall_create"), {"name": "凉亭议事点", "kind": "mobile"})
        written = Hall.objects.filter(name="凉亭议事点").exists()
    elif kind == "session_photo":
        upload = SimpleUploadedFile("合影.png", _png("yellow"), content_type="image/png")
        before = SessionPhoto.objects.count()
        response = client.post(url("session_detail", place["session"].pk), {"image": upload})
        written = SessionPhoto.objects.count() > before
    else:
        upload = SimpleUploadedFile("工地.png", _png("yellow"), content_type="image/png")
        before = ProjectPhoto.objects.count()
        response = client.post(url("project_detail", place["project"].pk), {"image": upload})
        written = ProjectPhoto.objects.count() > before
    assert response.status_code == expected
    assert written == (expected == 302)


# ---------------------------------------------------------------- another community's ids

FOREIGN = sorted(PK_OF)


@pytest.mark.parametrize("name", FOREIGN)
@pytest.mark.parametrize("role", ["secretary_a", "superuser"])
def test_another_communitys_objects_are_404_under_this_community(
    client, world, place, place_b, name, role
):
    """/c/a/… with an id of community B's object: 404, and nothing changes."""
    client.force_login(world.users[role])
    method = "post" if name in POST_ONLY else "get"
    response = getattr(client, method)(_path(name, place_b, code="a"))
    assert response.status_code == 404
    place_b["milestone"].refresh_from_db()
    assert place_b["milestone"].done_on is None


def test_posting_to_another_communitys_objects_is_404(secretary, place, place_b):
    project_b, proposal_b = place_b["project"], place_b["passed"]
    assert secretary.post(url("project_create", proposal_b.pk), {"title": "x"}).status_code == 404
    assert (
        secretary.post(
            url("project_edit", project_b.pk), {"title": "x", "status": "planned", "progress": 5}
        ).status_code
        == 404
    )
    assert (
        secretary.post(
            url("milestone_create", project_b.pk), {"title": "x", "due_on": "2026-01-01"}
        ).status_code
        == 404
    )
    assert secretary.post(url("hall_edit", place_b["hall"].pk), {"name": "x"}).status_code == 404
    proposal_b.refresh_from_db()
    project_b.refresh_from_db()
    assert proposal_b.status == S.PASSED and not Project.objects.filter(proposal=proposal_b)
    assert project_b.title == "项目B" and project_b.milestones.count() == 1
    assert Hall.objects.get(pk=place_b["hall"].pk).name == "移动议事厅B"


# ---------------------------------------------------------------- halls


def test_add_and_edit_a_hall(secretary, world):
    response = secretary.post(
        url("hall_create"), {"name": "移动议事厅", "kind": "mobile", "usual_place": "绿地凉亭"}
    )
    assert response.status_code == 302
    hall = Hall.objects.get(community=world.community_a)
    assert (hall.name, hall.kind, hall.usual_place, hall.is_active) == (
        "移动议事厅",
        "mobile",
        "绿地凉亭",
        False,  # an unticked box is "inactive"
    )
    response = secretary.post(
        url("hall_edit", hall.pk),
        {"name": "社区议事厅", "kind": "fixed", "usual_place": "", "is_active": "on"},
    )
    assert response.status_code == 302
    hall.refresh_from_db()
    assert (hall.name, hall.kind, hall.is_active) == ("社区议事厅", "fixed", True)
    page = secretary.get(url("hall_list"))
    assert "社区议事厅" in page.content.decode()


def test_two_halls_of_one_community_cannot_share_a_name(secretary, place):
    response = secretary.post(url("hall_create"), {"name": place["hall"].name, "kind": "fixed"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "This community already has a hall of that name."
    ]
    assert Hall.objects.filter(name=place["hall"].name).count() == 1


# ---------------------------------------------------------------- representatives


def _term(resident, start="2024-01-15", end="2027-01-14") -> dict:
    return {"resident": resident.pk, "elected_on": start, "term_ends_on": end}


def test_office_adds_a_representative_and_the_list_shows_current_and_past(secretary, world):
    today = timezone.localdate()
    resident = Resident.objects.get(user=world.users["resident_a"])
    start, end = today - dt.timedelta(days=30), today + dt.timedelta(days=1000)
    response = secretary.post(
        url("representative_create"), _term(resident, start.isoformat(), end.isoformat())
    )
    assert response.status_code == 302
    term = Representative.objects.get(resident=resident)
    assert term.community == world.community_a
    assert (term.elected_on, term.term_ends_on) == (start, end)

    old = _resident(world.community_a, "老代表")
    Representative.objects.create(
        community=world.community_a,
        resident=old,
        elected_on=today - dt.timedelta(days=2000),
        term_ends_on=today - dt.timedelta(days=1),
    )
    response = secretary.get(url("representative_list"))
    assert [r.resident.name for r in response.context["current"]] == ["居民甲"]
    assert [r.resident.name for r in response.context["page_obj"]] == ["老代表"]


def test_representative_search_finds_residents_without_saving(secretary, world):
    target = _resident(world.community_a, "张桂兰")
    _resident(world.community_b, "张桂英")  # another community: never offered
    response = secretary.post(
        url("representative_create"), {"find": "张桂", "search": "1", "elected_on": "2024-01-15"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound and not form.errors
    offered = [value for value, _label in form.fields["resident"].widget.choices]
    assert offered == [target.pk]
    assert form.initial["elected_on"] == "2024-01-15"
    # The browser must let "Search" through before the required fields are filled in.
    assert 'formnovalidate="formnovalidate" name="search"' in response.content.decode()
    assert not Representative.objects.exists()


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("another_community", "resident"),
        ("unverified", "resident"),
        ("term_ends_before_it_starts", "term_ends_on"),
        ("term_ends_on_the_day_it_starts", "term_ends_on"),
        ("overlapping_term", "resident"),
    ],
)
def test_bad_representative_is_refused_on_its_field(secretary, world, case, field):
    resident = Resident.objects.get(user=world.users["resident_a"])
    data = _term(resident)
    if case == "another_community":
        data["resident"] = Resident.objects.get(user=world.users["resident_b"]).pk
    elif case == "unverified":
        pending = _resident(
            world.community_a,
            "待审核",
            verification_status=Resident.Verification.PENDING,
            verified_at=None,
        )
        data["resident"] = pending.pk
    elif case == "term_ends_before_it_starts":
        data["term_ends_on"] = "2023-12-31"
    elif case == "term_ends_on_the_day_it_starts":
        data["term_ends_on"] = data["elected_on"]
    else:
        Representative.objects.create(
            community=world.community_a,
            resident=resident,
            elected_on=dt.date(2023, 1, 1),
            term_ends_on=dt.date(2025, 1, 1),
        )
    before = Representative.objects.count()
    response = secretary.post(url("representative_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert Representative.objects.count() == before


def test_representative_service_refuses_a_resident_of_another_community(world):
    from deliberation.hall_services import representative_add

    outsider = Resident.objects.get(user=world.users["resident_b"])
    with pytest.raises(ValidationError) as caught:
        representative_add(
            community=world.community_a,
            resident=outsider,
            elected_on=dt.date(2024, 1, 1),
            term_ends_on=dt.date(2027, 1, 1),
        )
    assert "resident" in caught.value.error_dict
    assert not Representative.objects.exists()


# ---------------------------------------------------------------- sessions


def _session_data(world, **overrides) -> dict:
    data = {
        "starts_at": "2026-05-20T19:00",
        "place": "5号楼下",
        "host": world.users["secretary_a"].pk,
        "minutes": "居民同意建充电棚。",
    }
    data.update(overrides)
    return data


def test_session_form_offers_current_representatives_and_defaults_the_host(secretary, world):
    today = timezone.localdate()
    rep = _resident(world.community_a, "代表甲")
    past = _resident(world.community_a, "前代表")
    Representative.objects.create(
        community=world.community_a,
        resident=rep,
        elected_on=today - dt.timedelta(days=10),
        term_ends_on=today + dt.timedelta(days=300),
    )
    Representative.objects.create(
        community=world.community_a,
        resident=past,
        elected_on=today - dt.timedelta(days=900),
        term_ends_on=today - dt.timedelta(days=1),
    )
    response = secretary.get(url("session_create"))
    form = response.context["form"]
    offered = [value for value, _label in form.fields["attendees"].widget.choices]
    assert offered == [rep.pk]
    assert form["host"].value() == world.users["secretary_a"].pk
    hosts = set(form.fields["host"].queryset)
    # The office of A may host; a secretary of B may not.
    assert world.users["worker_a"] in hosts and world.users["secretary_b"] not in hosts


def test_record_a_session_with_agenda_attendance_and_a_photo(secretary, world, place):
    resident = Resident.objects.get(user=world.users["resident_a"])
    building = world.household_a.entrance.building
    # Search for a resident first: the page comes back, nothing is saved yet.
    data = _session_data(
        world,
        hall=place["hall"].pk,
        building=building.pk,
        agenda=[place["passed"].pk],
        find="居民甲",
        search="1",
    )
    response = secretary.post(url("session_create"), data)
    assert response.status_code == 200
    assert Session.objects.count() == 1  # only place's
    offered = [v for v, _ in response.context["form"].fields["attendees"].widget.choices]
    assert resident.pk in offered

    data.pop("search")
    data["attendees"] = [resident.pk]
    response = secretary.post(url("session_create"), data)
    assert response.status_code == 302
    session = Session.objects.exclude(pk=place["session"].pk).get()
    assert response["Location"] == url("session_detail", session.pk)
    assert session.community == world.community_a
    assert session.host == world.users["secretary_a"]
    assert (session.place, session.building, session.hall) == ("5号楼下", building, place["hall"])
    assert list(session.agenda.all()) == [place["passed"]]
    assert list(session.attendees.all()) == [resident]

    detail = secretary.get(url("session_detail", session.pk))
    assert detail.context["attendee_count"] == 1
    proposal_link = reverse("deliberation:proposal_detail", args=["a", place["passed"].pk])
    assert proposal_link in detail.content.decode()

    picture = _png("purple")
    upload = SimpleUploadedFile("议事.png", picture, content_type="image/png")
    response = secretary.post(url("session_detail", session.pk), {"image": upload})
    assert response.status_code == 302
    photo = SessionPhoto.objects.get(session=session)
    served = secretary.get(url("session_photo", photo.pk))
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == picture


def test_edit_a_session_keeps_its_community_and_replaces_the_agenda(secretary, world, place):
    session = place["session"]
    data = _session_data(world, place="绿地凉亭", agenda=[place["running"].pk])
    response = secretary.post(url("session_edit", session.pk), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.place == "绿地凉亭"
    assert session.hall is None
    assert list(session.agenda.all()) == [place["running"]]


@pytest.mark.parametrize("field", ["building", "hall", "agenda", "attendees", "host"])
def test_session_refuses_objects_of_another_community(secretary, world, place, place_b, field):
    foreign = {
        "building": BuildingFactory(community=world.community_b).pk,
        "hall": place_b["hall"].pk,
        "agenda": [place_b["passed"].pk],
        "attendees": [Resident.objects.get(user=world.users["resident_b"]).pk],
        "host": world.users["secretary_b"].pk,
    }[field]
    response = secretary.post(url("session_create"), _session_data(world, **{field: foreign}))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert Session.objects.filter(community=world.community_a).count() == 1


def test_session_service_refuses_a_building_of_another_community(world, place):
    from deliberation.hall_services import session_save

    session = Session(
        community=world.community_a,
        starts_at=timezone.now(),
        place="楼下",
        host=world.users["secretary_a"],
        building=BuildingFactory(community=world.community_b),
    )
    with pytest.raises(ValidationError) as caught:
        session_save(session=session)
    assert "building" in caught.value.error_dict
    assert session.pk is None


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("合影.png", b"this is not a picture", "image/png"),
        ("合影.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        ("合影.gif", _gif(), "image/gif"),  # a real picture, but neither JPG nor PNG
    ],
)
def test_photo_that_is_not_a_jpg_or_png_is_refused(secretary, place, name, content, content_type):
    before = (SessionPhoto.objects.count(), ProjectPhoto.objects.count())
    for page, pk in (
        ("session_detail", place["session"].pk),
        ("project_detail", place["project"].pk),
    ):
        upload = SimpleUploadedFile(name, content, content_type=content_type)
        response = secretary.post(url(page, pk), {"image": upload})
        assert response.status_code == 200
        assert response.context["photo_form"].errors.get("image")
    assert (SessionPhoto.objects.count(), ProjectPhoto.objects.count()) == before


def test_photo_over_the_size_limit_is_refused(secretary, place, settings):
    settings.PHOTO_MAX_BYTES = 10
    upload = SimpleUploadedFile("合影.png", _png(), content_type="image/png")
    response = secretary.post(url("session_detail", place["session"].pk), {"image": upload})
    assert response.status_code == 200
    assert response.context["photo_form"].errors["image"] == ["The photo is larger than 5 MB."]
    assert SessionPhoto.objects.count() == 1


def test_session_list_filters_by_date_range_and_hall(secretary, world, place):
    other_hall = Hall.objects.create(community=world.community_a, name="议事厅")
    tz = timezone.get_current_timezone()
    for day, hall in ((1, other_hall), (10, other_hall), (20, place["hall"])):
        Session.objects.create(
            community=world.community_a,
            hall=hall,
            starts_at=dt.datetime(2025, 3, day, 19, tzinfo=tz),
            place=f"3月{day}日",
            host=world.users["secretary_a"],
        )
    response = secretary.get(
        url("session_list"), {"starts_from": "2025-03-05", "starts_until": "2025-03-31"}
    )
    assert [s.place for s in response.context["page_obj"]] == ["3月20日", "3月10日"]
    response = secretary.get(
        url("session_list"), {"starts_from": "2025-03-01", "hall": other_hall.pk}
    )
    assert [s.place for s in response.context["page_obj"]] == ["3月10日", "3月1日"]
    assert "hall=" in response.context["query_string"]


# ---------------------------------------------------------------- projects


def _project_data(**overrides) -> dict:
    data = {
        "title": "增设充电棚",
        "organisation": "",
        "budget": "36000.00",
        "funding_source": "社区公益金",
        "started_on": "2026-03-01",
    }
    data.update(overrides)
    return data


def test_project_from_a_passed_proposal_moves_it_to_implementation(secretary, world, place):
    proposal = place["passed"]
    org = OrganisationFactory(community=world.community_a, name="北京首开物业双合家园项目部")
    response = secretary.post(
        url("project_create", proposal.pk), _project_data(organisation=org.pk)
    )
    assert response.status_code == 302
    project = Project.objects.get(proposal=proposal)
    assert response["Location"] == url("project_detail", project.pk)
    assert (project.community, project.organisation, project.budget) == (
        world.community_a,
        org,
        Decimal("36000.00"),
    )
    assert project.status == PS.UNDER_WAY  # it has started
    proposal.refresh_from_db()
    assert proposal.status == S.IN_IMPLEMENTATION
    event = ProposalEvent.objects.get(proposal=proposal)
    assert (event.from_status, event.to_status, event.by) == (
        S.PASSED,
        S.IN_IMPLEMENTATION,
        world.users["secretary_a"],
    )
    # A second project for the same proposal is refused; the page sends you to the first.
    response = secretary.get(url("project_create", proposal.pk))
    assert response["Location"] == url("project_detail", project.pk)
    response = secretary.post(url("project_create", proposal.pk), _project_data())
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Project.objects.filter(proposal=proposal).count() == 1


def test_a_district_department_can_carry_a_project(secretary, world, place):
    bureau = Organisation.objects.create(
        district=world.community_a.subdistrict.district,
        kind=Organisation.Kind.GOVERNMENT_DEPARTMENT,
        name="朝阳区园林绿化局",
    )
    response = secretary.post(
        url("project_create", place["passed"].pk), _project_data(organisation=bureau.pk)
    )
    assert response.status_code == 302
    assert Project.objects.get(proposal=place["passed"]).organisation == bureau


@pytest.mark.parametrize(
    "status", [S.DRAFT, S.SUBMITTED, S.IN_DELIBERATION, S.VOTING, S.REJECTED, S.COMPLETED]
)
def test_only_a_passed_proposal_becomes_a_project(secretary, world, status):
    proposal = ProposalFactory(community=world.community_a, status=status)
    response = secretary.get(url("project_create", proposal.pk))
    assert response.status_code == 302
    assert response["Location"] == url("proposal_detail", proposal.pk)
    response = secretary.post(url("project_create", proposal.pk), _project_data())
    assert response.status_code == 200
    assert "Only a passed proposal" in " ".join(response.context["form"].non_field_errors())
    assert not Project.objects.filter(proposal=proposal).exists()
    proposal.refresh_from_db()
    assert proposal.status == status
    assert not proposal.events.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"budget": "-1.00"}, "budget"),
        ({"title": ""}, "title"),
        ({"started_on": "not a date"}, "started_on"),
    ],
)
def test_bad_project_input_is_refused_on_its_field(secretary, place, overrides, field):
    response = secretary.post(url("project_create", place["passed"].pk), _project_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not Project.objects.filter(proposal=place["passed"]).exists()
    place["passed"].refresh_from_db()
    assert place["passed"].status == S.PASSED


def test_project_service_refuses_a_negative_budget_and_a_foreign_organisation(world, place):
    foreign = OrganisationFactory(community=world.community_b)
    for kwargs, field in (
        ({"budget": Decimal("-5")}, "budget"),
        ({"organisation": foreign}, "organisation"),
    ):
        with pytest.raises(ValidationError) as caught:
            project_services.project_create(
                proposal=place["passed"], title="x", by=world.users["secretary_a"], **kwargs
            )
        assert field in caught.value.error_dict
    assert not Project.objects.filter(proposal=place["passed"]).exists()
    place["passed"].refresh_from_db()
    assert place["passed"].status == S.PASSED


def test_foreign_organisation_is_not_offered_and_is_refused(secretary, world, place):
    foreign = OrganisationFactory(community=world.community_b)
    response = secretary.get(url("project_create", place["passed"].pk))
    assert foreign not in response.context["form"].fields["organisation"].queryset
    response = secretary.post(
        url("project_create", place["passed"].pk), _project_data(organisation=foreign.pk)
    )
    assert response.context["form"].errors.get("organisation")


def _edit(project, **overrides) -> dict:
    data = {
        "title": project.title,
        "organisation": project.organisation_id or "",
        "budget": "" if project.budget is None else str(project.budget),
        "funding_source": project.funding_source,
        "started_on": "2026-01-10",
        "status": project.status,
        "progress": project.progress,
        "completed_on": "",
    }
    data.update(overrides)
    return data


def test_completing_without_a_date_is_refused_on_the_date(secretary, place):
    project = place["project"]
    response = secretary.post(
        url("project_edit", project.pk), _edit(project, status=PS.COMPLETED, progress=60)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["completed_on"] == [
        "Give the date the project was completed."
    ]
    project.refresh_from_db()
    assert (project.status, project.progress) == (PS.PLANNED, 0)
    place["running"].refresh_from_db()
    assert place["running"].status == S.IN_IMPLEMENTATION


def test_completing_forces_100_percent_and_completes_the_proposal(secretary, world, place):
    project = place["project"]
    response = secretary.post(
        url("project_edit", project.pk),
        _edit(project, status=PS.COMPLETED, progress=60, completed_on="2026-02-01"),
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.progress, project.completed_on) == (
        PS.COMPLETED,
        100,
        dt.date(2026, 2, 1),
    )
    proposal = place["running"]
    proposal.refresh_from_db()
    assert proposal.status == S.COMPLETED
    event = proposal.events.get()
    assert (event.from_status, event.to_status, event.by) == (
        S.IN_IMPLEMENTATION,
        S.COMPLETED,
        world.users["secretary_a"],
    )
    # Saving the completed project again adds no second step; reopening it is refused.
    response = secretary.post(
        url("project_edit", project.pk), _edit(project, title="改名", completed_on="2026-02-01")
    )
    assert response.status_code == 302
    assert proposal.events.count() == 1
    response = secretary.post(
        url("project_edit", project.pk), _edit(project, status=PS.UNDER_WAY, progress=50)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["status"] == ["A completed project cannot be reopened."]
    project.refresh_from_db()
    assert (project.status, project.title) == (PS.COMPLETED, "改名")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"status": PS.UNDER_WAY, "progress": 101}, "progress"),
        ({"status": PS.UNDER_WAY, "progress": -1}, "progress"),
        ({"status": PS.UNDER_WAY, "completed_on": "2026-02-01"}, "completed_on"),
        ({"status": PS.COMPLETED, "completed_on": "2099-01-01"}, "completed_on"),
        ({"status": PS.COMPLETED, "completed_on": "2025-12-31"}, "completed_on"),  # < start
        ({"budget": "-100"}, "budget"),
    ],
)
def test_bad_project_edits_are_refused_on_their_field(secretary, place, overrides, field):
    project = place["project"]
    response = secretary.post(url("project_edit", project.pk), _edit(project, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    project.refresh_from_db()
    assert (project.status, project.progress, project.budget) == (PS.PLANNED, 0, None)


def test_project_service_requires_a_completion_date(world, place):
    with pytest.raises(ValidationError) as caught:
        project_services.project_update(
            project=place["project"],
            by=world.users["secretary_a"],
            title="x",
            status=PS.COMPLETED,
            progress=100,
        )
    assert "completed_on" in caught.value.error_dict
    place["project"].refresh_from_db()
    assert place["project"].status == PS.PLANNED


def test_milestones_are_added_and_marked_done_once(secretary, place):
    project = place["project"]
    today = timezone.localdate()
    due = today - dt.timedelta(days=40)
    response = secretary.post(
        url("milestone_create", project.pk), {"title": "30棵行道树移栽", "due_on": due.isoformat()}
    )
    assert response.status_code == 302
    milestone = project.milestones.get(title="30棵行道树移栽")
    assert milestone.due_on == due and milestone.done_on is None

    response = secretary.post(url("milestone_done", milestone.pk))
    assert response["Location"] == url("project_detail", project.pk)
    milestone.refresh_from_db()
    assert milestone.done_on == today
    # Marking it again keeps the first date.
    earlier = today - dt.timedelta(days=3)
    Milestone.objects.filter(pk=milestone.pk).update(done_on=earlier)
    secretary.post(url("milestone_done", milestone.pk))
    milestone.refresh_from_db()
    assert milestone.done_on == earlier

    detail = secretary.get(url("project_detail", project.pk))
    # In order of due date: the new one before place's (due today).
    assert [m.title for m in detail.context["milestones"]] == ["30棵行道树移栽", "施工"]


def test_milestone_needs_a_title_and_a_date(secretary, place):
    response = secretary.post(url("milestone_create", place["project"].pk), {"title": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "due_on"}
    assert place["project"].milestones.count() == 1


def test_a_completed_project_takes_no_new_milestones(secretary, place):
    project = place["project"]
    Project.objects.filter(pk=project.pk).update(
        status=PS.COMPLETED, progress=100, completed_on=dt.date(2026, 1, 1)
    )
    response = secretary.post(
        url("milestone_create", project.pk), {"title": "补种", "due_on": "2026-10-15"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert project.milestones.count() == 1


def test_project_photo_is_served_to_residents_of_the_community_only(client, world, place):
    photo = place["project_photo"]
    client.force_login(world.users["resident_a"])
    served = client.get(url("project_photo", photo.pk))
    assert b"".join(served.streaming_content) == _png("red")
    client.force_login(world.users["resident_b"])
    assert client.get(url("project_photo", photo.pk)).status_code == 404


def test_project_list_filters_by_status(secretary, world, place):
    done = ProposalFactory(community=world.community_a, status=S.COMPLETED)
    Project.objects.create(
        proposal=done,
        community=world.community_a,
        title="已完成项目",
        status=PS.COMPLETED,
        progress=100,
        completed_on=dt.date(2025, 1, 1),
    )
    response = secretary.get(url("project_list"), {"status": "completed"})
    assert [p.title for p in response.context["page_obj"]] == ["已完成项目"]
    response = secretary.get(url("project_list"))
    assert {p.title for p in response.context["page_obj"]} == {"已完成项目", "项目A"}
    row = next(p for p in response.context["page_obj"] if p.title == "项目A")
    assert (row.milestone_count, row.milestones_done) == (1, 0)


# ---------------------------------------------------------------- the area roll-up


def test_area_projects_lists_only_communities_beneath(client, world, place, place_b):
    # A's project is planned; add a completed one in A and one in B (same district).
    for community, tag in ((world.community_a, "A2"), (world.community_b, "B2")):
        Project.objects.create(
            proposal=ProposalFactory(community=community, status=S.COMPLETED),
            community=community,
            title=f"完成{tag}",
            status=PS.COMPLETED,
            progress=100,
            completed_on=dt.date(2025, 1, 1),
        )
    client.force_login(world.users["subdistrict_a"])
    response = client.get(reverse("deliberation:area_projects"))
    rows = list(response.context["page_obj"])
    assert [c.code for c in rows] == ["a"]
    assert (rows[0].project_total, rows[0].project_completed, rows[0].project_under_way) == (
        2,
        1,
        0,
    )
    assert response.context["totals"] == {"total": 2, "completed": 1, "under_way": 0}
    # The district figure counts every completed project in the district, B's too.
    [district] = response.context["districts"]
    assert district.pk == world.community_a.subdistrict.district_id
    assert district.completed == 2
    assert "华贸中心" not in response.content.decode()

    client.force_login(world.users["superuser"])
    response = client.get(reverse("deliberation:area_projects"))
    assert {c.code for c in response.context["page_obj"]} == {"a", "b"}


def _grow_area(world, start: int, count: int) -> None:
    """`count` more communities beneath subdistrict A, each with a completed and an
    under-way project."""
    sub = world.community_a.subdistrict
    user = world.users["secretary_a"]
    communities = Community.objects.bulk_create(
        Community(subdistrict=sub, name=f"批量社区{i}", code=f"bulk-{i}")
        for i in range(start, start + count)
    )
    proposals = Proposal.objects.bulk_create(
        Proposal(
            community=c,
            title=f"提案{c.code}-{j}",
            description="-",
            category=category("greening"),
            created_by=user,
            status=S.COMPLETED if j else S.IN_IMPLEMENTATION,
        )
        for c in communities
        for j in range(2)
    )
    Project.objects.bulk_create(
        Project(
            proposal=p,
            community=p.community,
            title=p.title,
            status=PS.COMPLETED if p.status == S.COMPLETED else PS.UNDER_WAY,
            progress=100 if p.status == S.COMPLETED else 40,
            completed_on=dt.date(2025, 1, 1) if p.status == S.COMPLETED else None,
        )
        for p in proposals
    )


def _count_queries(client, path) -> tuple[int, object, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response, [q["sql"] for q in queries.captured_queries]


# Measured costs. Area page (subdistrict_a): 1 session, 2 user, 3-5 scope (community
# roles, area roles, resident home), 6 count of communities beneath, 7 the page of
# communities + subdistrict + district with project counts (one grouped query), 8 the
# area totals (one aggregate), 9 the districts with their completed counts, N the
# unread notifications of the base template = 10.
AREA_MAX_QUERIES = 10


def test_area_projects_costs_the_same_at_3_and_300_communities(client, world):
    client.force_login(world.users["subdistrict_a"])
    path = reverse("deliberation:area_projects")
    _grow_area(world, 0, 2)  # with community A: 3 communities
    small, response, _ = _count_queries(client, path)
    assert response.context["page_obj"].paginator.count == 3
    assert response.context["totals"]["completed"] == 2
    _grow_area(world, 2, 297)
    large, response, sql = _count_queries(client, path)
    assert response.context["page_obj"].paginator.count == 300
    assert response.context["totals"] == {"total": 598, "completed": 299, "under_way": 299}
    assert response.context["districts"][0].completed == 299
    assert large == small, "\n".join(sql)
    assert large <= AREA_MAX_QUERIES, "\n".join(sql)


def _grow_sessions(world, place, start: int, count: int) -> None:
    """`count` more sessions of A, each with two agenda items, an attendee and a photo."""
    tz = timezone.get_current_timezone()
    sessions = Session.objects.bulk_create(
        Session(
            community=world.community_a,
            hall=place["hall"],
            building=world.household_a.entrance.building,
            starts_at=dt.datetime(2024, 1, 1, 19, tzinfo=tz) + dt.timedelta(days=i),
            place=f"{i}号楼下",
            host=world.users["secretary_a"],
        )
        for i in range(start, start + count)
    )
    resident = Resident.objects.get(user=world.users["resident_a"])
    Session.agenda.through.objects.bulk_create(
        Session.agenda.through(session_id=s.pk, proposal_id=p.pk)
        for s in sessions
        for p in (place["passed"], place["running"])
    )
    Session.attendees.through.objects.bulk_create(
        Session.attendees.through(session_id=s.pk, resident_id=resident.pk) for s in sessions
    )
    SessionPhoto.objects.bulk_create(
        SessionPhoto(session=s, image=f"deliberation/bulk-{s.pk}.png") for s in sessions
    )


# Session list (secretary_a): 1 session, 2 user, 3 the community from the URL,
# 4-6 scope, 7 count of sessions, 8 the page of sessions + hall + building + host with
# agenda / attendance / photo counts as subqueries, 9 the halls for the filter's
# choices, N unread notifications = 10.
SESSION_LIST_MAX_QUERIES = 10


def test_session_list_costs_the_same_at_10_and_500_sessions(client, world, place):
    client.force_login(world.users["secretary_a"])
    path = url("session_list")
    _grow_sessions(world, place, 0, 9)  # with place's session: 10
    small, response, _ = _count_queries(client, path)
    assert response.context["page_obj"].paginator.count == 10
    _grow_sessions(world, place, 9, 490)
    large, response, sql = _count_queries(client, path)
    assert response.context["page_obj"].paginator.count == 500
    first = response.context["page_obj"][0]
    assert (first.agenda_count, first.attendee_count, first.photo_count) == (1, 0, 1)
    bulk = response.context["page_obj"][1]
    assert (bulk.agenda_count, bulk.attendee_count, bulk.photo_count) == (2, 1, 1)
    assert large == small, "\n".join(sql)
    assert large <= SESSION_LIST_MAX_QUERIES, "\n".join(sql)


# ---------------------------------------------------------------- the demo seed


def _deliberation_rows() -> dict[str, int]:
    models = (
        Hall,
        Representative,
        Session,
        Proposal,
        ProposalEvent,
        Ballot,
        BallotResult,
        Participation,
        Project,
        Milestone,
    )
    return {m.__name__: m.objects.count() for m in models}


@pytest.mark.django_db
def test_seed_deliberation_tells_the_tree_story_and_runs_twice_without_change():
    from deliberation.demo import seed_deliberation

    call_command("seed_demo", stdout=io.StringIO())
    first = _deliberation_rows()
    seed_deliberation(random.Random(7))
    call_command("seed_demo", stdout=io.StringIO())
    assert _deliberation_rows() == first

    shuanghe = Community.objects.get(code="shuanghe")
    assert {h.name for h in Hall.objects.filter(community=shuanghe)} >= {"移动议事厅"}
    today = timezone.localdate()
    current = Representative.objects.filter(
        community=shuanghe, elected_on__lte=today, term_ends_on__gte=today
    )
    assert 8 <= current.count() <= 10
    assert Representative.objects.filter(community=shuanghe, term_ends_on__lt=today).exists()

    trees = Proposal.objects.get(community=shuanghe, title="小区增加绿化树木")
    assert trees.status == S.COMPLETED and trees.category.code == "greening"
    steps = [(e.from_status, e.to_status, e.at.year) for e in trees.events.order_by("at", "pk")]
    assert steps == [
        (S.DRAFT, S.SUBMITTED, 2018),
        (S.SUBMITTED, S.ON_AGENDA, 2018),
        (S.ON_AGENDA, S.IN_DELIBERATION, 2018),
        (S.IN_DELIBERATION, S.VOTING, 2018),
        (S.VOTING, S.PASSED, 2018),
        (S.PASSED, S.IN_IMPLEMENTATION, 2018),
        (S.IN_IMPLEMENTATION, S.COMPLETED, 2018),
    ]
    result = BallotResult.objects.get(ballot__proposal=trees)
    assert result.passed and result.ballot.status == Ballot.Status.CLOSED
    project = trees.project
    assert (project.status, project.progress, project.completed_on) == (
        PS.COMPLETED,
        100,
        dt.date(2018, 10, 31),
    )
    assert project.organisation.name == "朝阳区园林绿化局"
    assert [m.title for m in project.milestones.all()] == [
        "30棵行道树移栽入小区",
        "23棵原有树木重新规划",
        "沿步道增设长椅和垃圾桶",
    ]
    assert not project.milestones.filter(done_on__isnull=True).exists()
    pavilion = Session.objects.get(community=shuanghe, place="绿地凉亭")
    assert pavilion.minutes and list(pavilion.agenda.all()) == [trees]

    lockers = Ballot.objects.get(proposal__title="5号楼下增设快递柜")
    assert (lockers.status, lockers.rule, lockers.secret) == (Ballot.Status.OPEN, "majority", True)
    assert lockers.opens_at < timezone.now() < lockers.closes_at
    assert lockers.eligible_heads > 0
    charging = Ballot.objects.get(proposal__title="5号楼电动自行车充电棚")
    assert (charging.status, charging.rule, charging.unit, charging.secret) == (
        Ballot.Status.OPEN,
        "civil_code_ordinary",
        Ballot.Unit.HOUSEHOLD,
        False,
    )
    assert charging.proposal.status == S.VOTING
