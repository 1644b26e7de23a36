"""The rates pages, recurring problems and the one-click proposal: who gets what, the
numbers shown for known data, the month parameter, the CSV, the area roll-up limited to
the user's own area, and query counts that do not grow with the data.

The matrix is written out by hand so a reader can check each cell against
``casework/rules.py``:

- anonymous visitors are sent to the login page;
- a user with no tie to community A (secretary_b) gets 404;
- the rates and recurring problems are for the office and the area staff above
  (``casework.view_office``): residents and property staff get 403;
- raising a proposal is for the office (``casework.manage``): area staff get 403;
- the area page is for subdistrict/district staff and superusers; everyone else 403.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from casework import selectors
from casework import urls as casework_urls
from casework.models import Case, CaseAction, RatesSnapshot
from casework.rates import DEFINITIONS
from communities.months import add_months
from deliberation.models import Proposal, ProposalCategory
from tests.casework.factories import (
    CaseCategoryFactory,
    CaseFactory,
    TaskGroupFactory,
    WhistleFactory,
)
from tests.casework.matrix import LOGIN, assert_answer, params
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    CommunityRoleFactory,
    HouseholdFactory,
    ResidentFactory,
    UserFactory,
)

# fmt: off
EXPECTED = {
    #                     anon, rep,  oth,  wrk,  sec_a, sec_b, p_in, p_out, sub_a, super
    "rates":             (LOGIN, 403,  403,  200,  200,   404,   403,  403,   200,   200),
    "rates_export":      (LOGIN, 403,  403,  200,  200,   404,   403,  403,   200,   200),
    "recurring":         (LOGIN, 403,  403,  200,  200,   404,   403,  403,   200,   200),
    # Raising a proposal is the office's: area staff read but do not raise.
    "recurring_propose": (LOGIN, 403,  403,  200,  200,   404,   403,  403,   403,   200),
    # Not tied to a community: only area staff and superusers.
    "area_rates":        (LOGIN, 403,  403,  403,  403,   403,   403,  403,   200,   200),
}
# fmt: on

MY_MODULES = {"casework.views.rates"}


def zh(msgid: str) -> str:
    """The text the site renders for msgid (in Simplified Chinese, the site's language)."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_matrix_covers_every_url_name_of_the_rates_views():
    """A new rates page must get a row here before it ships."""
    names = {
        p.name for p in casework_urls.urlpatterns if p.callback.view_class.__module__ in MY_MODULES
    }
    assert set(EXPECTED) == names


# ---------------------------------------------------------------- objects


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def place(world):
    community = world.community_a
    building = world.household_a.entrance.building
    category = CaseCategoryFactory(name="楼道照明")
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
    now = timezone.now()
    recurring = [
        CaseFactory(
            community=community,
            building=building,
            category=category,
            received_at=now - dt.timedelta(days=days),
            task_group=group,
            created_by=users["worker_a"],
        )
        for days in (10, 3)
    ]
    return {
        "community": community,
        "building": building,
        "category": category,
        "recurring": recurring,
        "users": users,
    }


def _url(name: str, place) -> str:
    if name == "area_rates":
        return reverse("casework:area_rates")
    url = reverse(f"casework:{name}", args=[place["community"].code])
    if name == "recurring_propose":
        url += "?cases=" + ",".join(str(c.pk) for c in place["recurring"])
    return url


MATRIX = params(EXPECTED)


@pytest.mark.parametrize(("name", "role", "expected"), MATRIX)
def test_role_url_matrix(client, place, name, role, expected):
    if role != "anonymous":
        client.force_login(place["users"][role])
    url = _url(name, place)
    response = client.get(url)
    assert_answer(response, expected, f"GET {url} as {role}")


# ---------------------------------------------------------------- known data


def _known_month(place) -> dt.date:
    """Two months ago: four cases with known answers."""
    month = add_months(selectors.this_month(), -2)
    community, category = place["community"], place["category"]
    day = month + dt.timedelta(days=4)
    received = aware(day)
    common = {"community": community, "category": category, "received_at": received}
    on_time = received + dt.timedelta(hours=2)
    late = received + dt.timedelta(hours=30)
    closed = received + dt.timedelta(days=2)
    # Contacted in time: 3 of 4. Closed: 3, resolved 2. Rated: 2, satisfied 1.
    CaseFactory(
        **common,
        contacted_at=on_time,
        status=Case.Status.CLOSED,
        closed_at=closed,
        outcome=Case.Outcome.RESOLVED,
        satisfaction=Case.Satisfaction.BASICALLY,
    )
    CaseFactory(
        **common,
        contacted_at=on_time,
        status=Case.Status.CLOSED,
        closed_at=closed,
        outcome=Case.Outcome.RESOLVED,
        satisfaction=Case.Satisfaction.DISSATISFIED,
    )
    CaseFactory(
        **common,
        contacted_at=on_time,
        status=Case.Status.CLOSED,
        closed_at=closed,
        outcome=Case.Outcome.EXPLAINED,
    )
    CaseFactory(**common, contacted_at=late, status=Case.Status.IN_PROGRESS)
    # Another community's case in the same month counts for nobody here.
    CaseFactory(community=CommunityFactory(), category=category, received_at=received)
    return month


def test_rates_page_shows_the_three_rates_and_their_counts(client, place):
    month = _known_month(place)
    client.force_login(place["users"]["worker_a"])
    response = client.get(_url("rates", place), {"month": f"{month:%Y-%m}"})
    assert response.status_code == 200
    html = response.content.decode()
    cards = {card["key"]: card for card in response.context["cards"]}
    assert cards["response"]["value"] == "75.0"
    assert cards["resolution"]["value"] == "66.7"
    assert cards["satisfaction"]["value"] == "50.0"
    assert "75.0" in html and "66.7" in html and "50.0" in html
    assert zh("%(part)d of %(whole)d cases contacted in time") % {"part": 3, "whole": 4} in html
    assert zh("%(part)d of %(whole)d closed cases resolved") % {"part": 2, "whole": 3} in html
    satisfied = zh("%(part)d of %(whole)d ratings satisfied or basically satisfied")
    assert satisfied % {"part": 1, "whole": 2} in html
    # The definitions are on the page.
    for term, text in DEFINITIONS:
        assert f"<dt>{term}</dt><dd>{text}</dd>" in html
    # Hotspots of the month: the one category with its four cases.
    assert response.context["categories"] == [{"category__name": "楼道照明", "n": 4}]


def test_a_month_without_cases_shows_a_dash_not_zero(client, place):
    client.force_login(place["users"]["worker_a"])
    response = client.get(_url("rates", place), {"month": "2025-01"})
    assert response.status_code == 200
    assert [card["value"] for card in response.context["cards"]] == ["—", "—", "—"]
    assert zh("Nothing to count yet") in response.content.decode()


@pytest.mark.parametrize(
    ("value", "expected", "warned"),
    [
        ("", None, False),
        ("2026-13", None, True),
        ("2026-00", None, True),
        ("abc", None, True),
        ("1999-12", None, True),
        ("2026-03-01", None, True),
        ("20260-1", None, True),
        ("2026-3", dt.date(2026, 3, 1), False),
        ("2025-11", dt.date(2025, 11, 1), False),
    ],
)
def test_month_parameter_falls_back_to_this_month(client, place, value, expected, warned):
    client.force_login(place["users"]["worker_a"])
    response = client.get(_url("rates", place), {"month": value})
    assert response.status_code == 200
    assert response.context["month"] == (expected or selectors.this_month())
    assert ('data-testid="unreadable-month"' in response.content.decode()) == warned


def test_trend_covers_twelve_months_including_empty_ones(client, place):
    month = _known_month(place)
    client.force_login(place["users"]["worker_a"])
    response = client.get(_url("rates", place), {"month": f"{month:%Y-%m}"})
    trend = response.context["trend"]
    assert [row["month"] for row in trend] == [add_months(month, i) for i in range(-11, 1)]
    html = response.content.decode()
    assert html.count('data-testid="trend-row"') == 12
    assert html.count('data-testid="trend-month"') == 12
    # Only the last month has cases; the eleven before it have nothing to count.
    assert trend[-1]["texts"] == ["75.0", "66.7", "50.0"]
    assert all(row["texts"] == ["—", "—", "—"] for row in trend[:-1])
    assert all(row["counts"].received == 0 for row in trend[:-1])
    # Three bars drawn for the month with cases, none for the empty ones.
    assert sum(1 for bar in trend[-1]["bars"] if not bar["missing"]) == 3


def test_frozen_snapshots_are_listed_newest_first_with_their_rates(client, place):
    community = place["community"]
    common = {"community": community, "taken_at": timezone.now()}
    RatesSnapshot.objects.create(
        month=dt.date(2026, 1, 1),
        received=8,
        responded_on_time=6,
        closed=4,
        resolved=3,
        rated=2,
        satisfied=2,
        **common,
    )
    RatesSnapshot.objects.create(
        month=dt.date(2026, 2, 1),
        received=0,
        responded_on_time=0,
        closed=0,
        resolved=0,
        rated=0,
        satisfied=0,
        **common,
    )
    RatesSnapshot.objects.create(
        month=dt.date(2026, 2, 1),
        community=CommunityFactory(),
        received=9,
        responded_on_time=9,
        closed=9,
        resolved=9,
        rated=9,
        satisfied=9,
        taken_at=timezone.now(),
    )
    client.force_login(place["users"]["secretary_a"])
    response = client.get(_url("rates", place))
    snapshots = list(response.context["snapshots"])
    assert [s.month for s in snapshots] == [dt.date(2026, 2, 1), dt.date(2026, 1, 1)]
    assert snapshots[1].texts == ["75.0", "75.0", "100.0"]
    assert snapshots[0].texts == ["—", "—", "—"]
    assert response.content.decode().count(zh("frozen")) >= 2


def test_overdue_open_cases_are_counted(client, place):
    now = timezone.now()
    community = place["community"]
    Case.objects.filter(community=community).delete()
    ago = now - dt.timedelta(days=3)
    # Open, never contacted, past its contact deadline: overdue.
    CaseFactory(community=community, received_at=ago, contact_due=now - dt.timedelta(days=2))
    # Open, past its resolution deadline though contacted: overdue.
    CaseFactory(
        community=community,
        received_at=ago,
        contacted_at=ago,
        resolve_due=now - dt.timedelta(hours=1),
    )
    # Open, contacted, not yet due: not overdue.
    CaseFactory(community=community, received_at=ago, contacted_at=ago)
    # Closed late: no longer open, so not on the list.
    CaseFactory(
        community=community,
        received_at=ago,
        contact_due=ago,
        resolve_due=ago,
        status=Case.Status.CLOSED,
        closed_at=now,
        outcome=Case.Outcome.RESOLVED,
    )
    client.force_login(place["users"]["worker_a"])
    response = client.get(_url("rates", place))
    assert response.context["overdue_count"] == 2
    assert 'data-testid="overdue-count">2<' in response.content.decode()


# ---------------------------------------------------------------- CSV


def test_csv_has_twelve_months_with_counts_and_rates(client, place):
    month = _known_month(place)
    client.force_login(place["users"]["worker_a"])
    response = client.get(_url("rates_export", place), {"month": f"{month:%Y-%m}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == [zh("Community"), "双合家园"]
    header = rows[2]
    assert header[0] == zh("Month")
    assert header[3] == zh("Response rate (per cent)")
    data = rows[3:]
    assert [r[0] for r in data] == [f"{add_months(month, i):%Y-%m}" for i in range(-11, 1)]
    assert data[-1] == [f"{month:%Y-%m}", "4", "3", "75.0", "3", "2", "66.7", "2", "1", "50.0"]
    assert data[0] == [f"{add_months(month, -11):%Y-%m}", "0", "0", "", "0", "0", "", "0", "0", ""]


def test_csv_with_an_unreadable_month_ends_at_this_month(client, place):
    client.force_login(place["users"]["worker_a"])
    response = client.get(_url("rates_export", place), {"month": "bad"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    assert rows[-1][0] == f"{selectors.this_month():%Y-%m}"
    # The recurring pair was received this month or last: counted in the CSV.
    assert sum(int(r[1]) for r in rows[3:]) == 2


# ---------------------------------------------------------------- the area


def test_area_page_counts_only_communities_under_the_user(client, place, world):
    month = _known_month(place)
    received = aware(month + dt.timedelta(days=6))
    # Community B (another subdistrict): seven cases nobody in A's subdistrict may see.
    for _ in range(7):
        CaseFactory(community=world.community_b, received_at=received)
    client.force_login(place["users"]["subdistrict_a"])
    response = client.get(reverse("casework:area_rates"), {"month": f"{month:%Y-%m}"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "双合家园" in html
    assert "华贸中心" not in html
    assert "八里庄街道" not in html
    assert response.context["total"].received == 4
    assert [c.code for c in response.context["communities"]] == ["a"]
    assert [row["subdistrict"].name for row in response.context["subdistricts"]] == ["垡头街道"]
    assert response.context["subdistricts"][0]["texts"] == ["75.0", "66.7", "50.0"]
    rates_link = reverse("casework:rates", args=["a"]) + f"?month={month:%Y-%m}"
    assert rates_link in html

    client.force_login(place["users"]["superuser"])
    response = client.get(reverse("casework:area_rates"), {"month": f"{month:%Y-%m}"})
    # Everything: A's four, B's seven, and the other community's one.
    assert response.context["total"].received == 4 + 7 + 1
    assert "华贸中心" in response.content.decode()


def test_area_page_sorts_worst_response_rate_first_with_empty_ones_last(client, place, world):
    month = _known_month(place)
    received = aware(month + dt.timedelta(days=6))
    sub = place["community"].subdistrict
    better = CommunityFactory(subdistrict=sub, name="好社区")
    CaseFactory(community=better, received_at=received, contacted_at=received)
    CommunityFactory(subdistrict=sub, name="空社区")
    client.force_login(place["users"]["subdistrict_a"])
    response = client.get(
        reverse("casework:area_rates"), {"month": f"{month:%Y-%m}", "sort": "response"}
    )
    names = [c.name for c in response.context["communities"]]
    assert names == ["双合家园", "好社区", "空社区"]
    # An unknown sort falls back to the area order.
    response = client.get(reverse("casework:area_rates"), {"sort": "drop table"})
    assert response.status_code == 200
    assert response.context["sort"] == "area"


def test_area_page_shows_open_whistles_per_subdistrict(client, place, world):
    WhistleFactory(community=place["community"])
    WhistleFactory(community=place["community"])
    WhistleFactory(community=world.community_b)
    client.force_login(place["users"]["subdistrict_a"])
    response = client.get(reverse("casework:area_rates"))
    (row,) = response.context["subdistricts"]
    assert row["open_whistles"] == 2
    assert reverse("casework:area_whistles") in response.content.decode()


# ---------------------------------------------------------------- recurring problems


def test_recurring_groups_are_shown_with_their_cases_and_a_button(client, place):
    client.force_login(place["users"]["worker_a"])
    response = client.get(_url("recurring", place))
    html = response.content.decode()
    (group,) = response.context["groups"]
    assert [c.pk for c in group["cases"]] == [c.pk for c in place["recurring"]]
    assert group["span_days"] == 7
    assert "楼道照明 · 1号楼" in html
    for case in place["recurring"]:
        assert reverse("casework:case_detail", args=["a", case.pk]) in html
    assert 'data-testid="propose"' in html

    # Area staff see the group but have no button.
    client.force_login(place["users"]["subdistrict_a"])
    response = client.get(_url("recurring", place))
    assert len(response.context["groups"]) == 1
    assert 'data-testid="propose"' not in response.content.decode()


def test_recurring_days_window(client, place):
    old = CaseFactory(
        community=place["community"],
        building=place["building"],
        category=place["category"],
        received_at=timezone.now() - dt.timedelta(days=120),
    )
    CaseFactory(
        community=place["community"],
        building=place["building"],
        category=place["category"],
        received_at=old.received_at + dt.timedelta(days=5),
    )
    client.force_login(place["users"]["worker_a"])
    assert len(client.get(_url("recurring", place)).context["groups"]) == 1
    response = client.get(_url("recurring", place), {"days": "180"})
    assert len(response.context["groups"]) == 2
    response = client.get(_url("recurring", place), {"days": "7; drop"})
    assert response.status_code == 200
    assert response.context["days"] == 90


def test_one_click_raises_a_submitted_proposal_linked_to_the_cases(client, place):
    cases = place["recurring"]
    client.force_login(place["users"]["worker_a"])
    url = _url("recurring_propose", place)
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    title = form.initial["title"]
    assert "楼道照明" in title and "1号楼" in title
    for case in cases:
        assert case.reference in form.initial["description"]
    category = ProposalCategory.objects.filter(is_active=True).first()
    data = {
        "cases": form.initial["cases"],
        "title": title,
        "description": form.initial["description"],
        "category": category.pk,
    }
    response = client.post(url, data)
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("deliberation:proposal_detail", args=["a", proposal.pk])
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.community == place["community"]
    assert list(proposal.buildings.all()) == [place["building"]]
    assert {c.pk for c in proposal.cases.all()} == {c.pk for c in cases}
    for case in cases:
        assert case.actions.filter(kind=CaseAction.Kind.PROPOSAL).count() == 1

    # The group now shows the proposal instead of the button.
    html = client.get(_url("recurring", place)).content.decode()
    assert 'data-testid="linked-proposal"' in html
    assert reverse("deliberation:proposal_detail", args=["a", proposal.pk]) in html
    assert 'data-testid="propose"' not in html

    # A second click is refused with a message; nothing more is written.
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert zh("Some of these cases are already linked to a proposal.") in _messages(response)
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize("kind", ["junk", "empty", "one", "foreign", "missing", "not_a_group"])
def test_bad_case_ids_are_refused_with_a_message(client, place, world, kind):
    cases = place["recurring"]
    ids = ",".join(str(c.pk) for c in cases)
    if kind == "junk":
        ids = "1,abc"
    elif kind == "empty":
        ids = ""
    elif kind == "one":
        ids = str(cases[0].pk)
    elif kind == "foreign":
        ids += f",{CaseFactory(community=world.community_b).pk}"
    elif kind == "missing":
        ids += ",999999"
    elif kind == "not_a_group":
        other_building = CaseFactory(
            community=place["community"],
            category=place["category"],
            building=BuildingFactory(community=place["community"]),
        )
        ids = f"{cases[0].pk},{other_building.pk}"
    client.force_login(place["users"]["worker_a"])
    base = reverse("casework:recurring_propose", args=["a"])
    category = ProposalCategory.objects.filter(is_active=True).first()
    for response in (
        client.get(base, {"cases": ids}, follow=True),
        client.post(
            base,
            {"cases": ids, "title": "t", "description": "d", "category": category.pk},
            follow=True,
        ),
    ):
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == reverse("casework:recurring", args=["a"])
        messages = _messages(response)
        assert zh("These cases are not a recurring problem of this community.") in messages
    assert not Proposal.objects.exists()
    assert not Case.objects.filter(proposal__isnull=False).exists()


def test_proposal_form_errors_are_shown_next_to_the_fields(client, place):
    client.force_login(place["users"]["worker_a"])
    url = _url("recurring_propose", place)
    ids = ",".join(str(c.pk) for c in place["recurring"])
    response = client.post(url, {"cases": ids, "title": "", "description": "x", "category": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"title", "category"}
    retired = ProposalCategory.objects.create(code="retired", name="旧类别", is_active=False)
    response = client.post(
        url, {"cases": ids, "title": "t", "description": "d", "category": retired.pk}
    )
    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    assert not Proposal.objects.exists()


# ---------------------------------------------------------------- query counts


def _count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _fill_months(place, n: int) -> None:
    """``n`` cases spread over the last twelve months, some closed and rated, and a
    snapshot per month for the first few."""
    community, category, building = place["community"], place["category"], place["building"]
    this = selectors.this_month()
    creator = place["users"]["worker_a"]
    cases = []
    for i in range(n):
        received = aware(add_months(this, -(i % 12)) + dt.timedelta(days=i % 20))
        closed = i % 3 == 0
        cases.append(
            Case(
                community=community,
                source=Case.Source.PHONE,
                category=category,
                building=building if i % 2 else None,
                description=f"批量{i}",
                reporter_name="王大爷",
                received_at=received,
                contact_due=received + dt.timedelta(hours=24),
                resolve_due=received + dt.timedelta(days=7),
                contacted_at=received + dt.timedelta(hours=i % 40),
                status=Case.Status.CLOSED if closed else Case.Status.IN_PROGRESS,
                closed_at=received + dt.timedelta(days=1) if closed else None,
                outcome=Case.Outcome.RESOLVED if closed else "",
                satisfaction=Case.Satisfaction.SATISFIED if closed and i % 2 else "",
                created_by=creator,
            )
        )
    Case.objects.bulk_create(cases)
    for i in range(1, 1 + min(n, 30) // 5):
        RatesSnapshot.objects.get_or_create(
            community=community,
            month=add_months(this, -i),
            defaults={
                "received": n,
                "responded_on_time": n // 2,
                "closed": n // 3,
                "resolved": n // 4,
                "rated": n // 5,
                "satisfied": n // 6,
                "taken_at": timezone.now(),
            },
        )


def test_rates_page_query_count_does_not_grow_with_the_cases(client, place):
    """Thirteen queries for 5 or 200 cases over twelve months.

    Session, user, community, the user's roles, area roles and home (scope: 3), the base
    template's unread-notification count; then the twelve months' counts (one grouped
    query), the month's top categories and top buildings (two), the count of open
    overdue cases, and the frozen snapshots (the paginator's COUNT and one page).
    """
    client.force_login(place["users"]["worker_a"])
    url = _url("rates", place)
    _fill_months(place, 5)
    small = _count_queries(client, url)
    _fill_months(place, 195)
    large = _count_queries(client, url)
    assert Case.objects.count() == 202
    assert small == large
    assert large <= 13


def test_area_rates_query_count_does_not_grow_with_the_communities(client, place, world):
    """Eleven queries for 2 or 20 communities.

    Session, user, the user's roles, area roles and home (scope: 3), the unread-
    notification count; then the paginator's COUNT and one page of communities with
    their counts (one annotated query), the counts per subdistrict (one grouped query),
    the open whistles per subdistrict, and the subdistricts with their number of
    communities.
    """
    sub = place["community"].subdistrict
    this = selectors.this_month()

    def add(n):
        for i in range(n):
            community = CommunityFactory(subdistrict=sub)
            CaseFactory(community=community, received_at=aware(this, 1 + i % 5))
            WhistleFactory(community=community)

    client.force_login(place["users"]["subdistrict_a"])
    url = reverse("casework:area_rates")
    add(1)
    small = _count_queries(client, url)
    add(18)
    large = _count_queries(client, url)
    assert len(client.get(url).context["communities"]) == 20
    assert small == large
    assert large <= 11


def test_recurring_query_count_does_not_grow_with_the_groups(client, place):
    """Nine queries for 1 or 21 recurring groups.

    Session, user, community, scope (3), unread-notification count; then the keys of
    the cases received in the window, and the grouped cases with their category,
    building, entrance and proposal (one query).
    """
    community, category = place["community"], place["category"]
    now = timezone.now()

    def add(n):
        for i in range(n):
            building = BuildingFactory(community=community)
            for days in (i % 20 + 1, i % 20 + 3):
                CaseFactory(
                    community=community,
                    category=category,
                    building=building,
                    received_at=now - dt.timedelta(days=days),
                )

    client.force_login(place["users"]["worker_a"])
    url = _url("recurring", place)
    small = _count_queries(client, url)
    add(20)
    large = _count_queries(client, url)
    assert len(client.get(url).context["groups"]) == 21
    assert small == large
    assert large <= 9


def test_proposal_page_lists_the_cases_behind_it_and_offers_a_whistle_when_passed(world, client):
    """A proposal raised from recurring cases links back to them; once passed the office
    can take it to a district department."""
    from tests.deliberation.factories import ProposalFactory

    proposal = ProposalFactory(community=world.community_a, status=Proposal.Status.PASSED)
    first = CaseFactory(community=world.community_a, hotline=True, proposal=proposal)
    CaseFactory(community=world.community_a, proposal=proposal, building=first.building)
    client.force_login(world.users["worker_a"])
    response = client.get(
        reverse("deliberation:proposal_detail", args=[world.community_a.code, proposal.pk])
    )
    html = response.content.decode()
    assert first.order_number in html
    assert reverse("casework:case_detail", args=[world.community_a.code, first.pk]) in html
    assert f"?proposal={proposal.pk}" in html


@pytest.mark.parametrize("name", ["rates", "area_rates"])
def test_month_picker_never_links_to_a_month_that_has_not_begun(world, client, name):
    args = [world.community_a.code] if name == "rates" else []
    client.force_login(world.users["subdistrict_a"])
    this = selectors.this_month()
    response = client.get(reverse(f"casework:{name}", args=args))
    assert f"?month={add_months(this, 1):%Y-%m}" not in response.content.decode()
    response = client.get(
        reverse(f"casework:{name}", args=args), {"month": f"{add_months(this, -1):%Y-%m}"}
    )
    assert f"?month={this:%Y-%m}" in response.content.decode()
