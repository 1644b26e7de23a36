"""The proposal pages: who may reach each one, a proposal's life driven through the pages,
other communities' ids, bad input, and what the list and the page cost in queries.

Requests ask for English so the messages checked here are the source strings.
"""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from communities.models import Resident
from deliberation import proposal_services
from deliberation import urls as deliberation_urls
from deliberation.models import (
    CoSign,
    DeliberationSettings,
    Opinion,
    Proposal,
    ProposalCategory,
    ProposalEvent,
    ProposalPhoto,
)
from governance.models import Organisation
from tests.deliberation.factories import ProposalFactory, category
from tests.factories import (
    BuildingFactory,
    HouseholdFactory,
    ResidentFactory,
    UserFactory,
)

S = Proposal.Status

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
OFFICE = {"worker_a", "secretary_a", "superuser"}
LOGIN = "login"


# ---------------------------------------------------------------- helpers


def png_bytes(colour: str = "red", fmt: str = "PNG", size=(2, 2)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def url(name: str, *args, code: str = "a") -> str:
    return reverse(f"deliberation:{name}", args=[code, *args])


def client_of(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def neighbour(world, name: str):
    """A new verified resident of community A with an account."""
    user = UserFactory(display_name=name)
    ResidentFactory(
        household=HouseholdFactory(entrance=world.household_a.entrance), name=name, user=user
    )
    return user


def resident_of(user) -> Resident:
    return Resident.objects.get(user=user)


def errors_on(response, form: str, field: str | None) -> list[str]:
    """The errors a re-rendered page shows for one field of one of its forms."""
    assert response.status_code == 200, response.status_code
    bound = response.context[form]
    assert bound is not None, f"{form} is not on the page"
    errors = list(bound.errors.get("__all__" if field is None else field, []))
    assert errors, f"no error on {field!r}: {bound.errors}"
    return errors


def step_form(response, to_status: str):
    """The bound form of the step whose post was refused."""
    for step in response.context["steps"]:
        if step["to"] == to_status:
            return step["form"]
    raise AssertionError(f"no {to_status} step on the page")


def offered(response) -> list[str]:
    return [step["to"] for step in response.context["steps"]]


def proposal_form(**overrides) -> dict:
    data = {
        "title": "增设电动车充电棚",
        "description": "电动车上楼充电有火灾隐患，建议在楼下空地建充电棚。",
        "category": category("ebike_charging").pk,
        "whole_community": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def clients(world):
    """A logged-in client per role of the world, asking for English."""
    return {role: client_of(user) for role, user in world.users.items()}


@pytest.fixture
def own_proposal(world) -> Proposal:
    """A proposal resident_a raised and submitted."""
    user = world.users["resident_a"]
    return ProposalFactory(
        community=world.community_a,
        created_by=user,
        resident=resident_of(user),
        status=S.SUBMITTED,
        submitted_at=timezone.now(),
    )


# ---------------------------------------------------------------- permissions

# Rows: URL name → expected response per role, in ROLES order. The proposal in the URL
# is resident_a's own, submitted. Reading the rules:
# - anonymous: to the login page; resident_b and secretary_b have no tie to A: 404;
# - property_a works in A but deliberation.view is not theirs: 403;
# - subdistrict_a reads (list, page, photos) but raises, edits and moves nothing;
# - resident_a is the proposer: may edit and add photos while it is submitted; their post
#   of an office step (on_agenda) is refused with a message (302) and changes nothing;
# - co-signing is for a verified resident of A only, never for staff or the superuser
#   (who have no home there);
# - opinions: verified residents and the office; hiding one: the office.
# fmt: off
EXPECTED = {
    #                                  anon   res_a res_b work_a sec_a sec_b prop_a sub_a super
    "deliberation:proposal_list":     (LOGIN, 200,  404,  200,   200,  404,  403,   200,  200),
    "deliberation:proposal_create":   (LOGIN, 200,  404,  200,   200,  404,  403,   403,  200),
    "deliberation:proposal_detail":   (LOGIN, 200,  404,  200,   200,  404,  403,   200,  200),
    "deliberation:proposal_edit":     (LOGIN, 200,  404,  200,   200,  404,  403,   403,  200),
    "deliberation:proposal_step":     (LOGIN, 302,  404,  302,   302,  404,  403,   403,  302),
    "deliberation:proposal_cosign":   (LOGIN, 302,  404,  403,   403,  404,  403,   403,  403),
    "deliberation:opinion_create":    (LOGIN, 302,  404,  302,   302,  404,  403,   403,  302),
    "deliberation:opinion_hide":      (LOGIN, 403,  404,  302,   302,  404,  403,   403,  302),
    "deliberation:proposal_photo_upload": (LOGIN, 200, 404, 200, 200,  404,  403,   403,  200),
    "deliberation:proposal_photo":    (LOGIN, 200,  404,  200,   200,  404,  403,   200,  200),
    "deliberation:proposal_paper_cosign": (LOGIN, 403, 404, 200, 200,  404,  403,   403,  200),
    "deliberation:settings":          (LOGIN, 403,  404,  200,   200,  404,  403,   403,  200),
}
# fmt: on

POST_DATA = {
    "deliberation:proposal_step": {"to_status": S.ON_AGENDA},
    "deliberation:proposal_cosign": {},
    "deliberation:opinion_create": {"text": "同意，楼下空地够用。"},
    "deliberation:opinion_hide": {"reason": "含有个人信息"},
}


def test_matrix_covers_every_proposal_url():
    """Every URL served by the proposal views has a row here."""
    names = {
        f"deliberation:{p.name}"
        for p in deliberation_urls.urlpatterns
        if p.callback.view_class.__module__ == "deliberation.views.proposals"
    }
    assert set(EXPECTED) == names


@pytest.fixture
def place(world, own_proposal):
    opinion = Opinion.objects.create(
        proposal=own_proposal, author=world.users["resident_a"], text="我先说两句"
    )
    photo = ProposalPhoto.objects.create(
        proposal=own_proposal, image=ContentFile(png_bytes(), name="shed.png"), caption="空地"
    )
    return {"proposal": own_proposal, "opinion": opinion, "photo": photo}


def _path(name: str, place) -> str:
    if name in (
        "deliberation:proposal_list",
        "deliberation:proposal_create",
        "deliberation:settings",
    ):
        return reverse(name, args=["a"])
    if name == "deliberation:opinion_hide":
        return reverse(name, args=["a", place["opinion"].pk])
    if name == "deliberation:proposal_photo":
        return reverse(name, args=["a", place["photo"].pk])
    return reverse(name, args=["a", place["proposal"].pk])


MATRIX = [
    pytest.param(name, role, expected, id=f"{name.split(':')[1]}-{role}")
    for name, row in EXPECTED.items()
    for role, expected in zip(ROLES, row, strict=True)
]


@pytest.mark.parametrize(("name", "role", "expected"), MATRIX)
def test_role_url_matrix(client, world, place, name, role, expected):
    if role != "anonymous":
        client.force_login(world.users[role])
    path = _path(name, place)
    opinions_before = Opinion.objects.count()
    data = POST_DATA.get(name)
    response = client.get(path) if data is None else client.post(path, data)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected, f"{path} as {role}"
        if expected == 302:
            assert not response["Location"].startswith(reverse("accounts:login"))
    if name == "deliberation:proposal_photo" and expected == 200:
        assert b"".join(response.streaming_content) == png_bytes()

    # A refused request changes nothing; an allowed one does exactly its work.
    proposal = Proposal.objects.get(pk=place["proposal"].pk)
    moved = role in OFFICE and name == "deliberation:proposal_step"
    assert proposal.status == (S.ON_AGENDA if moved else S.SUBMITTED)
    cosigned = CoSign.objects.filter(proposal=proposal).exists()
    assert cosigned == (name == "deliberation:proposal_cosign" and expected == 302)
    posted = name == "deliberation:opinion_create" and expected == 302
    assert Opinion.objects.count() == opinions_before + (1 if posted else 0)
    place["opinion"].refresh_from_db()
    hidden = name == "deliberation:opinion_hide" and expected == 302
    assert (place["opinion"].hidden_at is not None) == hidden


def test_drafts_are_seen_only_by_their_proposer_and_the_office(world, clients):
    draft = ProposalFactory(
        community=world.community_a,
        created_by=world.users["resident_a"],
        resident=resident_of(world.users["resident_a"]),
        title="我的草稿",
    )
    photo = ProposalPhoto.objects.create(
        proposal=draft, image=ContentFile(png_bytes(), name="draft.png")
    )
    other = client_of(neighbour(world, "邻居丙"))
    for path in (
        url("proposal_detail", draft.pk),
        url("proposal_edit", draft.pk),
        url("proposal_photo", photo.pk),
        url("proposal_photo_upload", draft.pk),
    ):
        assert other.get(path).status_code == 404, path
    assert clients["subdistrict_a"].get(url("proposal_detail", draft.pk)).status_code == 404
    assert "我的草稿" not in other.get(url("proposal_list")).content.decode()

    for role in ("resident_a", "worker_a", "secretary_a", "superuser"):
        assert clients[role].get(url("proposal_detail", draft.pk)).status_code == 200, role
        assert "我的草稿" in clients[role].get(url("proposal_list")).content.decode(), role


def test_editing_is_for_the_proposer_or_the_office_until_it_is_on_the_agenda(
    world, clients, own_proposal
):
    other = client_of(neighbour(world, "邻居丙"))
    assert other.get(url("proposal_edit", own_proposal.pk)).status_code == 403
    response = other.post(url("proposal_edit", own_proposal.pk), proposal_form(title="改掉"))
    assert response.status_code == 403

    response = clients["resident_a"].post(
        url("proposal_edit", own_proposal.pk),
        proposal_form(
            title="增设充电棚（修改）",
            whole_community=None,
            buildings=[world.household_a.entrance.building_id],
        ),
    )
    assert response.status_code == 302
    own_proposal.refresh_from_db()
    assert own_proposal.title == "增设充电棚（修改）"
    assert not own_proposal.whole_community
    assert list(own_proposal.buildings.all()) == [world.household_a.entrance.building]

    Proposal.objects.filter(pk=own_proposal.pk).update(status=S.ON_AGENDA)
    for role in ("resident_a", "secretary_a"):
        response = clients[role].post(url("proposal_edit", own_proposal.pk), proposal_form())
        assert response.status_code == 403, role
    own_proposal.refresh_from_db()
    assert own_proposal.title == "增设充电棚（修改）"


# ---------------------------------------------------------------- the lifecycle


def test_a_proposal_lives_through_the_pages(world, clients):
    resident = clients["resident_a"]
    secretary = clients["secretary_a"]
    DeliberationSettings.objects.create(community=world.community_a, cosign_threshold=3)

    # A resident raises a proposal: a draft in their own name, with its first step recorded.
    response = resident.post(url("proposal_create"), proposal_form(title="楼下建充电棚"))
    assert response.status_code == 302
    proposal = Proposal.objects.get(title="楼下建充电棚")
    assert response["Location"] == url("proposal_detail", proposal.pk)
    assert proposal.status == S.DRAFT
    assert proposal.resident == resident_of(world.users["resident_a"])
    assert proposal.created_by == world.users["resident_a"]
    assert proposal.community == world.community_a
    detail = url("proposal_detail", proposal.pk)
    step = url("proposal_step", proposal.pk)

    page = resident.get(detail)
    assert "resident-page" in page.content.decode()
    assert offered(page) == [S.SUBMITTED, S.WITHDRAWN]

    # … and submits it.
    assert resident.post(step, {"to_status": S.SUBMITTED}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED and proposal.submitted_at is not None
    assert offered(resident.get(detail)) == [S.WITHDRAWN]

    # Neighbours co-sign; the third reaches the community's threshold of three.
    for i in range(3):
        neighbour_client = client_of(neighbour(world, f"邻居{i}"))
        assert neighbour_client.get(detail).context["can_cosign"]
        assert neighbour_client.post(url("proposal_cosign", proposal.pk)).status_code == 302
        proposal.refresh_from_db()
        assert (proposal.agenda_flagged_at is not None) == (i == 2)
    # A second press by the same neighbour is not counted again.
    neighbour_client.post(url("proposal_cosign", proposal.pk))
    assert proposal.cosigns.count() == 3
    page = neighbour_client.get(detail)
    assert page.context["has_cosigned"]
    assert "3 of 3 co-signatures" in page.content.decode()
    listing = secretary.get(url("proposal_list")).content.decode()
    assert listing.count('data-testid="flagged"') == 1

    # The office puts it on the agenda; it may not vote it through by hand.
    page = secretary.get(detail)
    assert offered(page) == [S.ON_AGENDA, S.DECLINED]
    assert secretary.post(step, {"to_status": S.ON_AGENDA}).status_code == 302
    assert secretary.post(step, {"to_status": S.IN_DELIBERATION}).status_code == 302
    page = secretary.get(detail)
    assert S.VOTING not in offered(page)
    assert reverse("deliberation:ballot_create", args=["a", proposal.pk]) in page.content.decode()
    assert secretary.post(step, {"to_status": S.VOTING}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.IN_DELIBERATION
    # The proposer's page offers no office step and no ballot link.
    page = resident.get(detail)
    assert offered(page) == [S.WITHDRAWN]
    assert reverse("deliberation:ballot_create", args=["a", proposal.pk]) not in (
        page.content.decode()
    )

    # The timeline: who, from → to, in order.
    events = list(ProposalEvent.objects.filter(proposal=proposal).order_by("at", "pk"))
    assert [(e.from_status, e.to_status, e.by) for e in events] == [
        ("", S.DRAFT, world.users["resident_a"]),
        (S.DRAFT, S.SUBMITTED, world.users["resident_a"]),
        (S.SUBMITTED, S.ON_AGENDA, world.users["secretary_a"]),
        (S.ON_AGENDA, S.IN_DELIBERATION, world.users["secretary_a"]),
    ]
    timeline = page.content.decode()
    assert "Submitted → On the agenda" in timeline
    assert world.users["secretary_a"].display_name in timeline


def test_the_office_declines_only_with_a_reason(world, clients):
    proposal = ProposalFactory(community=world.community_a, status=S.SUBMITTED)
    step = url("proposal_step", proposal.pk)

    response = clients["secretary_a"].post(step, {"to_status": S.DECLINED, "comment": "  "})
    assert step_form(response, S.DECLINED).errors["comment"] == ["Please give a reason."]
    assert "Please give a reason." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert not ProposalEvent.objects.filter(proposal=proposal).exists()

    response = clients["secretary_a"].post(
        step, {"to_status": S.DECLINED, "comment": "属于物业维修范围，已转物业"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.DECLINED
    assert proposal.decline_reason == "属于物业维修范围，已转物业"
    event = ProposalEvent.objects.get(proposal=proposal)
    assert (event.to_status, event.comment) == (S.DECLINED, "属于物业维修范围，已转物业")
    page = clients["resident_a"].get(url("proposal_detail", proposal.pk))
    assert "属于物业维修范围，已转物业" in page.content.decode()
    assert offered(page) == []


def test_the_proposer_withdraws_with_a_reason(world, clients, own_proposal):
    Proposal.objects.filter(pk=own_proposal.pk).update(status=S.ON_AGENDA)
    step = url("proposal_step", own_proposal.pk)

    response = clients["resident_a"].post(step, {"to_status": S.WITHDRAWN})
    assert step_form(response, S.WITHDRAWN).errors["comment"] == ["Please give a reason."]
    own_proposal.refresh_from_db()
    assert own_proposal.status == S.ON_AGENDA

    # The office may not withdraw someone else's proposal.
    response = clients["secretary_a"].post(step, {"to_status": S.WITHDRAWN, "comment": "x"})
    assert response.status_code == 302
    own_proposal.refresh_from_db()
    assert own_proposal.status == S.ON_AGENDA

    response = clients["resident_a"].post(
        step, {"to_status": S.WITHDRAWN, "comment": "物业已经答应解决"}
    )
    assert response.status_code == 302
    own_proposal.refresh_from_db()
    assert own_proposal.status == S.WITHDRAWN
    event = ProposalEvent.objects.get(proposal=own_proposal)
    assert (event.by, event.comment) == (world.users["resident_a"], "物业已经答应解决")


def test_co_signing_counts_against_ten_by_default_and_only_while_submitted(
    world, clients, own_proposal
):
    page = clients["resident_a"].get(url("proposal_detail", own_proposal.pk))
    assert page.context["threshold"] == 10
    assert "0 of 10 co-signatures" in page.content.decode()
    assert 'data-testid="cosign"' in page.content.decode()

    Proposal.objects.filter(pk=own_proposal.pk).update(status=S.ON_AGENDA)
    page = clients["resident_a"].get(url("proposal_detail", own_proposal.pk))
    assert 'data-testid="cosign"' not in page.content.decode()
    response = clients["resident_a"].post(url("proposal_cosign", own_proposal.pk), follow=True)
    assert "Only a submitted proposal can be co-signed." in response.content.decode()
    assert not CoSign.objects.exists()


def test_system_steps_have_no_buttons_and_a_passed_one_links_to_a_project(world, clients):
    voting = ProposalFactory(community=world.community_a, status=S.VOTING)
    assert offered(clients["secretary_a"].get(url("proposal_detail", voting.pk))) == []
    response = clients["secretary_a"].post(url("proposal_step", voting.pk), {"to_status": S.PASSED})
    assert response.status_code == 302
    voting.refresh_from_db()
    assert voting.status == S.VOTING

    passed = ProposalFactory(community=world.community_a, status=S.PASSED)
    project_url = reverse("deliberation:project_create", args=["a", passed.pk])
    page = clients["secretary_a"].get(url("proposal_detail", passed.pk))
    assert offered(page) == [S.IN_IMPLEMENTATION]
    assert project_url in page.content.decode()
    page = clients["resident_a"].get(url("proposal_detail", passed.pk))
    assert project_url not in page.content.decode()


def test_a_worker_records_a_proposal_for_a_resident_without_a_phone(world, clients):
    elder = ResidentFactory(household=world.household_a, name="王奶奶", phone="", user=None)
    response = clients["worker_a"].post(
        url("proposal_create"), proposal_form(title="楼道装扶手", resident=elder.pk)
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get(title="楼道装扶手")
    assert (proposal.resident, proposal.organisation) == (elder, None)
    assert proposal.created_by == world.users["worker_a"]
    page = clients["worker_a"].get(url("proposal_detail", proposal.pk)).content.decode()
    assert "王奶奶" in page and "recorded by" in page

    unit = Organisation.objects.create(
        community=world.community_a, kind=Organisation.Kind.SOCIAL_ORGANISATION, name="绿化队"
    )
    response = clients["secretary_a"].post(
        url("proposal_create"), proposal_form(title="认领树木", organisation=unit.pk)
    )
    assert response.status_code == 302
    assert Proposal.objects.get(title="认领树木").organisation == unit


def test_the_resident_field_is_only_for_the_office(world, clients):
    """A resident who posts someone else's id still raises the proposal in their own name."""
    other = resident_of(neighbour(world, "邻居丙"))
    response = clients["resident_a"].post(
        url("proposal_create"), proposal_form(title="冒名", resident=other.pk)
    )
    assert response.status_code == 302
    assert Proposal.objects.get(title="冒名").resident == resident_of(world.users["resident_a"])
    with pytest.raises(ValidationError):
        proposal_services.proposal_create(
            community=world.community_a,
            by=world.users["resident_a"],
            title="冒名二",
            description="说明",
            category=category(),
            resident=other,
        )
    assert not Proposal.objects.filter(title="冒名二").exists()


def test_opinions_hidden_by_the_office_show_the_reason_to_all_and_the_text_to_the_office(
    world, clients, own_proposal
):
    response = clients["resident_a"].post(
        url("opinion_create", own_proposal.pk), {"text": "隔壁302的电话是13912345678"}
    )
    assert response.status_code == 302
    opinion = Opinion.objects.get(proposal=own_proposal)

    response = clients["secretary_a"].post(
        url("opinion_hide", opinion.pk), {"reason": "含有他人电话"}
    )
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.hidden_by == world.users["secretary_a"]

    seen = clients["resident_a"].get(url("proposal_detail", own_proposal.pk)).content.decode()
    assert "Hidden by the office: 含有他人电话" in seen
    assert "13912345678" not in seen
    seen = clients["secretary_a"].get(url("proposal_detail", own_proposal.pk)).content.decode()
    assert "Hidden by the office: 含有他人电话" in seen
    assert "13912345678" in seen


def test_photos_are_served_through_the_checked_view(world, clients, own_proposal):
    response = clients["resident_a"].post(
        url("proposal_photo_upload", own_proposal.pk),
        {
            "image": SimpleUploadedFile("site.jpg", png_bytes("blue", "JPEG"), "image/jpeg"),
            "caption": "楼下空地",
        },
    )
    assert response.status_code == 302
    photo = ProposalPhoto.objects.get(proposal=own_proposal)
    page = clients["resident_a"].get(url("proposal_detail", own_proposal.pk)).content.decode()
    assert url("proposal_photo", photo.pk) in page
    assert settings.MEDIA_URL not in page
    served = clients["subdistrict_a"].get(url("proposal_photo", photo.pk))
    assert b"".join(served.streaming_content) == png_bytes("blue", "JPEG")


# ---------------------------------------------------------------- other communities' ids


def test_ids_of_another_community_are_404_and_change_nothing(world, clients):
    foreign = ProposalFactory(
        community=world.community_b,
        created_by=world.users["resident_b"],
        resident=resident_of(world.users["resident_b"]),
        status=S.SUBMITTED,
        title="华贸的提案",
    )
    opinion = Opinion.objects.create(proposal=foreign, author=world.users["resident_b"], text="乙")
    photo = ProposalPhoto.objects.create(
        proposal=foreign, image=ContentFile(png_bytes(), name="b.png")
    )
    requests = [
        ("secretary_a", "get", url("proposal_detail", foreign.pk), {}),
        ("secretary_a", "get", url("proposal_edit", foreign.pk), {}),
        ("secretary_a", "post", url("proposal_edit", foreign.pk), proposal_form(title="改")),
        (
            "secretary_a",
            "post",
            url("proposal_step", foreign.pk),
            {"to_status": S.DECLINED, "comment": "不"},
        ),
        ("resident_a", "post", url("proposal_cosign", foreign.pk), {}),
        ("resident_a", "post", url("opinion_create", foreign.pk), {"text": "甲"}),
        ("secretary_a", "post", url("opinion_hide", opinion.pk), {"reason": "不"}),
        ("secretary_a", "get", url("proposal_photo", photo.pk), {}),
        (
            "secretary_a",
            "post",
            url("proposal_photo_upload", foreign.pk),
            {"image": SimpleUploadedFile("x.png", png_bytes(), "image/png")},
        ),
        ("superuser", "get", url("proposal_detail", foreign.pk), {}),
    ]
    for role, method, path, data in requests:
        response = getattr(clients[role], method)(path, data)
        assert response.status_code == 404, f"{method} {path} as {role}"

    foreign.refresh_from_db()
    assert (foreign.title, foreign.status) == ("华贸的提案", S.SUBMITTED)
    assert not ProposalEvent.objects.filter(proposal=foreign).exists()
    assert not CoSign.objects.filter(proposal=foreign).exists()
    assert Opinion.objects.filter(proposal=foreign).count() == 1
    opinion.refresh_from_db()
    assert opinion.hidden_at is None
    assert ProposalPhoto.objects.filter(proposal=foreign).count() == 1


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"title": ""}, "title", id="empty-title"),
        pytest.param({"title": "   "}, "title", id="blank-title"),
        pytest.param({"title": "长" * 121}, "title", id="overlong-title"),
        pytest.param({"description": ""}, "description", id="empty-description"),
        pytest.param({"category": None}, "category", id="category-missing"),
        pytest.param({"category": 999_999}, "category", id="category-unknown"),
        pytest.param({"whole_community": None}, "buildings", id="no-scope"),
    ],
)
def test_bad_proposals_are_refused_on_their_field(clients, overrides, field):
    before = Proposal.objects.count()
    response = clients["resident_a"].post(url("proposal_create"), proposal_form(**overrides))
    errors_on(response, "form", field)
    assert Proposal.objects.count() == before
    assert not ProposalEvent.objects.exists()


def test_a_retired_category_is_refused(clients):
    retired = ProposalCategory.objects.create(code="retired", name="旧分类", is_active=False)
    response = clients["resident_a"].post(
        url("proposal_create"), proposal_form(category=retired.pk)
    )
    errors_on(response, "form", "category")
    assert not Proposal.objects.exists()


def test_a_building_of_another_community_is_refused_in_the_scope(world, clients, own_proposal):
    foreign = world.household_b.entrance.building
    own = world.household_a.entrance.building
    data = proposal_form(whole_community=None, buildings=[own.pk, foreign.pk], title="范围")
    response = clients["secretary_a"].post(url("proposal_create"), data)
    errors_on(response, "form", "buildings")
    assert not Proposal.objects.filter(title="范围").exists()

    response = clients["resident_a"].post(url("proposal_edit", own_proposal.pk), data)
    errors_on(response, "form", "buildings")
    own_proposal.refresh_from_db()
    assert own_proposal.whole_community and not own_proposal.buildings.exists()

    with pytest.raises(ValidationError) as excinfo:
        proposal_services.proposal_create(
            community=world.community_a,
            by=world.users["secretary_a"],
            title="范围",
            description="说明",
            category=category(),
            whole_community=False,
            buildings=[BuildingFactory(community=world.community_b)],
        )
    assert "buildings" in excinfo.value.message_dict
    assert not Proposal.objects.filter(title="范围").exists()


def test_the_office_cannot_record_for_another_communitys_resident_or_organisation(world, clients):
    outsider = resident_of(world.users["resident_b"])
    response = clients["secretary_a"].post(
        url("proposal_create"), proposal_form(resident=outsider.pk)
    )
    errors_on(response, "form", "resident")
    unit_b = Organisation.objects.create(
        community=world.community_b, kind=Organisation.Kind.LOCAL_UNIT, name="华贸单位"
    )
    response = clients["secretary_a"].post(
        url("proposal_create"), proposal_form(organisation=unit_b.pk)
    )
    errors_on(response, "form", "organisation")
    unit_a = Organisation.objects.create(
        community=world.community_a, kind=Organisation.Kind.LOCAL_UNIT, name="双合单位"
    )
    response = clients["secretary_a"].post(
        url("proposal_create"),
        proposal_form(resident=resident_of(world.users["resident_a"]).pk, organisation=unit_a.pk),
    )
    errors_on(response, "form", "organisation")
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("意" * 1001, "at most 1000 characters", id="too-long"),
        pytest.param("", "This field is required.", id="empty"),
    ],
)
def test_a_bad_opinion_is_refused_on_its_field(clients, own_proposal, text, message):
    response = clients["resident_a"].post(url("opinion_create", own_proposal.pk), {"text": text})
    assert any(message in e for e in errors_on(response, "opinion_form", "text"))
    assert message in response.content.decode()
    assert not Opinion.objects.exists()


def test_opinions_are_not_taken_on_a_draft(world, clients):
    draft = ProposalFactory(
        community=world.community_a,
        created_by=world.users["resident_a"],
        resident=resident_of(world.users["resident_a"]),
    )
    response = clients["resident_a"].post(url("opinion_create", draft.pk), {"text": "自己说"})
    errors_on(response, "opinion_form", None)
    assert not Opinion.objects.exists()


def test_hiding_an_opinion_needs_a_reason(world, clients, own_proposal):
    opinion = Opinion.objects.create(
        proposal=own_proposal, author=world.users["resident_a"], text="意见"
    )
    response = clients["secretary_a"].post(url("opinion_hide", opinion.pk), {"reason": "  "})
    errors_on(response, "hide_form", "reason")
    assert response.context["hide_opinion_id"] == opinion.pk
    opinion.refresh_from_db()
    assert (opinion.hidden_at, opinion.hidden_by, opinion.hidden_reason) == (None, None, "")
    with pytest.raises(ValidationError):
        proposal_services.opinion_hide(opinion=opinion, by=world.users["secretary_a"], reason="")
    opinion.refresh_from_db()
    assert opinion.hidden_at is None


def test_a_step_comment_that_is_too_long_is_refused(world, clients):
    proposal = ProposalFactory(community=world.community_a, status=S.SUBMITTED)
    response = clients["secretary_a"].post(
        url("proposal_step", proposal.pk), {"to_status": S.DECLINED, "comment": "因" * 301}
    )
    assert step_form(response, S.DECLINED).errors["comment"]
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED


def _big_png() -> bytes:
    """A real PNG over 5 MB: random pixels do not compress."""
    side = 1400
    data = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    data.save(buffer, format="PNG", compress_level=0)
    content = buffer.getvalue()
    assert len(content) > settings.PHOTO_MAX_BYTES
    return content


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        pytest.param(
            lambda: SimpleUploadedFile("fake.png", b"not an image at all", "image/png"),
            "Upload a valid image",
            id="not-an-image",
        ),
        pytest.param(
            lambda: SimpleUploadedFile("anim.gif", png_bytes(fmt="GIF"), "image/gif"),
            "Upload a JPG or PNG photo.",
            id="gif",
        ),
        pytest.param(
            lambda: SimpleUploadedFile("big.png", _big_png(), "image/png"),
            "The photo is larger than 5 MB.",
            id="over-5-mb",
        ),
    ],
)
def test_a_bad_photo_is_refused_on_its_field(clients, own_proposal, upload, message):
    response = clients["resident_a"].post(
        url("proposal_photo_upload", own_proposal.pk), {"image": upload(), "caption": "照片"}
    )
    assert any(message in e for e in errors_on(response, "form", "image"))
    assert not ProposalPhoto.objects.exists()


