"""The chair's live console (``core.panel.console``) under a full session: refresh latency against raw SQL.

Builds (bench/panel_build.py) one committee with a live session in ``committee_voting`` of D dossiers × M
voting members (plus group experts, distributions, the group vote done, ~40% of the committee ballots
cast, a few members absent, one declined) and P past, tallied sessions of the same size (the tables a
real committee has after a few meetings). Then, interleaved so that load from other processes hits both
alike, N refreshes of:

* **build**: ``core.panel.console.build(session, panel, blind=...)`` in a fresh read session, the
  database work of one refresh;
* **refresh**: ``core.panel.console.console(uow, chair, session_id)``, what the page calls every few
  seconds (scope check, session load, build);
* **raw**: hand-written DBAPI SQL on one connection running the console's statements (session row, quorum
  counts, dossiers with labels, ballots per dossier and stage, groups with review counts, signed-in voters
  and their conflicts) and the same recusal lookups in Python;
* **raw_sql**: hand-written SQL the first way one would write it, eligibility as one aggregate over every
  (voter, dossier) pair with the recusal test per pair (a yardstick for the plan, not only for the layers).

All four are checked to give the same figures.

ratio = raw p50 / build p50 (1.0 = as fast as raw SQL). Target: build and refresh p95 < 50 ms.

    python -m bench.panel_console                                   # quick: 100 dossiers × 20 members
    python -m bench.panel_console --dossiers 500 --voters 60 --refreshes 200   # the full size
"""
from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from sqlalchemy import event

from bench.panel_build import BuiltSession, build_panel, scratch_database
from bench.run import pct
from core.panel import rules
from core.panel.console import build, console
from db.models import PanelSession
from db.uow import UnitOfWork

TARGET_P95_MS = 50.0


