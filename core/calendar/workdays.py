"""Working days by China's official calendar, for the publicity rule (rules.md: ≥ 5 working days).

The calendar is the State Council's: weekends and public holidays are days off, and make-up working
days (调休, e.g. Sunday 28 Sep 2025 before National Day) are working days. The ``chinese_calendar``
package holds it for a fixed range of years; a date outside that range raises
:class:`CalendarNotCovered` rather than guessing by weekday.

Definition used everywhere: a publicity from ``start`` to ``end`` lasts
``working_days_between(start, end)`` working days, counted over the days strictly after ``start``
up to and including ``end`` — the interval (start, end]. The rule "the end is at least N working
days after the start" is ``working_days_between(start, end) >= N``, and ``earliest_end(start)`` is
the first end date that satisfies it. N is ``RULES.publicity_working_days`` (default 5).
"""
from __future__ import annotations

import datetime as dt

import chinese_calendar

from core.config import RULES
from core.errors import ValidationError

_ONE_DAY = dt.timedelta(days=1)


class CalendarNotCovered(ValidationError):
    """The official calendar of that year is not known (not yet published, or too old)."""

    key = "workdays.not_covered"


def covered_years() -> tuple[int, int]:
    """The first and last year the installed official calendar covers."""
    years = [day.year for day in chinese_calendar.holidays]
    return min(years), max(years)


def _check_covered(*days: dt.date) -> None:
    first, last = covered_years()
    for day in days:
        if not first <= day.year <= last:
            raise CalendarNotCovered(year=day.year, first=first, last=last)


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day, make-up working days included."""
    _check_covered(day)
    return bool(chinese_calendar.is_workday(day))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """The number of working days in (start, end]: after ``start``, up to and including ``end``."""
    if end <= start:
        return 0
    _check_covered(start, end)
    count, day = 0, start + _ONE_DAY
    while day <= end:
        count += bool(chinese_calendar.is_workday(day))
        day += _ONE_DAY
    return count


def earliest_end(start: dt.date, n: int | None = None) -> dt.date:
    """The first end date with at least ``n`` working days in (start, end]."""
    n = RULES.publicity_working_days if n is None else n
    _check_covered(start)
    day, count = start, 0
    while count < n:
        day += _ONE_DAY
        count += is_working_day(day)
    return day


def check_period(start: dt.date, end: dt.date, n: int | None = None) -> None:
    """Raise a ValidationError unless ``end`` is at least ``n`` working days after ``start``."""
    n = RULES.publicity_working_days if n is None else n
    if working_days_between(start, end) < n:
        raise ValidationError("workdays.too_short", n=n, earliest=earliest_end(start, n).isoformat())
