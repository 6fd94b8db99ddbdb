"""Home's to-do list counts what waits for each panel duty (core.panel.todo through core.desks.workspaces)."""
from core.desks.workspaces import todo_counts
from core.panel import distribution, voting
from tests.panel_world import PanelWorld


def _todo(pw: PanelWorld, actor) -> dict[str, int]:
    with pw.uow.read() as s:
        return todo_counts(s, actor)


def test_each_panel_duty_sees_its_waiting_work_and_it_goes_away_when_done(uow):
    pw = PanelWorld.build(uow, dossiers=2)
    pw.run_to("reviewing")
    assert _todo(pw, pw.operator)["panel_admin"] == 1
    assert _todo(pw, pw.leader())["panel_group"] == 1            # dossiers to distribute
    pw.distribute_all()
    distribution.group_step(uow, pw.leader(), pw.group_id, "start_group_review")
    reviewer = next(m for m in pw.members() if m.group_id == pw.group_id and m.duty == "expert")
    expert = pw.experts[reviewer.expert_id]
    assert _todo(pw, expert)["expert_review"] >= 1
    assert _todo(pw, pw.leader())["panel_group"] == 0            # waiting for the reviews
    pw.review_all()
    assert _todo(pw, expert)["expert_review"] == 0
    assert _todo(pw, pw.leader())["panel_group"] == 1            # every review final: open the vote
    distribution.group_step(uow, pw.leader(), pw.group_id, "open_group_vote")
    assert _todo(pw, expert)["panel_vote"] == 2
    pw.vote_group()
    assert _todo(pw, expert)["panel_vote"] == 0
    voting.close_group_vote(uow, pw.leader(), pw.group_id)
    pw.step("committee_voting")
    assert _todo(pw, pw.chair())["panel_console"] == 1
    assert _todo(pw, pw.operator)["panel_console"] == 1
    assert _todo(pw, pw.chair())["panel_vote"] == 2
    pw.step("tallied")
    assert _todo(pw, pw.chair()) == {"panel_console": 0, "expert_review": 0, "panel_vote": 0}
    assert _todo(pw, pw.operator)["panel_admin"] == 0
