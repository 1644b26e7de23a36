"""Half-year arithmetic and the council compliance rules, as pure functions (no ORM).

The joint meeting must be held at least once in each half-year (H1 Jan–Jun, H2 Jul–Dec,
Asia/Shanghai) and the member units must run at least four joint activities a year.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

HalfYear = tuple[int, int]  # (year, 1 or 2)


def half_year_of(day: dt.date) -> HalfYear:
    """The half-year a date falls in."""
    return (day.year, 1 if day.month <= 6 else 2)


def half_year_bounds(year: int, half: int) -> tuple[dt.date, dt.date]:
    """First and last day of a half-year."""
    if half == 1:
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    if half == 2:
        return dt.date(year, 7, 1), dt.date(year, 12, 31)
    raise ValueError(f"half must be 1 or 2, not {half}")


def previous_half_year(year: int, half: int) -> HalfYear:
    return (year, 1) if half == 2 else (year - 1, 2)


def next_half_year(year: int, half: int) -> HalfYear:
    return (year, 2) if half == 1 else (year + 1, 1)


def default_meeting_date(
    today: dt.date, *, month_of_half: int, day: int, lead_days: int
) -> dt.date:
    """When the schedule plans a half-year's meeting.

    The given day of the given month of the current half-year (e.g. the 15th of its
    third month: 15 March or 15 September); if that day has passed, ``lead_days`` from
    today, but never beyond the half-year's last day.
    """
    year, half = half_year_of(today)
    first, last = half_year_bounds(year, half)
    month = first.month + min(max(month_of_half, 1), 6) - 1
    # A day the month doesn't have (31 April) becomes the month's last day.
    target = dt.date(year, month, min(max(day, 1), calendar.monthrange(year, month)[1]))
    if target >= today:
        return target
    return min(today + dt.timedelta(days=lead_days), last)


@dataclass(frozen=True)
class YearCompliance:
    year: int
    h1_held: bool
    h2_held: bool
    activities: int
    min_activities: int
    expiring_agreements: int
    h1_over: bool
    h2_over: bool
    year_over: bool

    @property
    def activities_ok(self) -> bool:
        return self.activities >= self.min_activities

    @property
    def problems(self) -> list[str]:
        """Short codes of what is wrong now: missed half-years that have ended, too few
        activities in a year that has ended, agreements about to expire."""
        found = []
        if self.h1_over and not self.h1_held:
            found.append("h1_missed")
        if self.h2_over and not self.h2_held:
            found.append("h2_missed")
        if self.year_over and not self.activities_ok:
            found.append("too_few_activities")
        if self.expiring_agreements:
            found.append("agreements_expiring")
        return found

    @property
    def compliant(self) -> bool:
        return not [p for p in self.problems if p != "agreements_expiring"]


def year_compliance(
    *,
    year: int,
    today: dt.date,
    held_halves: set[int],
    activities: int,
    expiring_agreements: int,
    min_activities: int = 4,
) -> YearCompliance:
    """A council's standing for a year, judged as of ``today``."""
    return YearCompliance(
        year=year,
        h1_held=1 in held_halves,
        h2_held=2 in held_halves,
        activities=activities,
        min_activities=min_activities,
        expiring_agreements=expiring_agreements,
        h1_over=today > dt.date(year, 6, 30),
        h2_over=today > dt.date(year, 12, 31),
        year_over=today > dt.date(year, 12, 31),
    )


def expiring_within(valid_until: dt.date, today: dt.date, days: int) -> bool:
    """An agreement still in force that ends within ``days`` days."""
    return today <= valid_until <= today + dt.timedelta(days=days)
