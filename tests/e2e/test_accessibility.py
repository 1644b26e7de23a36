"""axe-core over every page a resident sees, on a 360 px phone: 0 violations of WCAG 2.1 A/AA.

axe-core 4.14.1 is vendored in tests/e2e/vendor/axe-core/ (no CDN) and injected into each
page with Playwright's ``add_script_tag(path=...)``; ``axe.run`` checks the tags wcag2a,
wcag2aa, wcag21a and wcag21aa. A failing page prints each violation: rule id, impact, help
and the nodes (CSS targets) it found.

Speed: one live server, one browser and one set of demo-like data for the whole module
(tests/resident_estate.py builds it once; the tests only read it), one logged-in browser
context per user. Each test still opens its own page and asserts only on that page.

Elder mode: ``MODES`` (env AXE_MODES, e.g. "standard,elder") lists the display modes;
"elder" turns ``User.elder_mode`` on for the estate's residents before their pages are
opened, and gives visitors the large-text cookie.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from pytest_django.live_server_helper import LiveServer

from accounts.display import COOKIE as ELDER_COOKIE
from accounts.models import User
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.site_pages import reload_catalogues
from tests.resident_estate import RESIDENT_PAGE_NAMES, build_estate, resident_pages

# The marker makes pytest-django set up the test database; each test then runs in a
# transaction of its own that it never writes in. The module's data is committed before.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE_360 = {
    "viewport": {"width": 360, "height": 780},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
# Every page in both display modes; AXE_MODES=standard (or elder) runs one.
MODES = tuple(os.environ.get("AXE_MODES", "standard,elder").split(","))
# Pages reached by doing something on a page of resident_pages(): (base page, what to do).
STATES = {
    "resident_home_menu": "resident_home",
    "public_home_menu": "public_home",
    "ballot_confirm": "ballot",
    "report_problem_error": "report_problem",
    "register_error": "register",
    "password_change_error": "password_change",
    "login_error": "login",
    "locked_out": "login",
}
# A number nobody has: wrong passwords for it lock only it (five per number and address),
# well below the limit per address, so the module's other logins are unaffected.
LOCKED_NUMBER = "13700000009"
ALL_PAGES = RESIDENT_PAGE_NAMES + tuple(STATES)

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160),
                              summary: n.failureSummary}))
  }));
}"""


def _flush() -> None:
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)


class Site:
    """The live server, the estate and a logged-in browser context per user and mode."""

    def __init__(self, browser, server: LiveServer, estate):
        self.browser, self.server, self.estate = browser, server, estate
        self.pages = resident_pages(estate)
        self.users = {
            "resident": estate.resident_user,
            "neighbour": estate.neighbour_user,
            "pending": estate.pending_user,
        }
        self.sessions = {}
        for key, user in self.users.items():
            client = Client()
            client.force_login(user)
            self.sessions[key] = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.contexts: dict = {}

    def context(self, user: str | None, mode: str):
        key = (user, mode)
        if key not in self.contexts:
            context = self.browser.new_context(
                base_url=self.server.url, bypass_csp=True, **PHONE_360
            )
            context.set_default_timeout(TIMEOUT_MS)
            cookies = []
            if user is not None:
                cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": self.sessions[user]})
            if mode == "elder":
                # A visitor's choice of large text is kept in a cookie (accounts/display.py).
                cookies.append({"name": ELDER_COOKIE, "value": "1"})
            if cookies:
                context.add_cookies([{**c, "url": self.server.url} for c in cookies])
            self.contexts[key] = context
        return self.contexts[key]

    def page(self, user: str | None, mode: str):
        """One tab per context, reused: a test's goto() starts a fresh document."""
        context = self.context(user, mode)
        return context.pages[0] if context.pages else context.new_page()

    def close(self):
        for context in self.contexts.values():
            context.close()


@pytest.fixture(scope="module")
def site(browser, django_db_setup, django_db_blocker):
    """Demo-like data written once for the module (and removed afterwards), served by a
    live server of its own: the tests read the data, none of them writes."""
    with django_db_blocker.unblock():
        _flush()
        estate = build_estate()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        site = Site(browser, server, estate)
        try:
            yield site
        finally:
            site.close()
            server._live_server_modified_settings.disable()
            server.stop()
            _flush()
            # Tests after this module (it runs among the plain database tests) expect the
            # data migrations' rows.
            reload_catalogues()


@pytest.fixture(scope="module", params=MODES)
def mode(request, site, django_db_blocker):
    users = User.objects.filter(pk__in=[u.pk for u in site.users.values()])
    with django_db_blocker.unblock():
        users.update(elder_mode=request.param == "elder")
    yield request.param
    with django_db_blocker.unblock():
        users.update(elder_mode=False)


