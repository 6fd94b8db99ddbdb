"""The public portal (公示公开): running public notices of every kind, and objections by anyone.

No login. A notice is listed while it is published, public and in its period (``starts_on <= today
<= ends_on``); it disappears when the period ends. Following rules.md an entry carries exactly the
allowed fields — name, employer, series, specialty, level — built as dicts with those keys (plus the
declaration reference an objection names), never an ID number, phone, birth date or education. The
notice text, written by an operator, is scrubbed of anything shaped like an ID number or a phone.

Objections go through ``core.review.objections.raise_objection`` (landing with the unit or committee that
owns the notice). Each open objection holds the declaration's publicity, so they are rate-limited in the
database (``core.common.rate_limit``: one atomic upsert per limit, exact under parallel submissions on
every app server): per client address and per contact an hour, per declaration a day. The address is
the connection's, or the one a trusted proxy reports (``client_address``); the contact is normalised
(``core.common.contact``: one phone in any spelling is one contact). No captcha: a refusal tells the
person when they may try again ("请于 HH:MM 后再试", China time). That is the whole delay: a progressive
one would have to count refused attempts too (a refusal rolls back and costs nothing), would keep an
office behind one address waiting longer and longer for one person's clicks, and does not change how
many objections get through, which the fixed windows already bound. A flood that does get through is
dismissed in bulk (``core.review.objections.dismiss_objections``).
"""
from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from core.audit import trail as audit
from core.common import masking
from core.common.config import local_date, local_time, trusted_proxies
from core.common.contact import normalise_contact
from core.common.errors import DomainError, NotFound
from core.common.rate_limit import Hit, Limit, hashed_key, hit
from core.common.text import search_fragments
from core.review.objections import raise_objection
from core.review.publicity import is_running
from db.base import utcnow
from db.models import Declaration, Level, Person, PublicityBatch, PublicityItem, Series, Specialty, Unit
from db.uow import UnitOfWork

ENTRY_FIELDS = ("ref", "name", "employer", "series", "specialty", "level")
PER_CLIENT_HOUR, PER_CONTACT_HOUR, PER_DECLARATION_DAY = 3, 3, 20
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
BY_CLIENT = Limit("objection.client", PER_CLIENT_HOUR, HOUR)
BY_CONTACT = Limit("objection.contact", PER_CONTACT_HOUR, HOUR)
BY_DECLARATION = Limit("objection.declaration", PER_DECLARATION_DAY, DAY)
UNKNOWN_ADDRESS = "unknown"
MAX_LIST = 200


class RateLimited(DomainError):
    """Too many objections: ``until`` is when the person may try again (China time, "HH:MM" today)."""
    key = "portal.rate_limited_until"

    def __init__(self, retry_at: dt.datetime, now: dt.datetime):
        local, today = local_time(retry_at), local_time(now).date()
        until = f"{local:%H:%M}" if local.date() == today else f"{local.month}月{local.day}日 {local:%H:%M}"
        self.retry_at = retry_at
        super().__init__(until=until)


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
    for fragment in search_fragments(search):
        employer = aliased(Unit)
        people = (select(PublicityItem.batch_id).join(Declaration, Declaration.id == PublicityItem.declaration_id)
                  .join(Person, Person.id == Declaration.applicant_person_id)
                  .join(employer, employer.id == Declaration.unit_id)
                  .where(or_(Person.name.contains(fragment, autoescape=True),
                             employer.name.contains(fragment, autoescape=True))))
        query = query.where(or_(PublicityBatch.id.in_(people), owner.name.contains(fragment, autoescape=True),
                                PublicityBatch.title.contains(fragment, autoescape=True)))
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


def client_address(peer: str | None, forwarded_for: str | None = None, trusted: int | None = None) -> str:
    """The client's address as the rate limit sees it: the connection's ``peer``, or, behind ``trusted``
    proxies (``TITLES_TRUSTED_PROXIES``), the ``trusted``-th entry from the right of ``X-Forwarded-For``
    (entries further left are whatever the client wrote). IPv6 counts by its /64 network, which one
    subscriber gets whole. Anything unreadable is ``unknown``, one shared key."""
    trusted = trusted_proxies() if trusted is None else trusted
    candidate = peer
    if trusted > 0:
        hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
        candidate = hops[-trusted] if len(hops) >= trusted else (hops[0] if hops else peer)
    try:
        address = ipaddress.ip_address((candidate or "").strip().strip("[]"))
    except ValueError:
        return UNKNOWN_ADDRESS
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _check_rate(session: Session, declaration_id: int, contact: str, address: str, now: dt.datetime) -> str:
    """Count this objection under its three limits (in the caller's transaction: a refusal rolls the
    counts back); RateLimited with the latest time a refused limit reopens. Returns the client's key.
    An unknown address (a local proxy not declared in ``TITLES_TRUSTED_PROXIES``) skips the address limit
    rather than making it one limit for the whole public; the contact and declaration limits still hold."""
    client = hashed_key("client", address)
    hits: list[Hit] = [] if address == UNKNOWN_ADDRESS else [hit(session, BY_CLIENT, client, now)]
    hits += [hit(session, BY_CONTACT, hashed_key("contact", contact), now),  # always in this order: no lock cycle
             hit(session, BY_DECLARATION, str(declaration_id), now)]
    refused = [h.retry_after for h in hits if not h.allowed]
    if refused:
        raise RateLimited(now + max(refused), now)
    return client


def raise_public_objection(session: Session, batch_id: int, declaration_id: int, name: str, contact: str,
                           text: str, client: str | None, now: dt.datetime | None = None,
                           today: dt.date | None = None) -> int:
    """A member of the public objects to a declaration named in a running public notice; returns its id.
    ``client`` is the client's address (``client_address``). It lands with the unit owning the notice
    (its objections list); the contact is stored normalised."""
    now = now or utcnow()
    today = today or local_date(now)
    batch = _running_batch(session, batch_id, today)
    listed = session.scalar(select(PublicityItem.id).where(PublicityItem.batch_id == batch.id,
                                                           PublicityItem.declaration_id == declaration_id))
    if listed is None:
        raise NotFound("portal.not_found")
    contact = normalise_contact(contact)
    key = _check_rate(session, declaration_id, contact, client or UNKNOWN_ADDRESS, now)
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
              client: str | None, today: dt.date) -> int:
    with uow.write() as session:
        return raise_public_objection(session, batch_id, declaration_id, name, contact, text, client,
                                      today=today)
