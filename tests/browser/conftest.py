"""A live app server on a free local port with a fresh demo database, and headless Chromium.

Browser tests skip with a visible notice when Debian's chromium is missing, except under CI=true,
where that is a failure (test.sh installs it).
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

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DEMO_PASSWORD = "Demo#2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app server exited with {proc.returncode}")
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("app server did not become healthy")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        message = "chromium not installed: browser tests SKIPPED"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true)")
        pytest.skip(message)
    work = tmp_path_factory.mktemp("live")
    env = {**os.environ, "TITLES_DATABASE_URL": f"sqlite:///{work / 'app.db'}",
           "TITLES_FILE_STORE": str(work / "files"), "TITLES_DEMO": "1", "TITLES_BCRYPT_ROUNDS": "4"}
    subprocess.run([sys.executable, "-m", "core.setup.demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "ui.launch", "--server.headless", "true",
                             "--server.address", "127.0.0.1", "--server.port", str(port),
                             "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="session")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(45_000)
    yield tab
    context.close()


def login(page, base_url: str, login_name: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real form (the cookie component reruns once after load: wait for it)."""
    page.goto(base_url)
    page.get_by_role("button", name="登录").wait_for()
    page.wait_for_timeout(2500)  # the cookie component reruns the script once after load
    page.locator('input[type="text"]').first.fill(login_name)
    page.locator('input[type="password"]').first.fill(password)
    page.get_by_role("button", name="登录").click()
