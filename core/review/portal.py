"""The public portal (公示公开): running public notices of every kind, and objections by anyone.

No login. A notice is listed while it is published, public and in its period (``starts_on <= today
<= ends_on``); it disappears when the period ends. Following rules.md an entry carries exactly the
allowed fields — name, employer, series, specialty, level — built as dicts with those keys (plus the
declaration reference an objection names), never an ID number, phone, birth date or education. The
notice text, written by an operator, is scrubbed of anything shaped like an ID number or a phone.

Objections go through ``core.review.objections.raise_objection`` (landing with the unit or committee that
owns the notice), rate-limited from the database — app servers are stateless: per client key and per
contact per hour, per declaration per day.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from core.audit import trail as audit
from core.common import masking
from core.common.config import local_date
from core.common.errors import DomainError, NotFound
from core.review.objections import raise_objection
from core.review.publicity import is_running
from db.base import utcnow
from db.models import (AuditEvent, Declaration, Level, Objection, Person, PublicityBatch, PublicityItem, Series,
                       Specialty, Unit)
from db.uow import UnitOfWork

ENTRY_FIELDS = ("ref", "name", "employer", "series", "specialty", "level")
PER_CLIENT_HOUR, PER_CONTACT_HOUR, PER_DECLARATION_DAY = 3, 3, 20
MAX_LIST = 200


class RateLimited(DomainError):
    key = "portal.rate_limited"


def scrub(text: str) -> str:
    """The text with anything shaped like an ID number or a phone number starred out, however written
    (spaces, dashes, dots, a country code): ``core.common.masking.scrub``."""
    return masking.scrub(text)


@dataclass(frozen=True)
class NoticeRow:
    id: int
    kind: str
    title: str
    owner: str
    starts_on: dt.date
    ends_on: dt.date
    count: int


@dataclass(frozen=True)
class PublicNotice:
    id: int
    kind: str
    title: str
    body: str
    owner: str
    starts_on: dt.date
    ends_on: dt.date
    entries: list[dict[str, object]]


def _running(today: dt.date):
    return (PublicityBatch.status == "published", PublicityBatch.is_public.is_(True),
            PublicityBatch.starts_on <= today, PublicityBatch.ends_on >= today)


def public_notices(session: Session, today: dt.date, search: str | None = None) -> list[NoticeRow]:
    """Running public notices, newest first; ``search`` matches a listed person's name or employer,
    the publishing unit or the title."""
    owner = aliased(Unit)
    count = (select(func.count()).select_from(PublicityItem)
             .where(PublicityItem.batch_id == PublicityBatch.id).scalar_subquery())
    query = (select(PublicityBatch.id, PublicityBatch.kind, PublicityBatch.title, owner.name,
                    PublicityBatch.starts_on, PublicityBatch.ends_on, count)
             .join(owner, owner.id == PublicityBatch.owner_unit_id).where(*_running(today))
             .order_by(PublicityBatch.starts_on.desc(), PublicityBatch.id.desc()).limit(MAX_LIST))
    text = (search or "").strip()
    if text:
        pattern = f"%{text}%"
        employer = aliased(Unit)
        people = (select(PublicityItem.batch_id).join(Declaration, Declaration.id == PublicityItem.declaration_id)
                  .join(Person, Person.id == Declaration.applicant_person_id)
                  .join(employer, employer.id == Declaration.unit_id)
                  .where(or_(Person.name.like(pattern), employer.name.like(pattern))))
        query = query.where(or_(PublicityBatch.id.in_(people), owner.name.like(pattern),
                                PublicityBatch.title.like(pattern)))
    return [NoticeRow(r[0], r[1], scrub(r[2]), r[3], r[4], r[5], int(r[6] or 0)) for r in session.execute(query)]


def _running_batch(session: Session, batch_id: int, today: dt.date) -> PublicityBatch:
    batch = session.get(PublicityBatch, batch_id)
    if batch is None or not batch.is_public or not is_running(batch, today):
        raise NotFound("portal.not_found")
    return batch


def public_notice(session: Session, batch_id: int, today: dt.date, lang: str = "zh") -> PublicNotice:
    """One running public notice with its entries (only the allowed fields); NotFound otherwise."""
    batch = _running_batch(session, batch_id, today)
    zh = lang == "zh"
    employer = aliased(Unit)
    rows = session.execute(
        select(Declaration.id, Person.name, employer.name, Series.name_zh if zh else Series.name_en,
               Specialty.name_zh if zh else Specialty.name_en, Level.name_zh if zh else Level.name_en)
        .join(PublicityItem, PublicityItem.declaration_id == Declaration.id)
        .join(Person, Person.id == Declaration.applicant_person_id)
        .join(employer, employer.id == Declaration.unit_id)
        .outerjoin(Series, Series.code == Declaration.series_code)
        .outerjoin(Specialty, Specialty.code == Declaration.specialty_code)
        .outerjoin(Level, Level.code == Declaration.level_code)
        .where(PublicityItem.batch_id == batch.id).order_by(PublicityItem.id))
    entries = [dict(zip(ENTRY_FIELDS, (ref, name, unit, series or "", specialty or "", level or "")))
               for ref, name, unit, series, specialty, level in rows]
    owner = session.scalar(select(Unit.name).where(Unit.id == batch.owner_unit_id)) or ""
    return PublicNotice(batch.id, batch.kind, scrub(batch.title), scrub(batch.body), owner, batch.starts_on,
                        batch.ends_on, entries)


def client_key(browser_id: str, contact: str) -> str:
    """What identifies an objector to the rate limit: a hash of the browser's random id and the contact."""
    raw = f"{browser_id or ''}|{(contact or '').strip().lower()}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _count_since(session: Session, *where) -> int:
    return int(session.scalar(select(func.count()).select_from(Objection).where(*where)) or 0)


