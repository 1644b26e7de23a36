"""Acceptance test: a 12345 order from the community office to the property task group and
back, and a resident reporting and rating a problem on their phone.

Desktop (1280x800, zh-CN) for the office and the property company:

1. 社工李娜 (community worker) receives a 12345 order on "Receive a case": source, order
   number, category, urgency, description, building and entrance, reporter's name and
   mobile number, forwarded to the property task group. The list shows the order with
   the reporter's number masked; the case's page shows its two deadlines.
2. 物业张师傅 (property manager, member of the task group) finds it under "Task group
   cases" (and not a case of another group), records "on site" and "fixed" with notes
   and closes it as resolved.
3. The worker calls the reporter back and records "satisfied": the case reads closed,
   resolved, satisfied, with every step on the timeline in order.

Phone (390x844, touch, zh-CN): 王秀英 (verified resident) opens "my reports", reports a
broken light with the big button (her own entrance chosen for her), sees it as received;
the office closes it (through the services, as the clock would) and she rates it with a
big "satisfied" button. Every resident page is checked for sideways scrolling, text of at
least 16 px and tap targets of at least 44 px.

A third test fills a community with a few months of cases, visits and a late whistle and
takes pictures of the rates page, the visit coverage and the area rates.

Screenshots of every step go to test-artifacts/casework-*.png.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.validators import mask_mobile
from casework import services
from casework.models import Case, CaseAction
from casework.selectors import month_bounds, this_month
from casework.sla import rates_snapshot_take
from communities.months import add_months
from tests.casework.factories import (
    CaseCategoryFactory,
    CaseFactory,
    TaskGroupFactory,
    VisitFactory,
    WhistleFactory,
)
from tests.factories import (
    PASSWORD,
    AreaStaffRoleFactory,
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

MIN_TAP_PX = 44
MIN_FONT_PX = 16
ORDER_NUMBER = "2026112510345"
REPORTER_PHONE = "13698765432"


def zh(msgid: str) -> str:
    """The text the site should render for msgid in Simplified Chinese."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _between(start: dt.datetime, end: dt.datetime, i: int, n: int) -> dt.datetime:
    """The i-th of n moments spread evenly in (start, end)."""
    return start + (end - start) * (i + 1) / (n + 1)


@pytest.fixture
def estate(transactional_db):
    """双合家园 with three buildings, its office worker, the property company's manager in
    the repair task group, a verified resident, and a case of another task group."""
    sub = SubdistrictFactory(name="垡头街道")
    community = CommunityFactory(
        subdistrict=sub, name="双合家园", code="shuanghe", office_phone="010-67471234"
    )
    b5 = BuildingFactory(community=community, name="5号楼")
    b3 = BuildingFactory(community=community, name="3号楼")
    b7 = BuildingFactory(community=community, name="7号楼")
    entrances = {
        "5-1": EntranceFactory(building=b5, name="1单元"),
        "5-2": EntranceFactory(building=b5, name="2单元"),
        "5-3": EntranceFactory(building=b5, name="3单元"),
        "3-1": EntranceFactory(building=b3, name="1单元"),
        "3-2": EntranceFactory(building=b3, name="2单元"),
        "7-1": EntranceFactory(building=b7, name="1单元"),
    }
    worker = UserFactory(display_name="社工李娜", phone="13500001111")
    CommunityRoleFactory(user=worker, community=community, role="worker")
    manager = UserFactory(display_name="物业张师傅", phone="13500002222")
    CommunityRoleFactory(user=manager, community=community, role="property_manager")
    repairs = TaskGroupFactory(community=community, name="物业维修专班", members=[manager])
    greenery = TaskGroupFactory(community=community, name="绿化专班")
    user = UserFactory(display_name="王秀英", phone="13812345678")
    resident = ResidentFactory(
        household=HouseholdFactory(entrance=entrances["5-2"], room="402"),
        name="王秀英",
        user=user,
        phone=user.phone,
    )
    # get_or_create: the catalogue migration may or may not have left these rows.
    categories = {
        name: CaseCategoryFactory(name=name)
        for name in ("公共设施维修", "电梯故障", "垃圾清运与分类", "噪声扰民", "绿化养护")
    }
    now = timezone.now()
    month_start, _end = month_bounds(this_month())
    other_case = CaseFactory(
        community=community,
        received_at=max(now - dt.timedelta(hours=1), _between(month_start, now, 0, 1)),
        hotline=True,
        order_number="2026112409876",
        category=categories["绿化养护"],
        description="7号楼门前大树遮挡一层住户采光，请求修剪。",
        building=b7,
        task_group=greenery,
        status=Case.Status.IN_PROGRESS,
        created_by=worker,
    )
    return {
        "community": community,
        "buildings": {"5": b5, "3": b3, "7": b7},
        "entrances": entrances,
        "worker": worker,
        "manager": manager,
        "repairs": repairs,
        "user": user,
        "resident": resident,
        "categories": categories,
        "other_case": other_case,
    }


