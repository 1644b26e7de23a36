"""A starting catalogue of case categories and the 2025-2026 holiday calendar as the
State Council announced it (admins add each new year's in Django admin)."""

import datetime as dt

from django.db import migrations

H, C, W = "hours", "calendar_days", "working_days"

# name, (urgent contact, unit, urgent resolve, unit), (general contact, unit, resolve, unit)
CATEGORIES = [
    ("电动自行车停放与充电", (2, H, 24, H), (12, H, 3, C)),
    ("垃圾清运与分类", (2, H, 24, H), (24, H, 2, C)),
    ("噪声扰民", (2, H, 24, H), (24, H, 3, C)),
    ("电梯故障", (1, H, 12, H), (4, H, 2, C)),
    ("供暖与供水", (2, H, 24, H), (24, H, 3, C)),
    ("房屋漏水与维修", (2, H, 24, H), (24, H, 10, W)),
    ("公共设施维修", (2, H, 24, H), (24, H, 7, C)),
    ("停车管理", (2, H, 24, H), (24, H, 7, C)),
    ("绿化养护", (2, H, 24, H), (24, H, 10, W)),
    ("私搭乱建", (2, H, 24, H), (24, H, 15, W)),
    ("物业服务", (2, H, 24, H), (24, H, 7, C)),
    ("其他", (2, H, 24, H), (24, H, 7, C)),
]


def days(first: str, last: str):
    day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


HOLIDAYS = [
    ("元旦", "2025-01-01", "2025-01-01"),
    ("春节", "2025-01-28", "2025-02-04"),
    ("清明节", "2025-04-04", "2025-04-06"),
    ("劳动节", "2025-05-01", "2025-05-05"),
    ("端午节", "2025-05-31", "2025-06-02"),
    ("国庆节、中秋节", "2025-10-01", "2025-10-08"),
    ("元旦", "2026-01-01", "2026-01-03"),
    ("春节", "2026-02-15", "2026-02-23"),
    ("清明节", "2026-04-04", "2026-04-06"),
    ("劳动节", "2026-05-01", "2026-05-05"),
    ("端午节", "2026-06-19", "2026-06-21"),
    ("中秋节", "2026-09-25", "2026-09-27"),
    ("国庆节", "2026-10-01", "2026-10-07"),
]
MAKEUP = [
    ("春节调休", "2025-01-26"),
    ("春节调休", "2025-02-08"),
    ("劳动节调休", "2025-04-27"),
    ("国庆节调休", "2025-09-28"),
    ("国庆节调休", "2025-10-11"),
    ("元旦调休", "2026-01-04"),
    ("春节调休", "2026-02-14"),
    ("春节调休", "2026-02-28"),
    ("劳动节调休", "2026-05-09"),
    ("国庆节调休", "2026-09-20"),
    ("国庆节调休", "2026-10-10"),
]


def forwards(apps, schema_editor):
    CaseCategory = apps.get_model("casework", "CaseCategory")
    CalendarDay = apps.get_model("casework", "CalendarDay")
    for order, (name, urgent, general) in enumerate(CATEGORIES, start=1):
        CaseCategory.objects.get_or_create(
            name=name,
            defaults={
                "sort_order": order * 10,
                "urgent_contact": urgent[0],
                "urgent_contact_unit": urgent[1],
                "urgent_resolve": urgent[2],
                "urgent_resolve_unit": urgent[3],
                "general_contact": general[0],
                "general_contact_unit": general[1],
                "general_resolve": general[2],
                "general_resolve_unit": general[3],
            },
        )
    for name, first, last in HOLIDAYS:
        for day in days(first, last):
            CalendarDay.objects.get_or_create(date=day, defaults={"kind": "holiday", "name": name})
    for name, day in MAKEUP:
        CalendarDay.objects.get_or_create(
            date=dt.date.fromisoformat(day), defaults={"kind": "makeup", "name": name}
        )


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
