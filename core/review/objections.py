"""Objections (举报) against a declaration during a running publicity, and their resolution.

Anyone may object while a declaration is publicised (public notices), and the owning unit's
operator may too (001 §6.2.2: 公示期单位也可举报申报人). An open objection holds the declaration:
the engine's ``no_open_objection`` guard stops "complete publicity" for it. The owning unit
resolves it with a reason: ``dismiss`` just closes it; ``return`` and ``terminate`` close it and
move the declaration through the engine (``return_to_applicant`` / ``terminate``) with that reason,
which the applicant sees. The engine decides which of these the current state allows
(``resolution_outcomes``); this module never sets a state itself. A flood of abusive objections (each
one holds the publicity) is dismissed in one step (``dismiss_objections``), one event per objection.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.common.config import local_date
from core.common.contact import normalise_contact
from core.common.errors import InvalidAction, NotFound, ValidationError
from core.common.text import clean_line, clean_text
from core.common.masking import mask_phone
from core.review.publicity import KINDS, running_batch_of
from core.declaring.transitions import act, options
from core.workflow import MAX_REASON, OPERATORS, Actor, perform
from core.workflow_store import RecordStore
from db.base import utcnow
from db.models import Declaration, Objection, Person, PublicityBatch

OUTCOMES: dict[str, str | None] = {"dismiss": None, "return": "return_to_applicant", "terminate": "terminate"}
LIMITS = {"name": (2, 50), "contact": (5, 100), "text": (5, 2000)}
MAX_BULK = 200  # objections dismissed in one click


def _clean(field: str, value: str | None) -> str:
    low, high = LIMITS[field]
    value = (clean_text if field == "text" else clean_line)(value, f"field.objection_{field}")
    if not low <= len(value) <= high:
        raise ValidationError(f"objection.{field}_invalid", min=low, max=high)
    return value


def _may_object_internally(actor: Actor | None, batch: PublicityBatch) -> bool:
    return actor is not None and actor.unit_id == batch.owner_unit_id and actor.role in KINDS[batch.kind].roles


def raise_objection(session: Session, declaration_id: int, name: str, contact: str, text: str,
                    batch_id: int | None = None, *, actor: Actor | None = None, now: dt.datetime | None = None,
                    today: dt.date | None = None) -> int:
    """Record an objection against a declaration in a running publicity; returns its id.

    Without ``actor`` it is a member of the public: the batch must be public. With the owning
    unit's operator as ``actor`` an internal (non-public) publicity accepts it too.
    """
    now = now or utcnow()
    today = today or local_date(now)
    name, contact, text = _clean("name", name), normalise_contact(_clean("contact", contact)), _clean("text", text)
    batch = running_batch_of(session, declaration_id, today, batch_id)
    if batch is None or not (batch.is_public or _may_object_internally(actor, batch)):
        raise InvalidAction("objection.not_in_publicity")
    row = Objection(declaration_id=declaration_id, batch_id=batch.id, raised_by_name=name, contact=contact,
                    text=text, status="open", created_at=now)
    session.add(row)
    session.flush()
    audit.append(session, kind="objection", action="objection_raise", at=now,
                 account_id=actor.account_id if actor else None, role=actor.role if actor else None,
                 unit_id=actor.unit_id if actor else None, target=f"objection:{row.id}",
                 detail={"declaration_id": declaration_id, "batch_id": batch.id})
    return row.id


def _scope(actor: Actor):
    """Objections the actor's unit handles: those of batches it owns (or, without a batch, it holds)."""
    if actor.role not in OPERATORS or actor.unit_id is None:
        return None
    owned = and_(PublicityBatch.owner_unit_id == actor.unit_id,
                 PublicityBatch.kind.in_([k for k, spec in KINDS.items() if actor.role in spec.roles]))
    return or_(owned, and_(Objection.batch_id.is_(None), Declaration.holder_unit_id == actor.unit_id))


def _scoped_query(actor: Actor, *columns):
    scope = _scope(actor)
    if scope is None:
        raise NotFound()
    return (select(*columns).join(Declaration, Declaration.id == Objection.declaration_id)
            .outerjoin(PublicityBatch, PublicityBatch.id == Objection.batch_id).where(scope))


def access_objection(session: Session, actor: Actor, objection_id: int) -> Objection:
    row = session.scalar(_scoped_query(actor, Objection).where(Objection.id == objection_id))
    if row is None:
        raise NotFound()
    return row


