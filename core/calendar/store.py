"""Reading and filling the calendar tables: a range in two queries, a missing year in one insert.

``load`` reads the years and the listed days of a range (one query each, whatever its length). A year
the table does not have yet is taken from ``core.calendar.sources`` in memory: reads never write.
``ensure_years`` stores such years (official from ``chinese-calendar``, provisional from rules);
the app does it at start for the years ahead, and every publicity write for the years it touches.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.calendar import sources
from core.calendar.workdays import WorkCalendar
from db.base import utcnow
from db.models import CalendarDay, CalendarYear

YEARS_AHEAD = 2  # provisional years kept ready after the current one


def load(session: Session, first: dt.date, last: dt.date) -> WorkCalendar:
    """The calendar from ``first`` to ``last``, stored years from the table, others from their source."""
    years = range(first.year, last.year + 1)
    status = _stored_statuses(session, first.year, last.year)
    listed = {day: kind == "workday" for day, kind in session.execute(
        select(CalendarDay.day, CalendarDay.kind).where(CalendarDay.day.between(first, last)))}
    for year in years:
        if year not in status:
            found = sources.schedule(year)
            status[year] = found.status
            listed.update({d: kind == "workday" for d, (kind, _) in found.days.items() if first <= d <= last})
    return WorkCalendar(first, last, listed, frozenset(y for y in years if status[y] == "provisional"))


def _stored_statuses(session: Session, first_year: int, last_year: int) -> dict[int, str]:
    return dict(session.execute(select(CalendarYear.year, CalendarYear.status)
                                .where(CalendarYear.year.between(first_year, last_year))).all())


def provisional_years(session: Session, first_year: int, last_year: int) -> frozenset[int]:
    """The years of the range that are not official (stored, or else by their source): one query."""
    status = _stored_statuses(session, first_year, last_year)
    return frozenset(y for y in range(first_year, last_year + 1)
                     if status.get(y, None) == "provisional"
                     or (y not in status and sources.schedule(y).status == "provisional"))


def stored_years(session: Session) -> set[int]:
    return set(session.scalars(select(CalendarYear.year)))


def ensure_years(session: Session, years: Iterable[int], now: dt.datetime | None = None) -> list[int]:
    """Store the years the table lacks, each from its source; returns those added.

    Two servers adding the same year at once: the second one's savepoint fails on the primary key
    and it goes on with the stored year, which is the same schedule.
    """
    wanted = sorted(set(years) - stored_years(session))
    added = []
    for year in wanted:
        try:
            with session.begin_nested():
                _insert_year(session, sources.schedule(year), now or utcnow())
            added.append(year)
        except IntegrityError:
            continue
    return added


def _insert_year(session: Session, found: sources.Schedule, now: dt.datetime) -> None:
    session.execute(insert(CalendarYear).values(year=found.year, status=found.status, source=found.source,
                                                updated_at=now))
    if found.days:
        session.execute(insert(CalendarDay), [dict(day=d, year=found.year, kind=kind, name=name)
                                              for d, (kind, name) in sorted(found.days.items())])


def seed_range(today: dt.date) -> range:
    """The years filled at start: every year ``chinese-calendar`` covers, up to ``YEARS_AHEAD`` after today."""
    first, last = sources.official_years()
    return range(first, max(last, today.year + YEARS_AHEAD) + 1)
