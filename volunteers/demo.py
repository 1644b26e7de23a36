"""Demo volunteer data for seed_demo: 双合家园's 15 self-governing teams (its registered
social organisations) with about 260 resident volunteers, a month of recurring duties with
sign-ups, check-ins and credited hours in the past weeks, and the green guards' adopted
trees. 张桂兰 (13900000001) leads the green guards. Running it again changes nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from communities.models import Community, Resident
from governance.demo import SHUANGHE_SOCIAL_ORGS
from governance.models import Organisation
from volunteers import services
from volunteers.models import (
    Adoption,
    Asset,
    Booking,
    CareVisit,
    HoursEntry,
    Membership,
    Shift,
    ShiftTemplate,
    Team,
    Volunteer,
)

User = get_user_model()
K = Team.Kind

VOLUNTEER_TARGET = 260
GREEN_GUARDS = "绿色卫士护绿队"
LEADER_PHONE = "13900000001"
WORKER_PHONE = "13800000002"
TEAM_KINDS = {
    "《双合家园报》编辑部": K.EDITORIAL,
    "双合合唱团": K.CHOIR,
    "夕阳红舞蹈队": K.DANCE,
    GREEN_GUARDS: K.GREENING,
    "楼门长志愿队": K.ENTRANCE_GUARD,
    "巡逻志愿队": K.PATROL,
    "助老敬老服务队": K.ELDERLY_VISITS,
}
# team, title, place, start, end, weekdays, slots
DUTIES = [
    ("楼门长志愿队", "东门卡口值守", "双合家园东门", dt.time(7), dt.time(9), "1,2,3,4,5,6,7", 2),
    ("巡逻志愿队", "周六安全巡逻", "双合家园全域", dt.time(19), dt.time(21), "6", 4),
    ("巡逻志愿队", "周五夜间防火巡查", "各楼栋楼道", dt.time(22), dt.time(0, 30), "5", 2),
    (GREEN_GUARDS, "树木浇水养护", "中心绿地", dt.time(7), dt.time(8, 30), "1,4", 3),
    ("共享单车整理队", "共享单车整理", "南门公交站", dt.time(8), dt.time(9), "2,4", 2),
    ("助老敬老服务队", "独居老人探访", "各楼门", dt.time(9, 30), dt.time(11, 30), "3", 3),
    ("垃圾分类督导队", "垃圾分类桶前值守", "3号楼分类站", dt.time(18, 30), dt.time(20), "1,3,5", 2),
]
DUTY_TITLES = [duty[1] for duty in DUTIES]
TREES = [
    ("1号楼南侧国槐", "1号楼南侧绿地"),
    ("2号楼东侧银杏", "2号楼东侧"),
    ("中心绿地白蜡", "中心绿地"),
    ("中心绿地海棠", "中心绿地北角"),
    ("5号楼前玉兰", "5号楼单元门前"),
    ("南门西府海棠", "南门内侧"),
    ("8号楼北侧柿子树", "8号楼北侧"),
    ("幼儿园旁元宝枫", "双合家园幼儿园围墙外"),
]
VISIT_NOTES = ["浇水", "修剪枯枝", "树干涂白防虫", "清理树坑垃圾", "松土施肥"]


def seed_volunteers(rng: random.Random) -> None:
    community = Community.objects.filter(code="shuanghe").first()
    if community is None:
        return
    today = timezone.localdate()
    now = timezone.now()
    teams = _teams(community)
    leader_user = User.objects.filter(phone=LEADER_PHONE).first()
    volunteers = _volunteers(community, leader_user)
    _memberships(teams, volunteers, leader_user)
    for team_name, title, place, start, end, weekdays, slots in DUTIES:
        template, _created = ShiftTemplate.objects.get_or_create(
            community=community,
            title=title,
            defaults={
                "team": teams[team_name],
                "place": place,
                "start_time": start,
                "end_time": end,
                "weekdays": weekdays,
                "first_day": today - dt.timedelta(days=28),
                "last_day": today + dt.timedelta(days=7),
                "slots": slots,
            },
        )
        services.template_expand(template=template)
    _bookings(community, rng, now)
    worker = User.objects.filter(phone=WORKER_PHONE).first()
    _hours(community, today, worker, leader_user)
    _adoptions(community, teams[GREEN_GUARDS], today, rng, leader_user)


def _teams(community: Community) -> dict[str, Team]:
    organisations = {
        o.name: o
        for o in Organisation.objects.filter(community=community, name__in=SHUANGHE_SOCIAL_ORGS)
    }
    teams = {}
    for name in SHUANGHE_SOCIAL_ORGS:
        organisation = organisations.get(name)
        team, _created = Team.objects.get_or_create(
            community=community,
            name=name,
            defaults={
                "kind": TEAM_KINDS.get(name, K.OTHER),
                "organisation": (
                    organisation
                    if organisation and not Team.objects.filter(organisation=organisation).exists()
                    else None
                ),
                "founded_on": dt.date(2016, 5, 1),
                "description": f"{community.name}社区社会组织 · {name}",
            },
        )
        teams[name] = team
    return teams


def _volunteers(community: Community, leader_user) -> list[Volunteer]:
    """Volunteers from the community's residents, 张桂兰 first, up to VOLUNTEER_TARGET."""
    residents = Resident.objects.for_community(community).filter(volunteer__isnull=True)
    if leader_user is not None:
        leader = residents.filter(user=leader_user).first()
        if leader is not None:
            _volunteer_from(community, leader)
    missing = VOLUNTEER_TARGET - Volunteer.objects.filter(community=community).count()
    if missing > 0:
        for resident in residents.order_by("pk")[:missing]:
            _volunteer_from(community, resident)
    return list(Volunteer.objects.filter(community=community).order_by("pk"))


