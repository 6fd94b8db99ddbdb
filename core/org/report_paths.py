"""Reporting paths (路径申请, 002 §2.5): a unit's per (series, level) route to a chosen upper unit.

A unit applies for a path for one series and level to a competent department or HR bureau outside
its own subtree; that unit's operator approves or rejects it with a reason. An approved path
overrides the parent chain during relay (core.workflow_store ``relay_route`` reads approved rows).
Approving a new path for the same series and level retires the old one (``superseded``), so at
most one path per (unit, series, level) is ever in force.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from core.audit import trail as audit
from core.org.scope import require_operator
from core.common.errors import ValidationError
from core.common.text import search_fragments
from core.org.scope import subtree
from core.workflow import Actor, perform
from core.workflow_store import RecordStore
from db.base import utcnow
from db.models import AuditEvent, Level, ReportPath, Series, Unit

APPLY_ROLES = frozenset({"unit_operator", "dept_operator"})
DECIDE_ROLES = frozenset({"dept_operator", "hr_operator"})
TARGET_KINDS = ("department", "hr_bureau")


def _audit(session: Session, actor: Actor, action: str, path_id: int, now: dt.datetime,
           comment: str | None = None, **detail) -> None:
    audit.append(session, kind="admin", action=action, at=now, account_id=actor.account_id, role=actor.role,
                 unit_id=actor.unit_id, target=f"report_path:{path_id}", comment=comment, detail=detail)


def path_targets(session: Session, actor: Actor, search: str | None = None, limit: int = 50) -> list[tuple[int, str]]:
    """Units the actor's unit may apply to: active departments and HR bureaus outside its subtree."""
    unit_id = require_operator(actor, APPLY_ROLES)
    query = (select(Unit.id, Unit.name).where(Unit.kind.in_(TARGET_KINDS), Unit.status == "active",
                                              Unit.id.not_in(subtree(session, unit_id)))
             .order_by(Unit.name, Unit.id).limit(max(1, min(limit, 500))))
    for fragment in search_fragments(search):
        query = query.where(Unit.name.contains(fragment, autoescape=True))
    return [(i, n) for i, n in session.execute(query)]


def _check_catalogue(session: Session, series: str, level: str) -> None:
    if session.get(Series, series) is None or session.get(Level, level) is None:
        raise ValidationError("report_path.bad_title")


def apply_path(session: Session, actor: Actor, series: str, level: str, target_unit_id: int, *,
               now: dt.datetime | None = None) -> int:
    """Apply for a reporting path; returns its id. The target unit's operator decides."""
    now = now or utcnow()
    unit_id = require_operator(actor, APPLY_ROLES)
    _check_catalogue(session, series, level)
    if not _valid_target(session, unit_id, target_unit_id):
        raise ValidationError("report_path.bad_target")
    pending = session.scalar(select(ReportPath.id).where(
        ReportPath.unit_id == unit_id, ReportPath.series_code == series, ReportPath.level_code == level,
        ReportPath.status == "pending"))
    if pending is not None:
        raise ValidationError("report_path.pending_exists")
    row = ReportPath(unit_id=unit_id, target_unit_id=target_unit_id, series_code=series, level_code=level,
                     status="pending", requested_at=now)
    session.add(row)
    session.flush()
    _audit(session, actor, "report_path_apply", row.id, now, series=series, level=level, target=target_unit_id)
    return row.id


def _valid_target(session: Session, unit_id: int, target_unit_id: int) -> bool:
    target = session.get(Unit, target_unit_id)
    if target is None or target.kind not in TARGET_KINDS or target.status != "active":
        return False
    return session.scalar(select(Unit.id).where(Unit.id == target_unit_id,
                                                Unit.id.in_(subtree(session, unit_id)))) is None


def decide_path(session: Session, actor: Actor, path_id: int, approve: bool, reason: str | None = None, *,
                now: dt.datetime | None = None) -> None:
    """The target unit's operator approves or rejects a pending path (a reason is required to reject).

    Both go through the ``report_path`` machine; approving first retires the path in force for the same
    unit, series and level (approved → superseded), so at most one is ever in force."""
    now = now or utcnow()
    require_operator(actor, DECIDE_ROLES)
    store = RecordStore(session, "report_path")
    payload = {"reason": reason or ""}
    if not approve:
        perform(store, actor, path_id, "reject", payload, now=now)
        return
    path = store.load(path_id)
    if path is not None and path.state == "pending" and path.data["target_unit_id"] == actor.unit_id:
        for old in session.scalars(select(ReportPath.id).where(
                ReportPath.unit_id == path.data["unit_id"], ReportPath.series_code == path.data["series_code"],
                ReportPath.level_code == path.data["level_code"], ReportPath.status == "approved")).all():
            perform(store, actor, old, "supersede", now=now, note={"by": f"report_path:{path_id}"})
    perform(store, actor, path_id, "approve", payload, now=now)


@dataclass(frozen=True)
class PathRow:
    id: int
    unit_id: int
    unit_name: str
    target_unit_id: int
    target_name: str
    series_code: str
    level_code: str
    status: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    reason: str | None  # the rejection reason (or approval comment), from the decision's audit row


def list_paths(session: Session, actor: Actor, direction: str = "outgoing", status: str | None = None) -> list[PathRow]:
    """Paths the actor's unit applied for (``outgoing``) or has to decide (``incoming``), newest first."""
    roles = APPLY_ROLES if direction == "outgoing" else DECIDE_ROLES
    unit_id = require_operator(actor, roles)
    source, target = aliased(Unit), aliased(Unit)
    mine = ReportPath.unit_id if direction == "outgoing" else ReportPath.target_unit_id
    query = (select(ReportPath.id, ReportPath.unit_id, source.name, ReportPath.target_unit_id, target.name,
                    ReportPath.series_code, ReportPath.level_code, ReportPath.status, ReportPath.requested_at,
                    ReportPath.decided_at)
             .join(source, source.id == ReportPath.unit_id).join(target, target.id == ReportPath.target_unit_id)
             .where(mine == unit_id).order_by(ReportPath.id.desc()))
    if status is not None:
        query = query.where(ReportPath.status == status)
    rows = session.execute(query).all()
    reasons = _decision_comments(session, rows)
    return [PathRow(*r, reasons.get(r[0])) for r in rows]


def _decision_comments(session: Session, rows) -> dict[int, str]:
    """Decision comments by path id: one query over the deciding units' audit rows (indexed by unit)."""
    decided = {r[0]: r[3] for r in rows if r[7] in ("approved", "rejected", "superseded")}
    if not decided:
        return {}
    events = session.execute(select(AuditEvent.target, AuditEvent.comment).where(
        AuditEvent.unit_id.in_(set(decided.values())), AuditEvent.kind == "admin",
        AuditEvent.action.in_(("report_path_approve", "report_path_reject")),
        AuditEvent.target.in_([f"report_path:{i}" for i in decided])).order_by(AuditEvent.id))
    return {int(target.split(":")[1]): comment for target, comment in events if comment}
