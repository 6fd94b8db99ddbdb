"""Audit trail under concurrency: how many transitions per second 8 writers get through the audit chain.

On PostgreSQL (a fresh database this run creates and drops), ``--threads`` writers (8 by default), each on
its own connection, run transactions shaped like one workflow transition (``core.workflow_store.write_change``):

* **engine**: one ``UnitOfWork.write()`` each: a guarded ``UPDATE bench_row ... WHERE id = ? AND version = ?``
  of the writer's own row, then one ``core.audit.trail.append`` (the actor is one of ``--voters`` accounts,
  taken in turn by the writers), then commit;
* **raw**: the same guarded UPDATE and a plain ``INSERT`` into an un-chained copy of the event table, in
  hand-written SQL on the writer's own DBAPI connection, one transaction each.

The engine side runs once for each number of audit chains in ``--chains`` (``TITLES_AUDIT_CHAINS``, read
by every append), so one run compares the single chain of before with several.

The writers never touch each other's rows, so anything that makes them wait for each other is the audit
trail's. The two sides run in interleaved rounds (order rotating) of ``--seconds`` each, so load from other
processes hits both alike; tps = transactions / time over all rounds, p95 over every transaction's latency
(begin to commit), **ratio** = engine tps / raw tps. At the end the trail is verified and its events
counted against the engine's commits (none lost, none doubled).

    python -m bench.audit_concurrency                      # 8 writers, 1 and 8 chains, 4 rounds of 3 s per side
    python -m bench.audit_concurrency --chains 1,8,16,32
    python -m bench.audit_concurrency --threads 16 --seconds 5

The admin URL is ``TITLES_BENCH_PG_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``).
Figures are printed and written to bench/results/audit_concurrency_latest.md (and a dated .md and .json).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import func, select, text

from bench.panel_build import scratch_database
from bench.run import pct
from core.audit import trail as audit
from db.base import utcnow
from db.migrate import upgrade_to_head
from db.models import AuditEvent
from db.uow import UnitOfWork

RESULTS = Path(__file__).resolve().parent / "results"

_SCHEMA = [
    "CREATE TABLE bench_row (id BIGINT PRIMARY KEY, state VARCHAR(32) NOT NULL, version INTEGER NOT NULL)",
    # The raw side's events: the audit table's columns without the chain (no hashes, no head).
    """CREATE TABLE bench_plain_event (
        id BIGSERIAL PRIMARY KEY, at TIMESTAMPTZ NOT NULL, kind VARCHAR(32) NOT NULL, action VARCHAR(32) NOT NULL,
        outcome VARCHAR(16) NOT NULL, account_id BIGINT, role VARCHAR(32), unit_id BIGINT, target VARCHAR(200),
        declaration_id BIGINT, from_state VARCHAR(32), to_state VARCHAR(32), from_holder_unit_id BIGINT,
        to_holder_unit_id BIGINT, version INTEGER, comment VARCHAR(4000), detail JSON NOT NULL)""",
]
_ENGINE_UPDATE = text("UPDATE bench_row SET state = :state, version = :new WHERE id = :id AND version = :old")
_RAW_UPDATE = "UPDATE bench_row SET state = %s, version = %s WHERE id = %s AND version = %s"
_RAW_INSERT = ("INSERT INTO bench_plain_event (at, kind, action, outcome, account_id, role, unit_id, target, "
               "declaration_id, from_state, to_state, from_holder_unit_id, to_holder_unit_id, version, comment, "
               "detail) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
STATES = ("voting", "voted")


class Writer:
    """One writer: its own row (and version), its own DBAPI connection for the raw side, its voters."""

    def __init__(self, index: int, uow: UnitOfWork, voters: list[int]):
        self.row = 1000 + index
        self.version = 0
        self.voters = voters
        self.turn = 0
        self.uow = uow
        self.raw = uow.engine.raw_connection()
        self.dbapi = self.raw.driver_connection

    def _next(self) -> tuple[int, str, str, int]:
        voter = self.voters[self.turn % len(self.voters)]
        self.turn += 1
        old = self.version
        return voter, STATES[old % 2], STATES[(old + 1) % 2], old

    def engine(self) -> None:
        voter, from_state, to_state, old = self._next()
        with self.uow.write() as s:
            now = utcnow()
            done = s.execute(_ENGINE_UPDATE, {"state": to_state, "new": old + 1, "id": self.row, "old": old})
            if done.rowcount != 1:
                raise RuntimeError("engine: concurrent change of a writer's own row")
            audit.append(s, kind="transition", action="vote", at=now, account_id=voter, role="panel_member",
                         target=f"bench_row:{self.row}", from_state=from_state, to_state=to_state,
                         version=old + 1, detail={"vote": "yes"})
        self.version = old + 1

    def raw_sql(self) -> None:
        voter, from_state, to_state, old = self._next()
        cur = self.dbapi.cursor()
        try:
            now = utcnow()
            cur.execute(_RAW_UPDATE, (to_state, old + 1, self.row, old))
            if cur.rowcount != 1:
                raise RuntimeError("raw: concurrent change of a writer's own row")
            cur.execute(_RAW_INSERT, (now, "transition", "vote", "ok", voter, "panel_member", None,
                                      f"bench_row:{self.row}", None, from_state, to_state, None, None, old + 1,
                                      None, json.dumps({"vote": "yes"})))
            self.dbapi.commit()
        except BaseException:
            self.dbapi.rollback()
            raise
        finally:
            cur.close()
        self.version = old + 1

    def close(self) -> None:
        self.raw.close()


class LockWaits:
    """Samples pg_stat_activity every 20 ms on a connection of its own: how many of the database's other
    backends wait on a lock (a row lock such as the chain head's shows as wait_event_type 'Lock')."""

    def __init__(self, uow: UnitOfWork):
        self.conn = uow.engine.raw_connection()
        self.conn.driver_connection.autocommit = True
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        cur = self.conn.driver_connection.cursor()
        while not self._stop.is_set():
            cur.execute("SELECT count(*) FILTER (WHERE wait_event_type = 'Lock') FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            self.samples.append(cur.fetchone()[0])
            self._stop.wait(0.02)
        cur.close()

    def start(self) -> None:
        self.samples, self._stop = [], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> list[int]:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        return self.samples

    def close(self) -> None:
        self.conn.close()


def phase(writers: list[Writer], kind: str, seconds: float,
          waits: LockWaits | None = None) -> tuple[int, float, list[float], list[int]]:
    """All writers run ``kind`` transactions (``raw``, or ``engine@<chains>``) back to back for ``seconds``;
    (count, elapsed, latencies, lock-wait samples)."""
    if kind.startswith("engine@"):
        os.environ["TITLES_AUDIT_CHAINS"] = kind.split("@")[1]
    start = threading.Barrier(len(writers) + 1)
    latencies: list[list[float]] = [[] for _ in writers]
    errors: list[BaseException] = []
    stop_at = [0.0]

    def run(i: int) -> None:
        w = writers[i]
        step: Callable[[], None] = w.raw_sql if kind == "raw" else w.engine
        mine = latencies[i]
        start.wait(timeout=60)
        try:
            while True:
                t0 = time.perf_counter()
                if t0 >= stop_at[0]:
                    return
                step()
                mine.append(time.perf_counter() - t0)
        except BaseException as error:  # noqa: BLE001 - reported after the phase
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(writers))]
    for t in threads:
        t.start()
    if waits is not None:
        waits.start()
    t0 = time.perf_counter()
    stop_at[0] = t0 + seconds
    start.wait(timeout=60)
    for t in threads:
        t.join(timeout=seconds + 120)
    elapsed = time.perf_counter() - t0
    samples = waits.stop() if waits is not None else []
    if errors:
        raise errors[0]
    flat = [x for per in latencies for x in per]
    return len(flat), elapsed, flat, samples


