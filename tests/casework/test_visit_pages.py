"""Pages of proactive visits (未诉先办): who gets what, logging and correcting a visit with
rooms typed in, bad input shown next to its field with nothing written, problems taken
in as cases once, monthly coverage on known data, other communities' ids, and query
counts.

The matrix is written out by hand so a reader can check each cell against
``casework/rules.py``:

- anonymous visitors are sent to the login page;
- a user with no tie to community A (secretary_b) gets 404;
- the office (worker, secretary), area staff and superusers read visits and coverage
  (``casework.view_office``); residents and property staff get 403;
- only the office and superusers log and edit visits and problems (``casework.manage``);
  area staff get 403 there.
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
from casework.forms.visits import match_rooms
from casework.models import Case, CaseAction, TaskGroup, Visit, VisitProblem
from communities.models import CommunityRole, Household
from tests.casework.factories import (
    CaseCategoryFactory,
    CaseFactory,
    TaskGroupFactory,
    VisitFactory,
    VisitProblemFactory,
)
from tests.casework.matrix import LOGIN, OK, assert_answer, params
from tests.factories import (
    BuildingFactory,
    CommunityRoleFactory,
    EntranceFactory,
    HouseholdFactory,
    ResidentFactory,
    UserFactory,
)

# fmt: off
EXPECTED = {
    #                   anon, report, other, wrk_a, sec_a, sec_b, pr_in, pr_out, sub_a, super
    "visit_list":      (LOGIN,   403,   403,   200,   200,   404,   403,   403,   200,   200),
    "visit_create":    (LOGIN,   403,   403,   200,   200,   404,   403,   403,   403,   200),
    "visit_coverage":  (LOGIN,   403,   403,   200,   200,   404,   403,   403,   200,   200),
    "visit_detail":    (LOGIN,   403,   403,   200,   200,   404,   403,   403,   200,   200),
    "visit_edit":      (LOGIN,   403,   403,   200,   200,   404,   403,   403,   403,   200),
    "problem_create":  (LOGIN,   403,   403,   200,   200,   404,   403,   403,   403,   200),
    "problem_to_case": (LOGIN,   403,   403,    OK,    OK,   404,   403,   403,   403,    OK),
}
# fmt: on

POST_ONLY = {"problem_to_case"}
MY_MODULES = {"casework.views.visits"}


def test_matrix_covers_every_url_name_of_visits():
    """A new page of visits must get a row here before it ships."""
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
    """Community A's estate: 1号楼 with 1单元 (household_a is 101) and 2单元, 2号楼 with
    1单元; rooms 101 and 102 in 1号楼1单元, 101 in 1号楼2单元, 301 in 2号楼1单元. A visit
    by worker_a to 1号楼1单元 with one problem found."""
    community = world.community_a
    entrance_11 = world.household_a.entrance
    entrance_11.name = "1单元"
    entrance_11.save()
    building_1 = entrance_11.building
    entrance_12 = EntranceFactory(building=building_1, name="2单元")
    building_2 = BuildingFactory(community=community, name="2号楼")
    entrance_21 = EntranceFactory(building=building_2, name="1单元")
    room_102 = HouseholdFactory(entrance=entrance_11, room="102")
    room_12_101 = HouseholdFactory(entrance=entrance_12, room="101")
    room_301 = HouseholdFactory(entrance=entrance_21, room="301")

    other = UserFactory(display_name="居民丙")
    ResidentFactory(household=room_102, name="居民丙", user=other, phone=other.phone)
    property_other = UserFactory(display_name="物业乙")
    CommunityRoleFactory(
        user=property_other, community=community, role=CommunityRole.Role.PROPERTY_MANAGER
    )
    group = TaskGroupFactory(community=community, members=[world.users["property_a"]])
    worker = world.users["worker_a"]
    visit = VisitFactory(community=community, worker=worker, notes="楼道很干净")
    visit.entrances.set([entrance_11])
    visit.households.set([world.household_a])
    category = CaseCategoryFactory(name="楼道堆物")
    problem = VisitProblemFactory(
        visit=visit, category=category, building=building_1, entrance=entrance_11
    )
    users = dict(
        world.users,
        reporter=world.users["resident_a"],
        other_resident=other,
        property_in_group=world.users["property_a"],
        property_not_in_group=property_other,
    )
    return {
        "community": community,
        "building_1": building_1,
        "building_2": building_2,
        "entrance_11": entrance_11,
        "entrance_12": entrance_12,
        "entrance_21": entrance_21,
        "room_101": world.household_a,
        "room_102": room_102,
        "room_12_101": room_12_101,
        "room_301": room_301,
        "group": group,
        "visit": visit,
        "problem": problem,
        "category": category,
        "users": users,
    }


def _request_for(name: str, place) -> tuple[str, str, dict]:
    code = place["community"].code
    visit = place["visit"]
    args = {
        "visit_detail": [code, visit.pk],
        "visit_edit": [code, visit.pk],
        "problem_create": [code, visit.pk],
        "problem_to_case": [code, visit.pk, place["problem"].pk],
    }.get(name, [code])
    data = {"urgency": "general"} if name == "problem_to_case" else {}
    method = "post" if name in POST_ONLY else "get"
    return method, reverse(f"casework:{name}", args=args), data


def _changed(name: str, place) -> bool:
    if name == "problem_to_case":
        place["problem"].refresh_from_db()
        return place["problem"].case_id is not None
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


def test_problem_to_case_refuses_get(client, place):
    client.force_login(place["users"]["secretary_a"])
    _method, path, _data = _request_for("problem_to_case", place)
    assert client.get(path).status_code == 405


# ---------------------------------------------------------------- rooms typed in


def test_rooms_are_found_by_room_entrance_or_building_and_entrance_numbers(place):
    households = Household.objects.filter(
        entrance__in=[place["entrance_11"], place["entrance_12"], place["entrance_21"]]
    ).select_related("entrance__building")
    match = match_rooms("102，2单元101\n1-1-101  2号楼1单元301室 9-9-9 101", households)
    assert {h.pk for h in match.households} == {
        place["room_102"].pk,
        place["room_12_101"].pk,
        place["room_101"].pk,
        place["room_301"].pk,
    }
    assert match.unknown == ["9-9-9"]
    # 101 is in 1号楼1单元 and 1号楼2单元: the worker must say which.
    assert match.ambiguous == ["101"]


# ---------------------------------------------------------------- logging a visit


def _visit_data(place, **changes) -> dict:
    data = {
        "visited_on": timezone.localdate().isoformat(),
        "worker": place["users"]["worker_a"].pk,
        "entrances": [place["entrance_11"].pk, place["entrance_12"].pk],
        "households": "102 2单元101",
        "notes": "走访独居老人",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_office_logs_a_visit_with_rooms_typed_in(client, place):
    client.force_login(place["users"]["secretary_a"])
    response = client.post(reverse("casework:visit_create", args=["a"]), _visit_data(place))
    assert response.status_code == 302
    visit = Visit.objects.exclude(pk=place["visit"].pk).get()
    assert response["Location"] == reverse("casework:visit_detail", args=["a", visit.pk])
    assert visit.worker == place["users"]["worker_a"]
    assert visit.notes == "走访独居老人"
    assert set(visit.entrances.all()) == {place["entrance_11"], place["entrance_12"]}
    assert set(visit.households.all()) == {place["room_102"], place["room_12_101"]}

    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="household-count">2<' in page
    assert "102" in page and "走访独居老人" in page


def test_the_form_defaults_to_today_and_the_worker_logging(client, place):
    url = reverse("casework:visit_create", args=["a"])
    client.force_login(place["users"]["worker_a"])
    form = client.get(url).context["form"]
    assert form.initial["worker"] == place["users"]["worker_a"].pk
    assert form.initial["visited_on"] == timezone.localdate()
    # Entrance checkboxes come grouped by building.
    groups = form.entrance_groups()
    assert [b.name for b, _ in groups] == ["1号楼", "2号楼"]
    assert [len(w) for _, w in groups] == [2, 1]
    # A superuser is not on the office: they choose the worker.
    client.force_login(place["users"]["superuser"])
    assert "worker" not in client.get(url).context["form"].initial


def _foreign_entrance(world):
    return world.household_b.entrance


BAD_VISITS = [
    pytest.param(
        "visited_on",
        lambda place, world: {
            "visited_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()
        },
        lambda place: zh("The visit can't be in the future."),
        id="future-date",
    ),
    pytest.param(
        "entrances",
        lambda place, world: {"entrances": [place["entrance_11"].pk, _foreign_entrance(world).pk]},
        lambda place: None,
        id="entrance-of-another-community",
    ),
    pytest.param(
        "households",
        # 1201 is household_b's room, in community B.
        lambda place, world: {"households": "102 1201"},
        lambda place: None,
        id="household-of-another-community",
    ),
    pytest.param(
        "entrances",
        lambda place, world: {"entrances": None, "households": ""},
        lambda place: zh("Tick at least one entrance walked."),
        id="no-entrance",
    ),
    pytest.param(
        "households",
        lambda place, world: {"households": "101"},
        lambda place: None,
        id="room-in-two-entrances",
    ),
    pytest.param(
        "worker",
        lambda place, world: {"worker": place["users"]["secretary_b"].pk},
        lambda place: None,
        id="worker-of-another-community",
    ),
]


@pytest.mark.parametrize(("field", "changes", "message"), BAD_VISITS)
def test_bad_visit_input_is_shown_next_to_the_field_and_nothing_is_written(
    client, world, place, field, changes, message
):
    client.force_login(place["users"]["secretary_a"])
    before = Visit.objects.count()
    response = client.post(
        reverse("casework:visit_create", args=["a"]), _visit_data(place, **changes(place, world))
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    body = response.content.decode()
    for error in form.errors[field]:
        assert escape(error) in body
    expected = message(place)
    if expected is not None:
        assert expected in form.errors[field]
    assert Visit.objects.count() == before


def test_unknown_room_is_named_in_the_error(client, world, place):
    client.force_login(place["users"]["secretary_a"])
    response = client.post(
        reverse("casework:visit_create", args=["a"]), _visit_data(place, households="102 1201")
    )
    error = response.context["form"].errors["households"][0]
    assert "1201" in error and "102 " not in error


def test_editing_a_visit_shows_its_rooms_and_saves_the_changes(client, place):
    client.force_login(place["users"]["worker_a"])
    url = reverse("casework:visit_edit", args=["a", place["visit"].pk])
    form = client.get(url).context["form"]
    assert form.initial["households"] == "1号楼1单元101"
    assert form.initial["entrances"] == [place["entrance_11"].pk]
    response = client.post(
        url,
        _visit_data(
            place,
            entrances=[place["entrance_21"].pk],
            households="301",
            notes="改到2号楼",
        ),
    )
    assert response.status_code == 302
    visit = place["visit"]
    visit.refresh_from_db()
    assert list(visit.entrances.all()) == [place["entrance_21"]]
    assert list(visit.households.all()) == [place["room_301"]]
    assert visit.notes == "改到2号楼"
    assert Visit.objects.count() == 1


# ---------------------------------------------------------------- problems


def test_problem_added_from_the_visit_page(client, place):
    client.force_login(place["users"]["worker_a"])
    url = reverse("casework:problem_create", args=["a", place["visit"].pk])
    response = client.post(
        url,
        {
            "category": place["category"].pk,
            "entrance": place["entrance_21"].pk,
            "description": "2号楼1单元楼道灯坏了",
        },
    )
    assert response.status_code == 302
    problem = VisitProblem.objects.get(description="2号楼1单元楼道灯坏了")
    assert problem.visit == place["visit"]
    # The building comes from the entrance.
    assert problem.building == place["building_2"]
    page = client.get(reverse("casework:visit_detail", args=["a", place["visit"].pk]))
    assert "2号楼1单元楼道灯坏了" in page.content.decode()


BAD_PROBLEMS = [
    pytest.param(
        "entrance",
        lambda place, world: {
            "building": place["building_1"].pk,
            "entrance": place["entrance_21"].pk,
        },
        zh("This entrance is in another building."),
        id="entrance-in-another-building",
    ),
    pytest.param(
        "building",
        lambda place, world: {"building": world.household_b.entrance.building.pk},
        None,
        id="building-of-another-community",
    ),
    pytest.param(
        "description",
        lambda place, world: {"description": "   "},
        None,
        id="no-description",
    ),
    pytest.param(
        "category",
        lambda place, world: {"category": CaseCategoryFactory(name="停用", is_active=False).pk},
        None,
        id="inactive-category",
    ),
]


@pytest.mark.parametrize(("field", "changes", "message"), BAD_PROBLEMS)
def test_bad_problem_input_is_shown_next_to_the_field(
    client, world, place, field, changes, message
):
    client.force_login(place["users"]["worker_a"])
    data = {"category": place["category"].pk, "description": "垃圾桶满了"}
    data.update(changes(place, world))
    response = client.post(reverse("casework:problem_create", args=["a", place["visit"].pk]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert escape(form.errors[field][0]) in response.content.decode()
    if message is not None:
        assert message in form.errors[field]
    assert VisitProblem.objects.count() == 1


def test_problem_becomes_a_case_once(client, place):
    client.force_login(place["users"]["secretary_a"])
    problem = place["problem"]
    url = reverse("casework:problem_to_case", args=["a", place["visit"].pk, problem.pk])
    response = client.post(url, {"urgency": "urgent", "task_group": place["group"].pk}, follow=True)
    problem.refresh_from_db()
    case = problem.case
    assert case is not None
    assert case.source == Case.Source.VISIT
    assert case.urgency == "urgent"
    assert case.task_group == place["group"]
    assert case.entrance == place["entrance_11"] and case.building == place["building_1"]
    assert case.description == problem.description
    assert case.community == place["community"]
    assert case.created_by == place["users"]["secretary_a"]
    assert set(case.actions.values_list("kind", flat=True)) == {
        CaseAction.Kind.RECEIVED,
        CaseAction.Kind.FORWARDED,
    }
    body = response.content.decode()
    assert reverse("casework:case_detail", args=["a", case.pk]) in body
    assert 'data-testid="to-case"' not in body

    # Pressed again (a second tab, a double click): a message, no second case, no 500.
    response = client.post(url, {"urgency": "general"}, follow=True)
    assert response.status_code == 200
    assert zh("This problem is already a case.") in _messages(response)
    assert Case.objects.filter(source=Case.Source.VISIT).count() == 1


def test_problem_to_case_with_a_foreign_worker_writes_nothing(client, place):
    client.force_login(place["users"]["secretary_a"])
    problem = place["problem"]
    url = reverse("casework:problem_to_case", args=["a", place["visit"].pk, problem.pk])
    response = client.post(
        url,
        {"urgency": "general", "assigned_worker": place["users"]["secretary_b"].pk},
        follow=True,
    )
    assert response.status_code == 200
    assert _messages(response)
    problem.refresh_from_db()
    assert problem.case is None
    assert not Case.objects.exists()


def test_problem_to_case_with_an_inactive_task_group_writes_nothing(client, place):
    TaskGroup.objects.filter(pk=place["group"].pk).update(is_active=False)
    client.force_login(place["users"]["secretary_a"])
    problem = place["problem"]
    url = reverse("casework:problem_to_case", args=["a", place["visit"].pk, problem.pk])
    client.post(url, {"urgency": "general", "task_group": place["group"].pk})
    problem.refresh_from_db()
    assert problem.case is None


# ---------------------------------------------------------------- other communities' ids


@pytest.mark.parametrize("role", ["secretary_a", "superuser"])
def test_another_communitys_visit_is_404_and_changes_nothing(client, world, place, role):
    foreign = VisitFactory(community=world.community_b)
    foreign.entrances.set([world.household_b.entrance])
    foreign_problem = VisitProblemFactory(visit=foreign)
    client.force_login(place["users"][role])
    for name in ("visit_detail", "visit_edit", "problem_create"):
        assert client.get(reverse(f"casework:{name}", args=["a", foreign.pk])).status_code == 404
    url = reverse("casework:visit_edit", args=["a", foreign.pk])
    assert client.post(url, _visit_data(place)).status_code == 404
    url = reverse("casework:problem_to_case", args=["a", foreign.pk, foreign_problem.pk])
    assert client.post(url, {"urgency": "general"}).status_code == 404
    # A problem of this community reached through another visit's address is 404 too.
    other_visit = VisitFactory(community=place["community"], worker=place["users"]["worker_a"])
    url = reverse("casework:problem_to_case", args=["a", other_visit.pk, place["problem"].pk])
    assert client.post(url, {"urgency": "general"}).status_code == 404
    foreign_problem.refresh_from_db()
    place["problem"].refresh_from_db()
    assert foreign_problem.case is None and place["problem"].case is None
    assert not foreign.households.exists()


# ---------------------------------------------------------------- the list


def test_visit_list_counts_and_filters(client, place):
    worker = place["users"]["worker_a"]
    secretary = place["users"]["secretary_a"]
    visit = place["visit"]
    visit.households.add(place["room_102"])
    VisitProblemFactory(visit=visit, category=place["category"])
    old = VisitFactory(
        community=place["community"],
        worker=secretary,
        visited_on=timezone.localdate().replace(day=1) - dt.timedelta(days=40),
    )
    old.entrances.set([place["entrance_21"]])

    client.force_login(place["users"]["subdistrict_a"])
    url = reverse("casework:visit_list", args=["a"])
    response = client.get(url)
    rows = list(response.context["page_obj"])
    assert [v.pk for v in rows] == [visit.pk, old.pk]
    assert (rows[0].entrance_count, rows[0].household_count, rows[0].problem_count) == (1, 2, 2)
    # Area staff read but do not log.
    assert 'data-testid="log-visit"' not in response.content.decode()

    def shown(**params):
        return [v.pk for v in client.get(url, params).context["page_obj"]]

    assert shown(worker=worker.pk) == [visit.pk]
    assert shown(worker=secretary.pk) == [old.pk]
    assert shown(building=place["building_2"].pk) == [old.pk]
    assert shown(month=old.visited_on.strftime("%Y-%m")) == [old.pk]
    assert shown(month=timezone.localdate().strftime("%Y-%m")) == [visit.pk]
    assert shown(date_from=timezone.localdate().isoformat()) == [visit.pk]
    assert shown(date_to=old.visited_on.isoformat()) == [old.pk]
    # Filtering by building does not change what the row counts.
    row = client.get(url, {"building": place["building_1"].pk}).context["page_obj"][0]
    assert row.entrance_count == 1 and row.household_count == 2
    # A month typed wrong is an error next to the field, not a 500.
    response = client.get(url, {"month": "2026-13"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["month"]


# ---------------------------------------------------------------- coverage


@pytest.fixture
def estate(world):
    """Three buildings of two entrances each in community A (1号楼 is the world's)."""
    community = world.community_a
    first = world.household_a.entrance
    first.name = "1单元"
    first.save()
    buildings = [first.building]
    buildings += [BuildingFactory(community=community, name=f"{n}号楼") for n in (2, 3)]
    entrances = {(1, 1): first}
    entrances[(1, 2)] = EntranceFactory(building=buildings[0], name="2单元")
    for b in (2, 3):
        for e in (1, 2):
            entrances[(b, e)] = EntranceFactory(building=buildings[b - 1], name=f"{e}单元")
    return {"community": community, "buildings": buildings, "entrances": entrances}


def _visit(community, worker, day, entrances, households=()):
    visit = VisitFactory(community=community, worker=worker, visited_on=day)
    visit.entrances.set(entrances)
    visit.households.set(households)
    return visit


def test_coverage_counts_only_this_months_visits(client, world, estate):
    e = estate["entrances"]
    worker = world.users["worker_a"]
    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    neighbour = HouseholdFactory(entrance=e[(1, 2)], room="201")
    _visit(world.community_a, worker, today, [e[(1, 1)], e[(1, 2)]], [world.household_a])
    # The same entrance twice, and a household visited twice, count once.
    _visit(world.community_a, worker, today, [e[(1, 1)], e[(2, 1)]], [world.household_a])
    _visit(world.community_a, worker, today.replace(day=1), [e[(1, 2)]], [neighbour])
    # Last month: not this month's coverage.
    _visit(world.community_a, worker, last_month, [e[(3, 1)], e[(3, 2)], e[(2, 2)]])

    client.force_login(world.users["secretary_a"])
    response = client.get(reverse("casework:visit_coverage", args=["a"]))
    assert response.status_code == 200
    rows = {
        r["building"].name: (
            r["building"].entrance_visited,
            r["building"].entrance_total,
            r["building"].households_visited,
            r["percent"],
            r["cue"],
        )
        for r in response.context["rows"]
    }
    assert rows == {
        "1号楼": (2, 2, 2, 100, "success"),
        "2号楼": (1, 2, 0, 50, "warning"),
        "3号楼": (0, 2, 0, 0, "danger"),
    }
    unvisited = [(x.building.name, x.name) for x in response.context["unvisited"]]
    assert unvisited == [("2号楼", "2单元"), ("3号楼", "1单元"), ("3号楼", "2单元")]
    assert (response.context["entrance_visited"], response.context["entrance_total"]) == (3, 6)
    assert response.context["households_visited"] == 2
    body = response.content.decode()
    assert body.count('data-testid="unvisited-entrance"') == 3
    assert 'data-building="3号楼"' in body

    # Last month: only last month's visit counts.
    response = client.get(
        reverse("casework:visit_coverage", args=["a"]), {"month": last_month.strftime("%Y-%m")}
    )
    rows = {r["building"].name: r["building"].entrance_visited for r in response.context["rows"]}
    assert rows == {"1号楼": 0, "2号楼": 1, "3号楼": 2}
    assert [(x.building.name, x.name) for x in response.context["unvisited"]] == [
        ("1号楼", "1单元"),
        ("1号楼", "2单元"),
        ("2号楼", "1单元"),
    ]


@pytest.mark.parametrize("month", ["2026-13", "abc", "99999-01", "0000-01", "2026-00", ""])
def test_coverage_with_a_bad_month_falls_back_to_this_month(client, world, month):
    client.force_login(world.users["worker_a"])
    response = client.get(reverse("casework:visit_coverage", args=["a"]), {"month": month})
    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)


