"""Excel exports of inboxes and lists: in scope only, personal data masked, every export audited.

rules.md (PIPL): ID numbers and phones are masked in every export, and every export of personal
data is logged — who, what, when, how many rows — and limited to the user's scope. The rows are
read again here through ``core.org.scope.visible_declarations``, so ids a page passes that are outside
the actor's scope are simply not exported, whatever the page asked for.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.common.i18n import t
from core.common.masking import mask_id_number, mask_phone
from core.common.spreadsheet import safe_cell
from core.org.scope import visible_declarations
from core.reporting.stats import CHINA_TZ
from core.workflow import Actor
from core.desks.workspaces import inbox, require
from db.base import utcnow
from db.models import Declaration, Level, Person, Series, Specialty, Unit

MAX_ROWS = 20000
HEADERS = ("col.id", "col.applicant", "export.id_number", "export.phone", "col.unit", "export.year",
           "col.series", "export.specialty", "col.level", "col.state", "col.since")


def _rows(session: Session, actor: Actor, ids: Sequence[int], lang: str) -> list[list]:
    zh = lang == "zh"
    query = (select(Declaration.id, Person.name, Person.id_number, Person.phone, Unit.name, Declaration.year,
                    Series.name_zh if zh else Series.name_en, Specialty.name_zh if zh else Specialty.name_en,
                    Level.name_zh if zh else Level.name_en, Declaration.state, Declaration.state_since)
             .join(Person, Person.id == Declaration.applicant_person_id).join(Unit, Unit.id == Declaration.unit_id)
             .outerjoin(Series, Series.code == Declaration.series_code)
             .outerjoin(Specialty, Specialty.code == Declaration.specialty_code)
             .outerjoin(Level, Level.code == Declaration.level_code)
             .where(Declaration.id.in_(list(ids)), visible_declarations(session, actor)))
    found = {r[0]: r for r in session.execute(query)}
    out = []
    for i in ids:  # keep the page's order
        if i in found:
            d_id, name, id_number, phone, unit, year, series, specialty, level, state, since = found[i]
            out.append([d_id, name, mask_id_number(id_number), mask_phone(phone), unit, year, series or "",
                        specialty or "", level or "", t(f"state.{state}", lang),
                        since.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")])
    return out


def table_workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """One sheet: the headers, then the rows, every cell through safe_cell (also for other tables' exports)."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31] or "export"
    sheet.append([safe_cell(h) for h in headers])
    for row in rows:
        sheet.append([safe_cell(v) for v in row])  # user-typed names never run as formulas
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(str(header)) * 2 + 4)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def declarations_excel(session: Session, actor: Actor, what: str, declaration_ids: Iterable[int], *,
                       lang: str = "zh", now: dt.datetime | None = None) -> bytes:
    """An .xlsx of these declarations (those in the actor's scope), masked; audits the export.

    ``what`` names the list exported (a workspace id, "returned", ...) for the audit row.
    """
    ids = list(dict.fromkeys(int(i) for i in declaration_ids))[:MAX_ROWS]
    rows = _rows(session, actor, ids, lang)
    data = table_workbook(t("export.sheet", lang), [t(h, lang) for h in HEADERS], rows)
    audit.append(session, kind="export", action="excel", at=now or utcnow(), account_id=actor.account_id,
                 role=actor.role, unit_id=actor.unit_id, target=f"list:{what}",
                 detail={"what": what, "rows": len(rows), "requested": len(ids)})
    return data


def inbox_excel(session: Session, actor: Actor, workspace_id: str, *, year: int | None = None,
                level: str | None = None, series: str | None = None, lang: str = "zh",
                now: dt.datetime | None = None) -> bytes:
    """The whole inbox of a workspace (every page, with its filters) as .xlsx, masked and audited."""
    require(actor, workspace_id)
    ids: list[int] = []
    after = None
    while len(ids) < MAX_ROWS:
        page = inbox(session, actor, workspace_id, after=after, limit=500, year=year, level=level, series=series)
        ids.extend(r.id for r in page.rows)
        if page.next_cursor is None:
            break
        after = page.next_cursor
    return declarations_excel(session, actor, workspace_id, ids, lang=lang, now=now)
