"""Every visible piece of text and every link on the key pages of each kind of user is at
least 4.5:1 against the background it is drawn on (WCAG 2.1 AA), in standard and in
large-text mode, on a phone and at the office desk.

The ratio is computed in the browser from the computed colours (text colour blended over
the element's and its ancestors' background colours, down to the white canvas)."""

from __future__ import annotations

import pytest

from tests.e2e.checks import log_in, low_contrast
from tests.e2e.site_pages import (
    ACCOUNTS,
    DEMO_PASSWORD,
    anonymous_pages,
    area_pages,
    demo_site,  # noqa: F401  (the fixture)
    office_pages,
    resident_pages,
)

pytestmark = [pytest.mark.e2e]

MIN_RATIO = 4.5


def _check(page, urls: list[str], failures: dict) -> None:
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, f"{url}: {response.status}"
        bad = low_contrast(page, MIN_RATIO)
        if bad:
            failures[f"{page.viewport_size['width']}px {url}"] = bad


@pytest.mark.usefixtures("demo_site")
def test_text_and_links_are_at_least_4_5_to_1_on_every_key_page(new_page):
    failures: dict = {}
    for profile in ("phone", "desktop"):
        page = new_page(profile)
        _check(page, anonymous_pages(), failures)
        log_in(page, ACCOUNTS["resident"], DEMO_PASSWORD)
        _check(page, resident_pages(), failures)
    desk = new_page("desktop")
    log_in(desk, ACCOUNTS["secretary"], DEMO_PASSWORD)
    _check(desk, office_pages(), failures)
    area = new_page("desktop")
    log_in(area, ACCOUNTS["subdistrict_staff"], DEMO_PASSWORD)
    _check(area, area_pages(), failures)
    assert not failures, "\n".join(f"{k}: {v}" for k, v in failures.items())
