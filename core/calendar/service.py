"""The working-day questions of the publicity code, answered in the caller's session.

Each answer loads the calendar once for the range it needs (``store.load``: two queries) and counts
in memory. A period on a provisional year is allowed and says so (``provisional_years``); writers
(``check_period`` with ``store=True``) first store the years they touch, so the schedule a
publicity was checked against is the one kept in the database.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from core.calendar import store, workdays
from core.calendar.workdays import OutsideLoadedRange, WorkCalendar
from core.common.config import RULES

WINDOW = dt.timedelta(days=45)  # covers five working days after any start, the longest holiday included


def calendar_for(session: Session, start: dt.date, end: dt.date | None = None) -> WorkCalendar:
    """The calendar from ``start`` to ``end`` and at least ``WINDOW`` beyond ``start``."""
    last = max(end or start, start + WINDOW)
    return store.load(session, start, last)


def earliest_end(session: Session, start: dt.date, n: int | None = None) -> dt.date:
    """The first end date with at least ``n`` working days after ``start`` (see core.calendar.workdays)."""
    span = WINDOW
    while True:
        try:
            return workdays.earliest_end(store.load(session, start, start + span), start, n)
        except OutsideLoadedRange:
            span *= 2


def working_days_between(session: Session, start: dt.date, end: dt.date) -> int:
    if end <= start:
        return 0
    return workdays.working_days_between(store.load(session, start, end), start, end)


def provisional_years(session: Session, start: dt.date, end: dt.date) -> tuple[int, ...]:
    """The years from ``start`` to ``end`` whose schedule is not yet official."""
    return store.load(session, start, max(start, end)).provisional_years(start, max(start, end))


def check_period(session: Session, start: dt.date, end: dt.date, n: int | None = None, *,
                 keep: bool = False) -> tuple[int, ...]:
    """Raise a ValidationError unless ``end`` is at least ``n`` working days after ``start``; return
    the provisional years the period was counted on. ``keep`` stores missing years first (writers)."""
    n = RULES.publicity_working_days if n is None else n
    cal = calendar_for(session, start, end)
    if keep:
        store.ensure_years(session, range(start.year, cal.last.year + 1))
        cal = calendar_for(session, start, end)
    workdays.check_period(cal, start, end, n)
    return cal.provisional_years(start, end)


def provisional_note(years: tuple[int, ...], lang: str = "zh") -> str:
    """The sentence a notice carries when its period was counted on provisional years."""
    from core.common.i18n import t

    return t("calendar.provisional_note", lang, years=("、" if lang == "zh" else ", ").join(map(str, years)))


def noted(session: Session, body: str, start: dt.date, end: dt.date, lang: str = "zh") -> str:
    """``body`` with the provisional-calendar sentence added when the period is counted on such a year."""
    years = provisional_years(session, start, end)
    return f"{body}\n\n{provisional_note(years, lang)}" if years else body
