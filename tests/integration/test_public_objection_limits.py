"""The public objection limits under a race, and the bulk dismissal of a flood.

On PostgreSQL many people submit at the same moment (threads released by a barrier, each its own
transaction): the database counts them atomically (core.common.rate_limit), so exactly the limit gets
through — 3 for one contact an hour, 20 for one declaration a day. A flood that got through is dismissed
at once by the unit handling it, each objection with its own audit event; another unit cannot.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.common.errors import InvalidAction, NotFound, ValidationError
from core.desks import unit as unit_desk
from core.review.objections import dismiss_objections, list_objections
from core.review.portal import PER_CONTACT_HOUR, PER_DECLARATION_DAY, RateLimited, raise_public_objection
from db.models import AuditEvent, Objection, PublicityItem, RateBucket
from tests.integration.test_rule_boundaries_objections import DAY, SECOND, START, T0, running
from tests.integration.transition_support import chain_intact, race, setup, world_in

TODAY = START + DAY


def _publicised(uow):
    w, d = setup(uow, "unit_publicity", running)
    with uow.read() as s:
        batch = s.scalar(select(PublicityItem.batch_id).where(PublicityItem.declaration_id == d))
    return w, d, batch


def _submit(uow, d: int, batch: int, address: str, contact: str):
    with uow.write() as s:
        return raise_public_objection(s, batch, d, "王五", contact, "业绩材料存疑", address, now=T0 + SECOND,
                                      today=TODAY)


def _accepted(results: list) -> list[int]:
    assert all(isinstance(r, (int, RateLimited)) for r in results), results
    return [r for r in results if isinstance(r, int)]


def test_twenty_parallel_objections_of_one_contact_from_twenty_addresses_let_exactly_three_through(postgres):
    w, d, batch = _publicised(postgres)
    results = race(20, lambda i: _submit(postgres, d, batch, f"198.51.100.{i}", "177 9293 6902"))
    assert len(_accepted(results)) == PER_CONTACT_HOUR
    with postgres.read() as s:
        assert s.scalar(select(func.count()).select_from(Objection)) == PER_CONTACT_HOUR


def test_twenty_parallel_objections_from_one_address_and_contact_let_exactly_three_through(postgres):
    w, d, batch = _publicised(postgres)
    results = race(20, lambda i: _submit(postgres, d, batch, "203.0.113.7", "13900000000"))
    assert len(_accepted(results)) == 3


def test_twenty_five_parallel_objections_to_one_declaration_let_exactly_twenty_through(postgres):
    w, d, batch = _publicised(postgres)
    results = race(25, lambda i: _submit(postgres, d, batch, f"198.51.{i}.1", f"139000000{i:02d}"))
    assert len(_accepted(results)) == PER_DECLARATION_DAY
    with postgres.read() as s:
        assert s.scalar(select(func.count()).select_from(Objection)) == PER_DECLARATION_DAY
        assert s.scalar(select(RateBucket.hits).where(RateBucket.scope == "objection.declaration")) \
            == PER_DECLARATION_DAY  # the refused ones rolled back their counts
    assert chain_intact(postgres)


# --- bulk dismissal ------------------------------------------------------------------------------------

def _flood(uow, n: int = 5) -> tuple:
    w, d, batch = _publicised(uow)
    ids = [_submit(uow, d, batch, f"198.51.{i}.1", f"139000000{i:02d}") for i in range(n)]
    return w, d, ids


def test_the_handling_unit_dismisses_a_flood_at_once_with_one_event_per_objection(uow):
    w, d, ids = _flood(uow)
    with uow.read() as s:
        last = s.scalar(select(func.max(AuditEvent.id)))
    with world_in(uow, w) as ww:
        assert dismiss_objections(ww.session, ww.actor("unit_op"), ids[:4] + ids[:1], "恶意重复举报，经核实不属实",
                                  now=T0 + DAY, today=TODAY) == 4
    with uow.read() as s:
        rows = {o.id: (o.status, o.resolution) for o in s.scalars(select(Objection))}
        events = s.execute(select(AuditEvent.action, AuditEvent.target, AuditEvent.account_id)
                           .where(AuditEvent.id > last).order_by(AuditEvent.id)).all()
    assert {i: rows[i] for i in ids[:4]} == {i: ("dismissed", "恶意重复举报，经核实不属实") for i in ids[:4]}
    assert rows[ids[4]] == ("open", None)
    assert sorted(target for action, target, _ in events if action == "objection_dismiss") \
        == sorted(f"objection:{i}" for i in ids[:4])
    assert {account for *_, account in events} == {w.actor("unit_op").account_id}
    assert chain_intact(uow)


def test_another_unit_cannot_dismiss_and_nothing_is_dismissed_then(uow):
    w, d, ids = _flood(uow, 3)
    for name in ("sibling_op", "dept_op", "applicant"):
        with pytest.raises(NotFound):
            with world_in(uow, w) as ww:
                dismiss_objections(ww.session, ww.actor(name), ids, "恶意举报", now=T0 + DAY, today=TODAY)
    with pytest.raises(NotFound):  # one id outside the unit's scope spoils the whole click
        with world_in(uow, w) as ww:
            dismiss_objections(ww.session, ww.actor("unit_op"), [*ids, ids[-1] + 1000], "恶意举报",
                               now=T0 + DAY, today=TODAY)
    with world_in(uow, w) as ww:
        assert [r.status for r in list_objections(ww.session, ww.actor("unit_op"))] == ["open"] * 3


def test_a_bulk_dismissal_needs_a_reason_open_objections_and_at_least_one(uow):
    w, d, ids = _flood(uow, 2)
    for chosen, reason, error in (([], "恶意举报", ValidationError), (ids, "  ", ValidationError)):
        with pytest.raises(error):
            with world_in(uow, w) as ww:
                dismiss_objections(ww.session, ww.actor("unit_op"), chosen, reason, now=T0 + DAY, today=TODAY)
    with world_in(uow, w) as ww:
        dismiss_objections(ww.session, ww.actor("unit_op"), ids[:1], "恶意举报", now=T0 + DAY, today=TODAY)
    with pytest.raises(InvalidAction):
        with world_in(uow, w) as ww:
            dismiss_objections(ww.session, ww.actor("unit_op"), ids, "恶意举报", now=T0 + DAY, today=TODAY)


def test_a_refused_bulk_dismissal_is_audited_as_a_denial(uow):
    w, d, ids = _flood(uow, 2)
    with pytest.raises(NotFound):
        unit_desk.dismiss_many(uow, w.actor("sibling_op"), ids, "恶意举报")
    with uow.read() as s:
        denied = s.execute(select(AuditEvent.action, AuditEvent.target, AuditEvent.account_id)
                           .where(AuditEvent.outcome == "denied")).all()
    assert [tuple(r) for r in denied] == [("objection_dismiss_many", "objections:" + ",".join(map(str, sorted(ids))),
                                           w.actor("sibling_op").account_id)]
