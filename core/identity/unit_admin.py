"""What a unit admin does besides enabling, unlocking and resetting (core.identity.accounts): grant and revoke
roles under the mutual-exclusion rules, hand the admin role over (exactly one admin per unit), remove
people who leave (账号退出管理), complete names, edit the unit's details; and how an HR bureau (or the
admin of a parent unit) designates the admin of a unit that has none.

Every action is scope-checked (the same NotFound for missing and foreign accounts) and writes one
audit row. Role changes take effect at the user's next request (core.identity.sessions re-reads grants).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.identity.accounts import _admin_target, grant_role, normalize_login
from core.common.errors import NotFound, ValidationError
from core.common.text import clean_line
from core.identity.role_exclusion import check_may_take_unit_role
from core.org.scope import subtree
from core.org.unit_registration import contact_problems
from core.workflow import Actor, perform
from core.workflow_store import RecordStore
from db.base import utcnow
from db.models import Account, Person, RoleGrant, Unit, UnitBinding

GRANTABLE = {  # the business roles a unit admin may grant, by the kind of the person's unit
    "employer": ("unit_operator", "committee_operator"),
    "department": ("dept_operator", "unit_operator"),
    "hr_bureau": ("hr_operator",),
    "committee_organizer": ("committee_operator", "unit_operator"),
}
BUSINESS_ROLES = frozenset(r for roles in GRANTABLE.values() for r in roles) | {"policy_reviewer"}


def _audit(session: Session, actor: Actor, action: str, target: str, now: dt.datetime, detail: dict | None = None):
    audit.append(session, kind="admin", action=action, at=now, account_id=actor.account_id, role=actor.role,
                 unit_id=actor.unit_id, target=target, detail=detail)


def _person_unit(session: Session, account: Account) -> Unit:
    return session.scalar(select(Unit).join(Person, Person.unit_id == Unit.id).where(Person.id == account.person_id))


def grantable_roles(session: Session, admin: Actor, account_id: int) -> tuple[str, ...]:
    account = _admin_target(session, admin, account_id)
    return GRANTABLE.get(_person_unit(session, account).kind, ())


def active_roles(session: Session, account_id: int) -> list[str]:
    return list(session.scalars(select(RoleGrant.role).where(RoleGrant.account_id == account_id,
                                                             RoleGrant.active.is_(True)).order_by(RoleGrant.id)))


def grant(session: Session, admin: Actor, account_id: int, role: str, now: dt.datetime | None = None) -> None:
    """Grant a business role at the person's unit; refused with the reason when the person is declaring."""
    now = now or utcnow()
    if account_id == admin.account_id:
        raise ValidationError("admin.self")
    account = _admin_target(session, admin, account_id)
    unit = _person_unit(session, account)
    if role not in GRANTABLE.get(unit.kind, ()):
        raise ValidationError("admin.role_not_grantable")
    if role in active_roles(session, account_id):
        raise ValidationError("admin.role_held")
    check_may_take_unit_role(session, account.person_id)
    grant_role(session, account_id, role, unit.id, now=now)
    _audit(session, admin, "role_grant", f"account:{account_id}", now, {"role": role, "unit_id": unit.id})


def revoke(session: Session, admin: Actor, account_id: int, role: str, now: dt.datetime | None = None) -> None:
    """Revoke a business role (never the admin role: that is handed over)."""
    now = now or utcnow()
    _admin_target(session, admin, account_id)
    if role == "unit_admin" or role not in BUSINESS_ROLES:
        raise ValidationError("admin.role_not_grantable")
    result = session.execute(update(RoleGrant).where(
        RoleGrant.account_id == account_id, RoleGrant.role == role, RoleGrant.active.is_(True),
        (RoleGrant.unit_id.is_(None)) | RoleGrant.unit_id.in_(subtree(session, admin.unit_id))).values(active=False))
    if not result.rowcount:
        raise NotFound()
    _audit(session, admin, "role_revoke", f"account:{account_id}", now, {"role": role})


def _make_admin(session: Session, account: Account, unit: Unit, now: dt.datetime) -> None:
    """The account becomes the unit's only admin (any other admin grant at the unit ends)."""
    check_may_take_unit_role(session, account.person_id)
    if set(active_roles(session, account.id)) & BUSINESS_ROLES or account.kind == "policy_reviewer":
        raise ValidationError("admin.holds_business_role")
    session.execute(update(RoleGrant).where(RoleGrant.unit_id == unit.id, RoleGrant.role == "unit_admin",
                                            RoleGrant.active.is_(True)).values(active=False))
    grant_role(session, account.id, "unit_admin", unit.id, now=now)


