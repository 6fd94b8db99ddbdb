"""The panel's rule numbers and predicates (rules.md), each once, in integers only.

* quorum: present members ≥ 2/3 of the committee, ``3*present >= 2*members``;
* pass: yes ≥ 2/3 of members present, ``3*yes >= 2*present`` (abstain and invalid are not yes);
* a review group has ≥ 3 experts; each dossier ≥ 2 reviewers and exactly one main reviewer.
"""
from __future__ import annotations

MIN_GROUP_EXPERTS = 3
MIN_REVIEWERS = 2
CHOICES = ("approve", "reject", "abstain")
STAGES = ("group", "committee")
VOTING_DUTIES = ("committee_member", "vice_chair", "chair")  # vote in the full committee
GROUP_DUTIES = ("expert", "group_leader")                     # review in a group only
DUTIES = (*GROUP_DUTIES, *VOTING_DUTIES)
CONSOLE_DUTIES = ("chair", "vice_chair")
DRAW_RULE_VERSION = "draw-1"  # bump when the drawing's eligibility or order changes


def has_quorum(present: int, members: int) -> bool:
    """``3*present >= 2*members``; an empty committee has no quorum."""
    return members > 0 and 3 * present >= 2 * members


def passes(yes: int, present: int) -> bool:
    """``3*yes >= 2*present``; nobody present passes nothing."""
    return present > 0 and 3 * yes >= 2 * present


def votes_needed(present: int) -> int:
    """The fewest yes votes that pass with this many present."""
    return -(-2 * present // 3) if present > 0 else 1
