"""Committee voting under concurrent clicks (``core.panel.voting.cast``) against raw SQL, on PostgreSQL.

Builds (bench/panel_build.py) three identical sessions in ``committee_voting`` (M voting members, all signed
in, one declined; D dossiers each; counters opened at zero; some members recused from some dossiers by
unit, person or declared conflict). Then, in interleaved rounds (members split into chunks; each chunk on
each side, order alternating), T threads take members from a queue and vote as a member clicks: each of
the member's dossiers once, one dossier per call, in random order.

* **engine**: ``voting.cast(uow, member, session, "committee", {dossier: choice})`` on session A (checks,
  participation row, counter bump, one hash-chained audit event, one transaction each);
* **raw**: hand-written DBAPI SQL on session B, one transaction per vote: participation insert, counter
  update, a plain audit-like insert into a scratch table (no chain), one connection per thread;
* **raw_chain**: the same on session C, but the audit row appended to the real trail as core.audit.trail
  does it (chain head row locked, event hashed, head advanced): what the one global chain costs.

Then it checks: no ballot lost (participations = M×D minus recused; counters sum to participations, per
dossier and choice equal to the choices clicked), nobody voted twice (a second click gets
``voting.AlreadyVoted``, also when both clicks of a pair race from two threads; a recused member is
refused), the tally (``voting.tally``) equals the ballots, and the audit chain verifies.

Every engine vote appends to the one audit chain, under the chain head's row lock
(core/audit/trail.py), so votes serialise on it; the raw side takes no such lock.

    python -m bench.panel_votes                                       # quick: 20 members × 30 dossiers, 8 threads
    python -m bench.panel_votes --voters 60 --dossiers 200 --threads 12   # the full size
"""
from __future__ import annotations

import argparse
import json
import queue
import random
import threading
import time
from collections import Counter

from sqlalchemy import (JSON, BigInteger, Column, DateTime, Integer, MetaData, String, Table, func, select)

from bench.panel_build import BuiltSession, Voter, build_panel, scratch_database
from bench.run import pct
from bench.raw_audit import RawChain
from core.audit.trail import verify
from core.common.errors import InvalidAction
from core.panel import rules, voting
from db.base import utcnow
from db.models import TallyResult, VoteCount, VoteParticipation
from db.uow import UnitOfWork

RAW_AUDIT = Table("bench_raw_audit", MetaData(),
                  Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
                  Column("at", DateTime(timezone=True), nullable=False), Column("kind", String(32), nullable=False),
                  Column("action", String(32), nullable=False), Column("outcome", String(16), nullable=False),
                  Column("account_id", BigInteger, index=True), Column("role", String(32)),
                  Column("unit_id", BigInteger, index=True), Column("target", String(200)),
                  Column("declaration_id", BigInteger), Column("detail", JSON, nullable=False))


def choice_of(seed: int, member_id: int, declaration_id: int) -> str:
    """The member's choice on a dossier: reproducible, ~70% approve, 20% reject, 10% abstain."""
    return random.Random(seed * 1_000_003 + member_id * 100_003 + declaration_id).choices(rules.CHOICES, (7, 2, 1))[0]