def side_summary(count: int, elapsed: float, latencies: list[float], waits: list[int]) -> dict[str, float]:
    return dict(transactions=count, seconds=elapsed, tps=count / elapsed, p50_ms=1000 * pct(latencies, 0.5),
                p95_ms=1000 * pct(latencies, 0.95), p99_ms=1000 * pct(latencies, 0.99),
                lock_waiters=sum(waits) / len(waits) if waits else float("nan"))


def measure(uow: UnitOfWork, args, log) -> dict[str, Any]:
    voters = list(range(1, args.voters + 1))
    writers = [Writer(i, uow, voters[i::args.threads] or [voters[i % len(voters)]]) for i in range(args.threads)]
    with uow.write() as s:
        s.execute(text("INSERT INTO bench_row (id, state, version) VALUES (:id, 'voting', 0)"),
                  [{"id": w.row} for w in writers])
    sides = ("raw", *(f"engine@{n}" for n in args.chains))
    totals = {k: [0, 0.0, [], []] for k in sides}
    round_ratios = []
    waits = LockWaits(uow)
    try:
        for kind in sides:  # warm-up: connections, statement caches
            phase(writers, kind, min(1.0, args.seconds))
        # Events of the engine phases, counted against the trail at the end.
        with uow.read() as s:
            warm_events = s.scalar(select(func.count()).select_from(AuditEvent))
        warm_anchors = anchors_written(uow)
        for r in range(args.rounds):
            rates = {}
            for kind in sides[r % len(sides):] + sides[:r % len(sides)]:
                count, elapsed, lat, sampled = phase(writers, kind, args.seconds, waits)
                totals[kind][0] += count
                totals[kind][1] += elapsed
                totals[kind][2] += lat
                totals[kind][3] += sampled
                rates[kind] = count / elapsed
            round_ratios.append({k: rates[k] / rates["raw"] for k in sides[1:]})
            log(f"  round {r + 1}: raw {rates['raw']:.0f} tx/s, "
                + ", ".join(f"{k.replace('@', ' at ')} chains {rates[k]:.0f} tx/s (ratio {rates[k] / rates['raw']:.2f})"
                            for k in sides[1:]))
    finally:
        waits.close()
        for w in writers:
            w.close()
    result: dict[str, Any] = {k: side_summary(*totals[k]) for k in sides}
    result["ratio"] = {k: result[k]["tps"] / result["raw"]["tps"] for k in sides[1:]}
    result["round_ratios"] = round_ratios
    engine_transactions = sum(result[k]["transactions"] for k in sides[1:])
    with uow.read() as s:
        events = s.scalar(select(func.count()).select_from(AuditEvent))
        result["verify"] = audit.verify(s)
    anchors = anchors_written(uow)
    result["events_lost_or_doubled"] = events - warm_events - engine_transactions - (anchors - warm_anchors)
    if result["verify"] is not None or result["events_lost_or_doubled"]:
        raise RuntimeError(f"audit trail broken after the run: verify {result['verify']}, "
                           f"{result['events_lost_or_doubled']} events lost or doubled")
    return result


