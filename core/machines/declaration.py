"""The declaration's two machines (review and initial determination), declared as data.

States carry their label key, funnel stage, holder roles and workspace; the transition table is
the one in docs/workflow.md (tests/unit/test_workflow_table.py reads it aloud). Guards, branch
conditions, holder rules and effects are named and registered here; the engine (core.workflow)
runs them, the store (core.workflow_store) answers the guards' questions over the database.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from core.common.errors import ConcurrentChange, NotFound
from core.machines.pledge import pledge_matches
from core.machines.spec import ANY, PREVIOUS, Actor, Machine, Rules, State, Transition, state, transition

REVIEW = "review"
INITIAL = "initial_determination"
FLOWS = (REVIEW, INITIAL)

ROLES = (
    "applicant", "unit_admin", "unit_operator", "dept_operator", "hr_operator", "committee_operator",
    "policy_reviewer", "expert", "group_leader", "chair", "vice_chair", "committee_member",
)
OPERATORS = frozenset({"unit_operator", "dept_operator", "hr_operator", "committee_operator"})
RELAY_OPERATORS = frozenset({"dept_operator", "hr_operator"})
APPLICANT = "applicant"
UNIT_OP, COMMITTEE_OP, REVIEWER = "unit_operator", "committee_operator", "policy_reviewer"


def _s(name: str, holder: Any = (), **kw: Any) -> State:
    return state(name, f"state.{name}", holder, **kw)


# Funnel stages of each flow, in order; a state's stage is the furthest one it proves was reached
# (a returned declaration was submitted, a terminated one reached at least the relay).
REVIEW_STAGES = ("submitted", "unit_recommended", "committee_received", "policy_passed", "panel_reviewed",
                 "approved")
INITIAL_STAGES = ("submitted", "unit_approved", "hr_review", "approved")
_SUB, _REC, _RCV, _POL, _PAN = REVIEW_STAGES[:5]
_HOLDS = "my_declarations"  # the applicant's workspace

REVIEW_STATE_DEFS: tuple[State, ...] = (
    _s("draft", APPLICANT, workspace=_HOLDS),
    _s("unit_verify", UNIT_OP, stage=_SUB, workspace="unit_verify"),
    _s("unit_publicity", UNIT_OP, stage=_SUB, workspace="unit_publicity"),
    _s("unit_recommend", UNIT_OP, stage=_SUB, workspace="unit_recommend"),
    _s("relay", RELAY_OPERATORS, stage=_REC, workspace="relay"),
    _s("material_receipt", COMMITTEE_OP, stage=_RCV, workspace="material_receipt"),
    _s("policy_review", REVIEWER, stage=_RCV, workspace="policy_review"),
    _s("failed_publicity", COMMITTEE_OP, stage=_RCV, workspace="committee_publicity"),
    _s("supplement", APPLICANT, stage=_RCV, workspace=_HOLDS),
    _s("supplement_verify", UNIT_OP, stage=_RCV, workspace="unit_verify"),
    _s("policy_recheck", REVIEWER, stage=_RCV, workspace="policy_review"),
    _s("candidate_publicity", COMMITTEE_OP, stage=_POL, workspace="committee_publicity"),
    _s("panel_review", {"chair", COMMITTEE_OP}, stage=_POL),
    _s("result_publicity", COMMITTEE_OP, stage=_PAN, workspace="committee_publicity"),
    _s("filing", {COMMITTEE_OP, "hr_operator"}, stage=_PAN, workspace="filing"),
    _s("approved", stage="approved", terminal=True),
    _s("not_approved", stage=_PAN, terminal=True),
    _s("returned", APPLICANT, stage=_SUB, workspace=_HOLDS),
    _s("terminated", stage=_REC, terminal=True),
    _s("cancelled", terminal=True),
)
INITIAL_STATE_DEFS: tuple[State, ...] = (
    _s("draft", APPLICANT, workspace=_HOLDS),
    _s("unit_verify", UNIT_OP, stage="submitted", workspace="unit_verify"),
    _s("dept_review", "dept_operator", stage="unit_approved", workspace="relay"),
    _s("hr_review", "hr_operator", stage="hr_review", workspace="relay"),
    _s("approved", stage="approved", terminal=True),
    _s("returned", APPLICANT, stage="submitted", workspace=_HOLDS),
    _s("cancelled", terminal=True),
)
STATE_DEFS = {REVIEW: REVIEW_STATE_DEFS, INITIAL: INITIAL_STATE_DEFS}
REVIEW_STATES = tuple(s.name for s in REVIEW_STATE_DEFS)
INITIAL_STATES = tuple(s.name for s in INITIAL_STATE_DEFS)
STATES = {REVIEW: REVIEW_STATES, INITIAL: INITIAL_STATES}
TERMINAL = frozenset(s.name for defs in STATE_DEFS.values() for s in defs if s.terminal)
APPLICANT_HELD = frozenset(s.name for defs in STATE_DEFS.values() for s in defs if s.holder == {APPLICANT})


@dataclass(frozen=True)
class Snapshot:
    """What the engine needs to know about a declaration."""

    id: int
    flow: str
    state: str
    version: int
    applicant_person_id: int
    unit_id: int
    holder_unit_id: int | None
    year: int
    series_code: str
    level_code: str
    specialty_code: str | None
    committee_id: int | None
    relay_route: tuple[int, ...] = ()
    is_supplement: bool = False
    review_type: str | None = None


@dataclass(frozen=True)
class LastStep:
    """The latest transition event of a declaration (for withdraw)."""

    action: str
    from_state: str
    to_state: str
    from_holder_unit_id: int | None
    to_holder_unit_id: int | None
    account_id: int | None
    role: str | None
    unit_id: int | None
    restore: dict = field(default_factory=dict)  # columns the step's effects overwrote


class Facts(Protocol):
    """Read-only questions guards and holder rules ask; implemented over the database."""

    def missing_items(self, s: Snapshot) -> list[str]: ...
    def has_other_active(self, s: Snapshot) -> bool: ...
    def committee_open(self, s: Snapshot) -> bool: ...
    def applicant_bound(self, s: Snapshot) -> bool: ...
    def publicity_ended(self, s: Snapshot, kind: str, today: dt.date) -> bool: ...
    def has_open_objection(self, s: Snapshot) -> bool: ...
    def relay_route(self, s: Snapshot) -> tuple[int, ...]: ...
    def initial_route(self, s: Snapshot) -> tuple[int, ...]: ...
    def own_committee(self, s: Snapshot) -> int | None: ...
    def committee_authorized(self, committee_id: int, s: Snapshot) -> bool: ...
    def committee_organizer(self, committee_id: int) -> int | None: ...
    def committee_region(self, committee_id: int) -> int | None: ...
    def unit_kind(self, unit_id: int) -> str | None: ...
    def tally(self, s: Snapshot) -> bool | None: ...
    def is_session_chair(self, actor: Actor, s: Snapshot) -> bool: ...
    def has_supplement(self, s: Snapshot) -> bool: ...
    def has_attachment(self, s: Snapshot, purpose: str) -> bool: ...
    def last_step(self, s: Snapshot) -> LastStep | None: ...
    def held_before(self, s: Snapshot, unit_id: int) -> bool: ...


_t = transition
R, I = REVIEW, INITIAL
_BY_STATE = {s.name: s for s in REVIEW_STATE_DEFS}
# Which operators hold a declaration in each state (for return and terminate): the state's holder.
HOLDER_OPERATORS = {name: _BY_STATE[name].holder for name in (
    "unit_verify", "unit_publicity", "unit_recommend", "relay", "material_receipt", "candidate_publicity",
    "result_publicity")}
_RETURNABLE = ("unit_verify", "unit_publicity", "unit_recommend", "relay", "material_receipt")

TRANSITIONS: tuple[Transition, ...] = (
    # --- applicant: declare, cancel, resubmit ---------------------------------------------------
    *(_t(f, "draft", "save", "draft", "applicant", confirm=False) for f in FLOWS),
    _t(R, "draft", "submit", "unit_verify", "applicant", holder="unit",
       guards=("bound", "complete", "committee_open", "single_active", "pledge"), inputs=("pledge",),
       effects=("stamp_submitted",)),
    _t(I, "draft", "submit", "unit_verify", "applicant", holder="unit",
       guards=("bound", "complete", "single_active", "pledge"), inputs=("pledge",),
       effects=("stamp_submitted",)),
    *(_t(f, s, "cancel", "cancelled", "applicant", holder="none")
      for f in FLOWS for s in ("draft", "returned", "supplement") if s in STATES[f]),
    _t(R, "returned", "resubmit", "unit_verify", "applicant", holder="unit",
       guards=("complete", "committee_open", "pledge"), inputs=("pledge",), effects=("clear_supplement",)),
    _t(I, "returned", "resubmit", "unit_verify", "applicant", holder="unit",
       guards=("complete", "pledge"), inputs=("pledge",)),
    _t(R, "supplement", "resubmit", "supplement_verify", "applicant", holder="unit",
       guards=("has_supplement", "complete"), effects=("mark_supplement",)),
    # --- unit: verification, publicity, recommendation ------------------------------------------
    _t(R, "unit_verify", "approve", "unit_publicity", "unit_operator", withdrawable=True),
    _t(R, "unit_verify", "reject", "returned", "unit_operator", holder="none", needs_reason=True),
    _t(R, "unit_publicity", "complete_publicity", "unit_recommend", "unit_operator",
       guards=("unit_publicity_ended", "no_open_objection"), withdrawable=True),
    _t(R, "unit_recommend", "recommend", "relay", "unit_operator", holder="first_hop",
       guards=("route_exists", "unit_proof"), inputs=("operator_name", "operator_phone"),
       effects=("set_route",), withdrawable=True),
    _t(R, "unit_recommend", "assign_own_committee", "material_receipt", "unit_operator",
       holder="own_committee", guards=("own_committee",), effects=("set_own_committee",), withdrawable=True),
    # --- relay up the chain ---------------------------------------------------------------------
    _t(R, "relay", "approve", "relay", RELAY_OPERATORS, holder="next_hop", guards=("not_top_hop",),
       withdrawable=True),
    _t(R, "relay", "assign_committee", "material_receipt", "hr_operator", holder="committee",
       guards=("top_hop", "committee_authorized"), inputs=("committee_id",), effects=("set_committee",),
       withdrawable=True),
    _t(R, "relay", "reject", "unit_recommend", RELAY_OPERATORS, holder="unit", when="at_first_hop",
       needs_reason=True),
    _t(R, "relay", "reject", "relay", RELAY_OPERATORS, holder="previous_hop", needs_reason=True),
    *(_t(R, s, "return_to_applicant", "returned", HOLDER_OPERATORS[s], holder="none", needs_reason=True)
      for s in _RETURNABLE),
    *(_t(R, s, "terminate", "terminated", HOLDER_OPERATORS[s], holder="none", needs_reason=True)
      for s in ("relay", "material_receipt", "unit_publicity", "candidate_publicity", "result_publicity")),
    # --- committee: material receipt, policy review ---------------------------------------------
    _t(R, "material_receipt", "accept", "policy_review", "committee_operator", withdrawable=True),
    _t(R, "material_receipt", "refuse", "unit_recommend", "committee_operator", holder="unit",
       when="self_assigned", needs_reason=True),
    _t(R, "material_receipt", "refuse", "relay", "committee_operator", holder="top_hop", needs_reason=True),
    _t(R, "policy_review", "initial_review", "policy_review", "policy_reviewer", inputs=("result",),
       confirm=False),
    _t(R, "policy_review", "recheck_pass", "candidate_publicity", "policy_reviewer", withdrawable=True),
    _t(R, "policy_review", "recheck_fail", "failed_publicity", "policy_reviewer", needs_reason=True,
       withdrawable=True),
    _t(R, "failed_publicity", "complete_publicity", "supplement", {"committee_operator", "policy_reviewer"},
       holder="none", guards=("failed_publicity_ended",)),
    _t(R, "supplement_verify", "approve", "policy_recheck", "unit_operator", holder="committee",
       withdrawable=True),
    _t(R, "supplement_verify", "reject", "supplement", "unit_operator", holder="none", needs_reason=True),
    _t(R, "policy_recheck", "pass", "candidate_publicity", "policy_reviewer", withdrawable=True),
    _t(R, "policy_recheck", "fail", "terminated", "policy_reviewer", holder="none", needs_reason=True),
    _t(R, "candidate_publicity", "complete_publicity", "panel_review", {"committee_operator", "policy_reviewer"},
       guards=("candidate_publicity_ended",)),
    # --- panel, results, filing -----------------------------------------------------------------
    _t(R, "panel_review", "tally", "result_publicity", {"chair", "committee_operator"}, when="tally_passed",
       guards=("tallied",)),
    _t(R, "panel_review", "tally", "not_approved", {"chair", "committee_operator"}, holder="none",
       guards=("tallied",)),
    _t(R, "result_publicity", "complete_publicity", "filing", "committee_operator",
       guards=("result_publicity_ended", "no_open_objection")),
    _t(R, "filing", "submit_filing", "filing", "committee_operator", holder="committee_region",
       withdrawable=True),
    _t(R, "filing", "filing_approved", "approved", "hr_operator", holder="none"),
    _t(R, "filing", "filing_rejected", "filing", "hr_operator", holder="committee", needs_reason=True),
    # --- initial determination (职称初定, 004 ch.2) ---------------------------------------------
    _t(I, "unit_verify", "approve", "dept_review", "unit_operator", holder="first_hop",
       when="route_starts_at_department", guards=("initial_route_exists",), effects=("set_initial_route",),
       withdrawable=True),
    _t(I, "unit_verify", "approve", "hr_review", "unit_operator", holder="first_hop",
       guards=("initial_route_exists",), effects=("set_initial_route",), withdrawable=True),
    _t(I, "unit_verify", "reject", "returned", "unit_operator", holder="none", needs_reason=True),
    _t(I, "dept_review", "approve", "hr_review", "dept_operator", holder="top_hop", withdrawable=True),
    _t(I, "dept_review", "reject", "returned", "dept_operator", holder="none", needs_reason=True),
    _t(I, "hr_review", "approve", "approved", "hr_operator", holder="none"),
    _t(I, "hr_review", "reject", "returned", "hr_operator", holder="none", needs_reason=True),
    # --- withdraw (撤回材料 / 撤回结果): back one step while the new holder has not acted -------
    *(_t(f, ANY, "withdraw", PREVIOUS, ROLES, holder="previous", guards=("withdrawable",)) for f in FLOWS),
)


# --- guards: (snapshot, facts, actor, payload, today) -> error key or None; never side effects ---

GuardFn = Callable[[Snapshot, Facts, Actor, dict, dt.date], "str | list[str] | None"]


def _g_complete(s, f, a, p, today):
    return f.missing_items(s) or None


def _g_withdrawable(s, f, a, p, today):
    step = f.last_step(s)
    if step is None or not _is_withdrawable(s.flow, step):
        return "guard.nothing_to_withdraw"
    return None if _is_step_actor(step, a) else "guard.not_last_actor"


def _is_step_actor(step: LastStep, a: Actor) -> bool:
    """The same acting party: the same account for personal roles, the same unit for operators."""
    if step.role != a.role:
        return False
    if a.role in OPERATORS:
        return step.unit_id == a.unit_id
    return step.account_id == a.account_id


def _saw_it_before(a: Actor, s: Snapshot, f: Facts, expected_version: int | None) -> bool:
    """An operator whose unit held the declaration at an older version was shown it legitimately."""
    return (expected_version is not None and expected_version < s.version and a.role in OPERATORS
            and a.unit_id is not None and f.held_before(s, a.unit_id))


def _was_last_actor(a: Actor, s: Snapshot, f: Facts) -> bool:
    step = f.last_step(s)
    return step is not None and _is_step_actor(step, a)


def _is_withdrawable(flow: str, step: LastStep) -> bool:
    return _withdrawable_move(flow, step.action, step.from_state, step.to_state)


def _withdrawable_move(flow: str, action: str, source: str, target: str) -> bool:
    return any(t.withdrawable and t.action == action and t.source == source and t.target == target
               for t in _BY_FLOW[flow])


def _hop_index(s: Snapshot) -> int:
    return s.relay_route.index(s.holder_unit_id) if s.holder_unit_id in s.relay_route else -1


GUARDS: dict[str, GuardFn] = {
    "bound": lambda s, f, a, p, d: None if f.applicant_bound(s) else "guard.not_bound",
    "complete": _g_complete,
    "committee_open": lambda s, f, a, p, d: None if f.committee_open(s) else "guard.committee_not_open",
    "single_active": lambda s, f, a, p, d: "guard.other_active" if f.has_other_active(s) else None,
    "has_supplement": lambda s, f, a, p, d: None if f.has_supplement(s) else "guard.no_supplement",
    "unit_publicity_ended": lambda s, f, a, p, d: None if f.publicity_ended(s, "unit", d) else "guard.publicity_running",
    "failed_publicity_ended": lambda s, f, a, p, d: None if f.publicity_ended(s, "failed_review", d) else "guard.publicity_running",
    "candidate_publicity_ended": lambda s, f, a, p, d: None if f.publicity_ended(s, "candidate", d) else "guard.publicity_running",
    "result_publicity_ended": lambda s, f, a, p, d: None if f.publicity_ended(s, "result", d) else "guard.publicity_running",
    "no_open_objection": lambda s, f, a, p, d: "guard.open_objection" if f.has_open_objection(s) else None,
    "route_exists": lambda s, f, a, p, d: None if f.relay_route(s) else "guard.no_route",
    "initial_route_exists": lambda s, f, a, p, d: None if f.initial_route(s) else "guard.no_route",
    "unit_proof": lambda s, f, a, p, d: None if f.has_attachment(s, "unit_proof") else "guard.no_unit_proof",
    "own_committee": lambda s, f, a, p, d: None if f.own_committee(s) else "guard.no_own_committee",
    "not_top_hop": lambda s, f, a, p, d: "guard.top_must_assign" if _hop_index(s) == len(s.relay_route) - 1 else None,
    "top_hop": lambda s, f, a, p, d: None if s.relay_route and _hop_index(s) == len(s.relay_route) - 1 else "guard.not_top_hop",
    "committee_authorized": lambda s, f, a, p, d: None if f.committee_authorized(int(p["committee_id"]), s) else "guard.committee_not_authorized",
    "tallied": lambda s, f, a, p, d: None if f.tally(s) is not None else "guard.not_tallied",
    "withdrawable": _g_withdrawable,
    "pledge": lambda s, f, a, p, d: None if pledge_matches(p.get("pledge")) else "guard.pledge_mismatch",
}

WHEN: dict[str, Callable[[Snapshot, Facts], bool]] = {
    "at_first_hop": lambda s, f: _hop_index(s) <= 0,
    "self_assigned": lambda s, f: not s.relay_route,
    "tally_passed": lambda s, f: f.tally(s) is True,
    "route_starts_at_department": lambda s, f: bool(f.initial_route(s)) and f.unit_kind(f.initial_route(s)[0]) == "department",
}

# --- holder rules: who acts next (a unit id, or None when the applicant or nobody holds it) ---

HolderFn = Callable[[Snapshot, Facts, dict, dict], "int | None"]


def _route_of(s: Snapshot, cols: dict) -> tuple[int, ...]:
    return tuple(cols.get("relay_route", s.relay_route))


HOLDERS: dict[str, HolderFn] = {
    "same": lambda s, f, p, c: s.holder_unit_id,
    "none": lambda s, f, p, c: None,
    "unit": lambda s, f, p, c: s.unit_id,
    "first_hop": lambda s, f, p, c: _route_of(s, c)[0],
    "next_hop": lambda s, f, p, c: s.relay_route[_hop_index(s) + 1],
    "previous_hop": lambda s, f, p, c: s.relay_route[_hop_index(s) - 1],
    "top_hop": lambda s, f, p, c: _route_of(s, c)[-1],
    "committee": lambda s, f, p, c: f.committee_organizer(c.get("committee_id", s.committee_id)),
    "own_committee": lambda s, f, p, c: f.committee_organizer(c["committee_id"]),
    "committee_region": lambda s, f, p, c: f.committee_region(s.committee_id),
}

# --- effects: further columns a transition sets ---------------------------------------------

EffectFn = Callable[[Snapshot, Facts, dict, dt.datetime], dict]

EFFECTS: dict[str, EffectFn] = {
    "stamp_submitted": lambda s, f, p, now: {"submitted_at": now},
    "set_route": lambda s, f, p, now: {"relay_route": list(f.relay_route(s))},
    "set_initial_route": lambda s, f, p, now: {"relay_route": list(f.initial_route(s))},
    "set_committee": lambda s, f, p, now: {"committee_id": int(p["committee_id"])},
    "set_own_committee": lambda s, f, p, now: {"committee_id": f.own_committee(s), "review_type": "self_review",
                                               "relay_route": []},
    "mark_supplement": lambda s, f, p, now: {"is_supplement": True},
    "clear_supplement": lambda s, f, p, now: {"is_supplement": False},
}

INPUT_CHECKS: dict[str, Callable[[Any], bool]] = {
    "pledge": lambda v: True,  # checked by the pledge guard, listed with the other problems
    "operator_name": lambda v: isinstance(v, str) and 1 <= len(v.strip()) <= 50,
    "operator_phone": lambda v: isinstance(v, str) and 5 <= len(v.strip()) <= 32,
    "committee_id": lambda v: isinstance(v, int) or (isinstance(v, str) and v.isdigit()),
    "result": lambda v: v in ("pass", "fail"),
}
MAX_REASON = 2000
PAYLOAD_GUARDS = frozenset({"committee_authorized", "pledge"})
_RESTORABLE = ("relay_route", "committee_id", "review_type", "is_supplement")

_BY_FLOW: dict[str, list[Transition]] = {f: [t for t in TRANSITIONS if t.flow == f] for f in FLOWS}


def in_scope(actor: Actor, s: Snapshot, facts: Facts) -> bool:
    """Whether the actor may act on this declaration at all, by role and unit scope."""
    if actor.role == "applicant":
        return actor.person_id is not None and actor.person_id == s.applicant_person_id
    if actor.role == "policy_reviewer":
        return (actor.committee_id == s.committee_id and actor.year == s.year
                and s.series_code in actor.series_codes
                and (not actor.specialty_codes or s.specialty_code in actor.specialty_codes))
    if actor.role == "chair":
        return facts.is_session_chair(actor, s)
    if actor.role in OPERATORS:
        return actor.unit_id is not None and actor.unit_id == s.holder_unit_id
    return False


def admit(actor: Actor, s: Snapshot, facts: Facts, action: str, expected_version: int | None) -> None:
    """In scope, or withdrawing one's own last step; one whose unit held it before is told it moved."""
    if in_scope(actor, s, facts) or (action == "withdraw" and _was_last_actor(actor, s, facts)):
        return
    if _saw_it_before(actor, s, facts, expected_version):
        raise ConcurrentChange()  # it left the actor's unit since the page was shown
    raise NotFound()


def previous(s: Snapshot, facts: Facts) -> tuple[str, int | None, dict]:
    """Where withdraw goes back to: the last step's source state and holder, and the columns to restore."""
    step = facts.last_step(s)
    if step is None:  # the withdrawable guard ran first and refused this
        raise NotFound()
    return step.from_state, step.from_holder_unit_id, step.restore


RULES = Rules(guards=GUARDS, when=WHEN, holders=HOLDERS, effects=EFFECTS, inputs=INPUT_CHECKS)


def _machine(flow: str, stages: tuple[str, ...]) -> Machine:
    return Machine(flow, STATE_DEFS[flow], "draft", tuple(_BY_FLOW[flow]), RULES, frozenset(ROLES), admit,
                   subject="declaration", stages=stages, payload_guards=PAYLOAD_GUARDS,
                   restorable=_RESTORABLE, previous=previous)


REVIEW_MACHINE = _machine(REVIEW, REVIEW_STAGES)
INITIAL_MACHINE = _machine(INITIAL, INITIAL_STAGES)
MACHINES = (REVIEW_MACHINE, INITIAL_MACHINE)
