"""Roster import and export: whole-file validation, preview and confirmation, atomicity,
idempotence, formats."""

import io
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from communities import exports, roster, services
from communities.models import Building, Entrance, Household, Resident
from communities.views import PENDING_IMPORT_MAX_AGE, PENDING_IMPORTS

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
    return exports.csv_bytes([header, *rows])


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


def upload(client, community, name, data, *, create_places=False):
    form = {"file": SimpleUploadedFile(name, data)}
    if create_places:
        form["create_places"] = "on"
    return client.post(reverse("communities:roster_import", args=[community.code]), form)


def preview(client, community, name, data, *, create_places=True):
    """Upload a valid file; return the preview page and its address."""
    response = upload(client, community, name, data, create_places=create_places)
    assert response.status_code == 302, response.context.get("errors")
    url = response["Location"]
    assert url.startswith(reverse("communities:roster_import", args=[community.code]))
    page = client.get(url)
    assert page.status_code == 200
    return page, url


def import_file(client, community, name, data, *, create_places=True):
    """Upload, look at the preview and confirm it; return the plan that was applied."""
    page, url = preview(client, community, name, data, create_places=create_places)
    plan = page.context["plan"]
    response = client.post(url, {"digest": plan.digest})
    assert response.status_code == 302
    assert response["Location"] == reverse("communities:roster_import", args=[community.code])
    return plan


def counts():
    return (
        Building.objects.count(),
        Entrance.objects.count(),
        Household.objects.count(),
        Resident.objects.count(),
    )


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


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
def test_preview_lists_everything_new_and_writes_nothing_until_confirmed(world, login, fmt):
    client = login(world.users["worker_a"])
    data = csv_bytes(GOOD_ROWS) if fmt == "csv" else xlsx_bytes(GOOD_ROWS)
    before = counts()
    page, url = preview(client, world.community_a, f"roster.{fmt}", data)
    plan = page.context["plan"]
    assert plan.new_buildings == ["5号楼", "6号楼"]
    assert plan.new_entrances == [("5号楼", "1单元"), ("5号楼", "2单元"), ("6号楼", "1单元")]
    assert plan.household_counts == {"new": 3, "changed": 0, "unchanged": 0}
    assert plan.resident_counts == {"new": 3, "changed": 0, "unchanged": 0}
    body = page.content.decode()
    assert "5号楼" in body and "张桂兰" in body
    assert 'data-testid="new-places"' in body
    # Looking at the preview, even twice, writes nothing.
    client.get(url)
    assert counts() == before

    response = client.post(url, {"digest": plan.digest})
    assert response.status_code == 302
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
    assert zhang.is_verified and zhang.verified_by == world.users["worker_a"]
    assert Household.objects.get(entrance__name="2单元", room="402").residents.count() == 0
    assert counts() == (before[0] + 2, before[1] + 3, before[2] + 3, before[3] + 3)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimporting_the_same_file_shows_everything_unchanged_and_writes_nothing(world, login, fmt):
    client = login(world.users["worker_a"])
    data = csv_bytes(GOOD_ROWS) if fmt == "csv" else xlsx_bytes(GOOD_ROWS)
    import_file(client, world.community_a, f"roster.{fmt}", data)
    before, snapshot = counts(), roster_snapshot(world.community_a)
    page, url = preview(client, world.community_a, f"roster.{fmt}", data)
    plan = page.context["plan"]
    assert not plan.changed
    assert plan.household_counts == {"new": 0, "changed": 0, "unchanged": 3}
    assert plan.resident_counts == {"new": 0, "changed": 0, "unchanged": 3}
    assert not plan.new_buildings and not plan.new_entrances
    assert 'data-testid="unchanged"' in page.content.decode()
    client.post(url, {"digest": plan.digest})
    assert counts() == before
    assert roster_snapshot(world.community_a) == snapshot


