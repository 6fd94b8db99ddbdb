"""Server CPU of the panel pages per Streamlit run: the voting page (投票表决) and the chair's console (评审监控).

On a demo database with one meeting of M voting members × D dossiers (bench/panel_live.py), the app runs in
``streamlit.testing.v1.AppTest`` signed in through the real login form. Every script run is timed with the
CPU clock of the thread that runs it (``time.thread_time``: the script's own work, not AppTest's parsing in
the caller's thread), split into the part spent in ``core``/``db`` (the calls the page makes into them) and
the rest (Streamlit: widgets, protobuf, the DataFrame's Arrow encoding, the shell's login check in ``ui``).

* **vote page, plain rerun**: what every widget touch costs (picking a radio reruns the whole page);
* **vote cycle**: pick a radio, press 提交投票 (the confirmation dialog), 确认 (``voting.cast``, then the page
  again): the runs of one vote as a browser makes it;
* **console refresh**: the fragment ``_live`` (``core.panel.console.console`` + the tables and the chart),
  what every open console costs each ``TITLES_CONSOLE_REFRESH_SECONDS``.

A second pass runs the same under cProfile (in the script thread) and prints the top costs.

    python -m bench.panel_page_profile                       # 60 members × 200 dossiers, 40 reruns each
    python -m bench.panel_page_profile --voters 20 --dossiers 50 --reruns 10
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time
from collections.abc import Callable
from contextlib import contextmanager

from bench.run import pct
from bench.panel_live import PASSWORD, demo_database, meeting

CORE_DIRS = (f"{os.sep}core{os.sep}", f"{os.sep}db{os.sep}")
UI_DIRS = (f"{os.sep}ui{os.sep}", f"{os.sep}pages{os.sep}", "Home.py")


class Meter:
    """Wraps a function that runs in the script thread: thread CPU per call and, while ``profiling``, a cProfile."""

    def __init__(self) -> None:
        self.cpu: list[float] = []
        self.profile: cProfile.Profile | None = None

    def wrap(self, fn: Callable) -> Callable:
        def timed(*args, **kwargs):
            t0 = time.thread_time()
            if self.profile is not None:
                self.profile.enable()
            try:
                return fn(*args, **kwargs)
            finally:
                if self.profile is not None:
                    self.profile.disable()
                self.cpu.append(time.thread_time() - t0)
        return timed

    def take(self) -> list[float]:
        out, self.cpu = self.cpu, []
        return out


def core_share(stats: pstats.Stats) -> float:
    """Seconds spent in core/db functions called from ui/pages (each edge once: nested core calls not twice)."""
    total = 0.0
    for (filename, _line, _name), (_cc, _nc, _tt, _ct, callers) in stats.stats.items():
        if not any(d in filename for d in CORE_DIRS):
            continue
        for (caller_file, _l, _n), (_c, _n2, _t, edge_ct) in callers.items():
            if any(d in caller_file for d in UI_DIRS):
                total += edge_ct
    return total


def top(stats: pstats.Stats, n: int = 12) -> str:
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("cumulative").print_stats(n)
    return "\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip())


def tottime_top(stats: pstats.Stats, n: int = 12) -> str:
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("tottime").print_stats(n)
    return "\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.panel_page_profile", description=__doc__.split("\n\n")[0])
    ap.add_argument("--voters", type=int, default=60, help="voting members besides the chair (default 60)")
    ap.add_argument("--dossiers", type=int, default=200)
    ap.add_argument("--reruns", type=int, default=40, help="timed runs of each kind")
    ap.add_argument("--top", type=int, default=15, help="lines of the cProfile listings")
    args = ap.parse_args(argv)
    scratch = demo_database()
    os.environ.update({k: v for k, v in scratch.env.items() if k.startswith("TITLES_")})
    try:
        return _run(args, scratch.url)
    finally:
        scratch.cleanup()


@contextmanager
def _patched(module, name: str, meter: Meter):
    original = getattr(module, name)
    setattr(module, name, meter.wrap(original))
    try:
        yield
    finally:
        setattr(module, name, original)


def _run(args, url: str) -> int:
    from streamlit.testing.v1 import AppTest

    import ui.panel_console
    import ui.shell
    from core.common.i18n import t
    from db.uow import UnitOfWork
    from ui import actions

    uow = UnitOfWork.from_url(url)
    t0 = time.perf_counter()
    m = meeting(uow, voters=args.voters, dossiers=args.dossiers)
    print(f"meeting: {len(m.voters)} voting members + chair × {len(m.dossiers)} dossiers "
          f"({time.perf_counter() - t0:.1f} s); load average {os.getloadavg()[0]:.2f}")
    home = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Home.py")

    def signed_in(login: str, page: str) -> AppTest:
        at = AppTest.from_file(home, default_timeout=120).run()
        next(w for w in at.text_input if w.label == t("login.username")).input(login)
        next(w for w in at.text_input if w.label == t("login.password")).input(PASSWORD)
        next(b for b in at.button if b.label == t("login.submit")).click().run()
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    script, live = Meter(), Meter()
    results: dict[str, dict] = {}
    with _patched(ui.shell, "run", script), _patched(ui.panel_console, "_live", live):
        voter = m.voters[0]
        at = signed_in(voter.login, "panel_vote")
        script.take()
        sid, submit = m.session_id, actions.key("panel_vote", "cast", f"{m.session_id}.committee")

        def open_radios():
            return [r for r in at.radio if (r.key or "").startswith(f"panel_vote.{sid}.committee.")]

        def rerun(at_: AppTest) -> None:
            at_.run()

        def vote_cycle() -> None:
            radio = open_radios()[0].set_value("approve")
            if not radio.form_id:  # outside a form a pick reruns the page; in one it goes with the submit
                at.run()
            at.button(key=submit).click().run()
            at.button(key=actions.confirm_key("panel_vote")).click().run()
            assert at.success and not at.error, (at.success, at.error)

        chair = None

        def console_refresh() -> None:
            chair.run()

        def measure(name: str, step: Callable[[], None], meter: Meter, profile: bool) -> None:
            step()  # warm
            meter.take()
            meter.profile = cProfile.Profile() if profile else None
            per_step, wall = [], []
            for _ in range(args.reruns):
                w0 = time.perf_counter()
                step()
                wall.append(time.perf_counter() - w0)
                per_step.append(sum(meter.take()))
            if profile:
                stats = pstats.Stats(meter.profile)
                meter.profile = None
                total = sum(per_step)
                core = core_share(stats)
                results[name]["core_share"] = core / total if total else float("nan")
                results[name]["top"] = top(stats, args.top)
                results[name]["tottime"] = tottime_top(stats, args.top)
            else:
                results[name] = dict(cpu_p50=1000 * pct(per_step, 0.5), cpu_p95=1000 * pct(per_step, 0.95),
                                     wall_p50=1000 * pct(wall, 0.5), runs=args.reruns)

        for profile in (False, True):
            measure("vote page rerun", lambda: rerun(at), script, profile)
            measure("vote cycle (pick, submit, confirm)", vote_cycle, script, profile)
        chair = signed_in(m.chair_login, "panel_console")
        for profile in (False, True):
            measure("console page rerun", lambda: rerun(chair), script, profile)
            measure("console refresh (fragment _live)", console_refresh, live, profile)
    print(f"load average after: {os.getloadavg()[0]:.2f}\n")
    print("| run | CPU ms p50 | CPU ms p95 | core/db share | wall ms p50 (AppTest) |")
    print("|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['cpu_p50']:.1f} | {r['cpu_p95']:.1f} | {100 * r.get('core_share', float('nan')):.0f}% "
              f"| {r['wall_p50']:.1f} |")
    for name, r in results.items():
        print(f"\n--- {name}: top cumulative ---\n{r.get('top', '')}")
        print(f"--- {name}: top own time ---\n{r.get('tottime', '')}")
    uow.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
