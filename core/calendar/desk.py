"""What the pages ask of the calendar, one session each: the earliest end of a publicity and whether a
period is provisional (reads), the admin page's lists and changes (one transaction per click), and the
start-up fill of the years ahead."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.calendar import admin, service, store
from core.common import config
from core.workflow import Actor
from db.uow import UnitOfWork
from core.refusals import refusals_audited



@dataclass(frozen=True)
class End:
    """The earliest valid end of a publicity, and the provisional years it was counted on."""

    day: dt.date
    provisional: tuple[int, ...]


def earliest_end(uow: UnitOfWork, start: dt.date) -> End:
    with uow.read() as session:
        end = service.earliest_end(session, start)
        return End(end, service.provisional_years(session, start, end))


def provisional_years(uow: UnitOfWork, start: dt.date, end: dt.date) -> tuple[int, ...]:
    with uow.read() as session:
        return service.provisional_years(session, start, end)


def provisional_between(uow: UnitOfWork, first_year: int, last_year: int) -> frozenset[int]:
    """The provisional years from ``first_year`` to ``last_year`` (for marking a list of batches)."""
    with uow.read() as session:
        return store.provisional_years(session, first_year, last_year)


def fill_ahead(uow: UnitOfWork, today: dt.date) -> list[int]:
    """At start: store every year not yet stored, up to ``store.YEARS_AHEAD`` years after today."""
    with uow.write() as session:
        return store.ensure_years(session, store.seed_range(today))


# --- the admin page ------------------------------------------------------------------------------

@refusals_audited
def may_edit(uow: UnitOfWork, actor: Actor) -> bool:
    with uow.read() as session:
        return admin.may_edit(session, actor)


@refusals_audited
def may_confirm(uow: UnitOfWork, actor: Actor, year: int) -> bool:
    with uow.read() as session:
        return admin.may_confirm(session, actor, year, config.today())


def years(uow: UnitOfWork) -> list[admin.YearRow]:
    with uow.read() as session:
        return admin.list_years(session)


def days(uow: UnitOfWork, year: int) -> list[admin.DayRow]:
    with uow.read() as session:
        return admin.list_days(session, year)


@refusals_audited
def add_year(uow: UnitOfWork, actor: Actor, year: int) -> bool:
    with uow.write() as session:
        return admin.do_add_year(session, actor, year)


@refusals_audited
def set_day(uow: UnitOfWork, actor: Actor, day: dt.date, kind: str, name: str) -> None:
    with uow.write() as session:
        admin.do_set_day(session, actor, day, kind, name)


@refusals_audited
def remove_day(uow: UnitOfWork, actor: Actor, day: dt.date) -> None:
    with uow.write() as session:
        admin.do_remove_day(session, actor, day)


@refusals_audited
def confirm_year(uow: UnitOfWork, actor: Actor, year: int, source: str) -> None:
    with uow.write() as session:
        admin.do_confirm_year(session, actor, year, source)
