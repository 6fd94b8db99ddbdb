"""Mutual exclusion of roles (业务互斥, 003 §二–三): an admin or operator never declares, and a person with
an active declaration cannot be made operator or admin. Both directions are checked here."""
from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from core.common.errors import GuardFailed, ValidationError
from core.workflow import TERMINAL
from db.models import Account, Declaration, RoleGrant

UNIT_ROLES = frozenset({"unit_admin", "unit_operator", "dept_operator", "hr_operator", "committee_operator"})


def has_active_declaration(session: Session, person_id: int | None) -> bool:
    """Any declaration of the person not yet in a terminal state (drafts count: declaring has begun)."""
    if person_id is None:
        return False
    return bool(session.scalar(select(exists().where(Declaration.applicant_person_id == person_id,
                                                     Declaration.state.not_in(tuple(TERMINAL))))))


def holds_unit_role(session: Session, person_id: int | None) -> bool:
    if person_id is None:
        return False
    return bool(session.scalar(select(exists().where(
        RoleGrant.account_id == Account.id, Account.person_id == person_id, RoleGrant.active.is_(True),
        RoleGrant.role.in_(tuple(UNIT_ROLES))))))


def check_may_declare(session: Session, person_id: int | None) -> None:
    """Raise when the person holds an admin or operator role (the refusal says why)."""
    if holds_unit_role(session, person_id):
        raise GuardFailed("admin.operator_cannot_declare")


def check_may_take_unit_role(session: Session, person_id: int | None) -> None:
    """Raise when the person is declaring (the refusal says why)."""
    if has_active_declaration(session, person_id):
        raise ValidationError("admin.active_declaration")
