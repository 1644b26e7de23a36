"""Calendar months as the portal counts them: pure, no ORM, shared by every app."""

from __future__ import annotations

import datetime as dt
import re

MONTH_TEXT = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after (or, if negative, before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_month(value: str | None) -> dt.date | None:
    """'2026-03' → 1 March 2026; None for anything else (empty, malformed, out of range)."""
    match = MONTH_TEXT.match(value or "")
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)
