"""The analytics benchmark (issue 12): a province of N declarations (bench/build.py) given a history of
transition events (~9 per declaration), the stage-visit summary backfilled from them by migration 0008's SQL,
then, on each backend:

(a) every chart query of core.reporting.analytics, uncached (fresh session; median of 3 and the first), for the
    province and for one city, each beside raw SQL doing the same aggregate: time in stage from the summary
    table in hand-written SQL, and the alternative without a summary (``LEAD`` over the events per declaration);
(b) a rerun of the 统计分析 page with its dashboard behind a TTL memo that behaves like ``st.cache_data``;
(c) the overdue list (``core.reporting.analytics.overdue``) for random holder units and scopes, p50/p95;
(d) the engine/raw transition ratio (bench/run.py's interleaved rounds) with the summary kept by the write
    path, and with that hook switched off, in alternating runs.

    python -m bench.analytics --n 1000000 --backend both
    python -m bench.analytics --n 100000 --backend sqlite --keep      # keep the databases for --reuse

Figures are printed and written to bench/results/analytics-latest.md. See bench/README.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
from sqlalchemy import func, select, text

from bench.build import build, _secondary_indexes
from bench.run import RESULTS, TtlMemo, bench_transitions, pct, pg_target, sqlite_target
from core import workflow_store
from core.common import config
from core.desks import analytics as desk
from core.reporting import analytics as an
from core.workflow import Actor
from db.models import Declaration, RoleGrant, StageVisit, Unit
from db.uow import UnitOfWork

EVENT_COLS = ("id", "chain", "chain_seq", "at", "kind", "action", "outcome", "declaration_id", "from_state",
              "to_state", "from_holder_unit_id", "to_holder_unit_id", "version", "detail", "prev_hash", "row_hash")
CHAIN = 99  # the synthetic history's own audit chain (never verified: benchmark databases are scratch)
CHUNK = 50_000
TARGETS = dict(chart_s=1.0, page_ms=100.0, overdue_p95_ms=50.0, ratio_drop=0.10)


# --- the history ------------------------------------------------------------------------------------

def _path(flow: str, state: str, unit: int, route: list[int], organizer: int | None, province: int,
          returned_first: bool) -> list[tuple[str, str, int | None]]:
    """The (action, to_state, to_holder) steps that lead a declaration to its current state."""
    if flow == "initial_determination":
        steps = [("submit", "unit_verify", unit)]
        if state == "returned":
            return steps + [("reject", "returned", None)]
        if state == "unit_verify":
            return steps
        if len(route) > 1:
            steps.append(("approve", "dept_review", route[0]))
        if state == "dept_review":
            return steps
        steps.append(("approve" if len(route) > 1 else "approve", "hr_review", route[-1] if route else unit))
        if state == "hr_review":
            return steps
        return steps + [("approve", "approved", None)]
    steps = [("submit", "unit_verify", unit)]
    if returned_first or state == "returned":
        steps += [("reject", "returned", None)]
        if state == "returned":
            return steps
        steps += [("resubmit", "unit_verify", unit)]
    if state == "unit_verify":
        return steps
    steps += [("approve", "unit_publicity", unit)]
    if state == "unit_publicity":
        return steps
    steps += [("complete_publicity", "unit_recommend", unit)]
    if state == "unit_recommend":
        return steps
    for i, hop in enumerate(route or [province]):
        steps.append(("recommend" if i == 0 else "approve", "relay", hop))
    if state == "terminated":
        return steps + [("terminate", "terminated", None)]
    if state == "relay":
        return steps
    org = organizer or province
    steps += [("assign_committee", "material_receipt", org)]
    if state == "material_receipt":
        return steps
    steps += [("accept", "policy_review", org)]
    if state == "policy_review":
        return steps
    if state in ("failed_publicity", "supplement", "supplement_verify", "policy_recheck"):
        steps += [("recheck_fail", "failed_publicity", org)]
        tail = [("complete_publicity", "supplement", None), ("resubmit", "supplement_verify", unit),
                ("approve", "policy_recheck", org)]
        order = ("failed_publicity", "supplement", "supplement_verify", "policy_recheck")
        return steps + tail[:order.index(state)]
    steps += [("recheck_pass", "candidate_publicity", org)]
    if state == "candidate_publicity":
        return steps
    steps += [("complete_publicity", "panel_review", org)]
    if state == "panel_review":
        return steps
    if state == "not_approved":
        return steps + [("tally", "not_approved", None)]
    steps += [("tally", "result_publicity", org)]
    if state == "result_publicity":
        return steps
    steps += [("complete_publicity", "filing", org)]
    if state == "filing":
        return steps
    return steps + [("submit_filing", "filing", province), ("filing_approved", "approved", None)]


def history(uow: UnitOfWork, seed: int, log) -> dict:
    """Transition events for every submitted declaration, consistent with its current state, spread from its
    creation to its ``state_since``; loaded in bulk (secondary indexes dropped and recreated), then the
    stage-visit summary backfilled by migration 0008's own SQL."""
    backend = uow.engine.dialect.name
    rng = np.random.default_rng(seed)
    with uow.read() as s:
        province = s.scalar(select(Unit.id).where(Unit.parent_id.is_(None)).order_by(Unit.id).limit(1))
        organizers = dict(s.execute(text("SELECT id, organizer_unit_id FROM committee")).all())
        rows = s.execute(select(Declaration.id, Declaration.flow, Declaration.state, Declaration.unit_id,
                                Declaration.relay_route, Declaration.committee_id, Declaration.created_at,
                                Declaration.state_since).where(Declaration.state.not_in(("draft", "cancelled")))
                         .order_by(Declaration.id)).all()
    t0 = time.perf_counter()
    next_id = [0]
    returned_first = (rng.random(len(rows)) < 0.08).tolist()
    jitter = rng.random((len(rows), 24))

    def events():
        batch = []
        for i, r in enumerate(rows):
            steps = _path(r.flow, r.state, r.unit_id, list(r.relay_route or []), organizers.get(r.committee_id),
                          province, returned_first[i])
            start, end = r.created_at.timestamp(), r.state_since.timestamp()
            cuts = np.sort(jitter[i, :len(steps) - 1]) if len(steps) > 1 else []
            moments = [start, *(start + c * (end - start) for c in cuts)][:len(steps) - 1] + [end]
            prev_state, prev_holder = "draft", None
            for k, (action, to_state, holder) in enumerate(steps):
                next_id[0] += 1
                at = dt.datetime.fromtimestamp(moments[k], dt.timezone.utc)
                batch.append((next_id[0], CHAIN, next_id[0], at if backend == "postgresql" else
                              at.strftime("%Y-%m-%d %H:%M:%S.%f"), "transition", action, "ok", r.id, prev_state,
                              to_state, prev_holder, holder, k + 2, "{}", "x", "x"))
                prev_state, prev_holder = to_state, holder
            if len(batch) >= CHUNK:
                yield batch
                batch = []
        if batch:
            yield batch

    with uow.engine.connect() as conn:
        if backend == "sqlite":
            for pragma in ("synchronous=OFF", "cache_size=-262144"):
                conn.connection.driver_connection.execute(f"PRAGMA {pragma}")
        with conn.begin():
            dropped = _secondary_indexes(conn, backend, "audit_event")
            for name, _ in dropped:
                conn.exec_driver_sql(f'DROP INDEX "{name}"')
            for batch in events():
                if backend == "postgresql":
                    cursor = conn.connection.driver_connection.cursor()
                    with cursor.copy(f"COPY audit_event ({', '.join(EVENT_COLS)}) FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row(row)
                else:
                    conn.exec_driver_sql(f"INSERT INTO audit_event ({', '.join(EVENT_COLS)}) VALUES "
                                         f"({', '.join('?' * len(EVENT_COLS))})", batch)
            t_events = time.perf_counter() - t0
            log(f"  {next_id[0]:,} transition events generated and loaded in {t_events:.1f}s")
            t1 = time.perf_counter()
            for _, ddl in dropped:
                conn.exec_driver_sql(ddl)
            t_index = time.perf_counter() - t1
            if backend == "postgresql":
                conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('audit_event', 'id'), "
                                     "(SELECT max(id) FROM audit_event))")
        with conn.begin():
            t2 = time.perf_counter()
            migration = _migration()
            conn.exec_driver_sql(migration.BACKFILL.format(epoch=migration.EPOCH[backend]))
            t_backfill = time.perf_counter() - t2
        visits = conn.scalar(select(func.count()).select_from(StageVisit))
        log(f"  audit indexes recreated in {t_index:.1f}s; backfill (migration 0008's SQL) {visits:,} visits "
            f"in {t_backfill:.1f}s")
        t3 = time.perf_counter()
        if backend == "postgresql":
            conn.commit()
            raw = conn.connection.driver_connection
            raw.autocommit = True
            raw.execute("VACUUM ANALYZE audit_event")
            raw.execute("VACUUM ANALYZE stage_visit")
            raw.autocommit = False
        else:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        t_an = time.perf_counter() - t3
    uow.dispose()
    return dict(events=next_id[0], visits=visits, events_s=t_events, index_s=t_index, backfill_s=t_backfill,
                analyze_s=t_an)


