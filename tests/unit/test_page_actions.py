"""The engine's options for a whole page equal its options row by row, on an in-memory store."""
from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, settings, strategies as st

from core.workflow import (FLOWS, ROLES, STATES, TRANSITIONS, Actor, LastStep, Snapshot, available_actions,
                           available_actions_for_page)

TODAY = dt.date(2026, 11, 27)
UNITS = (1, 2, 3, 4)


class FakeFacts:
    """Answers drawn once per (question, declaration) from a seed, so they never change within a test;
    counts the questions asked."""

    def __init__(self, seed: int):
        self.seed, self.asked = seed, 0

    def _rng(self, name: str, key) -> random.Random:
        self.asked += 1
        return random.Random(f"{self.seed}:{name}:{key}")

    def _yes(self, name: str, s: Snapshot) -> bool:
        return self._rng(name, s.id).random() < 0.6

    def missing_items(self, s): return ["item.x"] if not self._yes("missing", s) else []
    def has_other_active(self, s): return not self._yes("other", s)
    def committee_open(self, s): return self._yes("open", s)
    def applicant_bound(self, s): return self._yes("bound", s)
    def publicity_ended(self, s, kind, today): return self._yes(f"ended.{kind}", s)
    def has_open_objection(self, s): return not self._yes("objection", s)
    def relay_route(self, s): return (3, 4) if self._yes("route", s) else ()
    def initial_route(self, s): return self._rng("initial", s.id).choice([(), (3, 4), (4,)])
    def own_committee(self, s): return 7 if self._yes("own", s) else None
    def committee_authorized(self, committee_id, s): return self._yes("authorized", s)
    def committee_organizer(self, committee_id): return 4
    def committee_region(self, committee_id): return 4
    def unit_kind(self, unit_id): return "department" if unit_id == 3 else "hr_bureau"
    def tally(self, s): return self._rng("tally", s.id).choice([None, True, False])
    def is_session_chair(self, actor, s): return self._yes(f"chair.{actor.person_id}", s)
    def has_supplement(self, s): return self._yes("supplement", s)
    def has_attachment(self, s, purpose): return self._yes(f"attachment.{purpose}", s)
    def held_before(self, s, unit_id): return self._yes(f"held.{unit_id}", s)

    def last_step(self, s):
        rng = self._rng("last", s.id)
        into = [t for t in TRANSITIONS if t.flow == s.flow and t.target == s.state and t.withdrawable]
        if not into or rng.random() < 0.2:
            return None
        t = rng.choice(into)
        role = rng.choice(sorted(t.roles))
        return LastStep(t.action, t.source, t.target, rng.choice(UNITS), s.holder_unit_id, rng.choice((1, 2)),
                        role, rng.choice(UNITS))


class FakeStore:
    def __init__(self, snapshots: list[Snapshot], seed: int):
        self.rows, self.facts = {s.id: s for s in snapshots}, FakeFacts(seed)

    def load(self, declaration_id: int) -> Snapshot | None:
        return self.rows.get(declaration_id)

    def apply(self, actor, change, now):  # pragma: no cover - listing never writes
        raise AssertionError("a listing wrote")


@st.composite
def snapshots(draw, ident: int) -> Snapshot:
    flow = draw(st.sampled_from(FLOWS))
    return Snapshot(
        id=ident, flow=flow, state=draw(st.sampled_from(STATES[flow])), version=draw(st.integers(1, 5)),
        applicant_person_id=draw(st.sampled_from((1, 2))), unit_id=draw(st.sampled_from((1, 2))),
        holder_unit_id=draw(st.sampled_from((None, *UNITS))), year=draw(st.sampled_from((2025, 2026))),
        series_code=draw(st.sampled_from(("engineering", "health"))), level_code="intermediate",
        specialty_code=draw(st.sampled_from((None, "civil"))), committee_id=draw(st.sampled_from((None, 1, 2))),
        relay_route=draw(st.sampled_from(((), (3,), (3, 4)))), is_supplement=draw(st.booleans()))


actors = st.builds(Actor, account_id=st.sampled_from((1, 2)), role=st.sampled_from(ROLES),
                   unit_id=st.sampled_from((None, *UNITS)), person_id=st.sampled_from((None, 1, 2)),
                   committee_id=st.sampled_from((None, 1)), year=st.sampled_from((None, 2026)),
                   series_codes=st.sampled_from(((), ("engineering",))),
                   specialty_codes=st.sampled_from(((), ("civil",))))


@st.composite
def pages(draw):
    size = draw(st.integers(0, 30))
    return [draw(snapshots(i)) for i in range(1, size + 1)]


@settings(max_examples=300, deadline=None)
@given(page=pages(), actor=actors, seed=st.integers(0, 10_000))
def test_a_pages_options_equal_the_options_of_each_row_and_ask_no_more_questions(page, actor, seed):
    one_by_one = FakeStore(page, seed)
    expected = {s.id: available_actions(one_by_one, actor, s.id, TODAY) for s in page}
    batch = FakeStore(page, seed)
    assert available_actions_for_page(batch, actor, page, TODAY) == expected
    assert batch.facts.asked <= one_by_one.facts.asked


def test_a_role_the_table_never_names_for_a_state_gets_no_options_and_asks_nothing():
    page = [Snapshot(i, "review", "unit_verify", 1, 1, 1, 1, 2026, "engineering", "intermediate", None, 1)
            for i in range(1, 51)]
    store = FakeStore(page, 1)
    store.facts.last_step = lambda s: None  # withdraw is the only candidate: one question per row, nothing else
    offered = available_actions_for_page(store, Actor(1, "expert"), page, TODAY)
    assert offered == {i: [] for i in range(1, 51)} and store.facts.asked == 0
