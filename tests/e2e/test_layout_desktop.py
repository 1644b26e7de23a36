"""The navigation bar at the office desk (1366x768 and 1280x800): for every kind of user,
each label sits on one line (Chinese labels used to break one character per line at
1366 px), the whole bar is one row, and nothing runs off the side. In large-text mode the
bar folds into the menu button and each label in the open menu is still on one line.

Screenshots: test-artifacts/layout-<role>-<width>[-elder].png."""

from __future__ import annotations

import pytest

from tests.e2e.checks import NAV_LABELS_JS, log_in
from tests.e2e.site_pages import (
    ACCOUNTS,
    CODE,
    DEMO_PASSWORD,
    demo_site,  # noqa: F401  (the fixture)
)

pytestmark = [pytest.mark.e2e]

SIZES = [(1366, 768), (1280, 800)]

# Where each kind of user lands or works most: the fullest bar they get.
PAGES = {
    "anonymous": "/accounts/login/",
    "resident": "/me/",
    "secretary": f"/c/{CODE}/",
    "worker": f"/c/{CODE}/cases/",
    "property_manager": "/me/",
    "subdistrict_staff": f"/c/{CODE}/",
    "subdistrict_staff@area": "/area/",
    "superuser": f"/c/{CODE}/",
}


def _nav_problems(page) -> list[str]:
    items = page.evaluate(NAV_LABELS_JS)
    assert items, "no navigation items found"
    problems = [f"«{label}» on {lines} lines" for lines, label, _h, _top in items if lines != 1]
    heights = [h for _lines, _label, h, _top in items]
    # One row: every item's box overlaps every other's vertically.
    if max(top for *_rest, top in items) >= min(top + h for _n, _l, h, top in items):
        problems.append(f"the bar takes more than one row: {items}")
    if max(heights) > 2 * min(heights) + 8:
        problems.append(f"uneven items: {items}")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if widths[0] > widths[1]:
        problems.append(f"page scrolls sideways: {widths}")
    return problems


@pytest.mark.usefixtures("demo_site")
def test_every_role_gets_a_one_row_bar_with_one_line_labels_at_the_office(
    browser, live_server, shot
):
    failures = {}
    for role, url in PAGES.items():
        for width, height in SIZES:
            context = browser.new_context(
                base_url=live_server.url,
                viewport={"width": width, "height": height},
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
            )
            page = context.new_page()
            if role != "anonymous":
                log_in(page, ACCOUNTS[role.split("@")[0]], DEMO_PASSWORD)
            page.goto(url)
            assert page.locator(".navbar-toggler").is_hidden(), f"{role}: bar folded at {width}"
            problems = _nav_problems(page)
            shot(page, f"layout-{role}-{width}")
            # Each menu in the bar opens inside the window, its entries one line each.
            for toggle in page.locator(".navbar .dropdown-toggle").all():
                toggle.click()
                menu = page.locator(".navbar .dropdown-menu.show")
                menu.wait_for()
                box = menu.bounding_box()
                if box["x"] < 0 or box["x"] + box["width"] > width:
                    problems.append(f"menu «{toggle.inner_text()}» runs off the window: {box}")
                for entry in menu.locator(".dropdown-item").all():
                    entry_box = entry.bounding_box()
                    if entry_box["height"] > 3 * 16 + 4:
                        problems.append(f"menu entry «{entry.inner_text()}» wraps")
                if role == "secretary" and width == 1366:
                    shot(page, f"layout-{role}-{width}-menu-{toggle.get_attribute('id')}")
                page.keyboard.press("Escape")
            if problems:
                failures[f"{role} {width}px {url}"] = problems
            context.close()
    assert not failures, failures


@pytest.mark.usefixtures("demo_site")
def test_in_large_text_mode_the_office_bar_folds_into_the_menu_with_one_line_labels(
    browser, live_server, shot
):
    failures = {}
    for role in ("secretary", "superuser", "resident"):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1366, "height": 768},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
        )
        page = context.new_page()
        log_in(page, ACCOUNTS[role], DEMO_PASSWORD)
        page.goto(PAGES[role])
        page.get_by_test_id("elder-toggle").click()
        page.wait_for_load_state()
        assert page.evaluate("document.documentElement.classList.contains('elder-mode')")
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
            page.locator("#mainNav.show").wait_for()
            items = page.evaluate(NAV_LABELS_JS)
            problems = [f"«{label}» on {n} lines" for n, label, _h, _t in items if n != 1]
        else:
            problems = _nav_problems(page)
        shot(page, f"layout-{role}-1366-elder")
        if problems:
            failures[role] = problems
        context.close()
    assert not failures, failures
