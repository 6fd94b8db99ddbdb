"""Every transition of the review and initial-determination flows, done by the actor allowed to do it.

Each case starts from a named position (tests/integration/transition_support.py), acts through
``core.declaring.transitions.execute`` (one transaction, as a page does) and checks state, holder, version
and the one audit event it wrote. Refusals are in test_transitions_refused.py, routes and
withdrawals in test_transitions_paths.py.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.common.errors import ConcurrentChange, Forbidden, GuardFailed, NotFound
from core.declaring.transitions import execute
from db.models import AuditEvent, Declaration
from tests.integration.transition_support import (PLEDGE, REASON, RECOMMEND, actor_of, add_supplement, chain_intact,
                                                  chair_of_this, committee, events_since, look, payload_of, proof,
                                                  pub, setup, tallied, unit_of)

OPINION = {"result": "fail", "opinion": "任职年限不足"}

# position, preparation, actor, action, payload, new state, new holder (a World unit name, or None)
ALLOWED = [
    ("draft", None, "applicant", "save", {}, "draft", None),
    ("draft", None, "applicant", "submit", PLEDGE, "unit_verify", "employer"),
    ("draft", None, "applicant", "cancel", {}, "cancelled", None),
    ("returned", None, "applicant", "cancel", {}, "cancelled", None),
    ("supplement", None, "applicant", "cancel", {}, "cancelled", None),
    ("unit_verify", None, "unit_op", "approve", {}, "unit_publicity", "employer"),
    ("unit_verify", None, "unit_op", "reject", REASON, "returned", None),
    ("returned", None, "applicant", "resubmit", PLEDGE, "unit_verify", "employer"),
    ("unit_publicity", pub("unit", "employer"), "unit_op", "complete_publicity", {}, "unit_recommend", "employer"),
    ("unit_recommend", proof, "unit_op", "recommend", RECOMMEND, "relay", "dept"),
    ("unit_recommend", None, "unit_op", "assign_own_committee", {}, "material_receipt", "employer"),
    ("relay", None, "dept_op", "approve", {}, "relay", "city"),
    ("relay@city", None, "city_hr", "approve", {}, "relay", "prov"),
    ("relay@prov", None, "prov_hr", "assign_committee", committee, "material_receipt", "organizer"),
    ("relay", None, "dept_op", "reject", REASON, "unit_recommend", "employer"),
    ("relay@city", None, "city_hr", "reject", REASON, "relay", "dept"),
    ("relay@prov", None, "prov_hr", "reject", REASON, "relay", "city"),
    ("unit_verify", None, "unit_op", "return_to_applicant", REASON, "returned", None),
    ("unit_publicity", None, "unit_op", "return_to_applicant", REASON, "returned", None),
    ("unit_recommend", None, "unit_op", "return_to_applicant", REASON, "returned", None),
    ("relay", None, "dept_op", "return_to_applicant", REASON, "returned", None),
    ("relay@prov", None, "prov_hr", "return_to_applicant", REASON, "returned", None),
    ("material_receipt", None, "committee_op", "return_to_applicant", REASON, "returned", None),
    ("relay@city", None, "city_hr", "terminate", REASON, "terminated", None),
    ("material_receipt", None, "committee_op", "terminate", REASON, "terminated", None),
    ("unit_publicity", None, "unit_op", "terminate", REASON, "terminated", None),
    ("candidate_publicity", None, "committee_op", "terminate", REASON, "terminated", None),
    ("result_publicity", None, "committee_op", "terminate", REASON, "terminated", None),
    ("material_receipt", None, "committee_op", "accept", {}, "policy_review", "organizer"),
    ("material_receipt", None, "committee_op", "refuse", REASON, "relay", "prov"),
    ("own:material_receipt", None, "own_committee_op", "accept", {}, "policy_review", "employer"),
    ("own:material_receipt", None, "own_committee_op", "refuse", REASON, "unit_recommend", "employer"),
    ("policy_review", None, "reviewer", "initial_review", OPINION, "policy_review", "organizer"),
    ("policy_review", None, "reviewer", "recheck_pass", {}, "candidate_publicity", "organizer"),
    ("policy_review", None, "reviewer", "recheck_fail", REASON, "failed_publicity", "organizer"),
    ("failed_publicity", pub("failed_review"), "committee_op", "complete_publicity", {}, "supplement", None),
    ("failed_publicity", pub("failed_review"), "reviewer", "complete_publicity", {}, "supplement", None),
    ("supplement", add_supplement, "applicant", "resubmit", {}, "supplement_verify", "employer"),
    ("supplement_verify", None, "unit_op", "approve", {}, "policy_recheck", "organizer"),
    ("supplement_verify", None, "unit_op", "reject", REASON, "supplement", None),
    ("policy_recheck", None, "reviewer", "pass", {}, "candidate_publicity", "organizer"),
    ("policy_recheck", None, "reviewer", "fail", REASON, "terminated", None),
    ("candidate_publicity", pub("candidate"), "committee_op", "complete_publicity", {}, "panel_review", "organizer"),
    ("candidate_publicity", pub("candidate"), "reviewer", "complete_publicity", {}, "panel_review", "organizer"),
    ("panel_review", tallied(True), "committee_op", "tally", {}, "result_publicity", "organizer"),
    ("panel_review", tallied(False), "committee_op", "tally", {}, "not_approved", None),
    ("panel_review", lambda w, d: (chair_of_this(w, d), w.tally(d, True)), "chair", "tally", {},
     "result_publicity", "organizer"),
    ("panel_review", lambda w, d: (chair_of_this(w, d), w.tally(d, False)), "chair", "tally", {},
     "not_approved", None),
    ("result_publicity", pub("result"), "committee_op", "complete_publicity", {}, "filing", "organizer"),
    ("filing", None, "committee_op", "submit_filing", {}, "filing", "prov"),
    ("filing@hr", None, "prov_hr", "filing_approved", {}, "approved", None),
    ("filing@hr", None, "prov_hr", "filing_rejected", REASON, "filing", "organizer"),
    # initial title determination (职称初定)
    ("i:draft", None, "applicant", "save", {}, "draft", None),
    ("i:draft", None, "applicant", "submit", PLEDGE, "unit_verify", "employer"),
    ("i:draft", None, "applicant", "cancel", {}, "cancelled", None),
    ("i:returned", None, "applicant", "cancel", {}, "cancelled", None),
    ("i:returned", None, "applicant", "resubmit", PLEDGE, "unit_verify", "employer"),
    ("i:unit_verify", None, "unit_op", "approve", {}, "dept_review", "dept"),
    ("i:unit_verify", None, "unit_op", "reject", REASON, "returned", None),
    ("i:dept_review", None, "dept_op", "approve", {}, "hr_review", "city"),
    ("i:dept_review", None, "dept_op", "reject", REASON, "returned", None),
    ("i:hr_review", None, "city_hr", "approve", {}, "approved", None),
    ("i:hr_review", None, "city_hr", "reject", REASON, "returned", None),
]


def _id(case: tuple) -> str:
    return f"{case[0]}-{case[2]}-{case[3]}->{case[5]}"


@pytest.mark.parametrize("case", ALLOWED, ids=[_id(c) for c in ALLOWED])
def test_each_transition_succeeds_for_its_actor_and_writes_exactly_one_event(uow, case):
    position, prep, who, action, payload, to_state, holder = case
    w, d = setup(uow, position, prep)
    actor, data = actor_of(w, who), payload_of(w, payload)
    before = look(uow, d)

    version = execute(uow, actor, d, action, data)

    after = look(uow, d)
    assert (after.state, after.holder, after.version) == (to_state, unit_of(w, holder), before.version + 1)
    assert version == after.version and after.transitions == before.transitions + 1
    (event,) = events_since(uow, before.last_event_id)
    assert (event.kind, event.action, event.from_state, event.to_state) == ("transition", action, before.state,
                                                                            to_state)
    assert (event.account_id, event.role, event.unit_id) == (actor.account_id, actor.role, actor.unit_id)
    assert (event.from_holder_unit_id, event.to_holder_unit_id) == (before.holder, after.holder)
    assert (event.declaration_id, event.version) == (d, after.version)
    assert event.comment == (data.get("reason") or data.get("opinion"))
    assert chain_intact(uow)


def test_submitting_stamps_the_time_and_a_typed_pledge_is_not_kept_in_the_event(uow):
    w, d = setup(uow, "draft")
    before = look(uow, d)
    execute(uow, w.actor("applicant"), d, "submit", PLEDGE)
    (event,) = events_since(uow, before.last_event_id)
    assert before.row["submitted_at"] is None and look(uow, d).row["submitted_at"] is not None
    assert "pledge" not in event.detail


def test_assigning_a_committee_records_it_on_the_declaration_and_in_the_event(uow):
    w, d = setup(uow, "relay@prov")
    execute(uow, w.actor("prov_hr"), d, "assign_committee", {"committee_id": str(w.committee_id)})
    seen = look(uow, d)
    assert seen.row["committee_id"] == w.committee_id
    with uow.read() as s:
        detail = s.scalars(select(AuditEvent.detail).where(AuditEvent.declaration_id == d)
                           .order_by(AuditEvent.id.desc())).first()
    assert detail["committee_id"] == str(w.committee_id) and detail["restore"] == {"committee_id": w.committee_id}


def test_a_stale_version_is_told_it_moved_and_nothing_is_written(uow):
    w, d = setup(uow, "unit_verify")
    stale = look(uow, d).version
    execute(uow, w.actor("unit_op"), d, "approve", expected_version=stale)
    before = look(uow, d)
    with pytest.raises(ConcurrentChange):
        execute(uow, w.actor("unit_op"), d, "approve", expected_version=stale)
    with pytest.raises(ConcurrentChange):
        execute(uow, w.actor("unit_op"), d, "return_to_applicant", REASON, expected_version=stale)
    assert look(uow, d) == before


@pytest.mark.parametrize("who, error, key", [
    ("sibling_op", NotFound, "error.not_found"),
    ("applicant", Forbidden, "error.role_not_allowed"),
])
def test_execute_audits_a_permission_denial_in_its_own_transaction(uow, who, error, key):
    w, d = setup(uow, "unit_verify")
    before = look(uow, d)
    actor = w.actor(who)
    with pytest.raises(error):
        execute(uow, actor, d, "approve")
    (denial,) = events_since(uow, before.last_event_id)
    assert (denial.kind, denial.action, denial.outcome, denial.target) == ("denial", "approve", "denied",
                                                                           f"declaration:{d}")
    assert (denial.account_id, denial.role, denial.unit_id) == (actor.account_id, actor.role, actor.unit_id)
    assert denial.detail == {"error": key} and denial.declaration_id is None
    assert look(uow, d).row == before.row and chain_intact(uow)


def test_execute_does_not_audit_a_refused_guard_as_a_denial(uow):
    w, d = setup(uow, "unit_publicity")
    before = look(uow, d)
    with pytest.raises(GuardFailed):
        execute(uow, w.actor("unit_op"), d, "complete_publicity")
    assert events_since(uow, before.last_event_id) == []


def test_a_declaration_that_does_not_exist_is_not_found_and_the_attempt_is_audited(uow):
    w, d = setup(uow, "draft")
    before = look(uow, d)
    with pytest.raises(NotFound):
        execute(uow, w.actor("unit_op"), d + 1000, "approve")
    (denial,) = events_since(uow, before.last_event_id)
    assert denial.kind == "denial" and denial.target == f"declaration:{d + 1000}"
    with uow.read() as s:
        assert s.get(Declaration, d + 1000) is None


def test_a_stale_page_is_told_the_declaration_moved_even_after_it_left_the_unit_and_no_denial_is_audited(uow):
    from sqlalchemy import func, select

    from core.common.errors import ConcurrentChange
    from core.declaring.transitions import execute
    from db.models import AuditEvent, Declaration
    from tests.world import World

    with uow.write() as s:
        w = World.build(s)
        d = w.new_declaration()
        w.drive(d, "relay")
        seen = s.get(Declaration, d).version  # the department's page shows this version
        w.do("dept_op", d, "approve")  # ... and another department operator acts first
    with pytest.raises(ConcurrentChange):
        execute(uow, w.actor("dept_op"), d, "approve", expected_version=seen)
    with pytest.raises(Exception) as stranger:
        execute(uow, w.actor("other_dept_op"), d, "approve", expected_version=seen)
    assert type(stranger.value).__name__ == "NotFound"
    with uow.write() as s:
        denials = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == "denial"))
        assert denials == 1  # only the stranger's attempt
