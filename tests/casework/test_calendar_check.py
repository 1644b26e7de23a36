"""casework.W001: a warning (system check, worker start and every SLA run) when the
holiday calendar has no public holidays for this year or, from November, next year."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import DatabaseError, connection

from casework import checks, tasks
from casework.models import CalendarDay

D = dt.date
HOLIDAY, MAKEUP = CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.MAKEUP


# ---------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("today", "needed"),
    [
        (D(2026, 1, 1), [2026]),
        (D(2026, 6, 30), [2026]),
        (D(2026, 10, 31), [2026]),
        (D(2026, 11, 1), [2026, 2027]),
        (D(2026, 12, 31), [2026, 2027]),
    ],
)
def test_next_year_is_needed_from_november(today, needed):
    assert checks.years_needing_holidays(today, 11) == needed


@pytest.mark.parametrize(
    ("today", "have", "missing"),
    [
        (D(2026, 6, 1), {2026}, []),
        (D(2026, 6, 1), {2025, 2027}, [2026]),
        (D(2026, 11, 15), {2026}, [2027]),
        (D(2026, 11, 15), set(), [2026, 2027]),
        (D(2026, 11, 15), {2026, 2027}, []),
        (D(2027, 1, 5), {2026}, [2027]),
    ],
)
def test_missing_years(today, have, missing):
    assert checks.missing_holiday_years(today, have, 11) == missing


# ---------------------------------------------------------------- against the database


@pytest.fixture
def calendar(db):
    """A calendar with 2026's holidays only (and a make-up day of 2027, which is no
    holiday: a year needs its holidays)."""
    CalendarDay.objects.all().delete()
    CalendarDay.objects.create(date=D(2026, 10, 1), kind=HOLIDAY, name="国庆节")
    CalendarDay.objects.create(date=D(2027, 1, 4), kind=MAKEUP, name="元旦调休")


@pytest.fixture
def on(monkeypatch):
    """Pretend today is the given date in Beijing."""

    def _on(day: dt.date) -> None:
        monkeypatch.setattr(checks.timezone, "localdate", lambda *a, **k: day)

    return _on


def w001(messages) -> list:
    return [m for m in messages if m.id == "casework.W001"]


def test_the_check_warns_about_next_year_in_november(calendar, on):
    on(D(2026, 11, 15))
    found = w001(run_checks(databases=["default"]))
    assert len(found) == 1
    assert "2027" in found[0].msg and "2026" not in found[0].msg
    assert found[0].is_serious() is False


def test_the_check_is_quiet_when_this_year_is_there_and_next_is_not_yet_due(calendar, on):
    on(D(2026, 6, 1))
    assert w001(run_checks(databases=["default"])) == []


def test_the_check_warns_about_this_year_when_it_is_missing(calendar, on):
    on(D(2027, 3, 1))
    found = w001(run_checks(databases=["default"]))
    assert [("2027" in m.msg) for m in found] == [True]


def test_the_check_names_each_missing_year(db, on):
    CalendarDay.objects.all().delete()
    on(D(2026, 12, 1))
    found = w001(run_checks(databases=["default"]))
    assert ["2026" in found[0].msg, "2027" in found[1].msg] == [True, True]


def test_the_message_is_in_chinese_and_in_english(calendar, on):
    from django.utils import translation

    on(D(2026, 11, 15))
    with translation.override("zh-hans"):
        assert "2027年的法定节假日" in w001(run_checks(databases=["default"]))[0].msg
    with translation.override("en"):
        assert "State Council" in w001(run_checks(databases=["default"]))[0].msg


def test_without_databases_the_check_touches_none(
    calendar, on, settings, django_assert_num_queries
):
    settings.DEBUG = False
    on(D(2026, 11, 15))
    with django_assert_num_queries(0):
        assert w001(run_checks()) == []
        # Asked about another database only, it leaves the default one alone.
        assert checks.holiday_calendar_check(databases=["other"]) == []


def test_on_a_developers_machine_runserver_and_check_show_it(calendar, on, settings):
    settings.DEBUG = True
    on(D(2026, 11, 15))
    assert len(w001(run_checks())) == 1


def test_manage_py_check_database_default_prints_it_and_still_succeeds(calendar, on):
    on(D(2026, 11, 15))
    out, err = io.StringIO(), io.StringIO()
    call_command("check", "--database", "default", stdout=out, stderr=err)
    assert "casework.W001" in err.getvalue()


def test_a_missing_table_or_database_error_is_no_warning(calendar, on, monkeypatch):
    on(D(2026, 11, 15))
    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: [])
    assert w001(run_checks(databases=["default"])) == []

    def broken(*args, **kwargs):
        raise DatabaseError("no such table")

    monkeypatch.setattr(connection.introspection, "table_names", broken)
    assert w001(run_checks(databases=["default"])) == []


# ---------------------------------------------------------------- the SLA job and the worker


def calendar_warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "casework.checks"]


def test_the_sla_job_logs_one_warning_per_run(calendar, on, caplog):
    on(D(2026, 12, 1))
    CalendarDay.objects.filter(date__year=2026).delete()
    with caplog.at_level(logging.WARNING, logger="casework.checks"):
        tasks.watch_sla()
    records = calendar_warnings(caplog)
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    text = records[0].getMessage()
    assert "casework.W001" in text and "2026" in text and "2027" in text


def test_the_sla_job_says_nothing_when_the_calendar_is_complete(calendar, on, caplog):
    on(D(2026, 12, 1))
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=HOLIDAY, name="元旦")
    with caplog.at_level(logging.WARNING, logger="casework.checks"):
        tasks.watch_sla()
    assert calendar_warnings(caplog) == []


def test_a_starting_worker_logs_the_warning(calendar, on, caplog):
    on(D(2026, 11, 15))
    with caplog.at_level(logging.WARNING, logger="casework.checks"):
        tasks.warn_about_the_holiday_calendar(sender=None)
    assert "2027" in calendar_warnings(caplog)[0].getMessage()
