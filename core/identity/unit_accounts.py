"""A unit admin's accounts workspace: the accounts of the unit's people (and its child units').

The read side lists them with masked ID numbers; the actions are core.identity.accounts' ``set_enabled``,
``unlock`` and ``reset_password`` (each scope-checked there and audited), one transaction each.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.identity import accounts
from core.common.masking import mask_id_number
from core.common.text import search_fragments
from core.org.scope import subtree
from core.workflow import Actor
from db.base import utcnow
from db.models import Account, Person, RoleGrant, Unit
from db.uow import UnitOfWork
from core.refusals import refusals_audited

MAX_ROWS = 500


@dataclass(frozen=True)
class AccountRow:
    id: int
    login_name: str
    display_name: str
    person_name: str
    id_number: str  # masked
    unit_name: str
    roles: tuple[str, ...]
    enabled: bool
    locked: bool
    must_change_password: bool


def _in_scope(session: Session, admin: Actor):
    if admin.role != "unit_admin" or admin.unit_id is None:
        return None
    return Person.unit_id.in_(subtree(session, admin.unit_id))


def list_accounts(session: Session, admin: Actor, *, search: str | None = None,
                  now: dt.datetime | None = None) -> list[AccountRow]:
    """Accounts of people in the admin's unit subtree (the admin's own account left out)."""
    now = now or utcnow()
    clause = _in_scope(session, admin)
    if clause is None:
        return []
    query = (select(Account, Person.name, Person.id_number, Unit.name)
             .join(Person, Person.id == Account.person_id).join(Unit, Unit.id == Person.unit_id)
             .where(clause, Account.id != admin.account_id).order_by(Unit.name, Account.login_name).limit(MAX_ROWS))
    for fragment in search_fragments(search):
        query = query.where(or_(Account.login_name.contains(fragment, autoescape=True),
                                Person.name.contains(fragment, autoescape=True)))
    rows = session.execute(query).all()
    roles = _roles(session, [a.id for a, *_ in rows])
    return [AccountRow(a.id, a.login_name, a.display_name, pname, mask_id_number(idn), uname,
                       roles.get(a.id, ()), a.enabled, a.locked_until is not None and a.locked_until > now,
                       a.must_change_password) for a, pname, idn, uname in rows]


def _roles(session: Session, account_ids: list[int]) -> dict[int, tuple[str, ...]]:
    out: dict[int, list[str]] = {}
    if account_ids:
        for account_id, role in session.execute(select(RoleGrant.account_id, RoleGrant.role).where(
                RoleGrant.account_id.in_(account_ids), RoleGrant.active.is_(True)).order_by(RoleGrant.id)):
            out.setdefault(account_id, []).append(role)
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def locked_count(session: Session, admin: Actor, now: dt.datetime | None = None) -> int:
    """How many accounts in the admin's scope are locked right now (the workspace's to-do count)."""
    clause = _in_scope(session, admin)
    if clause is None:
        return 0
    return int(session.scalar(select(func.count()).select_from(Account).join(Person, Person.id == Account.person_id)
                              .where(clause, Account.locked_until > (now or utcnow()))) or 0)


@refusals_audited
def load_accounts(uow: UnitOfWork, admin: Actor, search: str | None = None) -> list[AccountRow]:
    with uow.read() as session:
        return list_accounts(session, admin, search=search)


@refusals_audited
def do_set_enabled(uow: UnitOfWork, admin: Actor, account_id: int, enabled: bool) -> None:
    with uow.write() as session:
        accounts.set_enabled(session, admin, account_id, enabled)


@refusals_audited
def do_unlock(uow: UnitOfWork, admin: Actor, account_id: int) -> None:
    with uow.write() as session:
        accounts.unlock(session, admin, account_id)


@refusals_audited
def do_reset_password(uow: UnitOfWork, admin: Actor, account_id: int) -> str:
    """Start a reset; returns the one-time password to show to the admin once."""
    with uow.write() as session:
        return accounts.reset_password(session, admin, account_id)
