"""Deadline arithmetic for cases: hours, calendar days, or working days on a holiday
calendar with make-up working days. Pure: no ORM, no clock, no settings.

Rules, as a community office counts them:

- **hours**: the deadline is the moment received + N hours (nights and holidays count).
- **calendar days**: received + N × 24 hours, the same clock time N days later.
- **working days**: counting starts the working day after the day received (a case
  received on Friday evening, or on a holiday, is counted from the next working day), and
  the deadline is the end of the N-th working day (24:00 local time, i.e. 00:00 of the
  following day). A working day is Monday-Friday unless a public holiday, or any day
  listed as a make-up working day (调休上班).

All arithmetic happens in the local time zone of ``received_at`` (Asia/Shanghai, which has
no daylight saving), and the result is in that same time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

HOURS = "hours"
CALENDAR_DAYS = "calendar_days"
WORKING_DAYS = "working_days"
UNITS = (HOURS, CALENDAR_DAYS, WORKING_DAYS)

# A run of working days longer than this without finding one means the calendar is
# broken (e.g. every day marked as a holiday); refuse rather than loop for ever.
MAX_SCAN_DAYS = 3660


@dataclass(frozen=True)
class WorkCalendar:
    """Public holidays and make-up working days; every other day follows the weekday."""

    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    makeup_days: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, holidays: Iterable[dt.date] = (), makeup_days: Iterable[dt.date] = ()):
        return cls(frozenset(holidays), frozenset(makeup_days))

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.makeup_days:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day`` (``day`` itself never counts)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        current = day
        found = 0
        for _ in range(MAX_SCAN_DAYS):
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                found += 1
                if found == n:
                    return current
        raise ValueError("no working days found in the calendar")

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d <= end (0 when end <= start)."""
        count = 0
        current = start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count


def deadline(
    received_at: dt.datetime, amount: int, unit: str, calendar: WorkCalendar
) -> dt.datetime:
    """When a step that takes ``amount`` ``unit`` must be done, for a case received at
    ``received_at`` (an aware datetime in the office's local time zone)."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    if amount < 1:
        raise ValueError("amount must be at least 1")
    if unit == HOURS:
        return received_at + dt.timedelta(hours=amount)
    if unit == CALENDAR_DAYS:
        return received_at + dt.timedelta(days=amount)
    if unit == WORKING_DAYS:
        last_day = calendar.add_working_days(received_at.date(), amount)
        return dt.datetime.combine(
            last_day + dt.timedelta(days=1), dt.time.min, tzinfo=received_at.tzinfo
        )
    raise ValueError(f"unknown unit {unit!r}")
