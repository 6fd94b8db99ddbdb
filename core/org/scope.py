"""Unit scope: what a user may see. Every read-side query filters through these clauses."""
from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from core.common.errors import NotFound
from core.workflow import Actor
from db.models import Account, Committee, Declaration, Person, Unit


def unit_path(session: Session, unit_id: int | None) -> str | None:
    return session.scalar(select(Unit.path).where(Unit.id == unit_id)) if unit_id else None


def subtree(session: Session, unit_id: int | None):
    """Ids of the unit and every descendant (its own declarations and those below; never a sibling's)."""
    path = unit_path(session, unit_id)
    return select(Unit.id).where(Unit.path.startswith(path)) if path else select(Unit.id).where(false())


def visible_declarations(session: Session, actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause for the declarations this actor may read."""
    if actor.role == "applicant":
        return Declaration.applicant_person_id == (actor.person_id or -1)
    if actor.role == "policy_reviewer":
        clause = (Declaration.committee_id == actor.committee_id) & (Declaration.year == actor.year) \
            & Declaration.series_code.in_(actor.series_codes)
        if actor.specialty_codes:
            clause = clause & Declaration.specialty_code.in_(actor.specialty_codes)
        return clause & Declaration.state.not_in(("draft", "unit_verify", "unit_publicity", "unit_recommend", "relay"))
    if actor.role in ("unit_operator", "unit_admin", "dept_operator", "hr_operator"):
        return or_(Declaration.unit_id.in_(subtree(session, actor.unit_id)),
                   Declaration.holder_unit_id == actor.unit_id) & (Declaration.state != "draft")
    if actor.role == "committee_operator":
        own = select(Committee.id).where(Committee.organizer_unit_id == actor.unit_id)
        return or_(Declaration.committee_id.in_(own), Declaration.holder_unit_id == actor.unit_id) \
            & Declaration.state.not_in(("draft", "unit_verify", "unit_publicity", "unit_recommend"))
    return false()


def account_in_admin_scope(session: Session, admin: Actor, account: Account) -> bool:
    """A unit admin manages accounts of people bound to its unit or a child unit."""
    if account.person_id is None:
        return False
    unit_id = session.scalar(select(Person.unit_id).where(Person.id == account.person_id))
    return unit_id is not None and session.scalar(
        select(Unit.id).where(Unit.id == unit_id, Unit.id.in_(subtree(session, admin.unit_id)))) is not None

def require_operator(actor: Actor, roles: Collection[str]) -> int:
    """The actor's unit id if its role is one of ``roles``; NotFound otherwise (same as out of scope)."""
    if actor.role not in roles or actor.unit_id is None:
        raise NotFound()
    return actor.unit_id
