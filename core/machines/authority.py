"""The review-authority filing (评审权备案, §6.4): pending → approved or rejected by the region's HR bureau."""
from __future__ import annotations

from core.common.errors import ValidationError
from core.machines.common import scoped
from core.machines.spec import Machine, Rules, state, transition

NAME = "authority_filing"
HR = "hr_operator"


def _region_bureau(actor, committee, facts, action) -> bool:
    return actor.role == HR and actor.unit_id is not None and actor.unit_id == committee.data["region_unit_id"]


NOT_PENDING = (ValidationError, "authority.not_pending")
MACHINE = Machine(
    NAME,
    states=(state("pending", "authority.status.pending", HR, workspace="authority"),
            state("approved", "authority.status.approved", terminal=True),
            state("rejected", "authority.status.rejected", terminal=True)),
    initial="pending",
    transitions=(transition(NAME, "pending", "approve", "approved", HR),
                 transition(NAME, "pending", "reject", "rejected", HR)),
    rules=Rules(), roles=frozenset({HR}), admit=scoped(_region_bureau),
    subject="committee", audit_kind="admin", audit_prefix="authority_", action_label="authority.action.",
    refusals={"approve": NOT_PENDING, "reject": NOT_PENDING},
)
