"""The workflow table on its own, without a database: it is the one in workflow.md, and it is sound."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from core.workflow import (ANY, FLOWS, INITIAL, PREVIOUS, REVIEW, ROLES, STATES, TERMINAL, TRANSITIONS,
                           actions_from, replay, rows_for)

ROOT = Path(__file__).resolve().parents[2]

# --- workflow.md, encoded by hand: (sources, action, targets, roles, reason required per the doc) -------
RELAY_OPS = {"dept_operator", "hr_operator"}  # the holder in relay is a department or an HR bureau
COMMITTEE_UNIT = {"committee_operator", "policy_reviewer"}  # states table: "committee unit / policy reviewer"

REVIEW_TABLE = [
    ("draft", "save", "draft", {"applicant"}, None),
    ("draft", "submit", "unit_verify", {"applicant"}, None),
    ("draft returned supplement", "cancel", "cancelled", {"applicant"}, None),
    ("unit_verify", "approve", "unit_publicity", {"unit_operator"}, None),
    ("unit_verify", "reject", "returned", {"unit_operator"}, True),
    ("returned", "resubmit", "unit_verify", {"applicant"}, None),
    ("unit_publicity", "complete_publicity", "unit_recommend", {"unit_operator"}, None),
    ("unit_recommend", "recommend", "relay", {"unit_operator"}, None),
    ("unit_recommend", "assign_own_committee", "material_receipt", {"unit_operator"}, None),
    ("relay", "approve", "relay", RELAY_OPS, None),
    ("relay", "assign_committee", "material_receipt", {"hr_operator"}, None),
    ("relay", "reject", "unit_recommend relay", RELAY_OPS, True),
    # "holder's operator": the operators of the unit that holds the declaration in that state
    ("unit_verify unit_publicity unit_recommend", "return_to_applicant", "returned", {"unit_operator"}, True),
    ("relay", "return_to_applicant", "returned", RELAY_OPS, True),
    ("material_receipt", "return_to_applicant", "returned", {"committee_operator"}, True),
    ("relay", "terminate", "terminated", RELAY_OPS, True),
    ("material_receipt", "terminate", "terminated", {"committee_operator"}, True),
    # "the unit running the publicity": an objection upheld during the publicity (reason required)
    ("unit_publicity", "terminate", "terminated", {"unit_operator"}, True),
    ("candidate_publicity result_publicity", "terminate", "terminated", {"committee_operator"}, True),
    ("material_receipt", "accept", "policy_review", {"committee_operator"}, None),
    ("material_receipt", "refuse", "relay", {"committee_operator"}, True),
    # self-review, no relay route: refused back to the unit's recommendation
    ("material_receipt", "refuse", "unit_recommend", {"committee_operator"}, True),
    ("policy_review", "initial_review", "policy_review", {"policy_reviewer"}, None),
    ("policy_review", "recheck_pass", "candidate_publicity", {"policy_reviewer"}, None),
    ("policy_review", "recheck_fail", "failed_publicity", {"policy_reviewer"}, True),
    ("failed_publicity", "complete_publicity", "supplement", COMMITTEE_UNIT, None),
    ("supplement", "resubmit", "supplement_verify", {"applicant"}, None),
    ("supplement_verify", "approve", "policy_recheck", {"unit_operator"}, None),
    ("supplement_verify", "reject", "supplement", {"unit_operator"}, True),
    ("policy_recheck", "pass", "candidate_publicity", {"policy_reviewer"}, None),
    ("policy_recheck", "fail", "terminated", {"policy_reviewer"}, None),
    ("candidate_publicity", "complete_publicity", "panel_review", COMMITTEE_UNIT, None),
    ("panel_review", "tally", "result_publicity not_approved", {"chair", "committee_operator"}, None),
    ("result_publicity", "complete_publicity", "filing", {"committee_operator"}, None),
    ("filing", "submit_filing", "filing", {"committee_operator"}, None),
    ("filing", "filing_approved", "approved", {"hr_operator"}, None),
    ("filing", "filing_rejected", "filing", {"hr_operator"}, True),
]
# "Initial title determination: draft -> unit_verify -> competent department review -> HR approval -> approved"
INITIAL_TABLE = [
    ("draft", "save", "draft", {"applicant"}, None),
    ("draft", "submit", "unit_verify", {"applicant"}, None),
    ("draft returned", "cancel", "cancelled", {"applicant"}, None),
    ("returned", "resubmit", "unit_verify", {"applicant"}, None),
    ("unit_verify", "approve", "dept_review hr_review", {"unit_operator"}, None),
    ("unit_verify", "reject", "returned", {"unit_operator"}, None),
    ("dept_review", "approve", "hr_review", {"dept_operator"}, None),
    ("dept_review", "reject", "returned", {"dept_operator"}, None),
    ("hr_review", "approve", "approved", {"hr_operator"}, None),
    ("hr_review", "reject", "returned", {"hr_operator"}, None),
]
DOC_REVIEW_STATES = {
    "draft", "unit_verify", "unit_publicity", "unit_recommend", "relay", "material_receipt", "policy_review",
    "failed_publicity", "supplement", "supplement_verify", "policy_recheck", "candidate_publicity",
    "panel_review", "result_publicity", "filing", "approved", "not_approved", "returned", "terminated", "cancelled",
}


def _expand(flow: str, table: list) -> list[tuple[str, str, str, str, frozenset, bool | None]]:
    return [(flow, src, action, dst, frozenset(roles), reason)
            for sources, action, targets, roles, reason in table
            for src in sources.split() for dst in targets.split()]


EXPECTED = _expand(REVIEW, REVIEW_TABLE) + _expand(INITIAL, INITIAL_TABLE)
ENGINE_ROWS = [t for t in TRANSITIONS if t.action != "withdraw"]


def _row(flow: str, source: str, action: str, target: str):
    found = [t for t in rows_for(flow, source, action) if t.target == target]
    assert len(found) == 1, f"{flow}: {source} --{action}--> {target} declared {len(found)} times"
    return found[0]


@pytest.mark.parametrize("flow, source, action, target, roles, reason", EXPECTED,
                         ids=[f"{e[0][:3]}:{e[1]}-{e[2]}-{e[3]}" for e in EXPECTED])
def test_each_documented_transition_exists_with_the_documented_roles(flow, source, action, target, roles, reason):
    row = _row(flow, source, action, target)
    assert row.roles == roles
    if reason:
        assert row.needs_reason, "workflow.md requires a reason for this step"


def test_the_engine_declares_no_transition_that_the_documentation_lacks():
    documented = {(e[0], e[1], e[2], e[3]) for e in EXPECTED}
    declared = {(t.flow, t.source, t.action, t.target) for t in ENGINE_ROWS}
    assert declared - documented == set()
    assert len(ENGINE_ROWS) == len(declared), "a transition is declared twice"


def test_the_review_flow_has_exactly_the_documented_states():
    assert set(STATES[REVIEW]) == DOC_REVIEW_STATES
    assert set(STATES[INITIAL]) == {"draft", "unit_verify", "dept_review", "hr_review", "approved", "returned",
                                    "cancelled"}


@pytest.mark.parametrize("flow", FLOWS)
def test_withdraw_goes_back_one_step_from_any_non_terminal_state_for_whoever_took_the_last_step(flow):
    rows = [t for t in TRANSITIONS if t.flow == flow and t.action == "withdraw"]
    assert len(rows) == 1
    (row,) = rows
    assert (row.source, row.target, row.holder, row.guards) == (ANY, PREVIOUS, "previous", ("withdrawable",))
    assert row.roles == set(ROLES)
    for state in STATES[flow]:
        assert (rows_for(flow, state, "withdraw") == [row]) == (state not in TERMINAL)


@pytest.mark.parametrize("flow", FLOWS)
def test_every_state_of_a_flow_is_reachable_from_draft(flow):
    reached, frontier = {"draft"}, ["draft"]
    while frontier:
        state = frontier.pop()
        for action in actions_from(flow, state):
            for row in rows_for(flow, state, action):
                if row.target != PREVIOUS and row.target not in reached:
                    reached.add(row.target)
                    frontier.append(row.target)
    assert reached == set(STATES[flow])


@pytest.mark.parametrize("flow", FLOWS)
def test_terminal_states_have_no_exits(flow):
    all_actions = {t.action for t in TRANSITIONS}
    for state in TERMINAL & set(STATES[flow]):
        assert actions_from(flow, state) == []
        assert all(rows_for(flow, state, action) == [] for action in all_actions)
        assert not [t for t in TRANSITIONS if t.flow == flow and t.source == state]


@pytest.mark.parametrize("flow", FLOWS)
def test_every_non_terminal_state_has_a_way_forward_besides_save_and_withdraw(flow):
    for state in set(STATES[flow]) - TERMINAL:
        assert set(actions_from(flow, state)) - {"save", "withdraw"}, state


def test_branches_of_one_action_list_the_conditional_ones_first_and_end_with_a_default():
    keys = {(t.flow, t.source, t.action) for t in TRANSITIONS}
    for key in keys:
        rows = [t for t in TRANSITIONS if (t.flow, t.source, t.action) == key]
        assert all(r.when for r in rows[:-1]) and rows[-1].when is None, key


# --- replay -----------------------------------------------------------------------------------------

HAPPY = [("submit", "draft", "unit_verify"), ("approve", "unit_verify", "unit_publicity"),
         ("complete_publicity", "unit_publicity", "unit_recommend"), ("recommend", "unit_recommend", "relay"),
         ("approve", "relay", "relay"), ("assign_committee", "relay", "material_receipt"),
         ("accept", "material_receipt", "policy_review"), ("initial_review", "policy_review", "policy_review"),
         ("recheck_pass", "policy_review", "candidate_publicity"),
         ("complete_publicity", "candidate_publicity", "panel_review"), ("tally", "panel_review", "result_publicity"),
         ("complete_publicity", "result_publicity", "filing"), ("submit_filing", "filing", "filing"),
         ("filing_approved", "filing", "approved")]
SUPPLEMENT_LOOP = HAPPY[:7] + [
    ("recheck_fail", "policy_review", "failed_publicity"), ("complete_publicity", "failed_publicity", "supplement"),
    ("resubmit", "supplement", "supplement_verify"), ("reject", "supplement_verify", "supplement"),
    ("resubmit", "supplement", "supplement_verify"), ("approve", "supplement_verify", "policy_recheck"),
    ("fail", "policy_recheck", "terminated")]
INITIAL_PATH = [("save", "draft", "draft"), ("submit", "draft", "unit_verify"),
                ("approve", "unit_verify", "dept_review"), ("reject", "dept_review", "returned"),
                ("resubmit", "returned", "unit_verify"), ("approve", "unit_verify", "hr_review"),
                ("approve", "hr_review", "approved")]
WITHDRAWS = HAPPY[:4] + [("withdraw", "relay", "unit_recommend"), ("recommend", "unit_recommend", "relay"),
                         ("approve", "relay", "relay"), ("withdraw", "relay", "relay")]


@pytest.mark.parametrize("events, flow, final", [
    ([], REVIEW, "draft"), (HAPPY, REVIEW, "approved"), (SUPPLEMENT_LOOP, REVIEW, "terminated"),
    (INITIAL_PATH, INITIAL, "approved"), (WITHDRAWS, REVIEW, "relay"),
], ids=["nothing", "happy", "supplement-loop", "initial", "withdraws"])
def test_replay_folds_a_legal_sequence_to_its_final_state(events, flow, final):
    assert replay(events, flow) == final


@pytest.mark.parametrize("events, flow", [
    ([("approve", "unit_verify", "unit_publicity")], REVIEW),                     # does not start at draft
    (HAPPY[:2] + [("recommend", "unit_recommend", "relay")], REVIEW),            # skips a state
    ([("approve", "draft", "unit_verify")], REVIEW),                              # action not legal there
    ([("submit", "draft", "unit_publicity")], REVIEW),                            # wrong target
    (HAPPY[:3] + [("recommend", "unit_recommend", "material_receipt")], REVIEW),  # a sibling action's target
    (HAPPY + [("withdraw", "approved", "filing")], REVIEW),                       # out of a terminal state
    ([("submit", "draft", "unit_verify"), ("approve", "unit_verify", "dept_review")], REVIEW),  # other flow
    ([("submit", "draft", "unit_verify"), ("approve", "unit_verify", "unit_publicity")], INITIAL),
    (HAPPY[:2] + [("withdraw", "unit_publicity", "draft")], REVIEW),              # not back to the previous state
    (HAPPY[:1] + [("withdraw", "unit_verify", "draft")], REVIEW),                 # submit is not withdrawable
    ([("withdraw", "draft", "draft")], REVIEW),                                   # nothing to withdraw
    (WITHDRAWS[:5] + [("withdraw", "unit_recommend", "unit_publicity")], REVIEW),  # a withdraw is not withdrawn
], ids=["not-from-draft", "gap", "illegal-action", "wrong-target", "sibling-target", "after-terminal",
        "review-gets-initial-state", "initial-gets-review-state", "withdraw-elsewhere", "withdraw-submit",
        "withdraw-nothing", "withdraw-twice"])
def test_replay_rejects_an_illegal_sequence(events, flow):
    with pytest.raises(ValueError):
        replay(events, flow)


def _legal_moves(flow: str, state: str, history: list) -> list[tuple[str, str, str]]:
    moves = [(t.action, state, t.target) for a in actions_from(flow, state) if a != "withdraw"
             for t in rows_for(flow, state, a)]
    last = history[-1] if history else None
    if last and any(t.withdrawable and (t.action, t.source, t.target) == last for t in TRANSITIONS if t.flow == flow):
        moves.append(("withdraw", state, last[1]))
    return moves


@settings(max_examples=60, deadline=None)
@given(flow=st.sampled_from(FLOWS), choices=st.lists(st.integers(min_value=0, max_value=50), max_size=30))
def test_replay_accepts_every_random_walk_over_the_table_and_rejects_it_with_one_target_changed(flow, choices):
    state, events = "draft", []
    for choice in choices:
        moves = _legal_moves(flow, state, events)
        if not moves:
            break
        events.append(moves[choice % len(moves)])
        state = events[-1][2]
    assert replay(events, flow) == state
    if events:
        action, source, target = events[-1]
        wrong = next(s for s in STATES[flow] if s != target and (action, source, s) not in _legal_moves(
            flow, source, events[:-1]))
        with pytest.raises(ValueError):
            replay(events[:-1] + [(action, source, wrong)], flow)


# --- layering -----------------------------------------------------------------------------------------

def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name.split(".")[0] for name in names}


def test_the_workflow_engine_imports_neither_streamlit_nor_sqlalchemy():
    assert _imported_modules(ROOT / "core" / "workflow.py") & {"streamlit", "sqlalchemy"} == set()
    probe = "import sys, core.workflow; print(sorted(m for m in ('streamlit', 'sqlalchemy') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]", "importing core.workflow pulls these in transitively"


def test_nothing_under_core_or_db_imports_streamlit():
    files = sorted((ROOT / "core").rglob("*.py")) + sorted((ROOT / "db").rglob("*.py"))
    assert len(files) > 10
    offenders = [str(f.relative_to(ROOT)) for f in files if "streamlit" in _imported_modules(f)]
    assert offenders == []