# ---------------------------------------------------------------- query counts


def grow_proposals(world, start: int, count: int) -> None:
    """`count` proposals of community A in every status, raised by residents and an
    organisation, each co-signed twice; every fifth flagged for the agenda."""
    household = world.household_a
    signers = [
        Resident.objects.get_or_create(
            household=household,
            name=f"附议人{i}",
            defaults={"verification_status": Resident.Verification.VERIFIED},
        )[0]
        for i in range(2)
    ]
    unit, _ = Organisation.objects.get_or_create(
        community=world.community_a, kind=Organisation.Kind.LOCAL_UNIT, name="批量单位"
    )
    statuses = [s for s in S.values if s != S.DRAFT]
    topic = category()
    proposals = Proposal.objects.bulk_create(
        Proposal(
            community=world.community_a,
            title=f"批量提案{i}",
            description="说明",
            category=topic,
            created_by=world.users["worker_a"],
            resident=signers[i % 2] if i % 3 else None,
            organisation=unit if not i % 3 else None,
            status=statuses[i % len(statuses)],
            agenda_flagged_at=timezone.now() if not i % 5 else None,
        )
        for i in range(start, start + count)
    )
    CoSign.objects.bulk_create(CoSign(proposal=p, resident=r) for p in proposals for r in signers)


