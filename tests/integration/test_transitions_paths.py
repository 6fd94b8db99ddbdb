"""Routes through the flows: relay hops, refusal, self-review, report paths, the supplement loop,
filing, withdrawal by the last actor, and the actions each actor is offered."""
from __future__ import annotations

from dataclasses import replace

import pytest

from core.common.errors import GuardFailed, NotFound
from core.declaring.transitions import execute, options
from core.workflow import TRANSITIONS
from core.org.units import add_unit
from db.models import Person, ReportPath, Unit
from tests.integration.transition_support import (REASON, RECOMMEND, actor_of, add_supplement, both,
                                                  committee, events_since, incomplete, look, objection, payload_of,
                                                  proof, pub, setup, world_in)
from tests.world import LEVEL, SERIES

ROUTE_COLUMNS = ("state", "holder_unit_id", "relay_route", "committee_id", "review_type", "is_supplement")


def _route(seen) -> tuple:
    return tuple(seen.row[c] for c in ROUTE_COLUMNS)


def _run(uow, w, d, steps) -> list[tuple[str, int | None]]:
    """Run (actor, action, payload) steps; return (state, holder) after each."""
    trail = []
    for who, action, payload in steps:
        execute(uow, actor_of(w, who), d, action, payload_of(w, payload))
        seen = look(uow, d)
        trail.append((seen.state, seen.holder))
    return trail


def test_relay_reject_goes_back_one_hop_at_a_time_and_from_the_first_hop_to_the_unit(uow):
    w, d = setup(uow, "relay@prov")
    u = w.units
    assert look(uow, d).row["relay_route"] == [u["dept"], u["city"], u["prov"]]
    trail = _run(uow, w, d, [("prov_hr", "reject", REASON), ("city_hr", "reject", REASON),
                                ("dept_op", "reject", REASON)])
    assert trail == [("relay", u["city"]), ("relay", u["dept"]), ("unit_recommend", u["employer"])]


def test_refused_material_goes_back_to_the_top_hr_bureau_which_may_assign_it_again(uow):
    w, d = setup(uow, "material_receipt")
    trail = _run(uow, w, d, [("committee_op", "refuse", REASON), ("prov_hr", "assign_committee", committee),
                                ("committee_op", "accept", {})])
    assert trail == [("relay", w.units["prov"]), ("material_receipt", w.units["organizer"]),
                     ("policy_review", w.units["organizer"])]


def test_self_review_skips_the_relay_and_the_units_own_committee_takes_over(uow):
    w, d = setup(uow, "own:unit_recommend")
    execute(uow, w.actor("unit_op"), d, "assign_own_committee")
    seen = look(uow, d)
    assert _route(seen) == ("material_receipt", w.units["employer"], [], w.own_committee_id, "self_review", False)
    with pytest.raises(NotFound):
        execute(uow, w.actor("committee_op"), d, "accept")
    execute(uow, w.actor("own_committee_op"), d, "accept")
    own_reviewer = replace(w.actor("reviewer"), committee_id=w.own_committee_id)
    with pytest.raises(NotFound):
        execute(uow, w.actor("reviewer"), d, "recheck_pass")
    execute(uow, own_reviewer, d, "recheck_pass")
    assert look(uow, d).state == "candidate_publicity"


def test_a_socialized_declaration_sent_to_the_units_own_committee_becomes_self_review(uow):
    w, d = setup(uow, "unit_recommend")
    execute(uow, w.actor("unit_op"), d, "assign_own_committee")
    assert look(uow, d).row["review_type"] == "self_review"
    execute(uow, w.actor("own_committee_op"), d, "refuse", REASON)
    assert (look(uow, d).state, look(uow, d).holder) == ("unit_recommend", w.units["employer"])


@pytest.mark.parametrize("status, first_hop", [("approved", "other_dept"), ("pending", "dept"),
                                               ("rejected", "dept")])
def test_only_an_approved_report_path_overrides_the_parent_chain(uow, status, first_hop):
    w, d = setup(uow, "unit_recommend", proof)
    with world_in(uow, w) as ww:
        ww.session.add(ReportPath(unit_id=w.units["employer"], target_unit_id=w.units["other_dept"],
                                  series_code=SERIES, level_code=LEVEL, status=status))
    execute(uow, w.actor("unit_op"), d, "recommend", RECOMMEND)
    seen = look(uow, d)
    assert seen.holder == w.units[first_hop]
    assert seen.row["relay_route"] == [w.units[first_hop], w.units["city"], w.units["prov"]]
    other = "dept_op" if first_hop == "other_dept" else "other_dept_op"
    with pytest.raises(NotFound):
        execute(uow, w.actor(other), d, "approve")
    execute(uow, w.actor(f"{first_hop}_op"), d, "approve")
    assert look(uow, d).holder == w.units["city"]