@pytest.mark.django_db
def test_preview_shows_old_and_new_value_of_every_changed_field(world, login):
    client = login(world.users["worker_a"])
    import_file(client, world.community_a, "r.csv", csv_bytes(GOOD_ROWS))
    changed = [row[:] for row in GOOD_ROWS]
    changed[0][6] = "13900001111"  # 张桂兰's mobile
    changed[0][9] = "1953"  # and birth year
    changed[0][3] = changed[1][3] = "70"  # household 5-1-301's area
    changed[3][4] = "公租房"  # household 6-1-101's tenure
    snapshot = roster_snapshot(world.community_a)
    page, url = preview(client, world.community_a, "r.csv", csv_bytes(changed))
    plan = page.context["plan"]
    assert plan.household_counts == {"new": 0, "changed": 2, "unchanged": 1}
    assert plan.resident_counts == {"new": 0, "changed": 1, "unchanged": 2}
    by_row = {(r.row, r.name): r for r in page.context["changed_records"]}
    zhang = by_row[(2, "张桂兰")]
    # Mobile numbers stay masked on the page, old and new alike.
    assert [(c.label, c.old, c.new) for c in zhang.changes] == [
        ("手机号", "138****8000", "139****1111"),
        ("出生年份", "1952", "1953"),
    ]
    assert [(c.label, c.old, c.new) for c in by_row[(2, "")].changes] == [
        ("专有面积(㎡)", "68.50", "70.00")
    ]
    assert [(c.label, c.old, c.new) for c in by_row[(5, "")].changes] == [
        ("产权类型", "租户", "公租房")
    ]
    body = page.content.decode()
    assert "<del>68.50</del> → <strong>70.00</strong>" in body
    assert "13900001111" not in body
    assert roster_snapshot(world.community_a) == snapshot  # nothing written yet

    client.post(url, {"digest": plan.digest})
    zhang = Resident.objects.get(name="张桂兰")
    assert (zhang.phone, zhang.birth_year) == ("13900001111", 1953)
    assert zhang.household.floor_area == Decimal("70.00")
    assert Household.objects.get(room="101", entrance__building__name="6号楼").tenure == (
        Household.Tenure.PUBLIC_RENTAL
    )
    assert Resident.objects.get(name="李建国").phone == ""  # unchanged rows untouched


@pytest.mark.django_db
def test_every_write_goes_through_save_so_history_can_record_it(world, login):
    """django-simple-history records saves only: no bulk_update or queryset.update()."""
    client = login(world.users["worker_a"])
    import_file(client, world.community_a, "r.csv", csv_bytes(GOOD_ROWS))
    changed = [row[:] for row in GOOD_ROWS]
    changed[0][6] = "13900001111"
    changed[1][7] = "是"
    changed[3][3] = "81"
    changed.append(["6号楼", "1单元", "102", "50", "租户", "赵新", "", "否", "否", ""])
    saved = []

    def record(sender, instance, created, **kwargs):
        saved.append((sender.__name__, created, getattr(instance, "name", instance.pk)))

    page, url = preview(client, world.community_a, "r.csv", csv_bytes(changed))
    post_save.connect(record, sender=Resident, weak=False)
    post_save.connect(record, sender=Household, weak=False)
    try:
        client.post(url, {"digest": page.context["plan"].digest})
    finally:
        post_save.disconnect(record, sender=Resident)
        post_save.disconnect(record, sender=Household)
    households = sorted(s for s in saved if s[0] == "Household")
    residents = sorted((s[1], s[2]) for s in saved if s[0] == "Resident")
    assert [h[1] for h in households] == [False, True]  # 6-1-101 changed, 6-1-102 new
    assert residents == [(False, "张桂兰"), (False, "李建国"), (True, "赵新")]


