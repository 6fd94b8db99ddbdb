"""The one read path (core.desks.listing) on both backends: keyset pages over any scope with tied
timestamps, filters, scope, and a page's actions equal to each row's options, in a constant number of queries."""
from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import event

from core.common.config import today as clock_today
from core.desks.listing import Filters, Scope, page, page_actions
from core.desks.workspaces import inbox
from core.org.scope import visible_declarations
from core.declaring.transitions import options
from db.models import Objection

from tests.integration.test_inbox_stats import LEVELS, SERIES, T0, _declarations
from tests.integration.unit_support import declarations
from tests.world import World

STATES = ("unit_verify", "unit_publicity", "relay", "policy_review", "draft")


def _spread(session, w: World, seed: int, count: int = 120) -> list[dict]:
    """Rows of every unit of the world in a few states, most sharing one of 6 timestamps."""
    rng = random.Random(seed)
    units = [w.units[u] for u in ("employer", "sibling", "dept", "other_dept")]
    rows = [dict(unit_id=rng.choice(units), holder_unit_id=rng.choice((*units, None)), state=rng.choice(STATES),
                 state_since=T0 + dt.timedelta(minutes=rng.randrange(6)), year=rng.choice((2025, 2026)),
                 level_code=rng.choice(LEVELS), series_code=rng.choice(SERIES)) for _ in range(count)]
    return [dict(r, id=i) for r, i in zip(rows, _declarations(session, w, rows))]


def _walk(session, scope: Scope, limit: int, filters: Filters = Filters()) -> list[int]:
    seen, after = [], None
    while True:
        got = page(session, scope, filters, after=after, limit=limit)
        assert len(got.rows) <= limit
        seen.extend(r.id for r in got.rows)
        if got.next_cursor is None:
            return seen
        assert len(got.rows) == limit
        after = got.next_cursor


def _ordered(rows) -> list[int]:
    return [r["id"] for r in sorted(rows, key=lambda r: (r["state_since"], r["id"]))]


def _matches(row: dict, f: Filters) -> bool:
    return all(v is None or row[k] == v for k, v in (("year", f.year), ("level_code", f.level),
                                                      ("series_code", f.series)))


def test_any_scope_pages_through_every_row_exactly_once_in_order_when_timestamps_tie(uow):
    with uow.write() as s:
        w = World.build(s)
        rows = _spread(s, w, seed=3)
    subtree = {w.units[u] for u in ("dept", "employer", "sibling")}
    rng = random.Random(5)
    with uow.read() as s:
        dept_sees = Scope.of(visible_declarations(s, w.actor("dept_op")), ("unit_verify", "relay", "draft"))
        held = Scope.held(w.units["employer"], ("unit_verify", "unit_publicity", "relay"))
        for scope, keep in ((dept_sees, lambda r: (r["unit_id"] in subtree or r["holder_unit_id"] == w.units["dept"])
                             and r["state"] in ("unit_verify", "relay")),
                            (held, lambda r: r["holder_unit_id"] == w.units["employer"]
                             and r["state"] in ("unit_verify", "unit_publicity", "relay")),
                            (Scope.of(visible_declarations(s, w.actor("dept_op"))),
                             lambda r: (r["unit_id"] in subtree or r["holder_unit_id"] == w.units["dept"])
                             and r["state"] != "draft")):
            for _ in range(8):  # random limits and filters: a property over the same rows
                filters = Filters(year=rng.choice((None, 2025, 2026)), level=rng.choice((None, *LEVELS)),
                                  series=rng.choice((None, *SERIES)))
                want = _ordered(r for r in rows if keep(r) and _matches(r, filters))
                limit = rng.choice((1, 2, 5, 13, 500))
                assert _walk(s, scope, limit, filters) == want, (filters, limit)
            assert len(_walk(s, scope, 7)) > 10


def test_filters_narrow_and_an_empty_state_list_lists_nothing(uow):
    with uow.write() as s:
        w = World.build(s)
        rows = _spread(s, w, seed=8)
    with uow.read() as s:
        scope = Scope.of(visible_declarations(s, w.actor("dept_op")))
        everything = set(_walk(s, scope, 50))
        for filters in (Filters(year=2025), Filters(level="associate_senior"), Filters(series="health"),
                        Filters(2026, "intermediate", "engineering")):
            narrowed = _walk(s, scope, 4, filters)
            assert narrowed and set(narrowed) < everything
            assert all(_matches(r, filters) for r in rows if r["id"] in narrowed)
        assert page(s, scope, Filters(year=1999)).rows == []
        assert page(s, Scope.held(w.units["employer"], ())).rows == []


