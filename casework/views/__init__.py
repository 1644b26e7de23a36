"""Casework pages: the case desk, rates, residents' pages, visits and whistles."""

from __future__ import annotations

import datetime as dt

from casework import selectors
from communities.months import parse_month


def month_param(request) -> tuple[dt.date, bool]:
    """The month asked for in ``?month=YYYY-MM`` (this month if absent), and whether a
    value was given that could not be read."""
    raw = request.GET.get("month", "")
    month = parse_month(raw)
    if month is None:
        return selectors.this_month(), bool(raw.strip())
    return month, False