@pytest.mark.django_db
def test_confirming_twice_or_with_a_stale_token_is_refused(world, login):
    client = login(world.users["worker_a"])
    page, url = preview(client, world.community_a, "r.csv", csv_bytes(GOOD_ROWS))
    digest = page.context["plan"].digest
    client.post(url, {"digest": digest})
    after = counts()
    response = client.post(url, {"digest": digest}, follow=True)
    assert "预览已失效" in messages_of(response)
    assert counts() == after
    # A token that was never issued, and the preview page for it, are refused the same way.
    made_up = reverse("communities:roster_import_preview", args=["a", "not-a-real-token"])
    response = client.get(made_up, follow=True)
    assert response.redirect_chain[-1][0] == reverse("communities:roster_import", args=["a"])
    assert "预览已失效" in messages_of(response)


@pytest.mark.django_db
def test_a_preview_older_than_an_hour_is_refused(world, login):
    client = login(world.users["worker_a"])
    page, url = preview(client, world.community_a, "r.csv", csv_bytes(GOOD_ROWS))
    session = client.session
    token = url.rstrip("/").rsplit("/", 1)[-1]
    session[PENDING_IMPORTS][token]["at"] = time.time() - PENDING_IMPORT_MAX_AGE - 1
    session.save()
    before = counts()
    response = client.post(url, {"digest": page.context["plan"].digest}, follow=True)
    assert "预览已失效" in messages_of(response)
    assert counts() == before


@pytest.mark.django_db
def test_another_users_token_is_refused(world, client):
    """The token lives in the uploader's session: a colleague who gets the address cannot
    confirm it (nor see it)."""
    client.force_login(world.users["worker_a"])
    page, url = preview(client, world.community_a, "r.csv", csv_bytes(GOOD_ROWS))
    digest = page.context["plan"].digest
    other = Client()
    other.force_login(world.users["secretary_a"])
    before = counts()
    response = other.post(url, {"digest": digest}, follow=True)
    assert "预览已失效" in messages_of(response)
    assert "张桂兰" not in response.content.decode()
    assert counts() == before


@pytest.mark.django_db
def test_a_token_of_another_community_is_refused(world, client):
    client.force_login(world.users["superuser"])
    page, url = preview(client, world.community_a, "r.csv", csv_bytes(GOOD_ROWS))
    token = url.rstrip("/").rsplit("/", 1)[-1]
    before = counts()
    response = client.post(
        reverse("communities:roster_import_preview", args=["b", token]),
        {"digest": page.context["plan"].digest},
        follow=True,
    )
    assert "预览已失效" in messages_of(response)
    assert counts() == before


@pytest.mark.django_db
def test_confirm_is_refused_when_the_roster_changed_since_the_preview(world, login):
    client = login(world.users["worker_a"])
    import_file(client, world.community_a, "r.csv", csv_bytes(GOOD_ROWS))
    changed = [row[:] for row in GOOD_ROWS]
    changed[0][6] = "13900001111"
    changed[3][3] = "81"
    page, url = preview(client, world.community_a, "r.csv", csv_bytes(changed))
    digest = page.context["plan"].digest
    # Meanwhile a colleague corrects 张桂兰's mobile on her page.
    zhang = Resident.objects.get(name="张桂兰")
    zhang.phone = "13700007777"
    zhang.save()
    snapshot = roster_snapshot(world.community_a)
    response = client.post(url, {"digest": digest}, follow=True)
    assert "预览之后" in messages_of(response)
    assert roster_snapshot(world.community_a) == snapshot  # not even 6-1-101's area
    # The page shown again is the fresh preview, with the colleague's number as the old value.
    assert response.redirect_chain[-1][0] == url
    fresh = {(r.row, r.name): r for r in response.context["changed_records"]}
    assert fresh[(2, "张桂兰")].changes[0].old == "137****7777"
    # Confirming what is shown now works.
    client.post(url, {"digest": response.context["plan"].digest})
    assert Resident.objects.get(name="张桂兰").phone == "13900001111"


@pytest.mark.django_db
def test_a_made_up_digest_is_refused(world, login):
    client = login(world.users["worker_a"])
    _page, url = preview(client, world.community_a, "r.csv", csv_bytes(GOOD_ROWS))
    before = counts()
    response = client.post(url, {"digest": "0" * 64}, follow=True)
    assert "预览之后" in messages_of(response)
    assert counts() == before


