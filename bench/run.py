"""The benchmark: build N declarations, then measure, in one run and on each backend asked for,

(a) engine transitions/s (``core.declaring.transitions.execute``: unit operator ``approve`` on unit_verify
    declarations, one transaction each, as a click does) against hand-written DBAPI SQL doing the
    same read + guarded update + event insert, one transaction each; rounds are interleaved so
    load from other processes hits both sides alike;
(b) inbox page latency (``core.desks.inbox.inbox_page``) over many random workspaces and pages, and
    the actions of a page for all its rows at once against one engine call per row;
(c) the full province dashboard aggregate (``core.reporting.stats.dashboard``), uncached;
(d) a home page rerun with the dashboard behind a TTL memo that behaves like ``st.cache_data``.

    python -m bench.run --n 100000 --backend both
    python -m bench.run --n 1000000 --backend postgresql --keep

Figures are printed and written to bench/results/latest.md (and a dated copy). See bench/README.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import pickle
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import Engine, create_engine, event, func, select, text

from bench.build import build
from bench.raw_audit import RawChain
from core.audit.trail import GENESIS
from core.desks.inbox import inbox_page
from core.reporting.stats import dashboard, todo_counts
from core.declaring.transitions import execute
from core.workflow import Actor
from db.base import utcnow
from db.models import Declaration, RoleGrant, Unit
from db.uow import UnitOfWork

RESULTS = Path(__file__).resolve().parent / "results"
PG_ADMIN_URL = os.environ.get("TITLES_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
OPERATOR_OF = {"employer": "unit_operator", "department": "dept_operator", "hr_bureau": "hr_operator",
               "committee_organizer": "committee_operator"}


def workspace_states() -> dict[str, list[tuple[str, ...]]]:
    """Per unit kind, the state sets of its operator's inbox workspaces, as the app declares them."""
    from core.desks.workspaces import HOLDER, WORKSPACES

    return {kind: [w.states for w in WORKSPACES if role in w.roles and w.source == HOLDER]
            for kind, role in OPERATOR_OF.items()}
TARGETS = dict(ratio=0.30, inbox_p95_ms=10.0, dashboard_s=1.0, home_ms=100.0)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# --- (a) transitions ---------------------------------------------------------------------------

class RawTransitions:
    """The same transition in hand-written SQL on one DBAPI connection, one transaction each.

    ``minimal``: read + guarded update + event insert (the issue's yardstick). The event gets an
    id (and a chain 0 position) of its own range and a hash chained in memory, so it never collides
    with the engine's.
    ``equivalent``: every statement the engine issues (the actor's audit chain head claimed and advanced,
    as ``core.audit.trail.append`` does).
    """

    def __init__(self, engine: Engine, equivalent: bool):
        self.backend = engine.dialect.name
        self.equivalent = equivalent
        self.conn = engine.raw_connection()
        self.dbapi = self.conn.driver_connection
        self.prev = GENESIS
        # Counting down from near 2**62: the app's next id is the sequence's (PostgreSQL) or the largest + 1
        # (SQLite), so neither ever reaches these.
        self.next_id = 2**62 - random.randrange(10**9) * 1000
        p = "?" if self.backend == "sqlite" else "%s"
        self.audit = RawChain(self.backend)
        self.sql_read = f"SELECT state, version, holder_unit_id FROM declaration WHERE id = {p}"
        self.sql_update = (f"UPDATE declaration SET state = {p}, holder_unit_id = {p}, version = {p}, "
                           f"state_since = {p} WHERE id = {p} AND version = {p}")

    def _ts(self, value: dt.datetime):
        # What SQLAlchemy's UtcDateTime binds: a fixed-format UTC string on SQLite, a datetime on PostgreSQL.
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if self.backend == "sqlite" else value

    def approve(self, account_id: int, unit_id: int, declaration_id: int) -> None:
        now = utcnow()
        cur = self.dbapi.cursor()
        try:
            if self.backend == "sqlite":
                cur.execute("BEGIN IMMEDIATE")
            cur.execute(self.sql_read, (declaration_id,))
            state, version, holder = cur.fetchone()
            if state != "unit_verify" or holder != unit_id:
                raise RuntimeError(f"raw: declaration {declaration_id} is {state} at {holder}")
            cur.execute(self.sql_update, ("unit_publicity", holder, version + 1, self._ts(now), declaration_id, version))
            if cur.rowcount != 1:
                raise RuntimeError("raw: concurrent change")
            if self.equivalent:
                chain, seq, prev, event_id = self.audit.claim(cur, account_id)
            else:  # chain 0 at positions of their own range too: verify names the first of them
                event_id, prev = self.next_id, self.prev
                chain, seq = 0, event_id
                self.next_id -= 1
            values = dict(id=event_id, at=now, kind="transition", action="approve", outcome="ok",
                          account_id=account_id, role="unit_operator", unit_id=unit_id,
                          target=f"declaration:{declaration_id}", declaration_id=declaration_id,
                          from_state="unit_verify", to_state="unit_publicity", from_holder_unit_id=holder,
                          to_holder_unit_id=holder, version=version + 1, comment=None, detail={})
            digest = self.audit.insert(cur, values, self._ts(now), prev, chain, seq)
            if self.equivalent:
                self.audit.advance(cur, event_id, digest, chain)
            else:
                self.prev = digest
            if self.backend == "sqlite":
                cur.execute("COMMIT")
            else:
                self.dbapi.commit()
        except BaseException:
            self.dbapi.rollback()
            raise
        finally:
            cur.close()

    def close(self) -> None:
        self.conn.close()


