"""AppTest of 评审监控, the chair's live console (001 §6.2.10.7): quorum and progress counts, never a choice;
the chair tallies after a confirmation and sees the results; a vice chair watches only; nobody outside sees it."""
from __future__ import annotations

from sqlalchemy import select

from core.common.i18n import t
from core.panel import views, voting
from db.models import Declaration, PanelSession
from tests.app.panel_support import login_as, panel_world, texts
from tests.app.support import action, click, confirm, errors, offers

WS = "panel_console"


def _vice_chair(pw):
    m = next(m for m in pw.members() if m.duty == "vice_chair")
    return pw.as_duty(m.expert_id, "vice_chair")


def _one_member_votes(pw) -> None:
    """The chair votes on every dossier; nobody else yet."""
    chair = pw.chair()
    lines = views.ballot_sheet(pw.uow, chair)
    voting.cast(pw.uow, chair, pw.session_id, "committee",
                {ln.dossier.declaration_id: "reject" for ln in lines if ln.stage == "committee"})


def test_the_console_shows_counts_and_progress_but_never_a_choice(app_db):
    pw = panel_world(app_db)
    pw.run_to("committee_voting")
    _one_member_votes(pw)
    at = login_as(pw, pw.chair().account_id, role="chair", page=WS)
    assert at.selectbox(key=f"{WS}.session").value == pw.session_id
    voters = [m for m in pw.members() if m.duty in ("chair", "vice_chair", "committee_member")]
    assert at.metric[0].value == f"{len(voters)} / {len(voters)}"
    assert at.metric[2].value == t("panel_admin.quorum_yes")
    groups, dossiers = (df.value for df in at.dataframe)
    assert list(groups[t("panel_admin.col.dossiers")]) == [len(pw.dossiers)]
    assert list(dossiers[t("panel_console.col.voted")]) == [1] * len(pw.dossiers)
    assert all(n >= 1 for n in dossiers[t("panel_console.col.eligible")])
    shown = texts(at)
    for choice in ("approve", "reject", "abstain"):
        assert t(f"panel.choice.{choice}") not in shown and choice not in shown
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")  # the progress chart is drawn
    assert action(at, WS, "tally")  # the chair may tally once the committee vote is open


def test_the_chair_tallies_from_the_console_after_a_confirmation_and_sees_the_results(app_db):
    pw = panel_world(app_db)
    pw.run_to("committee_voting")
    pw.vote_committee()
    at = login_as(pw, pw.chair().account_id, role="chair", page=WS)
    click(at, WS, "tally")
    with pw.uow.read() as s:
        assert s.get(PanelSession, pw.session_id).status == "committee_voting"  # not before the confirmation
    confirm(at, WS)
    assert errors(at) == []
    with pw.uow.read() as s:
        assert s.get(PanelSession, pw.session_id).status == "tallied"
        assert set(s.scalars(select(Declaration.state).where(Declaration.id.in_(pw.dossiers)))) == {"result_publicity"}
    assert t("panel_admin.tally_done", count=len(pw.dossiers)) in texts(at)
    # the chair comes back to the console (in AppTest the sidebar context falls back to the first one
    # after an action's rerun from the confirmation dialog: choose the chair again)
    at = login_as(pw, pw.chair().account_id, role="chair", page=WS)
    assert t("panel_console.results") in texts(at)
    results = at.dataframe[-1].value
    assert len(results) == len(pw.dossiers) and set(results[t("panel_admin.col.passed")]) == {t("panel_admin.yes")}
    assert not offers(at, WS)


def test_a_vice_chair_watches_but_does_not_tally(app_db):
    pw = panel_world(app_db)
    pw.run_to("committee_voting")
    at = login_as(pw, _vice_chair(pw).account_id, role="vice_chair", page=WS)
    assert at.selectbox(key=f"{WS}.session").value == pw.session_id
    assert at.metric and not offers(at, WS)


def test_the_operator_of_another_unit_sees_no_session(app_db):
    pw = panel_world(app_db)
    pw.run_to("committee_voting")
    at = login_as(pw, pw.world.actor("own_committee_op").account_id, page=WS)
    assert not [s for s in at.selectbox if s.key == f"{WS}.session"]
    assert t("panel_console.no_sessions") in texts(at) and not at.metric