@pytest.mark.django_db
def test_unknown_building_or_entrance_is_a_row_error_never_a_new_building(world, login):
    client = login(world.users["worker_a"])
    rows = [
        ["1号楼", "1单元", "102", "60", "租户", "甲", "", "", "", ""],
        ["9号楼", "1单元", "101", "60", "租户", "乙", "", "", "", ""],
        ["1号楼", "7单元", "101", "60", "租户", "丙", "", "", "", ""],
    ]
    # The fixture's 1号楼 has one entrance; use its real name for the good row.
    rows[0][1] = world.household_a.entrance.name
    before = counts()
    response = upload(client, world.community_a, "r.csv", csv_bytes(rows))
    assert response.status_code == 200
    errors = {e.row: e.message for e in response.context["errors"]}
    assert set(errors) == {3, 4}
    assert errors[3] == "楼号不存在：9号楼"
    assert errors[4] == "单元不存在：1号楼 7单元"
    assert "新建文件中不存在的楼和单元" in response.content.decode()
    assert counts() == before
    assert not Building.objects.filter(name="9号楼").exists()


@pytest.mark.django_db
def test_file_and_roster_errors_are_listed_together(world, login):
    client = login(world.users["worker_a"])
    rows = [
        ["9号楼", "1单元", "101", "60", "租户", "乙", "", "", "", ""],
        ["1号楼", "1单元", "101", "abc", "租户", "丙", "", "", "", ""],
    ]
    response = upload(client, world.community_a, "r.csv", csv_bytes(rows))
    assert [e.row for e in response.context["errors"]] == [2, 3]


@pytest.mark.django_db
def test_creating_buildings_and_entrances_is_an_explicit_choice(world, login):
    client = login(world.users["worker_a"])
    rows = [["9号楼", "3单元", "101", "60", "租户", "乙", "", "", "", ""]]
    page, url = preview(client, world.community_a, "r.csv", csv_bytes(rows), create_places=True)
    assert page.context["plan"].new_buildings == ["9号楼"]
    assert page.context["plan"].new_entrances == [("9号楼", "3单元")]
    assert "9号楼 3单元" in page.content.decode()
    assert not Building.objects.filter(name="9号楼").exists()
    client.post(url, {"digest": page.context["plan"].digest})
    building = Building.objects.get(community=world.community_a, name="9号楼")
    assert building.entrances.get().households.get().residents.get().name == "乙"


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
    before = counts()
    response = upload(client, world.community_a, "bad.csv", csv_bytes(rows), create_places=True)
    assert response.status_code == 200
    errors = response.context["errors"]
    assert [e.row for e in errors] == [3]
    if column:
        assert column in errors[0].message
    assert counts() == before
    assert PENDING_IMPORTS not in client.session  # no preview for a file with errors


@pytest.mark.django_db
def test_every_bad_row_is_reported_not_just_the_first(world, login):
    client = login(world.users["worker_a"])
    rows = [bad for bad, _ in BAD_ROWS[:4]] + [GOOD_ROWS[0]]
    response = upload(client, world.community_a, "bad.csv", csv_bytes(rows), create_places=True)
    assert [e.row for e in response.context["errors"]] == [2, 3, 4, 5]