class RawVotes:
    """One DBAPI connection (one per thread): the vote's three writes in one transaction. With ``chain``, the audit
    row goes to the real trail the way core.audit.trail appends it (chain head locked, event hashed, head advanced)."""

    def __init__(self, uow: UnitOfWork, chain: bool = False):
        self.chain = chain
        self.conn = uow.engine.raw_connection()
        self.dbapi = self.conn.driver_connection
        p = "?" if uow.engine.dialect.name == "sqlite" else "%s"
        self.sqlite = uow.engine.dialect.name == "sqlite"
        self.sql_participation = (f"INSERT INTO vote_participation (session_id, declaration_id, stage, member_id, voted_at) "
                                  f"VALUES ({p}, {p}, 'committee', {p}, {p})")
        self.sql_counter = (f"UPDATE vote_count SET count = count + 1 WHERE session_id = {p} AND declaration_id = {p} "
                            f"AND stage = 'committee' AND choice = {p}")
        self.sql_audit = (f"INSERT INTO bench_raw_audit (at, kind, action, outcome, account_id, role, unit_id, target, "
                          f"declaration_id, detail) VALUES ({p}, 'panel', 'panel_vote', 'ok', {p}, {p}, NULL, {p}, {p}, {p})")
        self.audit = RawChain(uow.engine.dialect.name)

    def vote(self, session_id: int, voter: Voter, declaration_id: int, choice: str) -> None:
        now = utcnow()
        at = now.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else now
        cur = self.dbapi.cursor()
        try:
            if self.sqlite:
                cur.execute("BEGIN IMMEDIATE")
            cur.execute(self.sql_participation, (session_id, declaration_id, voter.member_id, at))
            cur.execute(self.sql_counter, (session_id, declaration_id, choice))
            if cur.rowcount != 1:
                raise RuntimeError("raw: counter missing")
            if self.chain:
                chain, seq, prev, event_id = self.audit.claim(cur, voter.actor.account_id)
                values = dict(id=event_id, at=now, kind="panel", action="panel_vote", outcome="ok",
                              account_id=voter.actor.account_id, role=voter.actor.role, unit_id=None,
                              target=f"panel_session:{session_id}", declaration_id=declaration_id, from_state=None,
                              to_state=None, from_holder_unit_id=None, to_holder_unit_id=None, version=None,
                              comment=None, detail={"stage": "committee"})
                digest = self.audit.insert(cur, values, at, prev, chain, seq)
                self.audit.advance(cur, event_id, digest, chain)
            else:
                cur.execute(self.sql_audit, (at, voter.actor.account_id, voter.actor.role, f"panel_session:{session_id}",
                                             declaration_id, json.dumps({"stage": "committee"})))
            if self.sqlite:
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


def _plan(built: BuiltSession, voters: list[Voter], seed: int, skip: set[tuple[int, int]]) -> dict[int, list[int]]:
    """Per member, the dossiers they may vote on (not recused, not kept back), in their own random order."""
    out = {}
    for v in voters:
        mine = [d for d in built.dossiers if (v.member_id, d) not in built.recused and (v.member_id, d) not in skip]
        random.Random(seed + v.member_id).shuffle(mine)
        out[v.member_id] = mine
    return out


def _run_side(threads: int, voters: list[Voter], work, plan: dict[int, list[int]], seed: int,
              thread_state=None) -> tuple[float, list[float], list[BaseException]]:
    """Threads take members from a queue; each votes the member's dossiers one call at a time."""
    todo: queue.Queue = queue.Queue()
    for v in voters:
        todo.put(v)
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        state = thread_state() if thread_state else None
        mine: list[float] = []
        try:
            while True:
                try:
                    v = todo.get_nowait()
                except queue.Empty:
                    break
                for d in plan[v.member_id]:
                    t0 = time.perf_counter()
                    work(state, v, d, choice_of(seed, v.member_id, d))
                    mine.append(time.perf_counter() - t0)
        except BaseException as exc:  # noqa: BLE001 - reported, the run fails
            errors.append(exc)
        finally:
            if state is not None:
                state.close()
            with lock:
                latencies.extend(mine)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    t0 = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - t0, latencies, errors


def _double_clicks(uow: UnitOfWork, built: BuiltSession, pairs: list[tuple[Voter, int]], seed: int) -> Counter:
    """Each kept-back (member, dossier) clicked twice at once from two threads: one vote counts, one is refused."""
    outcome: Counter = Counter()
    lock = threading.Lock()
    for v, d in pairs:
        barrier = threading.Barrier(2)

        def click() -> None:
            barrier.wait()
            try:
                voting.cast(uow, v.actor, built.id, "committee", {d: choice_of(seed, v.member_id, d)})
                result = "ok"
            except voting.AlreadyVoted:
                result = "already"
            with lock:
                outcome[result] += 1

        both = [threading.Thread(target=click) for _ in range(2)]
        for t in both:
            t.start()
        for t in both:
            t.join()
    return outcome


