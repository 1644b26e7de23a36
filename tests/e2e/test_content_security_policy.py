"""Browser test: key pages work under the production Content-Security-Policy.

Every environment sends the policy of config/settings/base.py (production included), so the
live server here sends exactly what production sends; each page's header is checked too. A
script added before any page script records every ``securitypolicyviolation`` event; after
each page (and after using it) the list must be empty. And the pages' scripts must still
work: register's dependent selects fill from the server, the rates chart opens at its latest
months on a phone, print buttons print, the ballot's QR code loads.

Pages: the resident's home, the registration page, a ballot (phone: choose and confirm;
office: the QR code), a closed ballot's result with its chart and its printable notice, the
casework rates page with its SVG chart, the residents list, the volunteers' duty roster
and its print view, and a proactive visit's form with its "Tick all" buttons.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import CommunityRole
from deliberation import services
from deliberation.models import Ballot, Proposal
from tests.deliberation.factories import BallotFactory, ProposalFactory
from tests.factories import (
    PASSWORD,
    BuildingFactory,
    CommunityFactory,
    CommunityRoleFactory,
    EntranceFactory,
    HouseholdFactory,
    ResidentFactory,
    SubdistrictFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e]

# Runs in every page before its own scripts: collects violations, and makes window.print()
# countable instead of opening a dialog.
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push([e.violatedDirective, e.blockedURI || "inline",
    (e.sourceFile || "") + ":" + e.lineNumber, e.sample || ""].join(" "));
});
window.__printed = 0;
window.print = function () { window.__printed += 1; };
"""
# Violation events are queued as tasks: give the page a moment to deliver them.
READ_VIOLATIONS = "new Promise(done => setTimeout(() => done(window.__cspViolations), 100))"


def policy_of(header: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (p.split() for p in header.split(";") if p.strip())}


def visit(page, path: str):
    """Open path; it must carry the production policy and load without a violation."""
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: {response and response.status}"
    policy = policy_of(response.headers.get("content-security-policy", ""))
    assert policy.get("default-src") == ["'self'"], f"{path}: {policy}"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert_no_violations(page, path)
    return response


def assert_no_violations(page, where: str) -> None:
    violations = page.evaluate(READ_VIOLATIONS)
    assert violations == [], f"{where}: Content-Security-Policy violations {violations}"


def open_page(new_page, profile: str):
    page = new_page(profile)
    page.context.add_init_script(WATCH)
    return page


def log_in(page, phone: str) -> None:
    visit(page, "/accounts/login/")
    page.locator('input[name="username"]').fill(phone)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('#main [type="submit"]').click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    assert_no_violations(page, "after logging in")


@pytest.fixture
def estate(transactional_db):
    """双合家园 with a verified resident, a worker, an open ballot and a closed one."""
    community = CommunityFactory(
        subdistrict=SubdistrictFactory(name="垡头街道"), name="双合家园", code="shuanghe"
    )
    building = BuildingFactory(community=community, name="3号楼")
    entrance = EntranceFactory(building=building, name="2单元")
    resident_user = UserFactory(display_name="王秀英")
    resident = ResidentFactory(
        household=HouseholdFactory(entrance=entrance, room="402"),
        name="王秀英",
        user=resident_user,
        phone=resident_user.phone,
    )
    HouseholdFactory(entrance=entrance, room="401")
    worker = UserFactory(display_name="社工李娜")
    CommunityRoleFactory(user=worker, community=community, role=CommunityRole.Role.WORKER)
    now = timezone.now()
    ballots = []
    for title in ("在3号楼下建电动车充电棚", "3号楼加装电梯"):
        ballot = BallotFactory(
            proposal=ProposalFactory(
                community=community, status=Proposal.Status.IN_DELIBERATION, title=title
            ),
            opens_at=now - dt.timedelta(hours=1),
            closes_at=now + dt.timedelta(days=2),
        )
        assert services.ballot_open(ballot_id=ballot.pk, now=now)
        ballots.append(ballot)
    open_ballot, closed = ballots
    services.ballot_cast(ballot=closed, resident=resident, option_key="for")
    Ballot.objects.filter(pk=closed.pk).update(closes_at=now - dt.timedelta(seconds=1))
    assert services.ballot_close(ballot_id=closed.pk, now=timezone.now()) is not None
    return {
        "code": community.code,
        "resident": resident_user,
        "worker": worker,
        "open": open_ballot,
        "closed": closed,
    }


