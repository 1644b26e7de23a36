"""Spreadsheet downloads (.csv and .xlsx) for every app, written one way.

Any text a resident or worker typed may end up in a cell that Excel, WPS or LibreOffice
reads as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``, ``@SUM(...)``). As
OWASP recommends for CSV injection, every text cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return — also after leading spaces, which spreadsheet programs
skip — gets a single quote in front, so it is shown as the text it is. Real numbers
(``int``, ``Decimal``, ``float``) are written as numbers and left alone; a number held
as text (``"+8613800138000"``, ``"-1.5"``) is text and is escaped like any other.

Moments are written as Beijing wall-clock time; CSV files carry a UTF-8 byte-order mark so
Excel on Windows opens the Chinese text correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

# What a spreadsheet program may take as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@")
# Characters that start a formula even before any of the above (they are never skipped).
CONTROL_STARTS = ("\t", "\r")
ESCAPE = "'"

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | int | float | Decimal


def escape_text(text: str) -> str:
    """The text with a leading ``'`` when a spreadsheet program could read it as a formula."""
    if text.startswith(CONTROL_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return ESCAPE + text
    return text


def unescape_text(text: str) -> str:
    """The text as it was before ``escape_text`` (for reading an exported file back in)."""
    if text.startswith(ESCAPE) and escape_text(text[1:]) == text:
        return text[1:]
    return text


def cell(value: Any) -> Cell:
    """One value as a safe spreadsheet cell: numbers stay numbers, everything else is
    escaped text; moments in Beijing time; ``None`` is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        # bool is an int, but True/False in a sheet means nothing to an office worker.
        return _("Yes") if value else _("No")
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return escape_text(str(value))


def safe_rows(rows: Iterable[Sequence[Any]]) -> Iterable[list[Cell]]:
    for row in rows:
        yield [cell(value) for value in row]


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """The rows as a UTF-8 CSV file with a byte-order mark, every text cell escaped."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerows(safe_rows(rows))
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: Iterable[Sequence[Any]], title: str = "Sheet1") -> bytes:
    """The rows as an .xlsx workbook of one sheet, every text cell escaped and formatted as
    text (so rooms like 0301 and phone numbers keep their digits when edited)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row_number, row in enumerate(safe_rows(rows), start=1):
        for column_number, value in enumerate(row, start=1):
            if isinstance(value, str):
                # Control characters other than tab/CR/LF make openpyxl refuse the file.
                target = sheet.cell(row_number, column_number)
                target.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                # Never a formula, whatever openpyxl guesses from the text.
                target.data_type = "s"
                target.number_format = "@"
            else:
                sheet.cell(row_number, column_number, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows: Iterable[Sequence[Any]], filename: str) -> HttpResponse:
    """A download of the rows as ``filename`` (.csv)."""
    return _attachment(csv_bytes(rows), CSV_CONTENT_TYPE, filename)


def xlsx_response(
    rows: Iterable[Sequence[Any]], filename: str, title: str = "Sheet1"
) -> HttpResponse:
    """A download of the rows as ``filename`` (.xlsx)."""
    return _attachment(xlsx_bytes(rows, title), XLSX_CONTENT_TYPE, filename)
