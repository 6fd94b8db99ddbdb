"""Where a year's schedule comes from when the database does not have it yet.

``chinese-calendar`` holds the State Council's published schedules (holidays and make-up working
days) for the years it covers: those are seeded as ``official``. For any other year the ``holidays``
package derives the statutory holidays by rule (lunar dates, a holiday on a weekend moved to the next
weekday); it cannot know the make-up working days, which the State Council decides each year, so such
a year is ``provisional`` until an admin enters and confirms the published schedule.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version

import chinese_calendar
import holidays

_ZH_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


@dataclass(frozen=True)
class Schedule:
    """One year's listed days: day -> (kind, name); kind is ``holiday`` or ``workday``."""

    year: int
    status: str
    source: str
    days: dict[dt.date, tuple[str, str]]


@lru_cache(maxsize=1)
def official_years() -> tuple[int, int]:
    """The first and last year the installed ``chinese-calendar`` covers."""
    years = [day.year for day in chinese_calendar.holidays]
    return min(years), max(years)


def _from_chinese_calendar(year: int) -> Schedule:
    days = {d: ("holiday", _ZH_NAMES.get(n, n)) for d, n in chinese_calendar.holidays.items() if d.year == year}
    days.update({d: ("workday", _ZH_NAMES.get(n, n)) for d, n in chinese_calendar.workdays.items() if d.year == year})
    return Schedule(year, "official", f"chinese-calendar {version('chinese-calendar')}", days)


def _from_rules(year: int) -> Schedule:
    found = holidays.China(years=year, language="zh_CN")
    days = {d: ("holiday", str(n)) for d, n in found.items() if d.year == year}
    days.update({d: ("workday", "调休") for d in found.weekend_workdays if d.year == year})
    return Schedule(year, "provisional", f"holidays {version('holidays')}", days)


@lru_cache(maxsize=64)
def schedule(year: int) -> Schedule:
    """The schedule the database is seeded with for ``year``."""
    first, last = official_years()
    return _from_chinese_calendar(year) if first <= year <= last else _from_rules(year)