def detail_proposal(world) -> Proposal:
    """One submitted proposal of resident_a for two buildings, with a photo."""
    found = Proposal.objects.filter(title="详情提案").first()
    if found:
        return found
    user = world.users["resident_a"]
    proposal = ProposalFactory(
        community=world.community_a,
        title="详情提案",
        created_by=user,
        resident=resident_of(user),
        status=S.SUBMITTED,
        buildings=[
            world.household_a.entrance.building,
            BuildingFactory(community=world.community_a),
        ],
    )
    ProposalPhoto.objects.create(proposal=proposal, image="deliberation/bulk.png")
    return proposal


def grow_detail(world, start: int, count: int) -> None:
    """`count` more steps, opinions (every third hidden) and co-signatures on the page's
    proposal."""
    proposal = detail_proposal(world)
    staff = world.users["secretary_a"]
    ProposalEvent.objects.bulk_create(
        ProposalEvent(
            proposal=proposal, from_status=S.DRAFT, to_status=S.SUBMITTED, by=staff, comment=f"{i}"
        )
        for i in range(start, start + count)
    )
    authors = [world.users["resident_a"], staff]
    Opinion.objects.bulk_create(
        Opinion(
            proposal=proposal,
            author=authors[i % 2],
            text=f"意见{i}",
            hidden_at=timezone.now() if not i % 3 else None,
            hidden_by=staff if not i % 3 else None,
            hidden_reason="不文明" if not i % 3 else "",
        )
        for i in range(start, start + count)
    )
    signers = Resident.objects.bulk_create(
        Resident(
            household=world.household_a,
            name=f"附议{i}",
            verification_status=Resident.Verification.VERIFIED,
        )
        for i in range(start, start + count)
    )
    CoSign.objects.bulk_create(CoSign(proposal=proposal, resident=r) for r in signers)


