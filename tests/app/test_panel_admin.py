"""AppTest of 评委会管理 (001 §6.2.10.1–3, §6.2.10.7–8): the committee unit's operator creates a session,
sets it up (groups, dossiers, needs, drawing, duties, declines, replay), starts the review, signs experts
in and out, sees blind-review opinions, opens the committee vote and tallies, and reads the results."""
from __future__ import annotations

import importlib.util

from sqlalchemy import select

from core.common.i18n import t
from core.panel import drawing, sessions
from db.models import Declaration, PanelMember, PanelSession, ReviewGroup
from tests.app.panel_support import login_as, panel_world, texts
from tests.app.support import click, confirm, errors

WS = "panel_admin"


def _tab(at, name: str):
    at.session_state[f"{WS}.tab"] = t(f"panel_admin.tab.{name}")
    at.run()
    return at


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


def _session_with_group(pw) -> tuple[int, int]:
    op = pw.operator
    sid = sessions.create(pw.uow, op, pw.world.committee_id, "土木评审会")
    return sid, sessions.add_group(pw.uow, op, sid, "土木组")


def _members(pw, sid: int) -> list[PanelMember]:
    with pw.uow.read() as s:
        rows = list(s.scalars(select(PanelMember).where(PanelMember.session_id == sid).order_by(PanelMember.id)))
        s.expunge_all()
        return rows


def test_groups_dossiers_needs_and_the_drawing_through_the_page(app_db):
    pw = panel_world(app_db)
    sid = sessions.create(pw.uow, pw.operator, pw.world.committee_id, "土木评审会")
    at = _tab(login_as(pw, pw.operator.account_id, page=WS), "setup")
    at.text_input(key=f"{WS}.group_name").input("土木组")
    click(at, WS, "add_group")
    with pw.uow.read() as s:
        group = s.scalar(select(ReviewGroup.id).where(ReviewGroup.session_id == sid))
    assert group is not None
    at.multiselect(key=f"{WS}.assign_ids").select(pw.dossiers[0]).select(pw.dossiers[1])
    click(at, WS, "assign")
    assert errors(at) == []
    assert sorted(sessions.waiting_dossiers(pw.uow, pw.operator, sid))[0][0] == pw.dossiers[2]
    row = f"{group}.eng_civil"
    at.number_input(key=f"{WS}.need.{row}").set_value(3)
    click(at, WS, "set_need", row)
    click(at, WS, "draw", row)
    assert errors(at) == []
    drawn = _members(pw, sid)
    assert len(drawn) == 3 and {m.group_id for m in drawn} == {group}
    names = texts(at)
    assert t("panel_admin.draws") in names
    click(at, WS, "draw", row)  # the need is met: a clear refusal, as text
    assert errors(at) == [t("panel.draw_nothing_needed")]


def test_start_review_lists_what_is_missing_then_duties_declines_and_replay(app_db):
    pw = panel_world(app_db)
    sid, group = _session_with_group(pw)
    op = pw.operator
    sessions.assign(pw.uow, op, group, pw.dossiers)
    sessions.set_need(pw.uow, op, group, "eng_civil", 4)
    drawing.draw_for_group(pw.uow, op, group, "eng_civil")
    at = _tab(login_as(pw, op.account_id, page=WS), "setup")
    click(at, WS, "start_review")
    confirm(at, WS)
    shown = "\n".join(errors(at))
    assert t("panel.setup.no_leader") in shown and t("panel.setup.no_chair") in shown
    first, second = _members(pw, sid)[:2]
    at.selectbox(key=f"{WS}.member").select(first.id)
    at.selectbox(key=f"{WS}.duty").select("group_leader")
    click(at, WS, "set_duty")
    assert errors(at) == []
    at.selectbox(key=f"{WS}.member").select(second.id)
    click(at, WS, "decline")
    confirm(at, WS)
    members = {m.id: m for m in _members(pw, sid)}
    assert members[first.id].duty == "group_leader" and members[second.id].declined_at is not None
    click(at, WS, "draw", f"{group}.eng_civil")  # a new expert fills the declined place
    assert len([m for m in _members(pw, sid) if m.declined_at is None]) == 4
    at.selectbox(key=f"{WS}.replay_pick").select(drawing.draws(pw.uow, op, sid)[0].id)
    click(at, WS, "replay")
    assert at.success and t("panel_admin.replay_same", id=drawing.draws(pw.uow, op, sid)[0].id) in texts(at)