def test_an_employer_right_under_the_hr_bureau_goes_straight_to_hr_review_in_initial_determination(uow):
    w, _ = setup(uow, "draft")
    with world_in(uow, w) as ww:
        direct = add_unit(ww.session, name="市勘察院", kind="employer", parent=ww.session.get(Unit, w.units["city"]))
        ww.session.get(Person, w.applicant_person_id).unit_id = direct.id
        ww.units["direct"] = direct.id
        ww.actors["direct_op"] = ww._actor("direct_op", "unit_operator", direct.id)
        d = ww.new_declaration(unit="direct", flow="initial_determination")
        ww.drive(d, "unit_verify")
    trail = _run(uow, w, d, [("direct_op", "approve", {}), ("city_hr", "approve", {})])
    assert trail == [("hr_review", w.units["city"]), ("approved", None)]


@pytest.mark.parametrize("final, outcome", [("pass", "candidate_publicity"), ("fail", "terminated")])
def test_the_supplement_loop_goes_through_publicity_supplements_and_the_unit_to_a_recheck(uow, final, outcome):
    w, d = setup(uow, "policy_review")
    execute(uow, w.actor("reviewer"), d, "recheck_fail", REASON)
    with pytest.raises(GuardFailed):
        execute(uow, w.actor("committee_op"), d, "complete_publicity")
    with world_in(uow, w) as ww:
        ww.publicize(d, "failed_review", owner="organizer")
    execute(uow, w.actor("committee_op"), d, "complete_publicity")
    with pytest.raises(GuardFailed) as refused:
        execute(uow, w.actor("applicant"), d, "resubmit")
    assert refused.value.details == ["guard.no_supplement"]
    with world_in(uow, w) as ww:
        add_supplement(ww, d)
    trail = _run(uow, w, d, [("applicant", "resubmit", {}), ("unit_op", "reject", REASON),
                                ("applicant", "resubmit", {}), ("unit_op", "approve", {}),
                                ("reviewer", final, REASON)])
    u = w.units
    assert trail == [("supplement_verify", u["employer"]), ("supplement", None), ("supplement_verify", u["employer"]),
                     ("policy_recheck", u["organizer"]), (outcome, u["organizer"] if final == "pass" else None)]
    assert look(uow, d).row["is_supplement"] is True


def test_a_filing_rejected_by_the_hr_bureau_is_submitted_again_until_approved(uow):
    w, d = setup(uow, "filing")
    u = w.units
    trail = _run(uow, w, d, [("committee_op", "submit_filing", {}), ("prov_hr", "filing_rejected", REASON),
                                ("committee_op", "submit_filing", {}), ("prov_hr", "filing_approved", {})])
    assert trail == [("filing", u["prov"]), ("filing", u["organizer"]), ("filing", u["prov"]), ("approved", None)]


# --- withdraw (撤回): the last actor, back one step, while the next holder has not acted ------------

WITHDRAWABLE = [
    ("review", "unit_verify", None, "unit_op", "approve", {}),
    ("review", "unit_publicity", pub("unit", "employer"), "unit_op", "complete_publicity", {}),
    ("review", "unit_recommend", proof, "unit_op", "recommend", RECOMMEND),
    ("review", "unit_recommend", None, "unit_op", "assign_own_committee", {}),
    ("review", "relay", None, "dept_op", "approve", {}),
    ("review", "relay@prov", None, "prov_hr", "assign_committee", committee),
    ("review", "material_receipt", None, "committee_op", "accept", {}),
    ("review", "policy_review", None, "reviewer", "recheck_pass", {}),
    ("review", "policy_review", None, "reviewer", "recheck_fail", REASON),
    ("review", "supplement_verify", None, "unit_op", "approve", {}),
    ("review", "policy_recheck", None, "reviewer", "pass", {}),
    ("review", "filing", None, "committee_op", "submit_filing", {}),
    ("initial_determination", "i:unit_verify", None, "unit_op", "approve", {}),
    ("initial_determination", "i:dept_review", None, "dept_op", "approve", {}),
]


def test_the_withdraw_cases_cover_every_withdrawable_step_of_the_table():
    declared = {(t.flow, t.source, t.action) for t in TRANSITIONS if t.withdrawable}
    covered = {(flow, pos.split(":")[-1].split("@")[0], action) for flow, pos, _, _, action, _ in WITHDRAWABLE}
    assert covered == declared


