"""The lists around a unit's inbox: verification by status, what it returned, what it may withdraw.

* ``verification_list``: 002 fig. 2-6 — pending / passed / failed, filtered by year, level and series,
  sorted and paged in SQL. "Passed" and "failed" are read from the unit's own latest verification
  decision in the audit trail (the declaration's timeline), so nothing is stored twice. Rows carry
  ``is_supplement``: declarations back from a failed policy review, which go straight to
  re-examination when approved (001 §6.2.1 B; the engine's ``supplement_verify`` row).
* ``returned_list``: 流程退回处理 (000 §6.3) — declarations now ``returned`` that the unit sent back or
  that belong to it, with the reason of the return as the applicant sees it.
* ``withdrawable_list``: 撤回材料 — declarations whose last step this unit took and the next holder has
  not acted on yet; the engine's ``withdraw`` option decides, this only finds candidates.

Scope, filters, numbered pages and the engine's options for a whole page come from the one read path
(core.desks.listing); these lists add the audit-trail joins and the sorts the verification screen offers.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from core.org.scope import require_operator
from core.common.errors import ValidationError
from core.desks.listing import Filters, Scope, numbered, page_actions
from core.workflow import OPERATORS, TERMINAL, Actor
from db.models import AuditEvent, Declaration, Person, Unit

VERIFY_STATES = ("unit_verify", "supplement_verify")
STATUSES = ("pending", "passed", "failed")
MAX_PAGE = 200


@dataclass(frozen=True)
class WorkRow:
    id: int
    applicant_name: str
    unit_name: str
    year: int
    series_code: str
    level_code: str
    state: str
    state_since: dt.datetime
    version: int
    is_supplement: bool
    submitted_at: dt.datetime | None
    last_action: str | None = None     # the step the list is about (decision, return, withdrawable step)
    last_at: dt.datetime | None = None
    last_comment: str | None = None    # its reason / opinion
    last_unit_name: str | None = None  # who took it


@dataclass(frozen=True)
class WorkPage:
    rows: list[WorkRow]
    total: int


_BASE_COLUMNS = (Declaration.id, Person.name, Unit.name, Declaration.year, Declaration.series_code,
                 Declaration.level_code, Declaration.state, Declaration.state_since, Declaration.version,
                 Declaration.is_supplement, Declaration.submitted_at)
SORTS = {"since": Declaration.state_since, "submitted": Declaration.submitted_at, "name": Person.name,
         "year": Declaration.year, "level": Declaration.level_code, "series": Declaration.series_code,
         "id": Declaration.id}


def _base(*extra) -> Select:
    return (select(*_BASE_COLUMNS, *extra).join(Person, Person.id == Declaration.applicant_person_id)
            .join(Unit, Unit.id == Declaration.unit_id))


def _filtered(query: Select, year: int | None, level: str | None, series: str | None) -> Select:
    return query.where(*Filters(year, level, series).clauses())  # the listing layer's filters


def _page(session: Session, query: Select, sort: str, descending: bool, page: int, page_size: int) -> WorkPage:
    if sort not in SORTS:
        raise ValidationError("worklist.bad_sort")
    column = SORTS[sort]
    order = (column.desc(), Declaration.id.desc()) if descending else (column.asc(), Declaration.id.asc())
    rows, total = numbered(session, query, order, page, min(int(page_size), MAX_PAGE))
    return WorkPage([WorkRow(*r) for r in rows], total)


def _last_events(unit_id: int, **conditions):
    """Per declaration, the id of its latest transition event by this unit matching ``conditions``."""
    where = [AuditEvent.kind == "transition", AuditEvent.declaration_id.is_not(None), AuditEvent.unit_id == unit_id]
    for name, values in conditions.items():
        where.append(getattr(AuditEvent, name).in_(values))
    return (select(AuditEvent.declaration_id, func.max(AuditEvent.id).label("event_id"))
            .where(*where).group_by(AuditEvent.declaration_id).subquery())


def _latest_event_id():
    """The declaration's latest transition event id (correlated; ix_audit_declaration answers it)."""
    return (select(func.max(AuditEvent.id)).where(AuditEvent.declaration_id == Declaration.id,
                                                  AuditEvent.kind == "transition")
            .correlate(Declaration).scalar_subquery())


def _with_event(event_id, via=None) -> tuple[Select, type]:
    """``_base`` plus one audit event's columns (action, time, comment, acting unit), joined after ``via``."""
    event, by = aliased(AuditEvent), aliased(Unit)
    query = _base(event.action, event.at, event.comment, by.name)
    if via is not None:
        query = query.join(via, via.c.declaration_id == Declaration.id)
    return query.join(event, event.id == event_id).outerjoin(by, by.id == event.unit_id), event


def verification_list(session: Session, actor: Actor, status: str = "pending", *, year: int | None = None,
                      level: str | None = None, series: str | None = None, sort: str = "since",
                      descending: bool = False, page: int = 0, page_size: int = 50) -> WorkPage:
    """The unit's verification work by status (待审核 / 审核通过 / 审核不通过), one page."""
    unit_id = require_operator(actor, {"unit_operator"})
    if status not in STATUSES:
        raise ValidationError("worklist.bad_status")
    if status == "pending":
        query = _base().where(Scope.held(unit_id, VERIFY_STATES).clause())
    else:
        last = _last_events(unit_id, from_state=VERIFY_STATES, action=("approve", "reject"))
        wanted = "approve" if status == "passed" else "reject"
        query, event = _with_event(last.c.event_id, via=last)
        query = query.where(event.action == wanted, Declaration.state.not_in(VERIFY_STATES))
    return _page(session, _filtered(query, year, level, series), sort, descending, page, page_size)


def returned_list(session: Session, actor: Actor, *, year: int | None = None, level: str | None = None,
                  series: str | None = None, sort: str = "since", descending: bool = True, page: int = 0,
                  page_size: int = 50) -> WorkPage:
    """Declarations now returned to the applicant that this unit returned or that are its own (流程退回处理)."""
    unit_id = require_operator(actor, OPERATORS)
    query, event = _with_event(_latest_event_id())
    query = query.where(Declaration.state == "returned", or_(Declaration.unit_id == unit_id, event.unit_id == unit_id))
    return _page(session, _filtered(query, year, level, series), sort, descending, page, page_size)


def withdrawable_list(session: Session, actor: Actor, *, limit: int = 50,
                      today: dt.date | None = None) -> list[WorkRow]:
    """Declarations this actor's unit may pull back now (撤回材料), newest step first."""
    unit_id = require_operator(actor, OPERATORS)
    mine = _last_events(unit_id, role=(actor.role,))
    query, _ = _with_event(mine.c.event_id, via=mine)
    query = (query.where(mine.c.event_id == _latest_event_id(), Declaration.state.not_in(TERMINAL))
             .order_by(mine.c.event_id.desc()).limit(max(1, min(limit, MAX_PAGE))))
    rows = [WorkRow(*r) for r in session.execute(query)]
    offered = page_actions(session, actor, [r.id for r in rows], today)  # the engine decides, for the page at once
    return [r for r in rows if any(o.action == "withdraw" for o in offered.get(r.id, []))]
