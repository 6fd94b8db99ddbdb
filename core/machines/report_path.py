"""The reporting path (路径申请, 002 §2.5): pending → approved or rejected by the target unit; an approved
path is superseded when a newer one for the same unit, series and level is approved."""
from __future__ import annotations

from core.common.errors import InvalidAction
from core.machines.common import scoped, stamp_decided
from core.machines.spec import Machine, Rules, state, transition

NAME = "report_path"
DECIDE_ROLES = frozenset({"dept_operator", "hr_operator"})


def _target_unit(actor, path, facts, action) -> bool:
    """The target unit's operators decide; supersede follows the approval of the newer path, which
    may go to another unit (core.org.report_paths calls it only then)."""
    if actor.role not in DECIDE_ROLES or actor.unit_id is None:
        return False
    return action == "supersede" or actor.unit_id == path.data["target_unit_id"]


rules = Rules(effects={"stamp_decided": stamp_decided})
NOT_PENDING = (InvalidAction, "report_path.not_pending")
MACHINE = Machine(
    NAME,
    states=(state("pending", "report_path.status.pending", DECIDE_ROLES, workspace="relay"),
            state("approved", "report_path.status.approved", DECIDE_ROLES),
            state("rejected", "report_path.status.rejected", terminal=True),
            state("superseded", "report_path.status.superseded", terminal=True)),
    initial="pending",
    transitions=(transition(NAME, "pending", "approve", "approved", DECIDE_ROLES, effects=("stamp_decided",)),
                 transition(NAME, "pending", "reject", "rejected", DECIDE_ROLES, needs_reason=True,
                            effects=("stamp_decided",)),
                 transition(NAME, "approved", "supersede", "superseded", DECIDE_ROLES)),
    rules=rules, roles=DECIDE_ROLES, admit=scoped(_target_unit),
    subject="report_path", audit_kind="admin", audit_prefix="report_path_", action_label="report_path.action.",
    refusals={"approve": NOT_PENDING, "reject": NOT_PENDING},
)
