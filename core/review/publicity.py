"""Publicity batches (公示): create, publish, edit the notice while it runs, list, and complete.

One batch model serves every kind: a unit's internal publicity (申报公示, 001 §6.2.2) and the
committee's failed-review, candidate and result publicities. What differs by kind is only the
state its declarations must be in and the roles that own it (``KINDS``); everything else — the
working-day rule, the open-batch check, completion through the engine — is shared.

A batch is ``draft`` until published, ``published`` while it runs and until it is completed, and
``completed`` once every declaration in it has left the publicity (moved on through the engine's
``complete_publicity``, or returned). "Complete" is possible only after the end date (the engine's
guard says the same); a declaration held by an open objection stays and is reported.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, delete, exists, or_, select
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.org.scope import require_operator
from core.review.batch import unique_ids
from core.common.config import local_date
from core.common.errors import InvalidAction, NotFound, ValidationError
from core.common.text import clean_line, clean_text
from core.declaring.transitions import act
from core.org.scope import visible_declarations
from core.calendar.service import check_period, provisional_note
from core.machines.publicity import NAME as MACHINE, OWNER_ROLES
from core.workflow import Actor, check_may, perform
from core.workflow_store import RecordStore
from db.base import utcnow
from db.models import AuditEvent, Declaration, Objection, PublicityBatch, PublicityItem

MAX_TITLE, MAX_BODY = 200, 8000
OPEN_STATUSES = ("draft", "published")


@dataclass(frozen=True)
class PublicityKind:
    state: str                 # the state its declarations are in while publicised
    roles: frozenset[str]      # who creates, edits and completes it (operators of the owner unit)


REVIEWER = "policy_reviewer"  # may run its own committee's failed-review and candidate lists (§6.2.7/§6.2.8)
_STATES = {"unit": "unit_publicity", "failed_review": "failed_publicity", "candidate": "candidate_publicity",
           "result": "result_publicity"}
KINDS: dict[str, PublicityKind] = {kind: PublicityKind(_STATES[kind], roles) for kind, roles in OWNER_ROLES.items()}


def _kind(kind: str) -> PublicityKind:
    if kind not in KINDS:
        raise ValidationError("publicity.bad_kind")
    return KINDS[kind]


def _audit(session: Session, actor: Actor, action: str, batch_id: int, now: dt.datetime, **detail) -> None:
    audit.append(session, kind="admin", action=action, at=now, account_id=actor.account_id, role=actor.role,
                 unit_id=actor.unit_id, target=f"publicity_batch:{batch_id}", detail=detail)


def _clean_notice(title: str, body: str) -> tuple[str, str]:
    title, body = clean_line(title, "field.publicity_title"), clean_text(body, "field.publicity_body")
    if not title or len(title) > MAX_TITLE:
        raise ValidationError("publicity.title_invalid", max=MAX_TITLE)
    if len(body) > MAX_BODY:
        raise ValidationError("publicity.body_too_long", max=MAX_BODY)
    return title, body


def held_declarations(session: Session, actor: Actor, kind: str, ids: Iterable[int]) -> list[Declaration]:
    """The declarations, if the actor's unit holds every one in the kind's state (NotFound otherwise)."""
    spec = _kind(kind)
    unit_id = require_operator(actor, spec.roles)
    wanted = unique_ids(ids)
    rows = {d.id: d for d in session.scalars(select(Declaration).where(
        Declaration.id.in_(wanted), Declaration.holder_unit_id == unit_id, visible_declarations(session, actor)))}
    if len(rows) != len(wanted):
        raise NotFound()
    wrong = [i for i in wanted if rows[i].state != spec.state]
    if wrong:
        raise ValidationError("publicity.wrong_state", details=[f"#{i}" for i in wrong], state=f"state.{spec.state}")
    return [rows[i] for i in wanted]


def _open_batch_clause(today: dt.date):
    """Batches that are drafts, or published and not yet ended (scheduled or running)."""
    return or_(PublicityBatch.status == "draft",
               and_(PublicityBatch.status == "published", PublicityBatch.ends_on >= today))


def _resubmitted_since(declaration_id, since):
    """Whether the declaration was resubmitted after ``since``: a returned declaration that came back
    must be publicised again (000 §6 备注), so an older batch no longer counts for it."""
    return exists().where(AuditEvent.declaration_id == declaration_id, AuditEvent.kind == "transition",
                          AuditEvent.action == "resubmit", AuditEvent.at > since)


def _check_not_in_open_batch(session: Session, kind: str, ids: list[int], today: dt.date) -> None:
    busy = session.scalars(select(PublicityItem.declaration_id).join(
        PublicityBatch, PublicityBatch.id == PublicityItem.batch_id).where(
        PublicityItem.declaration_id.in_(ids), PublicityBatch.kind == kind, _open_batch_clause(today),
        ~_resubmitted_since(PublicityItem.declaration_id, PublicityBatch.created_at))).all()
    if busy:
        raise ValidationError("publicity.already_in_batch", details=[f"#{i}" for i in sorted(set(busy))])


def _check_dates(session: Session, start: dt.date, end: dt.date, today: dt.date) -> tuple[int, ...]:
    """Refuse a start in the past or a too short period; return the provisional years it was counted on."""
    if start < today:
        raise ValidationError("publicity.start_in_past")
    return check_period(session, start, end, keep=True)


def create_batch(session: Session, actor: Actor, kind: str, ids: Iterable[int], title: str, body: str,
                 start: dt.date, end: dt.date, *, is_public: bool = True, committee_id: int | None = None,
                 now: dt.datetime | None = None, today: dt.date | None = None) -> int:
    """A draft batch of ``kind`` with these declarations; returns its id. Publish it to start it."""
    now = now or utcnow()
    today = today or local_date(now)
    rows = held_declarations(session, actor, kind, ids)
    ids = [d.id for d in rows]
    if actor.role == REVIEWER:
        committee_id = actor.committee_id
    title, body = _clean_notice(title, body)
    _check_dates(session, start, end, today)
    _check_not_in_open_batch(session, kind, ids, today)
    batch = PublicityBatch(kind=kind, owner_unit_id=actor.unit_id, committee_id=committee_id, title=title,
                           body=body, starts_on=start, ends_on=end, status="draft", is_public=bool(is_public),
                           created_by=actor.account_id, created_at=now)
    session.add(batch)
    session.flush()
    session.add_all(PublicityItem(batch_id=batch.id, declaration_id=i) for i in ids)
    session.flush()
    _audit(session, actor, "publicity_create", batch.id, now, kind=kind, declarations=ids,
           starts_on=start.isoformat(), ends_on=end.isoformat())
    return batch.id


def create_unit_publicity(session: Session, actor: Actor, ids: Iterable[int], title: str, body: str,
                          start: dt.date, end: dt.date, is_public: bool = True, *, now: dt.datetime | None = None,
                          today: dt.date | None = None) -> int:
    """A unit's internal publicity (申报公示) of declarations it holds in ``unit_publicity``."""
    return create_batch(session, actor, "unit", ids, title, body, start, end, is_public=is_public,
                        now=now, today=today)


