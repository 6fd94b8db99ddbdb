"""The applicant's key journey in a real headless Chromium: open a draft, remove a required row, and see
every submit problem listed together (before any confirmation), nothing submitted."""
import pytest

from tests.browser.conftest import again, click_until, login, open_workspace, wait_idle

pytestmark = pytest.mark.browser
PICK = "选择申报（查看、填写、提交、追踪）"


def test_the_applicant_opens_a_draft_and_sees_every_submit_problem_listed(page, live_server):
    login(page, live_server, "demo_applicant")
    page.get_by_text("待办事项").first.wait_for()
    open_workspace(page, "我的申报")
    page.get_by_label(PICK).click()
    page.get_by_role("option").filter(has_text="草稿").click()
    page.get_by_text("草稿已暂存，可随时回来继续填写").wait_for()
    settle(page)

    page.get_by_role("tab", name="申报材料").click()
    settle(page)  # a tab change reruns the page: a click during that run may be lost
    page.get_by_text("工作总结（1）").click()
    summary = page.locator('[data-testid="stExpander"]').filter(has_text="工作总结（1）")
    click_until(page, lambda: summary.get_by_role("button", name="删除本条").last, page.get_by_text("工作总结（0）"))

    settle(page)
    page.get_by_role("tab", name="提交申报").click()
    page.get_by_text("提交前还需完成以下 1 项").wait_for()
    settle(page)
    with open(_download_form(page), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.get_by_role("button", name="提交申报").click()
    page.get_by_text("诚信承诺书原文").wait_for()
    settle(page)
    page.get_by_role("button", name="提交", exact=True).click()
    failed = page.locator('[data-testid="stAlert"]').filter(has_text="未能提交")
    failed.wait_for()
    text = failed.inner_text()
    assert "尚未填写“工作总结”" in text and "诚信承诺书须手动完整输入" in text
    assert page.get_by_text("请确认").count() == 0  # refused before any confirmation
    page.screenshot(path="/tmp/browser_applicant_problems.png", full_page=True)


def settle(page) -> None:
    """The page's run has finished and no other has started for a moment."""
    wait_idle(page, quiet_ms=700)


def _download_form(page) -> str:
    """Download the printable form; a click lost while the page reran is made again."""
    def download() -> str:
        settle(page)
        with page.expect_download(timeout=30_000) as started:
            page.get_by_role("button", name="下载申报表（PDF）").click()
        return started.value.path()

    return again(download)
