"""Everything a declaration lacks before it can be submitted, found in one pass and listed together.

The engine's ``complete`` guard (core.declaring.store.SqlFacts.missing_items) calls
``missing_item_keys``, so submit and resubmit refuse with every missing field, missing module,
invalid row and missing evidence at once, beside the other guards' reasons (pledge, committee,
one active declaration). Pages use ``problems_before_submit`` for the same list with row numbers.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.common.errors import NotFound
from core.common.i18n import t
from core.declaring.modules import required_modules
from core.declaring.record_schema import SCHEMAS, needs_evidence, row_problems
from core.org.scope import visible_declarations
from core.workflow import Actor
from db.models import Attachment, Committee, Declaration, DeclarationRecord, Specialty

_D = Declaration.__table__


@dataclass(frozen=True)
class Problem:
    """One thing to fix: a catalogue key, and the row it concerns (1-based within its module) if any."""

    key: str
    module: str | None = None
    row: int | None = None
    record_id: int | None = None

    def text(self, lang: str = "zh") -> str:
        message = t(self.key, lang)
        return t("problem.at_row", lang, row=self.row, text=message) if self.row else message


def _field_problems(session: Session, d) -> list[Problem]:
    keys = [f"missing.{name}" for name in ("level_code", "series_code", "specialty_code") if not getattr(d, name)]
    if d.specialty_code and session.scalar(select(Specialty.series_code).where(
            Specialty.code == d.specialty_code)) != d.series_code:
        keys.append("problem.specialty_mismatch")
    if d.method == "exceptional" and not (d.exceptional_grounds or "").strip():
        keys.append("missing.exceptional_grounds")
    if d.flow == "review":
        if d.review_type not in ("socialized", "self_review"):
            keys.append("missing.review_type")
        if d.committee_id is None:
            keys.append("missing.committee")
    return [Problem(k) for k in keys]


def _record_problems(session: Session, declaration_id: int) -> tuple[set[str], list[Problem]]:
    """The modules present, and every problem of every row: invalid fields, then missing evidence."""
    files = dict(session.execute(select(Attachment.record_id, func.count()).where(
        Attachment.declaration_id == declaration_id, Attachment.record_id.is_not(None))
        .group_by(Attachment.record_id)).all())
    present: set[str] = set()
    problems: list[Problem] = []
    numbers: dict[str, int] = {}
    for rid, module, data in session.execute(
            select(DeclarationRecord.id, DeclarationRecord.module, DeclarationRecord.data)
            .where(DeclarationRecord.declaration_id == declaration_id)
            .order_by(DeclarationRecord.module, DeclarationRecord.position, DeclarationRecord.id)):
        present.add(module)
        if module not in SCHEMAS:
            continue
        numbers[module] = row = numbers.get(module, 0) + 1
        data = dict(data or {})
        problems += [Problem(key, module, row, rid) for key in row_problems(module, data, strict=True)]
        if needs_evidence(module, data) and not files.get(rid):
            problems.append(Problem(f"rec.{module}.evidence", module, row, rid))
    return present, problems


def declaration_problems(session: Session, declaration_id: int) -> list[Problem]:
    """Every missing or invalid item of a declaration, in form order (no access check: engine and tests)."""
    d = session.execute(select(_D).where(_D.c.id == declaration_id)).first()
    if d is None:
        return []
    problems = _field_problems(session, d)
    committee = session.get(Committee, d.committee_id) if d.committee_id else None
    present, record_problems = _record_problems(session, declaration_id)
    problems += [Problem(f"missing.module.{m}", m) for m in required_modules(d.flow, committee) if m not in present]
    return problems + record_problems


def missing_item_keys(session: Session, declaration_id: int) -> list[str]:
    """The engine's list: each distinct problem key once, in order."""
    return list(dict.fromkeys(p.key for p in declaration_problems(session, declaration_id)))


def problems_before_submit(session: Session, actor: Actor, declaration_id: int) -> list[Problem]:
    """``declaration_problems`` for a declaration the actor may see (NotFound otherwise)."""
    if session.scalar(select(Declaration.id).where(Declaration.id == declaration_id,
                                                   visible_declarations(session, actor))) is None:
        raise NotFound()
    return declaration_problems(session, declaration_id)
