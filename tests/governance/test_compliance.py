"""The pure half-year arithmetic, the compliance verdict and the reminder thresholds."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.compliance import (
    default_meeting_date,
    expiring_within,
    half_year_bounds,
    half_year_of,
    next_half_year,
    previous_half_year,
    year_compliance,
)
from governance.services import reminder_due

D = dt.date
# The project's defaults: the 15th of the half-year's third month, else 14 days ahead.
DEFAULTS = {"month_of_half": 3, "day": 15, "lead_days": 14}

dates = st.dates(min_value=D(1901, 1, 1), max_value=D(2199, 12, 31))
half_years = st.tuples(st.integers(1901, 2199), st.sampled_from([1, 2]))


# --- half-years -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 1, 1), (2026, 1)),
        (D(2026, 6, 30), (2026, 1)),
        (D(2026, 7, 1), (2026, 2)),
        (D(2026, 12, 31), (2026, 2)),
        (D(2027, 1, 1), (2027, 1)),
    ],
)
def test_half_year_of_switches_at_july_first_and_january_first(day, expected):
    assert half_year_of(day) == expected


def test_half_year_bounds_are_january_to_june_and_july_to_december():
    assert half_year_bounds(2026, 1) == (D(2026, 1, 1), D(2026, 6, 30))
    assert half_year_bounds(2026, 2) == (D(2026, 7, 1), D(2026, 12, 31))


@pytest.mark.parametrize("half", [0, 3, -1])
def test_half_year_bounds_refuses_a_half_that_is_not_1_or_2(half):
    with pytest.raises(ValueError, match="half must be 1 or 2"):
        half_year_bounds(2026, half)


def test_next_and_previous_half_year_cross_the_year_boundary():
    assert next_half_year(2026, 1) == (2026, 2)
    assert next_half_year(2026, 2) == (2027, 1)
    assert previous_half_year(2026, 2) == (2026, 1)
    assert previous_half_year(2027, 1) == (2026, 2)


def test_the_day_after_june_30_and_december_31_is_in_the_next_half_year():
    for last in (D(2026, 6, 30), D(2026, 12, 31)):
        following = last + dt.timedelta(days=1)
        assert half_year_of(following) == next_half_year(*half_year_of(last))
        assert half_year_of(last) == previous_half_year(*half_year_of(following))


@given(dates)
def test_every_date_lies_within_the_bounds_of_its_half_year(day):
    first, last = half_year_bounds(*half_year_of(day))
    assert first <= day <= last
    assert half_year_of(first) == half_year_of(last) == half_year_of(day)


@given(half_years)
def test_next_undoes_previous_and_previous_undoes_next(half_year):
    assert next_half_year(*previous_half_year(*half_year)) == half_year
    assert previous_half_year(*next_half_year(*half_year)) == half_year


@given(half_years)
def test_half_years_tile_the_calendar_without_gaps(half_year):
    _, last = half_year_bounds(*half_year)
    first_of_next, _ = half_year_bounds(*next_half_year(*half_year))
    assert first_of_next == last + dt.timedelta(days=1)


# --- the default meeting date ---------------------------------------------------------


def test_default_meeting_date_is_the_configured_day_while_it_is_ahead():
    assert default_meeting_date(D(2026, 1, 1), **DEFAULTS) == D(2026, 3, 15)
    assert default_meeting_date(D(2026, 7, 1), **DEFAULTS) == D(2026, 9, 15)


def test_default_meeting_date_on_the_configured_day_is_that_day():
    assert default_meeting_date(D(2026, 3, 15), **DEFAULTS) == D(2026, 3, 15)


def test_default_meeting_date_after_the_configured_day_is_lead_days_ahead():
    assert default_meeting_date(D(2026, 3, 16), **DEFAULTS) == D(2026, 3, 30)
    assert default_meeting_date(D(2026, 10, 1), **DEFAULTS) == D(2026, 10, 15)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 6, 20), D(2026, 6, 30)),
        (D(2026, 6, 30), D(2026, 6, 30)),
        (D(2026, 12, 25), D(2026, 12, 31)),
        (D(2026, 12, 31), D(2026, 12, 31)),
    ],
)
def test_default_meeting_date_is_clamped_to_the_half_years_last_day(today, expected):
    assert default_meeting_date(today, **DEFAULTS) == expected


def test_default_meeting_date_uses_the_month_of_the_half_and_a_safe_day():
    # The sixth month of H2 is December; an impossible 31 April falls back to the 28th.
    assert default_meeting_date(D(2026, 7, 1), month_of_half=6, day=1, lead_days=0) == D(
        2026, 12, 1
    )
    # 31 April doesn't exist: the month's last day.
    assert default_meeting_date(D(2026, 1, 1), month_of_half=4, day=31, lead_days=0) == D(
        2026, 4, 30
    )
    # Out-of-range months are clamped to the half-year's first and last months.
    assert default_meeting_date(D(2026, 1, 1), month_of_half=0, day=20, lead_days=0) == D(
        2026, 1, 20
    )
    assert default_meeting_date(D(2026, 7, 1), month_of_half=9, day=20, lead_days=0) == D(
        2026, 12, 20
    )


@given(
    today=dates,
    month_of_half=st.integers(-2, 9),
    day=st.integers(1, 31),
    lead_days=st.integers(0, 400),
)
def test_default_meeting_date_is_never_past_and_stays_in_todays_half_year(
    today, month_of_half, day, lead_days
):
    planned = default_meeting_date(today, month_of_half=month_of_half, day=day, lead_days=lead_days)
    assert planned >= today
    assert half_year_of(planned) == half_year_of(today)


# --- the compliance verdict -----------------------------------------------------------


def verdict(today, held=(), activities=0, expiring=0, **kwargs):
    return year_compliance(
        year=2026,
        today=today,
        held_halves=set(held),
        activities=activities,
        expiring_agreements=expiring,
        **kwargs,
    )


def test_nothing_is_missed_before_the_first_half_year_ends():
    standing = verdict(D(2026, 6, 30))
    assert standing.problems == []
    assert standing.compliant


def test_the_first_half_is_missed_from_july_first_without_a_held_meeting():
    standing = verdict(D(2026, 7, 1))
    assert standing.problems == ["h1_missed"]
    assert not standing.compliant
    assert verdict(D(2026, 7, 1), held={1}).problems == []


def test_an_ended_year_reports_the_missed_second_half_and_too_few_activities():
    standing = verdict(D(2027, 1, 1), held={1}, activities=3)
    assert standing.problems == ["h2_missed", "too_few_activities"]
    assert not standing.activities_ok
    assert not standing.compliant


def test_a_full_year_with_both_meetings_and_four_activities_is_compliant():
    standing = verdict(D(2027, 1, 1), held={1, 2}, activities=4)
    assert standing.activities_ok
    assert standing.problems == []
    assert standing.compliant


def test_too_few_activities_only_counts_once_the_year_is_over():
    assert verdict(D(2026, 12, 31), held={1, 2}, activities=0).problems == []


def test_minimum_activities_can_be_configured():
    assert verdict(D(2027, 1, 1), held={1, 2}, activities=4, min_activities=5).problems == [
        "too_few_activities"
    ]


def test_expiring_agreements_are_a_problem_but_not_non_compliance():
    standing = verdict(D(2026, 3, 1), expiring=2)
    assert standing.problems == ["agreements_expiring"]
    assert standing.compliant


def test_expiring_within_includes_today_and_the_last_day_of_the_window():
    today = D(2026, 5, 1)
    assert expiring_within(today, today, 60)
    assert expiring_within(today + dt.timedelta(days=60), today, 60)
    assert not expiring_within(today + dt.timedelta(days=61), today, 60)
    assert not expiring_within(today - dt.timedelta(days=1), today, 60)


# --- reminder thresholds --------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_until", "expected"),
    [
        (30, None),
        (15, None),
        (14, 14),
        (10, 14),  # planned late for the 14-day one: it still goes out, once
        (4, 14),
        (3, 3),
        (2, 3),  # planned two days ahead: only the nearest reminder
        (0, 3),
        (-1, None),
        (-20, None),
    ],
)
def test_reminder_due_picks_the_smallest_threshold_not_below_the_days_left(days_until, expected):
    assert reminder_due(days_until, [14, 3]) == expected


def test_reminder_due_does_not_depend_on_the_order_of_thresholds():
    assert reminder_due(2, [3, 14]) == 3
    assert reminder_due(2, []) is None


@given(days_until=st.integers(-400, 400))
def test_reminder_due_is_a_threshold_at_least_the_days_left(days_until):
    due = reminder_due(days_until, [14, 3])
    if days_until < 0 or days_until > 14:
        assert due is None
    else:
        assert due in (14, 3)
        assert due >= days_until
