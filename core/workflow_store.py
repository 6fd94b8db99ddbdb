"""The workflow engine's stores over SQLAlchemy: load snapshots, answer guards, write changes.

:func:`write_change` is the only code that writes the state of any machine's record: one guarded
UPDATE (``WHERE id = ? AND version = expected``) and exactly one audit event, in the caller's
transaction. ``SqlStore`` serves the declaration (its statements built once, for speed);
``RecordStore`` serves every other machine through its :class:`Adapter` (table, state column,
the fields its rules read, audit target).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Executable, and_, bindparam, exists, func, select, update
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.declaring.submission import missing_item_keys
from core.machines.publicity import OWNER_ROLES
from core.org.units import ancestors
from core.workflow import MACHINES, TERMINAL, Actor, Change, LastStep, Record, Snapshot
from core.common.errors import ConcurrentChange
from db.models import (Attachment, AuditEvent, CalendarYear, Committee, Declaration, DeclarationRecord, Expert,
                       GroupDeclaration, Objection, PanelMember, Person, PublicityBatch, PublicityItem,
                       ReportPath, ReviewGroup, TallyResult, Unit, UnitBinding, UnitLinkRequest)

INACTIVE = ("draft", *TERMINAL - {"approved"})
RELAY_KINDS = ("department", "hr_bureau")


class SqlFacts:
    """Read-only answers to the engine's questions, one small query each."""

    def __init__(self, session: Session):
        self.s = session

    def missing_items(self, d: Snapshot) -> list[str]:
        return missing_item_keys(self.s, d.id)  # fields, modules, rows and evidence together (core.declaring.submission)

    def has_other_active(self, d: Snapshot) -> bool:
        return self.s.scalar(select(exists().where(
            Declaration.applicant_person_id == d.applicant_person_id, Declaration.year == d.year,
            Declaration.flow == d.flow, Declaration.id != d.id, Declaration.state.not_in(INACTIVE))))

    def committee_open(self, d: Snapshot) -> bool:
        c = self.s.get(Committee, d.committee_id) if d.committee_id else None
        if c is None or not self._authorized(c, d) or not c.open_for_declaration:
            return False
        if (d.review_type == "self_review") != c.self_review:
            return False
        unit_path = self.s.scalar(select(Unit.path).where(Unit.id == d.unit_id)) or ""
        return f"/{c.region_unit_id}/" in unit_path

    def applicant_bound(self, d: Snapshot) -> bool:
        return self.s.scalar(select(Person.unit_id).where(Person.id == d.applicant_person_id)) == d.unit_id

    def _entry_version(self, d: Snapshot) -> int:
        """The version with which the declaration last entered its current state by a forward step (a
        withdraw back into it does not count): earlier rounds' publicities and objections do not apply."""
        return self.s.scalar(select(func.max(AuditEvent.version)).where(
            AuditEvent.declaration_id == d.id, AuditEvent.kind == "transition", AuditEvent.to_state == d.state,
            AuditEvent.action != "withdraw")) or 0

    def publicity_ended(self, d: Snapshot, kind: str, today: dt.date) -> bool:
        ends_on = self.s.scalar(
            select(PublicityBatch.ends_on).join(PublicityItem, PublicityItem.batch_id == PublicityBatch.id)
            .where(PublicityItem.declaration_id == d.id, PublicityBatch.kind == kind,
                   PublicityBatch.status.in_(("published", "completed")),
                   PublicityItem.declaration_version >= self._entry_version(d))
            .order_by(PublicityBatch.id.desc()).limit(1))
        return ends_on is not None and ends_on < today

    def has_open_objection(self, d: Snapshot) -> bool:
        return bool(self.s.scalar(select(exists().where(
            Objection.declaration_id == d.id, Objection.status == "open",
            Objection.declaration_version >= self._entry_version(d)))))

    def _ancestors(self, unit_id: int) -> list[Unit]:
        return ancestors(self.s, unit_id)

    def relay_route(self, d: Snapshot) -> tuple[int, ...]:
        """Relay hops: departments and HR bureaus up to the HR bureau of the committee's region."""
        start = self.s.scalar(select(ReportPath.target_unit_id).where(
            ReportPath.unit_id == d.unit_id, ReportPath.series_code == d.series_code,
            ReportPath.level_code == d.level_code, ReportPath.status == "approved").limit(1))
        chain = ([self.s.get(Unit, start)] + self._ancestors(start)) if start else self._ancestors(d.unit_id)
        stop = self.committee_region(d.committee_id) if d.committee_id else None
        route: list[int] = []
        for unit in chain:
            if unit.kind in RELAY_KINDS:
                route.append(unit.id)
            if unit.kind == "hr_bureau" and (stop is None or unit.id == stop):
                return tuple(route)
        return tuple(route) if route and self.unit_kind(route[-1]) == "hr_bureau" else ()

    def initial_route(self, d: Snapshot) -> tuple[int, ...]:
        """Initial determination: the nearest competent department (if any), then the nearest HR bureau."""
        route: list[int] = []
        for unit in self._ancestors(d.unit_id):
            if unit.kind == "department" and not route:
                route.append(unit.id)
            if unit.kind == "hr_bureau":
                return (*route, unit.id)
        return ()

    def own_committee(self, d: Snapshot) -> int | None:
        for c in self.s.scalars(select(Committee).where(
                Committee.organizer_unit_id == d.unit_id, Committee.self_review.is_(True))):
            if self._authorized(c, d):
                return c.id
        return None

    @staticmethod
    def _authorized(c: Committee, d: Snapshot) -> bool:
        return (c.authority_status == "approved" and c.series_code == d.series_code
                and d.level_code in (c.level_codes or []) and c.year == d.year)

    def committee_authorized(self, committee_id: int, d: Snapshot) -> bool:
        """Approved authority for the series, level and year, a region covering the applicant's unit,
        and never another employer's self-review committee."""
        c = self.s.get(Committee, committee_id)
        if c is None or not self._authorized(c, d) or (c.self_review and c.organizer_unit_id != d.unit_id):
            return False
        unit_path = self.s.scalar(select(Unit.path).where(Unit.id == d.unit_id)) or ""
        return f"/{c.region_unit_id}/" in unit_path

    def committee_organizer(self, committee_id: int | None) -> int | None:
        return self.s.scalar(select(Committee.organizer_unit_id).where(Committee.id == committee_id))

    def committee_region(self, committee_id: int | None) -> int | None:
        return self.s.scalar(select(Committee.region_unit_id).where(Committee.id == committee_id))

    def unit_kind(self, unit_id: int) -> str | None:
        return self.s.scalar(select(Unit.kind).where(Unit.id == unit_id))

    def tally(self, d: Snapshot) -> bool | None:
        return self.s.scalar(select(TallyResult.passed).where(TallyResult.declaration_id == d.id)
                             .order_by(TallyResult.id.desc()).limit(1))

    def is_session_chair(self, actor: Actor, d: Snapshot) -> bool:
        return self.s.scalar(select(exists().where(
            GroupDeclaration.declaration_id == d.id, ReviewGroup.id == GroupDeclaration.group_id,
            PanelMember.session_id == ReviewGroup.session_id, PanelMember.duty == "chair",
            Expert.id == PanelMember.expert_id, Expert.person_id == actor.person_id)))

    def has_supplement(self, d: Snapshot) -> bool:
        return self.s.scalar(select(exists().where(
            DeclarationRecord.declaration_id == d.id, DeclarationRecord.module == "supplement")))

    def has_attachment(self, d: Snapshot, purpose: str) -> bool:
        return self.s.scalar(select(exists().where(Attachment.declaration_id == d.id, Attachment.purpose == purpose)))

    def held_before(self, d: Snapshot, unit_id: int) -> bool:
        return bool(self.s.scalar(select(exists().where(
            AuditEvent.declaration_id == d.id, AuditEvent.kind == "transition",
            AuditEvent.to_holder_unit_id == unit_id))))

    def last_step(self, d: Snapshot) -> LastStep | None:
        e = self.s.execute(select(AuditEvent).where(
            AuditEvent.declaration_id == d.id, AuditEvent.kind == "transition")
            .order_by(AuditEvent.id.desc()).limit(1)).scalar_one_or_none()
        if e is None:
            return None
        return LastStep(e.action, e.from_state, e.to_state, e.from_holder_unit_id, e.to_holder_unit_id,
                        e.account_id, e.role, e.unit_id, dict((e.detail or {}).get("restore", {})))