class RawConsole:
    """The console's figures in hand-written SQL on one DBAPI connection (one read transaction each).

    ``refresh``: the statements the console runs (dossiers with labels, ballots per dossier and stage, groups
    with review counts, signed-in voters, their conflicts) and the same in-memory recusal lookups;
    ``refresh_sql``: the first way one would write it, eligibility as one SQL aggregate over every
    (voter, dossier) pair with the recusal test per pair (what the console did before 2026-11-28)."""

    def __init__(self, uow: UnitOfWork):
        self.backend = uow.engine.dialect.name
        self.conn = uow.engine.raw_connection()
        self.dbapi = self.conn.driver_connection
        p = self.p = "?" if self.backend == "sqlite" else "%s"
        duties = self.duties = ", ".join(f"'{d}'" for d in rules.VOTING_DUTIES)
        here = "pm.signed_in_at IS NOT NULL AND pm.signed_out_at IS NULL"
        self.sql_session = (f"SELECT ps.id, ps.status, ps.blind_review, c.name FROM panel_session ps "
                            f"JOIN committee c ON c.id = ps.committee_id WHERE ps.id = {p}")
        self.sql_quorum = (f"SELECT count(*), coalesce(sum(CASE WHEN {here} THEN 1 ELSE 0 END), 0) FROM panel_member pm "
                           f"WHERE pm.session_id = {p} AND pm.declined_at IS NULL AND pm.duty IN ({duties})")
        self.sql_dossiers = (f"SELECT gd.declaration_id, gd.group_id, g.name, pe.name, u.name, d.unit_id, "
                             f"d.applicant_person_id FROM group_declaration gd "
                             f"JOIN review_group g ON g.id = gd.group_id JOIN declaration d ON d.id = gd.declaration_id "
                             f"JOIN person pe ON pe.id = d.applicant_person_id JOIN unit u ON u.id = d.unit_id "
                             f"WHERE g.session_id = {p} ORDER BY gd.declaration_id")
        self.sql_ballots = (f"SELECT declaration_id, stage, count(*) FROM vote_participation WHERE session_id = {p} "
                            f"GROUP BY declaration_id, stage")
        self.sql_groups = (f"SELECT g.id, g.name, g.status, "
                           f"(SELECT count(*) FROM dossier_assignment da WHERE da.group_id = g.id), "
                           f"(SELECT count(*) FROM dossier_assignment da WHERE da.group_id = g.id AND da.final) "
                           f"FROM review_group g WHERE g.session_id = {p} ORDER BY g.id")
        voters = (f"SELECT pm.id, pm.group_id, e.id, e.unit_id, e.person_id FROM panel_member pm "
                  f"JOIN expert e ON e.id = pm.expert_id WHERE pm.session_id = {p} AND pm.declined_at IS NULL AND {here} "
                  f"AND ")
        self.sql_voters = {"committee": voters + f"pm.duty IN ({duties})", "group": voters + "pm.group_id IS NOT NULL"}
        # the one-aggregate way (refresh_sql)
        self.sql_groups_all = (
            f"SELECT g.id, g.name, g.status, "
            f"(SELECT count(*) FROM group_declaration gd WHERE gd.group_id = g.id), "
            f"(SELECT count(*) FROM dossier_assignment da WHERE da.group_id = g.id), "
            f"(SELECT count(*) FROM dossier_assignment da WHERE da.group_id = g.id AND da.final), "
            f"(SELECT count(*) FROM group_declaration gd JOIN vote_participation vp ON vp.declaration_id = gd.declaration_id "
            f" AND vp.session_id = g.session_id AND vp.stage = 'group' WHERE gd.group_id = g.id) "
            f"FROM review_group g WHERE g.session_id = {p} ORDER BY g.id")
        eligible = (f"SELECT gd.declaration_id, count(*) FROM group_declaration gd "
                    f"JOIN review_group g ON g.id = gd.group_id AND g.session_id = {p} "
                    f"JOIN declaration d ON d.id = gd.declaration_id "
                    f"JOIN panel_member pm ON pm.session_id = g.session_id AND pm.declined_at IS NULL AND {here} AND "
                    f"{{voters}} JOIN expert e ON e.id = pm.expert_id "
                    f"WHERE e.unit_id <> d.unit_id AND e.person_id <> d.applicant_person_id AND NOT EXISTS ("
                    f"SELECT 1 FROM expert_conflict x WHERE x.expert_id = e.id AND x.person_id = d.applicant_person_id) "
                    f"GROUP BY gd.declaration_id")
        self.sql_eligible = {"committee": eligible.format(voters=f"pm.duty IN ({duties})"),
                             "group": eligible.format(voters="pm.group_id = gd.group_id")}
        self.sql_voted = (f"SELECT declaration_id, count(*) FROM vote_participation WHERE session_id = {p} AND stage = {p} "
                          f"GROUP BY declaration_id")

    def _head(self, cur, session_id: int) -> tuple:
        cur.execute(self.sql_session, (session_id,))
        _sid, status, _blind, committee = cur.fetchone()
        stage = "committee" if status in ("committee_voting", "tallied") else "group"
        cur.execute(self.sql_quorum, (session_id,))
        members, present = cur.fetchone()
        return committee, stage, members, present

    def refresh(self, session_id: int, blind: bool) -> dict:
        cur = self.dbapi.cursor()
        try:
            committee, stage, members, present = self._head(cur, session_id)
            cur.execute(self.sql_dossiers, (session_id,))
            dossiers = cur.fetchall()
            cur.execute(self.sql_ballots, (session_id,))
            ballots = {(d, st): n for d, st, n in cur.fetchall()}
            cur.execute(self.sql_groups, (session_id,))
            found = cur.fetchall()
            cur.execute(self.sql_voters[stage], (session_id,))
            voters = cur.fetchall()
            conflicts = []
            if voters:
                experts = sorted({v[2] for v in voters})
                cur.execute(f"SELECT expert_id, person_id FROM expert_conflict WHERE expert_id IN "
                            f"({', '.join([self.p] * len(experts))})", experts)
                conflicts = cur.fetchall()
        finally:
            cur.close()
            self.dbapi.rollback()
        per_group, group_votes = {}, {}
        for d, g, *_ in dossiers:
            per_group[g] = per_group.get(g, 0) + 1
            group_votes[g] = group_votes.get(g, 0) + ballots.get((d, "group"), 0)
        groups = [(i, n, st, per_group.get(i, 0), r, f, group_votes.get(i, 0)) for i, n, st, r, f in found]
        by_unit, by_person, by_conflict, of_expert, by_group = {}, {}, {}, {}, {}
        for m, g, e, unit, person in voters:
            by_unit.setdefault(unit, set()).add(m)
            by_person.setdefault(person, set()).add(m)
            of_expert.setdefault(e, set()).add(m)
            by_group.setdefault(g, set()).add(m)
        for e, person in conflicts:
            by_conflict.setdefault(person, set()).update(of_expert[e])
        everyone = {v[0] for v in voters}
        rows = []
        for n, (d, g, group, person, unit, unit_id, applicant) in enumerate(dossiers, start=1):
            voting = everyone if stage == "committee" else by_group.get(g, set())
            out = by_unit.get(unit_id, set()) | by_person.get(applicant, set()) | by_conflict.get(applicant, set())
            rows.append((d, f"材料 {n:03d}" if blind else f"{person}（{unit}）", group, len(voting) - len(voting & out),
                         ballots.get((d, stage), 0)))
        return dict(committee=committee, stage=stage, members=members, present=present, groups=groups, dossiers=rows)

    def refresh_sql(self, session_id: int, blind: bool) -> dict:
        cur = self.dbapi.cursor()
        try:
            committee, stage, members, present = self._head(cur, session_id)
            cur.execute(self.sql_groups_all, (session_id,))
            groups = [tuple(r) for r in cur.fetchall()]
            cur.execute(self.sql_dossiers, (session_id,))
            dossiers = cur.fetchall()
            cur.execute(self.sql_eligible[stage], (session_id,))
            eligible = dict(cur.fetchall())
            cur.execute(self.sql_voted, (session_id, stage))
            voted = dict(cur.fetchall())
        finally:
            cur.close()
            self.dbapi.rollback()
        rows = [(d, f"材料 {n:03d}" if blind else f"{person}（{unit}）", group, eligible.get(d, 0), voted.get(d, 0))
                for n, (d, _g, group, person, unit, _u, _a) in enumerate(dossiers, start=1)]
        return dict(committee=committee, stage=stage, members=members, present=present, groups=groups, dossiers=rows)

    def close(self) -> None:
        self.conn.close()