@pytest.fixture
def phone(site, request, artifacts):
    """The browser tab of a user in a mode; each test loads its own page into it."""
    pages = []

    def _open(user, mode="standard"):
        page = site.page(user, mode)
        pages.append(page)
        return page

    yield _open
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        slug = request.node.name.replace("[", "-").replace("]", "")
        for n, page in enumerate(pages):
            page.screenshot(path=artifacts / f"FAILED-axe-{slug}-{n}.png", full_page=True)


def open_state(page, site, name: str) -> None:
    """Bring the page into the state named (after its base page has been opened)."""
    if name.endswith("_menu"):
        # At 360 px the navigation sits behind the menu button.
        page.locator(".navbar-toggler").click()
        page.locator("#mainNav.show").wait_for()
        page.wait_for_timeout(400)  # the collapse animation
    elif name == "ballot_confirm":
        page.locator('[data-testid="vote-form"] input[type=radio]').first.check()
        page.get_by_test_id("next").click()
        page.get_by_test_id("confirm").wait_for()
    elif name == "report_problem_error":
        page.get_by_test_id("report-form").locator("button[type=submit]").click()
        page.get_by_test_id("error-summary").wait_for()
    elif name == "register_error":
        page.locator("form[data-options-url] button[type=submit]").click()
        page.get_by_test_id("error-summary").wait_for()
    elif name == "password_change_error":
        page.locator('input[name="old_password"]').fill("not-the-password")
        page.locator('input[name="new_password1"]').fill("Laoshan-2026!")
        page.locator('input[name="new_password2"]').fill("Laoshan-2027!")
        page.locator('#main [type="submit"]').click()
        page.get_by_test_id("error-summary").wait_for()
    elif name == "locked_out":
        # The account-locked page (429) comes after five wrong passwords for one number.
        for _attempt in range(6):
            page.locator('input[name="username"]').fill(LOCKED_NUMBER)
            page.locator('input[name="password"]').fill("not-the-password")
            page.locator('#main [type="submit"]').click()
            page.wait_for_load_state()
            if page.get_by_test_id("locked-out").count():
                break
        page.get_by_test_id("locked-out").wait_for()
    elif name == "login_error":
        page.locator('input[name="username"]').fill(site.estate.resident_user.phone)
        page.locator('input[name="password"]').fill("not-the-password")
        page.locator('#main [type="submit"]').click()
        page.get_by_test_id("error-summary").wait_for()


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, TAGS)


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {n['target']}  {n['html']}\n      {n['summary']}" for n in v["nodes"]]
    return "\n".join(lines)


@pytest.mark.parametrize("name", ALL_PAGES)
def test_resident_page_has_no_axe_violations(site, mode, phone, name, capsys):
    base = site.pages[STATES.get(name, name)]
    page = phone(base.user, mode)
    response = page.goto(base.url)
    assert response is not None and response.status == base.status, (
        f"{base.url} answered {response and response.status}"
    )
    open_state(page, site, name)
    if mode == "elder":
        assert page.evaluate("document.documentElement.classList.contains('elder-mode')")
    violations = axe_violations(page)
    with capsys.disabled():
        # One line per page, for the report's before/after figures.
        nodes = sum(len(v["nodes"]) for v in violations)
        rules = [v["id"] for v in violations]
        print(f"\naxe {mode} {name}: {len(violations)} violations ({nodes} nodes) {rules}")
    assert not violations, f"{name} ({base.url}, {mode}):\n{describe(violations)}"


@pytest.mark.parametrize(
    "name", ["report_problem_error", "register_error", "password_change_error", "login_error"]
)
def test_failed_submit_moves_the_focus_to_the_error_summary(site, phone, name):
    base = site.pages[STATES[name]]
    page = phone(base.user)
    page.goto(base.url)
    open_state(page, site, name)
    page.wait_for_function("document.activeElement.hasAttribute('data-error-summary')")
    focused = page.evaluate(
        "({text: document.activeElement.innerText, links: [...document.activeElement"
        ".querySelectorAll('a[href^=\"#\"]')].map(a => a.getAttribute('href'))})"
    )
    assert focused["text"].strip()
    assert focused["links"] or name == "login_error"
    for href in focused["links"][:2]:
        # A link in the summary takes the resident to its field, focused.
        page.locator(f'[data-error-summary] a[href="{href}"]').click()
        assert page.evaluate("'#' + document.activeElement.id") == href


def test_every_resident_page_is_checked(site):
    assert set(site.pages) == set(RESIDENT_PAGE_NAMES)


def test_axe_reports_a_field_without_a_label(site, phone):
    """The check can fail: a field without a label on a clean page is a violation."""
    base = site.pages["not_found"]
    page = phone(base.user)
    page.goto(base.url)
    page.evaluate("document.querySelector('main').append(document.createElement('input'))")
    assert "label" in [v["id"] for v in axe_violations(page)]
