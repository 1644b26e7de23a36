"""Deadline arithmetic: hours, calendar days and working days on a holiday calendar with
make-up working days; the properties every working-day deadline must have; the errors;
and ``services.due_dates`` on the calendar the migration seeds."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from casework import deadlines
from casework.deadlines import CALENDAR_DAYS, HOURS, WORKING_DAYS, WorkCalendar, deadline
from casework.models import CalendarDay, CaseCategory, DeadlineUnit, Urgency
from casework.services import due_dates, work_calendar
from tests.casework.factories import beijing

UTC = dt.UTC
BEIJING = ZoneInfo("Asia/Shanghai")
D = dt.date


def days(first: str, last: str) -> list[dt.date]:
    day, end = D.fromisoformat(first), D.fromisoformat(last)
    out = []
    while day <= end:
        out.append(day)
        day += dt.timedelta(days=1)
    return out


# The 2026 calendar as the State Council announced it (the part these tests use).
HOLIDAYS_2026 = (
    days("2026-01-01", "2026-01-03")  # 元旦
    + days("2026-02-15", "2026-02-23")  # 春节
    + days("2026-05-01", "2026-05-05")  # 劳动节
    + days("2026-09-25", "2026-09-27")  # 中秋节
    + days("2026-10-01", "2026-10-07")  # 国庆节
)
MAKEUP_2026 = [
    D(2026, 1, 4),  # Sunday
    D(2026, 2, 14),  # Saturday
    D(2026, 2, 28),  # Saturday
    D(2026, 5, 9),  # Saturday
    D(2026, 9, 20),  # Sunday
    D(2026, 10, 10),  # Saturday
]
CAL = WorkCalendar.of(HOLIDAYS_2026, MAKEUP_2026)
EMPTY = WorkCalendar()


def working(received: dt.datetime, n: int, calendar: WorkCalendar = CAL) -> dt.datetime:
    return deadline(received, n, WORKING_DAYS, calendar)


# ---------------------------------------------------------------- hours and calendar days


@pytest.mark.parametrize(
    ("received", "amount", "expected"),
    [
        (beijing(2026, 3, 4, 9, 15), 2, beijing(2026, 3, 4, 11, 15)),
        # Across midnight, the month end and the year end.
        (beijing(2026, 12, 31, 23, 0), 2, beijing(2027, 1, 1, 1, 0)),
        (beijing(2026, 1, 31, 10, 0), 24, beijing(2026, 2, 1, 10, 0)),
        (beijing(2026, 2, 28, 20, 0), 12, beijing(2026, 3, 1, 8, 0)),
        # Nights, weekends and holidays count: 22:00 on a make-up Saturday + 12 h is
        # 10:00 on the first day of the Spring Festival.
        (beijing(2026, 2, 14, 22, 0), 12, beijing(2026, 2, 15, 10, 0)),
        (beijing(2026, 9, 30, 10, 0), 48, beijing(2026, 10, 2, 10, 0)),
    ],
)
def test_hours_count_every_hour_whatever_the_calendar(received, amount, expected):
    assert deadline(received, amount, HOURS, CAL) == expected
    assert deadline(received, amount, HOURS, EMPTY) == expected


@pytest.mark.parametrize(
    ("received", "amount", "expected"),
    [
        (beijing(2026, 3, 4, 9, 15), 1, beijing(2026, 3, 5, 9, 15)),
        (beijing(2026, 12, 28, 10, 0), 7, beijing(2027, 1, 4, 10, 0)),
        (beijing(2026, 1, 31, 18, 30), 1, beijing(2026, 2, 1, 18, 30)),
        (beijing(2026, 2, 28, 8, 0), 1, beijing(2026, 3, 1, 8, 0)),
        (beijing(2028, 2, 28, 8, 0), 1, beijing(2028, 2, 29, 8, 0)),  # leap year
        (beijing(2025, 12, 31, 23, 59), 1, beijing(2026, 1, 1, 23, 59)),
        # Holidays count as calendar days: the same clock time three days later.
        (beijing(2026, 9, 30, 10, 0), 3, beijing(2026, 10, 3, 10, 0)),
        (beijing(2026, 2, 13, 17, 0), 10, beijing(2026, 2, 23, 17, 0)),
    ],
)
def test_calendar_days_keep_the_clock_time(received, amount, expected):
    assert deadline(received, amount, CALENDAR_DAYS, CAL) == expected
    assert deadline(received, amount, CALENDAR_DAYS, EMPTY) == expected


# ---------------------------------------------------------------- working days


def test_a_plain_week_without_holidays():
    # Wednesday 2026-03-04: Thursday is the 1st working day, Friday the 2nd, Monday the
    # 3rd; the deadline is the end of that day, 00:00 of the next.
    received = beijing(2026, 3, 4, 9, 0)
    assert working(received, 1) == beijing(2026, 3, 6)
    assert working(received, 2) == beijing(2026, 3, 7)
    assert working(received, 3) == beijing(2026, 3, 10)
    assert working(received, 5) == beijing(2026, 3, 12)


@pytest.mark.parametrize(
    "received",
    [
        beijing(2026, 3, 6, 9, 0),  # Friday morning: the day received never counts
        beijing(2026, 3, 6, 19, 30),  # Friday evening
        beijing(2026, 3, 6, 23, 59),
        beijing(2026, 3, 7, 10, 0),  # Saturday
        beijing(2026, 3, 8, 0, 0),  # Sunday at midnight
        beijing(2026, 3, 8, 23, 0),  # Sunday night
    ],
)
def test_a_case_received_at_the_weekend_counts_from_monday(received):
    # Monday 2026-03-09 is the first working day: due at 00:00 on Tuesday.
    assert working(received, 1) == beijing(2026, 3, 10)
    assert working(received, 2) == beijing(2026, 3, 11)


def test_spring_festival_with_its_make_up_saturdays():
    # Friday 2026-02-13 is the last day before the holiday, but Saturday 02-14 is a
    # make-up working day: it is the 1st working day. 02-15..02-23 is the holiday, so
    # Tuesday 02-24 is the 2nd, and the make-up Saturday 02-28 the 6th.
    friday = beijing(2026, 2, 13, 16, 0)
    assert working(friday, 1) == beijing(2026, 2, 15)
    assert working(friday, 2) == beijing(2026, 2, 25)
    assert working(friday, 5) == beijing(2026, 2, 28)
    assert working(friday, 6) == beijing(2026, 3, 1)  # 02-28 (make-up Saturday)
    assert working(friday, 7) == beijing(2026, 3, 3)  # Sunday 03-01 is not; Monday 03-02


def test_a_case_received_on_a_make_up_saturday_counts_from_the_next_working_day():
    # Received on the make-up Saturday 02-14 itself: that day doesn't count either;
    # the next working day is Tuesday 02-24, after the whole holiday.
    received = beijing(2026, 2, 14, 10, 0)
    assert working(received, 1) == beijing(2026, 2, 25)
    assert working(received, 3) == beijing(2026, 2, 27)
    # 02-24, 25, 26, 27 and the make-up Saturday 02-28.
    assert working(received, 5) == beijing(2026, 3, 1)


@pytest.mark.parametrize(
    "received",
    [
        beijing(2026, 2, 15, 8, 0),  # first day of the holiday (a Sunday)
        beijing(2026, 2, 18, 10, 0),  # a Wednesday inside the holiday
        beijing(2026, 2, 23, 23, 0),  # the last day of the holiday (a Monday)
    ],
)
def test_a_case_received_on_a_holiday_counts_from_the_first_day_back(received):
    assert working(received, 1) == beijing(2026, 2, 25)  # Tuesday 02-24
    assert working(received, 4) == beijing(2026, 2, 28)  # Friday 02-27


def test_national_day_with_make_up_days_on_either_side():
    # Saturday 09-19: Sunday 09-20 is a make-up working day.
    assert working(beijing(2026, 9, 19, 10, 0), 1) == beijing(2026, 9, 21)
    # Thursday 09-24: Friday 09-25 to Sunday 09-27 is the Mid-autumn holiday.
    assert working(beijing(2026, 9, 24, 15, 0), 1) == beijing(2026, 9, 29)
    # Wednesday 09-30, the last day before the holiday: 10-01..10-07 is off, Thursday
    # 10-08 is the 1st working day, Friday 10-09 the 2nd, make-up Saturday 10-10 the 3rd,
    # Monday 10-12 the 4th.
    eve = beijing(2026, 9, 30, 10, 0)
    assert working(eve, 1) == beijing(2026, 10, 9)
    assert working(eve, 2) == beijing(2026, 10, 10)
    assert working(eve, 3) == beijing(2026, 10, 11)
    assert working(eve, 4) == beijing(2026, 10, 13)
    # 10-08, 09, 10, 12, 13, 14, 15, 16, 19, 20: the 10th is Tuesday 10-20.
    assert working(eve, 10) == beijing(2026, 10, 21)
    # Received during the holiday: the same as on its eve.
    assert working(beijing(2026, 10, 3, 12, 0), 10) == beijing(2026, 10, 21)


def test_across_the_year_end_and_new_year_make_up_sunday():
    # Wednesday 2025-12-31: 01-01..01-03 is the New Year holiday and Sunday 01-04 a
    # make-up working day.
    received = beijing(2025, 12, 31, 18, 0)
    assert working(received, 1) == beijing(2026, 1, 5)
    assert working(received, 2) == beijing(2026, 1, 6)
    # Without the calendar, Thursday 01-01 would be the first working day.
    assert working(received, 1, EMPTY) == beijing(2026, 1, 2)


def test_across_a_month_end_into_labour_day():
    # Thursday 2026-04-30; 05-01..05-05 is off; 05-06, 07, 08 and make-up Saturday 05-09.
    received = beijing(2026, 4, 30, 11, 0)
    assert working(received, 1) == beijing(2026, 5, 7)
    assert working(received, 4) == beijing(2026, 5, 10)
    assert working(received, 5) == beijing(2026, 5, 12)


def test_a_make_up_day_wins_over_a_holiday_listed_on_the_same_date():
    day = D(2026, 3, 7)  # a Saturday
    calendar = WorkCalendar.of(holidays=[day], makeup_days=[day])
    assert calendar.is_working_day(day)
    assert calendar.add_working_days(D(2026, 3, 6), 1) == day


def test_the_deadline_is_midnight_beijing_whatever_the_zone_of_the_input():
    result = working(beijing(2026, 3, 4, 9, 0), 1)
    assert result.tzinfo == BEIJING
    assert (result.hour, result.minute, result.second, result.microsecond) == (0, 0, 0, 0)
    # 00:00 Beijing is 16:00 UTC the day before.
    assert result.astimezone(UTC) == dt.datetime(2026, 3, 5, 16, 0, tzinfo=UTC)


def test_working_days_between_counts_the_half_open_interval():
    assert CAL.working_days_between(D(2026, 2, 13), D(2026, 2, 13)) == 0
    assert CAL.working_days_between(D(2026, 2, 20), D(2026, 2, 13)) == 0
    # (02-13, 02-28]: 02-14 (make-up), 24, 25, 26, 27, 28 (make-up).
    assert CAL.working_days_between(D(2026, 2, 13), D(2026, 2, 28)) == 6
    assert EMPTY.working_days_between(D(2026, 3, 6), D(2026, 3, 13)) == 5


# ---------------------------------------------------------------- errors


def test_a_naive_received_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        deadline(dt.datetime(2026, 3, 4, 9, 0), 1, HOURS, CAL)
    with pytest.raises(ValueError, match="timezone-aware"):
        deadline(dt.datetime(2026, 3, 4, 9, 0), 1, WORKING_DAYS, CAL)


@pytest.mark.parametrize("unit", [HOURS, CALENDAR_DAYS, WORKING_DAYS])
@pytest.mark.parametrize("amount", [0, -1, -30])
def test_an_amount_below_one_is_refused(unit, amount):
    with pytest.raises(ValueError, match="at least 1"):
        deadline(beijing(2026, 3, 4, 9, 0), amount, unit, CAL)


def test_add_working_days_refuses_zero():
    with pytest.raises(ValueError):
        CAL.add_working_days(D(2026, 3, 4), 0)


@pytest.mark.parametrize("unit", ["weeks", "", "WORKING_DAYS", "days"])
def test_an_unknown_unit_is_refused(unit):
    with pytest.raises(ValueError, match="unknown unit"):
        deadline(beijing(2026, 3, 4, 9, 0), 1, unit, CAL)


def test_a_calendar_without_working_days_is_refused_not_looped_on():
    start = D(2026, 3, 4)
    every_day = [start + dt.timedelta(days=i) for i in range(deadlines.MAX_SCAN_DAYS + 400)]
    broken = WorkCalendar.of(holidays=every_day)
    with pytest.raises(ValueError, match="no working days"):
        deadline(beijing(2026, 3, 4, 9, 0), 1, WORKING_DAYS, broken)
    # Hours and calendar days don't need the calendar at all.
    assert deadline(beijing(2026, 3, 4, 9, 0), 1, HOURS, broken) == beijing(2026, 3, 4, 10, 0)


def test_a_calendar_whose_only_working_days_are_too_far_away_is_refused():
    # Weekends are never working days, so a scan of every weekday being a holiday for
    # longer than the limit gives up instead of looking for ever.
    start = D(2026, 3, 4)
    weekdays = [
        start + dt.timedelta(days=i)
        for i in range(deadlines.MAX_SCAN_DAYS + 10)
        if (start + dt.timedelta(days=i)).weekday() < 5
    ]
    with pytest.raises(ValueError):
        WorkCalendar.of(holidays=weekdays).add_working_days(start, 1)


# ---------------------------------------------------------------- properties


def is_working(day: dt.date, holidays: frozenset, makeup: frozenset) -> bool:
    """An independent statement of the rule: make-up days work, holidays don't, else
    Monday to Friday."""
    if day in makeup:
        return True
    return day not in holidays and day.isoweekday() <= 5


def count_working(after: dt.date, through: dt.date, holidays, makeup) -> int:
    n, day = 0, after + dt.timedelta(days=1)
    while day <= through:
        n += is_working(day, holidays, makeup)
        day += dt.timedelta(days=1)
    return n


moments = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31, 23, 59)
).map(lambda d: d.replace(tzinfo=BEIJING))
window = st.dates(min_value=D(2024, 12, 1), max_value=D(2028, 3, 31))
calendars = st.one_of(
    st.just(CAL),
    st.just(EMPTY),
    st.builds(
        WorkCalendar.of,
        st.frozensets(window, max_size=120),
        st.frozensets(window, max_size=20),
    ),
)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(received=moments, n=st.integers(1, 40), calendar=calendars)
def test_working_day_deadline_properties(received, n, calendar):
    due = working(received, n, calendar)
    assert due.tzinfo == received.tzinfo
    assert due.time() == dt.time(0, 0)
    last_day = due.date() - dt.timedelta(days=1)
    # The day before the deadline is a working day ...
    assert is_working(last_day, calendar.holidays, calendar.makeup_days)
    # ... the N-th after the day received.
    assert count_working(received.date(), last_day, calendar.holidays, calendar.makeup_days) == n
    assert calendar.working_days_between(received.date(), last_day) == n
    # Never sooner than N whole days after the case came in.
    assert due >= received + dt.timedelta(days=n)
    assert due > received


@PROPERTY
@given(received=moments, n=st.integers(1, 30), calendar=calendars)
def test_working_day_deadline_is_strictly_monotone_in_n(received, n, calendar):
    assert working(received, n, calendar) < working(received, n + 1, calendar)


@PROPERTY
@given(
    received=moments,
    later=st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=20)),
    n=st.integers(1, 15),
    calendar=calendars,
)
def test_a_later_case_is_never_due_sooner(received, later, n, calendar):
    assume(received + later <= dt.datetime(2027, 12, 31, 23, 59, tzinfo=BEIJING))
    assert working(received, n, calendar) <= working(received + later, n, calendar)


@PROPERTY
@given(received=moments, n=st.integers(1, 999), one=calendars, other=calendars)
def test_hours_and_calendar_days_ignore_the_calendar(received, n, one, other):
    assert deadline(received, n, HOURS, one) == received + dt.timedelta(hours=n)
    assert deadline(received, n, HOURS, one) == deadline(received, n, HOURS, other)
    assert deadline(received, n, CALENDAR_DAYS, one) == received + dt.timedelta(days=n)
    assert deadline(received, n, CALENDAR_DAYS, one) == deadline(received, n, CALENDAR_DAYS, other)


@PROPERTY
@given(received=moments, n=st.integers(1, 20))
def test_without_holidays_five_working_days_are_a_week(received, n):
    assert working(received, n + 5, EMPTY) == working(received, n, EMPTY) + dt.timedelta(days=7)


# ---------------------------------------------------------------- on the database


@pytest.mark.django_db
def test_the_migration_seeds_the_2026_calendar():
    rows = dict(CalendarDay.objects.filter(date__year=2026).values_list("date", "kind"))
    for day in days("2026-02-15", "2026-02-23") + days("2026-10-01", "2026-10-07"):
        assert rows[day] == CalendarDay.Kind.HOLIDAY
    for day in (D(2026, 2, 14), D(2026, 2, 28), D(2026, 9, 20), D(2026, 10, 10)):
        assert rows[day] == CalendarDay.Kind.MAKEUP
    calendar = work_calendar()
    assert not calendar.is_working_day(D(2026, 10, 5))
    assert calendar.is_working_day(D(2026, 10, 10))
    assert calendar.is_working_day(D(2026, 10, 9))
    assert not calendar.is_working_day(D(2026, 10, 11))


@pytest.mark.django_db
def test_due_dates_of_a_leak_received_on_the_eve_of_national_day():
    leak = CaseCategory.objects.get(name="房屋漏水与维修")
    assert leak.limits(Urgency.GENERAL) == (
        (24, DeadlineUnit.HOURS),
        (10, DeadlineUnit.WORKING_DAYS),
    )
    received = beijing(2026, 9, 30, 10, 0)  # a Wednesday
    contact, resolve = due_dates(category=leak, urgency=Urgency.GENERAL, received_at=received)
    # Contact: 24 hours, holiday or not -> Thursday 10-01 10:00.
    assert contact == beijing(2026, 10, 1, 10, 0)
    # Resolve: 10 working days counted from the day after 09-30. 10-01..10-07 is the
    # National Day holiday; then Thu 10-08 (1), Fri 10-09 (2), the make-up Saturday 10-10
    # (3), Sun 10-11 off, Mon 10-12 (4) .. Fri 10-16 (8), the weekend off, Mon 10-19 (9),
    # Tue 10-20 (10). Due at the end of 10-20: 00:00 Beijing on Wednesday 10-21.
    assert resolve == beijing(2026, 10, 21)
    # Urgent: 2 hours to contact, 24 hours to resolve.
    assert due_dates(category=leak, urgency=Urgency.URGENT, received_at=received) == (
        beijing(2026, 9, 30, 12, 0),
        beijing(2026, 10, 1, 10, 0),
    )


@pytest.mark.django_db
def test_due_dates_count_from_the_beijing_date_not_the_utc_one():
    leak = CaseCategory.objects.get(name="房屋漏水与维修")
    # 23:00 UTC on Thursday 10-08 is 07:00 Beijing on Friday 10-09. Counting from 10-09:
    # 10-10 (make-up), 12, 13, 14, 15, 16, 19, 20, 21, 22 -> due 00:00 on 10-23. Counting
    # from the UTC date would give 10-22.
    received = dt.datetime(2026, 10, 8, 23, 0, tzinfo=UTC)
    _contact, resolve = due_dates(category=leak, urgency=Urgency.GENERAL, received_at=received)
    assert resolve == beijing(2026, 10, 23)
    assert resolve.utcoffset() == dt.timedelta(hours=8)


@pytest.mark.django_db
def test_due_dates_follow_the_calendar_admins_enter():
    leak = CaseCategory.objects.get(name="房屋漏水与维修")
    received = beijing(2026, 9, 30, 10, 0)
    # An extra day off on Monday 10-12 pushes the 10th working day to Wednesday 10-21.
    CalendarDay.objects.create(date=D(2026, 10, 12), kind=CalendarDay.Kind.HOLIDAY, name="测试")
    _contact, resolve = due_dates(category=leak, urgency=Urgency.GENERAL, received_at=received)
    assert resolve == beijing(2026, 10, 22)
    # A Sunday worked instead gives the day back.
    CalendarDay.objects.create(date=D(2026, 10, 18), kind=CalendarDay.Kind.MAKEUP, name="测试")
    _contact, resolve = due_dates(category=leak, urgency=Urgency.GENERAL, received_at=received)
    assert resolve == beijing(2026, 10, 21)
    # An explicit calendar is used instead of the database's.
    _contact, resolve = due_dates(
        category=leak, urgency=Urgency.GENERAL, received_at=received, calendar=EMPTY
    )
    # Without holidays: Thu 10-01 (1) .. Wed 10-14 (10).
    assert resolve == beijing(2026, 10, 15)


@pytest.mark.django_db
def test_a_new_category_starts_from_the_default_limits():
    category = CaseCategory(name="新类别")
    assert category.limits(Urgency.URGENT) == ((2, DeadlineUnit.HOURS), (24, DeadlineUnit.HOURS))
    assert category.limits(Urgency.GENERAL) == (
        (24, DeadlineUnit.HOURS),
        (7, DeadlineUnit.CALENDAR_DAYS),
    )
    category.full_clean()
    category.save()
    category = CaseCategory.objects.get(pk=category.pk)
    assert category.limits(Urgency.URGENT) == ((2, "hours"), (24, "hours"))
    assert category.limits(Urgency.GENERAL) == ((24, "hours"), (7, "calendar_days"))
    received = beijing(2026, 9, 30, 10, 0)
    assert due_dates(category=category, urgency=Urgency.URGENT, received_at=received) == (
        beijing(2026, 9, 30, 12, 0),
        beijing(2026, 10, 1, 10, 0),
    )
    # Calendar days run through the holiday.
    assert due_dates(category=category, urgency=Urgency.GENERAL, received_at=received) == (
        beijing(2026, 10, 1, 10, 0),
        beijing(2026, 10, 7, 10, 0),
    )


@pytest.mark.django_db
def test_a_new_category_keeps_the_limits_it_is_given_and_a_loaded_one_is_not_reset():
    category = CaseCategory.objects.create(
        name="自定义",
        general_resolve=15,
        general_resolve_unit=DeadlineUnit.WORKING_DAYS,
        urgent_contact=1,
    )
    assert category.limits(Urgency.GENERAL) == ((24, "hours"), (15, "working_days"))
    assert category.limits(Urgency.URGENT) == ((1, "hours"), (24, "hours"))
    CaseCategory.objects.filter(pk=category.pk).update(general_contact=48)
    assert CaseCategory.objects.get(pk=category.pk).limits(Urgency.GENERAL)[0] == (48, "hours")


@pytest.mark.django_db
def test_loading_a_category_with_deferred_fields_neither_queries_nor_resets_them(
    django_assert_num_queries,
):
    category = CaseCategory.objects.create(name="延迟加载", general_contact=48)
    with django_assert_num_queries(1):
        loaded = CaseCategory.objects.only("name").get(pk=category.pk)
    assert loaded.name == "延迟加载"
    assert loaded.get_deferred_fields() >= {"general_contact", "urgent_resolve_unit"}
    # Reading a deferred limit loads the stored value, not a default.
    assert loaded.general_contact == 48
