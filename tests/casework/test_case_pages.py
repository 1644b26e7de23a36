"""The case desk's pages: who gets what, the 12345 flow from the office to the property
task group and back, bad input shown next to its field, the CSV export, and query counts.

The matrix is written out by hand so a reader can check each cell against
``casework/rules.py`` and ``casework/views/cases.py``:

- anonymous visitors are sent to the login page;
- secretary_b (no tie to community A) gets 404 everywhere;
- residents of A (the reporter and another resident) get 403 on the office's pages, except
  that the reporter is sent on to their own page of the case and may open its files;
- office staff and the superuser do everything; area staff read (list, case, files,
  export, task groups) and are refused every write with 403;
- property staff see the cases of their task group and record steps, close and attach
  files there; the case of a group they are not in is 404 to them; they may not export,
  receive, correct, assign, rate, reopen or manage task groups (403).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from casework import services
from casework import urls as casework_urls
from casework.forms.cases import CaseForm
from casework.models import Case, CaseAction, CaseAttachment, TaskGroup
from casework.views.cases import place_service_error
from communities.models import CommunityRole, Resident
from notifications.models import Notification
from tests.casework.factories import (
    CaseCategoryFactory,
    CaseFactory,
    TaskGroupFactory,
    WhistleFactory,
    beijing,
)
from tests.casework.matrix import LOGIN, OK, params
from tests.factories import (
    BuildingFactory,
    CommunityRoleFactory,
    EntranceFactory,
    HouseholdFactory,
    ResidentFactory,
    UserFactory,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# The reporter is sent to their own page of the case.
MINE = "mine"

# fmt: off
EXPECTED = {
    #                     anon,  rep,   oth,   wrk,   sec,  secb,  p_in, p_out,   sub, super
    "case_list":         (LOGIN,  403,   403,   200,   200,   404,   200,   200,   200,   200),
    "case_export":       (LOGIN,  403,   403,   200,   200,   404,   403,   403,   200,   200),
    "case_create":       (LOGIN,  403,   403,   200,   200,   404,   403,   403,   403,   200),
    "case_detail":       (LOGIN, MINE,   403,   200,   200,   404,   200,   404,   200,   200),
    "case_edit":         (LOGIN,  403,   403,   200,   200,   404,   403,   403,   403,   200),
    "case_assign":       (LOGIN,  403,   403,    OK,    OK,   404,   403,   403,   403,    OK),
    "case_action":       (LOGIN,  403,   403,    OK,    OK,   404,    OK,   404,   403,    OK),
    "case_close":        (LOGIN,  403,   403,    OK,    OK,   404,    OK,   404,   403,    OK),
    "case_rate":         (LOGIN,  403,   403,    OK,    OK,   404,   403,   403,   403,    OK),
    "case_reopen":       (LOGIN,  403,   403,    OK,    OK,   404,   403,   403,   403,    OK),
    "attachment_upload": (LOGIN,  403,   403,    OK,    OK,   404,    OK,   404,   403,    OK),
    "attachment_file":   (LOGIN,  200,   403,   200,   200,   404,   200,   404,   200,   200),
    "taskgroup_list":    (LOGIN,  403,   403,   200,   200,   404,   403,   403,   200,   200),
    "taskgroup_create":  (LOGIN,  403,   403,   200,   200,   404,   403,   403,   403,   200),
    "taskgroup_edit":    (LOGIN,  403,   403,   200,   200,   404,   403,   403,   403,   200),
}
# fmt: on

POST_ONLY = {
    "case_assign",
    "case_action",
    "case_close",
    "case_rate",
    "case_reopen",
    "attachment_upload",
}
MY_MODULE = "casework.views.cases"


def zh(msgid: str) -> str:
    """The text the site renders for msgid (in Simplified Chinese, the site's language)."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_matrix_covers_every_url_name_of_the_case_desk():
    """A new page of the case desk must get a row here before it ships."""
    names = {
        p.name for p in casework_urls.urlpatterns if p.callback.view_class.__module__ == MY_MODULE
    }
    assert set(EXPECTED) == names


# ---------------------------------------------------------------- objects


def png(name="photo.png", content=PNG, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def staff(community, role, name):
    user = UserFactory(display_name=name)
    CommunityRoleFactory(user=user, community=community, role=role)
    return user


@pytest.fixture
def desk(world):
    """Community A's case desk: a task group with property_a, a property manager outside
    it, an open 12345 order of resident_a forwarded to the group (with a file), and a
    closed case of the group."""
    community = world.community_a
    users = dict(world.users)
    entrance = world.household_a.entrance
    category = CaseCategoryFactory(name="楼道照明")
    group = TaskGroupFactory(community=community, name="物业专班", members=[users["property_a"]])
    users["property_in_group"] = users["property_a"]
    users["property_not_in_group"] = staff(community, CommunityRole.Role.PROPERTY_MANAGER, "物业乙")
    users["reporter"] = users["resident_a"]
    other_home = HouseholdFactory(entrance=entrance, room="102")
    users["other_resident"] = UserFactory(display_name="邻居")
    ResidentFactory(household=other_home, name="邻居", user=users["other_resident"])
    reporter = Resident.objects.get(user=users["reporter"])
    case = CaseFactory(
        community=community,
        hotline=True,
        category=category,
        building=entrance.building,
        entrance=entrance,
        reporter_resident=reporter,
        reporter_name="",
        reporter_phone="",
        task_group=group,
        status=Case.Status.IN_PROGRESS,
        created_by=users["worker_a"],
    )
    closed_at = timezone.now() - dt.timedelta(minutes=10)
    closed = CaseFactory(
        community=community,
        category=category,
        building=entrance.building,
        task_group=group,
        status=Case.Status.CLOSED,
        closed_at=closed_at,
        outcome=Case.Outcome.RESOLVED,
        outcome_note="已修好",
        created_by=users["worker_a"],
    )
    attachment = CaseAttachment.objects.create(
        case=case, file=png("现场.png"), caption="现场照片", uploaded_by=users["worker_a"]
    )
    return {
        "community": community,
        "category": category,
        "group": group,
        "entrance": entrance,
        "case": case,
        "closed": closed,
        "attachment": attachment,
        "reporter": reporter,
        "users": users,
    }


def _request_for(name: str, desk) -> tuple[str, str, dict]:
    code = desk["community"].code
    case, closed = desk["case"], desk["closed"]
    target = closed if name in ("case_rate", "case_reopen") else case
    args = {
        "case_detail": [code, target.pk],
        "case_edit": [code, target.pk],
        "case_assign": [code, target.pk],
        "case_action": [code, target.pk],
        "case_close": [code, target.pk],
        "case_rate": [code, target.pk],
        "case_reopen": [code, target.pk],
        "attachment_upload": [code, target.pk],
        "attachment_file": [code, case.pk, desk["attachment"].pk],
        "taskgroup_edit": [code, desk["group"].pk],
    }.get(name, [code])
    data = {
        "case_assign": {"assign-worker": desk["users"]["worker_a"].pk},
        "case_action": {"step-kind": "contacted", "step-note": "已电话联系"},
        "case_close": {"close-outcome": "resolved", "close-note": "已更换灯泡"},
        "case_rate": {"rate-satisfaction": "satisfied"},
        "case_reopen": {"reopen-reason": "灯又不亮了"},
        "attachment_upload": {"upload-file": png(), "upload-caption": "修好后"},
    }.get(name, {})
    method = "post" if name in POST_ONLY else "get"
    return method, reverse(f"casework:{name}", args=args), data


def _changed(name: str, desk) -> bool:
    """Whether the POST of this URL name changed its row."""
    case, closed = desk["case"], desk["closed"]
    case.refresh_from_db()
    closed.refresh_from_db()
    if name == "case_assign":
        return case.assigned_worker_id == desk["users"]["worker_a"].pk
    if name == "case_action":
        return case.actions.filter(kind=CaseAction.Kind.CONTACTED).exists()
    if name == "case_close":
        return case.status == Case.Status.CLOSED
    if name == "case_rate":
        return closed.satisfaction == Case.Satisfaction.SATISFIED
    if name == "case_reopen":
        return closed.status == Case.Status.IN_PROGRESS
    if name == "attachment_upload":
        return case.attachments.count() == 2
    raise AssertionError(name)


MATRIX = params(EXPECTED)


@pytest.mark.parametrize(("name", "role", "expected"), MATRIX)
def test_role_url_matrix(client, desk, name, role, expected):
    if role != "anonymous":
        client.force_login(desk["users"][role])
    method, path, data = _request_for(name, desk)
    response = getattr(client, method)(path, data)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif expected == MINE:
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "casework:my_case_detail", args=["a", desk["case"].pk]
        )
    elif expected == OK:
        assert response.status_code == 302, f"{method.upper()} {path} as {role}"
        target = desk["closed"] if name in ("case_rate", "case_reopen") else desk["case"]
        assert response["Location"] == reverse("casework:case_detail", args=["a", target.pk])
    else:
        assert response.status_code == expected, f"{method.upper()} {path} as {role}"
    if name in POST_ONLY:
        assert _changed(name, desk) == (expected == OK), f"{name} as {role}"


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_get_on_a_post_only_url_is_405(client, desk, name):
    client.force_login(desk["users"]["secretary_a"])
    _method, path, _data = _request_for(name, desk)
    assert client.get(path).status_code == 405


# ---------------------------------------------------------------- the 12345 flow


def test_office_receives_forwards_group_fixes_and_closes_worker_records_call_back(client, desk):
    users = desk["users"]
    entrance = desk["entrance"]
    client.force_login(users["worker_a"])
    received = timezone.localtime() - dt.timedelta(hours=2)
    response = client.post(
        reverse("casework:case_create", args=["a"]),
        {
            "source": "hotline_12345",
            "order_number": " 20260105000123 ",
            "received_at": received.strftime("%Y-%m-%dT%H:%M"),
            "category": desk["category"].pk,
            "urgency": "urgent",
            "description": "3单元楼道灯不亮，老人晚上看不见",
            "entrance": entrance.pk,
            "location_detail": "三层",
            "reporter_resident": desk["reporter"].pk,
        },
    )
    case = Case.objects.get(order_number="20260105000123")
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:case_detail", args=["a", case.pk])
    assert case.status == Case.Status.RECEIVED
    # The entrance alone filled in its building.
    assert case.building == entrance.building
    assert case.created_by == users["worker_a"]

    # The property member can't see it yet: it is not forwarded to their group.
    client.force_login(users["property_in_group"])
    assert client.get(reverse("casework:case_detail", args=["a", case.pk])).status_code == 404

    client.force_login(users["worker_a"])
    response = client.post(
        reverse("casework:case_assign", args=["a", case.pk]),
        {"assign-task_group": desk["group"].pk},
        follow=True,
    )
    assert zh("The case has been assigned.") in _messages(response)
    case.refresh_from_db()
    assert case.task_group == desk["group"] and case.status == Case.Status.IN_PROGRESS
    assert Notification.objects.filter(
        recipient=users["property_in_group"], url__contains=str(case.pk)
    )

    client.force_login(users["property_in_group"])
    detail = reverse("casework:case_detail", args=["a", case.pk])
    body = client.get(detail).content.decode()
    assert 'data-testid="step-form"' in body and 'data-testid="close-form"' in body
    # A handler sees the reporter's full number; the office's own forms are not offered.
    assert desk["reporter"].phone in body
    assert 'data-testid="assign-form"' not in body
    response = client.post(
        reverse("casework:case_action", args=["a", case.pk]),
        {"step-kind": "fixed", "step-note": "已更换灯泡"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("casework:case_close", args=["a", case.pk]),
        {"close-outcome": "resolved", "close-note": "更换了三层的灯泡"},
        follow=True,
    )
    assert zh(
        "The case has been closed. The community office will call the reporter back."
    ) in _messages(response)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.outcome == Case.Outcome.RESOLVED
    assert case.contacted_at is not None
    # The property member may not record the call-back.
    rate = reverse("casework:case_rate", args=["a", case.pk])
    assert client.post(rate, {"rate-satisfaction": "satisfied"}).status_code == 403

    client.force_login(users["worker_a"])
    body = client.get(detail).content.decode()
    assert 'data-testid="rate-form"' in body
    response = client.post(
        rate, {"rate-satisfaction": "basically", "rate-note": "电话回访"}, follow=True
    )
    assert zh("The reporter's satisfaction has been recorded.") in _messages(response)
    case.refresh_from_db()
    assert case.satisfaction == Case.Satisfaction.BASICALLY
    assert case.rated_via == Case.RatedVia.CALLBACK and case.rated_by == users["worker_a"]
    kinds = list(case.actions.values_list("kind", flat=True))
    assert kinds == ["received", "forwarded", "fixed", "closed", "rated"]
    body = response.content.decode()
    assert 'data-testid="rate-form"' not in body
    assert zh("Basically satisfied") in body


def test_reopen_with_a_reason_starts_a_new_round(client, desk):
    client.force_login(desk["users"]["secretary_a"])
    closed = desk["closed"]
    response = client.post(
        reverse("casework:case_reopen", args=["a", closed.pk]),
        {"reopen-reason": "居民反映灯又不亮了"},
        follow=True,
    )
    assert zh("The case has been reopened.") in _messages(response)
    closed.refresh_from_db()
    assert closed.status == Case.Status.IN_PROGRESS and closed.reopen_count == 1
    assert closed.actions.get(kind="reopened").note == "居民反映灯又不亮了"


# ---------------------------------------------------------------- property staff


def test_property_staff_see_only_their_groups_cases(client, desk):
    other = CaseFactory(community=desk["community"], created_by=desk["users"]["worker_a"])
    url = reverse("casework:case_list", args=["a"])
    client.force_login(desk["users"]["property_in_group"])
    body = client.get(url).content.decode()
    assert desk["case"].reference in body and other.reference not in body
    client.force_login(desk["users"]["property_not_in_group"])
    response = client.get(url)
    assert response.status_code == 200
    assert desk["case"].reference not in response.content.decode()
    assert list(response.context["cases"]) == []


def test_property_staff_outside_the_group_can_not_act(client, desk):
    client.force_login(desk["users"]["property_not_in_group"])
    case = desk["case"]
    for name, data in (
        ("case_action", {"step-kind": "fixed", "step-note": "x"}),
        ("case_close", {"close-outcome": "resolved", "close-note": "x"}),
        ("attachment_upload", {"upload-file": png()}),
    ):
        url = reverse(f"casework:{name}", args=["a", case.pk])
        assert client.post(url, data).status_code == 404, name
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert not case.actions.exists() and case.attachments.count() == 1


def test_an_inactive_group_loses_access(client, desk):
    TaskGroup.objects.filter(pk=desk["group"].pk).update(is_active=False)
    client.force_login(desk["users"]["property_in_group"])
    url = reverse("casework:case_detail", args=["a", desk["case"].pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ["property_in_group", "property_not_in_group", "subdistrict_a"])
def test_non_office_staff_can_not_assign_rate_or_reopen(client, desk, role):
    client.force_login(desk["users"][role])
    case, closed = desk["case"], desk["closed"]
    posts = [
        ("case_assign", case, {"assign-worker": desk["users"]["worker_a"].pk}),
        ("case_rate", closed, {"rate-satisfaction": "satisfied"}),
        ("case_reopen", closed, {"reopen-reason": "再看看"}),
    ]
    for name, target, data in posts:
        url = reverse(f"casework:{name}", args=["a", target.pk])
        assert client.post(url, data).status_code == 403, name
    case.refresh_from_db()
    closed.refresh_from_db()
    assert case.assigned_worker is None
    assert closed.status == Case.Status.CLOSED and closed.satisfaction == ""


# ---------------------------------------------------------------- another community


def test_another_communitys_case_and_file_are_404(client, world, desk):
    foreign = CaseFactory(community=world.community_b, created_by=world.users["secretary_b"])
    foreign_file = CaseAttachment.objects.create(case=foreign, file=png())
    client.force_login(desk["users"]["secretary_a"])
    for name in ("case_detail", "case_edit"):
        assert client.get(reverse(f"casework:{name}", args=["a", foreign.pk])).status_code == 404
    for name in ("case_action", "case_close", "case_assign", "attachment_upload"):
        url = reverse(f"casework:{name}", args=["a", foreign.pk])
        assert client.post(url, {"step-kind": "note", "step-note": "x"}).status_code == 404
    # Another case's file through this case's address.
    url = reverse("casework:attachment_file", args=["a", desk["case"].pk, foreign_file.pk])
    assert client.get(url).status_code == 404
    url = reverse("casework:attachment_file", args=["a", desk["closed"].pk, desk["attachment"].pk])
    assert client.get(url).status_code == 404
    foreign_group = TaskGroupFactory(community=world.community_b)
    url = reverse("casework:taskgroup_edit", args=["a", foreign_group.pk])
    assert client.get(url).status_code == 404
    assert not foreign.actions.exists()


def test_reporter_opens_the_file_of_their_case(client, desk):
    client.force_login(desk["users"]["reporter"])
    url = reverse("casework:attachment_file", args=["a", desk["case"].pk, desk["attachment"].pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"


# ---------------------------------------------------------------- the case's page


def test_detail_shows_deadlines_timeline_files_whistles_and_links(client, desk):
    case = desk["case"]
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        contact_due=now - dt.timedelta(hours=1), resolve_due=now + dt.timedelta(days=2)
    )
    services.record_step(case, CaseAction.Kind.NOTE, desk["users"]["worker_a"], note="先记一笔")
    WhistleFactory(community=desk["community"], case=case, requested_by=desk["users"]["worker_a"])
    client.force_login(desk["users"]["worker_a"])
    body = client.get(reverse("casework:case_detail", args=["a", case.pk])).content.decode()
    assert 'data-testid="contact-overdue"' in body
    assert 'data-testid="resolve-remaining"' in body
    assert "先记一笔" in body and "社工甲" in body
    file_url = reverse("casework:attachment_file", args=["a", case.pk, desk["attachment"].pk])
    assert file_url in body and "/media/" not in body
    whistle = reverse("casework:whistle_create", args=["a"]) + f"?case={case.pk}"
    assert whistle in body
    assert "区园林绿化局" in body
    for form in ("step", "close", "assign", "upload"):
        assert f'data-testid="{form}-form"' in body
    for form in ("rate", "reopen"):
        assert f'data-testid="{form}-form"' not in body


def test_area_staff_read_the_case_with_the_phone_masked_and_no_forms(client, desk):
    client.force_login(desk["users"]["subdistrict_a"])
    body = client.get(reverse("casework:case_detail", args=["a", desk["case"].pk])).content
    body = body.decode()
    phone = desk["reporter"].phone
    assert phone not in body and f"{phone[:3]}****{phone[7:]}" in body
    for form in ("step", "close", "assign", "rate", "reopen", "upload"):
        assert f'data-testid="{form}-form"' not in body
    assert 'data-testid="case-edit"' not in body


def test_detail_links_the_proposal(client, desk):
    from tests.deliberation.factories import ProposalFactory

    proposal = ProposalFactory(community=desk["community"])
    Case.objects.filter(pk=desk["case"].pk).update(proposal=proposal)
    client.force_login(desk["users"]["worker_a"])
    body = client.get(reverse("casework:case_detail", args=["a", desk["case"].pk])).content
    assert reverse("deliberation:proposal_detail", args=["a", proposal.pk]) in body.decode()


# ---------------------------------------------------------------- bad input: receiving


def _create_data(desk, **changes):
    data = {
        "source": "phone",
        "order_number": "",
        "received_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "category": desk["category"].pk,
        "urgency": "general",
        "description": "垃圾桶满了",
        "building": desk["entrance"].building.pk,
        "reporter_name": "王大爷",
        "reporter_phone": "139 1111 2222",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"source": "hotline_12345"}, "order_number", "A 12345 order needs its order number."),
        ({"description": ""}, "description", "This field is required."),
        (
            {"reporter_name": ""},
            "reporter_name",
            "Give the reporter's name, or choose the resident.",
        ),
        ({"reporter_phone": "12345"}, "reporter_phone", None),
        ({"received_at": "明天"}, "received_at", "Enter a valid date/time."),
        ({"category": "999999"}, "category", None),
    ],
)
def test_create_bad_input_is_shown_next_to_the_field(client, desk, changes, field, message):
    client.force_login(desk["users"]["worker_a"])
    before = Case.objects.count()
    response = client.post(
        reverse("casework:case_create", args=["a"]), _create_data(desk, **changes)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        assert zh(message) in errors[field]
    assert Case.objects.count() == before


def test_create_refuses_a_future_time_an_entrance_elsewhere_and_a_retired_category(client, desk):
    client.force_login(desk["users"]["worker_a"])
    url = reverse("casework:case_create", args=["a"])
    before = Case.objects.count()
    future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, _create_data(desk, received_at=future))
    assert (
        zh("The time received can't be in the future.")
        in response.context["form"].errors["received_at"]
    )
    other_entrance = EntranceFactory(building=BuildingFactory(community=desk["community"]))
    response = client.post(url, _create_data(desk, entrance=other_entrance.pk))
    assert (
        zh("This entrance is in another building.") in response.context["form"].errors["entrance"]
    )
    foreign_entrance = EntranceFactory()
    response = client.post(url, _create_data(desk, entrance=foreign_entrance.pk))
    assert "entrance" in response.context["form"].errors
    retired = CaseCategoryFactory(name="已停用类别", is_active=False)
    response = client.post(url, _create_data(desk, category=retired.pk))
    assert "category" in response.context["form"].errors
    assert Case.objects.count() == before


def test_duplicate_order_number_is_shown_next_to_the_number(client, desk):
    client.force_login(desk["users"]["worker_a"])
    number = desk["case"].order_number
    response = client.post(
        reverse("casework:case_create", args=["a"]),
        _create_data(desk, source="hotline_12345", order_number=number),
    )
    assert response.status_code == 200
    assert (
        zh("A case with this order number already exists.")
        in response.context["form"].errors["order_number"]
    )
    assert Case.objects.filter(order_number=number).count() == 1


def test_duplicate_refused_after_the_forms_check_lands_next_to_the_number(desk):
    """Two workers entering one order at once: the form's own check passed for both. The
    second is refused by the service, or by the model's constraint check (which names no
    field); either way the message goes next to the order number, other errors stay."""
    users = desk["users"]
    number = desk["case"].order_number
    with pytest.raises(ValidationError) as by_service:
        services.case_create(
            community=desk["community"],
            by=users["worker_a"],
            source=Case.Source.HOTLINE,
            order_number=number,
            category=desk["category"],
            description="重复",
            reporter_name="王",
        )
    twin = Case(source=Case.Source.HOTLINE, order_number=number)
    with pytest.raises(ValidationError) as by_constraint:
        twin.validate_constraints()
    assert NON_FIELD_ERRORS in by_constraint.value.error_dict
    other = ValidationError({NON_FIELD_ERRORS: ["另一个问题"]})
    duplicate = zh("A case with this order number already exists.")
    for exc in (by_service.value, by_constraint.value):
        form = CaseForm({}, community=desk["community"])
        form.is_valid()
        place_service_error(form, exc)
        assert duplicate in form.errors["order_number"]
        assert duplicate not in form.non_field_errors()
        place_service_error(form, other)
        assert form.non_field_errors() == ["另一个问题"]


def test_office_finds_the_reporter_by_phone_and_keeps_what_was_typed(client, desk):
    client.force_login(desk["users"]["worker_a"])
    url = reverse("casework:case_create", args=["a"])
    phone = desk["reporter"].phone
    response = client.post(
        url, _create_data(desk, description="暖气不热", find=phone[-4:], search="1")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound
    body = response.content.decode()
    assert "居民甲" in body and "暖气不热" in body
    assert f'value="{desk["reporter"].pk}"' in body
    # The full number is not printed in the choice list.
    assert phone not in body.replace(f'value="{phone[-4:]}"', "")
    response = client.post(
        url, _create_data(desk, reporter_name="", reporter_resident=desk["reporter"].pk)
    )
    assert response.status_code == 302
    assert Case.objects.get(description="垃圾桶满了").reporter_resident == desk["reporter"]


def test_create_with_worker_and_group_notifies_both(client, desk):
    users = desk["users"]
    client.force_login(users["secretary_a"])
    response = client.post(
        reverse("casework:case_create", args=["a"]),
        _create_data(desk, assigned_worker=users["worker_a"].pk, task_group=desk["group"].pk),
    )
    assert response.status_code == 302
    case = Case.objects.get(description="垃圾桶满了")
    assert case.reporter_phone == "13911112222"
    assert case.assigned_worker == users["worker_a"] and case.task_group == desk["group"]
    assert Notification.objects.filter(recipient=users["worker_a"]).exists()
    assert Notification.objects.filter(recipient=users["property_in_group"]).exists()


def test_create_offers_only_office_workers_and_active_groups(client, desk):
    TaskGroupFactory(community=desk["community"], name="旧专班", is_active=False)
    client.force_login(desk["users"]["worker_a"])
    response = client.post(
        reverse("casework:case_create", args=["a"]),
        _create_data(desk, assigned_worker=desk["users"]["property_in_group"].pk),
    )
    assert "assigned_worker" in response.context["form"].errors
    body = client.get(reverse("casework:case_create", args=["a"])).content.decode()
    assert "物业专班" in body and "旧专班" not in body


# ---------------------------------------------------------------- bad input: correcting


def test_edit_corrects_an_open_case(client, desk):
    client.force_login(desk["users"]["worker_a"])
    case = desk["case"]
    url = reverse("casework:case_edit", args=["a", case.pk])
    page = client.get(url)
    assert page.context["form"].initial["order_number"] == case.order_number
    data = {
        "order_number": case.order_number,
        "received_at": timezone.localtime(case.received_at).strftime("%Y-%m-%dT%H:%M"),
        "category": case.category_id,
        "urgency": "urgent",
        "description": "更正：楼道灯和门禁都坏了",
        "building": case.building_id,
        "entrance": case.entrance_id,
        "reporter_resident": desk["reporter"].pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.urgency == "urgent" and case.description.startswith("更正")

    # Bad input: the message next to the field, nothing saved.
    for changes, field in (
        ({"order_number": ""}, "order_number"),
        ({"description": ""}, "description"),
        (
            {
                "received_at": (timezone.localtime() + dt.timedelta(days=2)).strftime(
                    "%Y-%m-%dT%H:%M"
                )
            },
            "received_at",
        ),
        ({"order_number": desk_other_number(desk)}, "order_number"),
    ):
        response = client.post(
            url, {**data, **changes, "description": changes.get("description", "不该保存")}
        )
        assert response.status_code == 200
        assert field in response.context["form"].errors, (changes, response.context["form"].errors)
        case.refresh_from_db()
        assert case.description.startswith("更正")


def desk_other_number(desk) -> str:
    other = CaseFactory(community=desk["community"], hotline=True)
    return other.order_number


def test_edit_of_a_closed_case_is_sent_back_with_a_message(client, desk):
    client.force_login(desk["users"]["worker_a"])
    url = reverse("casework:case_edit", args=["a", desk["closed"].pk])
    response = client.get(url, follow=True)
    assert zh("A closed case can't be edited; reopen it first.") in _messages(response)
    response = client.post(url, {"description": "改"})
    assert response.status_code == 302
    desk["closed"].refresh_from_db()
    assert desk["closed"].description != "改"


# ---------------------------------------------------------------- bad input: the page's forms


@pytest.mark.parametrize(
    ("name", "data", "field", "message"),
    [
        ("case_action", {"step-kind": "note", "step-note": ""}, "note", "Write the note."),
        ("case_action", {"step-kind": "closed"}, "kind", None),
        (
            "case_action",
            {"step-kind": "contacted", "step-at": "2000-01-01T08:00"},
            "at",
            "This is before the case was received.",
        ),
        ("case_close", {"close-note": "修好了"}, "outcome", "This field is required."),
        (
            "case_close",
            {"close-outcome": "resolved", "close-note": "  "},
            "note",
            "This field is required.",
        ),
        (
            "case_close",
            {"close-outcome": "resolved", "close-note": "好", "close-at": "2099-01-01T08:00"},
            "at",
            "This time is in the future.",
        ),
        ("attachment_upload", {"upload-file": "text"}, "file", None),
    ],
)
def test_page_form_bad_input_shows_the_page_with_the_error(
    client, desk, name, data, field, message
):
    client.force_login(desk["users"]["property_in_group"])
    case = desk["case"]
    response = client.post(reverse(f"casework:{name}", args=["a", case.pk]), data)
    assert response.status_code == 200
    prefix = {"case_action": "step", "case_close": "close", "attachment_upload": "upload"}[name]
    form = response.context[f"{prefix}_form"]
    assert field in form.errors, form.errors
    if message:
        assert zh(message) in form.errors[field]
        assert zh(message) in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert not case.actions.exists() and case.attachments.count() == 1


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (png("notes.png", b"just text", "image/png"), "The file is not a real PDF, JPG or PNG."),
        (png("notes.txt", b"just text", "text/plain"), "Upload a PDF, JPG or PNG file."),
        # Real PNG bytes under a name that would be served as a web page.
        (png("page.html"), "Upload a PDF, JPG or PNG file."),
        (png("big.png", PNG + b"\x00" * (10 * 1024 * 1024)), "The file is larger than 10 MB."),
    ],
)
def test_upload_refuses_wrong_or_big_files(client, desk, upload, message):
    client.force_login(desk["users"]["worker_a"])
    url = reverse("casework:attachment_upload", args=["a", desk["case"].pk])
    response = client.post(url, {"upload-file": upload})
    assert response.status_code == 200
    assert zh(message) in response.context["upload_form"].errors["file"]
    assert desk["case"].attachments.count() == 1


def test_upload_of_a_pdf_is_listed_and_served(client, desk):
    client.force_login(desk["users"]["property_in_group"])
    url = reverse("casework:attachment_upload", args=["a", desk["case"].pk])
    pdf = SimpleUploadedFile("回执.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(url, {"upload-file": pdf, "upload-caption": "维修回执"}, follow=True)
    assert zh("The file has been attached.") in _messages(response)
    attachment = desk["case"].attachments.get(caption="维修回执")
    file_url = reverse("casework:attachment_file", args=["a", desk["case"].pk, attachment.pk])
    assert file_url in response.content.decode()
    served = client.get(file_url)
    assert b"".join(served.streaming_content) == b"%PDF-1.4 test"


def test_assign_needs_a_worker_or_a_group(client, desk):
    client.force_login(desk["users"]["worker_a"])
    response = client.post(reverse("casework:case_assign", args=["a", desk["case"].pk]), {})
    assert response.status_code == 200
    assert (
        zh("Choose a worker, a task group, or both.")
        in response.context["assign_form"].non_field_errors()
    )
    desk["case"].refresh_from_db()
    assert desk["case"].task_group == desk["group"]


def test_rate_and_reopen_bad_input(client, desk):
    client.force_login(desk["users"]["worker_a"])
    closed = desk["closed"]
    rate = reverse("casework:case_rate", args=["a", closed.pk])
    response = client.post(rate, {"rate-satisfaction": "delighted"})
    assert response.status_code == 200
    assert "satisfaction" in response.context["rate_form"].errors
    response = client.post(rate, {"rate-satisfaction": "satisfied", "rate-at": "2000-01-01T08:00"})
    assert zh("This is before the case was received.") in response.context["rate_form"].errors["at"]
    reopen = reverse("casework:case_reopen", args=["a", closed.pk])
    response = client.post(reopen, {"reopen-reason": "   "})
    assert response.status_code == 200
    assert zh("This field is required.") in response.context["reopen_form"].errors["reason"]
    closed.refresh_from_db()
    assert closed.status == Case.Status.CLOSED and closed.satisfaction == ""
    assert not closed.actions.exists()


def test_actions_on_a_case_in_the_wrong_state_are_refused_with_a_message(client, desk):
    client.force_login(desk["users"]["worker_a"])
    case, closed = desk["case"], desk["closed"]
    checks = [
        (
            "case_rate",
            case,
            {"rate-satisfaction": "satisfied"},
            "A case is rated after it has been closed.",
        ),
        ("case_reopen", case, {"reopen-reason": "再开"}, "Only a closed case can be reopened."),
        (
            "case_close",
            closed,
            {"close-outcome": "resolved", "close-note": "再关"},
            "This case is already closed.",
        ),
        (
            "case_action",
            closed,
            {"step-kind": "contacted"},
            "This case is closed; reopen it to add steps.",
        ),
        (
            "case_assign",
            closed,
            {"assign-worker": desk["users"]["worker_a"].pk},
            "This case is closed.",
        ),
    ]
    for name, target, data, message in checks:
        url = reverse(f"casework:{name}", args=["a", target.pk])
        response = client.post(url, data)
        assert response.status_code == 302, name
        assert response["Location"] == reverse("casework:case_detail", args=["a", target.pk])
        followed = client.get(response["Location"])
        assert zh(message) in _messages(followed), name
    case.refresh_from_db()
    closed.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.satisfaction == ""
    assert closed.outcome_note == "已修好" and closed.assigned_worker is None
    assert not case.actions.exists() and not closed.actions.exists()
    # Rated once: a second call-back is refused.
    services.case_rate(
        case=closed, by=desk["users"]["worker_a"], satisfaction="satisfied", via="callback"
    )
    response = client.post(
        reverse("casework:case_rate", args=["a", closed.pk]),
        {"rate-satisfaction": "dissatisfied"},
        follow=True,
    )
    assert zh("This case has already been rated.") in _messages(response)
    closed.refresh_from_db()
    assert closed.satisfaction == "satisfied"


# ---------------------------------------------------------------- list and export


def test_list_masks_phones_shows_overdue_and_filters(client, desk):
    community, users = desk["community"], desk["users"]
    now = timezone.now()
    late = CaseFactory(
        community=community,
        description="井盖松动",
        reporter_name="李阿姨",
        reporter_phone="13800001111",
        received_at=now - dt.timedelta(days=3),
        contact_due=now - dt.timedelta(days=2),
        resolve_due=now + dt.timedelta(days=1),
        assigned_worker=users["worker_a"],
        created_by=users["worker_a"],
    )
    client.force_login(users["worker_a"])
    url = reverse("casework:case_list", args=["a"])
    body = client.get(url).content.decode()
    assert "13800001111" not in body and "138****1111" in body
    assert 'data-testid="overdue"' in body
    assert 'data-testid="case-export"' in body and 'data-testid="case-create"' in body

    def refs(params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {c.pk for c in response.context["cases"]}

    case, closed = desk["case"], desk["closed"]
    assert refs({"overdue": "on"}) == {late.pk}
    assert refs({"q": case.order_number[-6:]}) == {case.pk}
    assert refs({"q": "李阿姨"}) == {late.pk}
    assert refs({"q": f"#{closed.pk}"}) == {closed.pk}
    assert refs({"status": "closed"}) == {closed.pk}
    assert refs({"source": "hotline_12345"}) == {case.pk}
    assert refs({"worker": users["worker_a"].pk}) == {late.pk}
    assert refs({"task_group": desk["group"].pk}) == {case.pk, closed.pk}
    assert refs({"building": desk["entrance"].building.pk}) == {case.pk, closed.pk}
    assert refs({"category": desk["category"].pk}) == {case.pk, closed.pk}
    assert refs({"urgency": "urgent"}) == set()
    received = timezone.localtime(late.received_at).date()
    assert refs({"received_to": received.isoformat()}) == {late.pk}
    assert late.pk not in refs({"received_from": (received + dt.timedelta(days=1)).isoformat()})


def test_area_staff_list_is_read_only(client, desk):
    client.force_login(desk["users"]["subdistrict_a"])
    body = client.get(reverse("casework:case_list", args=["a"])).content.decode()
    assert 'data-testid="case-create"' not in body
    assert 'data-testid="case-export"' in body


def _csv_rows(response) -> list[list[str]]:
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_export_masks_phones_uses_beijing_time_and_the_filter(client, desk):
    community, users = desk["community"], desk["users"]
    CaseFactory(
        community=community,
        description="电梯异响",
        reporter_name="赵大爷",
        reporter_phone="13912345678",
        received_at=beijing(2026, 1, 5, 9, 30),
        created_by=users["worker_a"],
    )
    client.force_login(users["secretary_a"])
    url = reverse("casework:case_export", args=["a"])
    response = client.get(url, {"q": "电梯"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0][0] == zh("Reference") and zh("Reporter's mobile number") in rows[0]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row[zh("Reporter's mobile number")] == "139****5678"
    assert row[zh("Received at")] == "2026-01-05 09:30"
    assert "13912345678" not in response.content.decode("utf-8-sig")
    everything = _csv_rows(client.get(url))
    assert len(everything) == 1 + Case.objects.filter(community=community).count()


def test_csv_export_is_refused_to_property_staff(client, desk):
    client.force_login(desk["users"]["property_in_group"])
    assert client.get(reverse("casework:case_export", args=["a"])).status_code == 403


# ---------------------------------------------------------------- task groups


def test_office_creates_and_edits_a_task_group(client, world, desk):
    from governance.models import Organisation

    community, users = desk["community"], desk["users"]
    company = Organisation.objects.create(
        community=community, kind=Organisation.Kind.PROPERTY_COMPANY, name="金隅物业"
    )
    elsewhere = Organisation.objects.create(
        community=world.community_b, kind=Organisation.Kind.PROPERTY_COMPANY, name="别家物业"
    )
    client.force_login(users["secretary_a"])
    url = reverse("casework:taskgroup_create", args=["a"])
    body = client.get(url).content.decode()
    assert "金隅物业" in body and "别家物业" not in body
    # A resident is not offered and is refused as a member; a company elsewhere too.
    response = client.post(
        url,
        {
            "name": "电梯专班",
            "property_company": elsewhere.pk,
            "members": [users["property_not_in_group"].pk, users["resident_a"].pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "property_company" in errors and "members" in errors
    response = client.post(
        url,
        {"name": "物业专班", "members": [users["property_not_in_group"].pk], "is_active": "on"},
    )
    assert response.status_code == 200
    assert (
        zh("This community already has a task group of this name.")
        in response.context["form"].errors["name"]
    )
    response = client.post(
        url,
        {
            "name": "电梯专班",
            "property_company": company.pk,
            "members": [users["property_not_in_group"].pk, users["worker_a"].pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    group = TaskGroup.objects.get(name="电梯专班")
    assert set(group.members.all()) == {users["property_not_in_group"], users["worker_a"]}
    assert group.property_company == company and group.is_active

    edit = reverse("casework:taskgroup_edit", args=["a", group.pk])
    page = client.get(edit)
    assert set(page.context["form"].initial["members"]) == {
        users["property_not_in_group"].pk,
        users["worker_a"].pk,
    }
    response = client.post(
        edit,
        {
            "name": "电梯专班",
            "property_company": company.pk,
            "members": [users["property_not_in_group"].pk],
        },
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert not group.is_active and list(group.members.all()) == [users["property_not_in_group"]]

    body = client.get(reverse("casework:taskgroup_list", args=["a"])).content.decode()
    assert "电梯专班" in body and "物业乙" in body and "金隅物业" in body


# ---------------------------------------------------------------- query counts


def _count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    import os

    if os.environ.get("SHOWQ"):
        for q in ctx.captured_queries:
            print("Q:", q["sql"][:300])
    return len(ctx.captured_queries)


def _fill_cases(desk, n: int) -> None:
    """``n`` cases, each with its own worker, task group (with property_a) and building."""
    community = desk["community"]
    for i in range(n):
        worker = staff(community, CommunityRole.Role.WORKER, f"社工{n}-{i}")
        group = TaskGroupFactory(
            community=community, name=f"专班{n}-{i}", members=[desk["users"]["property_in_group"]]
        )
        entrance = EntranceFactory(
            building=BuildingFactory(community=community, name=f"{n}-{i}号楼")
        )
        reporter = ResidentFactory(household=HouseholdFactory(entrance=entrance))
        CaseFactory(
            community=community,
            building=entrance.building,
            entrance=entrance,
            assigned_worker=worker,
            task_group=group,
            reporter_resident=reporter if i % 2 else None,
            status=Case.Status.IN_PROGRESS,
            created_by=worker,
        )


@pytest.mark.parametrize("role", ["worker_a", "property_in_group", "subdistrict_a"])
def test_list_query_count_does_not_grow_with_the_cases(client, desk, role):
    """The same number of queries for 3 or 60 more cases (a full page of 25 rows).

    Thirteen: session, user, community, the user's roles, area roles and home (scope:
    3), the base template's unread-notification count; the paginator's COUNT and one
    page of cases with category, building, entrance, reporter, worker and task group
    joined (an overdue flag annotated); the filter's four menus: categories, buildings,
    office workers, task groups (for property staff only their own groups).
    """
    client.force_login(desk["users"][role])
    url = reverse("casework:case_list", args=["a"])
    _fill_cases(desk, 3)
    small = _count_queries(client, url)
    _fill_cases(desk, 60)
    large = _count_queries(client, url)
    assert small == large, (small, large)
    assert large <= 13
    print(f"case_list as {role}: {large} queries")


def _fill_detail(desk, n: int) -> None:
    case, users = desk["case"], desk["users"]
    now = timezone.now()
    for i in range(n):
        by = staff(desk["community"], CommunityRole.Role.WORKER, f"步{n}-{i}")
        CaseAction.objects.create(case=case, kind="note", note=f"第{i}步", by=by, at=now)
        CaseAttachment.objects.create(case=case, file=png(f"p{n}-{i}.png"), uploaded_by=by)
        if i % 10 == 0:
            WhistleFactory(community=desk["community"], case=case, requested_by=users["worker_a"])


@pytest.mark.parametrize("role", ["worker_a", "property_in_group"])
def test_detail_query_count_does_not_grow_with_the_timeline(client, desk, role):
    """The same number of queries for 3 or 40 steps and files.

    Session, user, community, scope (3), unread count; the case with its relations
    joined, then its steps (with who), files and whistles (with department) prefetched;
    for property staff, whether they are in the case's active group (once for seeing,
    once for handling); the assign form's menus (office workers, task groups) for the
    office.
    """
    client.force_login(desk["users"][role])
    url = reverse("casework:case_detail", args=["a", desk["case"].pk])
    _fill_detail(desk, 3)
    small = _count_queries(client, url)
    _fill_detail(desk, 37)
    large = _count_queries(client, url)
    assert small == large, (small, large)
    assert large <= 14
    print(f"case_detail as {role}: {large} queries")


def test_task_group_list_query_count_does_not_grow(client, desk):
    """Session, user, community, scope (3), unread count, the paginator's COUNT, the
    page of groups with property company and open-case count, their members."""
    client.force_login(desk["users"]["secretary_a"])
    url = reverse("casework:taskgroup_list", args=["a"])

    def fill(n):
        for i in range(n):
            members = [staff(desk["community"], CommunityRole.Role.PROPERTY_MANAGER, f"员{n}-{i}")]
            group = TaskGroupFactory(
                community=desk["community"], name=f"组{n}-{i}", members=members
            )
            CaseFactory(community=desk["community"], task_group=group)

    fill(3)
    small = _count_queries(client, url)
    fill(30)
    large = _count_queries(client, url)
    assert small == large, (small, large)
    assert large <= 10
    print(f"taskgroup_list: {large} queries")


@time_machine.travel(beijing(2026, 11, 18, 15, 0), tick=False)
def test_dashboard_shows_open_and_overdue_cases_and_this_months_rates(world, client):
    """The office's first page says how many cases are open, how many are overdue, and how
    the month's three rates stand."""
    now = timezone.now()
    community = world.community_a
    # Open, in time.
    CaseFactory(community=community, received_at=now - dt.timedelta(hours=1))
    # Open, never contacted and past its contact deadline: overdue.
    CaseFactory(
        community=community,
        received_at=now - dt.timedelta(hours=3),
        contact_due=now - dt.timedelta(hours=1),
    )
    # Closed as resolved, contacted in time, rated satisfied.
    received = now - dt.timedelta(minutes=30)
    CaseFactory(
        community=community,
        received_at=received,
        contacted_at=received + dt.timedelta(minutes=5),
        status=Case.Status.CLOSED,
        outcome=Case.Outcome.RESOLVED,
        closed_at=received + dt.timedelta(minutes=20),
        satisfaction=Case.Satisfaction.SATISFIED,
    )
    # Another community's overdue case is not counted.
    CaseFactory(community=world.community_b, contact_due=now - dt.timedelta(hours=1))
    client.force_login(world.users["secretary_a"])
    response = client.get(reverse("communities:dashboard", args=[community.code]))
    cases = response.context["cases"]
    assert (cases["open"], cases["overdue"]) == (2, 1)
    assert cases["month"] == dt.date(2026, 11, 1) and cases["rates"].received == 3
    assert (cases["response"], cases["resolution"], cases["satisfaction"]) == (33.3, 100.0, 100.0)
    body = response.content.decode()
    assert 'data-testid="overdue-cases">1<' in body
    assert reverse("casework:case_list", args=[community.code]) + "?overdue=on" in body


def test_case_list_status_open_means_not_yet_closed(world, client):
    open_case = CaseFactory(community=world.community_a, status=Case.Status.IN_PROGRESS)
    new_case = CaseFactory(community=world.community_a)
    CaseFactory(
        community=world.community_a,
        status=Case.Status.CLOSED,
        outcome=Case.Outcome.RESOLVED,
        closed_at=timezone.now(),
    )
    client.force_login(world.users["worker_a"])
    response = client.get(reverse("casework:case_list", args=["a"]), {"status": "open"})
    assert {c.pk for c in response.context["page_obj"]} == {open_case.pk, new_case.pk}


@pytest.mark.parametrize(
    ("name", "args"),
    [("case_list", []), ("rates", []), ("visit_coverage", []), ("whistle_list", [])],
)
def test_every_casework_page_carries_the_same_tabs_for_the_office(world, client, name, args):
    client.force_login(world.users["worker_a"])
    body = client.get(reverse(f"casework:{name}", args=["a", *args])).content.decode()
    for tab in ("case_list", "taskgroup_list", "rates", "recurring", "visit_list", "whistle_list"):
        assert f'href="{reverse(f"casework:{tab}", args=["a"])}"' in body, (name, tab)


def test_property_staff_tabs_show_only_their_cases(world, client):
    client.force_login(world.users["property_a"])
    body = client.get(reverse("casework:case_list", args=["a"])).content.decode()
    assert 'data-testid="casework-nav"' in body
    assert reverse("casework:rates", args=["a"]) not in body
    assert reverse("casework:visit_list", args=["a"]) not in body
