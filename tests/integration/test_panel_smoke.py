import pytest
from sqlalchemy import func, select
from core.audit.trail import verify
from db.models import Declaration, PanelDraw, PanelSession
from tests.panel_world import PanelWorld

def test_smoke(uow):
    pw = PanelWorld.build(uow)
    pw.run_to("tallied")
    with uow.read() as s:
        assert s.get(PanelSession, pw.session_id).status == "tallied"
        states = s.scalars(select(Declaration.state).where(Declaration.id.in_(pw.dossiers))).all()
        assert set(states) == {"result_publicity"}, states
        assert verify(s) is None


def test_the_replay_command_runs_a_recorded_drawing_again(uow, monkeypatch, capsys):
    from core.panel import drawing
    pw = PanelWorld.build(uow)
    pw.setup()
    with uow.read() as s:
        draw_id = s.scalar(select(PanelDraw.id).where(PanelDraw.session_id == pw.session_id).order_by(PanelDraw.id))
    monkeypatch.setattr(drawing.UnitOfWork, "from_url", classmethod(lambda cls, url=None: uow))
    monkeypatch.setattr(uow, "dispose", lambda: None)
    assert drawing.main(["replay", str(draw_id)]) == 0
    assert "SAME" in capsys.readouterr().out
    with uow.write() as s:
        s.get(PanelDraw, draw_id).seed = "0" * 32
    assert drawing.main(["replay", str(draw_id)]) == 1


def test_a_group_leader_cannot_be_changed_once_the_review_started(uow):
    from core.common.errors import InvalidAction
    from core.panel import sessions
    pw = PanelWorld.build(uow)
    pw.run_to("reviewing")
    leader = next(m for m in pw.members() if m.duty == "group_leader")
    other = next(m for m in pw.members() if m.group_id == pw.group_id and m.duty == "expert")
    for member, duty in ((leader, "expert"), (other, "group_leader")):
        with pytest.raises(InvalidAction) as refused:
            sessions.set_duty(uow, pw.operator, member.id, duty)
        assert refused.value.key == "panel.duty_locked"
    assert next(m for m in pw.members() if m.id == leader.id).duty == "group_leader"


@pytest.mark.parametrize("count_recused", [False, True])
def test_recused_members_count_as_present_only_when_configured(uow, monkeypatch, count_recused):
    import dataclasses

    from sqlalchemy import update

    from core.panel import voting
    from db.models import Expert, PanelMember, TallyResult
    monkeypatch.setattr(voting, "RULES", dataclasses.replace(voting.RULES, recused_count_as_present=count_recused))
    pw = PanelWorld.build(uow, dossiers=2)
    pw.setup()
    recused = next(m for m in pw.members() if m.group_id is None and m.duty == "committee_member")
    with uow.write() as s:  # one committee member turns out to work at the applicants' employer (回避)
        s.execute(update(Expert).where(Expert.id == recused.expert_id).values(unit_id=pw.world.units["employer"]))
    from core.panel import sessions
    sessions.start_review(uow, pw.operator, pw.session_id)
    for name in ("group_voted", "committee_voting", "tallied"):
        pw.step(name)
    with uow.read() as s:
        voters = s.scalar(select(func.count()).where(PanelMember.session_id == pw.session_id,
                                                     PanelMember.duty.in_(("chair", "vice_chair", "committee_member"))))
        presents = set(s.scalars(select(TallyResult.present).where(TallyResult.session_id == pw.session_id,
                                                                   TallyResult.stage == "committee")))
    assert presents == {voters if count_recused else voters - 1}


def test_a_leader_cannot_distribute_before_the_committee_unit_starts_the_review(uow):
    """Found by the stateful test: a dossier given out during set-up kept a reviewer whose conflict was
    declared afterwards, still in set-up. Distribution waits for 开启线上评审."""
    from core.common.errors import InvalidAction
    from core.panel import distribution, views
    from db.models import DossierAssignment
    pw = PanelWorld.build(uow, dossiers=1)
    pw.setup()
    board = views.leader_board(uow, pw.leader(), pw.group_id)
    d = board.group.dossiers[0].declaration_id
    chosen = list(board.eligible[d])[:2]
    with pytest.raises(InvalidAction) as refused:
        distribution.distribute(uow, pw.leader(), pw.group_id, d, chosen, chosen[0])
    assert refused.value.key == "panel.guard.session_not_reviewing"
    with uow.read() as s:
        assert not s.scalar(select(func.count()).select_from(DossierAssignment))
