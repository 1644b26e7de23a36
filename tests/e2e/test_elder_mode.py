"""Large-text mode (大字版) on a phone (360x780): 王秀英 switches it on from the header and
every page she opens has text of at least 22 px and tap targets of at least 48 px; it
stays on after a reload, on other pages and when she logs in again on another phone.
A visitor's choice on the login page is kept in a cookie and carried into her account.
Standard mode stays as it was. Sizes follow the browser's own font-size setting (a
Chromium profile with a larger default font gets larger pages).

Screenshots: test-artifacts/elder-*.png."""

from __future__ import annotations

import json
import os

import pytest
from django.contrib.auth import get_user_model

from tests.e2e.checks import log_in, low_contrast, small_targets, small_text
from tests.e2e.conftest import CHROMIUM_ARGS
from tests.e2e.site_pages import (
    ACCOUNTS,
    CODE,
    DEMO_PASSWORD,
    demo_site,  # noqa: F401  (the fixture)
    resident_pages,
)

pytestmark = [pytest.mark.e2e]

PHONE_360 = {
    "viewport": {"width": 360, "height": 780},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
ELDER_TEXT_PX = 22
ELDER_TARGET_PX = 48
STANDARD_TEXT_PX = 16
STANDARD_TARGET_PX = 44

STYLE_JS = """() => ({
  elder: document.documentElement.classList.contains('elder-mode'),
  root: parseFloat(getComputedStyle(document.documentElement).fontSize),
  body: parseFloat(getComputedStyle(document.body).fontSize),
  scroll: document.documentElement.scrollWidth,
  view: window.innerWidth,
})"""

# The font-size of the project stylesheet's rules for `html`, as written.
ROOT_RULES_JS = """() => {
  const sizes = [];
  for (const sheet of document.styleSheets) {
    if (!sheet.href || !sheet.href.includes('/css/gongzhi')) continue;
    for (const rule of sheet.cssRules) {
      const root = /^html(\\.[\\w-]+)?$/.test(rule.selectorText || '');
      if (root && rule.style.fontSize) {
        sizes.push([rule.selectorText, rule.style.fontSize]);
      }
    }
  }
  return sizes;
}"""


def _style(page) -> dict:
    return page.evaluate(STYLE_JS)


def _phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, **PHONE_360)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def _toggle(page) -> None:
    page.get_by_test_id("elder-toggle").click()
    page.wait_for_load_state()


def assert_elder_page(page, where: str) -> None:
    style = _style(page)
    assert style["elder"], f"{where}: not in large-text mode"
    assert style["body"] >= ELDER_TEXT_PX, f"{where}: body text {style['body']}px"
    assert style["scroll"] <= style["view"], f"{where}: page scrolls sideways {style}"
    small = small_text(page, "#main", ELDER_TEXT_PX)
    assert not small, f"{where}: text under {ELDER_TEXT_PX}px: {small}"
    targets = small_targets(page, "#main", ELDER_TARGET_PX)
    assert not targets, f"{where}: tap targets under {ELDER_TARGET_PX}px: {targets}"
    header = small_targets(page, ".navbar", ELDER_TARGET_PX)
    assert not header, f"{where}: header targets under {ELDER_TARGET_PX}px: {header}"


@pytest.mark.usefixtures("demo_site")
def test_a_resident_switches_large_text_on_and_it_stays_on(browser, live_server, shot):
    context, page = _phone(browser, live_server)
    log_in(page, ACCOUNTS["resident"], DEMO_PASSWORD)
    page.goto("/me/")
    before = _style(page)
    assert not before["elder"] and before["root"] == 16
    shot(page, "elder-360-me-standard")
    toggle = page.get_by_test_id("elder-toggle")
    assert toggle.bounding_box()["height"] >= ELDER_TARGET_PX
    assert toggle.inner_text() == "大字版"

    _toggle(page)
    assert page.url.endswith("/me/"), "the switch goes back to the same page"
    assert page.get_by_test_id("elder-toggle").inner_text() == "标准版"
    assert_elder_page(page, "/me/")
    assert _style(page)["body"] > before["body"]
    shot(page, "elder-360-me")

    page.reload()
    assert_elder_page(page, "/me/ reloaded")
    for n, url in enumerate(resident_pages()):
        page.goto(url)
        assert_elder_page(page, url)
        shot(page, f"elder-360-page-{n:02d}")

    # The menu opens with large, well-spaced items.
    page.goto("/me/")
    page.locator(".navbar-toggler").click()
    page.locator("#mainNav.show").wait_for()
    assert not small_targets(page, "#mainNav", ELDER_TARGET_PX)
    shot(page, "elder-360-menu")
    context.close()

    # Another phone, a new login: the account remembers the choice.
    user = get_user_model().objects.get(phone=ACCOUNTS["resident"])
    assert user.elder_mode
    context, page = _phone(browser, live_server)
    log_in(page, ACCOUNTS["resident"], DEMO_PASSWORD)
    page.goto(f"/c/{CODE}/my-cases/")
    assert_elder_page(page, "my cases after a new login")

    # And back to standard text.
    _toggle(page)
    after = _style(page)
    assert not after["elder"] and after["body"] == before["body"]
    user.refresh_from_db()
    assert not user.elder_mode
    context.close()


