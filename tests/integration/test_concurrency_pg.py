"""Races on PostgreSQL: many sessions act at the same moment, each in its own transaction.

Threads start together at a barrier; in the "after load" variants a second barrier holds every
transaction until all of them have read the declaration, so they really overlap and the
optimistic lock (UPDATE ... WHERE version = expected) decides. Exactly one of several competing
actions wins, the others are told it moved, and every audit chain stays unbroken (the trail is several
chains: ids are unique and increase along each chain, but are not contiguous across them).
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from core.common.errors import ConcurrentChange, NotFound
from core.declaring.transitions import execute
from core.declaring.store import SqlStore
from db.models import AuditEvent
from tests.integration.transition_support import PLEDGE, REASON, chain_intact, events_since, look, race
from tests.world import World

N = 8


@pytest.fixture
def all_load_first(monkeypatch):
    """Make every racing transaction read the declaration before any of them may write."""
    def arm(n: int) -> None:
        loaded, original = threading.Barrier(n), SqlStore.load

        def load(self, declaration_id):
            snapshot = original(self, declaration_id)
            loaded.wait(timeout=30)
            return snapshot
        monkeypatch.setattr(SqlStore, "load", load)
    return arm


def _world_with(uow, count: int) -> tuple[World, list[int]]:
    """The World and ``count`` declarations in unit_verify, one per applicant of the employer."""
    with uow.write() as s:
        w = World.build(s)
        decls = []
        for i in range(count):
            person = w._person(f"申报人{i}", w.units["employer"], f"11010119900307{i:04d}")
            w.actors[f"applicant{i}"] = w._actor(f"applicant{i}", "applicant", None, person_id=person)
            decls.append(w.new_declaration(person_id=person))
        for i, d in enumerate(decls):
            w.do(f"applicant{i}", d, "submit", **PLEDGE)
    return w, decls


def _outcomes(results: list, version: int) -> tuple[list, list]:
    wins = [r for r in results if isinstance(r, int)]
    losses = [r for r in results if not isinstance(r, int)]
    assert wins == [version + 1], results
    return wins, losses


@pytest.mark.parametrize("overlap", ["barrier", "after load"])
def test_of_eight_simultaneous_approvals_exactly_one_wins_and_the_others_are_told_it_moved(
        postgres, all_load_first, overlap):
    w, (d,) = _world_with(postgres, 1)
    before = look(postgres, d)
    if overlap == "after load":
        all_load_first(N)

    results = race(N, lambda i: execute(postgres, w.actor("unit_op"), d, "approve",
                                         expected_version=before.version))

    _, losses = _outcomes(results, before.version)
    assert len(losses) == N - 1 and all(isinstance(e, ConcurrentChange) for e in losses), losses
    (event,) = events_since(postgres, before.last_event_id)
    assert (event.kind, event.action, event.declaration_id, event.version) == ("transition", "approve", d,
                                                                              before.version + 1)
    after = look(postgres, d)
    assert (after.state, after.version, after.transitions) == ("unit_publicity", before.version + 1,
                                                               before.transitions + 1)
    assert chain_intact(postgres)


def test_competing_different_actions_on_one_declaration_leave_exactly_one_winner(postgres, all_load_first):
    w, (d,) = _world_with(postgres, 1)
    before = look(postgres, d)
    all_load_first(N)
    steps = [("approve", {}), ("reject", REASON), ("return_to_applicant", REASON)]

    results = race(N, lambda i: execute(postgres, w.actor("unit_op"), d, steps[i % 3][0], steps[i % 3][1]))

    _outcomes(results, before.version)
    assert all(isinstance(e, ConcurrentChange) for e in results if not isinstance(e, int))
    (event,) = events_since(postgres, before.last_event_id)
    assert look(postgres, d).state == event.to_state and chain_intact(postgres)


def test_approvals_of_different_declarations_in_parallel_all_succeed_with_one_audit_event_each(
        postgres, all_load_first):
    w, decls = _world_with(postgres, N)
    before = {d: look(postgres, d) for d in decls}
    last = max(b.last_event_id for b in before.values())
    all_load_first(N)

    results = race(N, lambda i: execute(postgres, w.actor("unit_op"), decls[i], "approve"))

    assert results == [before[d].version + 1 for d in decls]
    events = events_since(postgres, last)
    assert len(events) == len({e.id for e in events}) == N
    assert sorted(e.declaration_id for e in events) == sorted(decls)
    assert {look(postgres, d).state for d in decls} == {"unit_publicity"}
    assert chain_intact(postgres)


def test_denials_and_transitions_racing_each_other_keep_one_unbroken_audit_chain(postgres):
    w, decls = _world_with(postgres, N // 2)
    with postgres.read() as s:
        first = s.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))

    def work(i: int) -> int:
        d = decls[i // 2]
        if i % 2:
            return execute(postgres, w.actor("sibling_op"), d, "approve")  # out of scope: a denial row
        return execute(postgres, w.actor("unit_op"), d, "approve")

    results = race(N, work)

    assert all(isinstance(r, int) for r in results[0::2])
    assert all(isinstance(r, NotFound) for r in results[1::2])
    events = events_since(postgres, first)
    assert len(events) == len({e.id for e in events}) == N
    assert sorted(e.kind for e in events) == ["denial"] * (N // 2) + ["transition"] * (N // 2)
    assert chain_intact(postgres)
