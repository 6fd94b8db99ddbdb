"""The 统计分析 workspace in a real headless Chromium: a city manager opens it, its charts draw, and its
screenshot is kept for the README (docs/analytics.png, when TITLES_SCREENSHOT_DIR names a folder)."""
import os
from pathlib import Path

import pytest

from tests.browser.conftest import login, open_workspace, wait_idle

pytestmark = pytest.mark.browser


def test_a_city_manager_sees_the_analytics_charts(page, live_server):
    login(page, live_server, "demo_city_hr")
    page.get_by_text("待办事项").first.wait_for()
    open_workspace(page, "统计分析")
    page.get_by_text("最后刷新").first.wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    wait_idle(page, quiet_ms=1500)
    assert page.get_by_role("tab", name="环节停留时长").count() == 1
    folder = os.environ.get("TITLES_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / "analytics.png"), full_page=True)
