"""communities.exports: text cells that a spreadsheet could read as a formula get a leading
quote (OWASP CSV injection), numbers stay numbers, in CSV and XLSX alike; and the roster
export, which goes through it, comes out neutralised."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from communities import exports
from tests.factories import ResidentFactory

INJECTION = '=HYPERLINK("http://x","y")'


def csv_cells(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_cells(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def xlsx_types(content: bytes) -> set[str]:
    sheet = load_workbook(io.BytesIO(content)).active
    return {c.data_type for row in sheet.iter_rows() for c in row}


# ---------------------------------------------------------------- the escaping rules


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        INJECTION,
        "+8613800138000",
        "-1.5",
        "-",
        "@SUM(A1:A2)",
        "\tmore",
        "\r\n=1+1",
        "=cmd|' /C calc'!A0",
    ],
)
def test_every_trigger_character_at_the_start_gets_a_quote(text):
    assert exports.escape_text(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    ["  =1+1", " +1", "\u3000-1", "\n@x", " \t=1"],
)
def test_a_trigger_after_leading_whitespace_is_escaped_too(text):
    # Spreadsheet programs skip leading spaces before deciding a cell is a formula.
    assert exports.escape_text(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    ["", "   ", "张桂兰", "13800138000", "1+1", "a=b", "电梯-异响", "5号楼", "'=already", "50.0%"],
)
def test_harmless_text_is_left_as_it_is(text):
    assert exports.escape_text(text) == text


@pytest.mark.parametrize("text", ["=1+1", INJECTION, "  -3", "\tx", "张桂兰", "'quoted", ""])
def test_unescape_gives_back_the_original(text):
    assert exports.unescape_text(exports.escape_text(text)) == text


def test_cells_keep_numbers_and_show_moments_in_beijing_time():
    utc = dt.datetime(2026, 1, 5, 1, 30, tzinfo=ZoneInfo("UTC"))
    assert exports.cell(-5) == -5
    assert exports.cell(Decimal("-68.50")) == Decimal("-68.50")
    assert exports.cell(2.5) == 2.5
    assert exports.cell("-5") == "'-5"
    assert exports.cell(None) == ""
    assert exports.cell(True) in ("是", "Yes")
    assert exports.cell(utc) == "2026-01-05 09:30"
    assert exports.cell(dt.date(2026, 1, 5)) == "2026-01-05"
    # Lazy translations are text.
    assert exports.cell(gettext_lazy("Yes")) in ("是", "Yes")


def test_csv_writes_numbers_bare_and_escapes_text():
    content = exports.csv_bytes([["名称", "数"], [INJECTION, -3], ["-3", Decimal("1.50")]])
    assert csv_cells(content) == [["名称", "数"], ["'" + INJECTION, "-3"], ["'-3", "1.50"]]


def test_xlsx_has_no_formula_cells_and_real_numbers():
    content = exports.xlsx_bytes([["名称", "数"], [INJECTION, -3], ["-3", Decimal("1.5")]])
    rows = xlsx_cells(content)
    assert rows[1] == ["'" + INJECTION, -3]
    assert rows[2] == ["'-3", 1.5]
    assert "f" not in xlsx_types(content)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].number_format == "@"
    assert sheet["B2"].data_type == "n"


def test_xlsx_drops_control_characters_openpyxl_would_refuse():
    content = exports.xlsx_bytes([["张\x00三\x07"]])
    assert xlsx_cells(content) == [["张三"]]


def test_responses_are_attachments_with_the_given_name():
    response = exports.csv_response([["a"]], "x-1.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x-1.csv"'
    response = exports.xlsx_response([["a"]], "x-1.xlsx")
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="x-1.xlsx"'


# ---------------------------------------------------------------- the roster export


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_roster_export_neutralises_a_formula_in_a_name(world, login, fmt):
    ResidentFactory(household=world.household_a, name=INJECTION, phone="13800138000")
    client = login(world.users["secretary_a"])
    response = client.get(reverse("communities:roster_export", args=[world.community_a.code, fmt]))
    assert response.status_code == 200
    assert f'filename="roster-{world.community_a.code}.{fmt}"' in response["Content-Disposition"]
    rows = csv_cells(response.content) if fmt == "csv" else xlsx_cells(response.content)
    names = [row[5] for row in rows[1:]]
    assert "'" + INJECTION in names
    assert INJECTION not in names
    # The phone number is text and keeps its digits.
    assert "13800138000" in [row[6] for row in rows[1:]]
    if fmt == "xlsx":
        assert "f" not in xlsx_types(response.content)
