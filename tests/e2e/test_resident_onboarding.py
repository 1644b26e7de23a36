"""Acceptance test: a resident registers on a phone, the office verifies them.

Phone: 390x844, touch, zh-CN. The resident registers at /register/ picking
community -> building -> entrance -> room from the dependent selects that
static/js/cascade.js fills from /register/options/, lands on /me/ and sees the
"waiting for verification" notice. A worker approves them on a desktop from the
verification queue; the resident logs in again and sees they are verified.

Screenshots of every step go to test-artifacts/.
"""

from __future__ import annotations

import re
import time

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from communities.models import CommunityRole, Resident
from tests.factories import (
    PASSWORD,
    BuildingFactory,
    CommunityFactory,
    CommunityRoleFactory,
    EntranceFactory,
    HouseholdFactory,
    SubdistrictFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e]

CJK = re.compile(r"[\u4e00-\u9fff]")
RESIDENT_NAME = "王秀英"
RESIDENT_MOBILE = "13812345678"
RESIDENT_PASSWORD = "Laoshan-2026!"
PENDING_MSGID = (
    "Your registration is waiting for the community office to verify it. "
    "This usually takes one or two working days."
)
VERIFIED_MSGID = (
    "You are a verified resident. You can take part in deliberation and voting in your community."
)
REGISTER_FIELDS = {
    "display_name",
    "phone",
    "password1",
    "password2",
    "community",
    "building",
    "entrance",
    "household",
}
MIN_TAP_PX = 44
MIN_FONT_PX = 16


def zh(msgid: str) -> str:
    """The text the site should render for msgid in Simplified Chinese."""
    with translation.override("zh-hans"):
        return gettext(msgid)


@pytest.fixture
def estate(transactional_db):
    """Two communities; the resident's room is one of several so the labels matter."""
    sub = SubdistrictFactory(name="垡头街道")
    home_community = CommunityFactory(
        subdistrict=sub, name="双合家园", code="shuanghe", office_phone="010-67471234"
    )
    CommunityFactory(subdistrict=sub, name="翠城馨园", code="cuicheng")
    building = BuildingFactory(community=home_community, name="3号楼")
    BuildingFactory(community=home_community, name="5号楼")
    entrance = EntranceFactory(building=building, name="2单元")
    EntranceFactory(building=building, name="1单元")
    household = HouseholdFactory(entrance=entrance, room="402")
    HouseholdFactory(entrance=entrance, room="401")
    worker = UserFactory(display_name="社工李娜")
    CommunityRoleFactory(user=worker, community=home_community, role=CommunityRole.Role.WORKER)
    return {"community": home_community, "household": household, "worker": worker}


def assert_chinese_page(page):
    lang = page.locator("html").get_attribute("lang") or ""
    assert lang.lower().startswith("zh"), f"html lang is {lang!r}"
    assert CJK.search(page.locator("body").inner_text()), "no Chinese characters on the page"


