"""Browser fixtures for the end-to-end tests: headless Debian Chromium via Playwright.

The browser is the system Chromium (env CHROMIUM_PATH); Playwright never downloads one.
Pages talk to pytest-django's ``live_server``; tests must also use ``transactional_db``
so the server thread sees the rows the test creates.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio loop in the test thread, which makes Django
# refuse ORM calls from it ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import sync_playwright  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Date, month and file pickers drawn in Chinese, as on residents' phones.
    "--lang=zh-CN",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# An ordinary Android phone held upright, and an office desktop.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
DESKTOP = {
    "viewport": {"width": 1280, "height": 800},
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def artifacts(request) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def new_page(browser, live_server, request, artifacts):
    """Open a page in a fresh browser context (own cookies) on the phone or desktop profile.

    Every context is closed after the test; if the test failed, each open page is
    first saved as ``test-artifacts/FAILED-<test>-<n>.png``.
    """
    contexts = []

    def _new_page(profile: str = "phone"):
        options = {"phone": PHONE, "desktop": DESKTOP}[profile]
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _new_page

    failed = getattr(request.node, "rep_call", None)
    failed = failed is not None and failed.failed
    slug = re.sub(r"[^\w-]+", "_", request.node.name)
    n = 0
    for context in contexts:
        for page in context.pages:
            if failed:
                n += 1
                with contextlib.suppress(Exception):  # best effort only
                    page.screenshot(path=artifacts / f"FAILED-{slug}-{n}.png", full_page=True)
        context.close()


@pytest.fixture
def shot(artifacts):
    """Save a full-page screenshot: ``shot(page, "01-register")`` -> test-artifacts/*.png."""

    def _shot(page, name: str) -> Path:
        path = artifacts / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return _shot
