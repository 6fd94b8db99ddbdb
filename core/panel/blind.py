"""Blind-review opinions (盲评意见上传, 001 §6.2.10.2): the committee unit uploads, per dossier of a
session, the opinions it received from outside blind reviewers.

A file is checked the way evidence is (core.files.content, core.files.store): its name first, then
content (PDF, JPEG or PNG judged by parsing, never by name) and size (``RULES.upload_max_mb``) before
any blob is written; the original name is display text only. Only the committee unit's operator
uploads, only to a dossier of the session, only until the tally. One audit event per upload.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from core.common.errors import NotFound
from core.files.content import checked_name, display_name
from core.files.store import store_bytes
from core.machines.spec import Actor
from core.panel.access import not_tallied, operated_session
from core.panel.sessions import log
from core.panel.views import dossier_labels, session_dossiers
from db.base import utcnow
from db.models import BlindOpinion
from db.uow import UnitOfWork
from core.refusals import refusals_audited


@dataclass(frozen=True)
class BlindFile:
    id: int
    declaration_id: int
    dossier: str          # applicant and unit: the committee unit sees names
    name: str
    size: int
    uploaded_at: dt.datetime


@refusals_audited
def upload(uow: UnitOfWork, actor: Actor, session_id: int, declaration_id: int, filename: str, data: bytes) -> int:
    """Store one blind-review opinion for a dossier of the session; returns its id. All or nothing."""
    name = checked_name(filename)
    now = utcnow()
    with uow.write() as s:
        panel = operated_session(s, actor, session_id)
        not_tallied(panel)
        if declaration_id not in session_dossiers(s, panel.id):
            raise NotFound()
        stored = store_bytes(s, data)  # checks emptiness, size and content before writing anything
        row = BlindOpinion(session_id=panel.id, declaration_id=declaration_id, sha256=stored.sha256,
                           display_name=display_name(name, stored.media_type), size=stored.size,
                           uploaded_by=actor.account_id, uploaded_at=now)
        s.add(row)
        s.flush()
        log(s, actor, "blind_upload", f"panel_session:{panel.id}", now, declaration_id=declaration_id,
            opinion=row.id, sha256=stored.sha256, size=stored.size)
        return row.id


@refusals_audited
def list_for(uow: UnitOfWork, actor: Actor, session_id: int) -> list[BlindFile]:
    """The session's blind-review opinions, by dossier then upload order (committee unit only)."""
    with uow.read() as s:
        panel = operated_session(s, actor, session_id)
        rows = s.execute(select(BlindOpinion.id, BlindOpinion.declaration_id, BlindOpinion.display_name,
                                BlindOpinion.size, BlindOpinion.uploaded_at)
                         .where(BlindOpinion.session_id == panel.id)
                         .order_by(BlindOpinion.declaration_id, BlindOpinion.id)).all()
        labels = dossier_labels(s, sorted({r[1] for r in rows}), blind=False)
        return [BlindFile(i, d, labels[d].label if d in labels else f"#{d}", n, size, at)
                for i, d, n, size, at in rows]