def _statement_counter(engine: Engine) -> Callable[[], int]:
    count = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args, **_kw):  # noqa: ANN002
        count[0] += 1

    return lambda: count[0]


def bench_transitions(uow: UnitOfWork, per_kind: int, rounds: int, seed: int, log) -> dict:
    with uow.read() as s:
        todo = s.execute(select(Declaration.id, Declaration.holder_unit_id).where(
            Declaration.flow == "review", Declaration.state == "unit_verify")).all()
        accounts = dict(s.execute(select(RoleGrant.unit_id, RoleGrant.account_id)
                                  .where(RoleGrant.role == "unit_operator")).all())
    rng = random.Random(seed)
    rng.shuffle(todo)
    per_kind = min(per_kind, len(todo) // 3)
    per_round = max(1, per_kind // rounds)
    queues = {k: todo[i * per_kind:(i + 1) * per_kind] for i, k in enumerate(("engine", "raw_min", "raw_eq"))}
    raw = {"raw_min": RawTransitions(uow.engine, equivalent=False),
           "raw_eq": RawTransitions(uow.engine, equivalent=True)}
    spent = {k: 0.0 for k in queues}
    done = {k: 0 for k in queues}
    statements = _statement_counter(uow.engine)

    def run(kind: str, batch: list) -> None:
        t0 = time.perf_counter()
        if kind == "engine":
            for did, unit in batch:
                execute(uow, Actor(account_id=accounts[unit], role="unit_operator", unit_id=unit), did, "approve")
        else:
            for did, unit in batch:
                raw[kind].approve(accounts[unit], unit, did)
        spent[kind] += time.perf_counter() - t0
        done[kind] += len(batch)

    # warm-up (connections, statement caches), not timed
    for kind in queues:
        warm, queues[kind] = queues[kind][:20], queues[kind][20:]
        if kind == "engine":
            for did, unit in warm:
                execute(uow, Actor(account_id=accounts[unit], role="unit_operator", unit_id=unit), did, "approve")
        else:
            for did, unit in warm:
                raw[kind].approve(accounts[unit], unit, did)
    order = ["engine", "raw_min", "raw_eq"]
    stmts_before, engine_before = statements(), done["engine"]
    round_ratios = []
    for r in range(rounds):
        before = dict(spent)
        for kind in order[r % 3:] + order[:r % 3]:
            start = done[kind]
            run(kind, queues[kind][start:start + per_round])
        round_ratios.append((spent["raw_min"] - before["raw_min"]) / (spent["engine"] - before["engine"]))
    stmts_per = (statements() - stmts_before) / max(1, done["engine"] - engine_before)
    for side in raw.values():
        side.close()
    rates = {k: done[k] / spent[k] for k in queues}
    log(f"  transitions: engine {rates['engine']:.0f}/s, raw {rates['raw_min']:.0f}/s "
        f"(ratio {rates['engine'] / rates['raw_min']:.2f}; rounds {min(round_ratios):.2f}–{max(round_ratios):.2f}), "
        f"raw with chain head {rates['raw_eq']:.0f}/s")
    return dict(engine_rate=rates["engine"], raw_rate=rates["raw_min"], raw_eq_rate=rates["raw_eq"],
                round_ratio_min=min(round_ratios), round_ratio_median=statistics.median(round_ratios),
                round_ratio_max=max(round_ratios),
                ratio=rates["engine"] / rates["raw_min"], ratio_eq=rates["engine"] / rates["raw_eq"],
                transitions=done["engine"], engine_statements=stmts_per,
                engine_ms=1000 * spent["engine"] / done["engine"], raw_ms=1000 * spent["raw_min"] / done["raw_min"],
                raw_eq_ms=1000 * spent["raw_eq"] / done["raw_eq"])


# --- (b) inbox -----------------------------------------------------------------------------------

def workspaces(uow: UnitOfWork) -> list[tuple[int, tuple[str, ...], int]]:
    """(holder unit, workspace states, inbox size) for every non-empty inbox workspace."""
    spaces_of = workspace_states()
    with uow.read() as s:
        kinds = dict(s.execute(select(Unit.id, Unit.kind)).all())
        held = s.execute(select(Declaration.holder_unit_id, Declaration.state, func.count())
                         .where(Declaration.holder_unit_id.is_not(None))
                         .group_by(Declaration.holder_unit_id, Declaration.state)).all()
    per_unit: dict[int, dict[str, int]] = {}
    for unit, state, n in held:
        per_unit.setdefault(unit, {})[state] = n
    out = []
    for unit, counts in per_unit.items():
        for states in spaces_of[kinds[unit]]:
            size = sum(counts.get(st, 0) for st in states)
            if size:
                out.append((unit, states, size))
    return out


def bench_inbox(uow: UnitOfWork, queries: int, seed: int, log) -> dict:
    spaces = workspaces(uow)
    rng = random.Random(seed)
    biggest = sorted(spaces, key=lambda w: -w[2])[:10]
    filters = [{"year": 2026}, {"level": "associate_senior"}, {"level": "full_senior"}, {"series": "health"},
               {"series": "accounting", "level": "intermediate"}]
    times: list[float] = []
    deep: list[float] = []
    rows_seen = 0
    with uow.read() as s:
        inbox_page(s, biggest[0][0], biggest[0][1])  # warm-up
        walk = 0
        while len(times) < queries:
            unit, states, _size = biggest[walk % len(biggest)] if walk % 4 == 0 else rng.choice(spaces)
            walk += 1
            chosen = rng.choice(filters) if rng.random() < 0.25 else {}
            after, depth = None, rng.randint(1, 10)
            for page_no in range(depth):
                t0 = time.perf_counter()
                page = inbox_page(s, unit, states, after=after, limit=50, **chosen)
                elapsed = time.perf_counter() - t0
                times.append(elapsed)
                if page_no >= 4:
                    deep.append(elapsed)
                rows_seen += len(page.rows)
                after = page.next_cursor
                if after is None:
                    break
    ms = [1000 * t for t in times]
    result = dict(queries=len(ms), p50_ms=pct(ms, 0.5), p95_ms=pct(ms, 0.95), p99_ms=pct(ms, 0.99), max_ms=max(ms),
                  deep_p95_ms=pct([1000 * t for t in deep], 0.95), workspaces=len(spaces),
                  biggest_inbox=biggest[0][2], rows=rows_seen)
    log(f"  inbox: {result['queries']} pages over {len(spaces)} workspaces: p50 {result['p50_ms']:.2f} ms, "
        f"p95 {result['p95_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms (largest inbox {biggest[0][2]:,} rows)")
    return result


def bench_page_actions(uow: UnitOfWork, pages: int, seed: int, log) -> dict:
    """(b') The actions of a full inbox's first page (50 rows) for the holder's operator: for the whole page at
    once (``core.desks.listing.page_actions``) against one engine call per row (``core.declaring.transitions.options``,
    what per-row lists did before), on the same pages, results checked equal."""
    from core.desks.listing import page_actions
    from core.declaring.transitions import options

    spaces = [w for w in workspaces(uow) if w[2] >= 50]  # full pages
    rng, today = random.Random(seed), utcnow().date()
    batch, per_row, rows = [], [], 0
    with uow.read() as s:
        kinds = dict(s.execute(select(Unit.id, Unit.kind)).all())
        for i in range(pages + 1):
            unit, states, _size = rng.choice(spaces)
            actor = Actor(account_id=0, role=OPERATOR_OF[kinds[unit]], unit_id=unit)
            ids = [r.id for r in inbox_page(s, unit, states, limit=50).rows]
            t0 = time.perf_counter()
            together = page_actions(s, actor, ids, today)
            t1 = time.perf_counter()
            one_by_one = {d: options(s, actor, d, today) for d in ids}
            t2 = time.perf_counter()
            assert together == one_by_one, (unit, states)
            if i:  # the first is a warm-up
                batch.append(1000 * (t1 - t0))
                per_row.append(1000 * (t2 - t1))
                rows += len(ids)
    result = dict(pages=len(batch), rows=rows, batch_p50_ms=pct(batch, 0.5), batch_p95_ms=pct(batch, 0.95),
                  per_row_p50_ms=pct(per_row, 0.5), per_row_p95_ms=pct(per_row, 0.95))
    log(f"  page actions: {len(batch)} first pages ({rows:,} rows): whole page at once "
        f"p50 {result['batch_p50_ms']:.2f} ms, "
        f"p95 {result['batch_p95_ms']:.2f} ms; one engine call per row p50 {result['per_row_p50_ms']:.2f} ms, "
        f"p95 {result['per_row_p95_ms']:.2f} ms (same options)")
    return result


# --- (c) dashboard, (d) home page rerun ----------------------------------------------------------

class TtlMemo:
    """Like ``st.cache_data(ttl=...)``: keyed by the function and a hash of its pickled arguments;
    each hit unpickles a fresh copy of the stored value (Streamlit hands out copies, too)."""

    def __init__(self, ttl: float):
        self.ttl = ttl
        self.store: dict[str, tuple[float, bytes]] = {}

    def __call__(self, fn: Callable, *args: Any) -> Any:
        key = hashlib.md5(pickle.dumps((fn.__module__, fn.__qualname__, args))).hexdigest()
        hit = self.store.get(key)
        if hit is not None and time.monotonic() - hit[0] < self.ttl:
            return pickle.loads(hit[1])
        value = fn(*args)
        self.store[key] = (time.monotonic(), pickle.dumps(value))
        return value


def bench_dashboard(uow: UnitOfWork, runs: int, reruns: int, log) -> dict:
    with uow.read() as s:
        prov = s.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id).limit(1)).one()
        prov_path, prov_id = prov.path, prov.id
    spaces = [(prov_id, states) for states in workspace_states()["hr_bureau"]]
    totals, parts = [], {"by_state": [], "weekly_new": [], "todo": []}
    for _ in range(runs):
        with uow.read() as s:
            t0 = time.perf_counter()
            board = dashboard(s, prov_path, workspaces=spaces)
            totals.append(time.perf_counter() - t0)
    with uow.read() as s:  # where the time goes: the pieces alone
        from core.reporting.stats import by_state, weekly_new
        for _ in range(runs):
            for name, fn in (("by_state", lambda: by_state(s, prov_path)), ("weekly_new", lambda: weekly_new(s, prov_path)),
                             ("todo", lambda: todo_counts(s, spaces))):
                t0 = time.perf_counter()
                fn()
                parts[name].append(time.perf_counter() - t0)

    def cached_dashboard(scope_path: str, day: dt.date) -> dict:
        with uow.read() as s:
            return dashboard(s, scope_path, today=day)

    memo = TtlMemo(ttl=60)
    reruns_s: list[float] = []
    first = None
    for i in range(reruns + 1):
        t0 = time.perf_counter()
        board = memo(cached_dashboard, prov_path, utcnow().date())  # cached, like st.cache_data(ttl=60)
        with uow.read() as s:  # live on every rerun: my to-do counts and the first inbox page
            todo = todo_counts(s, spaces)
            page = inbox_page(s, prov_id, spaces[0][1], limit=20)
        elapsed = time.perf_counter() - t0
        if i == 0:
            first = elapsed
        else:
            reruns_s.append(elapsed)
    assert board["total"] > 0 and todo and page is not None
    result = dict(dashboard_first_s=totals[0], dashboard_median_s=statistics.median(totals),
                  dashboard_max_s=max(totals), total=board["total"],
                  parts_ms={k: 1000 * statistics.median(v) for k, v in parts.items()},
                  home_first_ms=1000 * first, home_median_ms=1000 * statistics.median(reruns_s),
                  home_p95_ms=1000 * pct(reruns_s, 0.95), reruns=len(reruns_s))
    log(f"  dashboard (province, uncached): first {totals[0]:.3f}s, median {result['dashboard_median_s']:.3f}s "
        f"({', '.join(f'{k} {v:.0f} ms' for k, v in result['parts_ms'].items())})")
    log(f"  home rerun (dashboard cached; to-dos and inbox live): median {result['home_median_ms']:.2f} ms, "
        f"p95 {result['home_p95_ms']:.2f} ms; first (cache miss) {result['home_first_ms']:.0f} ms")
    return result


