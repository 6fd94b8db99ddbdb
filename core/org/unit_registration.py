"""Unit registration (单位注册, 003 §一): a unit registers without login and waits for the HR bureau of
its region to approve it (the manuals' manual-review path); HR bureaus can also create units directly.

A registered unit is placed under its region's HR bureau with status ``pending``; only an ``active``
unit can be found, bound to or given an admin. The authorization letter is checked like evidence (its
name and content, ``core.files``), stored in the file store and its digest kept in the registration's
audit row (the HR bureau opens it from there).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import uscc as uscc_std

from core.audit import trail as audit
from core.common.errors import NotFound, ValidationError
from core.common.text import clean_line
from core.files.content import checked_name, display_name
from core.files.store import read_blob, store_bytes
from core.org.scope import subtree
from core.org.units import add_unit
from core.workflow import Actor, perform
from core.workflow_store import RecordStore
from db.base import utcnow
from db.models import AuditEvent, Unit

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
CREATABLE_KINDS = ("employer", "department", "committee_organizer")


def validate_uscc(code: str) -> str:
    """The compact, upper-case unified social credit code; raises if its GB 32100 check character is wrong."""
    value = uscc_std.compact(code or "").upper()
    if not uscc_std.is_valid(value):
        raise ValidationError("unitreg.uscc_invalid")
    return value


@dataclass(frozen=True)
class UnitForm:
    name: str
    uscc: str
    legal_representative: str
    contact_phone: str


def contact_problems(name: str, legal_representative: str, contact_phone: str) -> list[str]:
    """Problems with a unit's name, legal representative and contact phone (registration and edits).

    Control characters in the name or the representative are refused at once (ValidationError)."""
    clean_line(name, "field.unit_name")
    clean_line(legal_representative, "field.legal_representative")
    problems = []
    if not 2 <= len(name) <= 100:
        problems.append("unitreg.name_invalid")
    if not 2 <= len(legal_representative) <= 30:
        problems.append("unitreg.legal_rep_invalid")
    if not PHONE.match(contact_phone):
        problems.append("unitreg.phone_invalid")
    return problems


def _checked(session: Session, form: UnitForm) -> UnitForm:
    """The cleaned form; every problem listed together; a registered code is refused on its own."""
    name, rep, phone = (form.name or "").strip(), (form.legal_representative or "").strip(), \
        (form.contact_phone or "").strip()
    problems = contact_problems(name, rep, phone)
    try:
        code = validate_uscc(form.uscc)
    except ValidationError:
        code = ""
        problems.insert(1 if "unitreg.name_invalid" in problems else 0, "unitreg.uscc_invalid")
    if problems:
        raise ValidationError("unitreg.invalid", details=problems)
    if session.scalar(select(Unit.id).where(Unit.uscc == code)) is not None:
        raise ValidationError("unitreg.already_registered")
    return UnitForm(name, code, rep, phone)


def region_bureaus(session: Session) -> list[tuple[int, str]]:
    """Active HR bureaus a unit may register under, (id, name), province first."""
    rows = session.execute(select(Unit.id, Unit.name).where(Unit.kind == "hr_bureau", Unit.status == "active")
                           .order_by(Unit.path))
    return [tuple(r) for r in rows]


def _bureau(session: Session, unit_id: int | None) -> Unit:
    unit = session.get(Unit, unit_id) if unit_id else None
    if unit is None or unit.kind != "hr_bureau" or unit.status != "active":
        raise ValidationError("unitreg.region_invalid")
    return unit


def register_unit(session: Session, form: UnitForm, *, region_unit_id: int, letter: bytes | None,
                  letter_name: str = "单位授权书", now: dt.datetime | None = None) -> Unit:
    """Anonymous registration: a pending employer unit under its region's HR bureau."""
    now = now or utcnow()
    form = _checked(session, form)
    bureau = _bureau(session, region_unit_id)
    if not letter:
        raise ValidationError("unitreg.letter_missing")
    name = checked_name(letter_name)
    stored = store_bytes(session, letter)  # the same content checks as evidence, before writing anything
    unit = add_unit(session, name=form.name, kind="employer", parent=bureau, uscc=form.uscc, status="pending",
                    legal_representative=form.legal_representative, contact_phone=form.contact_phone)
    audit.append(session, kind="admin", action="unit_register", at=now, unit_id=unit.id, target=f"unit:{unit.id}",
                 detail={"authorization_sha256": stored.sha256, "letter_name": display_name(name, stored.media_type)})
    return unit


def _hr(actor: Actor) -> None:
    if actor.role != "hr_operator" or actor.unit_id is None:
        raise NotFound()


def create_unit(session: Session, actor: Actor, form: UnitForm, *, kind: str = "employer",
                now: dt.datetime | None = None) -> Unit:
    """An HR bureau operator creates a unit directly under the bureau, active at once."""
    now = now or utcnow()
    _hr(actor)
    if kind not in CREATABLE_KINDS:
        raise ValidationError("unitreg.invalid")
    form = _checked(session, form)
    bureau = session.get(Unit, actor.unit_id)
    unit = add_unit(session, name=form.name, kind=kind, parent=bureau, uscc=form.uscc, status="active",
                    legal_representative=form.legal_representative, contact_phone=form.contact_phone)
    audit.append(session, kind="admin", action="unit_create", at=now, account_id=actor.account_id, role=actor.role,
                 unit_id=actor.unit_id, target=f"unit:{unit.id}")
    return unit


@dataclass(frozen=True)
class PendingUnit:
    id: int
    name: str
    uscc: str
    legal_representative: str
    contact_phone: str
    letter_sha256: str | None


def pending_units(session: Session, actor: Actor) -> list[PendingUnit]:
    """Registrations waiting in the HR operator's region (its bureau's subtree)."""
    if actor.role != "hr_operator":
        return []
    units = session.scalars(select(Unit).where(Unit.status == "pending", Unit.id.in_(subtree(session, actor.unit_id)))
                            .order_by(Unit.id).limit(200)).all()
    letters = dict(session.execute(select(AuditEvent.target, AuditEvent.detail).where(
        AuditEvent.action == "unit_register", AuditEvent.target.in_([f"unit:{u.id}" for u in units]))).all()) \
        if units else {}
    return [PendingUnit(u.id, u.name, u.uscc or "", u.legal_representative or "", u.contact_phone or "",
                        (letters.get(f"unit:{u.id}") or {}).get("authorization_sha256")) for u in units]


def open_letter(session: Session, actor: Actor, unit_id: int, now: dt.datetime | None = None) -> bytes:
    """The authorization letter of a pending registration in the HR operator's region; audited."""
    pending = {u.id: u for u in pending_units(session, actor)}
    if unit_id not in pending or not pending[unit_id].letter_sha256:
        raise NotFound()
    audit.append(session, kind="download", action="authorization_letter", at=now or utcnow(),
                 account_id=actor.account_id, role=actor.role, unit_id=actor.unit_id, target=f"unit:{unit_id}")
    return read_blob(pending[unit_id].letter_sha256)


def decide_unit(session: Session, actor: Actor, unit_id: int, approve: bool, now: dt.datetime | None = None) -> None:
    """Approve (the unit becomes active) or reject a pending registration in the operator's region
    (machine ``unit_registration``; a rejection releases the credit code, kept in the audit event)."""
    now = now or utcnow()
    _hr(actor)
    uscc = session.scalar(select(Unit.uscc).where(Unit.id == unit_id))
    perform(RecordStore(session, "unit_registration"), actor, unit_id, "approve" if approve else "reject", now=now,
            note={"uscc": uscc})
