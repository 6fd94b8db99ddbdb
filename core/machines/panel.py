"""The online panel review's two machines (001 §6.2.10): the panel session and its review groups.

Panel session (评委会): ``setup`` (groups, dossiers, drawing, duties) → ``reviewing`` (groups distribute,
review and vote) → ``committee_voting`` (the committee unit opens it with a quorum, once every group has
voted) → ``tallied`` (the chair or the committee unit confirms the tally; terminal, immutable).

Review group (评议组): ``distributing`` (the group leader gives each dossier to ≥ 2 experts, one main
reviewer) → ``reviewing`` (进入评审) → ``group_voting`` (进入组内投票, once every review is final) →
``group_voted`` (the group's count is kept as its recommendation).

The guards ask a facts object (core.panel.facts.PanelFacts); the numbers (quorum, pass threshold,
group size) are core.panel.rules, each once.
"""
from __future__ import annotations

from core.common.errors import InvalidAction
from core.machines.common import scoped
from core.machines.spec import Machine, Rules, state, transition

SESSION = "panel_session"
GROUP = "review_group"
OPERATOR = "committee_operator"
CHAIR = "chair"
LEADER = "group_leader"

session_rules = Rules()
group_rules = Rules()


@session_rules.guard("staffed")
def _staffed(record, facts, actor, payload, today):
    return facts.setup_problems(record.id) or None


@session_rules.guard("groups_voted")
def _groups_voted(record, facts, actor, payload, today):
    return None if facts.all_groups_voted(record.id) else "panel.guard.groups_not_voted"


@session_rules.guard("quorum")
def _quorum(record, facts, actor, payload, today):
    return None if facts.has_quorum(record.id) else "panel.guard.no_quorum"


@session_rules.effect("stamp_vote_opened")
def _stamp_vote_opened(record, facts, payload, now):
    return {"vote_opened_at": now}


@session_rules.effect("stamp_tallied")
def _stamp_tallied(record, facts, payload, now):
    return {"tallied_at": now}


@group_rules.guard("session_reviewing")
def _session_reviewing(record, facts, actor, payload, today):
    return None if facts.session_state(record.data["session_id"]) == "reviewing" else "panel.guard.session_not_reviewing"


@group_rules.guard("distributed")
def _distributed(record, facts, actor, payload, today):
    return facts.distribution_problems(record.id) or None


@group_rules.guard("reviews_final")
def _reviews_final(record, facts, actor, payload, today):
    return None if facts.reviews_final(record.id) else "panel.guard.reviews_open"


def _session_admit(actor, record, facts, action) -> bool:
    if actor.role == OPERATOR:
        return actor.unit_id is not None and facts.organizes(actor.unit_id, record.data["committee_id"])
    if actor.role == CHAIR:
        return facts.holds_duty(actor, record.id, (CHAIR,))
    return False


def _group_admit(actor, record, facts, action) -> bool:
    return actor.role == LEADER and facts.leads_group(actor, record.id)


SESSION_MACHINE = Machine(
    SESSION,
    states=(state("setup", "panel.status.setup", OPERATOR),
            state("reviewing", "panel.status.reviewing", OPERATOR),
            state("committee_voting", "panel.status.committee_voting", {OPERATOR, CHAIR}),
            state("tallied", "panel.status.tallied", terminal=True)),
    initial="setup",
    transitions=(transition(SESSION, "setup", "start_review", "reviewing", OPERATOR, guards=("staffed",)),
                 transition(SESSION, "reviewing", "open_committee_vote", "committee_voting", OPERATOR,
                            guards=("groups_voted", "quorum"), effects=("stamp_vote_opened",)),
                 transition(SESSION, "committee_voting", "tally", "tallied", {OPERATOR, CHAIR},
                            guards=("quorum",), effects=("stamp_tallied",))),
    rules=session_rules, roles=frozenset({OPERATOR, CHAIR}), admit=scoped(_session_admit),
    subject="panel_session", audit_kind="panel", audit_prefix="panel_", action_label="panel.action.",
    refusals={"start_review": (InvalidAction, "panel.not_setup"),
              "open_committee_vote": (InvalidAction, "panel.not_reviewing"),
              "tally": (InvalidAction, "panel.vote_not_open")},
)

GROUP_MACHINE = Machine(
    GROUP,
    states=(state("distributing", "panel.group.distributing", LEADER),
            state("reviewing", "panel.group.reviewing", LEADER),
            state("group_voting", "panel.group.group_voting", LEADER),
            state("group_voted", "panel.group.group_voted", terminal=True)),
    initial="distributing",
    transitions=(transition(GROUP, "distributing", "start_group_review", "reviewing", LEADER,
                            guards=("session_reviewing", "distributed")),
                 transition(GROUP, "reviewing", "open_group_vote", "group_voting", LEADER,
                            guards=("session_reviewing", "reviews_final")),
                 transition(GROUP, "group_voting", "close_group_vote", "group_voted", LEADER)),
    rules=group_rules, roles=frozenset({LEADER}), admit=scoped(_group_admit),
    subject="review_group", audit_kind="panel", audit_prefix="panel_", action_label="panel.action.",
    refusals={"start_group_review": (InvalidAction, "panel.group_not_distributing"),
              "open_group_vote": (InvalidAction, "panel.group_not_reviewing"),
              "close_group_vote": (InvalidAction, "panel.group_vote_not_open")},
)

MACHINES = (SESSION_MACHINE, GROUP_MACHINE)
