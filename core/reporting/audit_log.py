"""The audit trail as admins see it: the events of their scope (their unit and every unit below it, and
the accounts of people bound there) — logins, role changes, resets, exports — filtered and paged in SQL
(keyset on the event id, newest first)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.audit import checkpoint
from core.common.errors import NotFound
from core.org.scope import subtree
from core.workflow import Actor
from db.models import Account, AuditEvent, Person

VIEW_ROLES = ("unit_admin", "hr_operator")
KINDS = ("login", "admin", "account", "transition", "declaration", "objection", "export", "download", "denial")
MAX_LIMIT = 200


@dataclass(frozen=True)
class AuditFilter:
    kind: str | None = None
    action: str | None = None
    login_name: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    kind: str
    action: str
    outcome: str
    login_name: str
    role: str
    target: str
    detail: dict


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    next_before: int | None  # pass as ``before_id`` for the next (older) page


def _scope(session: Session, actor: Actor):
    units = subtree(session, actor.unit_id)
    people_accounts = select(Account.id).join(Person, Person.id == Account.person_id).where(Person.unit_id.in_(units))
    return or_(AuditEvent.unit_id.in_(units), AuditEvent.account_id.in_(people_accounts))


def _day(value: dt.date) -> dt.datetime:
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)


def _conditions(session: Session, actor: Actor, f: AuditFilter) -> list:
    conditions = [_scope(session, actor)]
    if f.kind:
        conditions.append(AuditEvent.kind == f.kind)
    if f.action:
        conditions.append(AuditEvent.action == f.action.strip())
    if f.login_name:
        conditions.append(AuditEvent.account_id.in_(select(Account.id).where(
            Account.login_name == f.login_name.strip().lower())))
    if f.since:
        conditions.append(AuditEvent.at >= _day(f.since))
    if f.until:
        conditions.append(AuditEvent.at < _day(f.until + dt.timedelta(days=1)))
    return conditions


def search(session: Session, actor: Actor, f: AuditFilter = AuditFilter(), *, before_id: int | None = None,
           limit: int = 50) -> AuditPage:
    """One page of the actor's scope's events matching the filter, newest first."""
    if actor.role not in VIEW_ROLES or actor.unit_id is None:
        raise NotFound()
    limit = max(1, min(int(limit), MAX_LIMIT))
    conditions = _conditions(session, actor, f)
    if before_id is not None:
        conditions.append(AuditEvent.id < before_id)
    query = (select(AuditEvent.id, AuditEvent.at, AuditEvent.kind, AuditEvent.action, AuditEvent.outcome,
                    Account.login_name, AuditEvent.role, AuditEvent.target, AuditEvent.detail)
             .outerjoin(Account, Account.id == AuditEvent.account_id)
             .where(*conditions).order_by(AuditEvent.id.desc()).limit(limit + 1))
    rows = [AuditRow(i, at, k, a, o, login or "", role or "", target or "", detail or {})
            for i, at, k, a, o, login, role, target, detail in session.execute(query)]
    if len(rows) > limit:
        rows = rows[:limit]
        return AuditPage(rows, rows[-1].id)
    return AuditPage(rows, None)


def checkpoint_status(session: Session) -> checkpoint.Status:
    """The latest external checkpoint of the whole trail and whether the table agrees with it (the same
    for every admin: it names hashes and event ids, nothing of anyone's scope)."""
    return checkpoint.latest_status(session)