def figures(c) -> dict:
    """The console's figures in the raw side's shape (to check the two agree)."""
    return dict(committee=c.session.committee, stage=c.stage, members=c.members, present=c.present,
                groups=[(g.id, g.name, g.status, g.dossiers, g.reviews, g.reviews_final, g.group_votes) for g in c.groups],
                dossiers=[(d.declaration_id, d.label, d.group, d.eligible, d.voted) for d in c.dossiers])


def _statement_counter(uow: UnitOfWork) -> Callable[[], int]:
    count = [0]

    @event.listens_for(uow.engine, "before_cursor_execute")
    def _count(*_args, **_kw):  # noqa: ANN002
        count[0] += 1

    return lambda: count[0]


def measure(uow: UnitOfWork, live: BuiltSession, refreshes: int, log=print) -> dict:
    raw = RawConsole(uow)
    statements = _statement_counter(uow)
    times: dict[str, list[float]] = {"build": [], "refresh": [], "raw": [], "raw_sql": []}
    blind = False
    stmts = []

    def run_build() -> object:
        with uow.read() as s:
            panel = s.get(PanelSession, live.id)
            t0 = time.perf_counter()
            out = build(s, panel, blind=blind)
            times["build"].append(time.perf_counter() - t0)
        return out

    def run_refresh() -> object:
        t0 = time.perf_counter()
        out = console(uow, live.chair, live.id)
        times["refresh"].append(time.perf_counter() - t0)
        return out

    def run_raw() -> dict:
        t0 = time.perf_counter()
        out = raw.refresh(live.id, blind)
        times["raw"].append(time.perf_counter() - t0)
        return out

    def run_raw_sql() -> dict:
        t0 = time.perf_counter()
        out = raw.refresh_sql(live.id, blind)
        times["raw_sql"].append(time.perf_counter() - t0)
        return out

    try:
        # warm-up (connections, statement caches), checked, not timed
        for _ in range(3):
            got = figures(run_refresh())
            assert got == run_raw() == run_raw_sql(), "the console's figures differ from raw SQL's"
            run_build()
        for v in times.values():
            v.clear()
        sides = [run_build, run_refresh, run_raw, run_raw_sql]
        for i in range(refreshes):
            for side in sides[i % 4:] + sides[:i % 4]:
                before = statements()
                side()
                if side is run_build:
                    stmts.append(statements() - before)
        last = figures(console(uow, live.chair, live.id))
    finally:
        raw.close()
    ms = {k: [1000 * t for t in v] for k, v in times.items()}
    out = {k: dict(p50=pct(v, 0.5), p95=pct(v, 0.95), max=max(v)) for k, v in ms.items()}
    out["ratio"] = out["raw"]["p50"] / out["build"]["p50"]
    out["ratio_refresh"] = out["raw"]["p50"] / out["refresh"]["p50"]
    out["ratio_sql"] = out["raw_sql"]["p50"] / out["build"]["p50"]
    out["statements"] = sum(stmts) / len(stmts)
    out["dossiers"], out["groups"] = len(last["dossiers"]), len(last["groups"])
    out["votes_cast"] = sum(d[4] for d in last["dossiers"])
    out["votes_expected"] = sum(d[3] for d in last["dossiers"])
    out["refreshes"] = refreshes
    assert out["votes_expected"] == live.committee_eligible and out["votes_cast"] == live.committee_voted, \
        (out["votes_expected"], live.committee_eligible, out["votes_cast"], live.committee_voted)
    log(f"  console over {out['dossiers']} dossiers, {out['groups']} groups "
        f"({out['votes_cast']}/{out['votes_expected']} committee ballots cast), {refreshes} refreshes each, "
        f"build {out['statements']:.0f} SQL statements:")
    for k in ("build", "refresh", "raw", "raw_sql"):
        log(f"    {k:8s} p50 {out[k]['p50']:6.2f} ms  p95 {out[k]['p95']:6.2f} ms  max {out[k]['max']:6.1f} ms")
    met = max(out["build"]["p95"], out["refresh"]["p95"]) < TARGET_P95_MS
    log(f"    ratio raw/build (p50) {out['ratio']:.2f}, raw/refresh {out['ratio_refresh']:.2f}, "
        f"raw_sql (eligibility as one SQL aggregate)/build {out['ratio_sql']:.2f}; "
        f"target p95 < {TARGET_P95_MS:.0f} ms {'met' if met else 'MISSED'}")
    return out


