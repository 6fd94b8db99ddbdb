"""What the unit and relay workspace pages ask for, one transaction each (like core.desks.generic).

Each function receives the unit of work: ``uow.read()`` for lists, one ``uow.write()`` per click for changes
(batch approve, a publicity step, resolving an objection, recommending with the proof, a path),
so a failure leaves nothing half done. Every service below checks the actor's role and unit again.
"""
from __future__ import annotations

import datetime as dt

from core.desks import export

from core.review import objections

from core.review import publicity

from core.review import publicity_view

from core.review import recommendation

from core.org import report_paths

from core.desks import worklists
from core.desks.listing import page_actions
from core.review.batch import batch_act
from core.common.config import local_date
from core.common.errors import NotFound
from core.declaring.transitions import record_denial
from core.workflow import Actor
from db.base import utcnow
from db.uow import UnitOfWork
from core.refusals import refusals_audited


def today() -> dt.date:
    """Today where the users are (publicity dates are China's calendar days)."""
    return local_date(utcnow())


# --- work lists ------------------------------------------------------------------------------------

@refusals_audited
def verification_page(uow: UnitOfWork, actor: Actor, status: str, **filters) -> worklists.WorkPage:
    with uow.read() as session:
        return worklists.verification_list(session, actor, status, **filters)


@refusals_audited
def returned_page(uow: UnitOfWork, actor: Actor, **filters) -> worklists.WorkPage:
    with uow.read() as session:
        return worklists.returned_list(session, actor, **filters)


@refusals_audited
def withdrawable(uow: UnitOfWork, actor: Actor) -> list[worklists.WorkRow]:
    with uow.read() as session:
        return worklists.withdrawable_list(session, actor)


@refusals_audited
def batch_approve(uow: UnitOfWork, actor: Actor, ids: list[int]) -> dict[int, int]:
    """Approve all, or nothing (BatchFailed names every failing declaration)."""
    with uow.write() as session:
        return batch_act(session, actor, ids, "approve")


# --- exports (audited: a write) ----------------------------------------------------------------------

@refusals_audited
def export_inbox(uow: UnitOfWork, actor: Actor, workspace_id: str, lang: str, **filters) -> bytes:
    with uow.write() as session:
        return export.inbox_excel(session, actor, workspace_id, lang=lang, **filters)


@refusals_audited
def export_rows(uow: UnitOfWork, actor: Actor, what: str, ids: list[int], lang: str) -> bytes:
    with uow.write() as session:
        return export.declarations_excel(session, actor, what, ids, lang=lang)


# --- publicity -------------------------------------------------------------------------------------

@refusals_audited
def notice(uow: UnitOfWork, actor: Actor, ids: list[int], start: dt.date, end: dt.date,
           lang: str) -> publicity_view.Notice:
    with uow.read() as session:
        return publicity_view.notice_for(session, actor, ids, start, end, lang=lang)


@refusals_audited
def create_publicity(uow: UnitOfWork, actor: Actor, ids: list[int], title: str, body: str, start: dt.date,
                     end: dt.date, is_public: bool) -> int:
    with uow.write() as session:
        return publicity.create_unit_publicity(session, actor, ids, title, body, start, end, is_public,
                                               today=today())


@refusals_audited
def publish(uow: UnitOfWork, actor: Actor, batch_id: int) -> None:
    with uow.write() as session:
        publicity.publish(session, actor, batch_id, today=today())


@refusals_audited
def discard(uow: UnitOfWork, actor: Actor, batch_id: int) -> None:
    with uow.write() as session:
        publicity.discard_draft(session, actor, batch_id)


@refusals_audited
def edit_notice(uow: UnitOfWork, actor: Actor, batch_id: int, title: str, body: str) -> None:
    with uow.write() as session:
        publicity.edit_notice(session, actor, batch_id, title, body, today=today())


@refusals_audited
def complete(uow: UnitOfWork, actor: Actor, batch_id: int) -> publicity.Completion:
    with uow.write() as session:
        return publicity.complete_batch(session, actor, batch_id, today=today())


@refusals_audited
def batches(uow: UnitOfWork, actor: Actor) -> list[publicity_view.BatchRow]:
    with uow.read() as session:
        return publicity_view.list_batches(session, actor, "unit")


