"""Rows of the declaration modules (002 fig. 1-13/1-14): add, edit, remove, and read them with their files.

A row is checked against its module's schema (core.declaring.record_schema) on every save, at the lenient
depth, so a half-filled row can be kept as a draft (暂存); completeness is checked at submit.
Only the owner edits, only while the state allows that module (core.declaring.declarations.editable_declaration).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.declaring.declarations import editable_declaration
from core.declaring.dossier import access_declaration
from core.common.errors import NotFound, ValidationError
from core.common.text import clean_text
from core.declaring.record_schema import MAX_ROWS, SCHEMAS, clean_row, needs_evidence, row_problems
from core.org.scope import visible_declarations
from core.workflow import Actor
from db.base import utcnow
from db.models import Attachment, Declaration, DeclarationRecord, StoredFile


@dataclass(frozen=True)
class EvidenceFile:
    id: int
    name: str  # the original (display) name
    media_type: str
    size: int
    uploaded_at: dt.datetime


@dataclass(frozen=True)
class RecordView:
    id: int
    module: str
    position: int
    data: dict[str, Any]
    files: list[EvidenceFile] = field(default_factory=list)
    needs_evidence: bool = False


def _checked_row(module: str, data: Any, today: dt.date) -> dict[str, Any]:
    if module not in SCHEMAS:
        raise ValidationError("rec.module_unknown")
    if not isinstance(data, dict):
        raise ValidationError("rec.invalid")
    row = clean_row(module, data)
    for value in row.values():
        if isinstance(value, str):
            clean_text(value, "field.record")
    if not row:
        raise ValidationError("rec.empty")
    if problems := row_problems(module, row, strict=False, today=today):
        raise ValidationError("rec.invalid", details=problems)
    return row


def add_record(session: Session, actor: Actor, declaration_id: int, module: str, data: dict[str, Any],
               now: dt.datetime | None = None) -> int:
    """Add a row to a module; returns its id."""
    now = now or utcnow()
    if module not in SCHEMAS:
        raise ValidationError("rec.module_unknown")
    d = editable_declaration(session, actor, declaration_id, module=module)
    row = _checked_row(module, data, now.date())
    count, last = session.execute(select(func.count(), func.max(DeclarationRecord.position)).where(
        DeclarationRecord.declaration_id == d.id, DeclarationRecord.module == module)).one()
    if SCHEMAS[module].single and count:
        raise ValidationError("rec.single")
    if count >= MAX_ROWS:
        raise ValidationError("rec.too_many", max=MAX_ROWS)
    record = DeclarationRecord(declaration_id=d.id, module=module, position=(last or 0) + 1, data=row,
                               created_at=now, updated_at=now)
    session.add(record)
    session.flush()
    _audit(session, actor, d.id, "add_record", now, record)
    return record.id


def owned_record(session: Session, actor: Actor, record_id: int) -> tuple[DeclarationRecord, Declaration]:
    """A row of a declaration the actor may edit in its current state (NotFound when not theirs)."""
    record = session.scalar(select(DeclarationRecord)
                            .join(Declaration, Declaration.id == DeclarationRecord.declaration_id)
                            .where(DeclarationRecord.id == record_id, visible_declarations(session, actor)))
    if record is None:
        raise NotFound()
    return record, editable_declaration(session, actor, record.declaration_id, module=record.module)


def update_record(session: Session, actor: Actor, record_id: int, data: dict[str, Any],
                  now: dt.datetime | None = None) -> None:
    """Replace a row's content with ``data`` (the whole form); its files stay attached."""
    now = now or utcnow()
    record, d = owned_record(session, actor, record_id)
    record.data = _checked_row(record.module, data, now.date())
    record.updated_at = now
    session.flush()
    _audit(session, actor, d.id, "update_record", now, record)


def remove_record(session: Session, actor: Actor, record_id: int, now: dt.datetime | None = None) -> None:
    """Remove a row with its attachments (the stored blobs stay: other rows may share them)."""
    now = now or utcnow()
    record, d = owned_record(session, actor, record_id)
    session.execute(delete(Attachment).where(Attachment.record_id == record.id))
    _audit(session, actor, d.id, "remove_record", now, record)
    session.delete(record)
    session.flush()


def _audit(session: Session, actor: Actor, declaration_id: int, action: str, now: dt.datetime,
           record: DeclarationRecord) -> None:
    audit.append(session, kind="declaration", action=action, at=now, account_id=actor.account_id, role=actor.role,
                 target=f"record:{record.id}", declaration_id=declaration_id, detail={"module": record.module})


def list_records(session: Session, actor: Actor, declaration_id: int) -> dict[str, list[RecordView]]:
    """Every row by module, in order, with its files (display names only); anyone in scope may read."""
    d = access_declaration(session, actor, declaration_id)
    files: dict[int, list[EvidenceFile]] = {}
    for rid, *info in session.execute(
            select(Attachment.record_id, Attachment.id, Attachment.original_name, StoredFile.media_type,
                   StoredFile.size, Attachment.uploaded_at)
            .join(StoredFile, StoredFile.sha256 == Attachment.sha256)
            .where(Attachment.declaration_id == d.id, Attachment.record_id.is_not(None)).order_by(Attachment.id)):
        files.setdefault(rid, []).append(EvidenceFile(*info))
    out: dict[str, list[RecordView]] = {}
    for r in session.scalars(select(DeclarationRecord).where(DeclarationRecord.declaration_id == d.id)
                             .order_by(DeclarationRecord.module, DeclarationRecord.position, DeclarationRecord.id)):
        data = dict(r.data or {})
        out.setdefault(r.module, []).append(RecordView(
            r.id, r.module, r.position, data, files.get(r.id, []),
            needs_evidence(r.module, data) if r.module in SCHEMAS else False))
    return out
