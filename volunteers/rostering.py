"""Roster arithmetic as pure functions: recurring duties expanded into shifts (across month
and year ends, overnight shifts included), overlaps, and minutes served."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BEIJING = ZoneInfo("Asia/Shanghai")


def parse_weekdays(text: str) -> set[int]:
    """'1,3,5' → {1, 3, 5}; 1 is Monday and 7 Sunday. Raises on anything else."""
    days: set[int] = set()
    for part in (text or "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if part not in {"1", "2", "3", "4", "5", "6", "7"}:
            raise ValidationError(_("Use the numbers 1 (Monday) to 7 (Sunday), e.g. 1,3,5."))
        days.add(int(part))
    if not days:
        raise ValidationError(_("Choose at least one day of the week."))
    return days


def expand(
    *,
    first_day: dt.date,
    last_day: dt.date,
    weekdays: set[int],
    start_time: dt.time,
    end_time: dt.time,
    tz: dt.tzinfo = BEIJING,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Every (start, end) of a recurring duty between two days, inclusive, in local time.

    A duty whose end time is not after its start time runs overnight and ends the next day.
    """
    if last_day < first_day:
        raise ValidationError(_("The last day must not be before the first day."))
    if start_time == end_time:
        raise ValidationError(_("A duty must end at a different time than it starts."))
    spans = []
    day = first_day
    while day <= last_day:
        if day.isoweekday() in weekdays:
            start = dt.datetime.combine(day, start_time, tzinfo=tz)
            end_day = day if end_time > start_time else day + dt.timedelta(days=1)
            end = dt.datetime.combine(end_day, end_time, tzinfo=tz)
            spans.append((start, end))
        day += dt.timedelta(days=1)
    return spans


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    """Two half-open spans [start, end) share some time."""
    return a_start < b_end and b_start < a_end


def minutes_served(checked_in_at: dt.datetime, checked_out_at: dt.datetime) -> int:
    """Whole minutes between check-in and check-out (overnight included)."""
    if checked_out_at <= checked_in_at:
        raise ValidationError(_("Check-out must come after check-in."))
    return int((checked_out_at - checked_in_at).total_seconds() // 60)
