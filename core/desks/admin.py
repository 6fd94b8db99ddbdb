"""Administration for pages: each call is one transaction (or one read) over the services of issue 6
(unit registration, unit admin, personal accounts, parent links, org tree, authority, audit view).
Pages never open sessions themselves; everything returned is plain data."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from core.reporting import audit_log as audit_view

from core.org import authority

from core.org import tree as org_tree

from core.org import parent_links

from core.identity import people

from core.identity import personal_accounts

from core.identity import unit_admin

from core.org import unit_registration
from core.workflow import Actor
from db.uow import UnitOfWork
from core.refusals import refusals_audited


T = TypeVar("T")


def write(uow: UnitOfWork, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one service call in its own write transaction."""
    with uow.write() as session:
        return fn(session, *args, **kwargs)


def read(uow: UnitOfWork, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with uow.read() as session:
        return fn(session, *args, **kwargs)


@dataclass(frozen=True)
class UnitInfo:
    id: int
    name: str
    uscc: str
    legal_representative: str
    contact_phone: str
    kind: str


def register_unit(uow: UnitOfWork, form: unit_registration.UnitForm, region_unit_id: int, letter: bytes | None,
                  letter_name: str) -> str:
    """Anonymous unit registration; returns the registered name."""
    return write(uow, unit_registration.register_unit, form, region_unit_id=region_unit_id, letter=letter,
                 letter_name=letter_name).name


@refusals_audited
def create_unit(uow: UnitOfWork, actor: Actor, form: unit_registration.UnitForm, kind: str) -> str:
    return write(uow, unit_registration.create_unit, actor, form, kind=kind).name


@refusals_audited
def unit_info(uow: UnitOfWork, admin: Actor) -> UnitInfo:
    def _info(session) -> UnitInfo:
        u = unit_admin.unit_details(session, admin)
        return UnitInfo(u.id, u.name, u.uscc or "", u.legal_representative or "", u.contact_phone or "", u.kind)
    return read(uow, _info)


@dataclass(frozen=True)
class AccountFacts:
    roles: tuple[str, ...]
    grantable: tuple[str, ...]
    editable: bool


@refusals_audited
def account_facts(uow: UnitOfWork, admin: Actor, account_id: int) -> AccountFacts:
    def _facts(session) -> AccountFacts:
        return AccountFacts(tuple(unit_admin.active_roles(session, account_id)),
                            unit_admin.grantable_roles(session, admin, account_id),
                            personal_accounts.editable(session, admin, account_id))
    return read(uow, _facts)


__all__ = ["write", "read", "register_unit", "create_unit", "unit_info", "account_facts", "UnitInfo", "AccountFacts",
           "audit_view", "authority", "org_tree", "parent_links", "people", "personal_accounts", "unit_admin",
           "unit_registration"]
