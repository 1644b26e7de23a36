"""A warning when the holiday calendar has no public holidays for this year (or, late in
the year, for next year): working-day deadlines would then count the holidays as working
days.

The State Council announces each year's holidays in late autumn, so next year's are
looked for only from ``CASEWORK_NEXT_YEAR_CALENDAR_MONTH`` (November) on: a warning
all year about something no one can enter yet would teach admins to ignore it.

The system check reads the database, so it is tagged ``database`` and, as Django's own
database checks do, looks only at the databases it is given: ``check --database default``
and ``migrate`` (every deployment) show it; a plain ``check`` or ``check --deploy`` (CI, a
build without a database) never touches one. On a developer's or an office's own machine
(``DEBUG``) it also looks at the default database for ``runserver`` and ``check``. The
Celery worker logs it at start (``casework.tasks``), and the SLA job on every run. A
missing table (before ``migrate``) or an unreachable database is no warning.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CHECK_ID = "casework.W001"


def years_needing_holidays(today: dt.date, next_year_from_month: int) -> list[int]:
    """The years whose holidays must be in the calendar on ``today``."""
    years = [today.year]
    if today.month >= next_year_from_month:
        years.append(today.year + 1)
    return years


def missing_holiday_years(
    today: dt.date, years_with_holidays: Iterable[int], next_year_from_month: int = 11
) -> list[int]:
    """The years needed on ``today`` that have no public holiday in the calendar."""
    have = set(years_with_holidays)
    return [y for y in years_needing_holidays(today, next_year_from_month) if y not in have]


def missing_years_in(alias: str = DEFAULT_DB_ALIAS, today: dt.date | None = None) -> list[int]:
    """The needed years with no holidays in database ``alias``; [] if the calendar's table
    is not there yet or the database cannot be reached."""
    from casework.models import CalendarDay

    today = today or timezone.localdate()
    needed = years_needing_holidays(today, settings.CASEWORK_NEXT_YEAR_CALENDAR_MONTH)
    try:
        connection = connections[alias]
        if CalendarDay._meta.db_table not in connection.introspection.table_names():
            return []
        have = {
            d.year
            for d in CalendarDay.objects.using(alias)
            .filter(kind=CalendarDay.Kind.HOLIDAY, date__year__in=needed)
            .dates("date", "year")
        }
    except DatabaseError:
        return []
    return missing_holiday_years(today, have, settings.CASEWORK_NEXT_YEAR_CALENDAR_MONTH)


def missing_calendar_message(year: int) -> str:
    return _(
        "The holiday calendar has no public holidays for %(year)s, so working-day "
        "deadlines count them as working days. Add the State Council's holidays and "
        "make-up working days for %(year)s in the admin (Casework › holiday calendar)."
    ) % {"year": year}


def warnings_for(alias: str, today: dt.date | None = None) -> list[Warning]:
    from casework.models import CalendarDay

    return [
        Warning(
            missing_calendar_message(year),
            hint=_("The State Council's General Office announces them each year in autumn."),
            obj=CalendarDay,
            id=CHECK_ID,
        )
        for year in missing_years_in(alias, today)
    ]


@register(Tags.database)
def holiday_calendar_check(app_configs=None, databases=None, **kwargs) -> list[Warning]:
    """casework.W001: this (or, late in the year, next) year has no holidays entered."""
    if databases is None:
        databases = [DEFAULT_DB_ALIAS] if settings.DEBUG else []
    if DEFAULT_DB_ALIAS not in databases:
        return []
    return warnings_for(DEFAULT_DB_ALIAS)


def log_missing_calendar(today: dt.date | None = None) -> list[int]:
    """Log one warning if years are missing from the holiday calendar; returns them."""
    years = missing_years_in(DEFAULT_DB_ALIAS, today)
    if years:
        logger.warning(
            "%s: %s", CHECK_ID, " ".join(missing_calendar_message(year) for year in years)
        )
    return years