def check(uow: UnitOfWork, built: BuiltSession, plan: dict[int, list[int]], kept: list[tuple[Voter, int]],
          seed: int, log) -> dict:
    voters = {v.member_id: v for v in built.voters}
    # a deliberate second vote, one by one
    v, d = next((voters[m], ds[0]) for m, ds in plan.items() if ds)
    try:
        voting.cast(uow, v.actor, built.id, "committee", {d: "approve"})
        raise AssertionError("a second vote was accepted")
    except voting.AlreadyVoted:
        pass
    # a recused member is refused
    refused = 0
    for m, d in sorted(built.recused)[:5]:
        try:
            voting.cast(uow, voters[m].actor, built.id, "committee", {d: "approve"})
            raise AssertionError("a recused member's vote was accepted")
        except InvalidAction as exc:
            assert exc.key == "panel.recused", exc.key
            refused += 1
    clicks = _double_clicks(uow, built, kept, seed)
    assert clicks == Counter(ok=len(kept), already=len(kept)), clicks
    expected_votes = len(built.voters) * len(built.dossiers) - len(built.recused)
    want: Counter = Counter()
    for m, ds in plan.items():
        for d in ds:
            want[(d, choice_of(seed, m, d))] += 1
    for v, d in kept:
        want[(d, choice_of(seed, v.member_id, d))] += 1
    with uow.read() as s:
        where = (VoteParticipation.session_id == built.id, VoteParticipation.stage == "committee")
        participations = s.scalar(select(func.count()).where(*where))
        distinct = s.scalar(select(func.count()).select_from(
            select(VoteParticipation.declaration_id, VoteParticipation.member_id).where(*where).distinct().subquery()))
        counters = {(d, c): n for d, c, n in s.execute(select(VoteCount.declaration_id, VoteCount.choice, VoteCount.count)
                                                       .where(VoteCount.session_id == built.id,
                                                              VoteCount.stage == "committee")) if n}
        broken = verify(s)
    assert participations == expected_votes == sum(want.values()), (participations, expected_votes)
    assert distinct == participations, "somebody voted twice"
    assert sum(counters.values()) == participations, "counters and participations disagree"
    assert counters == dict(want), "the counters are not the choices clicked"
    assert broken is None, f"audit chain broken at {broken}"
    t0 = time.perf_counter()
    results = voting.tally(uow, built.chair, built.id)
    tally_s = time.perf_counter() - t0
    tallied = {r.declaration_id: (r.yes, r.no, r.abstain) for r in results}
    assert tallied == {d: (want[(d, "approve")], want[(d, "reject")], want[(d, "abstain")]) for d in built.dossiers}, \
        "the tally is not the ballots"
    with uow.read() as s:
        assert s.scalar(select(func.count()).where(TallyResult.session_id == built.id)) == len(built.dossiers)
    log(f"  checks: {participations} ballots = {len(built.voters)} members × {len(built.dossiers)} dossiers − "
        f"{len(built.recused)} recused; counters = choices clicked; no second vote (one by one, and {len(kept)} "
        f"racing double clicks: {clicks['ok']} counted, {clicks['already']} AlreadyVoted); {refused} recused refused; "
        f"tally of {len(results)} dossiers = ballots ({tally_s:.2f} s); audit chain verifies")
    return dict(participations=participations, recused=len(built.recused), double_clicks=len(kept), tally_s=tally_s)


def run(uow: UnitOfWork, *, voters: int, dossiers: int, threads: int, rounds: int, seed: int, migrate: bool = True,
        log=print) -> dict:
    t0 = time.perf_counter()
    engine_side, raw_side, chain_side = build_panel(
        uow, dossiers=dossiers, voters=voters, groups=min(10, dossiers),
        sessions=("committee_voting",) * 3, absent=0.0, voted=0.0, seed=seed, migrate=migrate, log=log)
    RAW_AUDIT.create(uow.engine)
    try:
        return _measure(uow, engine_side, raw_side, chain_side, threads=threads, rounds=rounds, seed=seed, log=log,
                        build_s=time.perf_counter() - t0)
    finally:
        RAW_AUDIT.drop(uow.engine)


