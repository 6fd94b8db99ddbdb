"""The engine's facts for a page of declarations (core.desks.listing.page_actions): the snapshots of
the page in one query, and :class:`PageFacts`, the SQL answers of core.declaring.store.SqlFacts given
for the whole page at once where every row asks the same question.

Kept apart from core.workflow_store, whose SqlFacts answers one declaration at a time for
``perform``; this module only reads, and its answers are checked equal to SqlFacts' by tests
(tests/integration/test_listing.py, tests/unit/test_page_actions.py).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from core.workflow import LastStep, Snapshot
from core.declaring.store import _LOAD, SqlFacts
from db.models import Attachment, AuditEvent, Committee, Declaration, Objection, PublicityBatch, PublicityItem, Unit

_D = Declaration.__table__
_LOAD_MANY = select(*_LOAD.selected_columns).where(_D.c.id.in_(bindparam("ids", expanding=True)))


def load_snapshots(session: Session, declaration_ids: list[int]) -> list[Snapshot]:
    """The snapshots of these declarations in one query, in the order asked (missing ids left out)."""
    if not declaration_ids:
        return []
    if session.autoflush:  # pending edits first, as SqlStore.load does
        session.flush()
    found = {d.id: _snapshot(d) for d in session.execute(_LOAD_MANY, {"ids": list(declaration_ids)})}
    return [found[i] for i in dict.fromkeys(declaration_ids) if i in found]


def _snapshot(d) -> Snapshot:
    """A row of ``_LOAD``'s columns as SqlStore.load builds it."""
    return Snapshot(d.id, d.flow, d.state, d.version, d.applicant_person_id, d.unit_id, d.holder_unit_id,
                    d.year, d.series_code, d.level_code, d.specialty_code, d.committee_id,
                    tuple(d.relay_route or ()), d.is_supplement, d.review_type)


