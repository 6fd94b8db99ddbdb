"""The one workflow engine: every process with a status is a machine declared as data, run here.

A machine (core.machines.spec) declares states, transitions, named guards, holder rules and effects
for one kind of record: the declaration (its review and initial-determination flows), the publicity
batch, the review-authority filing, the reporting path, the person-to-unit binding, the unit
registration and the working-day calendar's year (core.machines). Every change of any of them goes
through :func:`perform`: it checks the actor's scope and role, picks the branch, runs the guards,
computes state, holder and effects, and hands one :class:`Change` to the store, which writes it with
optimistic locking and exactly one audit event in the caller's transaction.
:func:`available_actions` lists what a user may do, for buttons. Adding a machine: declare it in
core/machines/<name>.py, list it in ``core.machines.ALL``, and give the store an adapter
(core.workflow_store.ADAPTERS; ``key_column`` for a table not keyed by ``id``).

This module imports neither streamlit nor sqlalchemy: data lives behind the :class:`Store` port
(core.workflow_store implements it), so the tables and their rules are testable on their own.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.common.errors import ConcurrentChange, Forbidden, GuardFailed, InvalidAction, NotFound, ValidationError
from core.common.i18n import MESSAGES
from core.common.text import clean_text
from core.machines import ALL
from core.machines.declaration import (  # noqa: F401  (the declaration's table, re-exported for callers)
    APPLICANT_HELD, FLOWS, GUARDS, HOLDER_OPERATORS, INITIAL, INITIAL_STATES, MAX_REASON, OPERATORS,
    PAYLOAD_GUARDS, RELAY_OPERATORS, REVIEW, REVIEW_STATES, ROLES, STATES, TERMINAL, TRANSITIONS, Facts, LastStep,
    Snapshot, in_scope)
from core.machines.spec import (  # noqa: F401
    ANY, PREVIOUS, Actor, Machine, MachineDefinitionError, Record, State, Transition)


def _registry(machines: tuple[Machine, ...]) -> dict[str, Machine]:
    by_name: dict[str, Machine] = {}
    for m in machines:
        if m.name in by_name:
            raise MachineDefinitionError(f"two machines are named {m.name!r}")
        by_name[m.name] = m
    return by_name


MACHINES: dict[str, Machine] = _registry(ALL)


def machine(name: str) -> Machine:
    return MACHINES[name]


@dataclass(frozen=True)
class Change:
    """One transition to write: new state, holder and columns, plus the event's content."""

    flow: str
    record_id: int
    expected_version: int
    action: str
    from_state: str
    to_state: str
    from_holder_unit_id: int | None
    to_holder_unit_id: int | None
    columns: dict[str, Any]
    comment: str | None
    detail: dict[str, Any]

    @property
    def declaration_id(self) -> int:
        return self.record_id


class Store(Protocol):
    """Loads a record's snapshot (its ``flow`` names the machine) and writes a change."""

    facts: Any

    def load(self, record_id: int) -> Any: ...
    def apply(self, actor: Actor, change: Change, now: dt.datetime) -> int: ...


def rows_for(flow: str, state: str, action: str) -> list[Transition]:
    """The table rows for an action in a state (several when branches differ by ``when``)."""
    return MACHINES[flow].rows_for(state, action)


def actions_from(flow: str, state: str) -> list[str]:
    """Every action the table declares for a state, in table order (withdraw last)."""
    return MACHINES[flow].actions_from(state)


@dataclass(frozen=True)
class Option:
    """An action a user may take now; ``blocked`` lists why it would fail (guard messages)."""

    action: str
    target: str
    needs_reason: bool
    inputs: tuple[str, ...]
    confirm: bool
    blocked: tuple[str, ...] = field(default=())


def _admitted(m: Machine, actor: Actor, s: Any, facts: Any) -> bool:
    try:
        m.admit(actor, s, facts, "", None)
    except (NotFound, ConcurrentChange):
        return False
    return True


def available_actions(store: Store, actor: Actor, record_id: int, today: dt.date) -> list[Option]:
    """The actions this actor may take on this record now, for pages to show buttons."""
    s = store.load(record_id)
    if s is None:
        return []
    m = MACHINES[s.flow]
    return _options(m, _candidates(m, actor.role, s.state), s, store, actor, today)


