"""Pages of whistle and report (吹哨报到): who gets what, the flow blow → respond → close
with the case's timeline, bad input shown next to its field with nothing written, the
area page of open whistles and their ages, other communities' ids, and query counts.

The matrix is written out by hand so a reader can check each cell against
``casework/rules.py``:

- anonymous visitors are sent to the login page;
- a user with no tie to community A (secretary_b) gets 404 on A's pages;
- the office (worker, secretary), area staff and superusers read, blow, respond and close
  (``casework.view_office``, ``casework.whistle``); residents and property staff get 403;
- the area page is for subdistrict and district staff and superusers; everyone else who
  is logged in gets 403 there.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from casework import urls as casework_urls
from casework.models import CaseAction, Whistle
from communities.models import CommunityRole
from deliberation.models import Proposal
from governance.models import Organisation
from tests.casework.factories import (
    CaseFactory,
    DepartmentFactory,
    TaskGroupFactory,
    WhistleFactory,
)
from tests.casework.matrix import LOGIN, OK, assert_answer, params
from tests.deliberation.factories import ProposalFactory
from tests.factories import (
    AreaStaffRoleFactory,
    CommunityFactory,
    CommunityRoleFactory,
    DistrictFactory,
    HouseholdFactory,
    ResidentFactory,
    UserFactory,
)

# fmt: off
EXPECTED = {
    #                   anon, report, other, wrk_a, sec_a, sec_b, pr_in, pr_out, sub_a, super
    "whistle_list":    (LOGIN,   403,   403,   200,   200,   404,   403,   403,   200,   200),
    "whistle_create":  (LOGIN,   403,   403,   200,   200,   404,   403,   403,   200,   200),
    "whistle_detail":  (LOGIN,   403,   403,   200,   200,   404,   403,   403,   200,   200),
    "whistle_respond": (LOGIN,   403,   403,    OK,    OK,   404,   403,   403,    OK,    OK),
    "whistle_close":   (LOGIN,   403,   403,    OK,    OK,   404,   403,   403,    OK,    OK),
    # The area page belongs to no community: only area staff and superusers.
    "area_whistles":   (LOGIN,   403,   403,   403,   403,   403,   403,   403,   200,   200),
}
# fmt: on

POST_ONLY = {"whistle_respond", "whistle_close"}
MY_MODULES = {"casework.views.whistles"}


def test_matrix_covers_every_url_name_of_whistles():
    """A new page of whistles must get a row here before it ships."""
    names = {
        p.name for p in casework_urls.urlpatterns if p.callback.view_class.__module__ in MY_MODULES
    }
    assert set(EXPECTED) == names


def zh(msgid: str) -> str:
    """The text the site renders for msgid (in Simplified Chinese, the site's language)."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# ---------------------------------------------------------------- objects


@pytest.fixture
def place(world):
    """Community A with a district department, a case reported by resident_a and sent to
    the property task group, a passed and a draft proposal, an open whistle and one the
    department has responded to."""
    community = world.community_a
    district = community.subdistrict.district
    department = DepartmentFactory(district=district, name="区园林绿化局")
    other = UserFactory(display_name="居民丙")
    ResidentFactory(
        household=HouseholdFactory(entrance=world.household_a.entrance, room="102"),
        name="居民丙",
        user=other,
        phone=other.phone,
    )
    property_other = UserFactory(display_name="物业乙")
    CommunityRoleFactory(
        user=property_other, community=community, role=CommunityRole.Role.PROPERTY_MANAGER
    )
    group = TaskGroupFactory(community=community, members=[world.users["property_a"]])
    reporter = world.users["resident_a"]
    case = CaseFactory(
        community=community,
        reporter_resident=reporter.resident,
        reporter_name="",
        reporter_phone="",
        task_group=group,
        description="大树遮挡阳光",
    )
    passed = ProposalFactory(community=community, status=Proposal.Status.PASSED)
    draft = ProposalFactory(community=community, status=Proposal.Status.DRAFT)
    open_whistle = WhistleFactory(community=community, department=department, case=case)
    responded = WhistleFactory(
        community=community,
        department=department,
        case=None,
        proposal=passed,
        status=Whistle.Status.RESPONDED,
        response="已到现场查看",
        responded_at=timezone.now(),
    )
    users = dict(
        world.users,
        reporter=reporter,
        other_resident=other,
        property_in_group=world.users["property_a"],
        property_not_in_group=property_other,
    )
    return {
        "community": community,
        "department": department,
        "case": case,
        "passed": passed,
        "draft": draft,
        "open": open_whistle,
        "responded": responded,
        "users": users,
    }


def _request_for(name: str, place) -> tuple[str, str, dict]:
    code = place["community"].code
    if name == "area_whistles":
        return "get", reverse("casework:area_whistles"), {}
    args = {
        "whistle_detail": [code, place["open"].pk],
        "whistle_respond": [code, place["open"].pk],
        "whistle_close": [code, place["responded"].pk],
    }.get(name, [code])
    data = {
        "whistle_create": {"case": place["case"].pk},
        "whistle_respond": {"response": "区园林局已派人修剪"},
        "whistle_close": {"outcome": Whistle.Outcome.SOLVED},
    }.get(name, {})
    method = "post" if name in POST_ONLY else "get"
    return method, reverse(f"casework:{name}", args=args), data


def _changed(name: str, place) -> bool:
    if name == "whistle_respond":
        place["open"].refresh_from_db()
        return place["open"].status == Whistle.Status.RESPONDED
    if name == "whistle_close":
        place["responded"].refresh_from_db()
        return place["responded"].status == Whistle.Status.CLOSED
    raise AssertionError(name)


MATRIX = params(EXPECTED)


@pytest.mark.parametrize(("name", "role", "expected"), MATRIX)
def test_role_url_matrix(client, place, name, role, expected):
    if role != "anonymous":
        client.force_login(place["users"][role])
    method, path, data = _request_for(name, place)
    response = getattr(client, method)(path, data)

    assert_answer(response, expected, f"{method.upper()} {path} as {role}")
    if name in POST_ONLY:
        assert _changed(name, place) == (expected == OK), f"{name} as {role}"


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_views_refuse_get(client, place, name):
    client.force_login(place["users"]["secretary_a"])
    _method, path, _data = _request_for(name, place)
    assert client.get(path).status_code == 405


# ---------------------------------------------------------------- the flow


def test_blow_respond_close_with_the_case_timeline(client, place):
    case = place["case"]
    client.force_login(place["users"]["subdistrict_a"])
    url = reverse("casework:whistle_create", args=["a"]) + f"?case={case.pk}"
    page = client.get(url)
    assert 'data-testid="whistle-subject"' in page.content.decode()
    assert case.reference in page.content.decode()
    form = page.context["form"]
    assert form.initial["respond_by"] == timezone.localdate() + dt.timedelta(days=7)
    assert list(form.fields["department"].queryset) == [place["department"]]

    respond_by = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        url,
        {
            "department": place["department"].pk,
            "request": "请修剪遮挡3号楼的大树",
            "respond_by": respond_by.isoformat(),
        },
    )
    assert response.status_code == 302
    whistle = Whistle.objects.get(request="请修剪遮挡3号楼的大树")
    assert response["Location"] == reverse("casework:whistle_detail", args=["a", whistle.pk])
    assert whistle.case == case and whistle.proposal is None
    assert whistle.respond_by == respond_by
    assert whistle.requested_by == place["users"]["subdistrict_a"]
    assert whistle.status == Whistle.Status.OPEN
    step = case.actions.get(kind=CaseAction.Kind.WHISTLE)
    assert "区园林绿化局" in step.note and "请修剪遮挡3号楼的大树" in step.note

    detail = client.get(response["Location"]).content.decode()
    assert reverse("casework:case_detail", args=["a", case.pk]) in detail
    assert 'data-testid="respond-form"' in detail
    assert 'data-testid="close-form"' not in detail

    response = client.post(
        reverse("casework:whistle_respond", args=["a", whistle.pk]),
        {"response": "园林局已到现场，约定周五修剪"},
    )
    assert response.status_code == 302
    whistle.refresh_from_db()
    assert whistle.status == Whistle.Status.RESPONDED
    assert whistle.response == "园林局已到现场，约定周五修剪"
    assert whistle.responded_at is not None
    assert 'data-testid="close-form"' in client.get(response["Location"]).content.decode()

    response = client.post(
        reverse("casework:whistle_close", args=["a", whistle.pk]),
        {"outcome": Whistle.Outcome.SOLVED, "note": "树已修剪"},
    )
    assert response.status_code == 302
    whistle.refresh_from_db()
    assert whistle.status == Whistle.Status.CLOSED
    assert (whistle.outcome, whistle.outcome_note) == ("solved", "树已修剪")
    detail = client.get(response["Location"]).content.decode()
    assert "树已修剪" in detail and 'data-testid="respond-form"' not in detail

    # A closed whistle takes no more responses: a message, nothing changed.
    response = client.post(
        reverse("casework:whistle_respond", args=["a", whistle.pk]),
        {"response": "又来了"},
        follow=True,
    )
    assert zh("This whistle is closed.") in _messages(response)
    whistle.refresh_from_db()
    assert whistle.response == "园林局已到现场，约定周五修剪"


