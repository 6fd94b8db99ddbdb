"""Unit recommendation (单位推荐上报, 001 §6.2.3): the unit's proof, reporting upward, or its own committee.

The operator picks declarations, fills in their name and phone, attaches the unit's proof and
reports them. The proof is one file for the whole batch: stored once (content-addressed), linked to
each declaration as an attachment with purpose ``unit_proof`` — which the engine's ``unit_proof``
guard checks. Reporting moves every picked declaration through the engine's ``recommend`` in one
all-or-nothing batch (core.review.batch). A unit holding an approved self-review authority for the
series, level and year may instead assign declarations to its own committee.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.org.scope import require_operator
from core.review.batch import batch_act, unique_ids
from core.common.errors import NotFound
from core.files.content import checked_name, display_name
from core.files.store import store_bytes
from core.declaring.transitions import options
from core.workflow import Actor
from db.base import utcnow
from db.models import Attachment, Declaration

PROOF = "unit_proof"
ROLES = frozenset({"unit_operator"})


def _held_for_recommendation(session: Session, actor: Actor, ids: Iterable[int]) -> list[int]:
    unit_id = require_operator(actor, ROLES)
    wanted = unique_ids(ids)
    found = set(session.scalars(select(Declaration.id).where(
        Declaration.id.in_(wanted), Declaration.holder_unit_id == unit_id, Declaration.state == "unit_recommend")))
    if found != set(wanted):
        raise NotFound()
    return wanted


def attach_unit_proof(session: Session, actor: Actor, declaration_ids: Iterable[int], filename: str, data: bytes,
                      *, now: dt.datetime | None = None) -> list[int]:
    """Store the unit's proof once and attach it to each declaration; returns the attachment ids."""
    now = now or utcnow()
    name = checked_name(filename)
    ids = _held_for_recommendation(session, actor, declaration_ids)
    blob = store_bytes(session, data)  # checks emptiness, size and content before writing anything
    name = display_name(name, blob.media_type)
    rows = [Attachment(declaration_id=i, owner_unit_id=actor.unit_id, purpose=PROOF, sha256=blob.sha256,
                       original_name=name, uploaded_by=actor.account_id, uploaded_at=now) for i in ids]
    session.add_all(rows)
    session.flush()
    audit.append(session, kind="admin", action="unit_proof_attach", at=now, account_id=actor.account_id,
                 role=actor.role, unit_id=actor.unit_id, target=f"file:{blob.sha256}",
                 detail={"declarations": ids, "name": name})
    return [r.id for r in rows]


def has_unit_proof(session: Session, declaration_id: int) -> bool:
    return session.scalar(select(Attachment.id).where(
        Attachment.declaration_id == declaration_id, Attachment.purpose == PROOF).limit(1)) is not None


def recommend(session: Session, actor: Actor, ids: Iterable[int], operator_name: str, operator_phone: str, *,
              now: dt.datetime | None = None, today: dt.date | None = None) -> dict[int, int]:
    """Report the declarations upward (engine ``recommend``), all or nothing; raises BatchFailed."""
    payload = {"operator_name": (operator_name or "").strip(), "operator_phone": (operator_phone or "").strip()}
    return batch_act(session, actor, ids, "recommend", payload, now=now, today=today)


def assign_own_committee(session: Session, actor: Actor, ids: Iterable[int], *, now: dt.datetime | None = None,
                         today: dt.date | None = None) -> dict[int, int]:
    """Give the declarations to the unit's own self-review committee, all or nothing."""
    return batch_act(session, actor, ids, "assign_own_committee", now=now, today=today)


def can_assign_own_committee(session: Session, actor: Actor, declaration_id: int,
                             today: dt.date | None = None) -> bool:
    """Whether the engine would let this actor assign the declaration to the unit's own committee now."""
    return any(o.action == "assign_own_committee" and not o.blocked
               for o in options(session, actor, declaration_id, today))