def _candidates(m: Machine, role: str, state: str) -> list[tuple[str, list[Transition], bool]]:
    """The actions of a state whose rows admit this role, with those rows and whether they are the
    wildcard (withdraw, whose guard says who may): the table, read once per state."""
    found = []
    for action in m.actions_from(state):
        rows = [t for t in m.rows_for(state, action) if role in t.roles]
        if rows:
            found.append((action, rows, rows[0].source == ANY))
    return found


def _options(m: Machine, candidates: list[tuple[str, list[Transition], bool]], s: Any, store: Store,
             actor: Actor, today: dt.date) -> list[Option]:
    """The options of one record among its state's candidate actions: scope is asked only when an
    action besides the wildcard one could be offered; branches and guards only for what may be taken."""
    scoped = any(not wildcard for _, _, wildcard in candidates) and _admitted(m, actor, s, store.facts)
    options = []
    for action, rows, wildcard in candidates:
        if not wildcard and not scoped:
            continue
        row = _pick_branch(m, rows, s, store.facts)
        problems = _guard_problems(m, row, s, store.facts, actor, {}, today, listing=True)
        if wildcard and problems:
            continue
        options.append(Option(action, row.target, row.needs_reason, row.inputs, row.confirm, tuple(problems)))
    return options


def available_actions_for_page(store: Store, actor: Actor, snapshots: list[Any],
                               today: dt.date) -> dict[int, list[Option]]:
    """:func:`available_actions` for a whole page of snapshots at once, by id, with the same options.

    The table and the role are read once per (machine, state); the store's facts may answer a page's
    questions in bulk (core.declaring.page_facts.PageFacts).
    """
    groups: dict[tuple[str, str], list[tuple[str, list[Transition], bool]]] = {}
    result: dict[int, list[Option]] = {}
    for s in snapshots:
        m = MACHINES[s.flow]
        candidates = groups.get((s.flow, s.state))
        if candidates is None:
            candidates = groups[(s.flow, s.state)] = _candidates(m, actor.role, s.state)
        result[s.id] = _options(m, candidates, s, store, actor, today)
    return result


def _pick_branch(m: Machine, rows: list[Transition], s: Any, facts: Any) -> Transition:
    for row in rows:
        if row.when is None or m.rules.when[row.when](s, facts):
            return row
    return rows[-1]


def _guard_problems(m: Machine, row: Transition, s: Any, facts: Any, actor: Actor, payload: dict,
                    today: dt.date, *, listing: bool = False) -> list[str]:
    """Every failing guard's message; when listing options, guards on typed input are skipped."""
    problems: list[str] = []
    guards = m.rules.guards
    for name in row.guards:
        if listing and name in m.payload_guards:
            continue
        result = guards[name](s, facts, actor, payload, today)
        if result:
            problems.extend(result if isinstance(result, list) else [result])
    return problems


def _check_inputs(m: Machine, row: Transition, payload: dict) -> str | None:
    for name in ("reason", "opinion", *row.inputs):
        if isinstance(payload.get(name), str):
            label = "field.reason" if name in ("reason", "opinion") else f"input.{name}"
            clean_text(payload[name], label if label in MESSAGES else "field.input")
    reason = (payload.get("reason") or "").strip()
    if row.needs_reason and not reason:
        raise ValidationError("error.reason_required")
    if len(reason) > MAX_REASON:
        raise ValidationError("error.reason_too_long", max=MAX_REASON)
    checks = m.rules.inputs
    missing = [name for name in row.inputs if not checks[name](payload.get(name))]
    if missing:
        raise ValidationError("error.inputs_missing", details=[f"input.{n}" for n in missing])
    return reason or (payload.get("opinion") or "").strip() or None


def _refusal(m: Machine, s: Any, action: str) -> Exception:
    """The error for an action the record's state does not allow: the machine's own, or the generic one."""
    if action in m.refusals:
        error_class, key = m.refusals[action]
        return error_class(key)
    return InvalidAction("error.invalid_action", state=m.by_name[s.state].label, action=f"{m.action_label}{action}")