@pytest.mark.parametrize("case", WITHDRAWABLE, ids=[f"{c[1]}-{c[4]}" for c in WITHDRAWABLE])
def test_the_last_actor_withdraws_a_step_back_to_where_it_was_before_the_next_holder_acts(uow, case):
    _, position, prep, who, action, payload = case
    w, d = setup(uow, position, prep)
    actor, before = actor_of(w, who), look(uow, d)
    execute(uow, actor, d, action, payload_of(w, payload))
    with uow.read() as s:
        offered = {o.action for o in options(s, actor, d)}
    assert "withdraw" in offered

    execute(uow, actor, d, "withdraw")

    after = look(uow, d)
    assert _route(after) == _route(before)
    assert (after.version, after.transitions) == (before.version + 2, before.transitions + 2)
    step, back = events_since(uow, before.last_event_id)
    assert (back.action, back.from_state, back.to_state) == ("withdraw", step.to_state, step.from_state)
    assert (back.from_holder_unit_id, back.to_holder_unit_id) == (step.to_holder_unit_id, step.from_holder_unit_id)
    with pytest.raises(GuardFailed) as again:
        execute(uow, actor, d, "withdraw")
    assert again.value.details == ["guard.nothing_to_withdraw"]


# position, first step (actor, action, payload), then who tries to withdraw, and the expected refusal
WITHDRAW_REFUSED = [
    # the next holder has acted
    ("relay", ("dept_op", "approve", {}), ("city_hr", "approve", {}), "dept_op", NotFound),
    ("material_receipt", ("committee_op", "accept", {}), ("reviewer", "recheck_pass", {}), "committee_op",
     "guard.not_last_actor"),
    ("material_receipt", ("committee_op", "accept", {}), ("reviewer", "initial_review", {"result": "pass"}),
     "committee_op", "guard.nothing_to_withdraw"),
    ("policy_review", ("reviewer", "recheck_pass", {}), ("committee_op", "complete_publicity", {}), "reviewer",
     "guard.nothing_to_withdraw"),
    # someone else: another unit, the new holder, the applicant, another role or account of the same party
    ("relay", ("dept_op", "approve", {}), None, "other_dept_op", NotFound),
    ("relay", ("dept_op", "approve", {}), None, "city_hr", "guard.not_last_actor"),
    ("relay", ("dept_op", "approve", {}), None, "applicant", "guard.not_last_actor"),
    ("unit_verify", ("unit_op", "approve", {}), None, "sibling_op", NotFound),
    ("unit_verify", ("unit_op", "approve", {}), None, "own_committee_op", "guard.not_last_actor"),
    ("policy_review", ("reviewer", "recheck_pass", {}), None, "other_reviewer", NotFound),
    ("policy_review", ("reviewer", "recheck_pass", {}), None,
     lambda w: replace(w.actor("reviewer"), account_id=w.actor("other_reviewer").account_id), "guard.not_last_actor"),
    # steps that are not withdrawable
    ("unit_verify", ("unit_op", "reject", REASON), None, "unit_op", "guard.nothing_to_withdraw"),
    ("relay", ("dept_op", "reject", REASON), None, "dept_op", "guard.nothing_to_withdraw"),
    ("relay@city", ("city_hr", "reject", REASON), None, "dept_op", "guard.nothing_to_withdraw"),
]


@pytest.mark.parametrize("case", WITHDRAW_REFUSED)
def test_withdraw_is_refused_to_anyone_else_after_the_next_holder_acted_and_for_steps_not_withdrawable(uow, case):
    position, first, then, who, refusal = case
    w, d = setup(uow, position)
    _run(uow, w, d, [first])
    with world_in(uow, w) as ww:
        ww.publicize(d, "candidate", owner="organizer")  # an ended publicity of this round, for complete_publicity
    _run(uow, w, d, [then] if then else [])
    before = look(uow, d)
    with pytest.raises(GuardFailed if isinstance(refusal, str) else refusal) as raised:
        execute(uow, actor_of(w, who), d, "withdraw")
    if isinstance(refusal, str):
        assert raised.value.details == [refusal]
    after = look(uow, d)
    assert after.row == before.row and after.transitions == before.transitions


# --- available actions: exactly what each actor may do now, with reasons for what is blocked ---------