def access_batch(session: Session, actor: Actor, batch_id: int) -> PublicityBatch:
    """The batch if the actor's unit owns it and the role may manage that kind; NotFound otherwise."""
    batch = session.get(PublicityBatch, batch_id)
    if batch is None or batch.kind not in KINDS or actor.role not in KINDS[batch.kind].roles \
            or actor.unit_id is None or batch.owner_unit_id != actor.unit_id \
            or (actor.role == REVIEWER and batch.committee_id != actor.committee_id):
        raise NotFound()
    return batch


def publish(session: Session, actor: Actor, batch_id: int, *, now: dt.datetime | None = None,
            today: dt.date | None = None) -> None:
    """Start a draft batch: its dates are checked again, and its declarations must still be there."""
    now = now or utcnow()
    today = today or local_date(now)
    batch = access_batch(session, actor, batch_id)
    store = RecordStore(session, MACHINE)
    check_may(store, actor, batch.id, "publish", today)
    provisional = _check_dates(session, batch.starts_on, batch.ends_on, today)
    state = KINDS[batch.kind].state
    moved = [i for i, current, holder, _, stale in _items(session, batch)
             if _left(batch, current, holder, stale)]
    if moved:
        raise ValidationError("publicity.wrong_state", details=[f"#{i}" for i in moved], state=f"state.{state}")
    _note_provisional(batch, provisional)
    perform(store, actor, batch.id, "publish", now=now, today=today,
            note={"provisional_years": list(provisional)} if provisional else None)


def _note_provisional(batch: PublicityBatch, years: tuple[int, ...]) -> None:
    """A period counted on a provisional calendar says so in the published notice (once)."""
    if not years or any(provisional_note(years, lang) in batch.body for lang in ("zh", "en")):
        return
    note = provisional_note(years, "zh")
    batch.body = f"{batch.body[:MAX_BODY - len(note) - 2]}\n\n{note}".strip()


def discard_draft(session: Session, actor: Actor, batch_id: int, *, now: dt.datetime | None = None) -> None:
    """Delete a batch that was never published (e.g. its start date passed), freeing its declarations."""
    now = now or utcnow()
    batch = access_batch(session, actor, batch_id)
    if batch.status != "draft":
        raise InvalidAction("publicity.not_draft")
    ids = item_ids(session, batch.id)
    session.execute(delete(PublicityItem).where(PublicityItem.batch_id == batch.id))
    session.delete(batch)
    session.flush()
    _audit(session, actor, "publicity_discard", batch_id, now, declarations=ids)


