"""The one read path for lists of declarations: scope, filters, keyset pages, typed rows, page actions.

Every workspace list is a :class:`Scope` (a WHERE clause saying which declarations this actor may
list, plus the states listed) narrowed by :class:`Filters` and read one keyset page at a time by
:func:`page`, ordered by ``(state_since, id)``, oldest first. A page continues after a cursor (the
last row's ``(state_since, id)``) instead of an OFFSET, so page 200 costs what page 1 costs.

Each listed state is read as its own ordered range (for a holder's inbox, a range of
``ix_declaration_inbox``: holder_unit_id, state, state_since, id, then year, level_code,
series_code, so filters are checked in the index) and limited there; the few rows of every state
are merged and limited again, and only the page's rows are joined to person and unit for their
names. No query scans the whole scope, however large. :func:`count` counts the same scope (to-do
numbers); :func:`numbered` gives numbered pages with a total to the work lists that sort by any
column and show "page n of m" (core.desks.worklists).

:func:`page_actions` gives the engine's options for every row of a page at once
(``core.workflow.available_actions_for_page`` over ``core.declaring.page_facts.PageFacts``): one query
for the snapshots, one for the rows' last steps, and guards only where a row may take the action.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union_all
from sqlalchemy.orm import Session

from core.common.config import local_date
from core.workflow import Actor, Option, available_actions_for_page
from core.declaring.page_facts import PageFacts, load_snapshots
from core.declaring.store import SqlStore
from db.base import utcnow
from db.models import Declaration, Person, Unit

MAX_LIMIT = 500

Cursor = tuple[dt.datetime, int]

_D = Declaration.__table__


@dataclass(frozen=True)
class Scope:
    """Which declarations a list may show: ``where`` and, unless ``states`` is None, one of ``states``."""

    where: ColumnElement[bool]
    states: tuple[str, ...] | None = None

    @classmethod
    def held(cls, unit_id: int, states: str | Iterable[str]) -> Scope:
        """What a unit holds in these states (an inbox: ``ix_declaration_inbox`` answers it)."""
        return cls(_D.c.holder_unit_id == unit_id, _states(states))

    @classmethod
    def of(cls, clause: ColumnElement[bool], states: str | Iterable[str] | None = None) -> Scope:
        """Any WHERE clause (e.g. core.org.scope.visible_declarations), in these states or in any."""
        return cls(clause, None if states is None else _states(states))

    def clause(self) -> ColumnElement[bool]:
        """The scope as one WHERE clause (for counts and for lists joined to more than declarations)."""
        return self.where if self.states is None else and_(self.where, _D.c.state.in_(self.states))


def _states(states: str | Iterable[str]) -> tuple[str, ...]:
    return (states,) if isinstance(states, str) else tuple(dict.fromkeys(states))


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the list to (None: any)."""

    year: int | None = None
    level: str | None = None
    series: str | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        pairs = ((_D.c.year, self.year), (_D.c.level_code, self.level), (_D.c.series_code, self.series))
        return [column == value for column, value in pairs if value is not None]


@dataclass(frozen=True)
class Row:
    id: int
    applicant_name: str
    unit_name: str
    series_code: str
    level_code: str
    state: str
    state_since: dt.datetime
    version: int


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    next_cursor: Cursor | None  # pass as ``after`` for the next page; None on the last page
    actions: dict[int, list[Option]] = field(default_factory=dict)  # by row id, when asked for


def clamp(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def after_clause(after: Cursor | None) -> list[ColumnElement[bool]]:
    """Rows after the cursor; the first term is an index range, the second only rejects ties before it."""
    if after is None:
        return []
    since, last_id = after
    return [and_(_D.c.state_since >= since, or_(_D.c.state_since > since, _D.c.id > last_id))]


def _page_keys(scope: Scope, conditions: list, size: int):
    """The ids and timestamps of the page (plus one), each state read and limited as its own range."""
    def one(state: str | None):
        where = [_D.c.state == state] if state is not None else []
        return (select(_D.c.id, _D.c.state_since).where(*where, scope.where, *conditions)
                .order_by(_D.c.state_since, _D.c.id).limit(size))

    states = scope.states if scope.states is not None else (None,)
    if len(states) == 1:
        return one(states[0]).subquery("page_keys")
    branches = [select(*sub.c).select_from(sub) for sub in (one(s).subquery(f"s{i}") for i, s in enumerate(states))]
    merged = union_all(*branches).subquery("merged")
    return (select(merged.c.id, merged.c.state_since).order_by(merged.c.state_since, merged.c.id)
            .limit(size).subquery("page_keys"))


def page(session: Session, scope: Scope, filters: Filters = Filters(), *, after: Cursor | None = None,
         limit: int = 50, actor: Actor | None = None, today: dt.date | None = None) -> Page:
    """One page of the scope's declarations, oldest first; with ``actor`` (and ``today``), the page's
    actions too (:func:`page_actions`)."""
    limit = clamp(limit)
    if scope.states == ():
        return Page([], None)
    keys = _page_keys(scope, [*filters.clauses(), *after_clause(after)], limit + 1)
    p, u = Person.__table__, Unit.__table__
    query = (select(_D.c.id, p.c.name, u.c.name, _D.c.series_code, _D.c.level_code, _D.c.state,
                    _D.c.state_since, _D.c.version)
             .select_from(keys.join(_D, _D.c.id == keys.c.id).join(p, p.c.id == _D.c.applicant_person_id)
                          .join(u, u.c.id == _D.c.unit_id))
             .order_by(keys.c.state_since, keys.c.id))
    rows = [Row(*r) for r in session.execute(query)]
    cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        cursor = (rows[-1].state_since, rows[-1].id)
    actions = page_actions(session, actor, [r.id for r in rows], today) if actor is not None else {}
    return Page(rows, cursor, actions)


def count(session: Session, scope: Scope, filters: Filters = Filters()) -> int:
    """How many declarations the scope lists (to-do counts)."""
    if scope.states == ():
        return 0
    return int(session.scalar(select(func.count()).select_from(_D).where(scope.clause(), *filters.clauses())) or 0)


def numbered(session: Session, query: Select, order: Iterable, page_no: int, size: int) -> tuple[list, int]:
    """One numbered page of any select, with the total: for work lists that sort by any column and show
    "page n of m" (core.desks.worklists), whose length one unit's own decisions bound. Inboxes, which
    may hold anything a province sends, use :func:`page` (keyset) instead."""
    size = max(1, int(size))
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.execute(query.order_by(*order).offset(max(0, int(page_no)) * size).limit(size)).all()
    return list(rows), int(total)


def page_actions(session: Session, actor: Actor, ids: Iterable[int],
                 today: dt.date | None = None) -> dict[int, list[Option]]:
    """The engine's options for each of these declarations, computed for them all at once; equal to
    ``core.declaring.transitions.options`` row by row (a missing id gets no entry)."""
    snapshots = load_snapshots(session, list(ids))
    if not snapshots:
        return {}
    store = SqlStore(session)
    store.facts = PageFacts(session, snapshots)
    return available_actions_for_page(store, actor, snapshots, today or local_date(utcnow()))