def test_another_units_rows_never_appear_in_an_inbox_or_a_scoped_list(uow):
    with uow.write() as s:
        w = World.build(s)
        rows = _spread(s, w, seed=13, count=150)
    by_id = {r["id"]: r for r in rows}
    with uow.read() as s:
        for who, unit in (("unit_op", "employer"), ("sibling_op", "sibling")):
            seen, after = [], None
            while True:
                got = inbox(s, w.actor(who), "unit_verify", after=after, limit=6)
                seen.extend(r.id for r in got.rows)
                if got.next_cursor is None:
                    break
                after = got.next_cursor
            assert seen and all(by_id[i]["holder_unit_id"] == w.units[unit] for i in seen)
            assert sorted(seen) == sorted(i for i, r in by_id.items()
                                          if r["holder_unit_id"] == w.units[unit] and r["state"] == "unit_verify")
        outside = set(_walk(s, Scope.of(visible_declarations(s, w.actor("other_dept_op"))), 9))
        assert outside and all(by_id[i]["unit_id"] == w.units["other_dept"]
                               or by_id[i]["holder_unit_id"] == w.units["other_dept"] for i in outside)


def _many_states(uow, w: World) -> list[int]:
    with uow.write() as s:
        w.session = s
        ids = [w.new_declaration()]  # a draft
        for state, count in (("unit_verify", 2), ("unit_publicity", 3), ("unit_recommend", 2), ("relay", 2),
                             ("material_receipt", 1), ("policy_review", 1), ("candidate_publicity", 2),
                             ("result_publicity", 1)):
            ids += declarations(w, count, state)
        w.publicize(ids[3], "unit")  # ended: complete_publicity is ready
        w.publicize(ids[4], "unit")  # ended, but with an open objection
        s.add(Objection(declaration_id=ids[4], raised_by_name="王五", contact="13900000000", text="材料不实"))
        w.publicize(ids[5], "unit", ended=False)  # still running
        w.attach(ids[7], "unit_proof")  # one of the unit_recommend pair carries its proof already
        w.publicize(ids[12], "candidate", owner="organizer")
        s.flush()
        return ids


def test_a_pages_actions_equal_each_rows_options_for_every_actor(uow, tmp_path, monkeypatch):
    monkeypatch.setenv("TITLES_FILE_STORE", str(tmp_path / "files"))
    with uow.write() as s:
        w = World.build(s)
    ids = _many_states(uow, w)
    with uow.read() as s:
        for name, actor in w.actors.items():
            expected = {i: options(s, actor, i, clock_today()) for i in ids}
            assert page_actions(s, actor, ids, clock_today()) == expected, name
        offered = page_actions(s, w.actor("unit_op"), ids, clock_today())
        assert {o.action for i in ids for o in offered[i]} >= {"approve", "withdraw", "recommend",
                                                               "complete_publicity"}
        publicity = {i: next(o.blocked for o in offered[i] if o.action == "complete_publicity") for i in ids[3:6]}
        assert publicity == {ids[3]: (), ids[4]: ("guard.open_objection",), ids[5]: ("guard.publicity_running",)}
        got = inbox(s, w.actor("unit_op"), "unit_verify", actions=True, today=clock_today())
        assert got.actions == {r.id: options(s, w.actor("unit_op"), r.id, clock_today()) for r in got.rows}
        assert page_actions(s, w.actor("unit_op"), []) == {} == page_actions(s, w.actor("unit_op"), [10**9])


@pytest.mark.parametrize("state, queries", [("unit_verify", 2), ("unit_publicity", 5)])
def test_a_pages_actions_take_the_same_number_of_queries_for_three_rows_as_for_twelve(uow, state, queries):
    with uow.write() as s:
        w = World.build(s)
        ids = declarations(w, 12, state)
        for d in ids[::2]:
            w.publicize(d, "unit")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    with uow.read() as s:
        event.listen(uow.engine, "before_cursor_execute", count)
        try:
            counts = []
            for some in (ids[:3], ids):
                statements.clear()
                assert len(page_actions(s, w.actor("unit_op"), some, clock_today())) == len(some)
                counts.append(len(statements))
        finally:
            event.remove(uow.engine, "before_cursor_execute", count)
    # the snapshots and the last steps (for withdraw); in publicity, the rounds' entry versions, the
    # publicities and the open objections: one query each, however many rows
    assert counts == [queries, queries], counts