@pytest.mark.usefixtures("demo_site")
def test_standard_mode_stays_as_it_was(browser, live_server, shot):
    context, page = _phone(browser, live_server)
    log_in(page, ACCOUNTS["resident"], DEMO_PASSWORD)
    from volunteers.models import Team

    team = Team.objects.filter(community__code=CODE).order_by("pk").first()
    teams = f"/c/{CODE}/volunteers/teams/"
    for url in ("/me/", f"/c/{CODE}/my-cases/new/", teams, f"{teams}{team.pk}/"):
        page.goto(url)
        style = _style(page)
        assert not style["elder"], url
        # 16 px root; resident pages (the volunteer team pages too) at 1.1875rem.
        assert style["root"] == 16 and style["body"] == 19, (url, style)
        assert not small_text(page, "#main", STANDARD_TEXT_PX), url
        assert not small_targets(page, "#main", STANDARD_TARGET_PX), url
    shot(page, "elder-360-teams-standard")
    context.close()


@pytest.mark.usefixtures("demo_site")
def test_a_visitor_chooses_large_text_on_the_login_page_and_keeps_it_after_logging_in(
    browser, live_server, shot
):
    context, page = _phone(browser, live_server)
    page.goto("/accounts/login/")
    _toggle(page)
    assert page.url.endswith("/accounts/login/")
    assert_elder_page(page, "login page")
    cookie = {c["name"]: c for c in context.cookies()}["gz_elder"]
    assert cookie["value"] == "1" and cookie["httpOnly"]
    shot(page, "elder-360-login")
    page.reload()
    assert _style(page)["elder"], "the cookie keeps large text on"
    page.goto("/register/")
    assert_elder_page(page, "register page")
    shot(page, "elder-360-register")
    page.goto("/")
    assert_elder_page(page, "public home page")
    shot(page, "elder-360-home")

    user = get_user_model().objects.get(phone=ACCOUNTS["resident"])
    assert not user.elder_mode
    log_in(page, ACCOUNTS["resident"], DEMO_PASSWORD)
    page.goto("/me/")
    assert_elder_page(page, "home after logging in")
    user.refresh_from_db()
    assert user.elder_mode, "the choice made before logging in is kept on the account"
    context.close()


@pytest.mark.usefixtures("demo_site")
def test_text_follows_the_browsers_font_size_setting(browser, live_server, tmp_path):
    # The stylesheet sets the root in per cent (not px), the rest in rem/em.
    context, page = _phone(browser, live_server)
    page.goto("/accounts/login/")
    rules = dict(page.evaluate(ROOT_RULES_JS))
    assert rules == {"html": "100%", "html.elder-mode": "137.5%"}, rules
    standard = _style(page)
    context.close()

    # A phone whose owner set a larger default font (20 px instead of 16 px).
    profile = tmp_path / "profile"
    (profile / "Default").mkdir(parents=True)
    prefs = {"webkit": {"webprefs": {"default_font_size": 20}}}
    (profile / "Default" / "Preferences").write_text(json.dumps(prefs))
    context = browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        headless=True,
        args=CHROMIUM_ARGS,
        base_url=live_server.url,
        **PHONE_360,
    )
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        larger = _style(page)
        assert larger["root"] == 20
        assert larger["body"] == pytest.approx(standard["body"] * 20 / 16, abs=0.1)
        button = page.locator('#main [type="submit"]').bounding_box()["height"]
        _toggle(page)
        elder = _style(page)
        assert elder["root"] == pytest.approx(20 * 1.375, abs=0.1)
        assert elder["body"] >= 27
        assert page.locator('#main [type="submit"]').bounding_box()["height"] > button
    finally:
        context.close()


@pytest.mark.usefixtures("demo_site")
def test_large_text_keeps_4_5_to_1_contrast(browser, live_server):
    context, page = _phone(browser, live_server)
    log_in(page, ACCOUNTS["resident"], DEMO_PASSWORD)
    page.goto("/me/")
    _toggle(page)
    failures = {}
    for url in resident_pages():
        page.goto(url)
        bad = low_contrast(page)
        if bad:
            failures[url] = bad
    context.close()
    assert not failures, failures
