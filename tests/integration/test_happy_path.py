"""A declaration travels the whole review flow through the engine, on both backends."""
from sqlalchemy import select

from core.audit.trail import verify
from db.models import AuditEvent, Declaration
from tests.world import World


def test_declaration_reaches_approved_through_every_stage_with_one_event_per_step(uow):
    with uow.write() as s:
        w = World.build(s)
        d = w.new_declaration()
        w.drive(d, "approved")
    with uow.write() as s:
        decl = s.get(Declaration, d)
        events = s.execute(select(AuditEvent.action, AuditEvent.from_state, AuditEvent.to_state)
                           .where(AuditEvent.declaration_id == d).order_by(AuditEvent.id)).all()
        assert decl.state == "approved"
        assert decl.holder_unit_id is None
        assert len(events) == decl.version - 1 == 14
        assert [e.to_state for e in events][:4] == ["unit_verify", "unit_publicity", "unit_recommend", "relay"]
        assert verify(s) is None