def _measure(uow: UnitOfWork, engine_side: BuiltSession, raw_side: BuiltSession, chain_side: BuiltSession, *,
             threads: int, rounds: int, seed: int, log, build_s: float) -> dict:
    log(f"  build {build_s:.1f} s")
    rng = random.Random(seed)
    # a few (member, dossier) pairs kept back from the run, for the racing double clicks afterwards
    candidates = [(v, d) for v in engine_side.voters for d in engine_side.dossiers
                  if (v.member_id, d) not in engine_side.recused]
    kept = rng.sample(candidates, min(5, len(candidates) // 10))
    sessions = {"engine": engine_side, "raw": raw_side, "raw_chain": chain_side}
    plans = {"engine": _plan(engine_side, engine_side.voters, seed, {(v.member_id, d) for v, d in kept}),
             "raw": _plan(raw_side, raw_side.voters, seed, set()),
             "raw_chain": _plan(chain_side, chain_side.voters, seed, set())}
    per = -(-len(engine_side.voters) // rounds)
    spent = dict.fromkeys(sessions, 0.0)
    lat: dict[str, list[float]] = {side: [] for side in sessions}
    done = dict.fromkeys(sessions, 0)

    def engine_vote(_state, v: Voter, d: int, choice: str) -> None:
        voting.cast(uow, v.actor, engine_side.id, "committee", {d: choice})

    def raw_vote(session_id: int):
        return lambda state, v, d, choice: state.vote(session_id, v, d, choice)

    order = list(sessions)
    for r in range(rounds):
        for side in order[r % 3:] + order[:r % 3]:
            chunk = sessions[side].voters[r * per:(r + 1) * per]
            if side == "engine":
                wall, times, errors = _run_side(threads, chunk, engine_vote, plans[side], seed)
            else:
                wall, times, errors = _run_side(threads, chunk, raw_vote(sessions[side].id), plans[side], seed,
                                                lambda chain=side == "raw_chain": RawVotes(uow, chain))
            if errors:
                raise errors[0]
            spent[side] += wall
            lat[side] += times
            done[side] += len(times)
    out = {side: dict(votes=done[side], rate=done[side] / spent[side], p50_ms=1000 * pct(lat[side], 0.5),
                      p95_ms=1000 * pct(lat[side], 0.95), max_ms=1000 * max(lat[side])) for side in spent}
    out["ratio"] = out["engine"]["rate"] / out["raw"]["rate"]
    out["ratio_chain"] = out["engine"]["rate"] / out["raw_chain"]["rate"]
    out["threads"], out["rounds"] = threads, rounds
    log(f"  {threads} threads, {rounds} interleaved rounds, one dossier per call:")
    for side in sessions:
        o = out[side]
        log(f"    {side:9s} {o['votes']:6d} votes  {o['rate']:7.0f} votes/s  p50 {o['p50_ms']:6.2f} ms  "
            f"p95 {o['p95_ms']:6.2f} ms  max {o['max_ms']:6.1f} ms")
    log(f"    ratio engine/raw (votes/s) {out['ratio']:.2f}; engine/raw with the audit chain head "
        f"{out['ratio_chain']:.2f}")
    out["checks"] = check(uow, engine_side, plans["engine"], kept, seed, log)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.panel_votes", description=__doc__.split("\n\n")[0])
    ap.add_argument("--voters", type=int, default=20, help="voting members (full size: 60)")
    ap.add_argument("--dossiers", type=int, default=30, help="dossiers (full size: 200)")
    ap.add_argument("--threads", type=int, default=8, help="concurrent clicking threads (8-16)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds the members are split into")
    ap.add_argument("--seed", type=int, default=20261128)
    args = ap.parse_args(argv)
    print(f"\n== postgresql: {args.voters} members × {args.dossiers} dossiers, {args.threads} threads ==")
    db = scratch_database("postgresql")
    uow = UnitOfWork.from_url(db.url, pool_size=args.threads + 2, max_overflow=args.threads)
    try:
        r = run(uow, voters=args.voters, dossiers=args.dossiers, threads=args.threads, rounds=args.rounds,
                seed=args.seed)
    finally:
        uow.dispose()
        db.cleanup()
    print("\n| backend | members × dossiers | threads | engine votes/s | engine p50 / p95 ms | raw votes/s "
          "| raw p50 / p95 ms | ratio | raw + chain head votes/s | p50 / p95 ms | ratio to it |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    e, w, c = r["engine"], r["raw"], r["raw_chain"]
    print(f"| postgresql | {args.voters} × {args.dossiers} | {args.threads} | {e['rate']:.0f} | {e['p50_ms']:.1f} / "
          f"**{e['p95_ms']:.1f}** | {w['rate']:.0f} | {w['p50_ms']:.1f} / {w['p95_ms']:.1f} | **{r['ratio']:.2f}** "
          f"| {c['rate']:.0f} | {c['p50_ms']:.1f} / {c['p95_ms']:.1f} | {r['ratio_chain']:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
