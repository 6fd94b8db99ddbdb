"""The binding of a person to a unit (个人绑定单位, 003 §五): the person asks, the unit's admin or
operator accepts or rejects; a new request withdraws a pending one; an admin ends an accepted one
(账号退出管理: accepted → left)."""
from __future__ import annotations

from core.common.errors import NotFound
from core.machines.common import scoped, stamp_decided
from core.machines.spec import Machine, Rules, state, transition

NAME = "unit_binding"
APPLICANT, UNIT_STAFF = "applicant", frozenset({"unit_admin", "unit_operator"})


def _party(actor, binding, facts, action) -> bool:
    """The person themself; staff of the unit asked; for leave, the admin of that unit or one above it."""
    if actor.role == APPLICANT:
        return actor.person_id is not None and actor.person_id == binding.data["person_id"]
    if actor.role not in UNIT_STAFF or actor.unit_id is None:
        return False
    if action == "leave":
        return facts.is_within(binding.data["unit_id"], actor.unit_id)
    return actor.unit_id == binding.data["unit_id"]


rules = Rules(effects={"stamp_decided": stamp_decided})
NOT_PENDING = (NotFound, "error.not_found")  # a decided request is no longer there for the unit
MACHINE = Machine(
    NAME,
    states=(state("pending", "binding.status.pending", UNIT_STAFF, workspace="unit_accounts"),
            state("accepted", "binding.status.accepted", "unit_admin"),
            state("rejected", "binding.status.rejected", terminal=True),
            state("withdrawn", "binding.status.withdrawn", terminal=True),
            state("left", "binding.status.left", terminal=True)),
    initial="pending",
    transitions=(transition(NAME, "pending", "accept", "accepted", UNIT_STAFF, effects=("stamp_decided",)),
                 transition(NAME, "pending", "reject", "rejected", UNIT_STAFF, effects=("stamp_decided",)),
                 transition(NAME, "pending", "withdraw", "withdrawn", APPLICANT),
                 transition(NAME, "accepted", "leave", "left", "unit_admin", effects=("stamp_decided",))),
    rules=rules, roles=UNIT_STAFF | {APPLICANT}, admit=scoped(_party),
    subject="unit_binding", audit_kind="account", audit_prefix="binding_", action_label="binding.action.",
    refusals={"accept": NOT_PENDING, "reject": NOT_PENDING},
)
