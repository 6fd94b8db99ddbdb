"""AppTest of 评委会管理 (001 §6.2.10.1–3, §6.2.10.7–8): the committee unit's operator creates a session,
sets it up (groups, dossiers, needs, drawing, duties, declines, replay), starts the review, signs experts
in and out, sees blind-review opinions, opens the committee vote and tallies, and reads the results."""
from __future__ import annotations

from sqlalchemy import select

from core.common.i18n import t
from core.panel import sessions
from db.models import PanelMember, PanelSession
from tests.app.panel_support import login_as, panel_world, texts
from tests.app.support import click, errors

WS = "panel_admin"


def test_the_operator_creates_a_session_through_the_page(app_db):
    pw = panel_world(app_db)
    at = login_as(pw, pw.operator.account_id, page=WS)
    at.selectbox(key=f"{WS}.new.committee").select(pw.world.committee_id)
    at.text_input(key=f"{WS}.new.title").input("工程系列高级评审会（测试）")
    at.checkbox(key=f"{WS}.new.blind").check()
    click(at, WS, "create")
    assert errors(at) == []
    with pw.uow.read() as s:
        panel = s.scalars(select(PanelSession).where(PanelSession.title == "工程系列高级评审会（测试）")).one()
        assert panel.status == "setup" and panel.blind_review and panel.committee_id == pw.world.committee_id
        panel_id = panel.id
    assert at.selectbox(key=f"{WS}.session").value == panel_id  # the page opens on the new session
