"""The objection (举报) against a publicised declaration: open → dismissed, or upheld when the owning unit
returns or terminates the declaration (core.review.objections moves the declaration first, through its
own machine, then closes the objections it answers)."""
from __future__ import annotations

from core.common.errors import InvalidAction, NotFound
from core.machines.spec import Machine, Rules, state, transition

NAME = "objection"
HANDLERS = frozenset({"unit_operator", "dept_operator", "hr_operator", "committee_operator"})


def _handling_unit(actor, objection, facts, action, expected_version) -> None:
    """The unit that runs the objection's publicity (or, without one, holds the declaration)."""
    if actor.role not in HANDLERS or actor.unit_id is None or not facts.handles_objection(actor, objection):
        raise NotFound()


rules = Rules(effects={"resolve": lambda o, f, p, now: {"resolution": (p.get("reason") or "").strip(),
                                                        "resolved_at": now}})
RESOLVED = (InvalidAction, "objection.already_resolved")
MACHINE = Machine(
    NAME,
    states=(state("open", "objection.status.open", HANDLERS),
            state("dismissed", "objection.status.dismissed", terminal=True),
            state("upheld", "objection.status.upheld", terminal=True)),
    initial="open",
    transitions=tuple(transition(NAME, "open", outcome, target, HANDLERS, needs_reason=True, effects=("resolve",))
                      for outcome, target in (("dismiss", "dismissed"), ("return", "upheld"),
                                              ("terminate", "upheld"))),
    rules=rules, roles=HANDLERS, admit=_handling_unit,
    subject="objection", audit_kind="objection", audit_prefix="objection_", action_label="objection.outcome.",
    refusals={"dismiss": RESOLVED, "return": RESOLVED, "terminate": RESOLVED},
)