@pytest.mark.django_db
def test_duplicates_and_conflicts_within_a_file_are_reported(world, login):
    client = login(world.users["worker_a"])
    rows = [GOOD_ROWS[0], GOOD_ROWS[0], [*GOOD_ROWS[1][:3], "99", *GOOD_ROWS[1][4:]]]
    response = upload(client, world.community_a, "dup.csv", csv_bytes(rows), create_places=True)
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
    plan = import_file(client, world.community_a, "gbk.csv", text.encode("gb18030"))
    assert plan.resident_counts["new"] == 1
    assert Resident.objects.filter(name="张桂兰").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_can_be_imported_back_unchanged(world, login, fmt):
    # The secretary's file carries full numbers, so it round-trips (a worker's is masked).
    client = login(world.users["secretary_a"])
    import_file(client, world.community_a, "r.csv", csv_bytes(GOOD_ROWS))
    response = client.get(reverse("communities:roster_export", args=[world.community_a.code, fmt]))
    assert response.status_code == 200
    assert f'roster-{world.community_a.code}.{fmt}"' in response["Content-Disposition"]
    exported = response.content
    before = roster_snapshot(world.community_a)
    page, _url = preview(client, world.community_a, f"export.{fmt}", exported)
    assert not page.context["plan"].changed
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
def test_a_workers_masked_export_imports_back_unchanged(world, login, fmt):
    client = login(world.users["worker_a"])
    import_file(client, world.community_a, "r.csv", csv_bytes(GOOD_ROWS))
    url = reverse("communities:roster_export", args=[world.community_a.code, fmt])
    exported = client.get(url).content
    assert b"13800138000" not in exported  # the worker's file hides the number
    before = roster_snapshot(world.community_a)
    page, _url = preview(client, world.community_a, f"export.{fmt}", exported)
    assert not page.context["plan"].errors
    assert not page.context["plan"].changed
    assert roster_snapshot(world.community_a) == before
    assert Resident.objects.get(name="张桂兰").phone == "13800138000"


@pytest.mark.django_db
def test_a_hidden_number_cannot_stand_for_a_new_or_different_number(world, login):
    client = login(world.users["secretary_a"])
    import_file(client, world.community_a, "r.csv", csv_bytes(GOOD_ROWS))
    rows = [
        # 张桂兰 has 13800138000: a different hidden number is not hers.
        ["5号楼", "1单元", "301", "68.5", "业主自住", "张桂兰", "139****0000", "是", "否", "1952"],
        # A new resident needs the full number.
        ["6号楼", "1单元", "101", "80", "租户", "赵大爷", "138****8000", "否", "否", ""],
    ]
    before = roster_snapshot(world.community_a), counts()
    response = upload(client, world.community_a, "masked.csv", csv_bytes(rows))
    assert response.status_code == 200
    errors = {e.row: e.message for e in response.context["errors"]}
    assert set(errors) == {2, 3}
    assert "139****0000" in errors[2] and "11位" in errors[2]
    assert "138****8000" in errors[3]
    assert (roster_snapshot(world.community_a), counts()) == before


@pytest.mark.django_db
def test_a_cell_escaped_by_our_export_reads_back_as_it_was(world, login):
    client = login(world.users["secretary_a"])
    rows = [["5号楼", "1单元", "301", "68.5", "业主自住", "'=张三", "", "否", "否", ""]]
    import_file(client, world.community_a, "r.csv", csv_bytes(rows))
    assert Resident.objects.filter(name="=张三").exists()
    exported = client.get(reverse("communities:roster_export", args=["a", "csv"])).content
    assert "'=张三".encode() in exported
    page, _url = preview(client, world.community_a, "again.csv", exported)
    assert not page.context["plan"].changed


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
    import_file(client, world.community_a, "r.csv", csv_bytes(rows))
    # Community B's household of the same name is untouched, A got its own.
    assert world.household_b.floor_area == Household.objects.get(pk=world.household_b.pk).floor_area
    assert Building.objects.filter(name="A座").count() == 2


# ---------------------------------------------------------------- residents who moved out


