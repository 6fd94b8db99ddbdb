"""A live app server on a free local port with a fresh demo database, and headless Chromium.

Browser tests skip with a visible notice when Debian's chromium is missing, except under CI=true,
where that is a failure (test.sh installs it). The server and the demo it shows run on the test run's
clock (``TITLES_CLOCK``), not the machine's date. Nothing waits a fixed time: the server is ready when
its health endpoint answers, a page when Streamlit says its script has finished (``stApp``'s
``data-test-script-state``), with generous timeouts for a busy machine.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from core.common import config

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DEMO_PASSWORD = "Demo#2026"
IN_CI = os.environ.get("CI", "").lower() == "true"
SERVER_START_SECONDS = 180
PAGE_TIMEOUT_MS = 90_000
_skipped: list[str] = []
# Counts finished script runs of the page (Streamlit marks the app root "running" / "notRunning").
RUN_COUNTER = """
window.__stRuns = 0;
window.__stChanged = performance.now();
new MutationObserver(() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const state = app ? app.getAttribute('data-test-script-state') : null;
  if (state !== window.__stState) {
    window.__stState = state;
    window.__stChanged = performance.now();
    if (state === 'notRunning') window.__stRuns += 1;
  }
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-test-script-state']});
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:] if log.exists() else ""


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, seconds: float = SERVER_START_SECONDS) -> None:
    """Poll the health endpoint until the server answers "ok" (it exits or times out: fail with its log)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app server exited with {proc.returncode}:\n{_log_tail(log)}")
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=5).read() == b"ok":
                return
        except OSError:
            time.sleep(0.25)  # the interval between two polls, not a wait for readiness
    raise RuntimeError(f"app server not healthy after {seconds:.0f} s:\n{_log_tail(log)}")


def _require_chromium() -> None:
    """Missing chromium: a failure under CI=true, otherwise a skip with a notice in the summary."""
    if Path(CHROMIUM).exists():
        return
    message = f"chromium not found (looked for {CHROMIUM})"
    if IN_CI:
        pytest.fail(f"{message}: CI=true requires the browser tests to run; test.sh installs Debian's chromium "
                    "(apt-get install chromium)", pytrace=False)
    _skipped.append(message)
    pytest.skip(f"{message}: browser tests SKIPPED")


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.write_line(f"NOTICE: {_skipped[0]}: browser tests were SKIPPED (install chromium, "
                                    "or run ./test.sh as root)", yellow=True)


LIVE_DATABASE: dict[str, str] = {}  # the live server's database URL, for tests that find records by query


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    _require_chromium()
    work = tmp_path_factory.mktemp("live")
    LIVE_DATABASE["url"] = f"sqlite:///{work / 'app.db'}"
    env = {**os.environ, "TITLES_DATABASE_URL": LIVE_DATABASE["url"],
           "TITLES_FILE_STORE": str(work / "files"), "TITLES_DEMO": "1", "TITLES_BCRYPT_ROUNDS": "4",
           "TITLES_CLOCK": config.now().isoformat()}
    built = subprocess.run([sys.executable, "-m", "core.setup.demo"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert built.returncode == 0, f"python -m core.setup.demo failed:\n{built.stderr[-2000:]}"
    port = _free_port()
    log = work / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ui.launch", "--server.headless", "true",
                                 "--server.address", "127.0.0.1", "--server.port", str(port),
                                 "--browser.gatherUsageStats", "false"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def live_db(live_server):
    """The live server's database (read it to find what a journey works on; never to act for the user)."""
    from db.uow import UnitOfWork

    uow = UnitOfWork.from_url(LIVE_DATABASE["url"])
    yield uow
    uow.dispose()


@pytest.fixture(scope="session")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ARG001
    """Keep each phase's report on the test, so the page fixture knows whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(browser, live_server, request, tmp_path_factory):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.set_default_navigation_timeout(PAGE_TIMEOUT_MS)
    tab = context.new_page()
    tab.add_init_script(RUN_COUNTER)
    yield tab
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:  # what the page showed, to tell a slow page from a broken one
        shot = tmp_path_factory.mktemp("failed") / f"{request.node.name}.png"
        tab.screenshot(path=str(shot), full_page=True)
        print(f"\nscreenshot of the failed page: {shot}\n--- page text ---\n{tab.inner_text('body')[:3000]}")
    context.close()


def wait_idle(page, runs: int = 1, quiet_ms: int = 0) -> None:
    """Wait until the page's script has finished at least ``runs`` runs and is not running now (and,
    with ``quiet_ms``, has not started another run for that long: a component may still ask for one)."""
    page.wait_for_function(
        "([runs, quiet]) => window.__stRuns >= runs && window.__stState === 'notRunning'"
        " && performance.now() - window.__stChanged >= quiet", arg=[runs, quiet_ms])


def again(step, tries: int = 3):
    """Run ``step`` until it succeeds, at most ``tries`` times: on a busy machine a click that lands while
    Streamlit swaps the page for a rerun's output can be lost, and is then made again."""
    for attempt in range(tries):
        try:
            return step()
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: once more
            if attempt == tries - 1:
                raise
    return None


def login(page, base_url: str, login_name: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real form once the page has settled (the cookie component may ask for a rerun
    after load), and see that the form answered: the menu, or an error. A submit that a late rerun
    swallowed (the form is back, empty, with neither) is made again."""
    page.goto(base_url)
    answered = page.locator('[data-testid="stSidebarNav"], [data-testid="stAlert"]')

    def submit() -> None:
        page.get_by_role("button", name="登录", exact=True).wait_for()
        wait_idle(page, quiet_ms=1500)
        page.locator('input[type="text"]').first.fill(login_name)
        page.locator('input[type="password"]').first.fill(password)
        page.get_by_role("button", name="登录", exact=True).click()
        answered.first.wait_for(timeout=30_000)

    again(submit)


def open_workspace(page, title: str) -> None:
    """Open a workspace from the sidebar once the current run has finished, and wait for its title (the
    page's own ``st.title``, so a stale page never satisfies it); a lost click is made again."""
    heading = page.locator("h1").filter(has_text=title)

    def open_it() -> None:
        wait_idle(page, quiet_ms=1000)
        page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
        heading.first.wait_for(timeout=30_000)

    again(open_it)
    wait_idle(page)


def click_until(page, target, expected, wait_ms: int = 20_000) -> None:
    """Click ``target`` once the page has settled, until ``expected`` shows (a lost click is made again)."""
    def click() -> None:
        wait_idle(page, quiet_ms=700)
        if not expected.count():
            target().click()
        expected.first.wait_for(timeout=wait_ms)

    again(click)
