"""The publicity batch (公示批次): draft → published → completed.

A batch is published by an operator of the unit that owns it and completed after its end date, once
none of its declarations is held by an open objection (core.review.publicity decides who is held and
moves the declarations on through their own machine). Discarding a draft deletes it: not a state.
"""
from __future__ import annotations

from core.common.errors import InvalidAction
from core.machines.common import scoped
from core.machines.spec import Machine, Rules, state, transition

NAME = "publicity_batch"
REVIEWER = "policy_reviewer"
# Who runs a batch of each kind (operators of the owner unit; a policy reviewer for its own committee).
OWNER_ROLES: dict[str, frozenset[str]] = {
    "unit": frozenset({"unit_operator"}),
    "failed_review": frozenset({"committee_operator", REVIEWER}),
    "candidate": frozenset({"committee_operator", REVIEWER}),
    "result": frozenset({"committee_operator"}),
}
ROLES = frozenset().union(*OWNER_ROLES.values())

rules = Rules()


@rules.guard("ended")
def _ended(batch, facts, actor, payload, today):
    return None if batch.data["ends_on"] < today else "guard.publicity_running"


def _owner(actor, batch, facts, action) -> bool:
    kind = batch.data["kind"]
    return (kind in OWNER_ROLES and actor.role in OWNER_ROLES[kind] and actor.unit_id is not None
            and actor.unit_id == batch.data["owner_unit_id"]
            and (actor.role != REVIEWER or actor.committee_id == batch.data["committee_id"]))


MACHINE = Machine(
    NAME,
    states=(state("draft", "publicity.status.draft", ROLES),
            state("published", "publicity.status.published", ROLES),
            state("completed", "publicity.status.completed", terminal=True)),
    initial="draft",
    transitions=(transition(NAME, "draft", "publish", "published", ROLES),
                 transition(NAME, "published", "complete", "completed", ROLES, guards=("ended",))),
    rules=rules, roles=ROLES, admit=scoped(_owner),
    subject="publicity_batch", audit_kind="admin", audit_prefix="publicity_", action_label="publicity.action.",
    refusals={"publish": (InvalidAction, "publicity.not_draft"), "complete": (InvalidAction, "publicity.not_published")},
)
