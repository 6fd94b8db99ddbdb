"""The declaration's store over SQLAlchemy: loads snapshots, answers the declaration machine's guards
(``SqlFacts``), and writes its changes through the one write path (core.workflow_store.write_change).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, bindparam, exists, func, select, update
from sqlalchemy.orm import Session

from core.declaring.submission import missing_item_keys
from core.org.units import ancestors
from core.workflow import TERMINAL, Actor, Change, LastStep, Snapshot
from core.workflow_store import write_change
from db.models import (Attachment, AuditEvent, Committee, Declaration, DeclarationRecord, Expert,
                       GroupDeclaration, Objection, PanelMember, Person, PublicityBatch, PublicityItem, ReportPath,
                       ReviewGroup, TallyResult, Unit)

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
        return self.s.scalar(select(TallyResult.passed).where(TallyResult.declaration_id == d.id,
                                                              TallyResult.stage == "committee")
                             .order_by(TallyResult.id.desc()).limit(1))

    def is_session_chair(self, actor: Actor, d: Snapshot) -> bool:
        return self.s.scalar(select(exists().where(
            GroupDeclaration.declaration_id == d.id, ReviewGroup.id == GroupDeclaration.group_id,
            PanelMember.session_id == ReviewGroup.session_id, PanelMember.duty == "chair",
            PanelMember.declined_at.is_(None),
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


def count_transition_events(session: Session, declaration_id: int) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent).where(and_(
        AuditEvent.declaration_id == declaration_id, AuditEvent.kind == "transition")))
