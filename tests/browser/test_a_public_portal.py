"""The public portal by its address, as the very first request after the server starts (this file's name
sorts first so it is): no login form, no "Page not found", the notices in their period."""
import pytest

from tests.browser.conftest import wait_idle

pytestmark = pytest.mark.browser


def test_the_portal_opens_by_its_address_without_login_even_as_the_first_request(page, live_server):
    page.goto(f"{live_server}/public-notices")
    page.get_by_text("按姓名或单位搜索").first.wait_for()
    wait_idle(page)
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_role("button", name="登录", exact=True).count() == 0
    body = page.locator("body").inner_text()
    assert "公示" in body
