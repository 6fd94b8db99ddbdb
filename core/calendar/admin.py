"""The provincial HR bureau's admin keeps the calendar: enters the State Council's schedule of a year
(holidays and make-up working days, added or removed one date at a time) and confirms it as official.

Only the admin (``unit_admin``) of the active provincial HR bureau may change it; anyone else gets
the not-found error, like every other refused admin action. Each change is one ``do_*`` call that
writes its audit event in the same transaction. The year's status is a machine of the one engine
(core.machines.calendar_year): confirming is its ``confirm``, and changing a date of an official year
also performs its ``reopen`` (the year is provisional again, with its own event): a confirmation
vouches for exactly the dates it saw.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.calendar import store
from core.common.errors import NotFound, ValidationError
from core.common.text import clean_line, clean_text
from core.machines.calendar_year import NAME as MACHINE, keeps_calendar
from core.workflow import Actor, available_actions, perform
from core.workflow_store import OrgFacts, RecordStore
from db.base import utcnow
from db.models import Account, CalendarDay, CalendarYear
from db.models.calendar import DAY_KINDS

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_NAME, MAX_SOURCE = 100, 200


def may_edit(session: Session, actor: Actor | None) -> bool:
    """Whether the actor is the admin of the active provincial HR bureau (the calendar machine's rule)."""
    return keeps_calendar(actor, OrgFacts(session))


def may_confirm(session: Session, actor: Actor | None, year: int, today: dt.date) -> bool:
    """Whether the engine offers this actor to confirm the year now (a provisional year, its keeper)."""
    if actor is None or session.get(CalendarYear, year) is None:
        return False
    options = available_actions(RecordStore(session, MACHINE), actor, year, today)
    return any(o.action == "confirm" and not o.blocked for o in options)


def _require_editor(session: Session, actor: Actor) -> None:
    if not may_edit(session, actor):
        raise NotFound()


def _check_year(year: int) -> int:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError("calendar.year_invalid", first=FIRST_YEAR, last=LAST_YEAR)
    return year


def _audit(session: Session, actor: Actor, action: str, year: int, now: dt.datetime, **detail) -> None:
    audit.append(session, kind="admin", action=action, at=now, account_id=actor.account_id, role=actor.role,
                 unit_id=actor.unit_id, target=f"calendar:{year}", detail=detail)


def _year_row(session: Session, year: int, now: dt.datetime) -> CalendarYear:
    store.ensure_years(session, [year], now)
    return session.get(CalendarYear, year, with_for_update=True)


def _changed(session: Session, actor: Actor, row: CalendarYear, day: dt.date, now: dt.datetime) -> None:
    """After a date of the year changed: an official year is reopened (the engine writes its status and
    its event); a provisional one only records when it changed."""
    if row.status == "official":
        perform(RecordStore(session, MACHINE), actor, row.year, "reopen", now=now, note={"day": day.isoformat()})
    else:
        row.updated_at = now


def do_add_year(session: Session, actor: Actor, year: int, now: dt.datetime | None = None) -> bool:
    """Store a year (from its source) so its dates can be entered; False if it was there already."""
    now = now or utcnow()
    _require_editor(session, actor)
    added = bool(store.ensure_years(session, [_check_year(year)], now))
    row = session.get(CalendarYear, year)
    _audit(session, actor, "calendar_add_year", year, now, added=added, status=row.status, source=row.source)
    return added


def do_set_day(session: Session, actor: Actor, day: dt.date, kind: str, name: str = "",
               now: dt.datetime | None = None) -> None:
    """List ``day`` as a holiday or a make-up working day (replacing what it was)."""
    now = now or utcnow()
    _require_editor(session, actor)
    name = clean_line(name, "field.day_name")
    if kind not in DAY_KINDS:
        raise ValidationError("calendar.kind_invalid")
    if len(name) > MAX_NAME:
        raise ValidationError("calendar.name_too_long", max=MAX_NAME)
    row = _year_row(session, _check_year(day.year), now)
    listed = session.get(CalendarDay, day)
    before = None if listed is None else listed.kind
    if listed is None:
        session.add(CalendarDay(day=day, year=day.year, kind=kind, name=name))
    else:
        listed.kind, listed.name = kind, name
    session.flush()
    _audit(session, actor, "calendar_set_day", day.year, now, day=day.isoformat(), kind=kind, name=name,
           before=before)
    _changed(session, actor, row, day, now)


def do_remove_day(session: Session, actor: Actor, day: dt.date, now: dt.datetime | None = None) -> None:
    """Make ``day`` an ordinary day again (a working day Monday to Friday)."""
    now = now or utcnow()
    _require_editor(session, actor)
    row = _year_row(session, _check_year(day.year), now)
    listed = session.get(CalendarDay, day)
    if listed is None:
        raise ValidationError("calendar.day_not_listed", day=day.isoformat())
    before = listed.kind
    session.delete(listed)
    session.flush()
    _audit(session, actor, "calendar_remove_day", day.year, now, day=day.isoformat(), before=before)
    _changed(session, actor, row, day, now)


def do_confirm_year(session: Session, actor: Actor, year: int, source: str, now: dt.datetime | None = None) -> None:
    """Confirm the year's listed dates as the State Council's official schedule (``source``: the notice)."""
    now = now or utcnow()
    _require_editor(session, actor)
    source = clean_text(source, "field.source")
    if not 2 <= len(source) <= MAX_SOURCE:
        raise ValidationError("calendar.source_invalid", max=MAX_SOURCE)
    _year_row(session, _check_year(year), now)
    days = session.scalar(select(func.count()).select_from(CalendarDay).where(CalendarDay.year == year))
    perform(RecordStore(session, MACHINE), actor, year, "confirm", {"source": source, "confirmed_by": actor.account_id},
            now=now, note={"days": int(days or 0)})


# --- read side -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class YearRow:
    year: int
    status: str
    source: str
    confirmed_by: str | None
    confirmed_at: dt.datetime | None
    holidays: int
    workdays: int


@dataclass(frozen=True)
class DayRow:
    day: dt.date
    kind: str
    name: str


def list_years(session: Session) -> list[YearRow]:
    """Every stored year, newest first, with who confirmed it and how many dates of each kind it lists."""
    count = lambda kind: func.count(CalendarDay.day).filter(CalendarDay.kind == kind)  # noqa: E731
    query = (select(CalendarYear.year, CalendarYear.status, CalendarYear.source, Account.display_name,
                    CalendarYear.confirmed_at, count("holiday"), count("workday"))
             .outerjoin(Account, Account.id == CalendarYear.confirmed_by)
             .outerjoin(CalendarDay, CalendarDay.year == CalendarYear.year)
             .group_by(CalendarYear.year, CalendarYear.status, CalendarYear.source, Account.display_name,
                       CalendarYear.confirmed_at)
             .order_by(CalendarYear.year.desc()))
    return [YearRow(*r) for r in session.execute(query)]


def list_days(session: Session, year: int) -> list[DayRow]:
    return [DayRow(*r) for r in session.execute(select(CalendarDay.day, CalendarDay.kind, CalendarDay.name)
                                                .where(CalendarDay.year == year).order_by(CalendarDay.day))]