def test_registration_fills_its_dependent_selects_under_the_policy(new_page, estate):
    phone = open_page(new_page, "phone")
    visit(phone, "/register/")
    form = phone.locator("form[data-options-url]")
    form.locator('select[data-cascade="community"]').select_option(label="双合家园")
    form.locator('select[data-cascade="building"]').select_option(label="3号楼")
    form.locator('select[data-cascade="entrance"]').select_option(label="2单元")
    # Filled by static/js/cascade.js from /register/options/, after the placeholder.
    rooms = form.locator('select[data-cascade="household"] option')
    expect(rooms).to_have_count(3)
    assert rooms.all_inner_texts()[1:] == ["401", "402"]
    assert_no_violations(phone, "register after choosing")


def test_resident_pages_and_voting_work_under_the_policy(new_page, estate):
    code, ballot = estate["code"], estate["open"]
    phone = open_page(new_page, "phone")
    log_in(phone, estate["resident"].phone)
    visit(phone, "/me/")

    # Choose, confirm: two same-origin form posts (form-action 'self').
    visit(phone, f"/c/{code}/ballots/{ballot.pk}/")
    phone.locator(".option-card").first.click()
    phone.get_by_test_id("next").click()
    expect(phone.get_by_test_id("confirm")).to_be_visible()
    phone.get_by_test_id("confirm-vote").click()
    expect(phone.get_by_test_id("voted")).to_be_visible()
    assert_no_violations(phone, "ballot after voting")

    visit(phone, f"/c/{code}/ballots/{estate['closed'].pk}/results/")
    expect(phone.locator("svg").first).to_be_visible()


def test_office_pages_work_under_the_policy(new_page, estate):
    code = estate["code"]
    desk = open_page(new_page, "desktop")
    log_in(desk, estate["worker"].phone)

    visit(desk, f"/c/{code}/ballots/{estate['open'].pk}/")
    qr = desk.get_by_test_id("office-panel").locator("img")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "QR code did not load"

    closed = estate["closed"].pk
    visit(desk, f"/c/{code}/ballots/{closed}/results/")
    expect(desk.locator("svg").first).to_be_visible()
    visit(desk, f"/c/{code}/ballots/{closed}/notice/")
    desk.locator("[data-print]").click()
    assert desk.evaluate("window.__printed") == 1, "the print button did nothing"

    visit(desk, f"/c/{code}/cases/rates/")
    expect(desk.get_by_test_id("trend-chart")).to_be_visible()
    visit(desk, f"/c/{code}/residents/")
    expect(desk.locator("#main")).to_contain_text("王秀英")
    visit(desk, f"/c/{code}/volunteers/roster/")
    visit(desk, f"/c/{code}/volunteers/roster/print/")
    desk.locator("[data-print]").click()
    assert desk.evaluate("window.__printed") == 1, "the roster's print button did nothing"
    assert_no_violations(desk, "after printing")

    # A proactive visit: "Tick all" (static/js/tick-building.js) ticks a building's entrances.
    visit(desk, f"/c/{code}/visits/new/")
    card = desk.locator("[data-building]").first
    card.locator("[data-tick-building]").click()
    expect(card.locator("input[type=checkbox]").first).to_be_checked()
    assert_no_violations(desk, "visit form after ticking")


def test_the_rates_chart_opens_at_its_latest_months_on_a_phone(new_page, estate):
    phone = open_page(new_page, "phone")
    log_in(phone, estate["worker"].phone)
    visit(phone, f"/c/{estate['code']}/cases/rates/")
    box = phone.locator("[data-scroll-end]")
    expect(box).to_be_visible()
    assert box.evaluate("el => el.scrollWidth > el.clientWidth && el.scrollLeft > 0")
