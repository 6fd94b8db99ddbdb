"""Parent links (归口, 003 "关联上级单位篇"): a unit asks to be linked under a department or HR bureau,
the parent's admin or operator approves or rejects. On approval the child's whole subtree moves: its
materialised paths are rewritten in one UPDATE, so HR bureau operators see every unit below them."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import String, func, literal, select, update
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.common.errors import NotFound, ValidationError
from core.common.text import clean_text
from core.common.text import search_fragments
from core.workflow import Actor, check_may, perform
from core.workflow_store import RecordStore
from db.base import utcnow
from db.models import Unit, UnitLinkRequest

PARENT_KINDS = ("department", "hr_bureau")
REQUESTERS = ("unit_admin", "unit_operator", "dept_operator", "committee_operator")
DECIDERS = ("unit_admin", "dept_operator", "hr_operator")


def _audit(session: Session, actor: Actor, action: str, target: str, now: dt.datetime, detail: dict | None = None):
    audit.append(session, kind="admin", action=action, at=now, account_id=actor.account_id, role=actor.role,
                 unit_id=actor.unit_id, target=target, detail=detail)


def candidate_parents(session: Session, text: str, limit: int = 20) -> list[tuple[int, str]]:
    """Active departments and HR bureaus whose name contains every typed fragment."""
    query = select(Unit.id, Unit.name).where(Unit.kind.in_(PARENT_KINDS), Unit.status == "active")
    for fragment in search_fragments(text):
        query = query.where(Unit.name.contains(fragment, autoescape=True))
    return [tuple(r) for r in session.execute(query.order_by(Unit.path).limit(limit))]


def request_link(session: Session, actor: Actor, parent_unit_id: int, reason: str = "",
                 now: dt.datetime | None = None) -> int:
    """The actor's unit asks to be linked under ``parent_unit_id``; returns the request id."""
    now = now or utcnow()
    if actor.role not in REQUESTERS or actor.unit_id is None:
        raise NotFound()
    child, parent = session.get(Unit, actor.unit_id), session.get(Unit, parent_unit_id)
    if parent is None or parent.kind not in PARENT_KINDS or parent.status != "active":
        raise ValidationError("link.bad_parent")
    if parent.path.startswith(child.path):
        raise ValidationError("link.cycle")
    if child.parent_id == parent.id:
        raise ValidationError("link.same_parent")
    if session.scalar(select(UnitLinkRequest.id).where(UnitLinkRequest.child_unit_id == child.id,
                                                       UnitLinkRequest.status == "pending")) is not None:
        raise ValidationError("link.pending_exists")
    row = UnitLinkRequest(child_unit_id=child.id, parent_unit_id=parent.id,
                          reason=clean_text(reason, "field.reason")[:1000] or None,
                          requested_at=now)
    session.add(row)
    session.flush()
    _audit(session, actor, "link_request", f"unit:{parent.id}", now, {"request_id": row.id})
    return row.id


@dataclass(frozen=True)
class LinkRow:
    id: int
    child_name: str
    parent_name: str
    status: str
    reason: str
    requested_at: dt.datetime


def _rows(session: Session, *conditions) -> list[LinkRow]:
    child, parent = Unit.__table__.alias("child"), Unit.__table__.alias("parent")
    query = (select(UnitLinkRequest.id, child.c.name, parent.c.name, UnitLinkRequest.status, UnitLinkRequest.reason,
                    UnitLinkRequest.requested_at)
             .join(child, child.c.id == UnitLinkRequest.child_unit_id)
             .join(parent, parent.c.id == UnitLinkRequest.parent_unit_id)
             .where(*conditions).order_by(UnitLinkRequest.requested_at.desc(), UnitLinkRequest.id.desc()).limit(200))
    return [LinkRow(i, c, p, s, r or "", at) for i, c, p, s, r, at in session.execute(query)]


def pending_for(session: Session, actor: Actor) -> list[LinkRow]:
    """Requests waiting for the actor's unit as the parent."""
    if actor.role not in DECIDERS or actor.unit_id is None:
        return []
    return _rows(session, UnitLinkRequest.parent_unit_id == actor.unit_id, UnitLinkRequest.status == "pending")


def own_requests(session: Session, actor: Actor) -> list[LinkRow]:
    if actor.unit_id is None:
        return []
    return _rows(session, UnitLinkRequest.child_unit_id == actor.unit_id)


def _move(session: Session, child: Unit, parent: Unit) -> None:
    """Re-root the child's subtree under the parent: every path that starts with the old prefix."""
    old, new = child.path, f"{parent.path}{child.id}/"
    session.execute(update(Unit).where(Unit.path.startswith(old))
                    .values(path=literal(new, String).concat(func.substr(Unit.path, len(old) + 1)))
                    .execution_options(synchronize_session=False))
    child.parent_id = parent.id
    session.flush()
    session.expire_all()


def decide_link(session: Session, actor: Actor, request_id: int, approve: bool, now: dt.datetime | None = None) -> None:
    """The parent unit approves (the child moves under it) or rejects a pending request."""
    now = now or utcnow()
    store = RecordStore(session, "unit_link")
    action = "approve" if approve else "reject"
    check_may(store, actor, request_id, action, now.date())
    row = session.get(UnitLinkRequest, request_id)
    child, parent = session.get(Unit, row.child_unit_id), session.get(Unit, row.parent_unit_id)
    if approve and parent.path.startswith(child.path):
        raise ValidationError("link.cycle")
    perform(store, actor, request_id, action, now=now, note={"child_unit_id": row.child_unit_id})
    row.decided_by = actor.account_id
    if approve:
        _move(session, child, parent)