def _rows_in_list(response) -> int:
    page = response.context["page_obj"]
    assert len(page.object_list) == min(page.paginator.count, settings.PAGE_SIZE)
    assert all(p.cosign_count == 2 for p in page.object_list)
    return page.paginator.count


def _rows_on_page(response) -> int:
    context = response.context
    assert len(context["events"]) == len(context["opinions"])
    assert context["cosign_count"] == len(context["events"])
    return len(context["events"])


# Measured costs, the same at both sizes. Every /c/a/… page opens with the same six
# queries: 1 session, 2 user, 3 the community from the URL (+ subdistrict + district),
# 4 scope: community roles, 5 scope: area roles, 6 scope: resident home; permission
# checks reuse the cached scope, and the base template adds N: the unread count.
# - list, as the secretary: 7 count of the filtered proposals, N, 9 the categories for
#   the filter's choices, 10 the page of proposals + category + resident + organisation
#   with co-signature counts (one grouped query)                                   = 10
# - list, as resident_a: the same (other people's drafts are left out in SQL)      = 10
# - page, as resident_a: 7 the proposal + category + resident's home + organisation
#   + recorder + project, 8 the viewer's resident row (co-signing, proposer check),
#   9 opinions + author + hider, 10 co-signature count and the viewer's own in one
#   aggregate, 11 steps + who, 12 photos, 13 buildings, 14 ballots, 15 the
#   community's threshold, 16 the 12345 cases linked to it, N                      = 17
# - page, as the secretary: the same 17 (the resident row is looked up for the
#   proposer check and found missing)
LIST_QUERIES = 10
PAGE_QUERIES = 17


