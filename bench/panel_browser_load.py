"""Browser load test of a committee vote: every expert in their own browser at once.

Starts the app server as tests/browser/conftest.py does (``python -m ui.launch``, its own scratch SQLite
database with the demo built, ``TITLES_CLOCK`` fixed), adds one meeting in ``committee_voting``
(bench/panel_live.py: M voting members × D dossiers, a login each, all signed in through attendance), and
opens the chair's console (评审监控, refreshing every ``--refresh`` seconds) in one browser context.

Then, per concurrency level N (``--levels``, up to ``--max-contexts``), N new browser contexts of one
headless Chromium each sign in as their own member through the login form, open 投票表决, and, all at
once, vote ``--votes`` dossiers one by one as fast as the page lets them: pick a choice, press 提交投票,
press 确认执行 in the dialog, wait for 已提交 1 份材料的投票. Measured per vote: **click-to-confirmed**, from
the submit click until the success message (the dialog's round trip and the confirming click included).
Per level: voters, votes, p50/p95 of it, errors, the server's CPU (``/proc/<pid>/stat``, 100% = one core)
and the whole machine's (``/proc/stat``, browsers included: they run on the same 2 cores).

At the end the database must hold exactly one participation per confirmed vote. The server and the
scratch folder are removed whatever happens.

    python -m bench.panel_browser_load --max-contexts 20
    python -m bench.panel_browser_load --levels 5,10 --votes 3 --dossiers 50     # quick
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field

from bench.panel_live import PASSWORD, ROOT, Voter, demo_database, meeting
from bench.run import pct
from tests.browser.conftest import CHROMIUM, RUN_COUNTER  # the browser tests' chromium and idle probe
from tests.browser.conftest import CHROMIUM_ARGS as BROWSER_TEST_ARGS

CHROMIUM_ARGS = [*BROWSER_TEST_ARGS, "--disable-dev-shm-usage"]
TIMEOUT_MS = int(os.environ.get("PANEL_LOAD_TIMEOUT_MS", "120000"))
TICK = os.sysconf("SC_CLK_TCK")
LEVEL_SECONDS = int(os.environ.get("PANEL_LOAD_LEVEL_SECONDS", "900"))  # a level gives up after this


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system, every thread) of a process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine, all cores."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK, sum(values) / TICK


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app server exited with {proc.returncode}")
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=5).read() == b"ok":
                return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"app server not healthy after {seconds:.0f} s")


# --- one browser context ----------------------------------------------------------------------------

async def wait_idle(page, quiet_ms: int = 0) -> None:
    await page.wait_for_function(
        "(quiet) => window.__stRuns >= 1 && window.__stState === 'notRunning'"
        " && performance.now() - window.__stChanged >= quiet", arg=quiet_ms)


async def again(step, tries: int = 3):
    for attempt in range(tries):
        try:
            return await step()
        except Exception:  # noqa: BLE001 - a click lost to a rerun that swapped the page: once more
            if attempt == tries - 1:
                raise
    return None


async def login(page, url: str, login_name: str) -> None:
    await page.goto(url)
    answered = page.locator('[data-testid="stSidebarNav"], [data-testid="stAlert"]')

    async def submit() -> None:
        await page.get_by_role("button", name="登录", exact=True).wait_for()
        await wait_idle(page, quiet_ms=1500)
        await page.locator('input[type="text"]').first.fill(login_name)
        await page.locator('input[type="password"]').first.fill(PASSWORD)
        await page.get_by_role("button", name="登录", exact=True).click()
        await answered.first.wait_for(timeout=60_000)

    await again(submit)
    if not await page.locator('[data-testid="stSidebarNav"]').count():
        raise RuntimeError(f"{login_name}: login refused: {await page.inner_text('body')}")


async def open_workspace(page, title: str) -> None:
    heading = page.locator("h1").filter(has_text=title)

    async def open_it() -> None:
        await wait_idle(page, quiet_ms=1000)
        await page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
        await heading.first.wait_for(timeout=60_000)

    await again(open_it)
    await wait_idle(page)


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)     # submit click -> success message, seconds
    to_dialog: list[float] = field(default_factory=list)     # submit click -> confirmation dialog
    confirmed: list[float] = field(default_factory=list)     # confirm click -> success message
    errors: list[str] = field(default_factory=list)
    runs: list[int] = field(default_factory=list)            # script runs the page saw per vote


async def vote_one(page, out: Outcome) -> None:
    """Pick 同意 on the first open dossier, submit, confirm; time the submit click until the success message."""
    success = page.locator('[data-testid="stAlert"]').filter(has_text="已提交 1 份材料的投票")
    dialog = page.get_by_role("dialog")
    await wait_idle(page, quiet_ms=300)
    runs0 = await page.evaluate("window.__stRuns")
    radio = page.locator('[data-testid="stMain"] [data-testid="stRadio"]').first  # not the sidebar's language
    await radio.get_by_text("同意", exact=True).click()
    t0 = time.perf_counter()
    await page.get_by_role("button", name="提交投票").click()
    await dialog.get_by_role("button", name="确认执行").wait_for()
    t1 = time.perf_counter()
    if await success.count():  # the last vote's message, gone once the submit's run has drawn the page
        await success.first.wait_for(state="detached")
    t2 = time.perf_counter()
    await dialog.get_by_role("button", name="确认执行").click()
    await success.first.wait_for()
    t3 = time.perf_counter()
    out.latencies.append(t3 - t0)
    out.to_dialog.append(t1 - t0)
    out.confirmed.append(t3 - t2)
    await wait_idle(page)
    out.runs.append(await page.evaluate("window.__stRuns") - runs0)


async def voter_session(browser, url: str, voter: Voter, votes: int, ready: asyncio.Event, started: asyncio.Event,
                        out: Outcome) -> int:
    """Sign in, open 投票表决, wait for the start, then vote ``votes`` dossiers; returns the votes confirmed."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    await page.add_init_script(RUN_COUNTER)
    done = 0
    try:
        try:
            await login(page, url, voter.login)
            await open_workspace(page, "投票表决")
        finally:
            ready.set()
        await started.wait()
        for _ in range(votes):
            try:
                await vote_one(page, out)
                done += 1
            except Exception as exc:  # noqa: BLE001 - counted, then the page is loaded again
                out.errors.append(f"{voter.login}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
                if os.environ.get("PANEL_LOAD_SHOTS"):
                    await page.screenshot(path=f"{os.environ['PANEL_LOAD_SHOTS']}/{voter.login}-{done}.png")
                try:
                    await page.reload()
                    await page.get_by_role("button", name="提交投票").wait_for(timeout=60_000)
                except Exception:  # noqa: BLE001
                    pass
    except Exception as exc:  # noqa: BLE001 - the login or the page never came
        out.errors.append(f"{voter.login}: setup: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    finally:
        await context.close()
    return done


async def console_session(browser, url: str, chair_login: str, ready: asyncio.Event, stop: asyncio.Event) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    await page.add_init_script(RUN_COUNTER)
    try:
        await login(page, url, chair_login)
        await open_workspace(page, "评审监控")
        ready.set()
        await stop.wait()
    finally:
        await context.close()


async def server_share(pid: int, seconds: float) -> float:
    """The server's CPU % (100 = one core) over the next ``seconds``."""
    c0, t0 = process_cpu(pid), time.perf_counter()
    await asyncio.sleep(seconds)
    return 100 * (process_cpu(pid) - c0) / (time.perf_counter() - t0)


# --- the run ------------------------------------------------------------------------------------------

async def run_levels(url: str, server_pid: int, voters: list[Voter], chair_login: str, levels: list[int], votes: int,
                     console: bool, log) -> list[dict]:
    from playwright.async_api import async_playwright

    rows = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stop, watching = asyncio.Event(), asyncio.Event()
        idle = await server_share(server_pid, 5)
        log(f"  server idle: {idle:.1f}% CPU")
        watcher = asyncio.create_task(console_session(browser, url, chair_login, watching, stop)) if console else None
        offset = 0
        try:
            if watcher is not None:
                await asyncio.wait([asyncio.create_task(watching.wait()), watcher], return_when=asyncio.FIRST_COMPLETED)
                await asyncio.sleep(3)
                log(f"  server with the chair's console open: {await server_share(server_pid, 12):.1f}% CPU")
            for n in levels:
                # each level its own members (the first ones again once everyone has voted at a level)
                chosen = [voters[(offset + i) % len(voters)] for i in range(n)]
                offset += n
                out = Outcome()
                ready = [asyncio.Event() for _ in chosen]
                started = asyncio.Event()
                tasks = [asyncio.create_task(voter_session(browser, url, v, votes, r, started, out))
                         for v, r in zip(chosen, ready)]
                await asyncio.wait([asyncio.create_task(r.wait()) for r in ready], timeout=LEVEL_SECONDS)
                await asyncio.sleep(2)  # logins settled
                cpu0, (busy0, total0), t0 = process_cpu(server_pid), machine_cpu(), time.perf_counter()
                load0 = os.getloadavg()[0]
                started.set()
                finished, stuck = await asyncio.wait(tasks, timeout=LEVEL_SECONDS)
                for task in stuck:  # a context that stopped answering (it happened at 30 contexts on 2 cores)
                    task.cancel()
                    out.errors.append(f"a voter's context gave no answer within {LEVEL_SECONDS} s: cancelled")
                done = [t.result() for t in tasks if t in finished and not t.exception()]
                wall = time.perf_counter() - t0
                cpu1, (busy1, total1) = process_cpu(server_pid), machine_cpu()
                row = dict(voters=n, votes=sum(done), wall_s=wall, p50=pct(out.latencies, 0.5),
                           p95=pct(out.latencies, 0.95), max=max(out.latencies, default=float("nan")),
                           dialog_p50=pct(out.to_dialog, 0.5), confirm_p50=pct(out.confirmed, 0.5),
                           errors=len(out.errors), runs=sum(out.runs) / max(1, len(out.runs)), server_cpu=100 * (cpu1 - cpu0) / wall,
                           server_cpu_per_vote_ms=1000 * (cpu1 - cpu0) / max(1, sum(done)),
                           machine_cpu=100 * (busy1 - busy0) / (total1 - total0),
                           load=(load0, os.getloadavg()[0]), first_errors=out.errors[:3])
                rows.append(row)
                log(f"  {n:3d} voters: {row['votes']:4d} votes in {wall:5.1f} s, click-to-confirmed p50 "
                    f"{row['p50']:.2f} s p95 {row['p95']:.2f} s (submit→dialog p50 {row['dialog_p50']:.2f} s, "
                    f"confirm→done p50 {row['confirm_p50']:.2f} s, {row['runs']:.1f} runs/vote), errors {row['errors']}, server CPU "
                    f"{row['server_cpu']:.0f}% ({row['server_cpu_per_vote_ms']:.0f} ms/vote), machine "
                    f"{row['machine_cpu']:.0f}%, load {load0:.2f}→{row['load'][1]:.2f}")
                for e in out.errors[:3]:
                    log(f"      {e}")
        finally:
            stop.set()
            if watcher is not None:
                try:
                    await watcher
                except Exception as exc:  # noqa: BLE001 - the console is background load only
                    log(f"  console context failed: {type(exc).__name__}: {exc}")
            await browser.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.panel_browser_load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--max-contexts", type=int, default=20, help="the largest level (browser contexts at once)")
    ap.add_argument("--levels", default="5,10,20,30,40,60", help="concurrency levels, those <= --max-contexts run")
    ap.add_argument("--votes", type=int, default=5, help="dossiers each voter votes per level, one by one")
    ap.add_argument("--voters", type=int, default=60, help="voting members of the meeting (>= the largest level)")
    ap.add_argument("--dossiers", type=int, default=200)
    ap.add_argument("--refresh", type=float, default=3.0, help="TITLES_CONSOLE_REFRESH_SECONDS of the server")
    ap.add_argument("--no-console", action="store_true", help="without the chair's console open")
    args = ap.parse_args(argv)
    levels = [n for n in (int(x) for x in args.levels.split(",")) if n <= args.max_contexts] or [args.max_contexts]
    if not os.path.exists(CHROMIUM):
        print(f"chromium not found at {CHROMIUM}", file=sys.stderr)
        return 2
    scratch = demo_database(extra_env={"TITLES_CONSOLE_REFRESH_SECONDS": str(args.refresh)})
    proc = None
    try:
        os.environ.update({k: v for k, v in scratch.env.items() if k.startswith("TITLES_")})
        from sqlalchemy import func, select

        from db.models import VoteParticipation
        from db.uow import UnitOfWork

        uow = UnitOfWork.from_url(scratch.url)
        m = meeting(uow, voters=max(args.voters, max(levels)), dossiers=args.dossiers)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with open(scratch.folder / "server.log", "wb") as log_file:
            launcher = os.environ.get("PANEL_LOAD_LAUNCHER")  # e.g. a profiling wrapper of ui.launch
            proc = subprocess.Popen([sys.executable, *([launcher] if launcher else ["-m", "ui.launch"]),
                                     "--server.headless", "true",
                                     "--server.address", "127.0.0.1", "--server.port", str(port),
                                     "--browser.gatherUsageStats", "false"],
                                    cwd=ROOT, env=scratch.env, stdout=log_file, stderr=subprocess.STDOUT)
        wait_healthy(url, proc)
        cores = os.cpu_count()
        print(f"\n== {dt.date.today()}: meeting of {len(m.voters)} voting members + chair × {len(m.dossiers)} dossiers, "
              f"levels {levels}, {args.votes} votes per voter, console {'off' if args.no_console else 'on'} "
              f"(refresh {args.refresh:g} s); {cores} cores, load average {os.getloadavg()[0]:.2f} ==")
        rows = asyncio.run(run_levels(url, proc.pid, m.voters, m.chair_login, levels, args.votes,
                                      not args.no_console, print))
        with uow.read() as s:
            counted = s.scalar(select(func.count()).where(VoteParticipation.session_id == m.session_id,
                                                          VoteParticipation.stage == "committee"))
        made = sum(r["votes"] for r in rows)
        uow.dispose()
        print(f"\nparticipations in the database: {counted}; votes confirmed in the browsers: {made} "
              f"-> {'every vote counted' if counted == made else 'MISMATCH'}")
        print("\n| voters | votes | click-to-confirmed p50 / p95 s | max s | errors | server CPU % (100 = 1 core) "
              "| server CPU ms / vote | machine CPU % | load avg |")
        print("|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['voters']} | {r['votes']} | {r['p50']:.2f} / **{r['p95']:.2f}** | {r['max']:.2f} | "
                  f"{r['errors']} | {r['server_cpu']:.0f} | {r['server_cpu_per_vote_ms']:.0f} | "
                  f"{r['machine_cpu']:.0f} | {r['load'][0]:.1f}–{r['load'][1]:.1f} |")
        return 0 if counted == made else 1
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        scratch.cleanup()


if __name__ == "__main__":
    raise SystemExit(main())
