"""Acceptance test: a volunteer signs up for a patrol shift on their phone, checks in and
out from the QR code's link at the duty point, and sees the hours on "my shifts".

Phone: 390x844, touch, zh-CN. 王秀英 (a verified resident with an account, member of the
patrol team) logs in, opens the shift, signs up. The clock then moves on (as it would):
the shift is moved so that it is under way, she opens /checkin/<token>/ (what the QR code
holds), checks in with the big button; an hour later (check-in time moved back an hour)
she checks out, and "my shifts" shows one hour credited.

Screenshots of every step go to test-artifacts/volunteer-*.png.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from tests.factories import (
    PASSWORD,
    CommunityFactory,
    EntranceFactory,
    HouseholdFactory,
    ResidentFactory,
    SubdistrictFactory,
    UserFactory,
)
from volunteers.models import Booking, HoursEntry, Membership, Shift, Team, Volunteer

pytestmark = [pytest.mark.e2e]

MIN_TAP_PX = 44
MIN_FONT_PX = 16


def zh(msgid: str) -> str:
    """The text the site should render for msgid in Simplified Chinese."""
    with translation.override("zh-hans"):
        return gettext(msgid)


@pytest.fixture
def duty(transactional_db):
    community = CommunityFactory(
        subdistrict=SubdistrictFactory(name="垡头街道"), name="双合家园", code="shuanghe"
    )
    entrance = EntranceFactory(building__community=community, building__name="5号楼")
    user = UserFactory(display_name="王秀英", phone="13812345678")
    resident = ResidentFactory(
        household=HouseholdFactory(entrance=entrance, room="402"),
        name="王秀英",
        user=user,
        phone=user.phone,
    )
    volunteer = Volunteer.objects.create(
        community=community, resident=resident, user=user, name="王秀英", phone=user.phone
    )
    team = Team.objects.create(community=community, name="平安巡逻队", kind=Team.Kind.PATROL)
    Membership.objects.create(team=team, volunteer=volunteer, status=Membership.Status.APPROVED)
    start = timezone.now() + dt.timedelta(hours=3)
    shift = Shift.objects.create(
        community=community,
        team=team,
        title="小区夜间巡逻",
        place="南门岗亭",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        slots=2,
        notes="请佩戴红袖标",
    )
    return {"community": community, "volunteer": volunteer, "shift": shift}


def check_phone_layout(page, where: str) -> None:
    """Nothing runs off the side of the phone; body text is large enough."""
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, view: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["view"], f"{where}: page scrolls sideways {widths}"
    body_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body_px >= MIN_FONT_PX, f"{where}: body font-size {body_px}px"


def big_enough(locator) -> None:
    box = locator.bounding_box()
    assert box["height"] >= MIN_TAP_PX * 2, f"button {box['height']}px tall"
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_volunteer_signs_up_checks_in_and_out_and_sees_the_hours(new_page, shot, duty):
    community, shift, volunteer = duty["community"], duty["shift"], duty["volunteer"]
    shift_path = f"/c/{community.code}/volunteers/shifts/{shift.pk}/"
    phone = new_page("phone")

    # 1. From a link in the group chat: the login page first, then the shift.
    phone.goto(shift_path)
    expect(phone).to_have_url(re.compile(r"/accounts/login/\?next="))
    phone.locator('input[name="username"]').fill("13812345678")
    phone.locator('input[name="password"]').fill(PASSWORD)
    phone.locator('#main [type="submit"]').click()
    expect(phone).to_have_url(re.compile(re.escape(shift_path) + "$"))
    expect(phone.get_by_test_id("shift-title")).to_have_text("小区夜间巡逻")
    check_phone_layout(phone, "shift")
    shot(phone, "volunteer-01-shift")

    # 2. Sign up: booked once, and the page says so.
    phone.get_by_test_id("sign-up").click()
    expect(phone.get_by_test_id("my-booking")).to_contain_text(zh("You are on this shift."))
    expect(phone.get_by_test_id("sign-up")).to_have_count(0)
    shot(phone, "volunteer-02-signed-up")
    booking = Booking.objects.get(shift=shift, volunteer=volunteer)
    assert booking.status == Booking.Status.BOOKED

    # The clock moves on: the shift is now under way.
    now = timezone.now()
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(minutes=90)
    )
    Booking.objects.filter(pk=booking.pk).update(
        starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(minutes=90)
    )

    # 3. At the duty point she scans the QR code: one big check-in button.
    phone.goto(f"/checkin/{shift.checkin_token}/")
    button = phone.get_by_test_id("checkin-button")
    expect(button).to_have_text(zh("Check in"))
    big_enough(button)
    check_phone_layout(phone, "check-in")
    shot(phone, "volunteer-03-checkin")
    button.click()
    expect(phone.get_by_test_id("checked-in")).to_be_visible()
    shot(phone, "volunteer-04-checked-in")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN

    # An hour later (her check-in moved back an hour, as the clock would) she checks out.
    Booking.objects.filter(pk=booking.pk).update(
        checked_in_at=booking.checked_in_at - dt.timedelta(hours=1)
    )
    checkout = phone.get_by_test_id("checkout-button")
    expect(checkout).to_have_text(zh("Check out"))
    big_enough(checkout)
    checkout.click()
    expect(phone.get_by_test_id("checked-out")).to_contain_text("1.0")
    shot(phone, "volunteer-05-checked-out")
    entry = HoursEntry.objects.get(booking=booking)
    assert 60 <= entry.minutes <= 61

    # 4. "My shifts": the hour is credited and the shift is in the history.
    phone.get_by_role("link", name=zh("My shifts")).last.click()
    expect(phone).to_have_url(re.compile(r"/volunteers/my-shifts/$"))
    expect(phone.get_by_test_id("total-hours")).to_have_text(zh("%(h)s hours") % {"h": "1.0"})
    expect(phone.get_by_test_id("past-shift")).to_contain_text("小区夜间巡逻")
    expect(phone.get_by_test_id("credited")).to_contain_text("1.0")
    expect(phone.get_by_test_id("upcoming-shift")).to_have_count(0)
    expect(phone.get_by_test_id("ics-link")).to_contain_text(volunteer.calendar_token)
    check_phone_layout(phone, "my shifts")
    shot(phone, "volunteer-06-my-shifts")
