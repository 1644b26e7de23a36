"""The three rates the district judges a community by, and how recurring problems are
grouped. Pure: the counts come from aggregate queries in ``selectors``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

# Shown on the rates pages so that everyone counts the same way.
DEFINITIONS = (
    (
        _("Response rate"),
        _(
            "Of the cases received in the month, the share whose reporter was contacted "
            "before the contact deadline."
        ),
    ),
    (
        _("Resolution rate"),
        _(
            "Of the cases received in the month that have been closed, the share closed as "
            "resolved (explained and unresolved cases count against it)."
        ),
    ),
    (
        _("Satisfaction rate"),
        _(
            "Of the cases received in the month whose reporter gave a rating (on a call-back "
            "or online), the share satisfied or basically satisfied."
        ),
    ),
)


@dataclass(frozen=True)
class RateCounts:
    received: int = 0
    responded_on_time: int = 0
    closed: int = 0
    resolved: int = 0
    rated: int = 0
    satisfied: int = 0

    @staticmethod
    def _share(part: int, whole: int) -> Fraction | None:
        return Fraction(part, whole) if whole else None

    @property
    def response_rate(self) -> Fraction | None:
        return self._share(self.responded_on_time, self.received)

    @property
    def resolution_rate(self) -> Fraction | None:
        return self._share(self.resolved, self.closed)

    @property
    def satisfaction_rate(self) -> Fraction | None:
        return self._share(self.satisfied, self.rated)

    @property
    def percentages(self) -> tuple[float | None, float | None, float | None]:
        """The three rates in per cent, one decimal; None where nothing was counted."""
        return tuple(
            None if r is None else round(float(r) * 100, 1)
            for r in (self.response_rate, self.resolution_rate, self.satisfaction_rate)
        )

    def __add__(self, other: RateCounts) -> RateCounts:
        return RateCounts(
            *(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__)
        )


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


@dataclass(frozen=True)
class CaseKey:
    """What grouping needs to know about a case."""

    pk: int
    category_id: int
    building_id: int | None
    received_at: dt.datetime


def recurring_groups(
    cases: Iterable[CaseKey], window_days: int = 30, min_size: int = 2
) -> list[list[CaseKey]]:
    """Cases of one category at one building within ``window_days`` of the first of them.

    Per (category, building), cases are taken in the order received; a group starts at a
    case and takes every later case received within the window of that first case; the
    next case after the window starts a new group. Only groups of at least ``min_size``
    are returned, newest first. Cases without a building are never grouped.
    """
    by_key: dict[tuple[int, int], list[CaseKey]] = {}
    for case in cases:
        if case.building_id is None:
            continue
        by_key.setdefault((case.category_id, case.building_id), []).append(case)
    window = dt.timedelta(days=window_days)
    groups: list[list[CaseKey]] = []
    for items in by_key.values():
        items.sort(key=lambda c: (c.received_at, c.pk))
        current: list[CaseKey] = []
        for case in items:
            if current and case.received_at - current[0].received_at > window:
                if len(current) >= min_size:
                    groups.append(current)
                current = []
            current.append(case)
        if len(current) >= min_size:
            groups.append(current)
    groups.sort(key=lambda g: (g[-1].received_at, g[-1].pk), reverse=True)
    return groups
