"""Time for the demo: China Standard Time, official working days, office hours.

Histories are planned backwards from "now" (see core.setup.demo.plan), so every helper here answers
"the latest suitable moment not after t": an operator acts on a working day in office hours, an
applicant any day from morning to late evening; a publicity runs five working days and ends before
the day it is completed. Working days come from the ``chinese-calendar`` package (make-up
weekends included); outside its years, Monday to Friday.
"""
from __future__ import annotations

import datetime as dt
import random

import chinese_calendar

CST = dt.timezone(dt.timedelta(hours=8))
OFFICE = (dt.time(8, 40), dt.time(17, 20))
EVENING = (dt.time(7, 30), dt.time(22, 50))


def is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def local(t: dt.datetime) -> dt.datetime:
    return t.astimezone(CST)


def local_date(t: dt.datetime) -> dt.date:
    return t.astimezone(CST).date()


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A local wall-clock moment, as an aware datetime (stored as UTC by the models)."""
    return dt.datetime.combine(day, dt.time(hour, minute), CST)


def workday_on_or_before(day: dt.date) -> dt.date:
    while not is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def workdays_back(day: dt.date, count: int) -> dt.date:
    """The working day ``count`` working days before ``day`` (a working day itself)."""
    day = workday_on_or_before(day)
    for _ in range(count):
        day = workday_on_or_before(day - dt.timedelta(days=1))
    return day


def workdays_forward(day: dt.date, count: int) -> dt.date:
    while not is_workday(day):
        day += dt.timedelta(days=1)
    for _ in range(count):
        day += dt.timedelta(days=1)
        while not is_workday(day):
            day += dt.timedelta(days=1)
    return day


def _latest_in_window(t: dt.datetime, window: tuple[dt.time, dt.time], rng: random.Random, workdays: bool) -> dt.datetime:
    """The latest moment ≤ t inside the daily window (on a working day if asked), minus a little jitter."""
    lt = local(t)
    day = lt.date()
    start, end = window
    if lt.time() < start or (workdays and not is_workday(day)):
        day = workday_on_or_before(day - dt.timedelta(days=1)) if workdays else day - dt.timedelta(days=1)
        lt = dt.datetime.combine(day, end, CST)
    elif lt.time() > end:
        lt = dt.datetime.combine(day, end, CST)
    floor = dt.datetime.combine(lt.date(), start, CST)
    jitter = dt.timedelta(minutes=rng.uniform(0, 95))
    return max(floor, lt - jitter)


def office_time(t: dt.datetime, rng: random.Random) -> dt.datetime:
    """An operator's moment: office hours on a working day, not after t."""
    return _latest_in_window(t, OFFICE, rng, workdays=True)


def personal_time(t: dt.datetime, rng: random.Random) -> dt.datetime:
    """An applicant's moment: any day, morning to late evening, not after t."""
    return _latest_in_window(t, EVENING, rng, workdays=False)


def days(rng: random.Random, low: float, high: float) -> dt.timedelta:
    return dt.timedelta(days=rng.uniform(low, high))


def publicity_window(done: dt.datetime, *, end_weekday: int, rng: random.Random,
                     working_days: int = 5) -> tuple[dt.date, dt.date]:
    """(starts_on, ends_on) of a publicity completed at ``done``: it ended before that day.

    Each owner publishes on its own weekly rhythm (its batches end on ``end_weekday``), so one
    batch carries all the dossiers the owner had ready that week.
    """
    end = local_date(done) - dt.timedelta(days=1 + (rng.random() < 0.35))
    while end.weekday() != end_weekday:
        end -= dt.timedelta(days=1)
    end = workday_on_or_before(end)
    return workdays_back(end, working_days - 1), end


def running_window(entered: dt.datetime, today: dt.date, working_days: int = 5) -> tuple[dt.date, dt.date]:
    """A publicity opened the working day after ``entered`` (and not after today): still running."""
    start = workdays_forward(local_date(entered) + dt.timedelta(days=1), 0)
    start = min(start, today)
    return start, workdays_forward(start, working_days - 1)