def _volunteer_from(community: Community, resident: Resident) -> Volunteer:
    return Volunteer.objects.create(
        community=community,
        resident=resident,
        user=resident.user,
        name=resident.name,
        phone=resident.phone or "",
        armband_number=f"SH{resident.pk:05d}",
        availability="工作日早上" if resident.pk % 2 else "周末",
    )


def _memberships(teams: dict[str, Team], volunteers: list[Volunteer], leader_user) -> None:
    ordered = list(teams.values())
    approved = Membership.Status.APPROVED
    if leader_user is not None:
        leader = next((v for v in volunteers if v.user_id == leader_user.pk), None)
        if leader is not None:
            Membership.objects.get_or_create(
                team=teams[GREEN_GUARDS],
                volunteer=leader,
                defaults={"role": Membership.Role.LEADER, "status": approved},
            )
    # Each volunteer joins a team by their id (stable on a rerun); every third also a second.
    for volunteer in volunteers:
        if leader_user is not None and volunteer.user_id == leader_user.pk:
            continue  # 张桂兰 gives her time to the green guards
        picks = [ordered[volunteer.pk % len(ordered)]]
        if volunteer.pk % 3 == 0:
            picks.append(ordered[(volunteer.pk // 3) % len(ordered)])
        for team in picks:
            Membership.objects.get_or_create(
                team=team, volunteer=volunteer, defaults={"status": approved}
            )
    # A team without a leader gets its longest-standing member as leader, the next as deputy.
    for team in ordered:
        members = team.memberships.filter(status=approved).order_by("volunteer_id")
        if members.filter(role=Membership.Role.LEADER).exists():
            continue
        first_two = list(members.values_list("pk", flat=True)[:2])
        roles = [Membership.Role.LEADER, Membership.Role.DEPUTY]
        for pk, role in zip(first_two, roles, strict=False):
            Membership.objects.filter(pk=pk).update(role=role)


def _bookings(community: Community, rng: random.Random, now: dt.datetime) -> None:
    """Sign-ups for the demo duties' shifts, on the first run only: past shifts are mostly full
    and checked in and out (a few no-shows); upcoming ones are partly filled."""
    shifts = Shift.objects.filter(community=community, template__title__in=DUTY_TITLES)
    if Booking.objects.filter(shift__in=shifts).exists():
        return  # seeded before: a rerun adds none (some shifts are left empty on purpose)
    shifts = shifts.select_related("team").order_by("starts_at")
    members: dict[int, list[Volunteer]] = {}
    for shift in shifts:
        if shift.team_id not in members:
            members[shift.team_id] = list(
                Volunteer.objects.filter(
                    memberships__team_id=shift.team_id,
                    memberships__status=Membership.Status.APPROVED,
                ).order_by("pk")
            )
        pool = members[shift.team_id]
        past = shift.starts_at <= now
        wanted = shift.slots if past and rng.random() < 0.8 else rng.randint(0, shift.slots)
        for volunteer in rng.sample(pool, min(wanted, len(pool))):
            try:
                booking = services.shift_sign_up(
                    shift=shift,
                    volunteer=volunteer,
                    now=min(now, shift.starts_at - dt.timedelta(days=2)),
                )
            except ValidationError:
                continue  # already on an overlapping duty of another team
            if not past:
                continue
            if shift.ends_at <= now and rng.random() < 0.08:
                services.mark_no_show(booking=booking, now=now)
                continue
            arrived = shift.starts_at + dt.timedelta(minutes=rng.randint(-10, 8))
            if arrived > now:
                continue
            booking = services.check_in(booking=booking, at=arrived)
            left = shift.ends_at + dt.timedelta(minutes=rng.randint(-8, 12))
            if left <= now:
                services.check_out(booking=booking, at=left)


def _hours(community: Community, today: dt.date, worker, leader_user) -> None:
    """An adjustment for work done on paper, and the office's confirmation of the hours
    more than a week old."""
    leader = Volunteer.objects.filter(community=community, user=leader_user).first()
    reason = "补录：植树节护绿活动（纸质签到表）"
    if leader is not None and not leader.hours.filter(reason=reason).exists():
        services.hours_adjust(
            volunteer=leader,
            minutes=150,
            reason=reason,
            day=today - dt.timedelta(days=20),
            by=worker,
        )
    if worker is not None:
        old = HoursEntry.objects.filter(
            volunteer__community=community,
            confirmed_at__isnull=True,
            day__lt=today - dt.timedelta(days=7),
        ).only("pk")
        services.hours_confirm(entries=old, by=worker)


def _adoptions(community: Community, team: Team, today: dt.date, rng, leader_user) -> None:
    """The green guards' adopted trees, each with a few care visits (no photos)."""
    planting_day = dt.date(today.year, 3, 12)
    if planting_day > today:
        planting_day = dt.date(today.year - 1, 3, 12)
    for name, location in TREES:
        asset, _created = Asset.objects.get_or_create(
            community=community,
            name=name,
            defaults={"kind": Asset.Kind.TREE, "location": location},
        )
        adoption = Adoption.objects.filter(asset=asset).first()
        if adoption is None:
            adoption = Adoption.objects.create(asset=asset, team=team, starts_on=planting_day)
        if adoption.visits.exists():
            continue
        days = sorted(rng.sample(range(1, 40), 3))
        CareVisit.objects.bulk_create(
            CareVisit(
                adoption=adoption,
                day=max(today - dt.timedelta(days=d), adoption.starts_on),
                note=rng.choice(VISIT_NOTES),
                by=leader_user,
            )
            for d in days
        )