def log_in(page, mobile: str, password: str):
    page.goto("/accounts/login/")
    page.locator('input[name="username"]').fill(mobile)
    page.locator('input[name="password"]').fill(password)
    page.locator('#main [type="submit"]').click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_resident_registers_on_phone_and_worker_verifies(new_page, shot, estate):
    started = time.monotonic()
    community, household = estate["community"], estate["household"]

    # 1. The resident registers on their phone.
    phone = new_page("phone")
    phone.goto("/register/")
    assert_chinese_page(phone)
    shot(phone, "onboarding-01-register-empty")

    form = phone.locator("form[data-options-url]")
    form.locator('input[name="display_name"]').fill(RESIDENT_NAME)
    form.locator('input[name="phone"]').fill(RESIDENT_MOBILE)
    form.locator('input[name="password1"]').fill(RESIDENT_PASSWORD)
    form.locator('input[name="password2"]').fill(RESIDENT_PASSWORD)
    # Each choice fetches the next select's options; select_option waits for the label.
    form.locator('select[data-cascade="community"]').select_option(label="双合家园")
    form.locator('select[data-cascade="building"]').select_option(label="3号楼")
    form.locator('select[data-cascade="entrance"]').select_option(label="2单元")
    form.locator('select[data-cascade="household"]').select_option(label="402")
    expect(form.locator('select[data-cascade="household"]')).to_have_value(str(household.pk))
    shot(phone, "onboarding-02-register-filled")

    form.locator('button[type="submit"]').click()
    expect(phone).to_have_url(re.compile(r"/me/$"))
    pending = phone.get_by_test_id("pending")
    expect(pending).to_be_visible()
    expect(pending).to_have_text(zh(PENDING_MSGID))
    expect(phone.get_by_test_id("verified")).to_have_count(0)
    assert_chinese_page(phone)
    expect(phone.locator("#main")).to_contain_text("双合家园")
    expect(phone.locator("#main")).to_contain_text("3号楼 2单元 402")
    shot(phone, "onboarding-03-me-pending")

    resident = Resident.objects.get(user__phone=RESIDENT_MOBILE)
    assert resident.household_id == household.pk
    assert resident.verification_status == Resident.Verification.PENDING

    # 2. A worker approves the registration on a desktop.
    desk = new_page("desktop")
    log_in(desk, estate["worker"].phone, PASSWORD)
    desk.goto(f"/c/{community.code}/verification/")
    card = desk.locator(f'[data-resident="{resident.pk}"]')
    expect(card).to_contain_text(RESIDENT_NAME)
    expect(card).to_contain_text("138****5678")
    shot(desk, "onboarding-04-worker-queue")
    card.locator('form[action$="/approve/"] button[type="submit"]').click()
    expect(desk.locator(f'[data-resident="{resident.pk}"]')).to_have_count(0)
    expect(desk.locator(".alert-success").first).to_contain_text(RESIDENT_NAME)
    shot(desk, "onboarding-05-worker-approved")

    resident.refresh_from_db()
    assert resident.verification_status == Resident.Verification.VERIFIED
    assert resident.verified_by_id == estate["worker"].pk

    # 3. The resident logs in again on a phone (fresh cookies) and is verified.
    phone2 = new_page("phone")
    log_in(phone2, RESIDENT_MOBILE, RESIDENT_PASSWORD)
    expect(phone2).to_have_url(re.compile(r"/me/$"))
    verified = phone2.get_by_test_id("verified")
    expect(verified).to_be_visible()
    expect(verified).to_have_text(zh(VERIFIED_MSGID))
    expect(phone2.get_by_test_id("pending")).to_have_count(0)
    assert_chinese_page(phone2)
    shot(phone2, "onboarding-06-me-verified")

    assert time.monotonic() - started < 45, "onboarding journey is too slow"


def test_register_page_is_usable_on_a_phone(new_page, shot, estate):
    page = new_page("phone")
    page.goto("/register/")
    shot(page, "phone-register-layout")
    form = page.locator("form[data-options-url]")
    view_width = page.viewport_size["width"]

    fields = form.locator("input:not([type=hidden]), select, textarea")
    names = {f.get_attribute("name") for f in fields.all()}
    assert not REGISTER_FIELDS - names, f"missing fields: {REGISTER_FIELDS - names}"
    too_small = []
    for control in [*fields.all(), form.locator('button[type="submit"]')]:
        box = control.bounding_box()
        assert box is not None, "control not rendered"
        name = control.get_attribute("name") or "submit"
        if box["height"] < MIN_TAP_PX:
            too_small.append(f"{name}: {box['height']:.0f}px")
        assert box["x"] >= 0 and box["x"] + box["width"] <= view_width, f"{name} is off screen"
    assert not too_small, f"tap targets under {MIN_TAP_PX}px: {too_small}"

    body_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body_px >= MIN_FONT_PX, f"body font-size {body_px}px"
    field_px = fields.evaluate_all("els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert min(field_px) >= MIN_FONT_PX, f"input font sizes {field_px}"

    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, view: window.innerWidth})"
    )
    assert widths["view"] == view_width
    assert widths["scroll"] <= view_width, f"page scrolls sideways: {widths}"
