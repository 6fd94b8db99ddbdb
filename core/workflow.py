"""The one workflow engine: states, actions, actors and guards declared as data.

Every transition of a declaration goes through :func:`perform`. It checks the actor's role and
scope, picks the branch, runs the guards, computes state, holder and effects, and hands one
:class:`Change` to the store, which writes it with optimistic locking and exactly one audit event
in the caller's transaction. :func:`available_actions` lists what a user may do, for buttons.

This module imports neither streamlit nor sqlalchemy: data lives behind the :class:`Store` port
(core.workflow_store implements it), so the table and its rules are testable on their own.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from core.common.errors import ConcurrentChange, Forbidden, GuardFailed, InvalidAction, NotFound, ValidationError
from core.declaring.pledge import pledge_matches

REVIEW = "review"
INITIAL = "initial_determination"
FLOWS = (REVIEW, INITIAL)

REVIEW_STATES = (
    "draft", "unit_verify", "unit_publicity", "unit_recommend", "relay", "material_receipt",
    "policy_review", "failed_publicity", "supplement", "supplement_verify", "policy_recheck",
    "candidate_publicity", "panel_review", "result_publicity", "filing", "approved",
    "not_approved", "returned", "terminated", "cancelled",
)
INITIAL_STATES = ("draft", "unit_verify", "dept_review", "hr_review", "approved", "returned", "cancelled")
STATES = {REVIEW: REVIEW_STATES, INITIAL: INITIAL_STATES}
TERMINAL = frozenset({"approved", "not_approved", "terminated", "cancelled"})
APPLICANT_HELD = frozenset({"draft", "returned", "supplement"})

ROLES = (
    "applicant", "unit_admin", "unit_operator", "dept_operator", "hr_operator", "committee_operator",
    "policy_reviewer", "expert", "group_leader", "chair", "vice_chair", "committee_member",
)
OPERATORS = frozenset({"unit_operator", "dept_operator", "hr_operator", "committee_operator"})
RELAY_OPERATORS = frozenset({"dept_operator", "hr_operator"})

ANY = "*"          # source wildcard: any non-terminal state
PREVIOUS = "<previous>"  # target of withdraw: the state before the withdrawn step


@dataclass(frozen=True)
class Actor:
    """Who acts: one account in one chosen context (role at a unit, plus reviewer scope)."""

    account_id: int
    role: str
    unit_id: int | None = None
    person_id: int | None = None
    committee_id: int | None = None
    year: int | None = None
    series_codes: tuple[str, ...] = ()
    specialty_codes: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class Change:
    """One transition to write: new state, holder and columns, plus the event's content."""

    declaration_id: int
    expected_version: int
    action: str
    from_state: str
    to_state: str
    from_holder_unit_id: int | None
    to_holder_unit_id: int | None
    columns: dict[str, Any]
    comment: str | None
    detail: dict[str, Any]


class Store(Protocol):
    facts: Facts

    def load(self, declaration_id: int) -> Snapshot | None: ...
    def apply(self, actor: Actor, change: Change, now: dt.datetime) -> int: ...


@dataclass(frozen=True)
class Transition:
    flow: str
    source: str
    action: str
    target: str
    roles: frozenset[str]
    holder: str = "same"
    guards: tuple[str, ...] = ()
    when: str | None = None
    needs_reason: bool = False
    inputs: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    withdrawable: bool = False
    confirm: bool = True


def _t(flow: str, source: str, action: str, target: str, roles: Any, **kw: Any) -> Transition:
    role_set = frozenset({roles}) if isinstance(roles, str) else frozenset(roles)
    return Transition(flow, source, action, target, role_set, **kw)


R, I = REVIEW, INITIAL
# Which operators hold a declaration in each state (for return and terminate).
HOLDER_OPERATORS = {
    "unit_verify": "unit_operator", "unit_publicity": "unit_operator", "unit_recommend": "unit_operator",
    "relay": RELAY_OPERATORS, "material_receipt": "committee_operator",
    "candidate_publicity": "committee_operator", "result_publicity": "committee_operator",
}
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
_RESTORABLE = ("relay_route", "committee_id", "review_type", "is_supplement")

_BY_KEY: dict[tuple[str, str, str], list[Transition]] = {}
_BY_FLOW: dict[str, list[Transition]] = {f: [] for f in FLOWS}
for _tr in TRANSITIONS:
    _BY_KEY.setdefault((_tr.flow, _tr.source, _tr.action), []).append(_tr)
    _BY_FLOW[_tr.flow].append(_tr)


