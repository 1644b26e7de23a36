"""A resident's own cases on their phone: who reaches the pages, reporting a problem with
or without a photo, the case in plain words without internal steps or staff names,
rating once, and a list whose query count does not grow.

The matrix, cell by cell against ``casework/rules.py`` and ``casework/views/resident.py``:

- anonymous visitors are sent to the login page;
- a user with no tie to community A (secretary_b) gets 404;
- only a verified resident living in A has these pages (``casework.report``): staff of
  A, area staff and a superuser without a home in A get 403;
- a case is reachable only by its own reporter: another resident of A gets 404 for it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from casework import services
from casework import urls as casework_urls
from casework.models import Case, CaseAction, CaseAttachment
from notifications.models import Notification
from tests.casework.factories import CaseCategoryFactory, CaseFactory, TaskGroupFactory
from tests.casework.matrix import LOGIN, OK, assert_answer, params
from tests.factories import (
    CommunityRoleFactory,
    EntranceFactory,
    HouseholdFactory,
    ResidentFactory,
    UserFactory,
)

# fmt: off
EXPECTED = {
    #                  anon, rep,  oth,  wrk,  sec_a, sec_b, p_in, p_out, sub_a, super
    "my_cases":       (LOGIN, 200,  200,  403,  403,   404,   403,  403,   403,   403),
    "my_case_report": (LOGIN, 200,  200,  403,  403,   404,   403,  403,   403,   403),
    # Another resident's case does not exist for them.
    "my_case_detail": (LOGIN, 200,  404,  403,  403,   404,   403,  403,   403,   403),
    "my_case_rate":   (LOGIN,  OK,  404,  403,  403,   404,   403,  403,   403,   403),
}
# fmt: on

POST_ONLY = {"my_case_rate"}
MY_MODULES = {"casework.views.resident"}

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"\x00" * 64


def zh(msgid: str) -> str:
    """The text the site renders for msgid (in Simplified Chinese, the site's language)."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_matrix_covers_every_url_name_of_the_resident_views():
    """A new resident page must get a row here before it ships."""
    names = {
        p.name for p in casework_urls.urlpatterns if p.callback.view_class.__module__ in MY_MODULES
    }
    assert set(EXPECTED) == names


# ---------------------------------------------------------------- objects


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def place(world):
    community = world.community_a
    users = dict(world.users)
    other = UserFactory(display_name="居民丙")
    ResidentFactory(
        household=HouseholdFactory(entrance=world.household_a.entrance, room="202"),
        name="居民丙",
        user=other,
        phone=other.phone,
    )
    users["other_resident"] = other
    users["reporter"] = users["resident_a"]
    users["property_in_group"] = users["property_a"]
    users["property_not_in_group"] = CommunityRoleFactory(
        community=community, role="property_manager"
    ).user
    group = TaskGroupFactory(community=community, members=[users["property_a"]])
    category = CaseCategoryFactory(name="楼道照明")
    reporter = users["resident_a"].resident
    now = timezone.now()
    case = CaseFactory(
        community=community,
        category=category,
        building=world.household_a.entrance.building,
        reporter_resident=reporter,
        reporter_name="",
        reporter_phone="",
        task_group=group,
        received_at=now - dt.timedelta(days=2),
        contacted_at=now - dt.timedelta(days=2) + dt.timedelta(hours=1),
        status=Case.Status.CLOSED,
        closed_at=now - dt.timedelta(hours=3),
        outcome=Case.Outcome.RESOLVED,
        outcome_note="已更换灯泡",
        created_by=users["worker_a"],
    )
    return {
        "community": community,
        "category": category,
        "group": group,
        "case": case,
        "users": users,
    }


def _request_for(name: str, place) -> tuple[str, str]:
    code = place["community"].code
    args = [code, place["case"].pk] if name in ("my_case_detail", "my_case_rate") else [code]
    return ("post" if name in POST_ONLY else "get"), reverse(f"casework:{name}", args=args)


MATRIX = params(EXPECTED)


@pytest.mark.parametrize(("name", "role", "expected"), MATRIX)
def test_role_url_matrix(client, place, name, role, expected):
    if role != "anonymous":
        client.force_login(place["users"][role])
    method, path = _request_for(name, place)
    data = {"satisfaction": Case.Satisfaction.SATISFIED} if method == "post" else {}
    response = getattr(client, method)(path, data)
    assert_answer(response, expected, f"{method.upper()} {path} as {role}")
    if name in POST_ONLY:
        place["case"].refresh_from_db()
        assert bool(place["case"].satisfaction) == (expected == OK), f"{name} as {role}"


def test_rate_is_post_only(client, place):
    client.force_login(place["users"]["reporter"])
    _method, path = _request_for("my_case_rate", place)
    assert client.get(path).status_code == 405


# ---------------------------------------------------------------- the list


def test_my_cases_lists_only_my_own_newest_first_in_plain_words(client, place, world):
    community, reporter = place["community"], place["users"]["reporter"].resident
    now = timezone.now()
    newer = CaseFactory(
        community=community,
        reporter_resident=reporter,
        reporter_name="",
        reporter_phone="",
        received_at=now - dt.timedelta(hours=1),
        description="电梯停运",
    )
    CaseFactory(community=community, description="别人的事", received_at=now)
    client.force_login(place["users"]["reporter"])
    response = client.get(reverse("casework:my_cases", args=["a"]))
    assert [c.pk for c in response.context["cases"]] == [newer.pk, place["case"].pk]
    html = response.content.decode()
    assert "别人的事" not in html
    assert zh("Being handled") not in html  # the new one was only received
    assert zh("Received, waiting to be taken up") in html
    assert zh("Finished") in html
    assert 'data-testid="awaits-rating"' in html
    assert reverse("casework:my_case_report", args=["a"]) in html


def test_resident_home_links_to_my_cases(client, place):
    client.force_login(place["users"]["reporter"])
    html = client.get(reverse("communities:me")).content.decode()
    assert reverse("casework:my_cases", args=["a"]) in html


# ---------------------------------------------------------------- reporting


def _report(client, objects, **extra):
    data = {
        "category": objects["category"].pk,
        "description": "  三楼楼道灯不亮  ",
        "place": f"e{objects['users']['reporter'].resident.household.entrance_id}",
        "location_detail": "三楼",
    }
    data.update(extra)
    return client.post(reverse("casework:my_case_report", args=["a"]), data)


def test_report_form_defaults_to_my_own_building_and_entrance(client, place, world):
    client.force_login(place["users"]["reporter"])
    response = client.get(reverse("casework:my_case_report", args=["a"]))
    entrance = world.household_a.entrance
    assert response.context["form"].initial["place"] == f"e{entrance.pk}"
    html = response.content.decode()
    assert f'value="e{entrance.pk}" selected' in html
    # Only this community's buildings are offered.
    assert "A座" not in html


def test_report_creates_an_online_case_for_me_with_deadlines(client, place, world):
    client.force_login(place["users"]["reporter"])
    before = timezone.now()
    response = _report(client, place)
    case = Case.objects.get(description="三楼楼道灯不亮")
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:my_case_detail", args=["a", case.pk])
    assert case.source == Case.Source.ONLINE
    assert case.reporter_resident == place["users"]["reporter"].resident
    assert case.created_by == place["users"]["reporter"]
    assert case.community == place["community"]
    assert case.entrance == world.household_a.entrance
    assert case.building == world.household_a.entrance.building
    assert case.location_detail == "三楼"
    assert case.urgency == "general"
    assert case.status == Case.Status.RECEIVED
    expected_contact, expected_resolve = services.due_dates(
        category=case.category, urgency=case.urgency, received_at=case.received_at
    )
    assert case.received_at >= before
    assert (case.contact_due, case.resolve_due) == (expected_contact, expected_resolve)
    assert case.actions.get().kind == CaseAction.Kind.RECEIVED
    # The office is told there is a new report.
    assert Notification.objects.filter(recipient=place["users"]["worker_a"]).exists()

    page = client.get(response["Location"])
    assert 'data-testid="contact-by"' in page.content.decode()
    assert zh("Thank you. Your report has been received; we will contact you by %(when)s.") % {
        "when": f"{timezone.localtime(case.contact_due):%Y-%m-%d %H:%M}"
    } in _messages(page)


def test_report_with_a_building_only_or_no_building(client, place, world):
    client.force_login(place["users"]["reporter"])
    building = world.household_a.entrance.building
    _report(client, place, place=f"b{building.pk}", description="外墙脱落")
    case = Case.objects.get(description="外墙脱落")
    assert (case.building, case.entrance) == (building, None)
    _report(client, place, place="", description="广场积水")
    case = Case.objects.get(description="广场积水")
    assert (case.building, case.entrance) == (None, None)


@pytest.mark.parametrize(
    "place_value", ["b{other_building}", "e{other_entrance}", "x1", "e", "b999999", "e12abc"]
)
def test_report_refuses_a_place_of_another_community(client, place, world, place_value):
    value = place_value.format(
        other_building=world.household_b.entrance.building_id,
        other_entrance=world.household_b.entrance_id,
    )
    client.force_login(place["users"]["reporter"])
    count = Case.objects.count()
    response = _report(client, place, place=value)
    assert response.status_code == 200
    assert "place" in response.context["form"].errors
    assert Case.objects.count() == count


def test_report_refuses_a_retired_category(client, place):
    retired = CaseCategoryFactory(name="旧类别", is_active=False)
    client.force_login(place["users"]["reporter"])
    count = Case.objects.count()
    response = _report(client, place, category=retired.pk)
    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    assert Case.objects.count() == count


@pytest.mark.parametrize("kind", ["jpg", "png"])
def test_report_with_a_photo_keeps_it_with_the_case(client, place, kind):
    content, content_type = (JPEG, "image/jpeg") if kind == "jpg" else (PNG, "image/png")
    photo = SimpleUploadedFile(f"light.{kind}", content, content_type=content_type)
    client.force_login(place["users"]["reporter"])
    response = _report(client, place, photo=photo)
    assert response.status_code == 302
    case = Case.objects.get(description="三楼楼道灯不亮")
    attachment = case.attachments.get()
    assert attachment.uploaded_by == place["users"]["reporter"]
    assert attachment.file.read() == content
    html = client.get(response["Location"]).content.decode()
    file_url = reverse("casework:attachment_file", args=["a", case.pk, attachment.pk])
    assert file_url in html
    # The reporter can open their own photo.
    served = client.get(file_url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("notes.pdf", PDF, "application/pdf"),
        ("virus.exe", b"MZ" + b"\x00" * 40, "application/octet-stream"),
        ("fake.jpg", b"not really a photo", "image/jpeg"),
        ("fake.png", JPEG, "image/png"),
    ],
)
def test_report_with_a_bad_photo_is_refused_and_nothing_is_written(
    client, place, name, content, content_type
):
    photo = SimpleUploadedFile(name, content, content_type=content_type)
    client.force_login(place["users"]["reporter"])
    cases, attachments = Case.objects.count(), CaseAttachment.objects.count()
    response = _report(client, place, photo=photo)
    assert response.status_code == 200
    errors = response.context["form"].errors["photo"]
    assert errors
    assert 'data-testid="error-photo"' in response.content.decode()
    assert Case.objects.count() == cases
    assert CaseAttachment.objects.count() == attachments