def check_may(store: Store, actor: Actor, record_id: int, action: str, today: dt.date,
              payload: dict | None = None) -> None:
    """Raise what :func:`perform` would raise for this action now, without writing anything."""
    _decide(store, actor, record_id, action, dict(payload or {}), None, today)


def _decide(store: Store, actor: Actor, record_id: int, action: str, payload: dict, expected_version: int | None,
            today: dt.date) -> tuple[Machine, Transition, Any, str | None]:
    """Scope, version, state, role, inputs and guards, in that order; returns the row that applies."""
    s = store.load(record_id)
    if s is None:
        raise NotFound()
    m = MACHINES[s.flow]
    m.admit(actor, s, store.facts, action, expected_version)
    if expected_version is not None and expected_version != s.version:
        raise ConcurrentChange()  # before the state checks: a stale page is told it moved, not "invalid"
    rows = m.rows_for(s.state, action)
    if not rows:
        raise _refusal(m, s, action)
    rows = [r for r in rows if actor.role in r.roles]
    if not rows:
        raise Forbidden("error.role_not_allowed", action=f"{m.action_label}{action}")
    row = _pick_branch(m, rows, s, store.facts)
    comment = _check_inputs(m, row, payload)
    problems = _guard_problems(m, row, s, store.facts, actor, payload, today)
    if problems:
        raise GuardFailed("error.guard_failed", details=problems, action=f"{m.action_label}{action}")
    return m, row, s, comment


def perform(store: Store, actor: Actor, record_id: int, action: str, payload: dict | None = None,
            *, expected_version: int | None = None, now: dt.datetime, today: dt.date | None = None,
            note: dict | None = None) -> int:
    """Perform one action on one record of any machine; return the new version.

    Raises a DomainError with a clear message. Caller owns the transaction: on any error nothing
    is written; on success the store has written the new state, holder and columns and exactly one
    audit event (``note`` adds the caller's facts to that event's detail).
    """
    payload = dict(payload or {})
    m, row, s, comment = _decide(store, actor, record_id, action, payload, expected_version, today or now.date())
    return store.apply(actor, _build_change(m, row, s, store.facts, payload, comment, now, note), now)


def _build_change(m: Machine, row: Transition, s: Any, facts: Any, payload: dict, comment: str | None,
                  now: dt.datetime, note: dict | None) -> Change:
    columns: dict[str, Any] = {}
    effects = m.rules.effects
    for effect in row.effects:
        columns.update(effects[effect](s, facts, payload, now))
    detail: dict[str, Any] = {k: payload[k] for k in row.inputs if k in payload and k != "pledge"}
    if note:
        detail.update(note)
    if row.target == PREVIOUS:
        target, holder, restore = m.previous(s, facts)
        columns.update(restore)
    else:
        target, holder = row.target, m.rules.holders[row.holder](s, facts, payload, columns)
        restorable = {k: getattr(s, k) for k in columns if k in m.restorable}
        if restorable and row.withdrawable:
            detail["restore"] = {k: list(v) if isinstance(v, tuple) else v for k, v in restorable.items()}
    return Change(s.flow, s.id, s.version, row.action, s.state, target, s.holder_unit_id, holder, columns,
                  comment, detail)


def _withdrawable_move(m: Machine, action: str, source: str, target: str) -> bool:
    return any(t.withdrawable and t.action == action and t.source == source and t.target == target
               for t in m.transitions)


def replay(events: list[tuple[str, str, str]], flow: str = REVIEW) -> str:
    """Fold (action, from, to) events from the initial state; raises if an event is not a legal move."""
    m = MACHINES[flow]
    state, previous = m.initial, None
    for action, source, target in events:
        if source != state:
            raise ValueError(f"event from {source} but the record was in {state}")
        legal = m.rows_for(source, action)
        if legal and legal[0].target == PREVIOUS:  # withdraw: back exactly one withdrawable step
            ok = previous is not None and _withdrawable_move(m, *previous) and previous[1] == target
        else:
            ok = any(r.target == target for r in legal)
        if not ok:
            raise ValueError(f"illegal event {action}: {source} -> {target}")
        state, previous = target, (action, source, target)
    return state