P_RUN = ("guard.publicity_running",)
OPTIONS = [
    ("draft", None, "applicant", {"save": (), "submit": (), "cancel": ()}),
    ("draft", incomplete, "applicant", {"save": (), "cancel": (), "submit": (
        "missing.module.education", "missing.module.qualification", "missing.module.work_history",
        "missing.module.achievement", "missing.module.work_summary")}),
    ("draft", None, "unit_op", {}),
    ("unit_verify", None, "unit_op", {"approve": (), "reject": (), "return_to_applicant": ()}),
    ("unit_verify", None, "applicant", {}),
    ("unit_verify", None, "sibling_op", {}),
    ("unit_verify", None, "unit_admin", {}),
    ("unit_publicity", None, "unit_op", {"complete_publicity": P_RUN, "return_to_applicant": (), "terminate": (),
                                         "withdraw": ()}),
    ("unit_publicity", both(pub("unit", "employer", ended=False), objection), "unit_op",
     {"complete_publicity": (*P_RUN, "guard.open_objection"), "return_to_applicant": (), "terminate": (),
      "withdraw": ()}),
    ("unit_recommend", None, "unit_op", {"recommend": ("guard.no_unit_proof",), "assign_own_committee": (),
                                         "return_to_applicant": (), "withdraw": ()}),
    ("relay", None, "dept_op", {"approve": (), "reject": (), "return_to_applicant": (), "terminate": ()}),
    ("relay", None, "unit_op", {"withdraw": ()}),
    ("relay", None, "other_dept_op", {}),
    ("relay@city", None, "city_hr", {"approve": (), "assign_committee": ("guard.not_top_hop",), "reject": (),
                                     "return_to_applicant": (), "terminate": ()}),
    ("relay@prov", None, "prov_hr", {"approve": ("guard.top_must_assign",), "assign_committee": (), "reject": (),
                                     "return_to_applicant": (), "terminate": ()}),
    ("relay@prov", None, "city_hr", {"withdraw": ()}),
    ("material_receipt", None, "committee_op", {"accept": (), "refuse": (), "return_to_applicant": (),
                                                "terminate": ()}),
    ("material_receipt", None, "prov_hr", {"withdraw": ()}),
    ("policy_review", None, "reviewer", {"initial_review": (), "recheck_pass": (), "recheck_fail": ()}),
    ("policy_review", None, "committee_op", {"withdraw": ()}),
    ("policy_review", None, "other_reviewer", {}),
    ("supplement", None, "applicant", {"cancel": (), "resubmit": ("guard.no_supplement",)}),
    ("candidate_publicity", None, "reviewer", {"complete_publicity": P_RUN, "withdraw": ()}),
    ("candidate_publicity", None, "committee_op", {"complete_publicity": P_RUN, "terminate": ()}),
    ("panel_review", None, "committee_op", {"tally": ("guard.not_tallied",)}),
    ("filing@hr", None, "prov_hr", {"filing_approved": (), "filing_rejected": ()}),
    ("filing@hr", None, "committee_op", {"withdraw": ()}),
    ("approved", None, "applicant", {}),
    ("i:unit_verify", None, "unit_op", {"approve": (), "reject": ()}),
    ("i:dept_review", None, "dept_op", {"approve": (), "reject": ()}),
    ("i:dept_review", None, "unit_op", {"withdraw": ()}),
]


@pytest.mark.parametrize("case", OPTIONS, ids=[f"{c[0]}-{c[2]}" for c in OPTIONS])
def test_options_list_exactly_the_actions_an_actor_may_take_with_the_reasons_for_blocked_ones(uow, case):
    position, prep, who, expected = case
    w, d = setup(uow, position, prep)
    with uow.read() as s:
        offered = {o.action: o.blocked for o in options(s, w.actor(who), d)}
    assert offered == expected


@pytest.mark.parametrize("position, hr, target", [("relay", "dept_op", "unit_recommend"),
                                              ("relay@city", "city_hr", "relay")])
def test_options_describe_the_branch_an_action_takes_and_whether_it_needs_a_reason(uow, position, hr, target):
    w, d = setup(uow, position)
    with uow.read() as s:
        offered = {o.action: o for o in options(s, w.actor(hr), d)}
    assert offered["reject"].target == target and offered["reject"].needs_reason
    assert offered["approve"].target == "relay" and not offered["approve"].needs_reason


def test_options_name_the_inputs_a_step_asks_for_and_which_steps_need_no_confirmation(uow):
    w, d = setup(uow, "relay@prov")
    with world_in(uow, w) as ww:
        draft = ww.new_declaration(flow="initial_determination")
    with uow.read() as s:
        assign = next(o for o in options(s, w.actor("prov_hr"), d) if o.action == "assign_committee")
        offered = {o.action: o for o in options(s, w.actor("applicant"), draft)}
    assert (assign.target, assign.inputs, assign.needs_reason, assign.confirm) == (
        "material_receipt", ("committee_id",), False, True)
    assert offered["submit"].inputs == ("pledge",) and offered["submit"].confirm and not offered["save"].confirm