@dataclass(frozen=True)
class ObjectionRow:
    id: int
    declaration_id: int
    applicant_name: str
    batch_id: int | None
    batch_title: str | None
    raised_by_name: str
    contact: str  # masked in lists; ``access_objection`` gives the full value to the handling unit
    text: str
    status: str
    resolution: str | None
    created_at: dt.datetime
    resolved_at: dt.datetime | None


def list_objections(session: Session, actor: Actor, *, status: str | None = "open", batch_id: int | None = None,
                    declaration_id: int | None = None, limit: int = 200) -> list[ObjectionRow]:
    """Objections the actor's unit handles, newest first; filter by status, batch, declaration."""
    query = _scoped_query(actor, Objection.id, Objection.declaration_id, Person.name, Objection.batch_id,
                          PublicityBatch.title, Objection.raised_by_name, Objection.contact, Objection.text,
                          Objection.status, Objection.resolution, Objection.created_at, Objection.resolved_at)
    query = query.join(Person, Person.id == Declaration.applicant_person_id)
    for column, value in ((Objection.status, status), (Objection.batch_id, batch_id),
                          (Objection.declaration_id, declaration_id)):
        if value is not None:
            query = query.where(column == value)
    rows = session.execute(query.order_by(Objection.id.desc()).limit(max(1, min(limit, 1000))))
    return [ObjectionRow(r[0], r[1], r[2], r[3], r[4], r[5], mask_phone(r[6]), *r[7:]) for r in rows]


def resolution_outcomes(session: Session, actor: Actor, objection_id: int, today: dt.date | None = None) -> list[str]:
    """The outcomes possible now: ``dismiss`` while open, plus what the engine allows in this state."""
    row = access_objection(session, actor, objection_id)
    if row.status != "open":
        return []
    allowed = {o.action for o in options(session, actor, row.declaration_id, today) if not o.blocked}
    return [name for name, action in OUTCOMES.items() if action is None or action in allowed]


def _reason(reason: str | None) -> str:
    reason = clean_text(reason, "field.reason")
    if not reason:
        raise ValidationError("error.reason_required")
    if len(reason) > MAX_REASON:
        raise ValidationError("error.reason_too_long", max=MAX_REASON)
    return reason


def resolve_objection(session: Session, actor: Actor, objection_id: int, outcome: str, reason: str, *,
                      now: dt.datetime | None = None, today: dt.date | None = None) -> None:
    """Close an open objection with a reason; ``return``/``terminate`` also move the declaration.

    Returning or terminating closes every other open objection against the same declaration too
    (they are answered by the same outcome), so none lingers to hold a later publicity.
    """
    now = now or utcnow()
    row = access_objection(session, actor, objection_id)
    if row.status != "open":
        raise InvalidAction("objection.already_resolved")
    if outcome not in OUTCOMES:
        raise ValidationError("objection.bad_outcome")
    reason = _reason(reason)
    action, declaration_id = OUTCOMES[outcome], row.declaration_id
    closing = [row.id]
    if action is not None:
        act(session, actor, declaration_id, action, {"reason": reason}, now=now, today=today)
        closing += [i for i in session.scalars(_scoped_query(actor, Objection.id).where(
            Objection.declaration_id == declaration_id, Objection.status == "open", Objection.id != row.id))]
    store = RecordStore(session, "objection")
    for closed in closing:  # machine ``objection``: each closed objection gets its own event
        perform(store, actor, closed, outcome, {"reason": reason}, now=now, today=today,
                note={"declaration_id": declaration_id})


def dismiss_objections(session: Session, actor: Actor, ids: list[int], reason: str, *,
                       now: dt.datetime | None = None, today: dt.date | None = None) -> int:
    """Dismiss several open objections at once with one reason (a flood of abusive ones); returns how
    many. All or nothing: every id must be an open objection the actor's unit handles (NotFound for one
    outside its scope, as ``resolve_objection``), and each goes through the objection machine like a
    single dismissal, with its own audit event."""
    now = now or utcnow()
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        raise ValidationError("objection.bulk_none")
    if len(wanted) > MAX_BULK:
        raise ValidationError("objection.bulk_too_many", max=MAX_BULK)
    reason = _reason(reason)
    rows = {row.id: row for row in session.scalars(_scoped_query(actor, Objection).where(Objection.id.in_(wanted)))}
    if len(rows) != len(wanted):
        raise NotFound()
    if any(row.status != "open" for row in rows.values()):
        raise InvalidAction("objection.already_resolved")
    store = RecordStore(session, "objection")
    for objection_id in wanted:
        perform(store, actor, objection_id, "dismiss", {"reason": reason}, now=now, today=today,
                note={"declaration_id": rows[objection_id].declaration_id, "bulk": len(wanted)})
    return len(wanted)