def log_in(page, phone: str) -> None:
    page.goto("/accounts/login/")
    page.locator('input[name="username"]').fill(phone)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('#main [type="submit"]').click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def no_sideways_scroll(page, where: str) -> None:
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, view: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["view"], f"{where}: page scrolls sideways {widths}"


# Every visible element carrying text of its own, and its font size.
SMALL_TEXT_JS = """(min) => {
  const small = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!['', 'http://www.w3.org/1999/xhtml'].includes(el.namespaceURI || '')) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === 'hidden') continue;
    const px = parseFloat(style.fontSize);
    const text = el.textContent.trim().slice(0, 30);
    if (px < min) small.push(`${el.tagName}.${el.className} ${px}px «${text}»`);
  }
  return small;
}"""

# Every visible link and control of the page's content: [height, label]. (The site-wide
# navigation bar is base.html's, not this page's.)
TARGETS_JS = """() => {
  const out = [];
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea';
  for (const el of document.querySelector('#main').querySelectorAll(sel)) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
    out.push([box.height, (el.textContent || el.name || el.type || '').trim().slice(0, 30)]);
  }
  return out;
}"""


def check_resident_page(page, where: str) -> None:
    """Nothing runs off the side of the phone, no text under 16 px, every link, button and
    form control at least 44 px tall."""
    no_sideways_scroll(page, where)
    small = page.evaluate(SMALL_TEXT_JS, MIN_FONT_PX)
    assert not small, f"{where}: text under {MIN_FONT_PX}px: {small}"
    too_small = [(round(h), label) for h, label in page.evaluate(TARGETS_JS) if h < MIN_TAP_PX]
    assert not too_small, f"{where}: tap targets too small: {too_small}"


