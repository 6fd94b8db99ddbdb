"""A workspace's inbox (待办): the declarations a unit holds in some states, one keyset page at a time.

Pages are ordered by ``(state_since, id)``, oldest first, and continue after a cursor (the last
row's ``(state_since, id)``) instead of an OFFSET, so page 200 costs what page 1 costs. Each
state is read as its own ordered range of ``ix_declaration_inbox`` (holder_unit_id, state,
state_since, id, then year, level_code, series_code so that filters are checked in the index
without touching the table) and limited there; the few rows of every state are merged and
limited again, and only the page's rows are joined to person and unit for their names. No query
scans the holder's whole inbox, however large.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, union_all
from sqlalchemy.orm import Session

from db.models import Declaration, Person, Unit

MAX_LIMIT = 500

Cursor = tuple[dt.datetime, int]


@dataclass(frozen=True)
class InboxRow:
    id: int
    applicant_name: str
    unit_name: str
    series_code: str
    level_code: str
    state: str
    state_since: dt.datetime
    version: int


@dataclass(frozen=True)
class InboxPage:
    rows: list[InboxRow]
    next_cursor: Cursor | None  # pass as ``after`` for the next page; None on the last page


def inbox_page(session: Session, holder_unit_id: int, states: str | Iterable[str], *, after: Cursor | None = None,
               limit: int = 50, year: int | None = None, level: str | None = None,
               series: str | None = None) -> InboxPage:
    """One page of the declarations ``holder_unit_id`` holds in ``states``, oldest first.

    ``after`` is the ``next_cursor`` of the previous page. Filters narrow by year, level and
    series codes. Returns at most ``limit`` rows and the cursor of the next page, if any.
    """
    states = (states,) if isinstance(states, str) else tuple(dict.fromkeys(states))
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not states:
        return InboxPage([], None)
    d = Declaration.__table__
    conditions = [d.c.holder_unit_id == holder_unit_id]
    if year is not None:
        conditions.append(d.c.year == year)
    if level is not None:
        conditions.append(d.c.level_code == level)
    if series is not None:
        conditions.append(d.c.series_code == series)
    if after is not None:
        since, last_id = after
        # The first term is an index range; the second only rejects rows sharing the cursor's timestamp.
        conditions.append(and_(d.c.state_since >= since, or_(d.c.state_since > since, d.c.id > last_id)))

    def one_state(state: str):
        return (select(d.c.id, d.c.state_since).where(d.c.state == state, *conditions)
                .order_by(d.c.state_since, d.c.id).limit(limit + 1))

    if len(states) == 1:
        keys = one_state(states[0]).subquery("page_keys")
    else:
        branches = [select(*sub.c).select_from(sub) for sub in (one_state(s).subquery(f"s{i}")
                                                                 for i, s in enumerate(states))]
        merged = union_all(*branches).subquery("merged")
        keys = (select(merged.c.id, merged.c.state_since).order_by(merged.c.state_since, merged.c.id)
                .limit(limit + 1).subquery("page_keys"))
    p, u = Person.__table__, Unit.__table__
    query = (select(d.c.id, p.c.name.label("applicant_name"), u.c.name.label("unit_name"), d.c.series_code,
                    d.c.level_code, d.c.state, d.c.state_since, d.c.version)
             .select_from(keys.join(d, d.c.id == keys.c.id)
                          .join(p, p.c.id == d.c.applicant_person_id)
                          .join(u, u.c.id == d.c.unit_id))
             .order_by(keys.c.state_since, keys.c.id))
    rows = [InboxRow(*r) for r in session.execute(query)]
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        return InboxPage(rows, (last.state_since, last.id))
    return InboxPage(rows, None)