# ---------------------------------------------------------------- query counts


def _count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow_estate(community, buildings: int, worker, *, households_per_entrance: int = 1):
    """``buildings`` new buildings of two entrances, each entrance with households, and
    a visit this month walking every entrance and calling on every household."""
    made = []
    for b in range(buildings):
        building = BuildingFactory(community=community, name=f"批量{buildings}-{b}号楼")
        for e in (1, 2):
            entrance = EntranceFactory(building=building, name=f"{e}单元")
            rooms = [
                HouseholdFactory(entrance=entrance, room=f"{e}{r:02d}")
                for r in range(households_per_entrance)
            ]
            made.append((entrance, rooms))
    return made


LIST_QUERIES = 11
DETAIL_QUERIES = 16
COVERAGE_QUERIES = 9


def test_visit_list_query_count_does_not_grow(client, world, place):
    """Eleven queries for 3 or 30 visits: session, user, community, the user's scope
    (roles, area roles, home: 3), the unread-notification count; the paginator's COUNT,
    the filter's worker and building menus, and the page of visits with their three
    counts (one query). The manage check reads the scope already loaded."""
    client.force_login(world.users["secretary_a"])
    url = reverse("casework:visit_list", args=["a"])

    def fill(n):
        for _ in range(n):
            _visit(
                place["community"],
                world.users["worker_a"],
                timezone.localdate(),
                [place["entrance_11"], place["entrance_12"]],
                [place["room_101"], place["room_102"]],
            )

    fill(2)
    small = _count_queries(client, url)
    fill(27)
    large = _count_queries(client, url)
    assert small == large == LIST_QUERIES


