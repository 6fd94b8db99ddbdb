"""Refused transitions: out of scope, wrong role, wrong state, failing guards, missing input.

Each refusal raises the domain error that names the cause and writes nothing: the declaration's
row and its timeline are unchanged; a permission refusal (NotFound, Forbidden) leaves exactly one
audit row of kind 'denial', any other refusal none.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from core.common.errors import DomainError, Forbidden, GuardFailed, InvalidAction, NotFound, ValidationError
from core.declaring.transitions import execute
from tests.integration.transition_support import (PLEDGE, REASON, RECOMMEND, actor_of, authority_revoked, both,
                                                  chain_intact, chair_of_another, committee, committee_closed,
                                                  events_since, incomplete, look, objection, other_active,
                                                  payload_of, proof, pub, setup, tallied, unbound)
from tests.world import YEAR

MODULES = ["missing.module.education", "missing.module.qualification", "missing.module.work_history",
           "missing.module.achievement", "missing.module.work_summary"]


def _reviewer(**scope):
    return lambda w: replace(w.actor("reviewer"), **scope)


# position, preparation, actor, action, payload, error, message key or guard messages (for GuardFailed)
NOT_FOUND = [
    ("draft", None, "other_applicant", "submit", PLEDGE),
    ("unit_verify", None, "sibling_op", "approve", {}),                   # a sibling unit's operator
    ("unit_verify", None, "unit_admin", "approve", {}),                   # the unit admin never acts on one
    ("unit_verify", None, "dept_op", "approve", {}),                      # the parent before its turn
    ("relay", None, "other_dept_op", "approve", {}),                      # another department's operator
    ("relay", None, "city_hr", "approve", {}),                            # the next hop before its turn
    ("relay", None, "unit_op", "return_to_applicant", REASON),            # the unit no longer holds it
    ("relay@city", None, "dept_op", "approve", {}),
    ("material_receipt", None, "own_committee_op", "accept", {}),         # another committee unit
    ("material_receipt", None, "prov_hr", "terminate", REASON),
    ("policy_review", None, "other_reviewer", "recheck_pass", {}),        # a reviewer of another series
    ("policy_review", None, _reviewer(year=YEAR - 1), "recheck_pass", {}),
    ("policy_review", None, _reviewer(committee_id=None), "recheck_pass", {}),
    ("policy_review", None, _reviewer(specialty_codes=("eng_software",)), "recheck_pass", {}),
    ("panel_review", both(chair_of_another, tallied(True)), "chair", "tally", {}),
    ("filing", None, "prov_hr", "filing_approved", {}),                   # not submitted to the bureau yet
    ("i:dept_review", None, "other_dept_op", "approve", {}),
    ("i:hr_review", None, "prov_hr", "approve", {}),                      # the province is not the nearest bureau
]
FORBIDDEN = [
    ("unit_verify", None, "applicant", "approve", {}),
    ("unit_verify", None, "own_committee_op", "approve", {}),             # another role at the same unit
    ("relay", None, "dept_op", "assign_committee", committee),
    ("material_receipt", None, "reviewer", "accept", {}),
    ("policy_review", None, "committee_op", "recheck_pass", {}),
    ("policy_review", None, "applicant", "recheck_fail", REASON),
    ("supplement_verify", None, "applicant", "approve", {}),
    ("policy_recheck", None, "committee_op", "pass", {}),
    ("panel_review", tallied(True), "reviewer", "tally", {}),
    ("result_publicity", pub("result"), "reviewer", "complete_publicity", {}),
    ("filing", None, "committee_op", "filing_approved", {}),
    ("i:unit_verify", None, "applicant", "approve", {}),
]
INVALID = [
    ("draft", None, "applicant", "resubmit", PLEDGE),
    ("draft", None, "applicant", "no_such_action", {}),
    ("unit_verify", None, "applicant", "submit", PLEDGE),
    ("unit_verify", None, "unit_op", "recommend", RECOMMEND),
    ("unit_publicity", None, "unit_op", "approve", {}),
    ("unit_verify", None, "applicant", "cancel", {}),
    ("policy_review", None, "reviewer", "pass", {}),
    ("candidate_publicity", None, "reviewer", "recheck_pass", {}),
    ("approved", None, "applicant", "withdraw", {}),
    ("approved", None, "applicant", "cancel", {}),
    ("i:dept_review", None, "dept_op", "assign_committee", committee),
]
GUARDS = [
    ("draft", incomplete, "applicant", "submit", PLEDGE, MODULES),
    ("draft", None, "applicant", "submit", {"pledge": "本人承诺所提交的材料真实有效。"}, ["guard.pledge_mismatch"]),
    ("draft", None, "applicant", "submit", {}, ["guard.pledge_mismatch"]),
    ("draft", other_active, "applicant", "submit", PLEDGE, ["guard.other_active"]),
    ("draft", committee_closed, "applicant", "submit", PLEDGE, ["guard.committee_not_open"]),
    ("draft", unbound, "applicant", "submit", PLEDGE, ["guard.not_bound"]),
    ("draft", both(other_active, incomplete, committee_closed), "applicant", "submit", {"pledge": "我承诺"},
     [*MODULES, "guard.committee_not_open", "guard.other_active", "guard.pledge_mismatch"]),
    ("i:draft", incomplete, "applicant", "submit", PLEDGE,
     ["missing.module.education", "missing.module.work_history", "missing.module.work_summary"]),
    ("returned", incomplete, "applicant", "resubmit", PLEDGE, MODULES),
    ("unit_publicity", None, "unit_op", "complete_publicity", {}, ["guard.publicity_running"]),
    ("unit_publicity", pub("unit", "employer", ended=False), "unit_op", "complete_publicity", {},
     ["guard.publicity_running"]),
    ("unit_publicity", both(pub("unit", "employer"), objection), "unit_op", "complete_publicity", {},
     ["guard.open_objection"]),
    ("unit_publicity", both(pub("unit", "employer", ended=False), objection), "unit_op", "complete_publicity", {},
     ["guard.publicity_running", "guard.open_objection"]),
    ("unit_publicity", pub("candidate", "employer"), "unit_op", "complete_publicity", {},
     ["guard.publicity_running"]),                                       # another kind of publicity does not count
    ("unit_recommend", None, "unit_op", "recommend", RECOMMEND, ["guard.no_unit_proof"]),
    ("unit_recommend", authority_revoked("own_committee_id"), "unit_op", "assign_own_committee", {},
     ["guard.no_own_committee"]),
    ("relay@prov", None, "prov_hr", "approve", {}, ["guard.top_must_assign"]),
    ("relay@city", None, "city_hr", "assign_committee", committee, ["guard.not_top_hop"]),
    ("relay@prov", authority_revoked("committee_id"), "prov_hr", "assign_committee", committee,
     ["guard.committee_not_authorized"]),
    ("relay@prov", None, "prov_hr", "assign_committee", {"committee_id": 987654},
     ["guard.committee_not_authorized"]),
    ("failed_publicity", None, "committee_op", "complete_publicity", {}, ["guard.publicity_running"]),
    ("supplement", None, "applicant", "resubmit", {}, ["guard.no_supplement"]),
    ("candidate_publicity", pub("candidate", ended=False), "committee_op", "complete_publicity", {},
     ["guard.publicity_running"]),
    ("panel_review", None, "committee_op", "tally", {}, ["guard.not_tallied"]),
    ("result_publicity", both(pub("result"), objection), "committee_op", "complete_publicity", {},
     ["guard.open_objection"]),
    ("unit_verify", None, "applicant", "withdraw", {}, ["guard.nothing_to_withdraw"]),
]
NO_REASON = [
    ("unit_verify", "unit_op", "reject"), ("unit_verify", "unit_op", "return_to_applicant"),
    ("relay", "dept_op", "reject"), ("relay@city", "city_hr", "reject"), ("relay", "dept_op", "terminate"),
    ("material_receipt", "committee_op", "refuse"), ("material_receipt", "committee_op", "terminate"),
    ("policy_review", "reviewer", "recheck_fail"), ("supplement_verify", "unit_op", "reject"),
    ("policy_recheck", "reviewer", "fail"), ("filing@hr", "prov_hr", "filing_rejected"),
    ("i:dept_review", "dept_op", "reject"), ("i:hr_review", "city_hr", "reject"),
]
VALIDATION = [
    *((pos, None, who, action, {}, "error.reason_required") for pos, who, action in NO_REASON),
    ("unit_verify", None, "unit_op", "reject", {"reason": " \n "}, "error.reason_required"),
    ("unit_verify", None, "unit_op", "reject", {"reason": "长" * 2001}, "error.reason_too_long"),
    ("unit_recommend", proof, "unit_op", "recommend", {}, ["input.operator_name", "input.operator_phone"]),
    ("unit_recommend", proof, "unit_op", "recommend", {**RECOMMEND, "operator_phone": "12"}, ["input.operator_phone"]),
    ("relay@prov", None, "prov_hr", "assign_committee", {}, ["input.committee_id"]),
    ("relay@prov", None, "prov_hr", "assign_committee", {"committee_id": "省评委会"}, ["input.committee_id"]),
    ("policy_review", None, "reviewer", "initial_review", {"result": "maybe"}, ["input.result"]),
]
CASES = ([(*c, NotFound, "error.not_found") for c in NOT_FOUND]
         + [(*c, Forbidden, "error.role_not_allowed") for c in FORBIDDEN]
         + [(*c, InvalidAction, "error.invalid_action") for c in INVALID]
         + [(*c[:5], GuardFailed, c[5]) for c in GUARDS]
         + [(*c[:5], ValidationError, c[5]) for c in VALIDATION])


def _id(case: tuple) -> str:
    who = case[2] if isinstance(case[2], str) else "scoped_reviewer"
    return f"{case[5].__name__}-{case[0]}-{who}-{case[3]}"


def _check(error: DomainError, expected: str | list[str]) -> None:
    if isinstance(expected, list):
        assert sorted(error.details) == sorted(expected)
        assert error.key in ("error.guard_failed", "error.inputs_missing")
    else:
        assert error.key == expected
    assert str(error)  # a message for the user, in Chinese


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_a_refused_action_raises_its_domain_error_and_writes_nothing(uow, case):
    position, prep, who, action, payload, error, expected = case
    w, d = setup(uow, position, prep)
    actor = actor_of(w, who)
    before = look(uow, d)

    with pytest.raises(error) as raised:
        execute(uow, actor, d, action, payload_of(w, payload))

    _check(raised.value, expected)
    after = look(uow, d)
    assert after.row == before.row and after.transitions == before.transitions
    written = events_since(uow, before.last_event_id)
    if error in (NotFound, Forbidden):
        assert [(e.kind, e.account_id) for e in written] == [("denial", actor.account_id)]
    else:
        assert written == []
    assert chain_intact(uow)
