"""The entry point pages and tests use to act on a declaration.

``execute`` runs one action as one transaction through the engine (core.workflow.perform);
when the engine refuses for lack of permission, the denial is audited in its own transaction,
since the refused one rolls back.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from core.common.config import local_date
from core.common.errors import Forbidden, NotFound
from core.workflow import Actor, Option, available_actions, perform
from core.declaring.store import SqlStore
from db.base import utcnow
from db.uow import UnitOfWork
from core import refusals
from core.refusals import refusals_audited


def act(session: Session, actor: Actor, declaration_id: int, action: str, payload: dict | None = None, *,
        expected_version: int | None = None, now: dt.datetime | None = None,
        today: dt.date | None = None) -> int:
    """Perform one action in the caller's transaction; returns the declaration's new version."""
    now = now or utcnow()
    return perform(SqlStore(session), actor, declaration_id, action, payload,
                   expected_version=expected_version, now=now, today=today or local_date(now))


def options(session: Session, actor: Actor, declaration_id: int, today: dt.date | None = None) -> list[Option]:
    return available_actions(SqlStore(session), actor, declaration_id, today or local_date(utcnow()))


def record_denial(session: Session, actor: Actor, target: str, action: str, error: Exception,
                  now: dt.datetime | None = None) -> None:
    """Audit a refusal (``core.audit.denials``: identical ones in a burst are counted, not all written) and
    mark it audited, so the entry point it leaves (``core.refusals``) does not write it again."""
    refusals.record(session, actor, action, target, error, now)


@refusals_audited
def execute(uow: UnitOfWork, actor: Actor, declaration_id: int, action: str, payload: dict | None = None, *,
            expected_version: int | None = None, now: dt.datetime | None = None) -> int:
    """One click, one transaction. Permission denials are audited, then re-raised."""
    try:
        with uow.write() as session:
            return act(session, actor, declaration_id, action, payload, expected_version=expected_version, now=now)
    except (Forbidden, NotFound) as error:
        with uow.write() as session:
            record_denial(session, actor, f"declaration:{declaration_id}", action, error, now)
        raise