def _check_rate(session: Session, declaration_id: int, contact: str, key: str, now: dt.datetime) -> None:
    hour, day = now - dt.timedelta(hours=1), now - dt.timedelta(days=1)
    by_client = int(session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "objection_client", AuditEvent.target == f"client:{key}", AuditEvent.at >= hour)) or 0)
    if by_client >= PER_CLIENT_HOUR \
            or _count_since(session, Objection.contact == contact.strip(), Objection.created_at >= hour) >= PER_CONTACT_HOUR \
            or _count_since(session, Objection.declaration_id == declaration_id, Objection.created_at >= day) \
            >= PER_DECLARATION_DAY:
        raise RateLimited()


def raise_public_objection(session: Session, batch_id: int, declaration_id: int, name: str, contact: str,
                           text: str, client_key: str, now: dt.datetime | None = None,
                           today: dt.date | None = None) -> int:
    """A member of the public objects to a declaration named in a running public notice; returns its id.
    It lands with the unit owning the notice (its objections list)."""
    now = now or utcnow()
    today = today or local_date(now)
    batch = _running_batch(session, batch_id, today)
    listed = session.scalar(select(PublicityItem.id).where(PublicityItem.batch_id == batch.id,
                                                           PublicityItem.declaration_id == declaration_id))
    if listed is None:
        raise NotFound("portal.not_found")
    key = (client_key or "")[:64]
    _check_rate(session, declaration_id, contact or "", key, now)
    objection_id = raise_objection(session, declaration_id, name, contact, text, batch.id, now=now, today=today)
    audit.append(session, kind="objection", action="objection_client", at=now, target=f"client:{key}",
                 detail={"objection_id": objection_id})
    return objection_id


# --- one transaction per page call -----------------------------------------------------------------

def load_notices(uow: UnitOfWork, today: dt.date, search: str | None = None) -> list[NoticeRow]:
    with uow.read() as session:
        return public_notices(session, today, search)


def load_notice(uow: UnitOfWork, batch_id: int, today: dt.date, lang: str = "zh") -> PublicNotice:
    with uow.read() as session:
        return public_notice(session, batch_id, today, lang)


def object_to(uow: UnitOfWork, batch_id: int, declaration_id: int, name: str, contact: str, text: str,
              client: str, today: dt.date) -> int:
    with uow.write() as session:
        return raise_public_objection(session, batch_id, declaration_id, name, contact, text, client,
                                      today=today)
