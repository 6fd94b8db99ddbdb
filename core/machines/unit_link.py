"""The unit parent link (归口申请, §7.1.2, 003): a unit asks to be linked under a department or HR bureau;
the parent's admin or operator approves (core.org.parent_links moves the subtree) or rejects."""
from __future__ import annotations

from core.common.errors import NotFound
from core.machines.common import scoped, stamp_decided
from core.machines.spec import Machine, Rules, state, transition

NAME = "unit_link"
DECIDERS = frozenset({"unit_admin", "dept_operator", "hr_operator"})


def _parent_unit(actor, request, facts, action) -> bool:
    return actor.role in DECIDERS and actor.unit_id is not None and actor.unit_id == request.data["parent_unit_id"]


rules = Rules(effects={"stamp_decided": stamp_decided})
NOT_PENDING = (NotFound, "error.not_found")  # a decided request is no longer in the parent's list
MACHINE = Machine(
    NAME,
    states=(state("pending", "org.status.pending", DECIDERS, workspace="org_admin"),
            state("approved", "org.status.approved", terminal=True),
            state("rejected", "org.status.rejected", terminal=True)),
    initial="pending",
    transitions=(transition(NAME, "pending", "approve", "approved", DECIDERS, effects=("stamp_decided",)),
                 transition(NAME, "pending", "reject", "rejected", DECIDERS, effects=("stamp_decided",))),
    rules=rules, roles=DECIDERS, admit=scoped(_parent_unit),
    subject="unit_link_request", audit_kind="admin", audit_prefix="link_", action_label="link.action.",
    refusals={"approve": NOT_PENDING, "reject": NOT_PENDING},
)