def test_signing_experts_out_and_in_changes_who_is_present_and_the_quorum(app_db):
    pw = panel_world(app_db)
    pw.setup()  # five committee-only members, a group member as committee member: six voting, all signed in
    voters = [m for m in pw.members() if m.duty in ("chair", "vice_chair", "committee_member")]
    at = _tab(login_as(pw, pw.operator.account_id, page=WS), "attendance")
    assert at.metric[0].value == f"{len(voters)} / {len(voters)}"
    at.multiselect(key=f"{WS}.sign_ids").select(voters[0].id).select(voters[1].id).select(voters[2].id)
    at.run()
    click(at, WS, "sign_out")
    assert errors(at) == []
    assert at.metric[0].value == f"{len(voters) - 3} / {len(voters)}"
    assert at.metric[2].value == t("panel_admin.quorum_no")
    away = {m.id: m for m in pw.members()}
    assert all(away[m.id].signed_out_at is not None for m in voters[:3])
    at.multiselect(key=f"{WS}.sign_ids").set_value([voters[0].id])
    at.run()
    click(at, WS, "sign_in")
    assert at.metric[0].value == f"{len(voters) - 2} / {len(voters)}"


def test_the_blind_review_tab_shows_the_dossiers_per_group_and_the_uploaded_opinions(app_db):
    from core.files.store import minimal_pdf
    from core.panel import blind

    pw = panel_world(app_db)
    pw.setup()
    blind.upload(pw.uow, pw.operator, pw.session_id, pw.dossiers[1], "盲评意见_张.pdf", minimal_pdf("b"))
    at = _tab(login_as(pw, pw.operator.account_id, page=WS), "blind")
    per_group, files = (df.value for df in at.dataframe)
    assert per_group.iloc[0].tolist()[0] == "土木评议组" and per_group.iloc[0].tolist()[-1] == len(pw.dossiers)
    assert files.iloc[0].tolist()[1] == "盲评意见_张.pdf"


def test_the_committee_vote_is_opened_and_tallied_through_the_page_and_the_results_shown(app_db):
    pw = panel_world(app_db)
    pw.run_to("group_voted")
    at = _tab(login_as(pw, pw.operator.account_id, page=WS), "votes")
    click(at, WS, "open_committee_vote")
    confirm(at, WS)
    assert errors(at) == []
    with pw.uow.read() as s:
        assert s.get(PanelSession, pw.session_id).status == "committee_voting"
    pw.vote_committee()
    at.run()
    click(at, WS, "tally")
    confirm(at, WS)
    assert errors(at) == []
    with pw.uow.read() as s:
        assert s.get(PanelSession, pw.session_id).status == "tallied"
        states = set(s.scalars(select(Declaration.state).where(Declaration.id.in_(pw.dossiers))))
    assert states == {"result_publicity"}
    _tab(at, "results")
    table = at.dataframe[0].value
    assert len(table) == len(pw.dossiers)
    assert set(table[t("panel_admin.col.passed")]) == {t("panel_admin.yes")}
    assert "申报人0" in set(table[t("col.applicant")])
    if importlib.util.find_spec("core.panel.decision_table") is not None:
        assert at.get("download_button")


def test_the_tally_is_not_confirmed_without_a_second_click(app_db):
    pw = panel_world(app_db)
    pw.run_to("committee_voting")
    at = _tab(login_as(pw, pw.operator.account_id, page=WS), "votes")
    click(at, WS, "tally")
    confirm(at, WS, yes=False)
    with pw.uow.read() as s:
        assert s.get(PanelSession, pw.session_id).status == "committee_voting"


def test_an_operator_of_another_unit_gets_nothing_of_the_session(app_db):
    pw = panel_world(app_db)
    pw.setup()
    other = pw.world.actor("own_committee_op")  # a committee organiser too, of another unit
    at = login_as(pw, other.account_id, page=WS)
    assert not [s for s in at.selectbox if s.key == f"{WS}.session"]
    assert "2026年度工程系列高级评审会" not in texts(at)
    assert t("panel_admin.no_sessions") in texts(at)


def test_every_tab_renders_without_a_raw_message_key(app_db):
    """Keys built at run time (stages, exclusion reasons, sign in/out) exist; the catalogue test checks
    that English has the same keys."""
    pw = panel_world(app_db)
    pw.setup()
    at = login_as(pw, pw.operator.account_id, page=WS)
    for name in ("sessions", "setup", "attendance", "blind", "votes", "results"):
        at.session_state[f"{WS}.tab"] = t(f"panel_admin.tab.{name}")
        at.run()
        if name == "setup":
            click(at, WS, "replay")
        shown = texts(at) + "".join(str(w.label) for w in (*at.button, *at.selectbox, *at.multiselect))
        assert "panel_admin." not in shown and "panel." not in shown, name
