"""A machine is checked when it is declared: a malformed one raises MachineDefinitionError at import."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from core.common.i18n import MESSAGES
from core.machines.spec import ANY, PREVIOUS, Machine, MachineDefinitionError, Rules, state, transition
from core.workflow import MACHINES, _registry

ROOT = Path(__file__).resolve().parents[2]
ROLES = frozenset({"clerk", "boss"})


def _admit(actor, record, facts, action, expected_version):
    return None


def _rules() -> Rules:
    rules = Rules()
    rules.guard("signed")(lambda r, f, a, p, d: None)
    rules.effect("stamp")(lambda r, f, p, now: {"stamped_at": now})
    rules.when["urgent"] = lambda r, f: True
    return rules


STATES = (state("open", "x.open", "clerk"), state("checked", "x.checked", "boss"),
          state("done", "x.done", terminal=True), state("dropped", "x.dropped", terminal=True))
GOOD = dict(
    states=STATES, initial="open",
    transitions=(transition("m", "open", "check", "checked", "clerk", guards=("signed",), effects=("stamp",)),
                 transition("m", "checked", "close", "done", "boss", when="urgent"),
                 transition("m", "checked", "close", "dropped", "boss"),
                 transition("m", "open", "drop", "dropped", ROLES)),
    rules=None, roles=ROLES, admit=_admit)


def build(**changes) -> Machine:
    spec = {**GOOD, "rules": _rules(), **changes}
    return Machine("m", **spec)


def _with_row(index: int, **changes):
    rows = list(GOOD["transitions"])
    rows[index] = replace(rows[index], **changes)
    return tuple(rows)


def test_a_sound_machine_is_accepted_and_answers_its_table():
    m = build()
    assert m.actions_from("open") == ["check", "drop"]
    assert [r.target for r in m.rows_for("checked", "close")] == ["done", "dropped"]
    assert m.rows_for("done", "close") == [] and m.terminal == {"done", "dropped"}


@pytest.mark.parametrize("changes, problem", [
    (dict(transitions=_with_row(0, target="chekced")), "unknown target state"),
    (dict(transitions=_with_row(0, source="opne")), "unknown source state"),
    (dict(transitions=_with_row(0, guards=("signd",))), "unknown guard"),
    (dict(transitions=_with_row(0, effects=("stmp",))), "unknown effect"),
    (dict(transitions=_with_row(0, roles=frozenset({"clerk", "janitor"}))), "unknown or no roles"),
    (dict(transitions=_with_row(0, roles=frozenset())), "unknown or no roles"),
    (dict(transitions=_with_row(0, holder="nobody_knows")), "unknown holder rule"),
    (dict(transitions=_with_row(1, when="urgnet")), "unknown branch condition"),
    (dict(transitions=_with_row(0, inputs=("colour",))), "unknown input"),
    (dict(transitions=_with_row(0, flow="other")), "belongs to"),
    (dict(transitions=_with_row(0, target=PREVIOUS)), "without a 'previous' rule"),
    (dict(transitions=_with_row(1, when=None)), "branch order"),
    (dict(transitions=_with_row(2, when="urgent")), "branch order"),
    (dict(transitions=GOOD["transitions"] + (transition("m", "done", "reopen", "open", "boss"),)), "terminal"),
    (dict(states=STATES + (state("lost", "x.lost", "boss"),)), "unreachable states ['lost']"),
    (dict(transitions=GOOD["transitions"][:1] + GOOD["transitions"][3:]), "unreachable"),
    (dict(states=STATES + (state("limbo", "x.limbo"),),
          transitions=GOOD["transitions"] + (transition("m", "open", "park", "limbo", "clerk"),)), "dead end"),
    (dict(states=STATES + (STATES[0],)), "declared twice"),
    (dict(initial="start"), "unknown initial state"),
    (dict(states=(state("open", "", "clerk"),) + STATES[1:]), "no label key"),
    (dict(states=(state("open", "x.open", "janitor"),) + STATES[1:]), "unknown holder role"),
    (dict(states=(state("open", "x.open", stage="halfway"),) + STATES[1:]), "unknown funnel stage"),
    (dict(payload_guards=frozenset({"signd"})), "unknown payload guard"),
], ids=["target", "source", "guard", "effect", "role", "no-role", "holder", "when", "input", "flow", "previous",
        "default-first", "no-default", "exit-from-terminal", "unreachable", "unreachable-after-removal",
        "dead-end", "duplicate-state", "initial", "label", "holder-role", "stage", "payload-guard"])
def test_a_malformed_machine_raises_a_definition_error(changes, problem):
    with pytest.raises(MachineDefinitionError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        build(**changes)


def test_a_wildcard_source_reaches_from_every_live_state():
    rows = GOOD["transitions"][:1] + (transition("m", ANY, "drop", "dropped", ROLES),
                                      transition("m", "checked", "close", "done", "boss"))
    m = build(transitions=rows)
    assert m.rows_for("checked", "drop")[0].source == ANY and m.rows_for("done", "drop") == []


def test_a_rule_registered_twice_is_refused():
    rules = _rules()
    with pytest.raises(MachineDefinitionError):
        rules.guard("signed")(lambda r, f, a, p, d: None)


def test_two_machines_with_one_name_are_refused():
    with pytest.raises(MachineDefinitionError):
        _registry((build(), build()))


def test_the_checks_hold_under_python_dash_o_where_asserts_vanish():
    probe = ("from tests.unit.test_machine_definitions import build, _with_row\n"
             "from core.machines.spec import MachineDefinitionError\n"
             "try:\n    build(transitions=_with_row(0, guards=('typo',)))\nexcept MachineDefinitionError:\n"
             "    print('refused')\n")
    out = subprocess.run([sys.executable, "-O", "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "refused"


# --- the machines the engine runs ----------------------------------------------------------------

def test_the_engine_runs_the_declaration_flows_and_the_record_machines():
    assert set(MACHINES) == {"review", "initial_determination", "publicity_batch", "authority_filing",
                             "report_path", "unit_binding", "unit_registration", "unit_link", "objection",
                             "calendar_year", "panel_session", "review_group"}


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_every_state_label_and_action_label_is_in_the_catalogue_in_both_languages(name):
    m = MACHINES[name]
    keys = [s.label for s in m.states] + [f"{m.action_label}{t.action}" for t in m.transitions]
    missing = [k for k in keys if not (MESSAGES.get(k, {}).get("zh") and MESSAGES.get(k, {}).get("en"))]
    assert missing == []


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_every_refusal_names_an_action_of_its_machine_and_a_catalogued_message(name):
    m = MACHINES[name]
    for action, (error_class, key) in m.refusals.items():
        assert action in {t.action for t in m.transitions}
        assert key in MESSAGES


def test_workspaces_list_the_declaration_states_their_states_name():
    from core.desks.workspaces import WORKSPACES

    for flow in ("review", "initial_determination"):
        for s in MACHINES[flow].states:
            listed = {w.id for w in WORKSPACES if s.name in w.states}
            assert listed == ({s.workspace} if s.workspace else set()), (flow, s.name)


def test_every_workspace_a_state_names_exists():
    from core.desks.workspaces import WORKSPACES

    known = {w.id for w in WORKSPACES}
    named = {(m.name, s.name, s.workspace) for m in MACHINES.values() for s in m.states if s.workspace}
    assert {n for n in named if n[2] not in known} == set()
