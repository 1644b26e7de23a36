"""Demo data: Chaoyang district, two subdistricts, 双合家园 and 华贸中心 with rosters and
demo accounts. Running it again changes nothing."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from casework.demo import seed_casework
from communities.demo import DEMO_PASSWORD
from communities.models import (
    AreaStaffRole,
    Building,
    Community,
    CommunityRole,
    Compound,
    District,
    Entrance,
    Household,
    Resident,
    Subdistrict,
)
from communities.services import resident_move_out
from deliberation.demo import seed_deliberation
from governance.demo import seed_governance
from volunteers.demo import seed_volunteers

User = get_user_model()

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "桂兰",
    "秀英",
    "建国",
    "淑珍",
    "志强",
    "玉兰",
    "国强",
    "凤英",
    "建华",
    "秀兰",
    "海燕",
    "伟",
    "芳",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀云",
    "霞",
    "平",
    "刚",
    "桂英",
    "文",
    "辉",
    "宇",
    "浩",
]

# (phone, display name, community code or None, role)
DEMO_ACCOUNTS = [
    ("13800000001", "刘书记", "shuanghe", "secretary"),
    ("13800000002", "王社工", "shuanghe", "worker"),
    ("13800000003", "赵经理", "shuanghe", "property_manager"),
    ("13800000011", "陈书记", "huamao", "secretary"),
    ("13800000012", "孙社工", "huamao", "worker"),
]
AREA_ACCOUNTS = [("13800000021", "周科长", "fatou")]
DEMO_RESIDENTS = [
    # phone, name, community code, building, entrance, room
    ("13900000001", "张桂兰", "shuanghe", "1号楼", "1单元", "101"),
    ("13900000002", "李建国", "shuanghe", "2号楼", "1单元", "201"),
    ("13900000003", "王秀英", "shuanghe", "3号楼", "2单元", "302"),
    ("13900000004", "赵志强", "shuanghe", "5号楼", "3单元", "502"),
    ("13900000011", "Emily Chen", "huamao", "A座", "1单元", "1201"),
]
PENDING_RESIDENTS = [("13900000009", "吴海燕", "shuanghe", "4号楼", "1单元", "402")]


class Command(BaseCommand):
    help = "Load the demo district, communities, rosters and accounts (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        rng = random.Random(2026)
        chaoyang, _ = District.objects.get_or_create(code="chaoyang", defaults={"name": "朝阳区"})
        fatou, _ = Subdistrict.objects.get_or_create(
            code="fatou", defaults={"name": "垡头街道", "district": chaoyang}
        )
        balizhuang, _ = Subdistrict.objects.get_or_create(
            code="balizhuang", defaults={"name": "八里庄街道", "district": chaoyang}
        )
        shuanghe, _ = Community.objects.get_or_create(
            code="shuanghe",
            defaults={
                "name": "双合家园",
                "subdistrict": fatou,
                "kind": Community.Kind.AFFORDABLE,
                "address": "北京市朝阳区垡头街道双合家园",
                "estimated_households": 3200,
                "office_phone": "010-67301234",
                "hotline_forward_mobile": "13800000001",
            },
        )
        huamao, _ = Community.objects.get_or_create(
            code="huamao",
            defaults={
                "name": "华贸中心",
                "subdistrict": balizhuang,
                "kind": Community.Kind.MIXED_CBD,
                "address": "北京市朝阳区八里庄街道华贸中心",
                "estimated_households": 1800,
                "office_phone": "010-85991234",
            },
        )
        self._roster(
            shuanghe,
            rng,
            compounds=["双合家园公租房", "双合家园限价房"],
            buildings=12,
            entrances=3,
            floors=6,
            per_floor=2,
            label="{n}号楼",
            tenures=[Household.Tenure.PUBLIC_RENTAL] * 3
            + [Household.Tenure.OWNER] * 2
            + [Household.Tenure.TENANT],
            area=(45, 90),
            occupancy=0.6,
        )
        self._roster(
            huamao,
            rng,
            compounds=[],
            buildings=4,
            entrances=2,
            floors=12,
            per_floor=2,
            label="{letter}座",
            tenures=[Household.Tenure.OWNER] * 2 + [Household.Tenure.TENANT],
            area=(60, 180),
            occupancy=0.5,
        )
        communities = {c.code: c for c in Community.objects.filter(code__in=["shuanghe", "huamao"])}
        self._user("13800000000", "系统管理员", superuser=True)
        for phone, name, code, role in DEMO_ACCOUNTS:
            user = self._user(phone, name)
            CommunityRole.objects.get_or_create(
                user=user,
                community=communities[code],
                role=role,
                defaults={"start_date": timezone.localdate().replace(month=1, day=1)},
            )
        for phone, name, sub_code in AREA_ACCOUNTS:
            user = self._user(phone, name)
            AreaStaffRole.objects.get_or_create(
                user=user,
                subdistrict=Subdistrict.objects.get(code=sub_code),
                defaults={"start_date": timezone.localdate().replace(month=1, day=1)},
            )
        secretary = User.objects.get(phone="13800000001")
        for rows, verified in ((DEMO_RESIDENTS, True), (PENDING_RESIDENTS, False)):
            for phone, name, code, building, entrance, room in rows:
                user = self._user(phone, name)
                household = Household.objects.get(
                    entrance__building__community=communities[code],
                    entrance__building__name=building,
                    entrance__name=entrance,
                    room=room,
                )
                resident, _ = Resident.objects.get_or_create(
                    household=household,
                    name=name,
                    defaults={
                        "user": user,
                        "phone": phone,
                        "is_owner": household.tenure == Household.Tenure.OWNER,
                        "verification_status": (
                            Resident.Verification.VERIFIED
                            if verified
                            else Resident.Verification.PENDING
                        ),
                        "verified_by": secretary if verified else None,
                        "verified_at": timezone.now() if verified else None,
                    },
                )
                if resident.user_id is None and not Resident.objects.filter(user=user).exists():
                    resident.user = user
                    resident.save(update_fields=["user"])
        self._former_resident(communities["shuanghe"], secretary)
        seed_governance(rng)
        seed_deliberation(rng)
        seed_volunteers(rng)
        seed_casework()
        counts = {
            "households": Household.objects.count(),
            "residents": Resident.objects.count(),
            "users": User.objects.count(),
        }
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {counts}"))

    def _former_resident(self, community, secretary) -> None:
        """A tenant who moved out last spring: kept with her history, hidden from lists."""
        household = Household.objects.get(
            entrance__building__community=community,
            entrance__building__name="5号楼",
            entrance__name="3单元",
            room="502",
        )
        former, created = Resident.objects.get_or_create(
            household=household,
            name="孙丽华",
            moved_out_on__isnull=False,
            defaults={
                "phone": "13900000008",
                "verification_status": Resident.Verification.VERIFIED,
                "verified_by": secretary,
                "verified_at": timezone.now(),
            },
        )
        if created:
            # Recorded years ago (the roster import of 2023), so the date is plausible.
            Resident.objects.filter(pk=former.pk).update(
                created_at=timezone.now() - dt.timedelta(days=3 * 365)
            )
            former.refresh_from_db()
            resident_move_out(
                resident=former,
                moved_out_on=timezone.localdate() - dt.timedelta(days=200),
                note="搬到女儿家（通州区）居住",
                by=secretary,
            )

    def _user(self, phone: str, name: str, superuser: bool = False):
        user = User.objects.filter(phone=phone).first()
        if user is None:
            user = User(phone=phone, display_name=name, is_staff=superuser, is_superuser=superuser)
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

    def _roster(
        self,
        community,
        rng,
        *,
        compounds,
        buildings,
        entrances,
        floors,
        per_floor,
        label,
        tenures,
        area,
        occupancy,
    ) -> None:
        compound_objs = [
            Compound.objects.get_or_create(community=community, name=name)[0] for name in compounds
        ]
        for b in range(1, buildings + 1):
            name = label.format(n=b, letter="ABCDEFGHIJKLMNOP"[b - 1])
            building, created = Building.objects.get_or_create(
                community=community,
                name=name,
                defaults={
                    "floors": floors,
                    "sort_order": b,
                    "compound": compound_objs[b % len(compound_objs)] if compound_objs else None,
                },
            )
            for e in range(1, entrances + 1):
                entrance, _ = Entrance.objects.get_or_create(building=building, name=f"{e}单元")
                homes = []
                for floor in range(1, floors + 1):
                    for unit in range(1, per_floor + 1):
                        homes.append(
                            Household(
                                entrance=entrance,
                                room=f"{floor}{unit:02d}",
                                floor_area=Decimal(rng.randint(area[0] * 10, area[1] * 10)) / 10,
                                tenure=rng.choice(tenures),
                            )
                        )
                Household.objects.bulk_create(homes, ignore_conflicts=True)
                people = []
                for household in Household.objects.filter(entrance=entrance):
                    if rng.random() > occupancy:
                        continue
                    for index in range(rng.choice([1, 1, 2])):
                        people.append(
                            Resident(
                                household=household,
                                name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                                phone=f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
                                is_owner=household.tenure == Household.Tenure.OWNER and index == 0,
                                is_party_member=rng.random() < 0.12,
                                birth_year=rng.randint(1935, 2000),
                                verification_status=Resident.Verification.VERIFIED,
                                verified_at=timezone.now(),
                            )
                        )
                if created:
                    # Only a new building gets generated residents, so a rerun adds none.
                    Resident.objects.bulk_create(people, ignore_conflicts=True)