def _validate_table() -> None:
    """Fail at import time on a malformed table: unknown names, dead ends, unreachable states."""
    for t in TRANSITIONS:
        assert t.flow in FLOWS, t
        assert t.source == ANY or t.source in STATES[t.flow], t
        assert t.target == PREVIOUS or t.target in STATES[t.flow], t
        assert t.roles <= set(ROLES), t
        assert t.holder in HOLDERS or t.holder == "previous", t
        assert all(g in GUARDS for g in t.guards), t
        assert t.when is None or t.when in WHEN, t
        assert all(e in EFFECTS for e in t.effects) and all(i in INPUT_CHECKS for i in t.inputs), t
    for key, rows in _BY_KEY.items():
        assert all(r.when for r in rows[:-1]) and rows[-1].when is None, f"branch order of {key}"
    for flow in FLOWS:
        reached, frontier = {"draft"}, ["draft"]
        while frontier:
            state = frontier.pop()
            for t in _BY_FLOW[flow]:
                if t.source == state and t.target not in reached and t.target != PREVIOUS:
                    reached.add(t.target)
                    frontier.append(t.target)
        assert reached == set(STATES[flow]), f"{flow}: unreachable {set(STATES[flow]) - reached}"
        for state in set(STATES[flow]) - TERMINAL:
            assert any(t.source == state and t.action != "save" for t in _BY_FLOW[flow]), f"dead end {state}"


_validate_table()


def rows_for(flow: str, state: str, action: str) -> list[Transition]:
    """The table rows for an action in a state (several when branches differ by ``when``)."""
    if action == "withdraw":
        return [] if state in TERMINAL else _BY_KEY.get((flow, ANY, "withdraw"), [])
    return _BY_KEY.get((flow, state, action), [])


def actions_from(flow: str, state: str) -> list[str]:
    """Every action the table declares for a state, in table order (withdraw last)."""
    names = [t.action for t in _BY_FLOW[flow] if t.source == state]
    if state not in TERMINAL:
        names.append("withdraw")
    return list(dict.fromkeys(names))


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


@dataclass(frozen=True)
class Option:
    """An action a user may take now; ``blocked`` lists why it would fail (guard messages)."""

    action: str
    target: str
    needs_reason: bool
    inputs: tuple[str, ...]
    confirm: bool
    blocked: tuple[str, ...] = field(default=())


def available_actions(store: Store, actor: Actor, declaration_id: int, today: dt.date) -> list[Option]:
    """The actions this actor may take on this declaration now, for pages to show buttons."""
    s = store.load(declaration_id)
    if s is None:
        return []
    scoped = in_scope(actor, s, store.facts)
    options = []
    for action in actions_from(s.flow, s.state):
        rows = [t for t in rows_for(s.flow, s.state, action) if actor.role in t.roles]
        if not rows or (action != "withdraw" and not scoped):
            continue
        row = _pick_branch(rows, s, store.facts)
        problems = _guard_problems(row, s, store.facts, actor, {}, today, listing=True)
        if action == "withdraw" and problems:
            continue
        options.append(Option(action, row.target, row.needs_reason, row.inputs, row.confirm, tuple(problems)))
    return options


def _candidates(role: str, flow: str, state: str) -> list[tuple[str, list[Transition]]]:
    """The actions of a state whose rows admit this role, with those rows (the table, read once)."""
    found = []
    for action in actions_from(flow, state):
        rows = [t for t in rows_for(flow, state, action) if role in t.roles]
        if rows:
            found.append((action, rows))
    return found


def available_actions_for_page(store: Store, actor: Actor, snapshots: list[Snapshot],
                               today: dt.date) -> dict[int, list[Option]]:
    """:func:`available_actions` for a whole page of snapshots at once, by id, with the same options.

    The table and the role are read once per (flow, state); scope is checked only for rows with an
    action besides withdraw; branches and guards run only for the actions a row may take. The
    store's facts may answer a page's questions in bulk (core.workflow_store.PageFacts).
    """
    groups: dict[tuple[str, str], list[tuple[str, list[Transition]]]] = {}
    result: dict[int, list[Option]] = {}
    for s in snapshots:
        candidates = groups.get((s.flow, s.state))
        if candidates is None:
            candidates = groups[(s.flow, s.state)] = _candidates(actor.role, s.flow, s.state)
        scoped = any(a != "withdraw" for a, _ in candidates) and in_scope(actor, s, store.facts)
        options = []
        for action, rows in candidates:
            if action != "withdraw" and not scoped:
                continue
            row = _pick_branch(rows, s, store.facts)
            problems = _guard_problems(row, s, store.facts, actor, {}, today, listing=True)
            if action == "withdraw" and problems:
                continue
            options.append(Option(action, row.target, row.needs_reason, row.inputs, row.confirm, tuple(problems)))
        result[s.id] = options
    return result