def test_visit_detail_query_count_does_not_grow(client, world, place):
    """Sixteen queries for a visit of 1 or 21 entrances, households and problems:
    session, user, community, scope (3), unread count; the visit with its worker; its
    entrances with buildings, its households, its problems with category, place and case
    (three prefetches); then the office's forms: workers, task groups, and the problem
    form's categories, buildings and entrances."""
    client.force_login(world.users["secretary_a"])
    visit = place["visit"]
    url = reverse("casework:visit_detail", args=["a", visit.pk])
    small = _count_queries(client, url)
    made = _grow_estate(place["community"], 10, world.users["worker_a"], households_per_entrance=2)
    visit.entrances.add(*[entrance for entrance, _ in made])
    visit.households.add(*[h for _, rooms in made for h in rooms])
    for entrance, _ in made:
        problem = VisitProblemFactory(visit=visit, category=place["category"], entrance=entrance)
        problem.building = entrance.building
        problem.save()
    # Some problems are already cases.
    for problem in VisitProblem.objects.filter(visit=visit)[:5]:
        problem.case = CaseFactory(community=place["community"], source=Case.Source.VISIT)
        problem.save()
    large = _count_queries(client, url)
    body = client.get(url).content.decode()
    assert body.count('data-testid="problem"') == 21
    assert small == large == DETAIL_QUERIES


def test_coverage_query_count_does_not_grow(client, world):
    """Nine queries for 3 or 21 buildings: session, user, community, scope (3), unread
    count; the buildings with their three counts (one query) and the unvisited entrances
    with their buildings. The manage check reads the scope already loaded."""
    client.force_login(world.users["secretary_a"])
    url = reverse("casework:visit_coverage", args=["a"])
    community = world.community_a

    def grow(n):
        made = _grow_estate(community, n, world.users["worker_a"])
        # Half the entrances walked this month.
        _visit(
            community,
            world.users["worker_a"],
            timezone.localdate(),
            [entrance for entrance, _ in made[::2]],
            [h for _, rooms in made[::2] for h in rooms],
        )

    grow(2)
    small = _count_queries(client, url)
    grow(18)
    large = _count_queries(client, url)
    response = client.get(url)
    assert len(response.context["rows"]) == 21
    assert small == large == COVERAGE_QUERIES
