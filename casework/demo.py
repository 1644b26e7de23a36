"""Demo casework for seed_demo: a quarter of 12345 orders and other cases in 双合家园
(about 80) and 华贸中心 (about 20), handled by each community's task group (专班) with its
property company; two months of 王社工's proactive visits; a recurring e-bike problem at
7号楼 raised for deliberation; whistles to the district's landscaping bureau and city
management committee; the SLA watcher's flags and the frozen monthly rates.

Everything goes through the casework services, so the deadlines, the timeline and the
rates obey the rules. The services stamp a few steps with the present moment (the
forwarding of a case, a reopening, a whistle): the demo dates them back afterwards to when
the story has them happen, as ``deliberation.demo`` does for its 2018 story, and the
deadlines that depend on them are computed again with ``services.due_dates``.

Times are relative to now, so the seed works on any day; randomness comes from a fixed
seed per community. A community that already has cases or visits is left alone, so running
seed_demo again changes nothing (apart from what the daily jobs would do anyway: the SLA
watcher and the snapshot of a month that has ended since)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from casework import services, sla, visit_services, whistle_services
from casework.models import (
    Case,
    CaseAction,
    CaseCategory,
    TaskGroup,
    Urgency,
    Visit,
    Whistle,
)
from communities.models import Building, Community, CommunityRole, Entrance, Household, Resident
from communities.months import add_months
from deliberation.models import ProposalCategory
from governance.models import Organisation
from notifications.models import Notification

User = get_user_model()
A = CaseAction.Kind
OUTCOME = Case.Outcome
SAT = Case.Satisfaction
SRC = Case.Source
URGENT, GENERAL = Urgency.URGENT, Urgency.GENERAL

LANDSCAPING = "朝阳区园林绿化局"
CITY_MANAGEMENT = "朝阳区城市管理委员会"
EBIKE_PROPOSAL = "7号楼电动自行车充电难：建议增设集中充电设施"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕"
CALLERS = ["女士", "先生", "阿姨", "大爷"]


# ---------------------------------------------------------------- what residents report


@dataclass(frozen=True)
class Kind:
    """A kind of problem: its category, how residents word it (each wording with how it
    was fixed), where it is, how an 'explained' case is explained."""

    category: str
    items: tuple[tuple[str, str], ...]  # (what the resident says, how it was fixed)
    places: tuple[str, ...]
    explains: tuple[str, ...]
    weight: int
    urgent: float = 0.1
    group: bool = True  # the property company fixes it (forwarded to the task group)
    hours: str = "any"  # when it tends to be reported: any, night
    season: str = ""  # "heating" (15 Nov - 15 Mar) or "summer" (the rest)
    buildings: tuple[int, ...] = ()  # only these buildings (1-based); () for any
    not_buildings: tuple[int, ...] = ()

    def text(self, n: int) -> str:
        return self.items[n][0]


EBIKE = Kind(
    "电动自行车停放与充电",
    (
        (
            "{b}{e}楼道里有人把电动自行车推上楼充电，电线从窗户拉下来，担心起火。",
            "物业会同社区上门劝导，车辆已推至充电棚，飞线已拆除。",
        ),
        (
            "{b}{e}一层楼梯间停了三四辆电动自行车，把消防通道堵了，老人进出不方便。",
            "已清理楼梯间电动自行车，张贴禁停提示，物业每日巡查。",
        ),
        (
            "{b}{e}有住户把电瓶拎回家充电，楼道里闻到焦糊味，请尽快处理。",
            "物业与社区上门，车主签订安全充电承诺书，电瓶改到充电柜充电。",
        ),
        (
            "{b}{e}楼道里电动自行车越停越多，晚上还在充电，居民很担心安全。",
            "已劝导车主把车推出楼道，拆除私拉电线，楼道张贴安全提示。",
        ),
    ),
    ("楼道", "一层楼梯间", "单元门口"),
    ("车主暂不配合，已讲明消防规定并告知可向119举报；物业加强夜间巡查。",),
    weight=16,
    urgent=0.35,
    not_buildings=(7,),  # 7号楼's e-bikes are a story of their own
)
BINS = Kind(
    "垃圾清运与分类",
    (
        (
            "{b}北侧垃圾桶站满溢，垃圾散落一地，有异味。",
            "物业已安排加清一次，并调整为每日早晚两次清运。",
        ),
        ("{b}旁边厨余垃圾桶两天没清运，招苍蝇，请物业处理。", "厨余垃圾已清运，桶站已冲洗消毒。"),
        (
            "{b}垃圾分类桶站旁堆了大件家具和装修垃圾，好几天没人管。",
            "大件和装修垃圾已清运，桶站张贴大件垃圾预约清运电话。",
        ),
    ),
    ("垃圾桶站", "楼北侧", "分类驿站"),
    ("清运车辆临时故障，已协调备用车辆，次日恢复正常清运。",),
    weight=13,
    urgent=0.05,
)
NOISE = Kind(
    "噪声扰民",
    (
        (
            "{b}楼顶平台晚上十点以后有人聚会喝酒，声音很大，影响休息。",
            "物业已锁闭楼顶通道门，张贴文明公约。",
        ),
        (
            "{b}楼顶的排风机夜里一直嗡嗡响，顶层住户睡不着。",
            "排风机已加装减震垫并调整夜间运行时段。",
        ),
        (
            "{b}楼顶夜里有人弹唱，已经连续几天，老人孩子没法休息。",
            "已劝离楼顶聚集人员，楼顶通道门已加锁。",
        ),
    ),
    ("楼顶平台", "楼顶"),
    ("已联系派出所社区民警夜间巡查，劝离楼顶聚集人员，并张贴文明公约。",),
    weight=8,
    group=False,
    hours="night",
)
LEAK = Kind(
    "房屋漏水与维修",
    (
        ("{b}{e}顶层屋面漏水，下雨化雪时天花板往下滴水。", "屋面防水已重新修补，雨后回访无渗漏。"),
        (
            "{b}{e}楼上卫生间渗水，我家天花板墙皮一片片往下掉。",
            "已更换楼上破损的下水管件，渗水已止住。",
        ),
        ("{b}{e}楼道外墙裂缝渗水，墙面发霉。", "外墙裂缝已灌缝封堵，楼道墙面已重新粉刷。"),
    ),
    ("顶层", "楼道外墙", "卫生间"),
    ("经查系楼上住户自用部分渗漏，已协调双方，由楼上住户自行维修。",),
    weight=9,
    urgent=0.2,
)
LIFT = Kind(
    "电梯故障",
    (
        (
            "{b}{e}加装电梯停在三楼不动了，楼上老人下不了楼。",
            "维保单位已到场维修，更换控制主板，试运行正常。",
        ),
        (
            "{b}{e}加装电梯门关不严，运行时有异响，不敢坐。",
            "维保单位已更换门机皮带并调试，运行正常。",
        ),
    ),
    ("加装电梯",),
    ("电梯正在年检停用，已张贴告示并告知恢复时间。",),
    weight=6,
    urgent=0.5,
    buildings=(1, 2, 3, 4),  # the buildings that had lifts added
)
HEATING = Kind(
    "供暖与供水",
    (
        (
            "{b}{e}暖气不热，室温只有十五六度，家里有老人。",
            "供热站已到户排气、清洗过滤网，室温回升到二十度。",
        ),
        ("{b}{e}暖气片漏水，地板都湿了。", "暖气阀门已更换，不再漏水。"),
        ("{b}{e}整个单元暖气时冷时热，请供热站查一下。", "供热站已调整单元平衡阀，各户温度正常。"),
    ),
    ("室内暖气",),
    ("经测室温达到十八度标准，已向居民说明并告知调节方法。",),
    weight=9,
    urgent=0.3,
    season="heating",
)
WATER = Kind(
    "供暖与供水",
    (
        ("{b}{e}五六层水压太低，早晚用水高峰上不去水。", "二次供水泵已检修，高层水压恢复正常。"),
        ("{b}{e}自来水发黄，有异味。", "水箱已清洗消毒，水质检测合格。"),
        (
            "{b}停水没有提前通知，请问什么时候来水？",
            "管道抢修完毕已恢复供水，物业今后提前张贴停水通知。",
        ),
    ),
    ("室内用水",),
    ("系市政管网检修停水，已告知居民来水时间。",),
    weight=7,
    urgent=0.2,
    season="summer",
)
PARKING = Kind(
    "停车管理",
    (
        (
            "{b}楼下消防通道被私家车长期占用，救护车进不来。",
            "已联系车主挪车，并在消防通道施划禁停标线。",
        ),
        ("{b}旁边有一辆僵尸车停了半年多，落满灰，占着车位。", "僵尸车车主已联系上，车辆已拖离。"),
        ("{b}门口晚上乱停车，出入很困难。", "物业夜间巡查劝导，已施划停车位和禁停区域。"),
    ),
    ("消防通道", "楼前", "小区主路"),
    ("车辆停放于市政道路，已告知居民向交通部门反映，物业加强巡查劝导。",),
    weight=8,
)
FACILITY = Kind(
    "公共设施维修",
    (
        ("{b}{e}楼道声控灯不亮，晚上上下楼看不见。", "已更换楼道灯和声控开关。"),
        ("{b}{e}单元门门禁坏了，门关不上，外人随便进。", "门禁已维修，闭门器已更换。"),
        ("{b}前面路上井盖松动，踩上去咣当响。", "井盖已加固，周边路面已修补。"),
        ("{b}楼前健身器材坏了，螺丝松动有安全隐患。", "健身器材已紧固维修，并做了安全检查。"),
    ),
    ("楼道", "单元门", "楼前道路", "健身场地"),
    ("器材已拆除待换新，厂家到货后安装，期间设置警示。",),
    weight=8,
)
PROPERTY = Kind(
    "物业服务",
    (
        ("{b}{e}楼道好久没打扫了，扶手都是灰。", "物业已安排保洁补扫，并公示每周保洁计划。"),
        ("{b}物业维修人员约好上门却没来，电话也不接。", "物业已道歉并重新预约上门，维修完毕。"),
    ),
    ("楼道", "物业服务中心"),
    ("已向居民说明物业服务标准及收费情况。",),
    weight=4,
)
GREENING = Kind(
    "绿化养护",
    (
        ("{b}南侧树枝伸到一楼窗户，屋里白天也要开灯。", "物业已修剪遮挡窗户的树枝。"),
        ("{b}前面的树上有马蜂窝，孩子经过很危险。", "已请专业人员摘除马蜂窝。"),
    ),
    ("楼前绿地", "楼南侧"),
    ("需园林部门审批后方可修剪，已向居民说明并报街道。",),
    weight=3,
)
CONSTRUCTION = Kind(  # only in a story (9号楼)
    "私搭乱建",
    (
        (
            "{b}{e}一层住户在楼前绿地私自搭建彩钢板房，占了公共绿地，还挡住了消防通道。",
            "违建已由执法部门依法拆除，绿地已恢复。",
        ),
    ),
    ("楼前绿地",),
    ("住户拒不拆除，已报街道吹哨，由执法部门依法处置。",),
    weight=0,
    group=False,
)
SHUANGHE_KINDS = (
    EBIKE,
    BINS,
    NOISE,
    LEAK,
    LIFT,
    HEATING,
    WATER,
    PARKING,
    FACILITY,
    PROPERTY,
    GREENING,
)

HUAMAO_PARKING = Kind(
    "停车管理",
    (
        ("{b}地库访客车位被长期占用，来客没地方停。", "物业已联系车主挪车，并加装访客车位地锁。"),
        ("{b}地库出口有车乱停，挡住了出口。", "已联系车主挪车，地库出口施划禁停线。"),
    ),
    ("地下车库",),
    ("涉及车位产权纠纷，已告知可通过业主委员会协商。",),
    weight=6,
)
HUAMAO_LIFT = Kind(
    "电梯故障",
    (
        (
            "{b}{e}电梯有一部停运两天了，高峰期等很久。",
            "电梯维保单位已更换变频器，两部电梯恢复运行。",
        ),
        ("{b}{e}电梯运行时抖动，有异响。", "电梯维保单位已更换导靴并调试，运行平稳。"),
    ),
    ("电梯厅",),
    ("电梯按计划大修，已公告工期，另一部电梯正常运行。",),
    weight=5,
    urgent=0.4,
)
HUAMAO_NOISE = Kind(
    "噪声扰民",
    (
        ("{b}楼下商铺夜里装修施工，电钻声到十二点。", "已约谈商户，夜间22点后停止施工。"),
        ("{b}底商酒吧晚上音乐声太大。", "酒吧已加装隔音设施，22点后降低音量。"),
    ),
    ("底商",),
    ("已联系城管部门夜间检查，商户承诺整改。",),
    weight=4,
    group=False,
    hours="night",
)
HUAMAO_WATER = Kind(
    "供暖与供水",
    (
        ("{b}{e}热水水压不稳，忽冷忽热。", "换热站已调整供水参数，热水恢复稳定。"),
        ("{b}{e}暖气不热，室温不到十八度。", "已为住户暖气排气，室温恢复正常。"),
    ),
    ("室内",),
    ("经测室温达到标准，已向居民说明。",),
    weight=3,
)
HUAMAO_KINDS = (
    HUAMAO_PARKING,
    HUAMAO_LIFT,
    HUAMAO_NOISE,
    Kind(
        "垃圾清运与分类",
        (("{b}垃圾间没有按时清运，走廊里有异味。", "物业已调整清运时间，每日两次。"),),
        ("垃圾间",),
        ("清运公司调整线路，已告知居民新的清运时间。",),
        weight=3,
    ),
    HUAMAO_WATER,
    Kind(
        "电动自行车停放与充电",
        (("{b}{e}走廊里有人停电动自行车充电。", "物业已劝导车主把车停到地面充电区。"),),
        ("走廊",),
        ("车主暂不配合，物业加强巡查。",),
        weight=3,
        urgent=0.3,
    ),
)


def _in_season(kind: Kind, day: dt.date) -> bool:
    heating = (day.month, day.day) >= (11, 15) or (day.month, day.day) <= (3, 15)
    if kind.season == "heating":
        return heating
    if kind.season == "summer":
        return not heating
    return True


# ---------------------------------------------------------------- the seed


@dataclass
class Desk:
    """One community's casework people, places and clock."""

    community: Community
    rng: random.Random
    now: dt.datetime
    secretary: object
    worker: object
    manager: object
    group: TaskGroup
    buildings: list[Building]
    entrances: dict[int, list[Entrance]]  # by building id
    households: dict[int, list[Household]]  # by entrance id
    residents: dict[int, list[Resident]]  # verified residents by building id
    categories: dict[str, CaseCategory]
    calendar: object
    order_numbers: set[str] = field(default_factory=set)

    @property
    def today(self) -> dt.date:
        return timezone.localtime(self.now).date()

    def building(self, n: int) -> Building:
        return self.buildings[n - 1]

    def entrance(self, building: Building, n: int) -> Entrance:
        return self.entrances[building.pk][n - 1]


