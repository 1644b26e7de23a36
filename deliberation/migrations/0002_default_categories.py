from django.db import migrations

CATEGORIES = [
    ("greening", "绿化"),
    ("parking", "停车"),
    ("ebike_charging", "电动车充电"),
    ("sanitation", "环境卫生"),
    ("facilities", "公共设施"),
    ("safety", "安全"),
    ("elderly_care", "养老助老"),
    ("other", "其他"),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("deliberation", "ProposalCategory")
    for order, (code, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0001_initial")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
