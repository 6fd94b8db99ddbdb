"""Evidence files on declaration rows: upload, remove, and open for viewing or download.

Every check runs before anything is written (rules.md, Files): the name (``core.files.content.checked_name``:
no path characters, no control characters, bounded length), the row and the state, then content and size in
``core.files.store.store_bytes``, which writes the blob under its SHA-256 only once the bytes are
known to be a clean PDF, JPEG or PNG. A refused file therefore leaves no row and no blob. The original
(Chinese) name is display text only. Opening a file is checked against the declaration scope of
``core.org.scope`` — a file outside it is "not found", exactly like a missing one — and audited.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.declaring.records import owned_record
from core.common.errors import Forbidden, NotFound, ValidationError
from core.files.content import checked_name, display_name
from core.files.store import read_blob, store_bytes
from core.declaring.record_schema import accepts_evidence
from core.org.scope import visible_declarations
from core.declaring.transitions import record_denial
from core.workflow import Actor
from db.base import utcnow
from db.models import Attachment, Declaration, StoredFile
from db.uow import UnitOfWork
from core.refusals import refusals_audited

MAX_FILES_PER_ROW = 10


def attach_evidence(session: Session, actor: Actor, declaration_id: int, record_id: int, filename: str,
                    data: bytes, now: dt.datetime | None = None) -> int:
    """Store an uploaded file as evidence of one row; returns the attachment id. All or nothing."""
    now = now or utcnow()
    name = checked_name(filename)
    record, d = owned_record(session, actor, record_id)
    if d.id != declaration_id:
        raise NotFound()
    if not accepts_evidence(record.module):
        raise ValidationError("file.no_evidence")
    if session.scalar(select(func.count()).where(Attachment.record_id == record.id)) >= MAX_FILES_PER_ROW:
        raise ValidationError("file.too_many", max=MAX_FILES_PER_ROW)
    stored = store_bytes(session, data)  # checks emptiness, size and content before writing anything
    attachment = Attachment(declaration_id=d.id, record_id=record.id,
                            purpose="supplement" if record.module == "supplement" else "evidence",
                            sha256=stored.sha256, original_name=display_name(name, stored.media_type),
                            uploaded_by=actor.account_id, uploaded_at=now)
    session.add(attachment)
    session.flush()
    _audit(session, actor, d.id, "attach_evidence", now, attachment)
    return attachment.id


def remove_evidence(session: Session, actor: Actor, attachment_id: int, now: dt.datetime | None = None) -> None:
    """Remove a file from a row the actor may still edit (the blob stays: it may be shared)."""
    now = now or utcnow()
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.record_id is None:
        raise NotFound()
    owned_record(session, actor, attachment.record_id)
    _audit(session, actor, attachment.declaration_id, "remove_evidence", now, attachment)
    session.delete(attachment)
    session.flush()


def open_evidence(session: Session, actor: Actor, attachment_id: int,
                  now: dt.datetime | None = None) -> tuple[str, str, bytes]:
    """(display name, media type, bytes) of a file on a declaration in the actor's scope; audited."""
    row = session.execute(
        select(Attachment, StoredFile.media_type)
        .join(Declaration, Declaration.id == Attachment.declaration_id)
        .join(StoredFile, StoredFile.sha256 == Attachment.sha256)
        .where(Attachment.id == attachment_id, visible_declarations(session, actor))).first()
    if row is None:
        raise NotFound()
    attachment, media_type = row
    data = read_blob(attachment.sha256)
    _audit(session, actor, attachment.declaration_id, "open_evidence", now or utcnow(), attachment,
           kind="download")
    return attachment.original_name, media_type, data


@refusals_audited
def fetch_evidence(uow: UnitOfWork, actor: Actor, attachment_id: int) -> tuple[str, str, bytes]:
    """``open_evidence`` as one transaction for a download button; a refusal is audited as a denial."""
    try:
        with uow.write() as session:
            return open_evidence(session, actor, attachment_id)
    except (NotFound, Forbidden) as error:
        with uow.write() as session:
            record_denial(session, actor, f"attachment:{attachment_id}", "open_evidence", error)
        raise


def _audit(session: Session, actor: Actor, declaration_id: int | None, action: str, now: dt.datetime,
           attachment: Attachment, kind: str = "declaration") -> None:
    audit.append(session, kind=kind, action=action, at=now, account_id=actor.account_id, role=actor.role,
                 unit_id=actor.unit_id, target=f"attachment:{attachment.id}", declaration_id=declaration_id,
                 detail={"record_id": attachment.record_id, "sha256": attachment.sha256})
