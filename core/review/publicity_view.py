"""The read side of publicity batches: the notice template, the unit's batches, one batch in detail.

The default notice follows the manuals' publicity notices (001 §6.2.2 / §6.2.8): who publicises,
the people with their series, specialty and level, the period with its working-day minimum, and
how to raise an objection. Following rules.md it names no ID number, phone, birth date or
education: a notice may be public.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from core.calendar.service import noted
from core.common.config import RULES
from core.common.i18n import t
from core.org.scope import require_operator
from core.review.publicity import KINDS, access_batch, held_declarations
from core.workflow import Actor
from db.models import Declaration, Level, Objection, Person, PublicityBatch, PublicityItem, Series, Specialty, Unit


@dataclass(frozen=True)
class NoticeEntry:
    name: str
    series: str
    specialty: str
    level: str


@dataclass(frozen=True)
class Notice:
    title: str
    body: str


def format_date(day: dt.date, lang: str = "zh") -> str:
    return t("publicity.date", lang, y=day.year, m=day.month, d=day.day)


def default_notice(unit_name: str, entries: Sequence[NoticeEntry], start: dt.date, end: dt.date, *,
                   year: int | None = None, lang: str = "zh") -> Notice:
    """The template title and text of a unit's publicity of these people."""
    year = year or start.year
    lines = "\n".join(t("publicity.notice_line", lang, n=i, name=e.name, series=e.series,
                        specialty=e.specialty, level=e.level) for i, e in enumerate(entries, start=1))
    title = t("publicity.notice_title", lang, unit=unit_name, year=year)
    body = t("publicity.notice_body", lang, unit=unit_name, year=year, count=len(entries), lines=lines,
             start=format_date(start, lang), end=format_date(end, lang), days=RULES.publicity_working_days,
             date=format_date(start, lang))
    return Notice(title, body)


def _entries(session: Session, ids: Iterable[int], lang: str) -> list[NoticeEntry]:
    zh = lang == "zh"
    query = (select(Person.name, Series.name_zh if zh else Series.name_en,
                    Specialty.name_zh if zh else Specialty.name_en, Level.name_zh if zh else Level.name_en,
                    Declaration.series_code, Declaration.specialty_code, Declaration.level_code)
             .join(Person, Person.id == Declaration.applicant_person_id)
             .outerjoin(Series, Series.code == Declaration.series_code)
             .outerjoin(Specialty, Specialty.code == Declaration.specialty_code)
             .outerjoin(Level, Level.code == Declaration.level_code)
             .where(Declaration.id.in_(list(ids))).order_by(Declaration.id))
    return [NoticeEntry(name, series or s_code, specialty or (sp_code or ""), level or l_code)
            for name, series, specialty, level, s_code, sp_code, l_code in session.execute(query)]


def notice_for(session: Session, actor: Actor, ids: Iterable[int], start: dt.date, end: dt.date,
               kind: str = "unit", lang: str = "zh") -> Notice:
    """The default notice for declarations the actor's unit holds in the kind's publicity state."""
    rows = held_declarations(session, actor, kind, ids)
    unit_name = session.scalar(select(Unit.name).where(Unit.id == actor.unit_id)) or ""
    years = {d.year for d in rows}
    notice = default_notice(unit_name, _entries(session, [d.id for d in rows], lang), start, end,
                            year=years.pop() if len(years) == 1 else None, lang=lang)
    return Notice(notice.title, noted(session, notice.body, start, end, lang))


@dataclass(frozen=True)
class BatchItem:
    declaration_id: int
    applicant_name: str
    state: str
    open_objection: bool


@dataclass(frozen=True)
class BatchDetail:
    id: int
    kind: str
    title: str
    body: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    is_public: bool
    items: list[BatchItem]


def batch_detail(session: Session, actor: Actor, batch_id: int) -> BatchDetail:
    """One batch the actor's unit owns, with its declarations and whether an objection holds each."""
    b = access_batch(session, actor, batch_id)
    objected = exists().where(Objection.declaration_id == Declaration.id, Objection.status == "open")
    items = [BatchItem(*r) for r in session.execute(
        select(Declaration.id, Person.name, Declaration.state, objected)
        .join(PublicityItem, PublicityItem.declaration_id == Declaration.id)
        .join(Person, Person.id == Declaration.applicant_person_id)
        .where(PublicityItem.batch_id == b.id).order_by(PublicityItem.id))]
    return BatchDetail(b.id, b.kind, b.title, b.body, b.starts_on, b.ends_on, b.status, b.is_public, items)


@dataclass(frozen=True)
class BatchRow:
    id: int
    kind: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    is_public: bool
    declarations: int
    open_objections: int


def list_batches(session: Session, actor: Actor, kind: str = "unit", status: str | None = None) -> list[BatchRow]:
    """The batches of this kind the actor's unit owns, newest first, with counts."""
    unit_id = require_operator(actor, KINDS[kind].roles if kind in KINDS else ())
    items = (select(func.count()).select_from(PublicityItem)
             .where(PublicityItem.batch_id == PublicityBatch.id).scalar_subquery())
    objections = (select(func.count()).select_from(Objection)
                  .where(Objection.batch_id == PublicityBatch.id, Objection.status == "open").scalar_subquery())
    query = (select(PublicityBatch.id, PublicityBatch.kind, PublicityBatch.title, PublicityBatch.starts_on,
                    PublicityBatch.ends_on, PublicityBatch.status, PublicityBatch.is_public, items, objections)
             .where(PublicityBatch.owner_unit_id == unit_id, PublicityBatch.kind == kind)
             .order_by(PublicityBatch.id.desc()))
    if status is not None:
        query = query.where(PublicityBatch.status == status)
    if actor.role == "policy_reviewer":  # a reviewer runs only its own committee's lists
        query = query.where(PublicityBatch.committee_id == actor.committee_id)
    return [BatchRow(*r) for r in session.execute(query)]
