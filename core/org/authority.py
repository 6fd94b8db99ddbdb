"""Review authority filing (评审权备案): a committee organizer applies for a committee (series, levels,
region, year, term, number of experts); the HR bureau of the chosen region approves or rejects. Only
approved committees appear for declarations and relay (the readers filter ``authority_status``)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.common.errors import NotFound, ValidationError
from core.common.text import clean_line
from core.workflow import Actor, perform
from core.workflow_store import RecordStore
from db.base import utcnow
from db.models import AuditEvent, Committee, Level, Series, Unit


@dataclass(frozen=True)
class AuthorityForm:
    name: str
    series_code: str
    level_codes: tuple[str, ...]
    region_unit_id: int | None
    year: int
    term_start: dt.date | None
    term_end: dt.date | None
    expert_count: int


def _problems(session: Session, form: AuthorityForm) -> list[str]:
    problems = []
    clean_line(form.name, "field.committee_name")
    if not 2 <= len((form.name or "").strip()) <= 100:
        problems.append("authority.name_invalid")
    if session.get(Series, form.series_code or "") is None:
        problems.append("authority.series_invalid")
    known = set(session.scalars(select(Level.code)))
    if not form.level_codes or not set(form.level_codes) <= known:
        problems.append("authority.levels_invalid")
    region = session.get(Unit, form.region_unit_id) if form.region_unit_id else None
    if region is None or region.kind != "hr_bureau" or region.status != "active":
        problems.append("authority.region_invalid")
    if form.term_start is None or form.term_end is None or form.term_end <= form.term_start \
            or not form.term_start.year <= form.year <= form.term_end.year:
        problems.append("authority.term_invalid")
    if not 1 <= int(form.expert_count or 0) <= 999:
        problems.append("authority.experts_invalid")
    return problems


def apply(session: Session, actor: Actor, form: AuthorityForm, now: dt.datetime | None = None) -> int:
    """File a committee's review authority; it waits for the region's HR bureau. Returns its id."""
    now = now or utcnow()
    if actor.role != "committee_operator" or actor.unit_id is None:
        raise NotFound()
    if problems := _problems(session, form):
        raise ValidationError("authority.invalid", details=problems)
    organizer = session.get(Unit, actor.unit_id)
    committee = Committee(name=form.name.strip(), organizer_unit_id=organizer.id, region_unit_id=form.region_unit_id,
                          series_code=form.series_code, level_codes=list(form.level_codes), year=form.year,
                          self_review=organizer.kind == "employer", authority_status="pending",
                          required_modules=[], term_start=form.term_start, term_end=form.term_end, created_at=now)
    session.add(committee)
    session.flush()
    audit.append(session, kind="admin", action="authority_apply", at=now, account_id=actor.account_id,
                 role=actor.role, unit_id=actor.unit_id, target=f"committee:{committee.id}",
                 detail={"expert_count": int(form.expert_count)})
    return committee.id


@dataclass(frozen=True)
class AuthorityRow:
    id: int
    name: str
    organizer: str
    series_code: str
    level_codes: tuple[str, ...]
    year: int
    term: str
    expert_count: int | None
    status: str


def _rows(session: Session, *conditions) -> list[AuthorityRow]:
    rows = session.execute(select(Committee, Unit.name).join(Unit, Unit.id == Committee.organizer_unit_id)
                           .where(*conditions).order_by(Committee.id.desc()).limit(200)).all()
    targets = [f"committee:{c.id}" for c, _ in rows]
    experts = dict(session.execute(select(AuditEvent.target, AuditEvent.detail).where(
        AuditEvent.action == "authority_apply", AuditEvent.target.in_(targets))).all()) if targets else {}
    return [AuthorityRow(c.id, c.name, organizer, c.series_code, tuple(c.level_codes or ()), c.year,
                         f"{c.term_start or ''} – {c.term_end or ''}",
                         (experts.get(f"committee:{c.id}") or {}).get("expert_count"), c.authority_status)
            for c, organizer in rows]


def own_filings(session: Session, actor: Actor) -> list[AuthorityRow]:
    if actor.role != "committee_operator" or actor.unit_id is None:
        return []
    return _rows(session, Committee.organizer_unit_id == actor.unit_id)


def pending_for(session: Session, actor: Actor) -> list[AuthorityRow]:
    """Filings waiting for the HR operator's bureau."""
    if actor.role != "hr_operator" or actor.unit_id is None:
        return []
    return _rows(session, Committee.region_unit_id == actor.unit_id, Committee.authority_status == "pending")


def decide(session: Session, actor: Actor, committee_id: int, approve: bool, opinion: str = "",
           now: dt.datetime | None = None) -> None:
    """The region's HR bureau approves or rejects a pending filing (machine ``authority_filing``)."""
    now = now or utcnow()
    perform(RecordStore(session, "authority_filing"), actor, committee_id, "approve" if approve else "reject",
            {"opinion": (opinion or "").strip()[:500]}, now=now)