@pytest.mark.parametrize("viewer", ["secretary_a", "resident_a"])
def test_list_query_count_does_not_grow(world, django_assert_max_num_queries, viewer):
    client = client_of(world.users[viewer])
    grow_proposals(world, 0, 10)
    with django_assert_max_num_queries(LIST_QUERIES) as small:
        response = client.get(url("proposal_list"))
    assert _rows_in_list(response) == 10

    grow_proposals(world, 10, 990)
    with django_assert_max_num_queries(LIST_QUERIES) as large:
        response = client.get(url("proposal_list"))
    assert _rows_in_list(response) == 1000
    sql = "\n".join(q["sql"] for q in large.captured_queries)
    assert len(large) == len(small), f"{len(small)} → {len(large)} queries\n{sql}"


def test_filters_narrow_the_list(world, clients):
    grow_proposals(world, 0, 20)
    parking = category("parking")
    Proposal.objects.filter(title="批量提案3").update(category=parking)
    response = clients["secretary_a"].get(url("proposal_list"), {"category": parking.pk})
    assert [p.title for p in response.context["page_obj"]] == ["批量提案3"]
    response = clients["secretary_a"].get(url("proposal_list"), {"status": S.DECLINED})
    assert {p.status for p in response.context["page_obj"]} == {S.DECLINED}
    today = timezone.localdate()
    Proposal.objects.filter(title="批量提案4").update(
        created_at=timezone.now() - dt.timedelta(days=40)
    )
    response = clients["secretary_a"].get(
        url("proposal_list"), {"created_to": (today - dt.timedelta(days=30)).isoformat()}
    )
    assert [p.title for p in response.context["page_obj"]] == ["批量提案4"]
    response = clients["secretary_a"].get(
        url("proposal_list"), {"created_from": today.isoformat(), "status": S.DECLINED}
    )
    assert response.context["page_obj"].paginator.count == 2
    assert "status=declined" in response.context["query_string"]


@pytest.mark.parametrize("viewer", ["resident_a", "secretary_a"])
def test_page_query_count_does_not_grow(world, django_assert_max_num_queries, viewer):
    client = client_of(world.users[viewer])
    proposal = detail_proposal(world)
    path = url("proposal_detail", proposal.pk)

    grow_detail(world, 0, 3)
    with django_assert_max_num_queries(PAGE_QUERIES) as small:
        response = client.get(path)
    assert _rows_on_page(response) == 3

    grow_detail(world, 3, 97)
    with django_assert_max_num_queries(PAGE_QUERIES) as large:
        response = client.get(path)
    assert _rows_on_page(response) == 100
    sql = "\n".join(q["sql"] for q in large.captured_queries)
    assert len(large) == len(small), f"{len(small)} → {len(large)} queries\n{sql}"
