"""Key journeys of the foundation in a real headless Chromium: login, role menu, an action, logout."""
import pytest

from tests.browser.conftest import RUN_COUNTER, login, open_workspace, wait_idle

pytestmark = pytest.mark.browser


def test_a_unit_operator_logs_in_sees_only_unit_workspaces_and_approves_with_confirmation(page, live_server):
    login(page, live_server, "demo_unit_op")
    page.get_by_text("待办事项").first.wait_for()
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    for workspace in ("单位内部核验", "申报公示", "单位推荐上报", "修改密码"):
        assert workspace in nav
    for foreign in ("流转", "材料接收", "政策性审查", "账号管理"):
        assert foreign not in nav
    open_workspace(page, "单位内部核验")
    page.get_by_text("选择申报查看详情").first.wait_for()
    wait_idle(page, quiet_ms=700)
    page.locator('[data-testid="stSelectbox"]').last.click()
    option = page.get_by_role("option").filter(has_text="单位内部核验").first
    chosen = option.inner_text()
    option.click()
    wait_idle(page, quiet_ms=700)  # the choice reruns the page: a click during that run may be lost
    page.get_by_role("button", name="审核通过").first.click()
    page.get_by_text("请确认").first.wait_for()
    wait_idle(page, quiet_ms=700)
    page.get_by_role("button", name="确认执行").click()
    page.get_by_text("已完成").first.wait_for()
    page.screenshot(path="/tmp/browser_unit_verify.png", full_page=True)
    assert chosen.split()[0].startswith("#")


def test_a_wrong_password_gets_the_generic_message_and_no_menu(page, live_server):
    login(page, live_server, "demo_unit_op", "Wrong#Pass123")
    page.get_by_text("账号或密码错误").wait_for()
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0


def test_logout_returns_to_the_login_form_and_a_reload_stays_logged_out(page, live_server):
    login(page, live_server, "demo_prov_hr")
    page.get_by_text("待办事项").first.wait_for()
    assert "流转" in page.locator('[data-testid="stSidebarNav"]').inner_text()
    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("button", name="登录", exact=True).wait_for()
    wait_idle(page)  # the logout run has finished (session ended, cookie deleted)
    page.reload()
    page.get_by_role("button", name="登录", exact=True).wait_for()
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0


def test_a_reload_stays_signed_in_but_the_cookie_copied_into_another_browser_does_not(page, browser, live_server):
    login(page, live_server, "demo_unit_op")
    page.get_by_text("待办事项").first.wait_for()
    wait_idle(page, quiet_ms=1500)  # the first run after login writes the cookie
    cookie = next(c for c in page.context.cookies() if c["name"] == "titles_session")
    assert cookie["sameSite"] == "Strict" and not cookie["secure"]  # served over http here
    page.reload()
    page.get_by_text("待办事项").first.wait_for()
    same = browser.new_context()  # control: the same browser build is let in by the cookie alone
    try:
        same.add_cookies([cookie])
        twin = same.new_page()
        twin.goto(live_server)
        twin.get_by_text("待办事项").first.wait_for()
    finally:
        same.close()
    other = browser.new_context(user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/140.0")
    try:
        other.add_cookies([cookie])
        stranger = other.new_page()
        stranger.add_init_script(RUN_COUNTER)
        stranger.goto(live_server)
        stranger.get_by_role("button", name="登录", exact=True).wait_for(timeout=90_000)
        wait_idle(stranger, quiet_ms=1500)
        assert stranger.locator('[data-testid="stSidebarNav"]').count() == 0
        assert stranger.get_by_role("button", name="登录", exact=True).is_visible()
    finally:
        other.close()