def edit_notice(session: Session, actor: Actor, batch_id: int, title: str, body: str, *,
                now: dt.datetime | None = None, today: dt.date | None = None) -> None:
    """Change the notice's title and text, while the batch is a draft or running (not after its end)."""
    now = now or utcnow()
    today = today or local_date(now)
    batch = access_batch(session, actor, batch_id)
    if batch.status not in OPEN_STATUSES or batch.ends_on < today:
        raise InvalidAction("publicity.not_editable")
    batch.title, batch.body = _clean_notice(title, body)
    session.flush()
    _audit(session, actor, "publicity_edit", batch.id, now)


def item_ids(session: Session, batch_id: int) -> list[int]:
    return list(session.scalars(select(PublicityItem.declaration_id).where(PublicityItem.batch_id == batch_id)
                                .order_by(PublicityItem.id)))


def is_running(batch: PublicityBatch, today: dt.date) -> bool:
    return batch.status == "published" and batch.starts_on <= today <= batch.ends_on


def running_batch_of(session: Session, declaration_id: int, today: dt.date,
                     batch_id: int | None = None) -> PublicityBatch | None:
    """The running batch publicising this declaration in its kind's state (objections need one)."""
    state = session.scalar(select(Declaration.state).where(Declaration.id == declaration_id))
    kinds = [k for k, spec in KINDS.items() if spec.state == state]
    query = (select(PublicityBatch).join(PublicityItem, PublicityItem.batch_id == PublicityBatch.id)
             .where(PublicityItem.declaration_id == declaration_id, PublicityBatch.kind.in_(kinds),
                    PublicityBatch.status == "published", PublicityBatch.starts_on <= today,
                    PublicityBatch.ends_on >= today)
             .order_by(PublicityBatch.id.desc()).limit(1))
    if batch_id is not None:
        query = query.where(PublicityBatch.id == batch_id)
    return session.scalar(query)


@dataclass(frozen=True)
class Completion:
    """What ``complete_batch`` did: moved on, held by an open objection, already gone; batch done?"""

    completed: list[int]
    held: list[int]
    gone: list[int]
    batch_completed: bool


def complete_batch(session: Session, actor: Actor, batch_id: int, now: dt.datetime | None = None, *,
                   today: dt.date | None = None) -> Completion:
    """After the end date, move every declaration of the batch on through the engine.

    Declarations with an open objection are held (reported in ``held``); ones that left the publicity
    (returned, or returned and resubmitted since: they need a new publicity) are skipped as ``gone``.
    The batch is marked completed once none is held.
    """
    now = now or utcnow()
    today = today or local_date(now)
    batch = access_batch(session, actor, batch_id)
    store = RecordStore(session, MACHINE)
    check_may(store, actor, batch.id, "complete", today)
    completed, held, gone = [], [], []
    for declaration_id, current, holder, objected, stale in _items(session, batch):
        if _left(batch, current, holder, stale):
            gone.append(declaration_id)
        elif objected:
            held.append(declaration_id)
        else:
            act(session, actor, declaration_id, "complete_publicity", now=now, today=today)
            completed.append(declaration_id)
    outcome = {"completed": completed, "held": held, "gone": gone}
    if held:  # the batch stays published: no change of its state, the round is still recorded
        _audit(session, actor, "publicity_complete", batch.id, now, **outcome)
    else:
        perform(store, actor, batch.id, "complete", now=now, today=today, note=outcome)
    return Completion(completed, held, gone, not held)


def _left(batch: PublicityBatch, state: str, holder: int | None, resubmitted: bool) -> bool:
    """Whether a declaration has left this batch's publicity (moved on, returned, or came back since)."""
    return state != KINDS[batch.kind].state or holder != batch.owner_unit_id or resubmitted


def _items(session: Session, batch: PublicityBatch) -> list[tuple[int, str, int | None, bool, bool]]:
    """Each declaration of the batch: id, state, holder, has an open objection, resubmitted since."""
    objected = exists().where(Objection.declaration_id == Declaration.id, Objection.status == "open")
    return [tuple(r) for r in session.execute(
        select(Declaration.id, Declaration.state, Declaration.holder_unit_id, objected,
               _resubmitted_since(Declaration.id, batch.created_at))
        .join(PublicityItem, PublicityItem.declaration_id == Declaration.id)
        .where(PublicityItem.batch_id == batch.id).order_by(PublicityItem.id))]