def _pick_branch(rows: list[Transition], s: Snapshot, facts: Facts) -> Transition:
    for row in rows:
        if row.when is None or WHEN[row.when](s, facts):
            return row
    return rows[-1]


PAYLOAD_GUARDS = frozenset({"committee_authorized", "pledge"})


def _guard_problems(row: Transition, s: Snapshot, facts: Facts, actor: Actor, payload: dict,
                    today: dt.date, *, listing: bool = False) -> list[str]:
    """Every failing guard's message; when listing options, guards on typed input are skipped."""
    problems: list[str] = []
    for name in row.guards:
        if listing and name in PAYLOAD_GUARDS:
            continue
        result = GUARDS[name](s, facts, actor, payload, today)
        if result:
            problems.extend(result if isinstance(result, list) else [result])
    return problems


def _check_inputs(row: Transition, payload: dict) -> str | None:
    reason = (payload.get("reason") or "").strip()
    if row.needs_reason and not reason:
        raise ValidationError("error.reason_required")
    if len(reason) > MAX_REASON:
        raise ValidationError("error.reason_too_long", max=MAX_REASON)
    missing = [name for name in row.inputs if not INPUT_CHECKS[name](payload.get(name))]
    if missing:
        raise ValidationError("error.inputs_missing", details=[f"input.{m}" for m in missing])
    return reason or (payload.get("opinion") or "").strip() or None


def perform(store: Store, actor: Actor, declaration_id: int, action: str, payload: dict | None = None,
            *, expected_version: int | None = None, now: dt.datetime, today: dt.date | None = None) -> int:
    """Perform one action; return the new version. Raises a DomainError with a clear message.

    Caller owns the transaction: on any error nothing is written; on success the store has
    written the new state, holder and columns and exactly one audit event.
    """
    payload = dict(payload or {})
    today = today or now.date()
    s = store.load(declaration_id)
    if s is None:
        raise NotFound()
    if not in_scope(actor, s, store.facts) and not (action == "withdraw" and _was_last_actor(actor, s, store.facts)):
        if _saw_it_before(actor, s, store.facts, expected_version):
            raise ConcurrentChange()  # it left the actor's unit since the page was shown
        raise NotFound()
    if expected_version is not None and expected_version != s.version:
        raise ConcurrentChange()  # before the state checks: a stale page is told it moved, not "invalid"
    rows = rows_for(s.flow, s.state, action)
    if not rows:
        raise InvalidAction("error.invalid_action", state=f"state.{s.state}", action=f"action.{action}")
    rows = [r for r in rows if actor.role in r.roles]
    if not rows:
        raise Forbidden("error.role_not_allowed", action=f"action.{action}")
    row = _pick_branch(rows, s, store.facts)
    comment = _check_inputs(row, payload)
    problems = _guard_problems(row, s, store.facts, actor, payload, today)
    if problems:
        raise GuardFailed("error.guard_failed", details=problems, action=f"action.{action}")
    change = _build_change(row, s, store.facts, payload, comment, now)
    return store.apply(actor, change, now)


def _build_change(row: Transition, s: Snapshot, facts: Facts, payload: dict, comment: str | None,
                  now: dt.datetime) -> Change:
    columns: dict[str, Any] = {}
    for effect in row.effects:
        columns.update(EFFECTS[effect](s, facts, payload, now))
    detail: dict[str, Any] = {k: payload[k] for k in row.inputs if k in payload and k != "pledge"}
    if row.target == PREVIOUS:
        step = facts.last_step(s)
        assert step is not None
        target, holder = step.from_state, step.from_holder_unit_id
        columns.update(step.restore)
    else:
        target, holder = row.target, HOLDERS[row.holder](s, facts, payload, columns)
        restorable = {k: getattr(s, k) for k in columns if k in _RESTORABLE}
        if restorable and row.withdrawable:
            detail["restore"] = {k: list(v) if isinstance(v, tuple) else v for k, v in restorable.items()}
    return Change(s.id, s.version, row.action, s.state, target, s.holder_unit_id, holder, columns, comment, detail)


def replay(events: list[tuple[str, str, str]], flow: str = REVIEW) -> str:
    """Fold (action, from, to) events from draft; raises if an event is not a legal move."""
    state, previous = "draft", None
    for action, source, target in events:
        if source != state:
            raise ValueError(f"event from {source} but declaration was in {state}")
        legal = rows_for(flow, source, action)
        if action == "withdraw":  # back exactly one withdrawable step
            ok = bool(legal) and previous is not None and _withdrawable_move(flow, *previous) \
                and previous[1] == target
        else:
            ok = any(r.target == target for r in legal)
        if not ok:
            raise ValueError(f"illegal event {action}: {source} -> {target}")
        state, previous = target, (action, source, target)
    return state
