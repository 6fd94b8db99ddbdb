"""The panel benchmarks at a tiny size, so they keep running (their own checks are the assertions): the console
benchmark on both backends, the voting benchmark on PostgreSQL, each on the test's migrated database."""
from __future__ import annotations

from bench import panel_console, panel_votes


def test_panel_console_bench_runs(uow):
    r = panel_console.run(uow, dossiers=12, voters=6, groups=3, past=1, refreshes=3, seed=7, migrate=False,
                          log=lambda _m: None)
    assert r["dossiers"] == 12 and r["groups"] == 3
    assert r["votes_cast"] > 0 and r["build"]["p95"] > 0 and r["ratio"] > 0


def test_panel_votes_bench_runs(postgres):
    r = panel_votes.run(postgres, voters=6, dossiers=8, threads=3, rounds=3, seed=7, migrate=False,
                        log=lambda _m: None)
    assert r["engine"]["votes"] > 0 and r["raw"]["votes"] > 0 and r["raw_chain"]["votes"] > 0
    assert r["checks"]["participations"] == 5 * 8 - r["checks"]["recused"]
