from sqlalchemy import select
from core.audit.trail import verify
from db.models import Declaration, PanelSession, TallyResult
from tests.panel_world import PanelWorld

def test_smoke(uow):
    pw = PanelWorld.build(uow)
    pw.run_to("tallied")
    with uow.read() as s:
        assert s.get(PanelSession, pw.session_id).status == "tallied"
        states = s.scalars(select(Declaration.state).where(Declaration.id.in_(pw.dossiers))).all()
        assert set(states) == {"result_publicity"}, states
        assert verify(s) is None