def big_button(locator) -> None:
    box = locator.bounding_box()
    assert box["height"] >= MIN_TAP_PX, f"button {box['height']}px tall"
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_office_forwards_a_12345_order_property_fixes_it_office_records_the_callback(
    new_page, shot, estate
):
    community, worker, manager = estate["community"], estate["worker"], estate["manager"]
    code = community.code
    b5, entrance = estate["buildings"]["5"], estate["entrances"]["5-2"]
    category = estate["categories"]["公共设施维修"]

    # 1. The worker receives the 12345 order and forwards it to the property task group.
    desk = new_page("desktop")
    log_in(desk, worker.phone)
    desk.goto(f"/c/{code}/cases/")
    desk.get_by_test_id("case-create").click()
    expect(desk).to_have_url(re.compile(r"/cases/new/$"))
    desk.locator("#id_source").select_option(Case.Source.HOTLINE)
    desk.locator("#id_order_number").fill(ORDER_NUMBER)
    desk.locator("#id_category").select_option(str(category.pk))
    desk.locator("#id_urgency").select_option("general")
    desk.locator("#id_description").fill(
        "5号楼2单元3层到4层的楼道灯坏了一个多星期，老人晚上上下楼看不见，希望尽快修好。"
    )
    desk.locator("#id_building").select_option(str(b5.pk))
    desk.locator("#id_entrance").select_option(str(entrance.pk))
    desk.locator("#id_location_detail").fill("3层到4层楼梯间")
    desk.locator("#id_reporter_name").fill("刘女士")
    desk.locator("#id_reporter_phone").fill(REPORTER_PHONE)
    desk.locator("#id_task_group").select_option(str(estate["repairs"].pk))
    no_sideways_scroll(desk, "case form")
    shot(desk, "casework-01-receive-order")
    desk.locator('#main input[name="submit"]').click()

    expect(desk).to_have_url(re.compile(rf"/c/{code}/cases/\d+/$"))
    case = Case.objects.get(source=Case.Source.HOTLINE, order_number=ORDER_NUMBER)
    assert case.task_group == estate["repairs"]
    assert (case.building, case.entrance) == (b5, entrance)
    assert case.reporter_phone == REPORTER_PHONE
    assert case.status == Case.Status.IN_PROGRESS
    expect(desk.get_by_test_id("status")).to_have_text(zh("In progress"))
    deadlines = desk.get_by_test_id("deadlines")
    expect(deadlines).to_contain_text(local(case.contact_due))
    expect(deadlines).to_contain_text(local(case.resolve_due))
    expect(desk.get_by_test_id("contact-remaining")).to_be_visible()
    expect(desk.get_by_test_id("handlers")).to_contain_text("物业维修专班")
    shot(desk, "casework-02-order-detail")

    desk.goto(f"/c/{code}/cases/")
    expect(desk.get_by_test_id("case-row")).to_have_count(2)
    row = desk.get_by_test_id("case-row").filter(has_text=ORDER_NUMBER)
    expect(row).to_contain_text(mask_mobile(REPORTER_PHONE))
    expect(row).to_contain_text("刘女士")
    expect(row).to_contain_text("物业维修专班")
    expect(row).not_to_contain_text(REPORTER_PHONE)
    no_sideways_scroll(desk, "case list")
    shot(desk, "casework-03-office-list")

    # 2. The property manager sees only the cases of their task group, and handles it.
    prop = new_page("desktop")
    log_in(prop, manager.phone)
    prop.get_by_role("link", name=zh("Task group cases")).first.click()
    expect(prop).to_have_url(re.compile(rf"/c/{code}/cases/$"))
    rows = prop.get_by_test_id("case-row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(ORDER_NUMBER)
    expect(prop.locator("#main")).not_to_contain_text(estate["other_case"].order_number)
    expect(prop.get_by_test_id("case-create")).to_have_count(0)
    no_sideways_scroll(prop, "task group list")
    shot(prop, "casework-04-task-group-list")
    # Another group's case does not exist for them.
    other = prop.request.get(f"/c/{code}/cases/{estate['other_case'].pk}/")
    assert other.status == 404

    rows.get_by_role("link", name=ORDER_NUMBER).click()
    expect(prop).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    # A handler may call the reporter: the full number, as a tel: link.
    expect(prop.get_by_test_id("reporter-phone")).to_have_text(REPORTER_PHONE)
    expect(prop.get_by_test_id("case-edit")).to_have_count(0)
    step_form = prop.get_by_test_id("step-form")
    step_form.locator('select[name="step-kind"]').select_option("on_site")
    step_form.locator('textarea[name="step-note"]').fill("维修工到现场查看，声控开关和灯泡都坏了。")
    shot(prop, "casework-05-property-case")
    step_form.locator('button[type="submit"]').click()
    expect(prop.locator(".alert-success").first).to_contain_text(zh("The step has been recorded."))
    step_form = prop.get_by_test_id("step-form")
    step_form.locator('select[name="step-kind"]').select_option("fixed")
    step_form.locator('textarea[name="step-note"]').fill("已更换声控开关和LED灯泡，试灯正常。")
    step_form.locator('button[type="submit"]').click()
    expect(prop.locator(".alert-success").first).to_contain_text(zh("The step has been recorded."))

    close_form = prop.get_by_test_id("close-form")
    close_form.locator('input[name="close-outcome"][value="resolved"]').check()
    close_form.locator('textarea[name="close-note"]').fill("楼道灯已修好，已告知报修人。")
    shot(prop, "casework-06-property-closing")
    close_form.locator('button[type="submit"]').click()
    expect(prop.locator(".alert-success").first).to_contain_text(
        zh("The case has been closed. The community office will call the reporter back.")
    )
    expect(prop.get_by_test_id("status")).to_have_text(zh("Closed"))
    expect(prop.get_by_test_id("step-form")).to_have_count(0)
    expect(prop.get_by_test_id("rate-form")).to_have_count(0)
    shot(prop, "casework-07-property-closed")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.outcome == Case.Outcome.RESOLVED
    assert case.contacted_at is not None and case.contacted_at <= case.contact_due

    # 3. The worker calls the reporter back and records her satisfaction.
    office = new_page("desktop")
    log_in(office, worker.phone)
    office.goto(f"/c/{code}/cases/{case.pk}/")
    rate_form = office.get_by_test_id("rate-form")
    expect(office.get_by_test_id("satisfaction")).to_contain_text(
        zh("Not rated yet: please call the reporter back.")
    )
    rate_form.locator('input[name="rate-satisfaction"][value="satisfied"]').check()
    rate_form.locator('input[name="rate-note"]').fill("电话回访，刘女士表示满意。")
    rate_form.locator('button[type="submit"]').click()
    expect(office.get_by_test_id("rate-form")).to_have_count(0)
    expect(office.get_by_test_id("status")).to_have_text(zh("Closed"))
    outcome = office.get_by_test_id("outcome")
    expect(outcome).to_contain_text(zh("Resolved"))
    expect(office.get_by_test_id("satisfaction")).to_contain_text(zh("Satisfied"))
    expect(office.get_by_test_id("satisfaction")).to_contain_text(zh("Call-back by a worker"))
    kinds = ["received", "forwarded", "on_site", "fixed", "closed", "rated"]
    labels = dict(CaseAction.Kind.choices)
    expect(office.get_by_test_id("step").locator("strong")).to_have_text(
        [zh(str(labels[k])) for k in kinds]
    )
    steps = office.get_by_test_id("step")
    expect(steps.nth(2)).to_contain_text("物业张师傅")
    expect(steps.nth(3)).to_contain_text("已更换声控开关")
    expect(steps.nth(5)).to_contain_text("社工李娜")
    no_sideways_scroll(office, "closed case")
    shot(office, "casework-08-office-rated")
    case.refresh_from_db()
    assert case.satisfaction == Case.Satisfaction.SATISFIED
    assert case.rated_via == Case.RatedVia.CALLBACK
    assert case.rated_by == worker
    assert list(case.actions.values_list("kind", flat=True)) == kinds

    office.goto(f"/c/{code}/cases/")
    row = office.get_by_test_id("case-row").filter(has_text=ORDER_NUMBER)
    expect(row).to_contain_text(zh("Closed"))
    expect(row).to_contain_text(zh("Satisfied"))
    shot(office, "casework-09-office-list-closed")


def test_resident_reports_a_problem_on_the_phone_and_rates_it(new_page, shot, estate):
    community, resident = estate["community"], estate["resident"]
    code = community.code
    entrance = estate["entrances"]["5-2"]
    category = estate["categories"]["公共设施维修"]
    phone = new_page("phone")

    # 1. "My reports": nothing yet, one big red button.
    log_in(phone, estate["user"].phone)
    phone.goto(f"/c/{code}/my-cases/")
    report = phone.get_by_test_id("report-button")
    expect(report).to_have_text(zh("Report a problem"))
    big_button(report)
    check_resident_page(phone, "my reports (empty)")
    shot(phone, "casework-20-my-reports-empty")
    report.click()

    # 2. The report form: her own entrance is already chosen.
    expect(phone).to_have_url(re.compile(r"/my-cases/new/$"))
    place = phone.locator("#id_place")
    expect(place).to_have_value(f"e{entrance.pk}")
    phone.locator("#id_category").select_option(str(category.pk))
    phone.locator("#id_description").fill("我家门口的楼道灯不亮了，晚上下楼看不见台阶。")
    check_resident_page(phone, "report form")
    shot(phone, "casework-21-report-form")
    send = phone.get_by_test_id("report-form").locator('button[type="submit"]')
    expect(send).to_have_text(zh("Send my report"))
    big_button(send)
    send.click()

    expect(phone).to_have_url(re.compile(r"/my-cases/\d+/$"))
    case = Case.objects.get(community=community, source=Case.Source.ONLINE)
    assert case.reporter_resident == resident
    assert (case.building, case.entrance) == (entrance.building, entrance)
    assert case.category == category
    expect(phone.locator(".alert-success").first).to_be_visible()
    expect(phone.get_by_test_id("status")).to_have_text(zh("Received, waiting to be taken up"))
    expect(phone.get_by_test_id("contact-by")).to_contain_text(local(case.contact_due))
    check_resident_page(phone, "my report just sent")
    shot(phone, "casework-22-report-sent")

    # 3. Listed as received.
    phone.get_by_role("link", name=zh("Back to my reports")).click()
    mine = phone.get_by_test_id("my-case")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text(category.name)
    expect(mine.get_by_test_id("status")).to_have_text(zh("Received, waiting to be taken up"))
    check_resident_page(phone, "my reports (one received)")
    shot(phone, "casework-23-my-reports-received")

    # The office takes it up, the property company repairs it and the office closes it.
    worker = estate["worker"]
    services.case_assign(case=case, by=worker, task_group=estate["repairs"])
    services.case_act(case=case, by=estate["manager"], kind="fixed", note="更换灯泡")
    services.case_close(
        case=case, by=worker, outcome=Case.Outcome.RESOLVED, note="楼道灯已换新，请您放心。"
    )

    # 4. She sees it finished and rates it with one big button.
    phone.reload()
    expect(mine.get_by_test_id("status")).to_have_text(zh("Finished"))
    expect(phone.get_by_test_id("awaits-rating")).to_be_visible()
    check_resident_page(phone, "my reports (finished)")
    shot(phone, "casework-24-my-reports-finished")
    mine.get_by_role("link").click()
    expect(phone.get_by_test_id("outcome")).to_have_text(zh("The problem has been solved."))
    expect(phone.get_by_test_id("outcome-note")).to_contain_text("楼道灯已换新")
    buttons = phone.get_by_test_id("rate").locator("button")
    expect(buttons).to_have_count(3)
    for button in buttons.all():
        big_button(button)
    satisfied = phone.get_by_test_id("rate-satisfied")
    expect(satisfied).to_have_text(zh("Satisfied"))
    # Staff names never reach the resident.
    expect(phone.get_by_test_id("timeline")).not_to_contain_text("物业张师傅")
    expect(phone.get_by_test_id("timeline")).not_to_contain_text("社工李娜")
    check_resident_page(phone, "finished case")
    shot(phone, "casework-25-rate")
    satisfied.click()

    expect(phone.get_by_test_id("rated")).to_contain_text(zh("Satisfied"))
    expect(phone.get_by_test_id("rate")).to_have_count(0)
    expect(phone.locator(".alert-success").first).to_contain_text(
        zh("Thank you for telling us how satisfied you are.")
    )
    check_resident_page(phone, "rated case")
    shot(phone, "casework-26-rated")
    case.refresh_from_db()
    assert case.satisfaction == Case.Satisfaction.SATISFIED
    assert case.rated_via == Case.RatedVia.ONLINE
    assert case.rated_by == estate["user"]


# ---------------------------------------------------------------- rates, coverage, area


# (category, building, state, satisfaction): state is "received", "overdue", "in_progress",
# or an outcome; every case but "received"/"overdue" was contacted in time.
THIS_MONTH = [
    ("公共设施维修", "5", "resolved", "satisfied"),
    ("公共设施维修", "5", "resolved", "satisfied"),
    ("公共设施维修", "5", "resolved", "basically"),
    ("公共设施维修", "5", "in_progress", ""),
    ("电梯故障", "3", "resolved", "satisfied"),
    ("电梯故障", "3", "unresolved", "dissatisfied"),
    ("垃圾清运与分类", "7", "explained", ""),
    ("垃圾清运与分类", "7", "in_progress", ""),
    ("噪声扰民", "3", "received", ""),
    ("噪声扰民", "5", "overdue", ""),
]
# Earlier months: (resolved & satisfied, explained & basically, unresolved & dissatisfied).
EARLIER = [(3, 1, 1), (4, 1, 0), (2, 2, 1), (5, 0, 0), (3, 1, 0)]


def _fill_cases(estate) -> None:
    community, worker = estate["community"], estate["worker"]
    buildings, categories = estate["buildings"], estate["categories"]
    now = timezone.now()
    start, _end = month_bounds(this_month())
    for i, (category, building, state, satisfaction) in enumerate(THIS_MONTH):
        received = _between(start, now, i, len(THIS_MONTH))
        if state in ("received", "in_progress"):
            # Recent enough that no deadline has passed yet.
            received = max(received, now - dt.timedelta(hours=i + 1))
        fields = {
            "community": community,
            "category": categories[category],
            "building": buildings[building],
            "received_at": received,
            "contact_due": received + dt.timedelta(hours=24),
            "resolve_due": received + dt.timedelta(days=7),
            "created_by": worker,
            "reporter_phone": f"1391234{i:04d}",
            "description": f"{category}，请尽快处理（{i + 1}）",
        }
        if state == "overdue":
            fields["contact_due"] = received
            fields["resolve_due"] = received
        elif state == "received":
            pass
        else:
            fields["contacted_at"] = received
            fields["status"] = Case.Status.IN_PROGRESS
        if state in Case.Outcome.values:
            fields.update(status=Case.Status.CLOSED, closed_at=received, outcome=state)
            fields["outcome_note"] = "已处理"
            if satisfaction:
                fields.update(
                    satisfaction=satisfaction,
                    rated_via=Case.RatedVia.CALLBACK,
                    rated_at=received,
                    rated_by=worker,
                )
        CaseFactory(**fields)
    names = list(categories)
    for back, groups in enumerate(EARLIER, start=1):
        month = add_months(this_month(), -back)
        m_start, m_end = month_bounds(month)
        kinds = (
            [("resolved", "satisfied")] * groups[0]
            + [("explained", "basically")] * groups[1]
            + [("unresolved", "dissatisfied")] * groups[2]
        )
        for i, (outcome, satisfaction) in enumerate(kinds):
            received = _between(m_start, m_end, i, len(kinds))
            late = i == 0 and back % 2 == 0
            CaseFactory(
                community=community,
                category=categories[names[(i + back) % len(names)]],
                building=buildings["5" if i % 2 else "3"],
                received_at=received,
                contact_due=received + dt.timedelta(hours=24),
                contacted_at=received + dt.timedelta(hours=30 if late else 2),
                resolve_due=received + dt.timedelta(days=7),
                status=Case.Status.CLOSED,
                closed_at=received + dt.timedelta(days=2),
                outcome=outcome,
                outcome_note="已处理",
                satisfaction=satisfaction,
                rated_via=Case.RatedVia.CALLBACK,
                rated_at=received + dt.timedelta(days=3),
                created_by=worker,
            )


def test_rates_coverage_and_area_rates_with_data(new_page, shot, estate):
    community, worker, entrances = estate["community"], estate["worker"], estate["entrances"]
    code = community.code
    _fill_cases(estate)
    # A neighbouring community of the same subdistrict, with a few cases.
    neighbour = CommunityFactory(
        subdistrict=community.subdistrict, name="翠城馨园", code="cuicheng"
    )
    building = BuildingFactory(community=neighbour, name="12号楼")
    now = timezone.now()
    start, _end = month_bounds(this_month())
    for i, (outcome, satisfaction) in enumerate(
        [("resolved", "satisfied"), ("resolved", "dissatisfied"), ("explained", "basically")]
    ):
        received = _between(start, now, i, 3)
        CaseFactory(
            community=neighbour,
            building=building,
            category=estate["categories"]["垃圾清运与分类"],
            received_at=received,
            contacted_at=received,
            status=Case.Status.CLOSED,
            closed_at=received,
            outcome=outcome,
            satisfaction=satisfaction,
            rated_via=Case.RatedVia.CALLBACK,
            rated_at=received,
        )
    # Last month's order beyond the community's powers, past its resolution deadline: a
    # whistle to a district department, itself past its response date.
    last_start, last_end = month_bounds(add_months(this_month(), -1))
    received = _between(last_start, last_end, 0, 1)
    stuck = CaseFactory(
        community=community,
        hotline=True,
        category=estate["categories"]["噪声扰民"],
        building=estate["buildings"]["7"],
        description="小区东侧工地夜间施工噪声扰民，多次反映未解决。",
        received_at=received,
        contacted_at=received + dt.timedelta(hours=3),
        status=Case.Status.IN_PROGRESS,
        created_by=worker,
    )
    requested = received + dt.timedelta(days=3)
    WhistleFactory(
        community=community,
        case=stuck,
        request="请区城管执法局对夜间违规施工进行执法检查。",
        requested_at=requested,
        respond_by=timezone.localdate(requested) + dt.timedelta(days=7),
        requested_by=worker,
    )
    # The monthly task froze the last two months, an hour after each ended.
    for back in (2, 1):
        month = add_months(this_month(), -back)
        _start, end = month_bounds(month)
        assert rates_snapshot_take(month=month, now=end + dt.timedelta(hours=1)) == 2
    # Visits this month: three of the six entrances, five households.
    today = timezone.localdate()
    for keys, rooms in ((("5-1", "5-2"), ("101", "202", "402")), (("3-1",), ("301", "502"))):
        visit = VisitFactory(community=community, worker=worker, visited_on=today)
        visit.entrances.set([entrances[k] for k in keys])
        visit.households.set(
            [HouseholdFactory(entrance=entrances[keys[0]], room=room) for room in rooms]
        )

    desk = new_page("desktop")
    log_in(desk, worker.phone)
    desk.goto(f"/c/{code}/cases/rates/")
    # This month (with the other task group's order, not contacted yet): 8 of 11 contacted
    # in time, 4 of 6 closed resolved, 4 of 5 ratings satisfied or basically satisfied.
    expect(desk.get_by_test_id("received")).to_have_text("11")
    expect(desk.get_by_test_id("rate-response-value")).to_have_text("72.7%")
    expect(desk.get_by_test_id("rate-resolution-value")).to_have_text("66.7%")
    expect(desk.get_by_test_id("rate-satisfaction-value")).to_have_text("80.0%")
    # The one never contacted, and last month's noise case that needed the whistle.
    expect(desk.get_by_test_id("overdue-count")).to_have_text("2")
    expect(desk.get_by_test_id("trend-month")).to_have_count(12)
    expect(desk.get_by_test_id("snapshot")).to_have_count(2)
    expect(desk.get_by_test_id("hot-categories")).to_contain_text("公共设施维修")
    no_sideways_scroll(desk, "rates")
    shot(desk, "casework-30-rates")

    desk.goto(f"/c/{code}/cases/")
    no_sideways_scroll(desk, "case list with data")
    shot(desk, "casework-31-case-list-full")

    desk.goto(f"/c/{code}/visits/coverage/")
    expect(desk.get_by_test_id("total-entrances")).to_have_text("3 / 6")
    expect(desk.get_by_test_id("total-households")).to_have_text("5")
    expect(desk.get_by_test_id("unvisited-entrance")).to_have_count(3)
    # The month picker stays on one line beside the heading.
    picker = desk.locator("#month").bounding_box()
    show = desk.locator('#month ~ button[type="submit"]').bounding_box()
    assert abs(picker["y"] - show["y"]) < 8, f"month picker wraps: {picker} {show}"
    no_sideways_scroll(desk, "coverage")
    shot(desk, "casework-32-coverage")

    area = new_page("desktop")
    staff = AreaStaffRoleFactory(subdistrict=community.subdistrict).user
    log_in(area, staff.phone)
    area.goto("/area/cases/rates/")
    expect(area.get_by_test_id("community-row")).to_have_count(2)
    expect(area.get_by_test_id("subdistrict-row")).to_have_count(1)
    # 14 cases: 11 contacted in time, 6 of 9 closed resolved, 6 of 8 ratings satisfied.
    expect(area.get_by_test_id("total-row")).to_contain_text("14")
    expect(area.get_by_test_id("total-response")).to_contain_text("78.6")
    expect(area.get_by_test_id("total-resolution")).to_contain_text("66.7")
    expect(area.get_by_test_id("total-satisfaction")).to_contain_text("75.0")
    expect(area.get_by_test_id("open-whistles").first).to_contain_text("1")
    no_sideways_scroll(area, "area rates")
    shot(area, "casework-33-area-rates")

    # The same pages on a phone, as a secretary or subdistrict leader would open them.
    mobile = new_page("phone")
    log_in(mobile, worker.phone)
    mobile.goto(f"/c/{code}/cases/rates/")
    no_sideways_scroll(mobile, "rates on a phone")
    shot(mobile, "casework-34-rates-phone")
    mobile.goto(f"/c/{code}/visits/coverage/")
    no_sideways_scroll(mobile, "coverage on a phone")
    shot(mobile, "casework-35-coverage-phone")
    mobile_area = new_page("phone")
    log_in(mobile_area, staff.phone)
    mobile_area.goto("/area/cases/rates/")
    no_sideways_scroll(mobile_area, "area rates on a phone")
    shot(mobile_area, "casework-36-area-rates-phone")