def run(uow: UnitOfWork, *, dossiers: int, voters: int, groups: int, past: int, refreshes: int, seed: int,
        migrate: bool = True, log=print) -> dict:
    t0 = time.perf_counter()
    built = build_panel(uow, dossiers=dossiers, voters=voters, groups=groups,
                        sessions=("tallied",) * past + ("committee_voting",), seed=seed, migrate=migrate, log=log)
    log(f"  build {time.perf_counter() - t0:.1f} s")
    return measure(uow, built[-1], refreshes, log)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.panel_console", description=__doc__.split("\n\n")[0])
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--dossiers", type=int, default=100, help="dossiers of the session (full size: 500)")
    ap.add_argument("--voters", type=int, default=20, help="voting members (full size: 60)")
    ap.add_argument("--groups", type=int, default=10)
    ap.add_argument("--past", type=int, default=2, help="earlier, tallied sessions of the same size")
    ap.add_argument("--refreshes", type=int, default=50, help="timed refreshes per side (full size: 200)")
    ap.add_argument("--seed", type=int, default=20261127)
    args = ap.parse_args(argv)
    results = {}
    for backend in (("sqlite", "postgresql") if args.backend == "both" else (args.backend,)):
        print(f"\n== {backend}: {args.dossiers} dossiers × {args.voters} voting members, {args.past} past sessions ==")
        db = scratch_database(backend)
        uow = UnitOfWork.from_url(db.url)
        try:
            results[backend] = run(uow, dossiers=args.dossiers, voters=args.voters, groups=args.groups,
                                   past=args.past, refreshes=args.refreshes, seed=args.seed)
        finally:
            uow.dispose()
            db.cleanup()
    print("\n| backend | dossiers × voters | build p50 / p95 ms | refresh p50 / p95 ms | raw p50 / p95 ms "
          "| ratio raw/build | raw, eligibility in one SQL aggregate, p50 / p95 ms |")
    print("|---|---|---|---|---|---|---|")
    for backend, r in results.items():
        print(f"| {backend} | {args.dossiers} × {args.voters} | {r['build']['p50']:.2f} / **{r['build']['p95']:.2f}** "
              f"| {r['refresh']['p50']:.2f} / **{r['refresh']['p95']:.2f}** | {r['raw']['p50']:.2f} / {r['raw']['p95']:.2f} "
              f"| **{r['ratio']:.2f}** | {r['raw_sql']['p50']:.2f} / {r['raw_sql']['p95']:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
