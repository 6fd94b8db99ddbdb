"""The unit tree: creating units with their materialised path, and subtree queries."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Unit

UNIT_KINDS = ("employer", "department", "hr_bureau", "committee_organizer")


def add_unit(session: Session, *, name: str, kind: str, parent: Unit | None = None, region_level: str | None = None,
             region_code: str | None = None, uscc: str | None = None, status: str = "active",
             legal_representative: str | None = None, contact_phone: str | None = None) -> Unit:
    """Insert a unit under ``parent`` (or as a root) and set its path."""
    assert kind in UNIT_KINDS, kind
    unit = Unit(name=name, kind=kind, parent_id=parent.id if parent else None, region_level=region_level,
                region_code=region_code, uscc=uscc, status=status, legal_representative=legal_representative,
                contact_phone=contact_phone, path="/")
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    session.flush()
    return unit


def subtree_ids(unit: Unit):
    """A subquery of the ids of the unit and all its descendants."""
    return select(Unit.id).where(Unit.path.startswith(unit.path))


def ancestors(session: Session, unit_id: int) -> list[Unit]:
    """The unit's ancestors, nearest first."""
    path = session.scalar(select(Unit.path).where(Unit.id == unit_id)) or "/"
    ids = [int(p) for p in path.strip("/").split("/") if p][:-1]
    found = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    return [found[i] for i in reversed(ids) if i in found]