def test_whistle_on_a_passed_proposal_links_the_proposal(client, place):
    client.force_login(place["users"]["worker_a"])
    url = reverse("casework:whistle_create", args=["a"]) + f"?proposal={place['passed'].pk}"
    response = client.post(
        url,
        {
            "department": place["department"].pk,
            "request": "请审批充电棚建设",
            "respond_by": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    whistle = Whistle.objects.get(request="请审批充电棚建设")
    assert whistle.proposal == place["passed"] and whistle.case is None
    detail = client.get(response["Location"]).content.decode()
    link = reverse("deliberation:proposal_detail", args=["a", place["passed"].pk])
    assert link in detail


# ---------------------------------------------------------------- bad input


def _blow_data(place, **changes) -> dict:
    data = {
        "department": place["department"].pk,
        "request": "请处理",
        "respond_by": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
    }
    data.update(changes)
    return data


def _other_district_department(place):
    return DepartmentFactory(district=DistrictFactory(name="海淀区", code="haidian"))


def _not_a_department(place):
    return Organisation.objects.create(
        community=place["community"],
        kind=Organisation.Kind.PROPERTY_COMPANY,
        name="某物业公司",
    )


def _inactive_department(place):
    return DepartmentFactory(district=place["department"].district, is_active=False)


BAD_WHISTLES = [
    pytest.param(
        "respond_by",
        lambda place: {"respond_by": (timezone.localdate() - dt.timedelta(days=1)).isoformat()},
        "The deadline can't be in the past.",
        id="past-respond-by",
    ),
    pytest.param(
        "department",
        lambda place: {"department": _other_district_department(place).pk},
        None,
        id="department-of-another-district",
    ),
    pytest.param(
        "department",
        lambda place: {"department": _not_a_department(place).pk},
        None,
        id="not-a-government-department",
    ),
    pytest.param(
        "department",
        lambda place: {"department": _inactive_department(place).pk},
        None,
        id="inactive-department",
    ),
    pytest.param(
        "request",
        lambda place: {"request": "   "},
        None,
        id="nothing-asked",
    ),
]


@pytest.mark.parametrize(("field", "changes", "message"), BAD_WHISTLES)
def test_bad_whistle_input_is_shown_next_to_the_field_and_nothing_is_written(
    client, place, field, changes, message
):
    client.force_login(place["users"]["secretary_a"])
    before = Whistle.objects.count()
    url = reverse("casework:whistle_create", args=["a"]) + f"?case={place['case'].pk}"
    response = client.post(url, _blow_data(place, **changes(place)))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    body = response.content.decode()
    assert escape(form.errors[field][0]) in body
    if message is not None:
        assert zh(message) in form.errors[field]
    assert Whistle.objects.count() == before
    assert not place["case"].actions.filter(kind=CaseAction.Kind.WHISTLE).exists()


def test_a_proposal_not_yet_passed_cannot_be_whistled(client, place):
    client.force_login(place["users"]["secretary_a"])
    url = reverse("casework:whistle_create", args=["a"]) + f"?proposal={place['draft'].pk}"
    page = client.get(url, follow=True)
    body = page.content.decode()
    assert 'data-testid="not-passed"' in body and "<textarea" not in body
    response = client.post(url, _blow_data(place))
    assert response.status_code == 200
    expected = zh("Only a passed proposal can be taken to a department.")
    assert expected in response.context["form"].non_field_errors()
    assert escape(expected) in response.content.decode()
    assert not Whistle.objects.filter(proposal=place["draft"]).exists()


def test_without_a_subject_the_page_says_where_to_start(client, place):
    client.force_login(place["users"]["secretary_a"])
    url = reverse("casework:whistle_create", args=["a"])
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="no-subject"' in page.content.decode()
    before = Whistle.objects.count()
    response = client.post(url, _blow_data(place), follow=True)
    assert response.status_code == 200
    assert zh("Blow the whistle from a case or a passed proposal.") in _messages(response)
    assert Whistle.objects.count() == before


@pytest.mark.parametrize(
    "query",
    ["case=foreign", "proposal=foreign", "case=999999", "case=abc", "case=own&proposal=own"],
)
def test_unknown_or_foreign_subject_is_404(client, world, place, query):
    foreign_case = CaseFactory(community=world.community_b)
    foreign_proposal = ProposalFactory(community=world.community_b, status="passed")
    query = (
        query.replace("case=foreign", f"case={foreign_case.pk}")
        .replace("proposal=foreign", f"proposal={foreign_proposal.pk}")
        .replace("case=own", f"case={place['case'].pk}")
        .replace("proposal=own", f"proposal={place['passed'].pk}")
    )
    client.force_login(place["users"]["secretary_a"])
    url = reverse("casework:whistle_create", args=["a"]) + "?" + query
    before = Whistle.objects.count()
    assert client.get(url).status_code == 404
    assert client.post(url, _blow_data(place)).status_code == 404
    assert Whistle.objects.count() == before


BAD_RESPONSES = [
    pytest.param(
        "response",
        {"response": "  "},
        "Write the department's response.",
        id="response-empty",
    ),
    pytest.param(
        "responded_at",
        {"response": "来过了", "responded_at": "2099-01-01T10:00"},
        "The response must fall between the whistle and now.",
        id="response-in-the-future",
    ),
    pytest.param(
        "responded_at",
        {"response": "来过了", "responded_at": "2000-01-01T10:00"},
        "The response must fall between the whistle and now.",
        id="response-before-the-whistle",
    ),
]


@pytest.mark.parametrize(("field", "data", "message"), BAD_RESPONSES)
def test_bad_response_is_shown_next_to_the_field_and_nothing_is_written(
    client, place, field, data, message
):
    client.force_login(place["users"]["worker_a"])
    whistle = place["open"]
    response = client.post(reverse("casework:whistle_respond", args=["a", whistle.pk]), data)
    assert response.status_code == 200
    form = response.context["respond_form"]
    assert list(form.errors) == [field]
    assert zh(message) in form.errors[field]
    assert escape(zh(message)) in response.content.decode()
    whistle.refresh_from_db()
    assert whistle.status == Whistle.Status.OPEN and whistle.response == ""


def test_closing_before_the_response_is_refused_on_the_page(client, place):
    client.force_login(place["users"]["worker_a"])
    whistle = place["open"]
    response = client.post(
        reverse("casework:whistle_close", args=["a", whistle.pk]), {"outcome": "solved"}
    )
    assert response.status_code == 200
    expected = zh("Record the department's response first.")
    assert expected in response.context["close_form"].non_field_errors()
    assert escape(expected) in response.content.decode()
    whistle.refresh_from_db()
    assert whistle.status == Whistle.Status.OPEN and whistle.outcome == ""


def test_closing_without_an_outcome_is_refused_next_to_the_field(client, place):
    client.force_login(place["users"]["worker_a"])
    whistle = place["responded"]
    response = client.post(reverse("casework:whistle_close", args=["a", whistle.pk]), {})
    assert response.status_code == 200
    assert zh("Choose the outcome.") in response.context["close_form"].errors["outcome"]
    whistle.refresh_from_db()
    assert whistle.status == Whistle.Status.RESPONDED


@pytest.mark.parametrize("role", ["secretary_a", "superuser"])
def test_another_communitys_whistle_is_404_and_changes_nothing(client, world, place, role):
    foreign = WhistleFactory(community=world.community_b)
    client.force_login(place["users"][role])
    assert client.get(reverse("casework:whistle_detail", args=["a", foreign.pk])).status_code == 404
    url = reverse("casework:whistle_respond", args=["a", foreign.pk])
    assert client.post(url, {"response": "改"}).status_code == 404
    foreign.status = Whistle.Status.RESPONDED
    foreign.response = "x"
    foreign.responded_at = timezone.now()
    foreign.save()
    url = reverse("casework:whistle_close", args=["a", foreign.pk])
    assert client.post(url, {"outcome": "solved"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Whistle.Status.RESPONDED and foreign.response == "x"


# ---------------------------------------------------------------- the list


def test_list_marks_late_whistles_and_filters_by_status(client, place):
    today = timezone.localdate()
    late = WhistleFactory(
        community=place["community"],
        department=place["department"],
        case=place["case"],
        requested_at=timezone.now() - dt.timedelta(days=10),
        respond_by=today - dt.timedelta(days=3),
    )
    # Past its date but the department has responded: not late any more.
    Whistle.objects.filter(pk=place["responded"].pk).update(respond_by=today - dt.timedelta(days=3))
    client.force_login(place["users"]["worker_a"])
    url = reverse("casework:whistle_list", args=["a"])
    response = client.get(url)
    rows = {w.pk: w for w in response.context["whistles"]}
    assert rows[late.pk].is_late and rows[late.pk].age_days == 10
    assert not rows[place["responded"].pk].is_late
    assert not rows[place["open"].pk].is_late and rows[place["open"].pk].age_days == 0
    body = response.content.decode()
    assert body.count('data-testid="late"') == 1
    link = reverse("deliberation:proposal_detail", args=["a", place["passed"].pk])
    assert link in body
    assert place["passed"].title in body

    shown = [w.pk for w in client.get(url, {"status": "responded"}).context["whistles"]]
    assert shown == [place["responded"].pk]
    response = client.get(url, {"status": "nonsense"})
    assert response.status_code == 200


# ---------------------------------------------------------------- the area page


def test_area_page_shows_only_whistles_under_the_user_with_their_ages(client, world, place):
    today = timezone.localdate()
    now = timezone.now()
    a2 = CommunityFactory(subdistrict=world.community_a.subdistrict, name="双合东里")
    old = WhistleFactory(
        community=a2,
        requested_at=now - dt.timedelta(days=12),
        respond_by=today - dt.timedelta(days=5),
    )
    WhistleFactory(
        community=world.community_a,
        department=place["department"],
        case=place["case"],
        requested_at=now - dt.timedelta(days=30),
        status=Whistle.Status.CLOSED,
        response="x",
        responded_at=now,
        outcome="solved",
        closed_at=now,
    )
    other_area = WhistleFactory(
        community=world.community_b, requested_at=now - dt.timedelta(days=40)
    )

    client.force_login(world.users["subdistrict_a"])
    response = client.get(reverse("casework:area_whistles"))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert [r["community__subdistrict__name"] for r in summary] == ["垡头街道"]
    # Open: the open and the responded whistles of A, and the late one of A's neighbour.
    assert (summary[0]["open_count"], summary[0]["late_count"]) == (3, 1)
    assert summary[0]["oldest_days"] == 12
    rows = response.context["whistles"]
    assert [w.pk for w in rows][0] == old.pk
    assert {w.pk for w in rows} == {old.pk, place["open"].pk, place["responded"].pk}
    assert rows[0].age_days == 12 and rows[0].is_late
    body = response.content.decode()
    assert "华贸中心" not in body and "双合东里" in body
    assert reverse("casework:whistle_detail", args=[a2.code, old.pk]) in body

    # Asking for another area's subdistrict shows nothing of it.
    response = client.get(
        reverse("casework:area_whistles"),
        {"subdistrict": world.community_b.subdistrict_id},
    )
    assert list(response.context["whistles"]) == []
    response = client.get(reverse("casework:area_whistles"), {"subdistrict": "x", "page": "z"})
    assert response.status_code == 200
    # A number too large for the database is a subdistrict like any other unknown one.
    response = client.get(reverse("casework:area_whistles"), {"subdistrict": "9" * 20})
    assert response.status_code == 200 and list(response.context["whistles"]) == []
    # One of the user's own subdistricts narrows the list to it.
    response = client.get(
        reverse("casework:area_whistles"),
        {"subdistrict": world.community_a.subdistrict_id},
    )
    assert {w.pk for w in response.context["whistles"]} == {
        old.pk,
        place["open"].pk,
        place["responded"].pk,
    }

    client.force_login(world.users["superuser"])
    response = client.get(reverse("casework:area_whistles"))
    names = [r["community__subdistrict__name"] for r in response.context["summary"]]
    assert sorted(names) == sorted(["垡头街道", "八里庄街道"])
    assert other_area.pk in {w.pk for w in response.context["whistles"]}


def test_district_staff_see_every_subdistrict_of_their_district(client, world, place):
    WhistleFactory(community=world.community_b)
    district_staff = AreaStaffRoleFactory(
        subdistrict=None, district=world.community_a.subdistrict.district
    ).user
    client.force_login(district_staff)
    response = client.get(reverse("casework:area_whistles"))
    assert len(response.context["summary"]) == 2


# ---------------------------------------------------------------- query counts


def _count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


LIST_QUERIES = 9
AREA_QUERIES = 9


def test_whistle_list_query_count_does_not_grow(client, world, place):
    """Nine queries for 2 or 22 whistles: session, user, community, scope (3), unread
    count; the paginator's COUNT and the page of whistles with department, case,
    proposal and who blew it (one query). The whistle check reads the scope loaded."""
    client.force_login(world.users["secretary_a"])
    url = reverse("casework:whistle_list", args=["a"])
    small = _count_queries(client, url)
    for i in range(10):
        WhistleFactory(
            community=place["community"], department=place["department"], case=place["case"]
        )
        WhistleFactory(
            community=place["community"],
            department=DepartmentFactory(district=place["department"].district),
            case=None,
            proposal=place["passed"],
            requested_at=timezone.now() - dt.timedelta(days=i),
        )
    large = _count_queries(client, url)
    assert small == large == LIST_QUERIES


def test_area_whistles_query_count_does_not_grow(client, world):
    """Nine queries for 2 or 20 communities (4 or 40 open whistles): session, user,
    scope (3), unread count; the per-subdistrict summary (one aggregate over the
    user's subdistricts as a subquery), the paginator's COUNT and the page of open
    whistles with community, subdistrict, department, case and proposal."""
    client.force_login(world.users["subdistrict_a"])
    url = reverse("casework:area_whistles")
    subdistrict = world.community_a.subdistrict

    def grow(n):
        for _ in range(n):
            community = CommunityFactory(subdistrict=subdistrict)
            WhistleFactory(community=community)
            WhistleFactory(
                community=community,
                case=None,
                proposal=ProposalFactory(community=community, status="passed"),
            )

    grow(2)
    small = _count_queries(client, url)
    grow(18)
    large = _count_queries(client, url)
    assert small == large == AREA_QUERIES
