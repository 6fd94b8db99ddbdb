"""Personal accounts created by a unit (个人账号管理, 001 §6.1.1): create (the ID number is the login,
a one-time password is shown once to hand over), view, enable and disable (core.identity.accounts), and edit
only before the account's first business action. Policy-review accounts live elsewhere."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.identity.accounts import _admin_target, create_account, grant_role, has_acted
from core.common.errors import NotFound, ValidationError
from core.common.text import clean_line
from core.identity.people import PHONE, validate_id_number
from core.workflow import Actor
from db.base import utcnow
from db.models import Person


def _fields(name: str, phone: str) -> tuple[str, str, list[str]]:
    name, phone = clean_line(name, "field.person_name"), (phone or "").strip()
    problems = []
    if not 2 <= len(name) <= 30:
        problems.append("person.name_invalid")
    if not PHONE.match(phone):
        problems.append("person.phone_invalid")
    return name, phone, problems


def create_personal_account(session: Session, admin: Actor, *, name: str, id_number: str, phone: str,
                            now: dt.datetime | None = None) -> tuple[int, str]:
    """A declarant's account bound to the admin's unit; returns (account id, one-time password)."""
    now = now or utcnow()
    if admin.role != "unit_admin" or admin.unit_id is None:
        raise NotFound()
    name, phone, problems = _fields(name, phone)
    try:
        id_number = validate_id_number(id_number)
    except ValidationError:
        problems.append("person.id_invalid")
    if problems:
        raise ValidationError("person.register_invalid", details=problems)
    if session.scalar(select(Person.id).where(Person.id_number == id_number)) is not None:
        raise ValidationError("admin.id_taken")
    person = Person(name=name, id_number=id_number, phone=phone, unit_id=admin.unit_id, created_at=now)
    session.add(person)
    session.flush()
    account, temporary = create_account(session, login_name=id_number.lower(), display_name=name,
                                        person_id=person.id, now=now)
    grant_role(session, account.id, "applicant", None, now=now)
    audit.append(session, kind="admin", action="personal_account_create", at=now, account_id=admin.account_id,
                 role=admin.role, unit_id=admin.unit_id, target=f"account:{account.id}")
    return account.id, temporary


def edit_personal_account(session: Session, admin: Actor, account_id: int, *, name: str, phone: str,
                          now: dt.datetime | None = None) -> None:
    """Change name and phone, only while the account has taken no business step."""
    now = now or utcnow()
    account = _admin_target(session, admin, account_id)
    if has_acted(session, account_id):
        raise ValidationError("admin.not_editable")
    name, phone, problems = _fields(name, phone)
    if problems:
        raise ValidationError("person.register_invalid", details=problems)
    person = session.get(Person, account.person_id)
    person.name, person.phone, account.display_name = name, phone, name
    audit.append(session, kind="admin", action="personal_account_edit", at=now, account_id=admin.account_id,
                 role=admin.role, unit_id=admin.unit_id, target=f"account:{account_id}")


def editable(session: Session, admin: Actor, account_id: int) -> bool:
    _admin_target(session, admin, account_id)
    return not has_acted(session, account_id)
