"""A workspace's inbox (待办): the declarations a unit holds in some states, one keyset page at a time.

The name pages, exports and the benchmark know; the paging itself is the one read path's
(core.desks.listing): ordered by ``(state_since, id)``, oldest first, each state read as its own
range of ``ix_declaration_inbox`` and limited there, names joined for the page's rows only.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from core.desks.listing import MAX_LIMIT, Cursor, Filters, Page, Row, Scope, page

__all__ = ["MAX_LIMIT", "Cursor", "InboxPage", "InboxRow", "inbox_page"]

InboxRow = Row
InboxPage = Page


def inbox_page(session: Session, holder_unit_id: int, states: str | Iterable[str], *, after: Cursor | None = None,
               limit: int = 50, year: int | None = None, level: str | None = None,
               series: str | None = None) -> InboxPage:
    """One page of the declarations ``holder_unit_id`` holds in ``states``, oldest first.

    ``after`` is the ``next_cursor`` of the previous page. Filters narrow by year, level and
    series codes. Returns at most ``limit`` rows and the cursor of the next page, if any.
    """
    return page(session, Scope.held(holder_unit_id, states), Filters(year, level, series), after=after, limit=limit)
