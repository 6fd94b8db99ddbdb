"""Unit registration (单位注册, 003 §一): a registered unit is pending until the HR bureau of its region
approves it (active) or rejects it (rejected; its credit code is released for a new registration).
A unit an HR bureau creates directly starts active."""
from __future__ import annotations

from core.common.errors import ValidationError
from core.machines.common import scoped
from core.machines.spec import Machine, Rules, state, transition

NAME = "unit_registration"
HR = "hr_operator"


def _in_region(actor, unit, facts, action) -> bool:
    return actor.role == HR and actor.unit_id is not None and f"/{actor.unit_id}/" in (unit.data["path"] or "")


rules = Rules()


@rules.effect("release_uscc")
def _release_uscc(unit, facts, payload, now) -> dict:
    return {"uscc": None}  # a rejected registration does not block registering the code again


NOT_PENDING = (ValidationError, "unitreg.not_pending")
MACHINE = Machine(
    NAME,
    states=(state("pending", "org.status.pending", HR, workspace="org_admin"),
            state("active", "org.status.active", terminal=True),
            state("rejected", "org.status.rejected", terminal=True)),
    initial="pending",
    transitions=(transition(NAME, "pending", "approve", "active", HR),
                 transition(NAME, "pending", "reject", "rejected", HR, effects=("release_uscc",))),
    rules=rules, roles=frozenset({HR}), admit=scoped(_in_region),
    subject="unit", audit_kind="admin", audit_prefix="unit_", action_label="unitreg.action.",
    refusals={"approve": NOT_PENDING, "reject": NOT_PENDING},
)
