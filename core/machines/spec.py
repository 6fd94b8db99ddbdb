"""The language every status machine is declared in, and the checks it must pass when declared.

A machine is data: its states (each carrying, in one place, its label key, funnel stage, holder roles
and workspace), its transitions (roles, named guards, holder rule, effects, reason, inputs) and the
registry of the named rules those transitions use. ``Machine(...)`` validates itself on construction
and raises :class:`MachineDefinitionError` (not ``assert``, which ``python -O`` removes): a typo in a
state, guard, effect or role name, an unreachable state, a dead end or a wrong branch order fails the
import of the module that declares it.

No streamlit, no sqlalchemy: records reach the rules through a store (core.workflow_store).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

ANY = "*"                # source wildcard: any non-terminal state
PREVIOUS = "<previous>"  # target of withdraw: the state before the withdrawn step


class MachineDefinitionError(Exception):
    """A machine declaration that cannot work (raised at import time)."""


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
class State:
    """One state and everything said about it: label key, funnel stage, who holds it, which workspace."""

    name: str
    label: str
    holder: frozenset[str] = frozenset()  # roles that act while a record is here (operators of the holder unit)
    stage: str | None = None               # the funnel stage this state proves was reached (dashboards)
    workspace: str | None = None           # the workspace listing records in this state
    terminal: bool = False


def state(name: str, label: str, holder: str | Iterable[str] = (), **kw: Any) -> State:
    return State(name, label, frozenset({holder} if isinstance(holder, str) else holder), **kw)


@dataclass(frozen=True)
class Transition:
    flow: str  # the machine's name
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


def transition(flow: str, source: str, action: str, target: str, roles: str | Iterable[str],
               **kw: Any) -> Transition:
    role_set = frozenset({roles}) if isinstance(roles, str) else frozenset(roles)
    return Transition(flow, source, action, target, role_set, **kw)


@dataclass(frozen=True)
class Record:
    """A record of a machine other than the declaration: id, state, version, and the fields rules read."""

    flow: str
    id: int
    state: str
    version: int
    data: Mapping[str, Any] = field(default_factory=dict)
    holder_unit_id: int | None = None


# guard: (record, facts, actor, payload, today) -> refusal key(s) or None; never a side effect
GuardFn = Callable[[Any, Any, Actor, dict, dt.date], "str | list[str] | None"]
_BASE_HOLDERS: dict[str, Callable] = {"same": lambda s, f, p, c: s.holder_unit_id, "none": lambda s, f, p, c: None}


class Rules:
    """The named rules of one machine: guards, branch conditions, holder rules, effects, input checks.

    Register with the decorators (``@rules.guard("name")``) or pass ready dicts."""

    def __init__(self, *, guards: Mapping | None = None, when: Mapping | None = None,
                 holders: Mapping | None = None, effects: Mapping | None = None, inputs: Mapping | None = None):
        self.guards: dict[str, GuardFn] = dict(guards or {})
        self.when: dict[str, Callable] = dict(when or {})
        self.holders: dict[str, Callable] = {**_BASE_HOLDERS, **(holders or {})}
        self.effects: dict[str, Callable] = dict(effects or {})
        self.inputs: dict[str, Callable[[Any], bool]] = dict(inputs or {})

    def _register(self, table: dict, name: str) -> Callable:
        def add(fn: Callable) -> Callable:
            if name in table:
                raise MachineDefinitionError(f"rule {name!r} registered twice")
            table[name] = fn
            return fn
        return add

    def guard(self, name: str) -> Callable:
        return self._register(self.guards, name)

    def effect(self, name: str) -> Callable:
        return self._register(self.effects, name)


# admit: (actor, record, facts, action, expected_version) -> None, or raise NotFound / ConcurrentChange
AdmitFn = Callable[[Actor, Any, Any, str, "int | None"], None]


@dataclass(frozen=True)
class Machine:
    """One kind of record's process. ``refusals`` maps an action to the domain error (class, key) raised
    when the record's state does not allow it; without an entry the engine's generic one is used."""

    name: str
    states: tuple[State, ...]
    initial: str
    transitions: tuple[Transition, ...]
    rules: Rules
    roles: frozenset[str]
    admit: AdmitFn
    subject: str = ""                    # audit target prefix: "<subject>:<id>"
    audit_kind: str = "transition"
    audit_prefix: str = ""               # the audit event's action is prefix + action
    action_label: str = "action."        # message key prefix of action names
    stages: tuple[str, ...] = ()         # funnel stages in order (declarations)
    refusals: Mapping[str, tuple[type, str]] = field(default_factory=dict)
    payload_guards: frozenset[str] = frozenset()  # guards on typed input, skipped when listing options
    restorable: tuple[str, ...] = ()     # columns a withdrawable step keeps to restore on withdraw
    previous: Callable | None = None     # (record, facts) -> (state, holder, restore columns) for PREVIOUS

    def __post_init__(self) -> None:
        by_key: dict[tuple[str, str], list[Transition]] = {}
        for t in self.transitions:
            by_key.setdefault((t.source, t.action), []).append(t)
        object.__setattr__(self, "by_key", by_key)
        object.__setattr__(self, "by_name", {s.name: s for s in self.states})
        object.__setattr__(self, "terminal", frozenset(s.name for s in self.states if s.terminal))
        validate(self)

    @property
    def state_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states)

    def rows_for(self, state: str, action: str) -> list[Transition]:
        """The rows for an action in a state (several when branches differ by ``when``)."""
        rows = self.by_key.get((state, action))
        if rows:
            return rows
        return [] if state in self.terminal else self.by_key.get((ANY, action), [])

    def actions_from(self, state: str) -> list[str]:
        """Every action declared for a state, in table order (wildcard actions last)."""
        names = [t.action for t in self.transitions if t.source == state]
        if state not in self.terminal:
            names += [t.action for t in self.transitions if t.source == ANY]
        return list(dict.fromkeys(names))


def _fail(machine: Machine, what: str) -> None:
    raise MachineDefinitionError(f"machine {machine.name!r}: {what}")


def _check_states(m: Machine) -> None:
    names = [s.name for s in m.states]
    if len(set(names)) != len(names):
        _fail(m, "a state is declared twice")
    if m.initial not in names:
        _fail(m, f"unknown initial state {m.initial!r}")
    for s in m.states:
        if not s.label:
            _fail(m, f"state {s.name!r} has no label key")
        if not s.holder <= m.roles:
            _fail(m, f"state {s.name!r}: unknown holder role(s) {sorted(s.holder - m.roles)}")
        if s.stage is not None and s.stage not in m.stages:
            _fail(m, f"state {s.name!r}: unknown funnel stage {s.stage!r}")


def _check_transition(m: Machine, t: Transition) -> None:
    r = m.rules
    checks = [
        (t.flow == m.name, f"belongs to {t.flow!r}"),
        (t.source == ANY or t.source in m.by_name, f"unknown source state {t.source!r}"),
        (t.source not in m.terminal, f"leaves the terminal state {t.source!r}"),
        (t.target == PREVIOUS or t.target in m.by_name, f"unknown target state {t.target!r}"),
        (t.target != PREVIOUS or m.previous is not None, "goes back without a 'previous' rule"),
        (bool(t.roles) and t.roles <= m.roles, f"unknown or no roles {sorted(t.roles - m.roles)}"),
        (t.holder in r.holders or t.holder == "previous", f"unknown holder rule {t.holder!r}"),
        (all(g in r.guards for g in t.guards), f"unknown guard in {t.guards}"),
        (t.when is None or t.when in r.when, f"unknown branch condition {t.when!r}"),
        (all(e in r.effects for e in t.effects), f"unknown effect in {t.effects}"),
        (all(i in r.inputs for i in t.inputs), f"unknown input in {t.inputs}"),
    ]
    for ok, problem in checks:
        if not ok:
            _fail(m, f"{t.source} --{t.action}--> {t.target}: {problem}")


def _reachable(m: Machine) -> set[str]:
    reached, frontier = {m.initial}, [m.initial]
    while frontier:
        current = frontier.pop()
        for t in m.transitions:
            if t.source in (current, ANY) and current not in m.terminal and t.target in m.by_name \
                    and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    return reached


def validate(m: Machine) -> None:
    """Raise MachineDefinitionError unless the machine is sound (see the module docstring)."""
    _check_states(m)
    for t in m.transitions:
        _check_transition(m, t)
    for (source, action), rows in m.by_key.items():
        if not (all(r.when for r in rows[:-1]) and rows[-1].when is None):
            _fail(m, f"branch order of {source} --{action}-->: conditional rows first, one default last")
    unreachable = set(m.by_name) - _reachable(m)
    if unreachable:
        _fail(m, f"unreachable states {sorted(unreachable)}")
    for s in m.states:
        if not s.terminal and not any(t.source == s.name and t.target != s.name for t in m.transitions):
            _fail(m, f"dead end: the non-terminal state {s.name!r} has no way out")
    for name in m.payload_guards:
        if name not in m.rules.guards:
            _fail(m, f"unknown payload guard {name!r}")