class PageFacts(SqlFacts):
    """SqlFacts for a page of declarations (core.desks.listing): the question every row is asked (its
    last step, for withdraw) is answered for the whole page in one query; so are the rounds' entry
    versions, publicities by kind, open objections and attachments by purpose, each when first asked;
    answers that depend only on a unit, series, level and year are kept for the page."""

    def __init__(self, session: Session, snapshots: list[Snapshot]):
        super().__init__(session)
        self._ids = {d.id for d in snapshots}
        self._last_steps: dict[int, LastStep] | None = None
        self._attachments: dict[str, set[int]] = {}
        self._memo: dict[tuple, object] = {}
        self._entries: dict[tuple[int, str], int] | None = None
        self._publicities: dict[str, list[tuple[int, int | None, int, dt.date]]] = {}
        self._objections: list[tuple[int, int | None]] | None = None

    def last_step(self, d: Snapshot) -> LastStep | None:
        if d.id not in self._ids:
            return super().last_step(d)
        if self._last_steps is None:
            e = AuditEvent.__table__.c
            latest = (select(func.max(e.id)).where(e.declaration_id.in_(sorted(self._ids)), e.kind == "transition")
                      .group_by(e.declaration_id))
            self._last_steps = {row.declaration_id: _last_step(row) for row in self.s.execute(select(
                e.declaration_id, e.action, e.from_state, e.to_state, e.from_holder_unit_id, e.to_holder_unit_id,
                e.account_id, e.role, e.unit_id, e.detail).where(e.id.in_(latest)))}
        return self._last_steps.get(d.id)

    def _entry_version(self, d: Snapshot) -> int:
        if d.id not in self._ids:
            return super()._entry_version(d)
        if self._entries is None:
            e = AuditEvent.__table__.c
            self._entries = {(i, state): v for i, state, v in self.s.execute(
                select(e.declaration_id, e.to_state, func.max(e.version))
                .where(e.declaration_id.in_(sorted(self._ids)), e.kind == "transition", e.action != "withdraw")
                .group_by(e.declaration_id, e.to_state))}
        return self._entries.get((d.id, d.state)) or 0

    def publicity_ended(self, d: Snapshot, kind: str, today: dt.date) -> bool:
        if d.id not in self._ids:
            return super().publicity_ended(d, kind, today)
        if kind not in self._publicities:
            self._publicities[kind] = list(self.s.execute(
                select(PublicityItem.declaration_id, PublicityItem.declaration_version, PublicityBatch.id,
                       PublicityBatch.ends_on).join(PublicityBatch, PublicityBatch.id == PublicityItem.batch_id)
                .where(PublicityItem.declaration_id.in_(sorted(self._ids)), PublicityBatch.kind == kind,
                       PublicityBatch.status.in_(("published", "completed")))).tuples())
        entry = self._entry_version(d)
        this_round = [(batch, ends) for i, v, batch, ends in self._publicities[kind]
                      if i == d.id and v is not None and v >= entry]
        ends_on = max(this_round)[1] if this_round else None  # the latest batch, as SqlFacts orders them
        return ends_on is not None and ends_on < today

    def has_open_objection(self, d: Snapshot) -> bool:
        if d.id not in self._ids:
            return super().has_open_objection(d)
        if self._objections is None:
            self._objections = list(self.s.execute(select(Objection.declaration_id, Objection.declaration_version)
                                                   .where(Objection.declaration_id.in_(sorted(self._ids)),
                                                          Objection.status == "open")).tuples())
        entry = self._entry_version(d)
        return any(i == d.id and v is not None and v >= entry for i, v in self._objections)

    def has_attachment(self, d: Snapshot, purpose: str) -> bool:
        if d.id not in self._ids:
            return super().has_attachment(d, purpose)
        if purpose not in self._attachments:
            self._attachments[purpose] = set(self.s.scalars(select(Attachment.declaration_id).where(
                Attachment.declaration_id.in_(sorted(self._ids)), Attachment.purpose == purpose)))
        return d.id in self._attachments[purpose]

    def _kept(self, key: tuple, answer):
        if key not in self._memo:
            self._memo[key] = answer()
        return self._memo[key]

    def relay_route(self, d: Snapshot) -> tuple[int, ...]:
        key = ("relay_route", d.unit_id, d.series_code, d.level_code, d.committee_id)
        return self._kept(key, lambda: super(PageFacts, self).relay_route(d))

    def initial_route(self, d: Snapshot) -> tuple[int, ...]:
        return self._kept(("initial_route", d.unit_id), lambda: super(PageFacts, self).initial_route(d))

    def own_committee(self, d: Snapshot) -> int | None:
        """As SqlFacts, over the unit's self-review committees read once for the page."""
        committees = self._kept(("self_review", d.unit_id), lambda: list(self.s.scalars(select(Committee).where(
            Committee.organizer_unit_id == d.unit_id, Committee.self_review.is_(True)))))
        return next((c.id for c in committees if self._authorized(c, d)), None)

    def unit_kind(self, unit_id: int) -> str | None:
        return self._kept(("unit_kind", unit_id), lambda: super(PageFacts, self).unit_kind(unit_id))

    def _ancestors(self, unit_id: int) -> list[Unit]:
        return self._kept(("ancestors", unit_id), lambda: super(PageFacts, self)._ancestors(unit_id))

    def committee_region(self, committee_id: int | None) -> int | None:
        return self._kept(("region", committee_id), lambda: super(PageFacts, self).committee_region(committee_id))

    def committee_organizer(self, committee_id: int | None) -> int | None:
        return self._kept(("organizer", committee_id),
                          lambda: super(PageFacts, self).committee_organizer(committee_id))


def _last_step(e) -> LastStep:
    """A LastStep from an audit event (an entity or a row with its columns)."""
    return LastStep(e.action, e.from_state, e.to_state, e.from_holder_unit_id, e.to_holder_unit_id,
                    e.account_id, e.role, e.unit_id, dict((e.detail or {}).get("restore", {})))
