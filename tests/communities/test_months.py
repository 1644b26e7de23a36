"""Month arithmetic and month parameters shared by the volunteers and casework pages."""

import datetime as dt

import pytest

from communities.months import add_months, parse_month


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (dt.date(2026, 11, 25), 1, dt.date(2026, 12, 1)),
        (dt.date(2026, 12, 31), 1, dt.date(2027, 1, 1)),
        (dt.date(2026, 1, 15), -1, dt.date(2025, 12, 1)),
        (dt.date(2026, 3, 1), -14, dt.date(2025, 1, 1)),
        (dt.date(2026, 3, 31), 0, dt.date(2026, 3, 1)),
    ],
)
def test_add_months_lands_on_the_first_of_the_month(day, n, expected):
    assert add_months(day, n) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03", dt.date(2026, 3, 1)),
        (" 2026-3 ", dt.date(2026, 3, 1)),
        ("2026-13", None),
        ("2026-00", None),
        ("1999-12", None),
        ("2101-01", None),
        ("2026/03", None),
        ("abc", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_month_reads_year_dash_month_and_nothing_else(text, expected):
    assert parse_month(text) == expected