@refusals_audited
def in_open_batches(uow: UnitOfWork, actor: Actor) -> dict[int, int]:
    """Declaration id -> the unit's draft or not yet ended batch it is in (a new batch cannot take it)."""
    day, found = today(), {}
    with uow.read() as session:
        for row in publicity_view.list_batches(session, actor, "unit"):
            if row.status == "draft" or (row.status == "published" and row.ends_on >= day):
                for item in publicity_view.batch_detail(session, actor, row.id).items:
                    found.setdefault(item.declaration_id, row.id)
    return found


@refusals_audited
def batch(uow: UnitOfWork, actor: Actor, batch_id: int) -> publicity_view.BatchDetail:
    with uow.read() as session:
        return publicity_view.batch_detail(session, actor, batch_id)


# --- objections ------------------------------------------------------------------------------------

@refusals_audited
def batch_objections(uow: UnitOfWork, actor: Actor, batch_id: int) -> list[objections.ObjectionRow]:
    with uow.read() as session:
        return objections.list_objections(session, actor, status=None, batch_id=batch_id)


@refusals_audited
def outcomes(uow: UnitOfWork, actor: Actor, objection_id: int) -> list[str]:
    with uow.read() as session:
        return objections.resolution_outcomes(session, actor, objection_id, today())


@refusals_audited
def resolve(uow: UnitOfWork, actor: Actor, objection_id: int, outcome: str, reason: str) -> None:
    """One resolution; a refusal for scope is audited as a denial (in its own transaction), then raised."""
    try:
        with uow.write() as session:
            objections.resolve_objection(session, actor, objection_id, outcome, reason, today=today())
    except NotFound as error:
        with uow.write() as session:
            record_denial(session, actor, f"objection:{objection_id}", f"objection_{outcome}", error)
        raise


@refusals_audited
def dismiss_many(uow: UnitOfWork, actor: Actor, objection_ids: list[int], reason: str) -> int:
    """A bulk dismissal; a refusal for scope is audited as one denial naming the ids, then raised."""
    try:
        with uow.write() as session:
            return objections.dismiss_objections(session, actor, objection_ids, reason, today=today())
    except NotFound as error:
        target = "objections:" + ",".join(str(i) for i in sorted(set(objection_ids)))
        with uow.write() as session:
            record_denial(session, actor, target[:200], "objection_dismiss_many", error)
        raise


# --- recommendation --------------------------------------------------------------------------------

@refusals_audited
def own_committee_ids(uow: UnitOfWork, actor: Actor, ids: list[int]) -> set[int]:
    """Of these declarations, those the unit may give to its own self-review committee now."""
    with uow.read() as session:
        offered = page_actions(session, actor, ids, today())  # the engine's options, for the page at once
    return {i for i, options in offered.items()
            if any(o.action == "assign_own_committee" and not o.blocked for o in options)}


def proof_ids(uow: UnitOfWork, ids: list[int]) -> set[int]:
    """Of these declarations, those that already carry the unit's proof."""
    with uow.read() as session:
        return {i for i in ids if recommendation.has_unit_proof(session, i)}


@refusals_audited
def recommend(uow: UnitOfWork, actor: Actor, ids: list[int], operator_name: str, operator_phone: str,
              proof: tuple[str, bytes] | None) -> dict[int, int]:
    """Attach the proof (when given) and report upward, in one transaction: all or nothing."""
    with uow.write() as session:
        if proof is not None:
            recommendation.attach_unit_proof(session, actor, ids, proof[0], proof[1])
        return recommendation.recommend(session, actor, ids, operator_name, operator_phone, today=today())


@refusals_audited
def assign_own(uow: UnitOfWork, actor: Actor, ids: list[int]) -> dict[int, int]:
    with uow.write() as session:
        return recommendation.assign_own_committee(session, actor, ids, today=today())


# --- reporting paths -------------------------------------------------------------------------------

@refusals_audited
def path_targets(uow: UnitOfWork, actor: Actor, search: str | None) -> list[tuple[int, str]]:
    with uow.read() as session:
        return report_paths.path_targets(session, actor, search or None)


@refusals_audited
def apply_path(uow: UnitOfWork, actor: Actor, series: str, level: str, target_unit_id: int) -> int:
    with uow.write() as session:
        return report_paths.apply_path(session, actor, series, level, target_unit_id)


@refusals_audited
def paths(uow: UnitOfWork, actor: Actor, direction: str) -> list[report_paths.PathRow]:
    with uow.read() as session:
        return report_paths.list_paths(session, actor, direction)


@refusals_audited
def decide_path(uow: UnitOfWork, actor: Actor, path_id: int, approve: bool, reason: str | None) -> None:
    with uow.write() as session:
        report_paths.decide_path(session, actor, path_id, approve, reason)