@pytest.mark.django_db
def test_import_matches_current_residents_only(world, login):
    """A file naming someone who moved out records a new current resident; the former
    resident's record is never updated by a file."""
    client = login(world.users["worker_a"])
    import_file(client, world.community_a, "r.csv", csv_bytes(GOOD_ROWS))
    zhang = Resident.objects.get(name="张桂兰")
    services.resident_move_out(
        resident=zhang, moved_out_on=timezone.localdate(), note="", by=world.users["worker_a"]
    )
    changed = [row[:] for row in GOOD_ROWS]
    changed[0][6] = "13900001111"
    page, url = preview(client, world.community_a, "r.csv", csv_bytes(changed))
    new = [r for r in page.context["new_records"] if r.name]
    assert [r.name for r in new] == ["张桂兰"]
    client.post(url, {"digest": page.context["plan"].digest})
    zhang.refresh_from_db()
    assert zhang.has_moved_out and zhang.phone == "13800138000"
    assert Resident.objects.current().get(name="张桂兰").phone == "13900001111"


@pytest.mark.django_db
def test_export_hides_moved_out_residents_unless_asked(world, login):
    client = login(world.users["worker_a"])
    import_file(client, world.community_a, "r.csv", csv_bytes(GOOD_ROWS))
    services.resident_move_out(
        resident=Resident.objects.get(name="李建国"),
        moved_out_on=timezone.localdate(),
        note="",
        by=None,
    )
    url = reverse("communities:roster_export", args=["a", "csv"])

    def names(query=""):
        table = roster.read_table("e.csv", client.get(url + query).content)
        return table[0], sorted(row[5] for row in table[1:] if row[5])

    header, current = names()
    assert "李建国" not in current and "张桂兰" in current
    assert "迁出日期" not in header
    header, everyone = names("?residents=all")
    assert "李建国" in everyone and "张桂兰" in everyone
    assert header[-1] == "迁出日期"
    assert names("?residents=moved_out")[1] == ["李建国"]
    # Re-importing the export with former residents skips their rows and changes nothing.
    exported = client.get(url + "?residents=all").content
    before = roster_snapshot(world.community_a), counts()
    page, _url = preview(client, world.community_a, "all.csv", exported)
    assert not page.context["plan"].changed
    assert len(page.context["entry"]["skipped"]) == 1
    assert (roster_snapshot(world.community_a), counts()) == before


# ---------------------------------------------------------------- speed


def _bulk_rows(count: int) -> list[list[str]]:
    return [
        ["5号楼", "1单元", f"{i + 1:04d}", "60", "租户", f"居民{i}", "", "否", "否", ""]
        for i in range(count)
    ]


@pytest.mark.django_db
def test_preview_page_costs_the_same_queries_at_5_and_500_rows(
    world, login, django_assert_max_num_queries
):
    """Preview: 1 session, 2 user, 3 community, 4-6 scope, 7 unread count, then the plan's
    buildings, entrances, households, current residents = 11; the session is read once."""
    client = login(world.users["worker_a"])
    measured = []
    for count in (5, 500):
        rows = _bulk_rows(count)
        import_file(client, world.community_a, "r.csv", csv_bytes(rows))
        rows[0][6] = "13900001111"
        _page, url = preview(client, world.community_a, "r.csv", csv_bytes(rows))
        with django_assert_max_num_queries(11) as captured:
            page = client.get(url)
        assert page.context["plan"].resident_counts == {
            "new": 0,
            "changed": 1,
            "unchanged": count - 1,
        }
        measured.append(len(captured))
    assert measured[0] == measured[1]


@pytest.mark.django_db
def test_an_entrance_removed_after_the_check_turns_the_preview_into_row_errors(world, login):
    client = login(world.users["worker_a"])
    spare = Entrance.objects.create(building=world.household_a.entrance.building, name="9单元")
    rows = [["1号楼", "9单元", "901", "60", "租户", "甲", "", "", "", ""]]
    page, url = preview(client, world.community_a, "r.csv", csv_bytes(rows), create_places=False)
    digest = page.context["plan"].digest
    spare.delete()
    page = client.get(url)
    assert [e.row for e in page.context["plan"].errors] == [2]
    assert 'data-testid="import-errors"' in page.content.decode()
    assert "确认导入" not in page.content.decode()
    before = counts()
    response = client.post(url, {"digest": digest}, follow=True)
    assert "预览之后" in messages_of(response)
    assert counts() == before
