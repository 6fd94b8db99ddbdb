"""Working days by China's official calendar, for the publicity rule (rules.md: ≥ 5 working days).

The calendar is the State Council's: weekends and public holidays are days off, and make-up working
days (调休, e.g. Sunday 28 Sep 2025 before National Day) are working days. The days come from the
database (``core.calendar.store`` loads a range into a :class:`WorkCalendar`); a year whose schedule
is not yet official is counted on its provisional schedule and reported as such, never refused.

Definition used everywhere: a publicity from ``start`` to ``end`` lasts
``working_days_between(cal, start, end)`` working days, counted over the days strictly after
``start`` up to and including ``end`` — the interval (start, end]. The rule "the end is at least N
working days after the start" is ``working_days_between(cal, start, end) >= N``, and
``earliest_end(cal, start)`` is the first end date that satisfies it. N is
``RULES.publicity_working_days`` (default 5).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.common.config import RULES
from core.common.errors import ValidationError

_ONE_DAY = dt.timedelta(days=1)


class OutsideLoadedRange(LookupError):
    """The arithmetic reached a day the loaded calendar does not cover (the caller loads more)."""


@dataclass(frozen=True)
class WorkCalendar:
    """The days from ``first`` to ``last``: the listed ones (day -> is a working day) and which
    years of the range are provisional."""

    first: dt.date
    last: dt.date
    listed: dict[dt.date, bool]
    provisional: frozenset[int]

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day, make-up working days included."""
        if not self.first <= day <= self.last:
            raise OutsideLoadedRange(day)
        return self.listed.get(day, day.weekday() < 5)

    def provisional_years(self, start: dt.date, end: dt.date) -> tuple[int, ...]:
        """The provisional years among those from ``start`` to ``end``."""
        return tuple(y for y in range(start.year, end.year + 1) if y in self.provisional)


def working_days_between(cal: WorkCalendar, start: dt.date, end: dt.date) -> int:
    """The number of working days in (start, end]: after ``start``, up to and including ``end``."""
    count, day = 0, start + _ONE_DAY
    while day <= end:
        count += cal.is_working_day(day)
        day += _ONE_DAY
    return count


def earliest_end(cal: WorkCalendar, start: dt.date, n: int | None = None) -> dt.date:
    """The first end date with at least ``n`` working days in (start, end]."""
    n = RULES.publicity_working_days if n is None else n
    day, count = start, 0
    while count < n:
        day += _ONE_DAY
        count += cal.is_working_day(day)
    return day


def check_period(cal: WorkCalendar, start: dt.date, end: dt.date, n: int | None = None) -> None:
    """Raise a ValidationError unless ``end`` is at least ``n`` working days after ``start``."""
    n = RULES.publicity_working_days if n is None else n
    if end <= start or working_days_between(cal, start, end) < n:
        raise ValidationError("workdays.too_short", n=n, earliest=earliest_end(cal, start, n).isoformat())