# Built once (same SQL as ORM statements, without per-call construction or ORM bulk paths).
_D = Declaration.__table__
_LOAD = select(_D.c.id, _D.c.flow, _D.c.state, _D.c.version, _D.c.applicant_person_id, _D.c.unit_id,
               _D.c.holder_unit_id, _D.c.year, _D.c.series_code, _D.c.level_code, _D.c.specialty_code,
               _D.c.committee_id, _D.c.relay_route, _D.c.is_supplement, _D.c.review_type
               ).where(_D.c.id == bindparam("declaration_id"))
# The SET clause comes from the parameters' keys (state, holder, version, state_since and the change's columns).
_GUARDED_UPDATE = update(_D).where(_D.c.id == bindparam("id_"),
                                   _D.c.version == bindparam("expected_version_"))


class SqlStore:
    """The engine's store: one per transaction (session)."""

    def __init__(self, session: Session):
        self.session = session
        self.facts = SqlFacts(session)

    def load(self, declaration_id: int) -> Snapshot | None:
        if self.session.autoflush:  # pending edits first, as an ORM query would; then read the row fresh
            self.session.flush()
        d = self.session.execute(_LOAD, {"declaration_id": declaration_id}).first()
        if d is None:
            return None
        return Snapshot(d.id, d.flow, d.state, d.version, d.applicant_person_id, d.unit_id, d.holder_unit_id,
                        d.year, d.series_code, d.level_code, d.specialty_code, d.committee_id,
                        tuple(d.relay_route or ()), d.is_supplement, d.review_type)

    def apply(self, actor: Actor, change: Change, now: dt.datetime) -> int:
        return write_change(self.session, _GUARDED_UPDATE, {
            "state": change.to_state, "holder_unit_id": change.to_holder_unit_id, "state_since": now,
            **change.columns}, actor, change, now, kind="transition", target=f"declaration:{change.record_id}",
            declaration_id=change.record_id)


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
    return new_version


def count_transition_events(session: Session, declaration_id: int) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent).where(and_(
        AuditEvent.declaration_id == declaration_id, AuditEvent.kind == "transition")))


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
)}


class RecordStore:
    """The engine's store for one non-declaration machine, in one transaction (session)."""

    def __init__(self, session: Session, machine: str):
        self.session = session
        self.adapter = ADAPTERS[machine]
        self.machine = MACHINES[machine]
        self.facts = OrgFacts(session)

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
