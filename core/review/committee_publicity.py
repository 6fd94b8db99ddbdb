"""The committee's publicities (001 §6.2.7, §6.2.8): failed-review, candidate and result lists.

They are ``core.review.publicity`` batches of the kinds ``failed_review``, ``candidate`` and ``result``
(owner: the committee organizer unit, which holds the declarations). This module adds what is
kind-specific: the notice templates — the failed-review one follows §6.2.8 word for word, with the
unit, year, series, specialty, period, where to see the reasons and the supplement deadline
filled in — and the one-transaction calls the page makes. Completing a failed-review batch sends
each declaration back to its applicant for supplements (the reason is the recheck's, shown in their
tracking); completing a candidate batch puts each into its committee's panel-review pool.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.review import publicity
from core.calendar.service import noted
from core.common.errors import ValidationError
from core.common.i18n import t
from core.review.publicity_view import Notice, _entries, batch_detail, format_date, list_batches
from core.workflow import Actor
from db.models import PublicityBatch, PublicityItem, Unit
from db.uow import UnitOfWork
from core.refusals import refusals_audited

COMMITTEE_KINDS = ("failed_review", "candidate", "result")


def _joined(values: Iterable[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(dict.fromkeys(v for v in values if v))


def committee_notice(session: Session, actor: Actor, kind: str, ids: Iterable[int], start: dt.date,
                     end: dt.date, deadline: dt.date | None = None, lang: str = "zh") -> Notice:
    """The template notice of a committee publicity for declarations the actor's unit holds."""
    if kind not in COMMITTEE_KINDS:
        raise ValidationError("publicity.bad_kind")
    rows = publicity.held_declarations(session, actor, kind, ids)
    unit = session.scalar(select(Unit.name).where(Unit.id == actor.unit_id)) or ""
    entries = _entries(session, [d.id for d in rows], lang)
    years = sorted({d.year for d in rows})
    params = dict(unit=unit, year=_joined((str(y) for y in years), lang),
                  series=_joined((e.series for e in entries), lang),
                  specialty=_joined((e.specialty for e in entries), lang),
                  start=format_date(start, lang), end=format_date(end, lang),
                  deadline=format_date(deadline or end, lang), count=len(entries))
    lines = "\n".join(t("publicity.notice_line", lang, n=i, name=e.name, series=e.series, specialty=e.specialty,
                        level=e.level) for i, e in enumerate(entries, start=1))
    body = t(f"review.notice.{kind}.body", lang, lines=lines, **params)
    return Notice(t(f"review.notice.{kind}.title", lang, **params), noted(session, body, start, end, lang))


def _committee_of(session: Session, actor: Actor, kind: str, ids: list[int]) -> int | None:
    committees = {d.committee_id for d in publicity.held_declarations(session, actor, kind, ids)}
    return committees.pop() if len(committees) == 1 else None


# --- one transaction per page call -----------------------------------------------------------------

@refusals_audited
def notice(uow: UnitOfWork, actor: Actor, kind: str, ids: list[int], start: dt.date, end: dt.date,
           deadline: dt.date | None = None, lang: str = "zh") -> Notice:
    with uow.read() as session:
        return committee_notice(session, actor, kind, ids, start, end, deadline, lang)


@refusals_audited
def create(uow: UnitOfWork, actor: Actor, kind: str, ids: list[int], title: str, body: str, start: dt.date,
           end: dt.date, is_public: bool = True) -> int:
    with uow.write() as session:
        committee_id = _committee_of(session, actor, kind, list(ids))
        return publicity.create_batch(session, actor, kind, ids, title, body, start, end, is_public=is_public,
                                      committee_id=committee_id)


@refusals_audited
def batches(uow: UnitOfWork, actor: Actor, kind: str):
    with uow.read() as session:
        return list_batches(session, actor, kind)


@refusals_audited
def batch(uow: UnitOfWork, actor: Actor, batch_id: int):
    with uow.read() as session:
        return batch_detail(session, actor, batch_id)


@refusals_audited
def publish(uow: UnitOfWork, actor: Actor, batch_id: int) -> None:
    with uow.write() as session:
        publicity.publish(session, actor, batch_id)


@refusals_audited
def discard(uow: UnitOfWork, actor: Actor, batch_id: int) -> None:
    with uow.write() as session:
        publicity.discard_draft(session, actor, batch_id)


@refusals_audited
def edit_notice(uow: UnitOfWork, actor: Actor, batch_id: int, title: str, body: str) -> None:
    with uow.write() as session:
        publicity.edit_notice(session, actor, batch_id, title, body)


@refusals_audited
def complete(uow: UnitOfWork, actor: Actor, batch_id: int) -> publicity.Completion:
    with uow.write() as session:
        return publicity.complete_batch(session, actor, batch_id)


@refusals_audited(name="committee_publicity.open_batches")
def in_open_batches(uow: UnitOfWork, actor: Actor, kind: str) -> dict[int, int]:
    """Declaration id -> open batch id of this kind the actor's unit owns (drafts and running ones)."""
    with uow.read() as session:
        rows = session.execute(select(PublicityItem.declaration_id, PublicityBatch.id)
                               .join(PublicityBatch, PublicityBatch.id == PublicityItem.batch_id)
                               .where(PublicityBatch.owner_unit_id == actor.unit_id, PublicityBatch.kind == kind,
                                      PublicityBatch.status.in_(publicity.OPEN_STATUSES)))
        return {d: b for d, b in rows}
