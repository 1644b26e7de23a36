"""The demo site (``seed_demo``) and, for each kind of user, the pages they use most.

Used by the contrast, elder-mode and desktop-layout browser tests."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command

DEMO_PASSWORD = "gongzhi2026"
CODE = "shuanghe"

# Demo accounts (seed_demo): who, phone.
ACCOUNTS = {
    "secretary": "13800000001",
    "worker": "13800000002",
    "property_manager": "13800000003",
    "subdistrict_staff": "13800000021",
    "resident": "13900000003",
    "superuser": "13800000000",
}


CATALOGUE_MIGRATIONS = [
    ("deliberation.migrations.0002_default_categories", "add_categories"),
    ("casework.migrations.0002_catalogue_and_holidays", "forwards"),
]


def reload_catalogues() -> None:
    """Load again the rows the data migrations wrote (proposal and case categories,
    holidays), which a flush of the test database removes."""
    for module, function in CATALOGUE_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def demo_site(transactional_db):
    """双合家园 and 华贸中心 with rosters, proposals, ballots, teams, shifts and cases."""
    # A transactional test before this one may have flushed the catalogues the data
    # migrations load: load them again.
    reload_catalogues()
    call_command("seed_demo", stdout=io.StringIO())
    return ACCOUNTS


def _first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True).first()


def anonymous_pages() -> list[str]:
    return ["/", "/accounts/login/", "/register/"]


def resident_pages() -> list[str]:
    """What 王秀英 (verified resident of 双合家园) opens on her phone."""
    from casework.models import Case
    from deliberation.models import Ballot, Proposal
    from volunteers.models import Team

    c = f"/c/{CODE}"
    pages = [
        "/me/",
        f"{c}/proposals/",
        f"{c}/my-cases/",
        f"{c}/my-cases/new/",
        f"{c}/volunteers/teams/",
        f"{c}/volunteers/my-shifts/",
        f"{c}/volunteers/become/",
        "/notifications/",
        "/accounts/password/",
    ]
    shown = ["voting", "passed", "in_deliberation"]
    proposal = _first(Proposal, community__code=CODE, status__in=shown)
    if proposal:
        pages.append(f"{c}/proposals/{proposal}/")
    ballot = _first(Ballot, proposal__community__code=CODE, status="open") or _first(
        Ballot, proposal__community__code=CODE
    )
    if ballot:
        pages.append(f"{c}/ballots/{ballot}/")
    team = _first(Team, community__code=CODE)
    if team:
        pages.append(f"{c}/volunteers/teams/{team}/")
    case = _first(Case, community__code=CODE, reporter_resident__user__phone=ACCOUNTS["resident"])
    if case:
        pages.append(f"{c}/my-cases/{case}/")
    return pages


def office_pages() -> list[str]:
    """What the secretary opens at the office desk."""
    from casework.models import Case
    from volunteers.models import Team

    c = f"/c/{CODE}"
    pages = [
        f"{c}/",
        f"{c}/buildings/",
        f"{c}/households/",
        f"{c}/residents/",
        f"{c}/roles/",
        f"{c}/governance/",
        f"{c}/proposals/",
        f"{c}/cases/",
        f"{c}/visits/",
        f"{c}/volunteers/",
        f"{c}/volunteers/teams/",
        f"{c}/volunteers/people/",
        f"{c}/volunteers/shifts/",
        f"{c}/volunteers/roster/",
        f"{c}/volunteers/hours/",
    ]
    case = _first(Case, community__code=CODE)
    if case:
        pages.append(f"{c}/cases/{case}/")
    team = _first(Team, community__code=CODE)
    if team:
        pages.append(f"{c}/volunteers/teams/{team}/")
    return pages


def area_pages() -> list[str]:
    return [
        "/area/",
        "/area/structure/",
        "/area/compliance/",
        "/area/projects/",
        "/area/cases/rates/",
    ]