def test_report_with_a_too_large_photo_is_refused(client, place, settings):
    settings.CASEWORK_ATTACHMENT_MAX_BYTES = 10
    photo = SimpleUploadedFile("big.jpg", JPEG, content_type="image/jpeg")
    client.force_login(place["users"]["reporter"])
    response = _report(client, place, photo=photo)
    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == [zh("The file is larger than 10 MB.")]
    assert not Case.objects.filter(source=Case.Source.ONLINE).exists()


def test_a_failing_photo_save_undoes_the_case(client, place, monkeypatch):
    """The case and its photo are one write: if the photo can't be stored, no case."""
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError({"file": "disk full"})

    monkeypatch.setattr(services, "attachment_add", refuse)
    photo = SimpleUploadedFile("light.jpg", JPEG, content_type="image/jpeg")
    client.force_login(place["users"]["reporter"])
    response = _report(client, place, photo=photo)
    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == ["disk full"]
    assert not Case.objects.filter(source=Case.Source.ONLINE).exists()


# ---------------------------------------------------------------- the case page


def test_other_resident_cannot_open_or_rate_my_case(client, place):
    client.force_login(place["users"]["other_resident"])
    case = place["case"]
    assert client.get(reverse("casework:my_case_detail", args=["a", case.pk])).status_code == 404
    response = client.post(
        reverse("casework:my_case_rate", args=["a", case.pk]), {"satisfaction": "satisfied"}
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.satisfaction == ""


def test_case_page_hides_internal_steps_and_staff_names(client, place):
    case = place["case"]
    worker, prop = place["users"]["worker_a"], place["users"]["property_a"]
    at = case.received_at
    CaseAction.objects.bulk_create(
        [
            CaseAction(case=case, kind="received", by=worker, at=at),
            CaseAction(case=case, kind="assigned", by=worker, note=worker.display_name, at=at),
            CaseAction(case=case, kind="forwarded", by=worker, note="物业专班", at=at),
            CaseAction(case=case, kind="note", by=worker, note="内部备注：住户难缠", at=at),
            CaseAction(case=case, kind="overdue", by=None, note="超时", at=at),
            CaseAction(case=case, kind="on_site", by=prop, note="物业甲到场", at=at),
            CaseAction(case=case, kind="closed", by=worker, note="已解决", at=at),
        ]
    )
    client.force_login(place["users"]["reporter"])
    response = client.get(reverse("casework:my_case_detail", args=["a", case.pk]))
    html = response.content.decode()
    steps = response.context["steps"]
    assert len(steps) == 5
    assert "内部备注" not in html
    assert "超时" not in html
    assert worker.display_name not in html
    assert prop.display_name not in html
    assert {s["who"] for s in steps} == {zh("Community office"), zh("Property company")}
    on_site = next(s for s in steps if s["what"] == zh("Someone went to look at it"))
    assert on_site["who"] == zh("Property company")
    assert "已更换灯泡" in html
    assert zh("The problem has been solved.") in html


def test_rate_once_with_the_big_buttons(client, place):
    case = place["case"]
    client.force_login(place["users"]["reporter"])
    detail = reverse("casework:my_case_detail", args=["a", case.pk])
    html = client.get(detail).content.decode()
    for value in ("satisfied", "basically", "dissatisfied"):
        assert f'data-testid="rate-{value}"' in html
    rate = reverse("casework:my_case_rate", args=["a", case.pk])
    response = client.post(rate, {"satisfaction": "basically"}, follow=True)
    assert response.redirect_chain[-1][0] == detail
    assert zh("Thank you for telling us how satisfied you are.") in _messages(response)
    case.refresh_from_db()
    assert case.satisfaction == Case.Satisfaction.BASICALLY
    assert case.rated_via == Case.RatedVia.ONLINE
    assert case.rated_by == place["users"]["reporter"]
    assert 'data-testid="rate-satisfied"' not in response.content.decode()
    assert 'data-testid="rated"' in response.content.decode()

    # Pressed again (an old page, a double tap): refused with a message, no change.
    response = client.post(rate, {"satisfaction": "dissatisfied"}, follow=True)
    assert response.status_code == 200
    assert zh("This case has already been rated.") in _messages(response)
    case.refresh_from_db()
    assert case.satisfaction == Case.Satisfaction.BASICALLY
    assert case.actions.filter(kind=CaseAction.Kind.RATED).count() == 1


def test_rating_an_open_case_or_a_bad_value_is_refused(client, place):
    case = place["case"]
    client.force_login(place["users"]["reporter"])
    rate = reverse("casework:my_case_rate", args=["a", case.pk])
    response = client.post(rate, {"satisfaction": "thrilled"}, follow=True)
    assert zh("Please press one of the three buttons.") in _messages(response)
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.IN_PROGRESS, outcome="", closed_at=None
    )
    response = client.post(rate, {"satisfaction": "satisfied"}, follow=True)
    assert zh("A case is rated after it has been closed.") in _messages(response)
    case.refresh_from_db()
    assert case.satisfaction == ""
    assert 'data-testid="rate"' not in client.get(response.redirect_chain[-1][0]).content.decode()


# ---------------------------------------------------------------- query counts


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_my_cases_query_count_does_not_grow_with_the_cases(client, place):
    """Ten queries for 3 or 60 cases.

    Session, user, community, the user's roles, area roles and home (scope: 3), the
    resident record, the base template's unread-notification count; then the paginator's
    COUNT and one page of cases with category, building and entrance.
    """
    community, reporter = place["community"], place["users"]["reporter"].resident
    entrance = EntranceFactory(building__community=community)

    def add(n):
        for i in range(n):
            CaseFactory(
                community=community,
                reporter_resident=reporter,
                reporter_name="",
                reporter_phone="",
                building=entrance.building,
                entrance=entrance,
                received_at=timezone.now() - dt.timedelta(hours=i + 1),
            )

    client.force_login(place["users"]["reporter"])
    url = reverse("casework:my_cases", args=["a"])
    add(2)
    small = _count_queries(client, url)
    add(57)
    large = _count_queries(client, url)
    assert small == large
    assert large <= 10
