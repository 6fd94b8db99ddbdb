"""People: self-registration with a validated resident ID number, and binding to an employer unit.

Binding (个人绑定单位, 003 §五): the person asks, the unit's admin or operator accepts. Until a unit
has accepted, declaring is refused with a message that says why and what to do.
"""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.cn import ric

from core.audit import trail as audit
from core.identity.accounts import create_account, grant_role
from core.common.errors import NotFound, ValidationError
from core.common.text import clean_line
from core.common.text import search_fragments
from core.identity.passwords import policy_problems
from core.workflow import Actor, perform
from core.workflow_store import RecordStore
from db.base import utcnow
from db.models import Account, Person, Unit, UnitBinding

PHONE = re.compile(r"^1[3-9]\d{9}$")


def validate_id_number(id_number: str) -> str:
    """The compact, upper-case resident ID number; raises if its GB 11643 check digit is wrong."""
    value = ric.compact(id_number or "").upper()
    if not ric.is_valid(value):
        raise ValidationError("person.id_invalid")
    return value


def register_applicant(session: Session, *, name: str, id_number: str, phone: str, password: str,
                       now: dt.datetime | None = None) -> Account:
    """Self-registration: the ID number becomes the login name. Lists every problem together."""
    now = now or utcnow()
    problems: list[str] = []
    name = clean_line(name, "field.person_name")
    if not 2 <= len(name) <= 30:
        problems.append("person.name_invalid")
    try:
        id_number = validate_id_number(id_number)
    except ValidationError:
        problems.append("person.id_invalid")
    phone = (phone or "").strip()
    if not PHONE.match(phone):
        problems.append("person.phone_invalid")
    problems += policy_problems(password or "", id_number=id_number, phone=phone)
    if problems:
        raise ValidationError("person.register_invalid", details=problems)
    if session.scalar(select(Person.id).where(Person.id_number == id_number)) is not None:
        raise ValidationError("person.already_registered")
    person = Person(name=name, id_number=id_number, phone=phone, created_at=now)
    session.add(person)
    session.flush()
    account, _ = create_account(session, login_name=id_number.lower(), display_name=name, person_id=person.id,
                                password=password, now=now)
    grant_role(session, account.id, "applicant", None, now=now)
    audit.append(session, kind="account", action="register", at=now, account_id=account.id,
                 target=f"account:{account.id}")
    return account


def search_units(session: Session, text: str, limit: int = 20) -> list[tuple[int, str]]:
    """Active employer units whose name contains every typed fragment (模糊查询)."""
    fragments = search_fragments(text)
    if not fragments:
        return []
    query = select(Unit.id, Unit.name).where(Unit.status == "active", Unit.kind.in_(("employer", "department")))
    for fragment in fragments:
        query = query.where(Unit.name.contains(fragment, autoescape=True))
    return [tuple(r) for r in session.execute(query.order_by(func.length(Unit.name), Unit.id).limit(limit))]


def request_binding(session: Session, actor: Actor, unit_id: int, now: dt.datetime | None = None) -> UnitBinding:
    """A person asks to join a unit; a pending request elsewhere is replaced."""
    now = now or utcnow()
    if actor.person_id is None or session.get(Unit, unit_id) is None:
        raise NotFound()
    store = RecordStore(session, "unit_binding")
    for pending in session.scalars(select(UnitBinding.id).where(UnitBinding.person_id == actor.person_id,
                                                                UnitBinding.status == "pending")).all():
        perform(store, actor, pending, "withdraw", now=now)
    binding = UnitBinding(person_id=actor.person_id, unit_id=unit_id, requested_at=now)
    session.add(binding)
    session.flush()
    audit.append(session, kind="account", action="binding_request", at=now, account_id=actor.account_id,
                 role=actor.role, target=f"unit:{unit_id}")
    return binding


def decide_binding(session: Session, actor: Actor, binding_id: int, accept: bool,
                   now: dt.datetime | None = None) -> None:
    """The unit's admin or operator accepts or rejects a pending request for their own unit."""
    now = now or utcnow()
    binding = session.get(UnitBinding, binding_id)
    if binding is None or actor.role not in ("unit_admin", "unit_operator"):
        raise NotFound()
    perform(RecordStore(session, "unit_binding"), actor, binding_id, "accept" if accept else "reject", now=now,
            note={"person_id": binding.person_id})
    if accept:
        session.get(Person, binding.person_id).unit_id = binding.unit_id


def pending_bindings(session: Session, actor: Actor) -> list[tuple[int, str, dt.datetime]]:
    """Requests waiting for the actor's unit: (binding id, person name, requested at)."""
    if actor.role not in ("unit_admin", "unit_operator"):
        return []
    rows = session.execute(select(UnitBinding.id, Person.name, UnitBinding.requested_at)
                           .join(Person, Person.id == UnitBinding.person_id)
                           .where(UnitBinding.unit_id == actor.unit_id, UnitBinding.status == "pending")
                           .order_by(UnitBinding.requested_at))
    return [tuple(r) for r in rows]


def binding_status(session: Session, person_id: int) -> tuple[str, str | None]:
    """('bound', unit name) / ('pending', unit name) / ('none', None), for the applicant's page."""
    unit_name = session.scalar(select(Unit.name).join(Person, Person.unit_id == Unit.id).where(Person.id == person_id))
    if unit_name:
        return "bound", unit_name
    pending = session.scalar(select(Unit.name).join(UnitBinding, UnitBinding.unit_id == Unit.id).where(
        UnitBinding.person_id == person_id, UnitBinding.status == "pending"))
    return ("pending", pending) if pending else ("none", None)