def hand_over(session: Session, admin: Actor, account_id: int, now: dt.datetime | None = None) -> None:
    """Hand the admin role to a successor bound to the same unit; the old admin loses it."""
    now = now or utcnow()
    if account_id == admin.account_id:
        raise ValidationError("admin.self")
    account = _admin_target(session, admin, account_id)
    if session.scalar(select(Person.unit_id).where(Person.id == account.person_id)) != admin.unit_id:
        raise ValidationError("admin.not_bound_here")
    _make_admin(session, account, session.get(Unit, admin.unit_id), now)
    _audit(session, admin, "admin_handover", f"account:{account_id}", now)


def _may_designate(session: Session, actor: Actor, unit: Unit) -> bool:
    if actor.role == "hr_operator":
        return unit.path.startswith(session.get(Unit, actor.unit_id).path)
    if actor.role == "unit_admin":  # the admin of a parent unit designates a child unit's admin
        return unit.id != actor.unit_id and unit.path.startswith(session.get(Unit, actor.unit_id).path)
    return False


def designate_admin(session: Session, actor: Actor, unit_id: int, login_name: str,
                    now: dt.datetime | None = None) -> None:
    """An HR operator (or a parent unit's admin) names the admin of a unit in scope; the person must be
    bound to that unit or to none (then they are bound to it)."""
    now = now or utcnow()
    unit = session.get(Unit, unit_id)
    if unit is None or actor.unit_id is None or not _may_designate(session, actor, unit):
        raise NotFound()
    if unit.status != "active":
        raise ValidationError("admin.unit_not_active")
    try:
        name = normalize_login(login_name)
    except ValidationError:
        raise ValidationError("admin.no_person_account") from None
    account = session.scalar(select(Account).where(Account.login_name == name))
    person = session.get(Person, account.person_id) if account and account.person_id else None
    if person is None:
        raise ValidationError("admin.no_person_account")
    if person.unit_id not in (None, unit.id):
        raise ValidationError("admin.bound_elsewhere")
    _make_admin(session, account, unit, now)
    person.unit_id = unit.id
    _audit(session, actor, "admin_designate", f"account:{account.id}", now, {"unit_id": unit.id})


def leave_unit(session: Session, admin: Actor, account_id: int, now: dt.datetime | None = None) -> None:
    """账号退出管理: the person is no longer bound to the unit and loses the roles held there."""
    now = now or utcnow()
    if account_id == admin.account_id:
        raise ValidationError("admin.self")
    account = _admin_target(session, admin, account_id)
    person = session.get(Person, account.person_id)
    unit_id = person.unit_id
    session.execute(update(RoleGrant).where(RoleGrant.account_id == account_id, RoleGrant.unit_id == unit_id,
                                            RoleGrant.active.is_(True)).values(active=False))
    bindings = RecordStore(session, "unit_binding")
    for binding_id in session.scalars(select(UnitBinding.id).where(
            UnitBinding.person_id == person.id, UnitBinding.unit_id == unit_id, UnitBinding.status == "accepted")).all():
        perform(bindings, admin, binding_id, "leave", now=now)
    person.unit_id = None
    _audit(session, admin, "leave_unit", f"account:{account_id}", now, {"unit_id": unit_id})


def complete_name(session: Session, admin: Actor, account_id: int, name: str, now: dt.datetime | None = None) -> None:
    """Complete or correct the person's name (and the account's display name)."""
    now = now or utcnow()
    account = _admin_target(session, admin, account_id)
    name = clean_line(name, "field.person_name")
    if not 2 <= len(name) <= 30:
        raise ValidationError("admin.name_invalid")
    session.get(Person, account.person_id).name = name
    account.display_name = name
    _audit(session, admin, "complete_name", f"account:{account_id}", now)


def edit_unit(session: Session, admin: Actor, *, name: str, legal_representative: str, contact_phone: str,
              now: dt.datetime | None = None) -> None:
    """Edit the admin's own unit's details (the USCC is fixed at registration)."""
    now = now or utcnow()
    if admin.role != "unit_admin" or admin.unit_id is None:
        raise NotFound()
    name, rep, phone = (name or "").strip(), (legal_representative or "").strip(), (contact_phone or "").strip()
    problems = contact_problems(name, rep, phone)
    if problems:
        raise ValidationError("unitreg.invalid", details=problems)
    unit = session.get(Unit, admin.unit_id)
    before = {"name": unit.name, "legal_representative": unit.legal_representative, "contact_phone": unit.contact_phone}
    unit.name, unit.legal_representative, unit.contact_phone = name, rep, phone
    _audit(session, admin, "unit_edit", f"unit:{unit.id}", now, {"before": before})


def unit_details(session: Session, admin: Actor) -> Unit:
    if admin.role != "unit_admin" or admin.unit_id is None:
        raise NotFound()
    return session.get(Unit, admin.unit_id)
