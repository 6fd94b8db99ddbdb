"""The workflow engine's stores over SQLAlchemy: load snapshots, answer guards, write changes.

:func:`write_change` is the only code that writes the state of any machine's record: one guarded
UPDATE (``WHERE id = ? AND version = expected``) and exactly one audit event, in the caller's
transaction; a declaration's transition also keeps its stage-visit summary there (``stage_visit``). ``SqlStore`` serves the declaration (its statements built once, for speed);
``RecordStore`` serves every other machine through its :class:`Adapter` (table, state column,
the fields its rules read, audit target).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Executable, and_, bindparam, exists, func, insert, select, update
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.machines.publicity import OWNER_ROLES
from core.workflow import MACHINES, TERMINAL, Actor, Change, LastStep, Record, Snapshot
from core.common.errors import ConcurrentChange
from db.models import (Attachment, AuditEvent, CalendarYear, Committee, Declaration, DeclarationRecord, Expert,
                       GroupDeclaration, Objection, PanelMember, PanelSession, Person, PublicityBatch,
                       PublicityItem, ReportPath, ReviewGroup, StageVisit, TallyResult, Unit, UnitBinding, UnitLinkRequest)

# The stage-visit summary (db.models.analytics): a transition that moves a declaration to another state or
# holder closes its open visit and opens the next, in the same transaction. Built once, like the store's.
_V = StageVisit.__table__
_D = Declaration.__table__
_CLOSE_VISIT = update(_V).where(_V.c.declaration_id == bindparam("d_id"), _V.c.left_s.is_(None)).values(
    left_s=bindparam("at_s"), left_action=bindparam("v_action"), left_to=bindparam("v_to"))
_OPEN_VISIT = insert(_V).from_select(
    ["declaration_id", "version", "state", "holder_unit_id", "from_state", "entered_action", "entered_s",
     "flow", "year", "series_code", "level_code", "unit_id"],
    select(_D.c.id, bindparam("v_version"), bindparam("v_to"), bindparam("v_holder", type_=BigInteger()),
           bindparam("v_from"), bindparam("v_action"), bindparam("at_s"), _D.c.flow, _D.c.year,
           _D.c.series_code, _D.c.level_code, _D.c.unit_id).where(_D.c.id == bindparam("d_id")))


# PostgreSQL does both in one round trip: the UPDATE as a data-modifying CTE of the INSERT (SQLite has no
# such CTE, and its two statements cost no round trip).
_CLOSE_CTE = _CLOSE_VISIT.cte("closed")
_OPEN_AND_CLOSE = _OPEN_VISIT.add_cte(_CLOSE_CTE)


def _keep_stage_visits(session: Session, change: Change, action: str, version: int, now: dt.datetime) -> None:
    """Close the declaration's open visit and open the next one, unless the step stays in place."""
    if (change.from_state, change.from_holder_unit_id) == (change.to_state, change.to_holder_unit_id):
        return
    params = {"d_id": change.record_id, "at_s": int(now.timestamp()), "v_action": action, "v_to": change.to_state,
              "v_version": version, "v_holder": change.to_holder_unit_id, "v_from": change.from_state}
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_OPEN_AND_CLOSE, params)
        return
    connection.execute(_CLOSE_VISIT, params)
    connection.execute(_OPEN_VISIT, params)


def write_change(session: Session, guarded_update: Executable, values: dict[str, Any], actor: Actor,
                 change: Change, now: dt.datetime, *, kind: str, target: str, action: str | None = None,
                 declaration_id: int | None = None) -> int:
    """Write one change of any machine: the guarded UPDATE (``version`` moves on by one; no row
    matched means someone else changed it first) and its one audit event. Returns the new version."""
    new_version = change.expected_version + 1
    result = session.execute(guarded_update, {**values, "version": new_version, "id_": change.record_id,
                                              "expected_version_": change.expected_version})
    if result.rowcount != 1:
        raise ConcurrentChange()
    audit.append(session, kind=kind, action=action or change.action, at=now, account_id=actor.account_id,
                 role=actor.role, unit_id=actor.unit_id, target=target, declaration_id=declaration_id,
                 from_state=change.from_state, to_state=change.to_state,
                 from_holder_unit_id=change.from_holder_unit_id, to_holder_unit_id=change.to_holder_unit_id,
                 version=new_version, comment=change.comment, detail=change.detail)
    if kind == "transition" and declaration_id is not None:
        _keep_stage_visits(session, change, action or change.action, new_version, now)
    return new_version


# --- every other machine: one adapter per kind of record ------------------------------------------

