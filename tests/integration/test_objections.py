"""Objections (举报) during a unit publicity: only while it runs, they hold the declaration, and the unit
resolves them by dismissing or returning it — with the engine deciding what the state allows."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.common.errors import InvalidAction, NotFound, ValidationError
from core.review.objections import list_objections, raise_objection, resolution_outcomes, resolve_objection
from core.machines.pledge import PLEDGE_TEXT
from core.review.publicity import complete_batch, create_unit_publicity
from core.calendar.service import earliest_end
from core.desks.worklists import returned_list
from db.models import AuditEvent, Declaration, Objection, PublicityBatch

from tests.integration.unit_support import (AFTER, DURING, REASON, START, applicant_of, at, declarations, publicized,
                                            run)
from tests.world import World

TEXT = "该同志的业绩成果系他人完成，举报属实请核查"


@pytest.fixture
def running(uow):
    """Two declarations of the employer in a published publicity (30 Sep – 14 Oct 2025)."""
    with uow.write() as s:
        w = World.build(s)
        ids = declarations(w, 2, "unit_publicity")
        batch = publicized(w, ids)
    return w, ids, batch


def _object(d: int, day=DURING, actor=None, name="王五", contact="13912345678", text=TEXT):
    return lambda w: raise_objection(w.session, d, name, contact, text, actor=actor, now=at(day), today=day)


def test_anyone_may_object_while_a_public_publicity_runs_but_not_before_or_after(uow, running):
    w, ids, batch = running
    objection = run(uow, w, _object(ids[0]))
    for day in (START.replace(day=29), AFTER):
        with pytest.raises(InvalidAction) as caught:
            run(uow, w, _object(ids[0], day=day))
        assert caught.value.key == "objection.not_in_publicity"
    with uow.write() as s:
        row = s.get(Objection, objection)
        assert (row.declaration_id, row.batch_id, row.status) == (ids[0], batch, "open")
        event = s.scalars(select(AuditEvent).where(AuditEvent.target == f"objection:{objection}")).one()
        assert event.kind == "objection" and "13912345678" not in str(event.detail)


def test_an_objection_needs_a_name_a_contact_and_a_text(uow, running):
    w, ids, _ = running
    for bad in (dict(name=""), dict(contact="12"), dict(text="短")):
        with pytest.raises(ValidationError):
            run(uow, w, _object(ids[0], **bad))


def test_an_internal_publicity_takes_objections_from_its_unit_but_not_from_the_public(uow):
    with uow.write() as s:
        w = World.build(s)
        ids = declarations(w, 1, "unit_publicity")
        publicized(w, ids, is_public=False)
    with pytest.raises(InvalidAction):
        run(uow, w, _object(ids[0]))
    with pytest.raises(InvalidAction):
        run(uow, w, _object(ids[0], actor=w.actor("sibling_op")))
    assert run(uow, w, _object(ids[0], actor=w.actor("unit_op"))) > 0


def test_an_open_objection_holds_its_declaration_until_dismissed(uow, running):
    w, ids, batch = running
    objection = run(uow, w, _object(ids[0]))
    op = w.actor("unit_op")
    first = run(uow, w, lambda w: complete_batch(w.session, op, batch, at(AFTER), today=AFTER))
    assert (first.completed, first.held, first.batch_completed) == ([ids[1]], [ids[0]], False)
    assert run(uow, w, lambda w: [o.id for o in list_objections(w.session, op)]) == [objection]
    assert run(uow, w, lambda w: resolution_outcomes(w.session, op, objection, AFTER)) == ["dismiss", "return", "terminate"]
    run(uow, w, lambda w: resolve_objection(w.session, op, objection, "dismiss", "经核实举报不属实", now=at(AFTER)))
    second = run(uow, w, lambda w: complete_batch(w.session, op, batch, at(AFTER), today=AFTER))
    assert (second.completed, second.held, second.gone, second.batch_completed) == ([ids[0]], [], [ids[1]], True)
    with uow.write() as s:
        assert {s.get(Declaration, d).state for d in ids} == {"unit_recommend"}
        assert (s.get(Objection, objection).status, s.get(Objection, objection).resolution) == \
            ("dismissed", "经核实举报不属实")
        assert s.get(PublicityBatch, batch).status == "completed"


def test_an_upheld_objection_returns_the_declaration_with_the_reason_and_closes_its_other_objections(uow, running):
    w, ids, batch = running
    first = run(uow, w, _object(ids[0]))
    second = run(uow, w, _object(ids[0], name="赵六"))
    op = w.actor("unit_op")
    run(uow, w, lambda w: resolve_objection(w.session, op, first, "return", REASON, now=at(DURING), today=DURING))
    with uow.write() as s:
        assert s.get(Declaration, ids[0]).state == "returned"
        assert {s.get(Objection, o).status for o in (first, second)} == {"upheld"}
        last = s.scalars(select(AuditEvent).where(AuditEvent.declaration_id == ids[0])
                         .order_by(AuditEvent.id.desc()).limit(1)).one()
        assert (last.action, last.comment) == ("return_to_applicant", REASON)
    returned = run(uow, w, lambda w: returned_list(w.session, op).rows)
    assert [(r.id, r.last_action, r.last_comment) for r in returned] == [(ids[0], "return_to_applicant", REASON)]
    done = run(uow, w, lambda w: complete_batch(w.session, op, batch, at(AFTER), today=AFTER))
    assert (done.completed, done.gone, done.batch_completed) == ([ids[1]], [ids[0]], True)


def test_a_returned_declaration_that_comes_back_needs_a_new_publicity_not_the_old_batch(uow, running):
    w, ids, batch = running
    objection = run(uow, w, _object(ids[0]))
    op = w.actor("unit_op")
    run(uow, w, lambda w: resolve_objection(w.session, op, objection, "return", REASON, now=at(DURING), today=DURING))

    def come_back(w):
        w.do(applicant_of(w, ids[0]), ids[0], "resubmit", pledge=PLEDGE_TEXT)
        w.do("unit_op", ids[0], "approve")

    run(uow, w, come_back)
    again = run(uow, w, lambda w: create_unit_publicity(w.session, op, ids[:1], "重新公示", "", DURING,
                                                           earliest_end(w.session, DURING), now=at(DURING), today=DURING))
    done = run(uow, w, lambda w: complete_batch(w.session, op, batch, at(AFTER), today=AFTER))
    assert (done.completed, done.gone, done.batch_completed) == ([ids[1]], [ids[0]], True)
    with uow.write() as s:
        assert s.get(Declaration, ids[0]).state == "unit_publicity"
        assert s.get(PublicityBatch, again).status == "draft"


def test_an_upheld_objection_can_terminate_during_unit_publicity_but_a_blank_reason_is_refused(uow, running):
    w, ids, _ = running
    objection = run(uow, w, _object(ids[0]))
    op = w.actor("unit_op")
    with pytest.raises(ValidationError):
        run(uow, w, lambda w: resolve_objection(w.session, op, objection, "dismiss", "  "))
    with uow.write() as s:
        assert s.get(Objection, objection).status == "open"
    run(uow, w, lambda w: resolve_objection(w.session, op, objection, "terminate", REASON, today=DURING))
    with uow.write() as s:
        assert s.get(Objection, objection).status == "upheld"
        assert s.get(Declaration, ids[0]).state == "terminated"


def test_a_sibling_unit_and_a_department_neither_see_nor_resolve_the_objection(uow, running):
    w, ids, _ = running
    objection = run(uow, w, _object(ids[0]))
    assert run(uow, w, lambda w: list_objections(w.session, w.actor("sibling_op"))) == []
    for name in ("sibling_op", "dept_op", "applicant"):
        with pytest.raises(NotFound):
            run(uow, w, lambda w: resolve_objection(w.session, w.actor(name), objection, "dismiss", "不属实"))
    listed = run(uow, w, lambda w: list_objections(w.session, w.actor("unit_op")))
    assert listed[0].contact == "139****5678"
    with uow.write() as s:
        assert s.get(Objection, objection).status == "open"
