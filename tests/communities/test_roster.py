"""Roster import and export: whole-file validation, atomicity, idempotence, formats."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from communities import roster
from communities.models import Building, Entrance, Household, Resident

HEADER = [
    "楼号",
    "单元",
    "房间号",
    "专有面积(㎡)",
    "产权类型",
    "姓名",
    "手机号",
    "是否业主",
    "是否党员",
    "出生年份",
]
GOOD_ROWS = [
    ["5号楼", "1单元", "301", "68.5", "业主自住", "张桂兰", "13800138000", "是", "否", "1952"],
    ["5号楼", "1单元", "301", "68.5", "业主自住", "李建国", "", "否", "是", ""],
    ["5号楼", "2单元", "402", "54.2", "公租房", "", "", "", "", ""],
    ["6号楼", "1单元", "101", "80", "租户", "王秀英", "", "否", "否", "1990"],
]


def csv_bytes(rows, header=HEADER):
    return roster.to_csv([header, *rows])


def xlsx_bytes(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        # Excel users type numbers as numbers: rooms, areas and years arrive as int/float.
        sheet.append([int(v) if v.isdigit() and len(v) < 6 else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, community, name, data):
    return client.post(
        reverse("communities:roster_import", args=[community.code]),
        {"file": SimpleUploadedFile(name, data)},
    )


def roster_snapshot(community):
    return sorted(
        (
            r.household.entrance.building.name,
            r.household.entrance.name,
            r.household.room,
            r.household.floor_area,
            r.household.tenure,
            r.name,
            r.phone,
            r.is_owner,
            r.is_party_member,
            r.birth_year,
        )
        for r in Resident.objects.for_community(community).select_related(
            "household__entrance__building"
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_good_file_creates_buildings_entrances_households_and_residents(world, login, fmt):
    client = login(world.users["worker_a"])
    data = csv_bytes(GOOD_ROWS) if fmt == "csv" else xlsx_bytes(GOOD_ROWS)
    response = upload(client, world.community_a, f"roster.{fmt}", data)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.created == {"buildings": 2, "entrances": 3, "households": 3, "residents": 3}
    home = Household.objects.get(
        entrance__building__community=world.community_a,
        entrance__building__name="5号楼",
        entrance__name="1单元",
        room="301",
    )
    assert home.floor_area == Decimal("68.50")
    assert home.tenure == Household.Tenure.OWNER
    zhang = home.residents.get(name="张桂兰")
    assert (zhang.phone, zhang.is_owner, zhang.is_party_member, zhang.birth_year) == (
        "13800138000",
        True,
        False,
        1952,
    )
    assert zhang.is_verified
    assert Household.objects.get(entrance__name="2单元", room="402").residents.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimporting_the_same_file_changes_nothing(world, login, fmt):
    client = login(world.users["worker_a"])
    data = csv_bytes(GOOD_ROWS) if fmt == "csv" else xlsx_bytes(GOOD_ROWS)
    upload(client, world.community_a, f"roster.{fmt}", data)
    before = roster_snapshot(world.community_a)
    counts = (Building.objects.count(), Entrance.objects.count(), Household.objects.count())
    response = upload(client, world.community_a, f"roster.{fmt}", data)
    result = response.context["result"]
    assert not result.changed
    assert roster_snapshot(world.community_a) == before
    assert (Building.objects.count(), Entrance.objects.count(), Household.objects.count()) == counts


@pytest.mark.django_db
def test_changed_row_updates_only_that_record(world, login):
    client = login(world.users["worker_a"])
    upload(client, world.community_a, "r.csv", csv_bytes(GOOD_ROWS))
    changed = [row[:] for row in GOOD_ROWS]
    changed[0][6] = "13900001111"
    response = upload(client, world.community_a, "r.csv", csv_bytes(changed))
    result = response.context["result"]
    assert result.updated == {"households": 0, "residents": 1}
    assert sum(result.created.values()) == 0
    assert Resident.objects.get(name="张桂兰").phone == "13900001111"


BAD_ROWS = [
    (["", "1单元", "101", "60", "业主自住", "甲", "", "", "", ""], "楼号"),
    (["5号楼", "1单元", "101", "abc", "业主自住", "甲", "", "", "", ""], "专有面积"),
    (["5号楼", "1单元", "101", "-3", "业主自住", "甲", "", "", "", ""], "专有面积"),
    (["5号楼", "1单元", "101", "60", "借住", "甲", "", "", "", ""], "产权类型"),
    (["5号楼", "1单元", "101", "60", "租户", "甲", "12345", "", "", ""], "手机号"),
    (["5号楼", "1单元", "101", "60", "租户", "甲", "", "也许", "", ""], "是否业主"),
    (["5号楼", "1单元", "101", "60", "租户", "甲", "", "", "", "3000"], "出生年份"),
    (["5号楼", "1单元", "101", "60", "租户", "", "13800138000", "", "", ""], None),
    (["5号楼", "1单元", "1" * 30, "60", "租户", "甲", "", "", "", ""], "房间号"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("bad", "column"), BAD_ROWS)
def test_each_kind_of_bad_row_is_reported_with_its_number_and_nothing_is_written(
    world, login, bad, column
):
    client = login(world.users["worker_a"])
    rows = [GOOD_ROWS[0], bad, GOOD_ROWS[3]]
    before = Household.objects.count(), Resident.objects.count(), Building.objects.count()
    response = upload(client, world.community_a, "bad.csv", csv_bytes(rows))
    assert response.status_code == 200
    errors = response.context["errors"]
    assert [e.row for e in errors] == [3]
    if column:
        assert column in errors[0].message
    assert (Household.objects.count(), Resident.objects.count(), Building.objects.count()) == before
    assert "result" not in response.context


@pytest.mark.django_db
def test_every_bad_row_is_reported_not_just_the_first(world, login):
    client = login(world.users["worker_a"])
    rows = [bad for bad, _ in BAD_ROWS[:4]] + [GOOD_ROWS[0]]
    response = upload(client, world.community_a, "bad.csv", csv_bytes(rows))
    assert [e.row for e in response.context["errors"]] == [2, 3, 4, 5]


@pytest.mark.django_db
def test_duplicates_and_conflicts_within_a_file_are_reported(world, login):
    client = login(world.users["worker_a"])
    rows = [GOOD_ROWS[0], GOOD_ROWS[0], [*GOOD_ROWS[1][:3], "99", *GOOD_ROWS[1][4:]]]
    response = upload(client, world.community_a, "dup.csv", csv_bytes(rows))
    errors = {e.row: e.message for e in response.context["errors"]}
    assert set(errors) == {3, 4}
    assert "2" in errors[3] and "2" in errors[4]
    assert Resident.objects.for_community(world.community_a).count() == 1  # the fixture's


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("roster.txt", b"hello", "csv"),
        ("roster.xlsx", b"not a zip", "Excel"),
        ("roster.csv", "姓名\n张三\n".encode(), "楼号"),
        ("roster.csv", b"", ""),
    ],
)
def test_unreadable_files_get_a_message_on_the_file_field(world, login, name, data, message):
    client = login(world.users["worker_a"])
    response = upload(client, world.community_a, name, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors
    assert message.lower() in " ".join(errors).lower() or not message


@pytest.mark.django_db
def test_gbk_encoded_csv_from_old_excel_is_read(world, login):
    client = login(world.users["worker_a"])
    text = "\n".join(",".join(r) for r in [HEADER, GOOD_ROWS[0]])
    response = upload(client, world.community_a, "gbk.csv", text.encode("gb18030"))
    assert response.context["result"].created["residents"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_can_be_imported_back_unchanged(world, login, fmt):
    # The secretary's file carries full numbers, so it round-trips (a worker's is masked).
    client = login(world.users["secretary_a"])
    upload(client, world.community_a, "r.csv", csv_bytes(GOOD_ROWS))
    response = client.get(reverse("communities:roster_export", args=[world.community_a.code, fmt]))
    assert response.status_code == 200
    assert f'roster-{world.community_a.code}.{fmt}"' in response["Content-Disposition"]
    exported = response.content
    before = roster_snapshot(world.community_a)
    response = upload(client, world.community_a, f"export.{fmt}", exported)
    assert not response.context["result"].changed
    assert roster_snapshot(world.community_a) == before
    # The export holds the other community's data nowhere.
    text = (
        exported.decode("utf-8-sig")
        if fmt == "csv"
        else " ".join(
            str(c) for row in load_workbook(io.BytesIO(exported)).active.values for c in row
        )
    )
    assert "居民乙" not in text
    assert "张桂兰" in text


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_downloads_and_passes_validation(world, login, fmt):
    client = login(world.users["worker_a"])
    response = client.get(
        reverse("communities:roster_template", args=[world.community_a.code, fmt])
    )
    assert response.status_code == 200
    table = roster.read_table(f"t.{fmt}", response.content)
    assert table[0] == HEADER
    parsed = roster.parse_rows(table)
    assert parsed.ok and len(parsed.rows) == 2


@pytest.mark.django_db
def test_import_into_community_a_never_touches_community_b(world, login):
    client = login(world.users["worker_a"])
    rows = [["A座", "1单元", "1201", "99", "租户", "居民乙", "", "", "", ""]]
    upload(client, world.community_a, "r.csv", csv_bytes(rows))
    # Community B's household of the same name is untouched, A got its own.
    assert world.household_b.floor_area == Household.objects.get(pk=world.household_b.pk).floor_area
    assert Building.objects.filter(name="A座").count() == 2