def anchors_written(uow: UnitOfWork) -> int:
    """Anchors the appends wrote on their own (every TITLES_AUDIT_ANCHOR_EVERY appends of a chain)."""
    with uow.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == "audit",
                                                                           AuditEvent.action == "anchor"))


def report(result: dict, args) -> str:
    r = result["raw"]
    lines = [f"# Audit trail under concurrency ({dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC)", "",
             f"`python -m bench.audit_concurrency --threads {args.threads} --chains "
             f"{','.join(map(str, args.chains))} --seconds {args.seconds} --rounds {args.rounds}` on PostgreSQL, "
             f"{os.cpu_count()} cores (shared: compare ratios, not absolute rates).", "",
             "| writers | audit chains | engine tx/s | engine p95 ms | raw tx/s | raw p95 ms | **ratio** "
             "| writers waiting on a lock, engine / raw |",
             "|---|---|---|---|---|---|---|---|"]
    for n in args.chains:
        e = result[f"engine@{n}"]
        lines.append(f"| {args.threads} | {n} | {e['tps']:.0f} | {e['p95_ms']:.1f} | {r['tps']:.0f} | {r['p95_ms']:.1f} "
                     f"| **{result['ratio'][f'engine@{n}']:.2f}** | {e['lock_waiters']:.1f} / {r['lock_waiters']:.1f} |")
    lines.append("")
    for n in args.chains:
        key = f"engine@{n}"
        e, ratios = result[key], [rr[key] for rr in result["round_ratios"]]
        lines.append(f"- {n} chain{'s' if n > 1 else ''}: per-round ratio {min(ratios):.2f}–{max(ratios):.2f}; "
                     f"engine p50 {e['p50_ms']:.1f} ms, p99 {e['p99_ms']:.1f} ms; {e['transactions']:,} transactions.")
    lines.append(f"- raw: p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms; {r['transactions']:,} transactions. "
                 f"Trail verified afterwards, no event lost or doubled.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.audit_concurrency", description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=8, help="concurrent writers, one connection each")
    ap.add_argument("--seconds", type=float, default=3.0, help="length of one side's phase in a round")
    ap.add_argument("--rounds", type=int, default=4, help="interleaved rounds (order rotating)")
    ap.add_argument("--voters", type=int, default=60, help="accounts the writers act as, in turn")
    ap.add_argument("--chains", type=lambda v: [int(n) for n in v.split(",")], default=[1, 8],
                    help="audit chain counts the engine side runs with, comma-separated (TITLES_AUDIT_CHAINS)")
    args = ap.parse_args(argv)
    db = scratch_database("postgresql")
    # Each writer keeps one raw connection and takes one from the pool per engine transaction; one more samples.
    uow = UnitOfWork.from_url(db.url, pool_size=2 * args.threads + 1, max_overflow=4)
    try:
        upgrade_to_head(uow.engine)
        with uow.engine.begin() as conn:
            for ddl in _SCHEMA:
                conn.execute(text(ddl))
        print(f"== audit trail, PostgreSQL, {args.threads} writers ==")
        result = measure(uow, args, print)
    finally:
        uow.dispose()
        db.cleanup()
    md = report(result, args)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "audit_concurrency_latest.md").write_text(md, encoding="utf-8")
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"{stamp}_audit_concurrency.md").write_text(md, encoding="utf-8")
    (RESULTS / f"{stamp}_audit_concurrency.json").write_text(json.dumps(result, indent=2, default=str))
    print("\n" + md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
