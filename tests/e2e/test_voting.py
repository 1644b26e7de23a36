"""Acceptance test: a resident votes on their phone from the QR code's short link.

Phone: 390x844, touch, zh-CN. The resident opens /b/<code>/ (what the QR code under the
building holds), is sent to the login page, logs in, lands on the ballot, picks "For",
checks the choice on the confirm step, confirms and sees "you have voted". The ballot is
then closed (closes_at moved into the past and services.ballot_close run, as the clock
would), the resident reloads and follows the link to the result.

Screenshots of every step go to test-artifacts/voting-*.png.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from deliberation import services
from deliberation.models import Ballot, BallotOption, Participation, Proposal
from tests.deliberation.factories import BallotFactory, ProposalFactory
from tests.factories import (
    PASSWORD,
    CommunityFactory,
    CommunityRoleFactory,
    EntranceFactory,
    HouseholdFactory,
    ResidentFactory,
    SubdistrictFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e]

MIN_TAP_PX = 44
MIN_FONT_PX = 16
LABELS = {"for": "For", "against": "Against", "abstain": "Abstain"}


def zh(msgid: str) -> str:
    """The text the site should render for msgid in Simplified Chinese."""
    with translation.override("zh-hans"):
        return gettext(msgid)


@pytest.fixture
def ballot(transactional_db):
    """An open secret ballot of 双合家园 on the charging-shed proposal; one resident with
    an account, two neighbours (so the result has more than one vote) and a worker."""
    sub = SubdistrictFactory(name="垡头街道")
    community = CommunityFactory(
        subdistrict=sub, name="双合家园", code="shuanghe", office_phone="010-67471234"
    )
    entrance = EntranceFactory(building__community=community, building__name="5号楼")
    user = UserFactory(display_name="王秀英", phone="13812345678")
    resident = ResidentFactory(
        household=HouseholdFactory(entrance=entrance, room="402"),
        name="王秀英",
        user=user,
        phone=user.phone,
    )
    neighbours = [
        ResidentFactory(household=HouseholdFactory(entrance=entrance, room=room))
        for room in ("401", "502")
    ]
    worker = UserFactory(display_name="社工李娜")
    CommunityRoleFactory(user=worker, community=community, role="worker")
    proposal = ProposalFactory(
        community=community,
        status=Proposal.Status.IN_DELIBERATION,
        title="在5号楼下建电动车充电棚",
        description="电动车上楼充电有火灾隐患。建议把5号楼东侧空地改建为充电棚，"
        "安装12个充电口，费用由物业公司和街道共同承担。",
    )
    now = timezone.now()
    ballot = BallotFactory(
        proposal=proposal,
        question="您是否同意在5号楼下建电动车充电棚？",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=2, hours=3),
        quorum_percent=50,
        secret=True,
    )
    for option in ballot.options.all():
        option.label = zh(LABELS[option.key])
        option.save()
    assert services.ballot_open(ballot_id=ballot.pk, now=now)
    ballot.refresh_from_db()
    return {
        "ballot": ballot,
        "community": community,
        "resident": resident,
        "user": user,
        "neighbours": neighbours,
        "worker": worker,
    }


def check_phone_layout(page, where: str) -> None:
    """Nothing runs off the side of the phone; body text is large enough."""
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, view: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["view"], f"{where}: page scrolls sideways {widths}"
    body_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body_px >= MIN_FONT_PX, f"{where}: body font-size {body_px}px"


def test_resident_votes_from_the_qr_link_and_sees_the_result(new_page, shot, ballot):
    b, community = ballot["ballot"], ballot["community"]
    ballot_path = f"/c/{community.code}/ballots/{b.pk}/"
    phone = new_page("phone")

    # 1. The QR code's short link: not logged in yet, so the login page first.
    phone.goto(f"/b/{b.short_code}/")
    expect(phone).to_have_url(re.compile(r"/accounts/login/\?next=/b/"))
    shot(phone, "voting-01-login-from-qr")
    phone.locator('input[name="username"]').fill("13812345678")
    phone.locator('input[name="password"]').fill(PASSWORD)
    phone.locator('#main [type="submit"]').click()

    # 2. Straight on to the ballot page.
    expect(phone).to_have_url(re.compile(re.escape(ballot_path) + "$"))
    expect(phone.get_by_test_id("question")).to_have_text(b.question)
    expect(phone.get_by_test_id("ballot-state")).to_have_attribute("data-state", "open")
    expect(phone.get_by_test_id("rule")).to_contain_text(
        zh("The proposal passes if more than half of the votes cast are “For”.")
    )
    expect(phone.get_by_test_id("summary")).to_contain_text("火灾隐患")
    # No counts anywhere while the ballot is open.
    expect(phone.get_by_test_id("counts")).to_have_count(0)
    check_phone_layout(phone, "ballot")
    cards = phone.locator(".option-card")
    expect(cards).to_have_count(3)
    for card in cards.all():
        box = card.bounding_box()
        assert box["height"] >= MIN_TAP_PX, f"option card {box['height']}px tall"
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    shot(phone, "voting-02-ballot")

    # 3. Pick For (tap the card, not the tiny circle), go on to the check.
    phone.locator(".option-card", has_text=zh("For")).click()
    expect(phone.locator('input[name="option"][value="for"]')).to_be_checked()
    shot(phone, "voting-03-for-picked")
    phone.get_by_test_id("next").click()
    confirm = phone.get_by_test_id("confirm")
    expect(confirm).to_be_visible()
    expect(phone.get_by_test_id("chosen")).to_have_text(zh("For"))
    assert Participation.objects.filter(ballot=b).count() == 0, "recorded before confirming"
    check_phone_layout(phone, "confirm")
    shot(phone, "voting-04-confirm")

    # 4. Confirm: recorded once, and the page says so.
    phone.get_by_test_id("confirm-vote").click()
    expect(phone).to_have_url(re.compile(re.escape(ballot_path) + "$"))
    voted = phone.get_by_test_id("voted")
    expect(voted).to_be_visible()
    expect(voted).to_contain_text(zh("You have voted."))
    expect(phone.locator(".alert-success").first).to_contain_text(
        zh("Thank you. Your vote has been recorded.")
    )
    expect(phone.get_by_test_id("vote-form")).to_have_count(0)
    shot(phone, "voting-05-voted")
    participation = Participation.objects.get(ballot=b)
    assert participation.resident == ballot["resident"]
    assert participation.channel == Participation.Channel.ONLINE
    assert BallotOption.objects.get(ballot=b, key="for").heads == 1

    # The neighbours vote too (one For, one Against), then voting ends and is counted.
    services.ballot_cast(ballot=b, resident=ballot["neighbours"][0], option_key="for")
    services.ballot_cast(ballot=b, resident=ballot["neighbours"][1], option_key="against")
    Ballot.objects.filter(pk=b.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    result = services.ballot_close(ballot_id=b.pk, now=timezone.now())
    assert result is not None and result.passed

    # 5. Reload: closed, with a big button to the result.
    phone.reload()
    expect(phone.get_by_test_id("ballot-state")).to_have_attribute("data-state", "closed")
    expect(phone.get_by_test_id("voted")).to_be_visible()
    shot(phone, "voting-06-closed")
    phone.get_by_test_id("see-result").click()
    expect(phone).to_have_url(re.compile(r"/results/$"))
    outcome = phone.get_by_test_id("outcome")
    expect(outcome).to_have_attribute("data-passed", "yes")
    expect(outcome).to_contain_text(zh("The proposal passed."))
    expect(phone.locator('[data-option="for"] [data-col="heads"]')).to_have_text("2")
    expect(phone.locator('[data-option="against"] [data-col="heads"]')).to_have_text("1")
    expect(phone.locator('[data-check="quorum"] [data-met]')).to_have_attribute("data-met", "yes")
    expect(phone.get_by_test_id("chart").locator("svg rect")).to_have_count(6)
    check_phone_layout(phone, "results")
    shot(phone, "voting-07-result")


def test_worker_enters_a_paper_vote_sees_turnout_not_counts_and_prints_the_notice(
    new_page, shot, ballot
):
    b, community = ballot["ballot"], ballot["community"]
    services.ballot_cast(ballot=b, resident=ballot["resident"], option_key="for")
    desk = new_page("desktop")
    desk.goto("/accounts/login/")
    desk.locator('input[name="username"]').fill(ballot["worker"].phone)
    desk.locator('input[name="password"]').fill(PASSWORD)
    desk.locator('#main [type="submit"]').click()
    expect(desk).not_to_have_url(re.compile(r"/accounts/login/"))

    desk.goto(f"/c/{community.code}/ballots/{b.pk}/")
    panel = desk.get_by_test_id("office-panel")
    expect(panel).to_be_visible()
    expect(desk.get_by_test_id("short-url")).to_have_text(
        re.compile(re.escape(f"/b/{b.short_code}/") + "$")
    )
    # The QR image loaded (an SVG served by the app).
    loaded = panel.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert loaded, "QR code image did not load"
    shot(desk, "voting-08-office-ballot")

    # A neighbour without a smartphone hands in a paper ballot; the worker finds her by room.
    neighbour = ballot["neighbours"][0]
    desk.goto(f"/c/{community.code}/ballots/{b.pk}/paper/")
    desk.locator('input[name="q"]').fill("401")
    desk.locator('[data-testid="search"] button[type="submit"]').click()
    desk.locator(f'[data-resident="{neighbour.pk}"]').click()
    paper_form = desk.get_by_test_id("paper-form")
    paper_form.locator(".option-card", has_text=zh("Against")).click()
    shot(desk, "voting-09-paper-vote")
    paper_form.locator('button[type="submit"]').click()
    expect(desk.locator(".alert-success").first).to_contain_text(neighbour.name)
    recorded = Participation.objects.get(ballot=b, resident=neighbour)
    assert recorded.channel == Participation.Channel.PAPER
    assert recorded.recorded_by == ballot["worker"]

    desk.goto(f"/c/{community.code}/ballots/{b.pk}/results/")
    expect(desk.get_by_test_id("turnout")).to_contain_text("2")
    expect(desk.get_by_test_id("counts")).to_have_count(0)
    shot(desk, "voting-10-office-turnout")

    Ballot.objects.filter(pk=b.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    services.ballot_close(ballot_id=b.pk, now=timezone.now())
    desk.goto(f"/c/{community.code}/ballots/{b.pk}/notice/")
    notice = desk.get_by_test_id("notice")
    expect(notice).to_contain_text(b.question)
    # 2 of 3 took part (quorum met), 1 For and 1 Against: not more than half.
    expect(desk.get_by_test_id("outcome")).to_have_attribute("data-passed", "no")
    shot(desk, "voting-11-notice")
    desk.emulate_media(media="print")
    expect(desk.locator(".no-print").first).to_be_hidden()
    expect(desk.locator("nav.navbar")).to_be_hidden()
    shot(desk, "voting-12-notice-print")


def test_a_civil_code_result_reads_well_on_a_phone(new_page, shot, transactional_db):
    """Owners' decision: households and floor area, four thresholds, two bars per option."""
    community = CommunityFactory(name="双合家园", code="shuanghe")
    entrance = EntranceFactory(building__community=community, building__name="3号楼")
    owners = [
        ResidentFactory(
            household=HouseholdFactory(entrance=entrance, room=room, floor_area=area),
            is_owner=True,
        )
        for room, area in (("101", "92.40"), ("102", "68.50"), ("201", "120.00"), ("202", "55.30"))
    ]
    user = UserFactory()
    owners[0].user = user
    owners[0].save()
    proposal = ProposalFactory(community=community, status=Proposal.Status.IN_DELIBERATION)
    now = timezone.now()
    ballot = BallotFactory(
        proposal=proposal,
        question="是否同意使用专项维修资金更换3号楼电梯？",
        rule="civil_code_major",
        unit=Ballot.Unit.HOUSEHOLD,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
    )
    for option in ballot.options.all():
        option.label = zh(LABELS[option.key])
        option.save()
    assert services.ballot_open(ballot_id=ballot.pk, now=now)
    ballot.refresh_from_db()
    for resident, key in zip(owners, ["for", "for", "for", "against"], strict=True):
        services.ballot_cast(ballot=ballot, resident=resident, option_key=key)
    Ballot.objects.filter(pk=ballot.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    assert services.ballot_close(ballot_id=ballot.pk, now=timezone.now()).passed

    phone = new_page("phone")
    phone.goto("/accounts/login/")
    phone.locator('input[name="username"]').fill(user.phone)
    phone.locator('input[name="password"]').fill(PASSWORD)
    phone.locator('#main [type="submit"]').click()
    expect(phone).not_to_have_url(re.compile(r"/accounts/login/"))
    phone.goto(f"/c/{community.code}/ballots/{ballot.pk}/results/")
    expect(phone.get_by_test_id("outcome")).to_have_attribute("data-passed", "yes")
    expect(phone.locator("[data-check]")).to_have_count(4)
    expect(phone.locator('[data-option="for"] [data-col="area"]')).to_have_text("280.90")
    expect(phone.get_by_test_id("turnout-area")).to_contain_text("336.20")
    check_phone_layout(phone, "civil code result")
    shot(phone, "voting-13-civil-code-result")
