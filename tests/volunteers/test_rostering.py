"""Roster arithmetic: recurring duties expanded across month, leap-day and year ends,
overnight duties, overlaps and minutes served."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from volunteers.rostering import BEIJING, expand, minutes_served, overlaps, parse_weekdays

ALL_DAYS = {1, 2, 3, 4, 5, 6, 7}


def at(year, month, day, hour=0, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


def days_of(spans):
    return [start.date() for start, _end in spans]


# parse_weekdays ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,3,5", {1, 3, 5}),
        ("7", {7}),
        (" 2 , 4 ", {2, 4}),
        ("1，3，5", {1, 3, 5}),  # Chinese full-width comma
        ("6,7，1", {1, 6, 7}),  # mixed commas
        ("1,1,2,", {1, 2}),  # repeats and a trailing comma
        ("1,2,3,4,5,6,7", ALL_DAYS),
    ],
)
def test_parse_weekdays_accepts_day_numbers(text, expected):
    assert parse_weekdays(text) == expected


@pytest.mark.parametrize(
    "text", ["", None, " , ", "0", "8", "1,8", "-1", "Mon", "1;3", "1 3", "1.5"]
)
def test_parse_weekdays_refuses_anything_else(text):
    with pytest.raises(ValidationError):
        parse_weekdays(text)


@pytest.mark.parametrize("text", ["²", "1,³"])
def test_parse_weekdays_refuses_superscript_digits_with_a_validation_error(text):
    with pytest.raises(ValidationError):
        parse_weekdays(text)


# expand -----------------------------------------------------------------------------------


def test_expand_runs_across_the_end_of_january():
    spans = expand(
        first_day=dt.date(2030, 1, 30),
        last_day=dt.date(2030, 2, 2),
        weekdays=ALL_DAYS,
        start_time=dt.time(7),
        end_time=dt.time(9),
    )
    assert spans == [
        (at(2030, 1, 30, 7), at(2030, 1, 30, 9)),
        (at(2030, 1, 31, 7), at(2030, 1, 31, 9)),
        (at(2030, 2, 1, 7), at(2030, 2, 1, 9)),
        (at(2030, 2, 2, 7), at(2030, 2, 2, 9)),
    ]


def test_expand_includes_the_leap_day_in_2028():
    spans = expand(
        first_day=dt.date(2028, 2, 27),
        last_day=dt.date(2028, 3, 1),
        weekdays=ALL_DAYS,
        start_time=dt.time(8),
        end_time=dt.time(10),
    )
    assert days_of(spans) == [
        dt.date(2028, 2, 27),
        dt.date(2028, 2, 28),
        dt.date(2028, 2, 29),
        dt.date(2028, 3, 1),
    ]


def test_expand_goes_from_feb_28_to_march_1_in_a_common_year():
    spans = expand(
        first_day=dt.date(2029, 2, 28),
        last_day=dt.date(2029, 3, 1),
        weekdays=ALL_DAYS,
        start_time=dt.time(8),
        end_time=dt.time(10),
    )
    assert days_of(spans) == [dt.date(2029, 2, 28), dt.date(2029, 3, 1)]


def test_expand_picks_only_chosen_weekdays_across_a_month_end():
    # 2030-01-28 is a Monday; Monday, Wednesday and Friday up to 8 February.
    spans = expand(
        first_day=dt.date(2030, 1, 28),
        last_day=dt.date(2030, 2, 8),
        weekdays={1, 3, 5},
        start_time=dt.time(19),
        end_time=dt.time(21),
    )
    assert days_of(spans) == [
        dt.date(2030, 1, 28),
        dt.date(2030, 1, 30),
        dt.date(2030, 2, 1),
        dt.date(2030, 2, 4),
        dt.date(2030, 2, 6),
        dt.date(2030, 2, 8),
    ]


def test_expand_runs_across_the_new_year():
    spans = expand(
        first_day=dt.date(2029, 12, 30),
        last_day=dt.date(2030, 1, 2),
        weekdays=ALL_DAYS,
        start_time=dt.time(7),
        end_time=dt.time(9),
    )
    assert days_of(spans) == [
        dt.date(2029, 12, 30),
        dt.date(2029, 12, 31),
        dt.date(2030, 1, 1),
        dt.date(2030, 1, 2),
    ]


def test_overnight_duty_ends_the_next_morning():
    spans = expand(
        first_day=dt.date(2030, 3, 4),
        last_day=dt.date(2030, 3, 5),
        weekdays=ALL_DAYS,
        start_time=dt.time(22),
        end_time=dt.time(6),
    )
    assert spans == [
        (at(2030, 3, 4, 22), at(2030, 3, 5, 6)),
        (at(2030, 3, 5, 22), at(2030, 3, 6, 6)),
    ]
    assert all(end - start == dt.timedelta(hours=8) for start, end in spans)


def test_overnight_duty_on_new_years_eve_ends_on_new_years_day():
    spans = expand(
        first_day=dt.date(2029, 12, 31),
        last_day=dt.date(2029, 12, 31),
        weekdays=ALL_DAYS,
        start_time=dt.time(22),
        end_time=dt.time(6),
    )
    assert spans == [(at(2029, 12, 31, 22), at(2030, 1, 1, 6))]


def test_overnight_duty_on_the_last_of_february_ends_on_the_leap_day():
    spans = expand(
        first_day=dt.date(2028, 2, 28),
        last_day=dt.date(2028, 2, 28),
        weekdays=ALL_DAYS,
        start_time=dt.time(23, 30),
        end_time=dt.time(0, 30),
    )
    assert spans == [(at(2028, 2, 28, 23, 30), at(2028, 2, 29, 0, 30))]


def test_duty_ending_at_midnight_is_overnight():
    spans = expand(
        first_day=dt.date(2030, 1, 31),
        last_day=dt.date(2030, 1, 31),
        weekdays=ALL_DAYS,
        start_time=dt.time(20),
        end_time=dt.time(0),
    )
    assert spans == [(at(2030, 1, 31, 20), at(2030, 2, 1, 0))]


def test_expand_single_day():
    spans = expand(
        first_day=dt.date(2030, 5, 1),
        last_day=dt.date(2030, 5, 1),
        weekdays={dt.date(2030, 5, 1).isoweekday()},
        start_time=dt.time(9),
        end_time=dt.time(11, 30),
    )
    assert spans == [(at(2030, 5, 1, 9), at(2030, 5, 1, 11, 30))]
    start, _end = spans[0]
    assert start.utcoffset() == dt.timedelta(hours=8)


def test_expand_single_day_on_another_weekday_is_empty():
    day = dt.date(2030, 5, 1)
    other = {d for d in ALL_DAYS if d != day.isoweekday()}
    assert (
        expand(
            first_day=day,
            last_day=day,
            weekdays=other,
            start_time=dt.time(9),
            end_time=dt.time(11),
        )
        == []
    )


def test_expand_refuses_a_last_day_before_the_first_day():
    with pytest.raises(ValidationError):
        expand(
            first_day=dt.date(2030, 1, 2),
            last_day=dt.date(2030, 1, 1),
            weekdays=ALL_DAYS,
            start_time=dt.time(7),
            end_time=dt.time(9),
        )


def test_expand_refuses_a_duty_that_ends_when_it_starts():
    with pytest.raises(ValidationError):
        expand(
            first_day=dt.date(2030, 1, 1),
            last_day=dt.date(2030, 1, 7),
            weekdays=ALL_DAYS,
            start_time=dt.time(7),
            end_time=dt.time(7),
        )


times = st.builds(dt.time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


@settings(max_examples=150, deadline=None)
@given(
    first_day=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2035, 12, 31)),
    length=st.integers(min_value=0, max_value=70),
    weekdays=st.sets(st.integers(1, 7), min_size=1),
    start_time=times,
    end_time=times,
)
def test_expand_properties(first_day, length, weekdays, start_time, end_time):
    if start_time == end_time:
        with pytest.raises(ValidationError):
            expand(
                first_day=first_day,
                last_day=first_day,
                weekdays=weekdays,
                start_time=start_time,
                end_time=end_time,
            )
        return
    last_day = first_day + dt.timedelta(days=length)
    spans = expand(
        first_day=first_day,
        last_day=last_day,
        weekdays=weekdays,
        start_time=start_time,
        end_time=end_time,
    )

    matching = [
        first_day + dt.timedelta(days=i)
        for i in range(length + 1)
        if (first_day + dt.timedelta(days=i)).isoweekday() in weekdays
    ]
    assert len(spans) == len(matching)
    assert days_of(spans) == matching

    minutes = (end_time.hour * 60 + end_time.minute) - (start_time.hour * 60 + start_time.minute)
    expected_duration = dt.timedelta(minutes=minutes % (24 * 60))
    previous = None
    for start, end in spans:
        assert first_day <= start.date() <= last_day
        assert start.isoweekday() in weekdays
        assert start.time() == start_time and end.time() == end_time
        assert start.utcoffset() == dt.timedelta(hours=8)  # no DST in Beijing
        assert end - start == expected_duration  # constant, and positive
        if previous is not None:
            assert start > previous[0] and end > previous[1]
        previous = (start, end)


# overlaps ---------------------------------------------------------------------------------

NINE, TEN, ELEVEN, NOON = (at(2030, 1, 1, h) for h in (9, 10, 11, 12))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((NINE, TEN), (TEN, ELEVEN), False),  # touching: one ends as the other starts
        ((TEN, ELEVEN), (NINE, TEN), False),  # touching, other order
        ((NINE, ELEVEN), (TEN, NOON), True),  # partly overlapping
        ((NINE, NOON), (TEN, ELEVEN), True),  # one inside the other
        ((TEN, ELEVEN), (NINE, NOON), True),
        ((NINE, TEN), (NINE, TEN), True),  # identical
        ((NINE, TEN), (ELEVEN, NOON), False),  # apart
        ((NINE, TEN + dt.timedelta(minutes=1)), (TEN, ELEVEN), True),  # one minute shared
    ],
)
def test_overlaps(a, b, expected):
    assert overlaps(*a, *b) is expected
    assert overlaps(*b, *a) is expected


def test_overnight_span_overlaps_next_morning_but_not_the_one_after():
    night = (at(2030, 12, 31, 22), at(2031, 1, 1, 6))
    assert overlaps(*night, at(2031, 1, 1, 5), at(2031, 1, 1, 7))
    assert not overlaps(*night, at(2031, 1, 1, 6), at(2031, 1, 1, 8))


# minutes_served ---------------------------------------------------------------------------


def test_minutes_served_counts_whole_minutes():
    assert minutes_served(at(2030, 1, 1, 9), at(2030, 1, 1, 11, 30)) == 150
    assert minutes_served(at(2030, 1, 1, 9), at(2030, 1, 1, 9, 1) + dt.timedelta(seconds=59)) == 1


def test_minutes_served_overnight():
    assert minutes_served(at(2029, 12, 31, 22), at(2030, 1, 1, 6)) == 480


def test_minutes_served_across_utc_and_beijing_offsets():
    utc_checkout = at(2030, 1, 1, 10).astimezone(dt.UTC)
    assert minutes_served(at(2030, 1, 1, 9), utc_checkout) == 60


@pytest.mark.parametrize(
    "checkout", [at(2030, 1, 1, 9), at(2030, 1, 1, 8, 59), at(2029, 12, 31, 23)]
)
def test_minutes_served_refuses_zero_or_negative(checkout):
    with pytest.raises(ValidationError):
        minutes_served(at(2030, 1, 1, 9), checkout)
