"""One panel round in real browsers, each person in their own browser context at once: an expert casts
the group vote, two committee members and the chair cast the committee vote, and the chair tallies from
the live console (001 §6.2.10.6–8). The demo's provincial health committee has a session in committee
voting and a group still voting (core/setup/demo/meetings.py); the group's voter is found by query."""
import pytest
from sqlalchemy import select

from core.panel import views
from core.workflow import Actor
from db.models import Account, Declaration, Expert, GroupDeclaration, PanelMember, PanelSession, ReviewGroup

from tests.browser.conftest import PAGE_TIMEOUT_MS, RUN_COUNTER, login, open_workspace, wait_idle

pytestmark = pytest.mark.browser


def _tab(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.set_default_navigation_timeout(PAGE_TIMEOUT_MS)
    tab = context.new_page()
    tab.add_init_script(RUN_COUNTER)
    return context, tab


def _pick_context(tab, role_label: str) -> None:
    """Choose the login context (当前身份) in the sidebar."""
    wait_idle(tab, quiet_ms=700)
    tab.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    tab.get_by_role("option").filter(has_text=role_label).first.click()
    wait_idle(tab, quiet_ms=700)


def _vote_everything_open(tab, section: str) -> int:
    """On 投票表决, approve every dossier still open in the section (组内投票 / 评委会投票) and submit it."""
    open_workspace(tab, "投票表决")
    tab.get_by_text(section).first.wait_for()
    radios = tab.locator('[data-testid="stMain"] [data-testid="stRadio"]')  # not the sidebar's language switch
    count = radios.count()
    assert count, tab.inner_text("body")[:2000]
    for i in range(count):
        radios.nth(i).get_by_text("同意", exact=True).click()
        wait_idle(tab, quiet_ms=500)
    tab.get_by_role("button", name="提交投票").first.click()
    tab.get_by_text("请确认").first.wait_for()
    wait_idle(tab, quiet_ms=500)
    tab.get_by_role("button", name="确认执行").click()
    tab.get_by_text("份材料的投票").first.wait_for()
    return count


def _group_voter(uow) -> str:
    """The login of an expert with a group ballot still open (a group of the demo in group voting)."""
    with uow.read() as s:
        rows = s.execute(select(Account.id, Account.login_name, Account.person_id)
                         .join(Expert, Expert.person_id == Account.person_id)
                         .join(PanelMember, PanelMember.expert_id == Expert.id)
                         .join(ReviewGroup, ReviewGroup.id == PanelMember.group_id)
                         .join(PanelSession, PanelSession.id == ReviewGroup.session_id)
                         .where(ReviewGroup.status == "group_voting", PanelMember.signed_in_at.is_not(None),
                                PanelMember.signed_out_at.is_(None)).order_by(Account.id)).all()
    for account_id, login_name, person_id in rows:
        lines = views.ballot_sheet(uow, Actor(account_id=account_id, role="expert", person_id=person_id))
        if any(ln.stage == "group" and not ln.voted for ln in lines):
            return login_name
    raise AssertionError("the demo has no open group ballot")


def test_a_panel_round_in_separate_browsers_group_vote_committee_vote_and_tally(browser, live_server, live_db):
    voter = _group_voter(live_db)
    tabs = {who: _tab(browser) for who in (voter, "demo_member", "demo_vice_chair", "demo_chair")}
    try:
        for who, (_context, tab) in tabs.items():  # everyone logged in at once, as at a meeting
            login(tab, live_server, who)
            tab.get_by_text("待办事项").first.wait_for()
        expert = tabs[voter][1]
        assert _vote_everything_open(expert, "组内投票") >= 1
        for who in ("demo_member", "demo_vice_chair"):
            assert _vote_everything_open(tabs[who][1], "评委会投票") >= 1
        chair = tabs["demo_chair"][1]
        _pick_context(chair, "主任委员")
        _vote_everything_open(chair, "评委会投票")
        open_workspace(chair, "评审监控")
        chair.get_by_text("到会").first.wait_for()
        wait_idle(chair, quiet_ms=700)
        chair.get_by_role("button", name="统票").first.click()
        chair.get_by_text("请确认").first.wait_for()
        wait_idle(chair, quiet_ms=500)
        chair.get_by_role("button", name="确认执行").click()
        chair.get_by_text("已统票").first.wait_for()
        chair.get_by_text("统票结果").first.wait_for()
        wait_idle(chair, quiet_ms=700)
        chair.screenshot(path="/tmp/browser_panel_tally.png", full_page=True)
        sidebar = chair.locator('[data-testid="stSidebar"]').inner_text()
        assert "评审监控" in sidebar  # the chair context survived the confirmed action (an expert has no console)
        with live_db.read() as db:  # what the tally did: the session is closed and each dossier moved on
            tallied = db.scalar(select(PanelSession.id).where(PanelSession.status == "tallied",
                                                              PanelSession.tallied_at.is_not(None))
                                .order_by(PanelSession.tallied_at.desc()).limit(1))
            moved = db.scalars(select(Declaration.state).join(GroupDeclaration, GroupDeclaration.declaration_id ==
                                                              Declaration.id)
                               .join(ReviewGroup, ReviewGroup.id == GroupDeclaration.group_id)
                               .where(ReviewGroup.session_id == tallied)).all()
        assert moved and set(moved) <= {"result_publicity", "not_approved"}
    except Exception:
        for who, (_context, tab) in tabs.items():  # what each person saw, to tell a slow page from a broken one
            tab.screenshot(path=f"/tmp/panel_round_{who}.png", full_page=True)
            print(f"\n--- {who} (screenshot /tmp/panel_round_{who}.png) ---\n{tab.inner_text('body')[:2500]}")
        raise
    finally:
        for context, _tab_ in tabs.values():
            context.close()