class OrgFacts:
    """Read-only questions of the record machines' rules."""

    def __init__(self, session: Session):
        self.s = session

    def is_within(self, unit_id: int, ancestor_id: int) -> bool:
        """Whether ``unit_id`` is ``ancestor_id`` or lies below it in the unit tree."""
        path = self.s.scalar(select(Unit.path).where(Unit.id == unit_id)) or ""
        return f"/{ancestor_id}/" in path

    def is_provincial_hr_bureau(self, unit_id: int) -> bool:
        """Whether the unit is the active provincial HR bureau (the keeper of the working-day calendar)."""
        unit = self.s.get(Unit, unit_id)
        return unit is not None and unit.kind == "hr_bureau" and unit.region_level == "province" \
            and unit.status == "active"

    def handles_objection(self, actor: Actor, objection: Record) -> bool:
        """The unit that runs the objection's publicity with a role that runs that kind, or, for an
        objection outside any batch, the unit that holds the declaration (core.review.objections)."""
        batch_id = objection.data["batch_id"]
        if batch_id is None:
            holder = self.s.scalar(select(Declaration.holder_unit_id).where(
                Declaration.id == objection.data["declaration_id"]))
            return holder == actor.unit_id
        batch = self.s.execute(select(PublicityBatch.kind, PublicityBatch.owner_unit_id)
                               .where(PublicityBatch.id == batch_id)).first()
        return batch is not None and batch.owner_unit_id == actor.unit_id \
            and actor.role in OWNER_ROLES.get(batch.kind, ())


@dataclass(frozen=True)
class Adapter:
    """Where a machine's records live: the model, its state column, the fields its rules read, and the
    column that identifies a record (``id``, or the primary key of a table keyed otherwise, e.g. ``year``)."""

    machine: str
    model: type
    state_column: str = "status"
    fields: tuple[str, ...] = ()
    key_column: str = "id"

    def __post_init__(self) -> None:
        table = self.model.__table__
        key = table.c[self.key_column]
        columns = [key, table.c[self.state_column], table.c.version, *(table.c[f] for f in self.fields)]
        object.__setattr__(self, "load_statement", select(*columns).where(key == bindparam("id")))
        object.__setattr__(self, "guarded_update", update(table).where(
            key == bindparam("id_"), table.c.version == bindparam("expected_version_")))


ADAPTERS: dict[str, Adapter] = {a.machine: a for a in (
    Adapter("publicity_batch", PublicityBatch, fields=("kind", "owner_unit_id", "committee_id", "starts_on",
                                                       "ends_on")),
    Adapter("authority_filing", Committee, "authority_status", fields=("region_unit_id", "organizer_unit_id")),
    Adapter("report_path", ReportPath, fields=("unit_id", "target_unit_id", "series_code", "level_code")),
    Adapter("unit_binding", UnitBinding, fields=("person_id", "unit_id")),
    Adapter("unit_registration", Unit, fields=("path", "uscc")),
    Adapter("unit_link", UnitLinkRequest, fields=("child_unit_id", "parent_unit_id")),
    Adapter("objection", Objection, fields=("declaration_id", "batch_id")),
    Adapter("calendar_year", CalendarYear, key_column="year"),
    Adapter("panel_session", PanelSession, fields=("committee_id", "year")),
    Adapter("review_group", ReviewGroup, fields=("session_id",)),
)}


class RecordStore:
    """The engine's store for one non-declaration machine, in one transaction (session). A machine whose
    rules ask more than :class:`OrgFacts` answers gets its own facts object from its service."""

    def __init__(self, session: Session, machine: str, facts: Any = None):
        self.session = session
        self.adapter = ADAPTERS[machine]
        self.machine = MACHINES[machine]
        self.facts = facts if facts is not None else OrgFacts(session)

    def load(self, record_id: int) -> Record | None:
        if self.session.autoflush:
            self.session.flush()
        row = self.session.execute(self.adapter.load_statement, {"id": record_id}).first()
        if row is None:
            return None
        return Record(self.adapter.machine, row[0], row[1], row[2], dict(zip(self.adapter.fields, row[3:])))

    def apply(self, actor: Actor, change: Change, now: dt.datetime) -> int:
        m = self.machine
        version = write_change(self.session, self.adapter.guarded_update,
                               {self.adapter.state_column: change.to_state, **change.columns}, actor, change, now,
                               kind=m.audit_kind, target=f"{m.subject}:{change.record_id}",
                               action=f"{m.audit_prefix}{change.action}")
        loaded = self.session.identity_map.get(self.session.identity_key(self.adapter.model, change.record_id))
        if loaded is not None:  # the UPDATE bypassed the ORM: let the object read its new state
            self.session.expire(loaded)
        return version
