"""The read side of one declaration for a workspace: the dossier and its timeline (追踪).

``access_declaration`` fetches and authorises in one call through ``core.org.scope.visible_declarations``:
a declaration that is missing and one outside the actor's scope raise the same ``NotFound``.
Personal data leaves this module masked (core.common.masking); attachments are listed by display name only.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.errors import NotFound
from core.common.masking import mask_id_number, mask_phone
from core.org.scope import visible_declarations
from core.workflow import APPLICANT_HELD, TERMINAL, Actor
from db.models import (Attachment, AuditEvent, Committee, Declaration, DeclarationRecord, Level, Person, Series,
                       Specialty, Unit)

Names = tuple[str, str]  # (zh, en)


@dataclass(frozen=True)
class TimelineEvent:
    at: dt.datetime
    action: str
    from_state: str | None
    to_state: str | None
    role: str | None
    unit_name: str | None
    comment: str | None


@dataclass(frozen=True)
class Dossier:
    id: int
    version: int
    flow: str
    state: str
    state_since: dt.datetime
    year: int
    applicant_name: str
    id_number: str  # masked
    phone: str  # masked
    unit_name: str
    series: Names
    specialty: Names | None
    level: Names
    method: str
    review_type: str | None
    committee_name: str | None
    holder_name: str | None  # the unit holding it now; None when the applicant or nobody holds it
    held_by_applicant: bool
    finished: bool
    records: dict[str, list[dict]] = field(default_factory=dict)
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (purpose, original name)
    timeline: list[TimelineEvent] = field(default_factory=list)


def access_declaration(session: Session, actor: Actor, declaration_id: int) -> Declaration:
    """The declaration if this actor may read it; NotFound for missing and forbidden alike."""
    row = session.scalar(select(Declaration).where(Declaration.id == declaration_id,
                                                   visible_declarations(session, actor)))
    if row is None:
        raise NotFound()
    return row


def _names(session: Session, model, key: str | None) -> Names | None:
    row = session.get(model, key) if key else None
    return (row.name_zh, row.name_en) if row else None


def _unit_name(session: Session, unit_id: int | None) -> str | None:
    return session.scalar(select(Unit.name).where(Unit.id == unit_id)) if unit_id else None


def timeline(session: Session, declaration_id: int) -> list[TimelineEvent]:
    """Every transition event of the declaration, oldest first, with the acting unit's name."""
    rows = session.execute(
        select(AuditEvent.at, AuditEvent.action, AuditEvent.from_state, AuditEvent.to_state, AuditEvent.role,
               Unit.name, AuditEvent.comment)
        .outerjoin(Unit, Unit.id == AuditEvent.unit_id)
        .where(AuditEvent.declaration_id == declaration_id, AuditEvent.kind == "transition")
        .order_by(AuditEvent.id)).all()
    return [TimelineEvent(*r) for r in rows]


def records_of(session: Session, declaration_id: int) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for module, data in session.execute(select(DeclarationRecord.module, DeclarationRecord.data)
                                        .where(DeclarationRecord.declaration_id == declaration_id)
                                        .order_by(DeclarationRecord.module, DeclarationRecord.position,
                                                  DeclarationRecord.id)):
        out.setdefault(module, []).append(dict(data or {}))
    return out


def dossier(session: Session, actor: Actor, declaration_id: int) -> Dossier:
    """Everything a workspace shows about one declaration, access-checked, personal data masked."""
    d = access_declaration(session, actor, declaration_id)
    person = session.get(Person, d.applicant_person_id)
    attachments = session.execute(select(Attachment.purpose, Attachment.original_name)
                                  .where(Attachment.declaration_id == d.id).order_by(Attachment.id)).all()
    committee = session.scalar(select(Committee.name).where(Committee.id == d.committee_id)) \
        if d.committee_id else None
    return Dossier(
        id=d.id, version=d.version, flow=d.flow, state=d.state, state_since=d.state_since, year=d.year,
        applicant_name=person.name if person else "", id_number=mask_id_number(person.id_number if person else None),
        phone=mask_phone(person.phone if person else None), unit_name=_unit_name(session, d.unit_id) or "",
        series=_names(session, Series, d.series_code) or (d.series_code, d.series_code),
        specialty=_names(session, Specialty, d.specialty_code),
        level=_names(session, Level, d.level_code) or (d.level_code, d.level_code),
        method=d.method, review_type=d.review_type, committee_name=committee,
        holder_name=_unit_name(session, d.holder_unit_id), held_by_applicant=d.state in APPLICANT_HELD,
        finished=d.state in TERMINAL, records=records_of(session, d.id),
        attachments=[(p, n) for p, n in attachments], timeline=timeline(session, d.id))


def authorised_committees(session: Session, actor: Actor, declaration_id: int) -> list[tuple[int, str]]:
    """Committees with approved review authority for the declaration's series, level and year
    (the choices of ``assign_committee``)."""
    d = access_declaration(session, actor, declaration_id)
    rows = session.execute(select(Committee.id, Committee.name, Committee.level_codes).where(
        Committee.series_code == d.series_code, Committee.year == d.year,
        Committee.authority_status == "approved", Committee.self_review.is_(False)).order_by(Committee.id)).all()
    return [(cid, name) for cid, name, levels in rows if d.level_code in (levels or [])]
