"""Policy review (政策性审查, 001 §6.2.6/§6.2.9): the reviewer's read side.

The moves are the engine's (``initial_review``, ``recheck_pass``, ``recheck_fail``, re-examination
``pass``/``fail``, ``withdraw``) through the generic workspace. The initial review (初审) decides
nothing: it writes a transition event whose detail holds the result and whose comment is the
opinion. This module lists those records for a declaration the actor may read.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.errors import NotFound
from core.org.scope import visible_declarations
from core.workflow import Actor
from db.models import Account, AuditEvent, Declaration
from db.uow import UnitOfWork
from core.refusals import refusals_audited


@dataclass(frozen=True)
class InitialReview:
    at: dt.datetime
    reviewer: str
    result: str  # pass / fail
    opinion: str


def initial_reviews(session: Session, actor: Actor, declaration_id: int) -> list[InitialReview]:
    """The initial-review records of a declaration in the actor's scope, oldest first."""
    visible = session.scalar(select(Declaration.id).where(Declaration.id == declaration_id,
                                                          visible_declarations(session, actor)))
    if visible is None:
        raise NotFound()
    rows = session.execute(
        select(AuditEvent.at, Account.display_name, AuditEvent.detail, AuditEvent.comment)
        .outerjoin(Account, Account.id == AuditEvent.account_id)
        .where(AuditEvent.declaration_id == declaration_id, AuditEvent.kind == "transition",
               AuditEvent.action == "initial_review").order_by(AuditEvent.id))
    return [InitialReview(at, name or "", str((detail or {}).get("result", "")), comment or "")
            for at, name, detail, comment in rows]


@refusals_audited(name="policy_review.initial_reviews")
def load_initial_reviews(uow: UnitOfWork, actor: Actor, declaration_id: int) -> list[InitialReview]:
    with uow.read() as session:
        return initial_reviews(session, actor, declaration_id)
