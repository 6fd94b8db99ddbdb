"""Journeys through the unit and relay services, from submit to policy review, and every branch on the way:
reject, return, withdraw, terminate, refuse, self-review, supplements; batches all or nothing; scope.

Each service call runs in its own committed transaction (``run``), as one click of a page does.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.audit.trail import verify
from core.review.batch import BatchFailed, batch_act
from core.common.errors import NotFound
from core.files.store import minimal_pdf
from core.review.publicity import complete_batch
from core.review.recommendation import assign_own_committee, attach_unit_proof, can_assign_own_committee, recommend
from core.declaring.transitions import act
from core.desks.worklists import returned_list, verification_list, withdrawable_list
from db.models import Attachment, AuditEvent, Declaration
from tests.integration.transition_support import add_supplement
from tests.integration.unit_support import (AFTER, OPERATOR, REASON, add_applicant, advance, applicant_of, at,
                                            declarations, publicized, run, submit)
from tests.world import World

PROOF = ("单位推荐证明.pdf", minimal_pdf("unit proof"))


@pytest.fixture
def world(uow, tmp_path, monkeypatch):
    monkeypatch.setenv("TITLES_FILE_STORE", str(tmp_path / "files"))
    with uow.write() as s:
        return World.build(s)


def _states(uow, ids) -> list[tuple[str, int | None]]:
    with uow.write() as s:
        return [(d.state, d.holder_unit_id) for d in (s.get(Declaration, i) for i in ids)]


def _transitions(uow) -> int:
    with uow.write() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == "transition"))


def _batch(who: str, ids, action: str, **payload):
    return lambda w: batch_act(w.session, w.actor(who), ids, action, payload)


def test_declarations_travel_from_submit_to_policy_review_through_the_unit_and_relay_services(uow, world):
    w, u = world, world.units
    ids = run(uow, w, lambda w: declarations(w, 2))
    op = w.actor("unit_op")
    assert [r.id for r in run(uow, w, lambda w: verification_list(w.session, op).rows)] == ids
    run(uow, w, _batch("unit_op", ids, "approve"))
    assert [r.id for r in run(uow, w, lambda w: verification_list(w.session, op, "passed").rows)] == ids
    batch = run(uow, w, lambda w: publicized(w, ids))
    run(uow, w, lambda w: complete_batch(w.session, op, batch, at(AFTER), today=AFTER))
    run(uow, w, lambda w: attach_unit_proof(w.session, op, ids, *PROOF))
    run(uow, w, lambda w: recommend(w.session, op, ids, *OPERATOR))
    assert _states(uow, ids) == [("relay", u["dept"])] * 2
    run(uow, w, _batch("dept_op", ids, "approve"))
    run(uow, w, _batch("city_hr", ids, "approve"))
    run(uow, w, _batch("prov_hr", ids, "assign_committee", committee_id=w.committee_id))
    assert _states(uow, ids) == [("material_receipt", u["organizer"])] * 2
    run(uow, w, _batch("committee_op", ids, "accept"))
    assert _states(uow, ids) == [("policy_review", u["organizer"])] * 2
    with uow.write() as s:
        proofs = s.execute(select(Attachment.declaration_id, Attachment.sha256).where(
            Attachment.purpose == "unit_proof")).all()
        assert sorted(d for d, _ in proofs) == ids and len({sha for _, sha in proofs}) == 1
        assert verify(s) is None


def test_a_rejected_declaration_is_listed_as_failed_and_returned_with_the_reason_the_applicant_sees(uow, world):
    w = world
    ids = run(uow, w, lambda w: declarations(w, 2))
    run(uow, w, _batch("unit_op", ids[:1], "reject", reason=REASON))
    op = w.actor("unit_op")
    failed = run(uow, w, lambda w: verification_list(w.session, op, "failed").rows)
    assert [(r.id, r.state, r.last_action, r.last_comment) for r in failed] == [(ids[0], "returned", "reject", REASON)]
    assert [r.id for r in run(uow, w, lambda w: verification_list(w.session, op).rows)] == ids[1:]
    returned = run(uow, w, lambda w: returned_list(w.session, op).rows)
    assert [(r.id, r.last_comment, r.last_unit_name) for r in returned] == [(ids[0], REASON, "市建筑设计院")]


def test_the_verification_list_filters_sorts_and_pages_in_sql(uow, world):
    w = world
    ids = run(uow, w, lambda w: declarations(w, 3))
    op = w.actor("unit_op")
    first = run(uow, w, lambda w: verification_list(w.session, op, sort="name", descending=True, page_size=2))
    second = run(uow, w, lambda w: verification_list(w.session, op, sort="name", descending=True, page=1,
                                                        page_size=2))
    assert first.total == second.total == 3 and len(first.rows) == 2 and len(second.rows) == 1
    names = [r.applicant_name for r in first.rows + second.rows]
    assert names == sorted(names, reverse=True) and {r.id for r in first.rows + second.rows} == set(ids)
    assert run(uow, w, lambda w: verification_list(w.session, op, year=1999).total) == 0
    assert run(uow, w, lambda w: verification_list(w.session, op, level="intermediate").total) == 0


def test_batch_approve_moves_nothing_when_one_declaration_cannot_be_approved(uow, world):
    w = world
    ids = run(uow, w, lambda w: declarations(w, 2))
    late = run(uow, w, lambda w: declarations(w, 1, "unit_publicity"))
    before = _transitions(uow)
    with pytest.raises(BatchFailed) as caught:
        run(uow, w, _batch("unit_op", [*ids, *late], "approve"))
    assert [f.declaration_id for f in caught.value.failures] == late
    assert caught.value.failures[0].error.key == "error.invalid_action"
    assert f"#{late[0]}" in caught.value.failure_messages("zh")[0]
    assert _transitions(uow) == before
    assert [s for s, _ in _states(uow, [*ids, *late])] == ["unit_verify", "unit_verify", "unit_publicity"]


def test_a_failed_batch_leaves_the_callers_transaction_clean_even_if_the_caller_goes_on(uow, world):
    w = world
    ids = run(uow, w, lambda w: declarations(w, 1))
    late = run(uow, w, lambda w: declarations(w, 1, "unit_publicity"))
    before = _transitions(uow)
    with uow.write() as s:
        with pytest.raises(BatchFailed):
            batch_act(s, w.actor("unit_op"), [*ids, *late], "approve")
    assert _transitions(uow) == before and _states(uow, ids) == [("unit_verify", w.units["employer"])]
    with uow.write() as s:
        assert verify(s) is None


def test_recommend_is_all_or_nothing_and_names_the_declaration_without_proof(uow, world):
    w = world
    ids = run(uow, w, lambda w: declarations(w, 2, "unit_recommend"))
    op = w.actor("unit_op")
    run(uow, w, lambda w: attach_unit_proof(w.session, op, ids[:1], *PROOF))
    with pytest.raises(BatchFailed) as caught:
        run(uow, w, lambda w: recommend(w.session, op, ids, *OPERATOR))
    assert [(f.declaration_id, f.error.details) for f in caught.value.failures] == [(ids[1], ["guard.no_unit_proof"])]
    with pytest.raises(BatchFailed) as no_phone:
        run(uow, w, lambda w: recommend(w.session, op, ids[:1], "王经办", ""))
    assert no_phone.value.failures[0].error.key == "error.inputs_missing"
    assert [s for s, _ in _states(uow, ids)] == ["unit_recommend"] * 2


def test_withdraw_is_offered_to_the_last_actor_only_until_the_next_holder_acts(uow, world):
    w, u = world, world.units
    [d] = run(uow, w, lambda w: declarations(w, 1, "relay"))
    listed = {who: lambda w, who=who: [r.id for r in withdrawable_list(w.session, w.actor(who))]
              for who in ("unit_op", "dept_op", "city_hr")}
    assert run(uow, w, listed["unit_op"]) == [d] and run(uow, w, listed["dept_op"]) == []
    run(uow, w, _batch("dept_op", [d], "approve"))
    assert run(uow, w, listed["unit_op"]) == [] and run(uow, w, listed["dept_op"]) == [d]
    run(uow, w, lambda w: act(w.session, w.actor("dept_op"), d, "withdraw"))
    assert _states(uow, [d]) == [("relay", u["dept"])]
    run(uow, w, _batch("dept_op", [d], "approve"))
    run(uow, w, _batch("city_hr", [d], "approve"))
    assert run(uow, w, listed["dept_op"]) == [] and run(uow, w, listed["city_hr"]) == [d]


@pytest.mark.parametrize("position, who, action, payload, expected", [
    ("relay", "dept_op", "reject", {"reason": REASON}, ("unit_recommend", "employer")),
    ("relay", "dept_op", "return_to_applicant", {"reason": REASON}, ("returned", None)),
    ("relay", "dept_op", "terminate", {"reason": REASON}, ("terminated", None)),
    ("material_receipt", "committee_op", "refuse", {"reason": REASON}, ("relay", "prov")),
    ("material_receipt", "committee_op", "terminate", {"reason": REASON}, ("terminated", None)),
    ("unit_recommend", "unit_op", "return_to_applicant", {"reason": REASON}, ("returned", None)),
])
def test_each_relay_and_receipt_branch_moves_the_declaration_with_its_reason(uow, world, position, who, action,
                                                                            payload, expected):
    w = world
    [d] = run(uow, w, lambda w: declarations(w, 1, position))
    run(uow, w, _batch(who, [d], action, **payload))
    state, holder = expected
    assert _states(uow, [d]) == [(state, w.units[holder] if holder else None)]
    with uow.write() as s:
        last = s.scalars(select(AuditEvent).where(AuditEvent.declaration_id == d).order_by(AuditEvent.id.desc())
                         .limit(1)).one()
        assert (last.action, last.comment) == (action, REASON)


def test_a_unit_with_a_self_review_authority_assigns_to_its_own_committee(uow, world):
    w, u = world, world.units

    def own_declaration(w):
        name = add_applicant(w, 90)
        d = w.new_declaration(person_id=w.actor(name).person_id, committee_id=w.own_committee_id,
                              review_type="self_review")
        submit(w, name, d)
        advance(w, d, "unit_recommend")
        return d

    d = run(uow, w, own_declaration)
    assert run(uow, w, lambda w: can_assign_own_committee(w.session, w.actor("unit_op"), d)) is True
    assert run(uow, w, lambda w: can_assign_own_committee(w.session, w.actor("sibling_op"), d)) is False
    run(uow, w, lambda w: assign_own_committee(w.session, w.actor("unit_op"), [d]))
    assert _states(uow, [d]) == [("material_receipt", u["employer"])]
    run(uow, w, _batch("own_committee_op", [d], "accept"))
    assert _states(uow, [d]) == [("policy_review", u["employer"])]


def test_a_supplement_is_marked_and_goes_straight_to_re_examination_when_the_unit_approves(uow, world):
    w = world

    def to_supplement_verify(w):
        [d] = declarations(w, 1, "policy_review")
        w.do("reviewer", d, "recheck_fail", reason="任职年限不足")
        w.publicize(d, "failed_review", owner="organizer")
        w.do("committee_op", d, "complete_publicity")
        add_supplement(w, d)
        w.do(applicant_of(w, d), d, "resubmit")
        return d

    d = run(uow, w, to_supplement_verify)
    [row] = run(uow, w, lambda w: verification_list(w.session, w.actor("unit_op")).rows)
    assert (row.id, row.state, row.is_supplement) == (d, "supplement_verify", True)
    run(uow, w, _batch("unit_op", [d], "approve"))
    assert _states(uow, [d]) == [("policy_recheck", w.units["organizer"])]


def test_a_sibling_unit_and_an_unrelated_department_neither_see_nor_act(uow, world):
    w = world
    ids = run(uow, w, lambda w: declarations(w, 1))
    [relayed] = run(uow, w, lambda w: declarations(w, 1, "relay"))
    sibling = w.actor("sibling_op")
    assert run(uow, w, lambda w: verification_list(w.session, sibling).rows) == []
    assert run(uow, w, lambda w: returned_list(w.session, sibling).rows) == []
    assert run(uow, w, lambda w: withdrawable_list(w.session, sibling)) == []
    before = _transitions(uow)
    for who, targets, action in (("sibling_op", ids, "approve"), ("other_dept_op", [relayed], "approve"),
                                 ("sibling_op", [relayed], "withdraw")):
        with pytest.raises(BatchFailed) as caught:
            run(uow, w, _batch(who, targets, action))
        assert {type(f.error) for f in caught.value.failures} == {NotFound}
    with pytest.raises(NotFound):
        run(uow, w, lambda w: attach_unit_proof(w.session, sibling, ids, *PROOF))
    with pytest.raises(NotFound):
        run(uow, w, lambda w: verification_list(w.session, w.actor("other_dept_op")))
    assert _transitions(uow) == before