def seed_casework(*, seed: int = 2026, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    shuanghe = Community.objects.filter(code="shuanghe").first()
    huamao = Community.objects.filter(code="huamao").first()
    if shuanghe is not None:
        desk = _desk(
            shuanghe,
            random.Random(f"casework-{seed}-shuanghe"),
            now,
            secretary="13800000001",
            worker="13800000002",
            manager="13800000003",
            group_name="双合家园接诉即办专班",
            company="北京首开物业双合家园项目部",
        )
        if desk is not None:
            _story(desk, _shuanghe)
    if huamao is not None:
        desk = _desk(
            huamao,
            random.Random(f"casework-{seed}-huamao"),
            now,
            secretary="13800000011",
            worker="13800000012",
            manager="13800000013",
            group_name="华贸中心接诉即办专班",
            company="华贸物业管理有限公司",
        )
        if desk is not None:
            _story(desk, _huamao)
    _snapshots(now)
    # What the watcher would find now: the open cases past a deadline.
    sla.sla_watch(now=now)


def first_day(now: dt.datetime) -> dt.date:
    """The first day of the demo's quarter: the first of the month that holds the day 75
    days ago (76 to 106 days of cases, every finished month complete)."""
    return (timezone.localtime(now).date() - dt.timedelta(days=75)).replace(day=1)


def _snapshots(now: dt.datetime) -> None:
    """Freeze each month the cases cover that has ended, oldest first (a month frozen
    before is left as it was)."""
    month = first_day(now)
    this_month = timezone.localtime(now).date().replace(day=1)
    while month < this_month:
        sla.rates_snapshot_take(month=month, now=now)
        month = add_months(month, 1)


def _story(desk: Desk, tell) -> None:
    community = desk.community
    if (
        Case.objects.filter(community=community).exists()
        or Visit.objects.filter(community=community).exists()
    ):
        return  # seeded before (or in real use): leave it alone
    kinds = SHUANGHE_KINDS + HUAMAO_KINDS + (CONSTRUCTION,)
    if not {k.category for k in kinds} <= set(desk.categories):
        return  # the catalogue has been changed: the story would not fit
    before = Notification.objects.aggregate(top=Max("pk"))["top"] or 0
    with transaction.atomic():
        tell(desk)
        _visits(desk)
    # Notifications about cases long closed have been read; recent ones wait in the inbox.
    cutoff = desk.now - dt.timedelta(days=2)
    urls = set()
    closed = Case.objects.filter(
        community=community, status=Case.Status.CLOSED, closed_at__lt=cutoff
    ).select_related("community")
    for case in closed:
        urls.add(services.case_url(case))
        urls.add(reverse("casework:my_case_detail", args=[community.code, case.pk]))
    Notification.objects.filter(pk__gt=before, url__in=urls).update(read_at=desk.now)


def _desk(community, rng, now, *, secretary, worker, manager, group_name, company) -> Desk | None:
    users = {u.phone: u for u in User.objects.filter(phone__in=[secretary, worker, manager])}
    if len(users) < 3:
        return None
    manager_user = users[manager]
    # The property company's manager works here (华贸's manager first held posts only).
    if not CommunityRole.objects.filter(
        user=manager_user, community=community, role=CommunityRole.Role.PROPERTY_MANAGER
    ).exists():
        CommunityRole.objects.create(
            user=manager_user,
            community=community,
            role=CommunityRole.Role.PROPERTY_MANAGER,
            start_date=timezone.localdate().replace(month=1, day=1),
        )
    group = TaskGroup.objects.filter(community=community, name=group_name).first()
    if group is None:
        property_company = Organisation.objects.filter(
            community=community, name=company, kind=Organisation.Kind.PROPERTY_COMPANY
        ).first()
        group = services.task_group_save(
            community=community,
            by=users[secretary],
            name=group_name,
            members=[manager_user, users[worker]],
            property_company=property_company,
        )
    buildings = list(Building.objects.filter(community=community).order_by("sort_order", "name"))
    entrances: dict[int, list[Entrance]] = {b.pk: [] for b in buildings}
    for entrance in Entrance.objects.filter(building__community=community).select_related(
        "building"
    ):
        entrances[entrance.building_id].append(entrance)
    households: dict[int, list[Household]] = {}
    for household in Household.objects.filter(
        entrance__building__community=community
    ).select_related("entrance__building"):
        households.setdefault(household.entrance_id, []).append(household)
    residents: dict[int, list[Resident]] = {}
    for resident in (
        Resident.objects.for_community(community)
        .verified()
        .select_related("household__entrance__building", "user")
        .order_by("pk")
    ):
        residents.setdefault(resident.household.entrance.building_id, []).append(resident)
    return Desk(
        community=community,
        rng=rng,
        now=now,
        secretary=users[secretary],
        worker=users[worker],
        manager=manager_user,
        group=group,
        buildings=buildings,
        entrances=entrances,
        households=households,
        residents=residents,
        categories={c.name: c for c in CaseCategory.objects.filter(is_active=True)},
        calendar=services.work_calendar(),
    )


# ---------------------------------------------------------------- time helpers


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _minutes(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(minutes=rng.randint(low, max(low, high)))


def _daytime(t: dt.datetime, rng: random.Random) -> dt.datetime:
    """The same moment if during the working day (8:00-20:00), else the next morning."""
    local = timezone.localtime(t)
    if local.hour < 8:
        return _at(local.date(), 8) + _minutes(rng, 0, 90)
    if local.hour >= 20:
        return _at(local.date() + dt.timedelta(days=1), 8) + _minutes(rng, 0, 90)
    return t


def _received(desk: Desk, day: dt.date, source: str, hours: str) -> dt.datetime:
    """When a case of this source came in on ``day``: walk-ins in office hours on working
    days; 12345 orders at any time of the day; night noise late in the evening."""
    rng = desk.rng
    if source == SRC.WALK_IN:
        while not desk.calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
        return _at(day, 8, 30) + _minutes(rng, 0, 8 * 60 + 30)
    if hours == "night":
        return _at(day, 21, 40) + _minutes(rng, 0, 150)
    roll = rng.random()
    if roll < 0.68:
        return _at(day, 8, 30) + _minutes(rng, 0, 9 * 60)
    if roll < 0.93:
        return _at(day, 17, 30) + _minutes(rng, 0, 5 * 60)
    return _at(day, 6, 40) + _minutes(rng, 0, 110)


# ---------------------------------------------------------------- one case, start to end


@dataclass
class Plan:
    """How a case goes: what happens, and where it stops if it is still open."""

    outcome: str | None = OUTCOME.RESOLVED  # None: still being worked on
    stop: str = ""  # "" (to the end), "none" (not contacted yet), "on_site" (waiting)
    waiting_note: str = ""
    late_contact: bool = False
    late_resolve: bool = False
    satisfaction: str | None = SAT.SATISFIED  # None: the reporter was not reached
    fix: str = ""
    explain: str = ""
    # Fixed moments for a story (else they follow from the deadlines).
    contact_at: dt.datetime | None = None
    fix_at: dt.datetime | None = None
    close_at: dt.datetime | None = None
    rate_at: dt.datetime | None = None


def _order_number(desk: Desk, received: dt.datetime) -> str:
    while True:
        number = f"{timezone.localtime(received):%Y%m%d}{desk.rng.randint(0, 99999999):08d}"
        if number not in desk.order_numbers:
            desk.order_numbers.add(number)
            return number


def _caller(desk: Desk) -> tuple[str, str]:
    rng = desk.rng
    name = rng.choice(SURNAMES) + rng.choice(CALLERS)
    return name, f"1{rng.choice('35789')}{rng.randint(0, 999999999):09d}"


def _open_case(
    desk: Desk,
    *,
    kind: Kind,
    received: dt.datetime,
    source: str,
    building: Building,
    entrance: Entrance | None,
    urgency: str,
    text: str | None = None,
    reporter: Resident | None = None,
    place: str | None = None,
) -> Case:
    """Receive a case through the service, as the office would have recorded it then."""
    rng = desk.rng
    text = text or kind.text(rng.randrange(len(kind.items)))
    description = text.format(b=building.name, e=entrance.name if entrance else "")
    name, phone = ("", "") if reporter else _caller(desk)
    online = source == SRC.ONLINE
    case = services.case_create(
        community=desk.community,
        by=reporter.user if online else rng.choice([desk.worker, desk.worker, desk.secretary]),
        source=source,
        category=desk.categories[kind.category],
        description=description,
        urgency=urgency,
        received_at=received,
        order_number=_order_number(desk, received) if source == SRC.HOTLINE else "",
        building=building,
        entrance=entrance,
        location_detail=place if place is not None else rng.choice(kind.places),
        reporter_resident=reporter,
        reporter_name=name,
        reporter_phone=phone,
        assigned_worker=None if online else desk.worker,
        task_group=desk.group if kind.group and not online else None,
    )
    recorded = received + _minutes(rng, 3, 40)
    if online:
        # The resident's report is picked up by the office in the morning.
        recorded = _daytime(received + _minutes(rng, 10, 60), rng)
        if recorded <= desk.now:
            services.case_assign(
                case=case,
                by=desk.worker,
                worker=desk.worker,
                task_group=desk.group if kind.group else None,
            )
    _date_steps(case, (A.ASSIGNED, A.FORWARDED), min(recorded, desk.now))
    Case.objects.filter(pk=case.pk).update(created_at=received if online else recorded)
    case.refresh_from_db()
    return case


def _date_steps(case: Case, kinds, at: dt.datetime) -> None:
    """Date back the steps a service stamped with the present moment."""
    CaseAction.objects.filter(case=case, kind__in=kinds).update(at=at)


def _fix_for(kind: Kind, description: str) -> str:
    """How the problem in this description was fixed."""
    for text, fix in kind.items:
        if description.endswith(text.replace("{b}", "").replace("{e}", "")):
            return fix
    return kind.items[0][1] if kind.items else ""


def _work(desk: Desk, case: Case, kind: Kind, plan: Plan, *, first: str = A.CONTACTED) -> Case:
    """Take the case as far as the plan goes and the clock allows: contact, on site, fixed
    or explained, closed, called back. A step that would fall after now is not taken."""
    rng, now = desk.rng, desk.now
    group_case = case.task_group_id is not None
    handler = desk.manager if group_case else desk.worker
    received = case.received_at
    # Nobody acts before the office has the case (a resident's online report at night).
    start = case.actions.filter(kind__in=(A.ASSIGNED, A.FORWARDED)).aggregate(at=Max("at"))["at"]
    if plan.stop == "none" or start is None:
        return case

    # First response.
    window = case.contact_due - received
    if plan.contact_at:
        contacted = plan.contact_at
    elif plan.late_contact:
        contacted = _daytime(case.contact_due + _minutes(rng, 40, 6 * 60), rng)
    elif case.urgency == URGENT:
        contacted = received + _minutes(rng, 8, int(window.total_seconds() * 0.6 / 60))
    else:
        limit = min(window, dt.timedelta(hours=8)).total_seconds() * 0.8 / 60
        contacted = _daytime(received + _minutes(rng, 15, int(limit)), rng)
        if contacted > case.contact_due:  # a night-time order: a call before the deadline
            contacted = case.contact_due - _minutes(rng, 20, 90)
    contacted = max(contacted, start + _minutes(rng, 3, 15))
    if plan.fix_at:  # a story's fixed moment: everything before it happened before it
        contacted = min(contacted, plan.fix_at - dt.timedelta(minutes=40))
    if contacted > now:
        return case
    if first == A.CONTACTED:
        who = rng.choice([handler, desk.worker])
        note = rng.choice(
            [
                "已电话联系来电人，了解情况并约定上门时间。",
                "已与居民电话沟通，告知处理安排。",
                "已联系反映人，居民同意当天上门查看。",
            ]
        )
        services.case_act(case=case, by=who, kind=A.CONTACTED, note=note, at=contacted)
        if case.urgency == URGENT:
            on_site = contacted + _minutes(rng, 15, 80)
        else:
            on_site = _daytime(contacted + _minutes(rng, 40, 18 * 60), rng)
        if plan.fix_at:
            on_site = max(
                contacted + dt.timedelta(minutes=5),
                min(on_site, plan.fix_at - dt.timedelta(minutes=20)),
            )
    else:
        on_site = contacted
    if on_site > now:
        return case
    site_note = (
        "物业维修人员到现场查看，已拍照记录。"
        if group_case
        else "社工到现场查看，向周边住户了解情况。"
    )
    services.case_act(case=case, by=handler, kind=A.ON_SITE, note=site_note, at=on_site)
    if plan.stop == "on_site" or plan.outcome is None:
        if plan.waiting_note:
            note_at = on_site + _minutes(rng, 30, 240)
            if note_at <= now:
                services.case_act(
                    case=case, by=handler, kind=A.NOTE, note=plan.waiting_note, at=note_at
                )
        return case

    # Fixed (or explained), then closed.
    span = case.resolve_due - received
    share = rng.uniform(1.05, 1.5) if plan.late_resolve else rng.uniform(0.2, 0.8)
    fixed = plan.fix_at or max(on_site + _minutes(rng, 30, 180), received + span * share)
    if not plan.fix_at and case.urgency != URGENT:
        fixed = _daytime(fixed, rng)
    if fixed > now:
        return case
    resolved = plan.outcome == OUTCOME.RESOLVED
    if resolved:
        note = plan.fix or _fix_for(kind, case.description)
    else:
        note = plan.explain or rng.choice(kind.explains)
    services.case_act(
        case=case,
        by=handler if resolved else desk.worker,
        kind=A.FIXED if resolved else A.EXPLAINED,
        note=note,
        at=fixed,
    )
    closed = plan.close_at or fixed + _minutes(rng, 10, 150)
    if closed > now:
        return case
    closer = rng.choice([desk.worker, desk.worker, handler])
    case = services.case_close(case=case, by=closer, outcome=plan.outcome, note=note, at=closed)

    # The call-back (or the resident's own rating online).
    if plan.satisfaction is None:
        return case
    rated = plan.rate_at or _daytime(closed + _minutes(rng, 2 * 60, 30 * 60), rng)
    if rated > now:
        return case
    online = case.source == SRC.ONLINE and case.reporter_resident_id
    return services.case_rate(
        case=case,
        by=case.reporter_resident.user if online else desk.worker,
        satisfaction=plan.satisfaction,
        via=Case.RatedVia.ONLINE if online else Case.RatedVia.CALLBACK,
        note="" if online else rng.choice(["电话回访", "电话回访，居民表示认可", "回访"]),
        at=rated,
    )


def _reopen(desk: Desk, case: Case, *, at: dt.datetime, reason: str, by=None) -> Case:
    """Reopen through the service, then date the reopening back to when it happened (and
    the new resolution deadline with it)."""
    case = services.case_reopen(case=case, by=by or desk.worker, reason=reason)
    CaseAction.objects.filter(case=case, kind=A.REOPENED, note=reason).update(at=at)
    _contact, resolve_due = services.due_dates(
        category=case.category, urgency=case.urgency, received_at=at
    )
    Case.objects.filter(pk=case.pk).update(resolve_due=resolve_due)
    case.refresh_from_db()
    return case


def _random_plan(rng: random.Random) -> Plan:
    roll = rng.random()
    outcome = OUTCOME.RESOLVED if roll < 0.82 else OUTCOME.EXPLAINED
    if outcome == OUTCOME.RESOLVED:
        satisfaction = rng.choices(
            [SAT.SATISFIED, SAT.BASICALLY, SAT.DISSATISFIED], weights=[78, 18, 4]
        )[0]
    else:
        satisfaction = rng.choices(
            [SAT.SATISFIED, SAT.BASICALLY, SAT.DISSATISFIED], weights=[30, 45, 25]
        )[0]
    return Plan(
        outcome=outcome,
        late_contact=rng.random() < 0.07,
        late_resolve=rng.random() < 0.1,
        satisfaction=satisfaction if rng.random() < 0.88 else None,
    )


def _random_cases(desk: Desk, kinds: tuple[Kind, ...], count: int) -> None:
    """``count`` everyday cases spread over the quarter."""
    rng = desk.rng
    start = first_day(desk.now)
    span = (desk.today - start).days
    latest = desk.now - dt.timedelta(minutes=30)
    for _ in range(count):
        while True:  # a day and time within the quarter and not later than now
            day = start + dt.timedelta(days=rng.randint(0, span))
            choices = [k for k in kinds if _in_season(k, day)]
            kind = rng.choices(choices, weights=[k.weight for k in choices])[0]
            source = rng.choices([SRC.HOTLINE, SRC.WALK_IN, SRC.PHONE], weights=[75, 13, 12])[0]
            received = _received(desk, day, source, kind.hours)
            if start <= timezone.localtime(received).date() and received <= latest:
                break
        numbers = [
            n
            for n in (kind.buildings or range(1, len(desk.buildings) + 1))
            if n not in kind.not_buildings and n <= len(desk.buildings)
        ]
        building = desk.building(rng.choice(numbers))
        entrance = rng.choice(desk.entrances[building.pk])
        reporter = None
        if source != SRC.HOTLINE and rng.random() < 0.6:
            neighbours = [r for r in desk.residents.get(building.pk, []) if r.user_id is None]
            reporter = rng.choice(neighbours) if neighbours else None
        urgency = URGENT if rng.random() < kind.urgent else GENERAL
        case = _open_case(
            desk,
            kind=kind,
            received=received,
            source=source,
            building=building,
            entrance=entrance,
            urgency=urgency,
            reporter=reporter,
        )
        _work(desk, case, kind, _random_plan(rng))


def _day(desk: Desk, days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
    return _at(desk.today - dt.timedelta(days=days_ago), hour, minute)


def _resident(desk: Desk, phone: str) -> Resident | None:
    for residents in desk.residents.values():
        for resident in residents:
            if resident.user_id and resident.user.phone == phone:
                return resident
    return None


def _neighbour(desk: Desk, building: Building) -> Resident | None:
    """A resident of the building without an account (for cases recorded by the office)."""
    found = [r for r in desk.residents.get(building.pk, []) if r.user_id is None]
    return found[len(found) // 2] if found else None


def _department(desk: Desk, name: str) -> Organisation | None:
    return Organisation.objects.filter(
        district=desk.community.subdistrict.district_id,
        name=name,
        kind=Organisation.Kind.GOVERNMENT_DEPARTMENT,
        is_active=True,
    ).first()


def _whistle(
    desk: Desk,
    case: Case,
    *,
    by,
    department: Organisation,
    request: str,
    blown: dt.datetime,
    respond_days: int,
    response: str = "",
    responded: dt.datetime | None = None,
    outcome: str = "",
    closed: dt.datetime | None = None,
) -> Whistle:
    """Blow a whistle through the services and date it back to ``blown``."""
    respond_by = timezone.localtime(blown).date() + dt.timedelta(days=respond_days)
    whistle = whistle_services.whistle_blow(
        community=desk.community,
        by=by,
        department=department,
        request=request,
        respond_by=max(respond_by, timezone.localdate()),  # dated back below
        case=case,
    )
    Whistle.objects.filter(pk=whistle.pk).update(requested_at=blown, respond_by=respond_by)
    _date_steps(case, (A.WHISTLE,), blown)
    if response and responded and responded <= desk.now:
        whistle = whistle_services.whistle_respond(
            whistle=whistle, by=by, response=response, responded_at=responded
        )
        if outcome and closed and closed <= desk.now:
            whistle = whistle_services.whistle_close(whistle=whistle, by=by, outcome=outcome)
            Whistle.objects.filter(pk=whistle.pk).update(closed_at=closed)
    whistle.refresh_from_db()
    return whistle


# ---------------------------------------------------------------- 双合家园


def _shuanghe(desk: Desk) -> None:
    _random_cases(desk, SHUANGHE_KINDS, 56)
    _ebike_story(desk)
    _bins_story(desk)
    _noise_story(desk)
    _tree_whistle(desk)
    _shed_whistle(desk)
    _reopened(desk)
    _unresolved(desk)
    _lift_waiting(desk)
    _online_shuanghe(desk)


def _ebike_story(desk: Desk) -> None:
    """7号楼: four e-bike orders within a month; persuasion doesn't last, so the office
    raises a proposal for charging points."""
    building = desk.building(7)
    steps = [
        (52, 20, 15, SRC.HOTLINE, 1, OUTCOME.RESOLVED, SAT.SATISFIED),
        (45, 9, 40, SRC.HOTLINE, 2, OUTCOME.RESOLVED, SAT.BASICALLY),
        (37, 10, 5, SRC.WALK_IN, 3, OUTCOME.RESOLVED, SAT.BASICALLY),
        (29, 21, 30, SRC.HOTLINE, 1, OUTCOME.EXPLAINED, SAT.DISSATISFIED),
    ]
    cases = []
    for days_ago, hour, minute, source, entrance_no, outcome, satisfaction in steps:
        entrance = desk.entrance(building, entrance_no)
        case = _open_case(
            desk,
            kind=EBIKE,
            received=_day(desk, days_ago, hour, minute),
            source=source,
            building=building,
            entrance=entrance,
            urgency=URGENT if days_ago == 52 else GENERAL,
            text=EBIKE.text(0) if days_ago % 2 else EBIKE.text(3),
            reporter=_neighbour(desk, building) if source == SRC.WALK_IN else None,
        )
        plan = Plan(
            outcome=outcome,
            satisfaction=satisfaction,
            explain=(
                "已第三次上门劝导，车主表示楼下没有充电桩只能推上楼。问题反复出现，"
                "社区将提请议事协商增设集中充电设施。"
            ),
        )
        cases.append(_work(desk, case, EBIKE, plan))
    category = ProposalCategory.objects.filter(code="ebike_charging").first()
    if category is None:
        return
    numbers = "、".join(c.reference for c in cases)
    services.recurring_propose(
        community=desk.community,
        by=desk.secretary,
        case_ids=[c.pk for c in cases],
        proposal_category=category,
        title=EBIKE_PROPOSAL,
        description=(
            f"近一个月7号楼接到{len(cases)}件电动自行车楼道停放、入户充电的诉求"
            f"（{numbers}）。物业多次上门劝导，但楼下没有充电设施，问题反复出现，"
            "存在火灾隐患。建议在7号楼北侧空地增设电动自行车集中充电桩和车棚，"
            "请居民议事协商选址、费用分担和管理办法。"
        ),
    )


def _bins_story(desk: Desk) -> None:
    """3号楼's bins overflow three times in a fortnight (the last reported online by 王秀英,
    still waiting): a recurring problem the office has not raised yet."""
    building = desk.building(3)
    for days_ago, hour in ((15, 8), (9, 18)):
        case = _open_case(
            desk,
            kind=BINS,
            received=_day(desk, days_ago, hour, 25),
            source=SRC.HOTLINE,
            building=building,
            entrance=None,
            urgency=GENERAL,
            text=BINS.text(0),
        )
        _work(desk, case, BINS, Plan(outcome=OUTCOME.RESOLVED, satisfaction=SAT.BASICALLY))
    reporter = _resident(desk, "13900000003")
    if reporter is None or reporter.household.entrance.building_id != building.pk:
        return
    case = _open_case(
        desk,
        kind=BINS,
        received=_day(desk, 3, 19, 40),
        source=SRC.ONLINE,
        building=building,
        entrance=reporter.household.entrance,
        urgency=GENERAL,
        text="{b}北侧垃圾桶站又满了，这个月已经是第三次，垃圾袋堆到路上，请物业增加清运次数。",
        reporter=reporter,
    )
    _work(
        desk,
        case,
        BINS,
        Plan(
            outcome=None,
            waiting_note="物业正与清运公司协商增加3号楼桶站的清运频次，先行人工清理。",
        ),
    )


def _noise_story(desk: Desk) -> None:
    """Night-time gatherings on 10号楼's roof: one order explained three weeks ago, one
    from the night before last nobody has called back yet (the watcher flags it)."""
    building = desk.building(10)
    case = _open_case(
        desk,
        kind=NOISE,
        received=_day(desk, 21, 22, 50),
        source=SRC.HOTLINE,
        building=building,
        entrance=None,
        urgency=GENERAL,
        text=NOISE.text(0),
    )
    _work(desk, case, NOISE, Plan(outcome=OUTCOME.EXPLAINED, satisfaction=SAT.BASICALLY))
    case = _open_case(
        desk,
        kind=NOISE,
        received=_day(desk, 2, 23, 20),
        source=SRC.HOTLINE,
        building=building,
        entrance=None,
        urgency=GENERAL,
        text=NOISE.text(2),
    )
    _work(desk, case, NOISE, Plan(stop="none"))


def _tree_whistle(desk: Desk) -> None:
    """A cracked poplar leaning on 2号楼: the subdistrict whistles the landscaping bureau,
    which comes, fells it and closes the matter."""
    department = _department(desk, LANDSCAPING)
    area = User.objects.filter(phone="13800000021").first() or desk.secretary
    building = desk.building(2)
    received = _day(desk, 44, 16, 10)
    kind = GREENING
    case = _open_case(
        desk,
        kind=kind,
        received=received,
        source=SRC.HOTLINE,
        building=building,
        entrance=None,
        urgency=URGENT,
        text="{b}南侧一棵大杨树树干开裂、向楼体倾斜，刮风时树枝打到窗户，居民担心倒伏砸人。",
        place="楼南侧绿地",
    )
    case = _work(
        desk,
        case,
        kind,
        Plan(outcome=None, waiting_note="树木属园林部门管辖，需审批后方可伐移，已报街道吹哨。"),
    )
    if department is None:
        return
    blown = received + dt.timedelta(hours=20)
    responded = blown + dt.timedelta(days=3, hours=2)
    _whistle(
        desk,
        case,
        by=area,
        department=department,
        request="请区园林绿化局到现场评估2号楼南侧倾斜杨树的倒伏风险，依法办理伐移并处置。",
        blown=blown,
        respond_days=5,
        response="区园林绿化局到场勘察，确认树干开裂存在倒伏风险，已办理伐移手续，"
        "次日完成伐除并补植国槐一株。",
        responded=responded,
        outcome=Whistle.Outcome.SOLVED,
        closed=responded + dt.timedelta(days=2),
    )
    fixed = responded + dt.timedelta(days=1)
    services.case_act(
        case=case,
        by=desk.manager,
        kind=A.FIXED,
        note="危树已由园林部门伐除，现场已清理。",
        at=fixed,
    )
    case = services.case_close(
        case=case,
        by=desk.worker,
        outcome=OUTCOME.RESOLVED,
        note="经吹哨报到，区园林绿化局伐除危树并补植，隐患消除。",
        at=fixed + dt.timedelta(hours=2),
    )
    services.case_rate(
        case=case,
        by=desk.worker,
        satisfaction=SAT.SATISFIED,
        via=Case.RatedVia.CALLBACK,
        note="电话回访，居民感谢各部门",
        at=fixed + dt.timedelta(days=1, hours=1),
    )


def _shed_whistle(desk: Desk) -> None:
    """A ground-floor household fences off green space at 9号楼 with a steel shed and won't
    take it down: the city management committee is whistled, and hasn't come yet."""
    department = _department(desk, CITY_MANAGEMENT)
    area = User.objects.filter(phone="13800000021").first() or desk.secretary
    building = desk.building(9)
    entrance = desk.entrance(building, 1)
    received = _day(desk, 16, 10, 20)
    kind = CONSTRUCTION
    case = _open_case(
        desk,
        kind=kind,
        received=received,
        source=SRC.WALK_IN,
        building=building,
        entrance=entrance,
        urgency=GENERAL,
        text=CONSTRUCTION.text(0),
        reporter=_neighbour(desk, building),
    )
    case = _work(
        desk,
        case,
        kind,
        Plan(
            outcome=None,
            waiting_note="社区与物业两次上门劝说，住户拒不拆除，已报街道请城管部门依法处置。",
        ),
    )
    if department is None:
        return
    _whistle(
        desk,
        case,
        by=area,
        department=department,
        request="请区城市管理委员会协调执法力量，对9号楼1单元一层住户私搭彩钢板房、"
        "占用公共绿地和消防通道的行为依法查处。",
        blown=received + dt.timedelta(days=3, hours=5),
        respond_days=7,
    )


def _reopened(desk: Desk) -> None:
    """Two reopened cases: a roof that leaks again (still open) and bins left unemptied
    after an 'explained' close (reopened on the call-back and fixed)."""
    rng = desk.rng
    building = desk.building(4)
    received = _day(desk, 27, 9, 5)
    case = _open_case(
        desk,
        kind=LEAK,
        received=received,
        source=SRC.HOTLINE,
        building=building,
        entrance=desk.entrance(building, 3),
        urgency=GENERAL,
        text=LEAK.text(0),
        place="顶层602",
    )
    case = _work(
        desk,
        case,
        LEAK,
        Plan(
            outcome=OUTCOME.RESOLVED,
            satisfaction=SAT.SATISFIED,
            fix="屋面防水已局部修补。",
            fix_at=_day(desk, 19, 15),
            close_at=_day(desk, 19, 16, 30),
            rate_at=_day(desk, 18, 10),
        ),
    )
    if case.status == Case.Status.CLOSED:
        reopened = _day(desk, 4, 9, 40)
        case = _reopen(
            desk,
            case,
            at=reopened,
            reason="居民再次致电：化雪后顶层602天花板又开始渗水，修补未解决问题。",
        )
        services.case_act(
            case=case,
            by=desk.manager,
            kind=A.ON_SITE,
            note="物业再次上屋面查看，防水层大面积老化，需整体重做，已报维修资金申请。",
            at=reopened + dt.timedelta(hours=5),
        )

    building = desk.building(6)
    received = _day(desk, 23, 7, 50)
    case = _open_case(
        desk,
        kind=BINS,
        received=received,
        source=SRC.HOTLINE,
        building=building,
        entrance=None,
        urgency=GENERAL,
        text=BINS.text(1),
    )
    case = _work(
        desk,
        case,
        BINS,
        Plan(
            outcome=OUTCOME.EXPLAINED,
            satisfaction=SAT.DISSATISFIED,
            explain=BINS.explains[0],
            fix_at=_day(desk, 22, 11),
            close_at=_day(desk, 22, 11, 30),
            rate_at=_day(desk, 21, 9, 30),
        ),
    )
    if case.status == Case.Status.CLOSED:
        reopened = _day(desk, 21, 9, 45)
        case = _reopen(desk, case, at=reopened, reason="回访不满意：6号楼厨余垃圾仍未清运。")
        fixed = reopened + _minutes(rng, 120, 240)
        services.case_act(
            case=case,
            by=desk.manager,
            kind=A.FIXED,
            note="备用清运车已到，6号楼桶站清运完毕并冲洗。",
            at=fixed,
        )
        case = services.case_close(
            case=case,
            by=desk.worker,
            outcome=OUTCOME.RESOLVED,
            note="垃圾已清运，桶站已冲洗，恢复每日两次清运。",
            at=fixed + dt.timedelta(minutes=40),
        )
        services.case_rate(
            case=case,
            by=desk.worker,
            satisfaction=SAT.BASICALLY,
            via=Case.RatedVia.CALLBACK,
            note="二次回访",
            at=fixed + dt.timedelta(hours=20),
        )


def _unresolved(desk: Desk) -> None:
    """Lorries parked overnight on the city road by 11号楼: beyond anyone here."""
    building = desk.building(11)
    case = _open_case(
        desk,
        kind=PARKING,
        received=_day(desk, 35, 21, 5),
        source=SRC.HOTLINE,
        building=building,
        entrance=None,
        urgency=GENERAL,
        text="{b}外侧马路上每天夜里停满大货车，发动机整夜不熄火，噪声和尾气很大。",
        place="小区外市政道路",
    )
    _work(
        desk,
        case,
        PARKING,
        Plan(
            outcome=OUTCOME.UNRESOLVED,
            satisfaction=SAT.DISSATISFIED,
            explain="属市政道路，不在物业管理区域内；已将情况反映给交通管理部门，暂无法解决。",
        ),
    )


def _lift_waiting(desk: Desk) -> None:
    """An urgent lift breakdown waiting for a part: past its deadline."""
    building = desk.building(1)
    case = _open_case(
        desk,
        kind=LIFT,
        received=_day(desk, 6, 7, 55),
        source=SRC.PHONE,
        building=building,
        entrance=desk.entrance(building, 2),
        urgency=URGENT,
        text=LIFT.text(0),
        reporter=_neighbour(desk, building),
    )
    _work(
        desk,
        case,
        LIFT,
        Plan(
            outcome=None,
            waiting_note="维保单位判断主板故障，厂家配件需一周到货，已安排人员帮老人上下楼。",
        ),
    )


def _online_shuanghe(desk: Desk) -> None:
    """Cases the demo residents reported on their phones."""
    zhang = _resident(desk, "13900000001")
    if zhang is not None:
        building = zhang.household.entrance.building
        case = _open_case(
            desk,
            kind=FACILITY,
            received=_day(desk, 19, 20, 12),
            source=SRC.ONLINE,
            building=building,
            entrance=zhang.household.entrance,
            urgency=GENERAL,
            text=FACILITY.text(0),
            reporter=zhang,
            place="楼道",
        )
        _work(
            desk,
            case,
            FACILITY,
            Plan(outcome=OUTCOME.RESOLVED, satisfaction=SAT.SATISFIED, fix=FACILITY.items[0][1]),
        )
    li = _resident(desk, "13900000002")
    if li is not None:
        # Closed yesterday, not rated yet: 李建国 can rate it on his phone.
        building = li.household.entrance.building
        case = _open_case(
            desk,
            kind=FACILITY,
            received=_day(desk, 3, 8, 20),
            source=SRC.ONLINE,
            building=building,
            entrance=li.household.entrance,
            urgency=GENERAL,
            text=FACILITY.text(1),
            reporter=li,
            place="单元门",
        )
        _work(
            desk,
            case,
            FACILITY,
            Plan(
                outcome=OUTCOME.RESOLVED,
                satisfaction=None,
                fix=FACILITY.items[1][1],
                fix_at=_day(desk, 1, 14, 30),
                close_at=_day(desk, 1, 15, 10),
            ),
        )
    zhao = _resident(desk, "13900000004")
    if zhao is not None:
        building = zhao.household.entrance.building
        case = _open_case(
            desk,
            kind=EBIKE,
            received=_day(desk, 24, 21, 3),
            source=SRC.ONLINE,
            building=building,
            entrance=zhao.household.entrance,
            urgency=GENERAL,
            text=EBIKE.text(1),
            reporter=zhao,
        )
        _work(
            desk,
            case,
            EBIKE,
            Plan(
                outcome=OUTCOME.EXPLAINED,
                satisfaction=SAT.BASICALLY,
                explain=(
                    "已劝导车主把车推出楼道。5号楼充电棚方案正在居民表决中，建成后可集中停放充电。"
                ),
            ),
        )


# ---------------------------------------------------------------- 华贸中心


def _huamao(desk: Desk) -> None:
    _random_cases(desk, HUAMAO_KINDS, 13)
    # Night-time renovation in C座's shops, twice in a week.
    building = desk.building(3)
    noise = HUAMAO_NOISE
    for days_ago in (40, 34):
        case = _open_case(
            desk,
            kind=noise,
            received=_day(desk, days_ago, 22, 35),
            source=SRC.HOTLINE,
            building=building,
            entrance=None,
            urgency=GENERAL,
            text=noise.text(0),
        )
        _work(desk, case, noise, Plan(outcome=OUTCOME.RESOLVED, satisfaction=SAT.BASICALLY))
    # Hot water pressure in D座, waiting for the heat exchange station: overdue.
    building = desk.building(4)
    water = HUAMAO_WATER
    case = _open_case(
        desk,
        kind=water,
        received=_day(desk, 9, 10, 30),
        source=SRC.HOTLINE,
        building=building,
        entrance=desk.entrance(building, 1),
        urgency=GENERAL,
        text=water.text(0),
    )
    _work(
        desk,
        case,
        water,
        Plan(outcome=None, waiting_note="换热站需更换变频水泵，已报业主大会动用维修资金。"),
    )
    _huamao_trees(desk)
    emily = _resident(desk, "13900000011")
    if emily is None:
        return
    building = emily.household.entrance.building
    lift = HUAMAO_LIFT
    case = _open_case(
        desk,
        kind=lift,
        received=_day(desk, 28, 8, 5),
        source=SRC.ONLINE,
        building=building,
        entrance=emily.household.entrance,
        urgency=URGENT,
        text=lift.text(1),
        reporter=emily,
    )
    _work(desk, case, lift, Plan(outcome=OUTCOME.RESOLVED, satisfaction=SAT.SATISFIED))
    parking = HUAMAO_PARKING
    case = _open_case(
        desk,
        kind=parking,
        received=_day(desk, 5, 19, 45),
        source=SRC.ONLINE,
        building=building,
        entrance=None,
        urgency=GENERAL,
        text=parking.text(0),
        reporter=emily,
    )
    _work(
        desk,
        case,
        parking,
        Plan(
            outcome=OUTCOME.RESOLVED,
            satisfaction=None,  # closed two days ago: Emily can rate it
            fix_at=_day(desk, 2, 10, 15),
            close_at=_day(desk, 2, 11),
        ),
    )


def _huamao_trees(desk: Desk) -> None:
    """Street trees shading B座's lower floors: the landscaping bureau has answered and
    will prune in the winter season (the whistle stays open until then)."""
    department = _department(desk, LANDSCAPING)
    building = desk.building(2)
    received = _day(desk, 12, 11, 40)
    case = _open_case(
        desk,
        kind=GREENING,
        received=received,
        source=SRC.HOTLINE,
        building=building,
        entrance=None,
        urgency=GENERAL,
        text="{b}南侧行道树长得比五楼还高，低层住户白天屋里也要开灯，树枝伸进阳台。",
        place="楼南侧人行道",
    )
    case = _work(
        desk,
        case,
        GREENING,
        Plan(outcome=None, waiting_note="行道树归园林部门管理，物业无权修剪，已请社区协调。"),
    )
    if department is None:
        return
    blown = received + dt.timedelta(days=3, hours=2)
    _whistle(
        desk,
        case,
        by=desk.secretary,
        department=department,
        request="请区园林绿化局查看B座南侧行道树遮挡采光的情况，安排修剪。",
        blown=blown,
        respond_days=7,
        response="园林绿化局已现场查看，将在12月冬季修剪期统一修剪，届时提前通知居民。",
        responded=blown + dt.timedelta(days=4, hours=3),
    )


# ---------------------------------------------------------------- visits


VISIT_TOPICS = [
    "了解独居老人近况",
    "宣传电动自行车安全充电",
    "宣传垃圾分类",
    "询问冬季供暖情况",
    "提醒防范电信诈骗",
    "登记困难家庭需求",
]
# category, problem, how it was fixed once taken in as a case ("" if it was not)
VISIT_PROBLEMS = [
    ("公共设施维修", "{e}楼道声控灯不亮，老人夜间上下楼不便。", "已更换楼道灯和声控开关。"),
    ("电动自行车停放与充电", "{e}一层楼梯间停放电动自行车两辆，已当场提醒车主。", ""),
    ("物业服务", "{e}楼道堆放纸箱杂物，存在消防隐患。", "物业已清理楼道堆物，张贴消防提示。"),
    ("房屋漏水与维修", "{e}顶层楼梯间墙面有渗水痕迹。", "屋面排水口已疏通，墙面渗水点已封堵。"),
    ("其他", "{e}独居老人家中燃气灶老化，已建议子女更换。", ""),
    ("公共设施维修", "{e}单元门闭门器损坏，门关不上。", "单元门闭门器已更换。"),
]


def _visits(desk: Desk) -> None:
    """The worker's walks on most working days of this month and the last, a few
    entrances left out each month; some problems found are taken in as cases."""
    rng = desk.rng
    big = len(desk.buildings) > 6  # 双合家园 is walked daily, 华贸中心 twice a week
    everything = [e for b in desk.buildings for e in desk.entrances[b.pk]]
    if not everything:
        return
    local_now = timezone.localtime(desk.now)
    last = desk.today if local_now.hour >= 18 else desk.today - dt.timedelta(days=1)
    day = add_months(desk.today.replace(day=1), -1)
    rotation: list[Entrance] = []
    month = None
    index = 0
    visit_no = 0
    problem_no = 0
    while day <= last:
        if day.replace(day=1) != month:
            month = day.replace(day=1)
            skipped = set(rng.sample(range(len(everything)), 4 if big else 2))
            rotation = [e for i, e in enumerate(everything) if i not in skipped]
            rng.shuffle(rotation)
            index = 0
        if desk.calendar.is_working_day(day) and rng.random() < (0.85 if big else 0.4):
            walked = []
            for _ in range(rng.randint(2, 4) if big else rng.randint(1, 2)):
                walked.append(rotation[index % len(rotation)])
                index += 1
            homes = [h for e in walked for h in desk.households.get(e.pk, [])]
            called = rng.sample(homes, min(len(homes), rng.randint(1, 4)))
            names = "、".join(f"{e.building.name}{e.name}" for e in walked)
            visit = visit_services.visit_save(
                community=desk.community,
                by=desk.worker,
                worker=desk.worker,
                visited_on=day,
                entrances=walked,
                households=called,
                notes=f"走访{names}，入户{len(called)}户，{rng.choice(VISIT_TOPICS)}。",
            )
            if visit_no % (5 if big else 4) == 2:
                _visit_problem(desk, visit, walked, problem_no)
                problem_no += 1
            visit_no += 1
        day += dt.timedelta(days=1)


def _visit_problem(desk: Desk, visit: Visit, walked: list[Entrance], number: int) -> None:
    rng = desk.rng
    category, text, fix = VISIT_PROBLEMS[number % len(VISIT_PROBLEMS)]
    if category not in desk.categories:
        return
    entrance = walked[0]
    problem = visit_services.visit_problem_add(
        visit=visit,
        by=desk.worker,
        description=text.format(e=f"{entrance.building.name}{entrance.name}"),
        category=desk.categories[category],
        entrance=entrance,
    )
    if not fix:
        return
    case = visit_services.visit_problem_to_case(
        problem=problem, by=desk.worker, assigned_worker=desk.worker, task_group=desk.group
    )
    # Taken in the afternoon of the visit: date the case (and its deadlines) back.
    received = _at(visit.visited_on, 15, 30) + _minutes(rng, 0, 120)
    contact_due, resolve_due = services.due_dates(
        category=case.category, urgency=case.urgency, received_at=received
    )
    Case.objects.filter(pk=case.pk).update(
        received_at=received,
        created_at=received,
        contact_due=contact_due,
        resolve_due=resolve_due,
    )
    _date_steps(case, (A.RECEIVED, A.ASSIGNED, A.FORWARDED), received)
    case.refresh_from_db()
    # The property company comes to look the next working hours; nobody to call back.
    plan = Plan(
        outcome=OUTCOME.RESOLVED,
        satisfaction=None,
        fix=fix,
        contact_at=_daytime(received + _minutes(rng, 60, 16 * 60), rng),
    )
    _work(desk, case, PROPERTY, plan, first=A.ON_SITE)