def _migration():
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "db/migrations/versions/0008_stage_visits.py"
    spec = importlib.util.spec_from_file_location("stage_visits_0008", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- (a) chart queries, uncached ---------------------------------------------------------------------

RAW_TIME_IN_STAGE = """
SELECT state, MAX(n), MAX(CASE WHEN rn = (n * 50 + 99) / 100 THEN d END), MAX(CASE WHEN rn = (n * 90 + 99) / 100 THEN d END),
       MAX(d)
FROM (SELECT state, left_s - entered_s AS d,
             ROW_NUMBER() OVER (PARTITION BY state ORDER BY left_s - entered_s) AS rn,
             COUNT(*) OVER (PARTITION BY state) AS n
      FROM stage_visit WHERE left_s >= {lo} AND left_s < {hi} AND state IN ({states})) r
GROUP BY state
"""
# The alternative without a summary: the same aggregate straight from the events, a visit's end found by LEAD.
EPOCH_AT = {"sqlite": "CAST(strftime('%s', at) AS INTEGER)", "postgresql": "CAST(FLOOR(EXTRACT(EPOCH FROM at)) AS BIGINT)"}
RAW_WINDOW_EVENTS = """
SELECT state, MAX(n), MAX(CASE WHEN rn = (n * 50 + 99) / 100 THEN d END), MAX(CASE WHEN rn = (n * 90 + 99) / 100 THEN d END),
       MAX(d)
FROM (SELECT state, d, ROW_NUMBER() OVER (PARTITION BY state ORDER BY d) AS rn, COUNT(*) OVER (PARTITION BY state) AS n
      FROM (SELECT to_state AS state, LEAD(at_s) OVER (PARTITION BY declaration_id ORDER BY id) AS end_s,
                   LEAD(at_s) OVER (PARTITION BY declaration_id ORDER BY id) - at_s AS d
            FROM (SELECT id, declaration_id, to_state, {epoch} AS at_s FROM audit_event
                  WHERE kind = 'transition' AND declaration_id IS NOT NULL
                    AND (from_state <> to_state OR COALESCE(from_holder_unit_id, -1) <> COALESCE(to_holder_unit_id, -1))) m
           ) v
      WHERE end_s >= {lo} AND end_s < {hi} AND state IN ({states})) r
GROUP BY state
"""


def _timed(uow: UnitOfWork, fn: Callable, runs: int) -> dict:
    times, result = [], None
    for _ in range(runs):
        with uow.read() as s:
            t0 = time.perf_counter()
            result = fn(s)
            times.append(time.perf_counter() - t0)
    return dict(first_s=times[0], median_s=statistics.median(times), max_s=max(times), rows=_size(result))


def _size(result: Any) -> int:
    if hasattr(result, "rows") and hasattr(result, "per_holder"):
        return len(result.rows)
    return len(result) if hasattr(result, "__len__") else 1


def actors(uow: UnitOfWork) -> dict[str, Actor]:
    with uow.read() as s:
        prov = s.scalar(select(Unit.id).where(Unit.parent_id.is_(None)).order_by(Unit.id).limit(1))
        city = s.scalar(select(Unit.id).where(Unit.kind == "hr_bureau", Unit.region_level == "city").order_by(Unit.id)
                        .limit(1))
        committee = s.scalar(select(Unit.id).where(Unit.kind == "committee_organizer").order_by(Unit.id).limit(1))
        grants = dict(s.execute(select(RoleGrant.unit_id, RoleGrant.account_id)).all())
    return {"province": Actor(grants[prov], "hr_operator", prov), "city": Actor(grants[city], "hr_operator", city),
            "committee": Actor(grants[committee], "committee_operator", committee)}


def bench_charts(uow: UnitOfWork, runs: int, log) -> dict:
    backend = uow.engine.dialect.name
    today = config.today()
    first = today - dt.timedelta(days=89)
    states = ", ".join(f"'{s}'" for s in an.stage_states())
    out: dict[str, Any] = {}
    for who, actor in actors(uow).items():
        f = an.Filters()
        charts = {
            "throughput 90 days": lambda s: an.throughput(s, actor, f, first, today),
            **{f"time in stage by {g} (visits ended in 90 days)": (
                lambda s, g=g: an.time_in_stage(s, actor, f, g, period=(first, today))) for g in an.GROUPS},
            "time in stage by unit, all time": lambda s: an.time_in_stage(s, actor, f, "unit"),
            "outcomes by series": lambda s: an.outcomes(s, actor, f, "series"),
            "outcomes by committee": lambda s: an.outcomes(s, actor, f, "committee"),
            "return/supplement rates": lambda s: an.unit_rates(s, actor, f),
            "objections": lambda s: an.objections(s, actor, f, "series"),
            "forecast": lambda s: an.forecast(s, actor, f, today=today),
            "overdue (whole scope)": lambda s: an.overdue(s, actor, f, today=today),
        }
        out[who] = {name: _timed(uow, fn, runs) for name, fn in charts.items()}
        worst = max(out[who].items(), key=lambda kv: kv[1]["median_s"])
        log(f"  charts ({who}): slowest {worst[0]} median {worst[1]['median_s']:.3f}s; "
            + ", ".join(f"{k} {v['median_s'] * 1000:.0f}" for k, v in out[who].items()) + " (ms)")
    lo, hi = an.day_start_s(first), an.day_start_s(today + dt.timedelta(days=1))
    raw = {
        "raw SQL, time in stage by state, 90 days (summary table)": lambda s: s.execute(
            text(RAW_TIME_IN_STAGE.format(states=states, lo=lo, hi=hi))).all(),
        "raw SQL, time in stage by state, 90 days (LEAD over the events, no summary)": lambda s: s.execute(
            text(RAW_WINDOW_EVENTS.format(states=states, epoch=EPOCH_AT[backend], lo=lo, hi=hi))).all(),
    }
    out["raw"] = {name: _timed(uow, fn, runs) for name, fn in raw.items()}
    for name, v in out["raw"].items():
        log(f"  {name}: median {v['median_s']:.3f}s (first {v['first_s']:.3f}s)")
    return out


# --- (b) page rerun, cached; (c) the overdue list ---------------------------------------------------

def bench_page(uow: UnitOfWork, reruns: int, log) -> dict:
    actor = actors(uow)["city"]
    today = config.today()
    first = today - dt.timedelta(days=89)

    def dashboard(actor_fields: tuple, filters: tuple, day: dt.date) -> dict:
        return desk.dashboard(uow, Actor(*actor_fields), an.Filters(*filters), first=first, last=day, group="unit",
                              outcome_group="series", today=day)

    memo = TtlMemo(ttl=60)
    times, first_s = [], None
    import dataclasses
    for i in range(reruns + 1):
        t0 = time.perf_counter()
        data = memo(dashboard, dataclasses.astuple(actor), dataclasses.astuple(an.Filters()), today)
        tables = desk.tables(data, group="unit", outcome_group="series")  # shaping, every rerun
        elapsed = time.perf_counter() - t0
        if i == 0:
            first_s = elapsed
        else:
            times.append(elapsed)
    assert tables
    result = dict(first_s=first_s, median_ms=1000 * statistics.median(times), p95_ms=1000 * pct(times, 0.95),
                  reruns=len(times))
    log(f"  page rerun (dashboard cached): median {result['median_ms']:.2f} ms, p95 {result['p95_ms']:.2f} ms; "
        f"first (cache miss) {first_s:.2f}s")
    return result


def bench_overdue(uow: UnitOfWork, calls: int, seed: int, log) -> dict:
    today = config.today()
    rng = random.Random(seed)
    with uow.read() as s:
        holders = [u for u, in s.execute(select(Declaration.holder_unit_id).where(
            Declaration.holder_unit_id.is_not(None)).group_by(Declaration.holder_unit_id))]
        hr = [u for u, in s.execute(select(Unit.id).where(Unit.kind == "hr_bureau"))]
        grants = dict(s.execute(select(RoleGrant.unit_id, RoleGrant.account_id)).all())
    times, held = [], []
    for i in range(calls):
        if i % 2:
            unit = rng.choice(hr)  # an HR bureau's whole region, per holder unit and the 200 oldest
            actor = Actor(grants[unit], "hr_operator", unit)
            holder = None
        else:  # one holder unit's overdue list, inside the province
            unit = rng.choice(holders)
            actor, holder = actors(uow)["province"], unit
        with uow.read() as s:
            t0 = time.perf_counter()
            an.overdue(s, actor, an.Filters(), today=today, holder_unit_id=holder)
            times.append(time.perf_counter() - t0)
            t1 = time.perf_counter()
            an.overdue_held(s, rng.choice(holders), {"a": an.stage_states()}, today=today)
            held.append(time.perf_counter() - t1)
    result = dict(p50_ms=1000 * pct(times, 0.5), p95_ms=1000 * pct(times, 0.95), max_ms=1000 * max(times),
                  home_p50_ms=1000 * pct(held, 0.5), home_p95_ms=1000 * pct(held, 0.95), calls=calls)
    log(f"  overdue list: p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms (max {result['max_ms']:.0f}); "
        f"home overdue count p95 {result['home_p95_ms']:.1f} ms")
    return result


# --- (d) the transition ratio with and without the summary --------------------------------------------

def bench_ratio(uow: UnitOfWork, per_kind: int, rounds: int, pairs: int, seed: int, log) -> dict:
    keep = workflow_store._keep_stage_visits
    on, off = [], []
    try:
        for p in range(pairs):
            for side in (("off", "on") if p % 2 == 0 else ("on", "off")):
                workflow_store._keep_stage_visits = keep if side == "on" else (lambda *a, **k: None)
                r = bench_transitions(uow, per_kind, rounds, seed + p * 2 + (side == "on"), lambda *_: None)
                (on if side == "on" else off).append(r["ratio"])
                log(f"  transitions with the summary {side}: ratio {r['ratio']:.3f} "
                    f"(engine {r['engine_rate']:.0f}/s, raw {r['raw_rate']:.0f}/s)")
    finally:
        workflow_store._keep_stage_visits = keep
    result = dict(ratio_on=statistics.median(on), ratio_off=statistics.median(off), runs_on=on, runs_off=off)
    result["drop"] = 1 - result["ratio_on"] / result["ratio_off"]
    log(f"  ratio with summary {result['ratio_on']:.3f}, without {result['ratio_off']:.3f}: "
        f"drop {result['drop']:.1%} (target ≤ 10%)")
    return result


# --- main -------------------------------------------------------------------------------------------

def run_backend(target, args, log) -> dict:
    log(f"\n== {target.backend}, N = {args.n:,} ==")
    result: dict[str, Any] = dict(backend=target.backend, n=args.n)
    uow = UnitOfWork.from_url(target.url)
    try:
        if not target.reused:
            result["build"] = build(uow, args.n, seed=args.seed, log=log)
            result["history"] = history(uow, args.seed, log)
        with uow.read() as s:
            result["events"] = s.scalar(select(func.count()).select_from(StageVisit))
        parts = set(args.only.split(","))
        if "charts" in parts:
            result["charts"] = bench_charts(uow, args.runs, log)
        if "page" in parts:
            result["page"] = bench_page(uow, args.reruns, log)
        if "overdue" in parts:
            result["overdue"] = bench_overdue(uow, args.overdue_calls, args.seed, log)
        if "ratio" in parts:
            result["ratio"] = bench_ratio(uow, args.transitions, args.rounds, args.pairs, args.seed, log)
    finally:
        uow.dispose()
        target.cleanup()
    return result


def report(results: list[dict], args) -> str:
    ok = lambda flag: "met" if flag else "MISSED"  # noqa: E731
    lines = [f"# Analytics benchmark ({dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC)", "",
             f"`python -m bench.analytics --n {args.n} --backend {args.backend}` on {os.cpu_count()} cores (shared).", ""]
    for r in results:
        if "charts" not in r or "page" not in r or "overdue" not in r or "ratio" not in r:
            lines += [f"## {r['backend']}, N = {r['n']:,} (parts)", "", "```", json.dumps(
                {k: v for k, v in r.items() if k in ("history", "ratio", "page", "overdue")}, default=str, indent=1),
                "```", ""]
            continue
        h = r.get("history", {})
        lines += [f"## {r['backend']}, N = {r['n']:,}", "",
                  f"History: {h.get('events', 0):,} events, {h.get('visits', r.get('events', 0)):,} stage visits; "
                  f"events loaded {h.get('events_s', 0):.0f} s, backfill (migration 0008) {h.get('backfill_s', 0):.0f} s.", "",
                  "| query | province median (first) | city median | committee median |", "|---|---|---|---|"]
        charts = r["charts"]
        for name in charts["province"]:
            cells = [f"{charts[w][name]['median_s'] * 1000:.0f} ms" for w in ("province", "city", "committee")]
            cells[0] += f" ({charts['province'][name]['first_s'] * 1000:.0f})"
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        for name, v in charts["raw"].items():
            lines.append(f"| {name} | {v['median_s'] * 1000:.0f} ms ({v['first_s'] * 1000:.0f}) | | |")
        worst = max(v["median_s"] for w in ("province", "city", "committee") for v in charts[w].values())
        p, o, q = r["page"], r["overdue"], r["ratio"]
        lines += ["", f"* every chart query < 1 s uncached: slowest median {worst:.3f} s — {ok(worst < 1.0)}",
                  f"* page rerun with caching: median {p['median_ms']:.2f} ms (p95 {p['p95_ms']:.2f}) — "
                  f"{ok(p['median_ms'] < 100)}",
                  f"* overdue list p95 {o['p95_ms']:.1f} ms (p50 {o['p50_ms']:.1f}) — {ok(o['p95_ms'] < 50)}; "
                  f"home overdue count p95 {o['home_p95_ms']:.1f} ms",
                  f"* transition ratio with the summary {q['ratio_on']:.3f}, without {q['ratio_off']:.3f}: drop "
                  f"{q['drop']:.1%} — {ok(q['drop'] <= 0.10)} (runs on {q['runs_on']}, off {q['runs_off']})", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.analytics", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--runs", type=int, default=3, help="uncached runs of each chart query")
    ap.add_argument("--reruns", type=int, default=200)
    ap.add_argument("--overdue-calls", type=int, default=200)
    ap.add_argument("--transitions", type=int, default=600, help="transitions per side and run")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--pairs", type=int, default=2, help="runs with the summary on and off, alternating")
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "titles_bench")
    ap.add_argument("--only", default="charts,page,overdue,ratio", help="parts to measure (comma-separated)")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--reuse", action="store_true")
    args = ap.parse_args(argv)
    log = lambda *a: print(*a, flush=True)  # noqa: E731
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    results = []
    for backend in backends:
        target = (sqlite_target(args.n, args.workdir, args.keep, args.reuse) if backend == "sqlite"
                  else pg_target(args.n, args.keep, args.reuse))
        results.append(run_backend(target, args, log))
    text_ = report(results, args)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "analytics-latest.md").write_text(text_)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"analytics-{stamp}.json").write_text(json.dumps(results, default=str, indent=1))
    print("\n" + text_)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
