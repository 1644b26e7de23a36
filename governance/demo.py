"""Demo governance data for seed_demo: 双合家园's council with 26 member units, two years
of meetings and activities (one half-year deliberately missed), and 华贸中心's bodies with
a cross-appointment. Idempotent."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from communities.models import Community, District, Resident
from governance import compliance
from governance.models import (
    Agreement,
    Attendance,
    CoordinationCouncil,
    JointActivity,
    JointMeeting,
    MemberUnit,
    Organisation,
    Post,
    Resolution,
)

User = get_user_model()
K = Organisation.Kind

SHUANGHE_BODIES = [
    (K.PARTY_COMMITTEE, "双合家园社区党委"),
    (K.RESIDENTS_COMMITTEE, "双合家园社区居委会"),
    (K.SOCIAL_AFFAIRS_COMMITTEE, "双合家园社会事务协调委员会"),
    (K.SERVICE_STATION, "双合家园社区服务站"),
    (K.PROPERTY_COMPANY, "北京首开物业双合家园项目部"),
    (K.SOCIAL_WORK_ORGANISATION, "朝阳区启明社会工作事务所"),
]
SHUANGHE_SOCIAL_ORGS = [
    "《双合家园报》编辑部",
    "双合合唱团",
    "夕阳红舞蹈队",
    "绿色卫士护绿队",
    "楼门长志愿队",
    "巡逻志愿队",
    "助老敬老服务队",
    "书画社",
    "太极拳队",
    "调解工作室",
    "亲子读书会",
    "垃圾分类督导队",
    "便民维修队",
    "心理疏导工作坊",
    "共享单车整理队",
]
SHUANGHE_LOCAL_UNITS = [
    "垡头派出所双合家园警务室",
    "朝阳区垡头社区卫生服务中心",
    "北京市第十七中学分校",
    "双合家园幼儿园",
    "中国邮政垡头营业所",
    "朝阳区图书馆垡头分馆",
    "国家电网朝阳供电公司垡头所",
]
HUAMAO_BODIES = [
    (K.PARTY_COMMITTEE, "华贸中心社区党委"),
    (K.RESIDENTS_COMMITTEE, "华贸中心社区居委会"),
    (K.SERVICE_STATION, "华贸中心社区服务站"),
    (K.PROPERTY_COMPANY, "华贸物业管理有限公司"),
    (K.LOCAL_UNIT, "华贸写字楼联合党支部"),
    (K.SOCIAL_ORGANISATION, "华贸国际邻里会"),
]
ACTIVITY_TITLES = [
    "共建单位联合植树",
    "垃圾分类宣传进楼门",
    "老旧小区消防演练",
    "重阳节敬老联欢",
    "义诊进社区",
    "学雷锋便民服务日",
    "共建单位篮球友谊赛",
    "暑期青少年书法班",
]


def seed_governance(rng: random.Random) -> None:
    today = timezone.localdate()
    shuanghe = Community.objects.get(code="shuanghe")
    huamao = Community.objects.get(code="huamao")
    chaoyang = District.objects.get(code="chaoyang")
    for name in ("朝阳区园林绿化局", "朝阳区城市管理委员会", "朝阳区住房和城乡建设委员会"):
        Organisation.objects.get_or_create(
            district=chaoyang, name=name, defaults={"kind": K.GOVERNMENT_DEPARTMENT}
        )

    orgs = [_org(shuanghe, kind, name) for kind, name in SHUANGHE_BODIES]
    orgs += [_org(shuanghe, K.SOCIAL_ORGANISATION, name) for name in SHUANGHE_SOCIAL_ORGS]
    orgs += [_org(shuanghe, K.LOCAL_UNIT, name) for name in SHUANGHE_LOCAL_UNITS]
    secretary = User.objects.get(phone="13800000001")
    worker = User.objects.get(phone="13800000002")
    manager = User.objects.get(phone="13800000003")
    by_name = {o.name: o for o in orgs}
    _post(by_name["双合家园社区党委"], Post.Title.SECRETARY, user=secretary)
    _post(by_name["双合家园社区居委会"], Post.Title.DIRECTOR, user=secretary)
    _post(by_name["双合家园社区居委会"], Post.Title.MEMBER, user=worker)
    _post(by_name["双合家园社区服务站"], Post.Title.DIRECTOR, user=worker)
    _post(by_name["北京首开物业双合家园项目部"], Post.Title.MANAGER, user=manager)
    # Two-way entry: the property manager also sits on the social-affairs committee.
    _post(by_name["双合家园社会事务协调委员会"], Post.Title.MEMBER, user=manager)
    _post(by_name["双合家园社会事务协调委员会"], Post.Title.DIRECTOR, user=secretary)
    for resident in Resident.objects.for_community(shuanghe).filter(user__isnull=True)[:15]:
        org = orgs[6 + resident.pk % len(SHUANGHE_SOCIAL_ORGS)]
        if not org.posts.exists():
            _post(org, Post.Title.DIRECTOR, resident=resident)

    council, _ = CoordinationCouncil.objects.get_or_create(
        community=shuanghe,
        defaults={"name": "双合家园社区党建工作协调委员会", "established_on": dt.date(2018, 3, 1)},
    )
    members = []
    for org in orgs[:26]:
        member, _ = MemberUnit.objects.get_or_create(
            council=council, organisation=org, defaults={"joined_on": dt.date(2018, 3, 1)}
        )
        members.append(member)
    for index, member in enumerate(members):
        if member.agreements.exists():
            continue
        # Most agreements run three years from the last renewal; two expire within weeks.
        valid_until = (
            today + dt.timedelta(days=20 + index) if index in (7, 19) else dt.date(2027, 12, 31)
        )
        Agreement.objects.create(
            member=member,
            signed_on=dt.date(2024, 12, 20),
            valid_until=valid_until,
            notes="共建协议书（2025-2027）",
        )

    # Two years of meetings, with the second half of last year deliberately missed.
    year, half = compliance.half_year_of(today)
    periods = [
        (today.year - 1, 1),
        (today.year - 1, 2),
        (today.year, 1),
        (today.year, 2),
    ]
    for y, h in periods:
        first, last = compliance.half_year_bounds(y, h)
        if first > today or JointMeeting.objects.filter(council=council, year=y, half=h).exists():
            continue
        if (y, h) == (today.year - 1, 2):
            continue
        meeting_day = first + dt.timedelta(days=70)
        held = meeting_day <= today
        meeting = JointMeeting.objects.create(
            council=council,
            year=y,
            half=h,
            planned_date=meeting_day,
            location="双合家园社区党群服务中心二层会议室",
            agenda="1. 通报半年工作\n2. 研究共建项目\n3. 商议下阶段联建活动",
            status=JointMeeting.Status.HELD if held else JointMeeting.Status.PLANNED,
            held_at=(
                timezone.make_aware(dt.datetime.combine(meeting_day, dt.time(14, 30)))
                if held
                else None
            ),
            minutes="会议由刘书记主持，共建单位代表逐一发言。" if held else "",
        )
        if held:
            for member in members:
                Attendance.objects.create(
                    meeting=meeting, member=member, present=rng.random() < 0.85
                )
            Resolution.objects.create(
                meeting=meeting,
                text="为5号楼增设电动自行车充电棚",
                owner=members[4],
                due_date=meeting_day + dt.timedelta(days=60),
                status=Resolution.Status.DONE,
                done_on=meeting_day + dt.timedelta(days=45),
            )
    if not JointActivity.objects.filter(council=council).exists():
        for y in (today.year - 1, today.year):
            count = 5 if y < today.year else 3
            for i in range(count):
                day = dt.date(y, 2 + i * 2, 12)
                if day > today:
                    break
                activity = JointActivity.objects.create(
                    council=council,
                    date=day,
                    title=ACTIVITY_TITLES[(i + y) % len(ACTIVITY_TITLES)],
                    description="共建单位联合开展，居民踊跃参与。",
                    participants=rng.randint(30, 160),
                )
                activity.units.set(rng.sample(members, 5))

    # 华贸中心: its bodies, with the property company's manager also on the residents'
    # committee (a cross-appointment).
    h_orgs = {name: _org(huamao, kind, name) for kind, name in HUAMAO_BODIES}
    h_secretary = User.objects.get(phone="13800000011")
    h_worker = User.objects.get(phone="13800000012")
    h_manager = _user("13800000013", "钱经理")
    _post(h_orgs["华贸中心社区党委"], Post.Title.SECRETARY, user=h_secretary)
    _post(h_orgs["华贸中心社区居委会"], Post.Title.DIRECTOR, user=h_worker)
    _post(h_orgs["华贸物业管理有限公司"], Post.Title.MANAGER, user=h_manager)
    _post(h_orgs["华贸中心社区居委会"], Post.Title.MEMBER, user=h_manager)
    h_council, _ = CoordinationCouncil.objects.get_or_create(
        community=huamao,
        defaults={"name": "华贸中心社区党建工作协调委员会", "established_on": dt.date(2021, 6, 1)},
    )
    for org in h_orgs.values():
        MemberUnit.objects.get_or_create(council=h_council, organisation=org)

    # What the daily job would have found: last year's missed second half is flagged
    # (once; a rerun adds nothing).
    from governance.services import compliance_flag_overdue

    for council_id in (council.pk, h_council.pk):
        compliance_flag_overdue(council_id=council_id, today=today)


def _org(community, kind, name) -> Organisation:
    return Organisation.objects.get_or_create(
        community=community, name=name, defaults={"kind": kind}
    )[0]


def _post(organisation, title, *, user=None, resident=None) -> Post:
    return Post.objects.get_or_create(
        organisation=organisation,
        title=title,
        user=user,
        resident=resident,
        defaults={"start_date": dt.date(2024, 1, 1)},
    )[0]


def _user(phone: str, name: str):
    from communities.demo import DEMO_PASSWORD

    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = User(phone=phone, display_name=name)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user