# --- databases ------------------------------------------------------------------------------------

@dataclass
class Target:
    backend: str
    url: str
    cleanup: Callable[[], None] = field(default=lambda: None)
    reused: bool = False


def sqlite_target(n: int, workdir: Path, keep: bool, reuse: bool) -> Target:
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / (f"bench_{n}.db" if keep or reuse else f"bench_{n}_{uuid.uuid4().hex[:8]}.db")
    reused = reuse and path.exists()
    if not reused:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    def cleanup() -> None:
        if not keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    return Target("sqlite", f"sqlite:///{path}", cleanup, reused)


def pg_target(n: int, keep: bool, reuse: bool) -> Target:
    name = f"titles_bench_{n}" if keep or reuse else f"titles_bench_{n}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        reused = bool(reuse and exists)
        if not reused:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()

    def cleanup() -> None:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    return Target("postgresql", PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", cleanup, reused)


def run_backend(target: Target, args, log) -> dict:
    log(f"\n== {target.backend}, N = {args.n:,} ==")
    result: dict[str, Any] = dict(backend=target.backend, n=args.n)
    uow = UnitOfWork.from_url(target.url)
    try:
        if target.reused:
            log("  reusing the database built before (--reuse); transitions consumed earlier stay consumed")
        else:
            result["build"] = build(uow, args.n, seed=args.seed, log=log)
            log(f"  built in {result['build']['total_s']:.1f}s")
        if target.backend == "sqlite":
            with uow.engine.connect() as conn:
                result["journal_mode"] = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        result["inbox"] = bench_inbox(uow, args.inbox_queries, args.seed, log)
        result["page_actions"] = bench_page_actions(uow, args.action_pages, args.seed, log)
        result["dashboard"] = bench_dashboard(uow, args.dashboard_runs, args.home_reruns, log)
        result["transitions"] = bench_transitions(uow, args.transitions, args.rounds, args.seed, log)
    finally:
        uow.dispose()
        target.cleanup()
    return result


# --- report ---------------------------------------------------------------------------------------

def _ok(flag: bool) -> str:
    return "met" if flag else "MISSED"


def report(results: list[dict], args) -> str:
    lines = [f"# Benchmark results ({dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC)", "",
             f"`python -m bench.run --n {args.n} --backend {args.backend}` on {os.cpu_count()} cores "
             f"(shared; other work was running, so compare ratios, not absolute rates).", "",
             "| backend | N | engine tx/s | raw SQL tx/s | **ratio** (≥ 0.30) | raw + chain head tx/s | ratio to it "
             "| inbox p50 / p95 / p99 ms (p95 < 10) | dashboard uncached s (< 1) | home rerun median ms (< 100) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        t, i, d = r["transitions"], r["inbox"], r["dashboard"]
        backend = r["backend"] + (f" ({r['journal_mode'].upper()})" if r.get("journal_mode") else "")
        lines.append(
            f"| {backend} | {r['n']:,} | {t['engine_rate']:.0f} | {t['raw_rate']:.0f} | **{t['ratio']:.2f}** "
            f"{_ok(t['ratio'] >= TARGETS['ratio'])} | {t['raw_eq_rate']:.0f} | {t['ratio_eq']:.2f} "
            f"| {i['p50_ms']:.2f} / **{i['p95_ms']:.2f}** / {i['p99_ms']:.2f} {_ok(i['p95_ms'] < TARGETS['inbox_p95_ms'])} "
            f"| **{d['dashboard_median_s']:.3f}** (first {d['dashboard_first_s']:.3f}) "
            f"{_ok(d['dashboard_median_s'] < TARGETS['dashboard_s'])} "
            f"| **{d['home_median_ms']:.2f}** (p95 {d['home_p95_ms']:.2f}) {_ok(d['home_median_ms'] < TARGETS['home_ms'])} |")
    lines += ["", "Details:", ""]
    for r in results:
        t, i, d = r["transitions"], r["inbox"], r["dashboard"]
        b = r.get("build")
        lines.append(f"- **{r['backend']}, N = {r['n']:,}**: "
                     + (f"build {b['total_s']:.0f} s (generate {b['generate_s']:.0f} s, load {b['load_s']:.0f} s, "
                        f"indexes {b['index_s']:.0f} s, analyze {b['analyze_s']:.0f} s; {b['units']:,} units, "
                        f"{b['persons']:,} persons). " if b else "reused database. ")
                     + f"Transitions: {t['transitions']} per side in {args.rounds} interleaved rounds (per-round "
                       f"ratio {t['round_ratio_min']:.2f}–{t['round_ratio_max']:.2f}, median "
                       f"{t['round_ratio_median']:.2f}), engine {t['engine_ms']:.2f} ms each "
                       f"({t['engine_statements']:.0f} SQL statements"
                       f"{' counting BEGIN IMMEDIATE' if r['backend'] == 'sqlite' else ''}, then commit), raw "
                       f"{t['raw_ms']:.2f} ms, raw + chain head {t['raw_eq_ms']:.2f} ms. "
                     + f"Inbox: {i['queries']} pages of 50 over {i['workspaces']} workspaces (largest "
                       f"{i['biggest_inbox']:,} rows), pages ≥ 5 deep p95 {i['deep_p95_ms']:.2f} ms, max "
                       f"{i['max_ms']:.1f} ms. "
                     + (f"Page actions ({r['page_actions']['pages']} first pages, {r['page_actions']['rows']:,} rows): "
                        f"whole page at once p50 / p95 {r['page_actions']['batch_p50_ms']:.2f} / "
                        f"{r['page_actions']['batch_p95_ms']:.2f} ms, one engine call per row "
                        f"{r['page_actions']['per_row_p50_ms']:.2f} / {r['page_actions']['per_row_p95_ms']:.2f} ms. "
                        if r.get("page_actions") else "")
                     + f"Dashboard over {d['total']:,} declarations: "
                     + ", ".join(f"{k} {v:.0f} ms" for k, v in d["parts_ms"].items())
                     + f"; home rerun first (cache miss) {d['home_first_ms']:.0f} ms over {d['reruns']} reruns.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="declarations to build (1000000 for the 1M targets)")
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--transitions", type=int, default=2000, help="transitions per side (engine, raw, raw+chain)")
    ap.add_argument("--rounds", type=int, default=10, help="interleaved rounds the transitions are split into")
    ap.add_argument("--inbox-queries", type=int, default=3000)
    ap.add_argument("--action-pages", type=int, default=200, help="inbox pages whose actions are computed")
    ap.add_argument("--dashboard-runs", type=int, default=5)
    ap.add_argument("--home-reruns", type=int, default=300)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "titles_bench",
                    help="where SQLite benchmark files go")
    ap.add_argument("--keep", action="store_true", help="keep the databases (bench_<n>.db, titles_bench_<n>)")
    ap.add_argument("--reuse", action="store_true", help="reuse databases kept by an earlier --keep run")
    args = ap.parse_args(argv)
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    results = []
    for backend in backends:
        target = (sqlite_target(args.n, args.workdir, args.keep, args.reuse) if backend == "sqlite"
                  else pg_target(args.n, args.keep, args.reuse))
        results.append(run_backend(target, args, print))
    md = report(results, args)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(md, encoding="utf-8")
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"{stamp}_{args.backend}_{args.n}.md").write_text(md, encoding="utf-8")
    (RESULTS / f"{stamp}_{args.backend}_{args.n}.json").write_text(json.dumps(results, indent=2, default=str))
    print("\n" + md)
    print(f"written to {RESULTS / 'latest.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
