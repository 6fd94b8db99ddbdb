"""The panel's rule numbers (core.panel.rules) and its two machines (core.machines.panel) against an
in-memory store: quorum and the 2/3 pass threshold at their boundaries, in integers only, and each
machine's allowed and refused transitions and roles (no database, milliseconds).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from fractions import Fraction

import pytest

from core.common.errors import Forbidden, GuardFailed, InvalidAction, NotFound
from core.panel import rules
from core.workflow import Actor, Change, Record, available_actions, perform

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.timezone.utc)
TODAY = NOW.date()
COMMITTEE_UNIT, OTHER_UNIT = 20, 21
COMMITTEE, SESSION_ID, GROUP_ID = 7, 1, 1
CHAIR_PERSON, VICE_PERSON, LEADER_PERSON, OTHER_LEADER_PERSON = 501, 502, 503, 504


# --- quorum and pass threshold -------------------------------------------------------------------

@pytest.mark.parametrize("present, quorum", [(25, True), (17, True), (16, False), (0, False)])
def test_a_committee_of_25_has_a_quorum_from_17_present(present, quorum):
    assert rules.has_quorum(present, 25) is quorum


@pytest.mark.parametrize("members, smallest", [(3, 2), (11, 8), (25, 17), (27, 18), (31, 21)])
def test_the_smallest_quorum_is_two_thirds_rounded_up(members, smallest):
    assert rules.has_quorum(smallest, members) and not rules.has_quorum(smallest - 1, members)


@pytest.mark.parametrize("yes, passed", [(17, True), (12, True), (11, False), (0, False)])
def test_with_17_present_12_yes_pass_and_11_fail(yes, passed):
    assert rules.passes(yes, 17) is passed


@pytest.mark.parametrize("present", range(1, 61))
def test_votes_needed_is_the_exact_boundary_of_passes(present):
    need = rules.votes_needed(present)
    assert rules.passes(need, present) and not rules.passes(need - 1, present)


def test_the_thresholds_are_exact_in_integers_where_floats_round_wrongly():
    # 2/3 of 3 is 2 exactly; a float comparison (yes / present >= 0.6667) would refuse 2 of 3
    assert rules.passes(2, 3) and not rules.passes(1, 3)
    assert rules.has_quorum(2, 3) and rules.has_quorum(20, 30) and not rules.has_quorum(19, 30)
    assert rules.passes(200, 300) and not rules.passes(199, 300)
    # at a size where the float 2/3 is just below the true value, integers still agree with fractions
    for present in range(1, 3000):
        need = rules.votes_needed(present)
        assert 3 * need >= 2 * present > 3 * (need - 1)


def test_the_rules_agree_with_exact_fractions_everywhere():
    """Integers only: 3*present >= 2*members and 3*yes >= 2*present, never a rounded 0.667."""
    for members in range(1, 61):
        for present in range(members + 1):
            assert rules.has_quorum(present, members) is (Fraction(present, members) >= Fraction(2, 3))
    for present in range(1, 61):
        for yes in range(present + 1):
            assert rules.passes(yes, present) is (Fraction(yes, present) >= Fraction(2, 3))
    assert not rules.passes(66_666, 100_000) and rules.passes(66_667, 100_000)  # 0.66666 < 2/3 <= 0.66667


def test_nobody_present_passes_nothing_and_an_empty_committee_has_no_quorum():
    assert not rules.passes(0, 0)
    assert not rules.has_quorum(0, 0)
    assert rules.votes_needed(0) == 1  # no yes count can pass with nobody present


def test_abstain_and_invalid_are_not_yes():
    # 17 present: 11 yes + 6 abstain is not a pass; the threshold counts yes only against present
    assert not rules.passes(11, 11 + 6)
    assert rules.passes(12, 12 + 5)


def test_the_group_and_reviewer_minimums_are_the_rules_tables():
    assert (rules.MIN_GROUP_EXPERTS, rules.MIN_REVIEWERS) == (3, 2)
    assert set(rules.VOTING_DUTIES) == {"committee_member", "vice_chair", "chair"}
    assert not set(rules.VOTING_DUTIES) & set(rules.GROUP_DUTIES)


# --- the panel machines against an in-memory store ---------------------------------------------------

@dataclass
class PanelFacts:
    """What the panel guards ask, as plain values a test sets."""

    setup: list[str] = field(default_factory=list)
    groups_voted: bool = True
    quorum: bool = True
    session: str = "reviewing"
    distribution: list[str] = field(default_factory=list)
    final: bool = True
    chairs: set[int] = field(default_factory=lambda: {CHAIR_PERSON})        # person ids holding chair
    leaders: set[int] = field(default_factory=lambda: {LEADER_PERSON})      # person ids leading group 1

    def organizes(self, unit_id: int, committee_id: int) -> bool:
        return unit_id == COMMITTEE_UNIT and committee_id == COMMITTEE

    def holds_duty(self, actor: Actor, session_id: int, duties: tuple[str, ...]) -> bool:
        return "chair" in duties and actor.person_id in self.chairs

    def leads_group(self, actor: Actor, group_id: int) -> bool:
        return group_id == GROUP_ID and actor.person_id in self.leaders

    def session_state(self, session_id: int) -> str:
        return self.session

    def setup_problems(self, session_id: int) -> list[str]:
        return list(self.setup)

    def all_groups_voted(self, session_id: int) -> bool:
        return self.groups_voted

    def has_quorum(self, session_id: int) -> bool:
        return self.quorum

    def distribution_problems(self, group_id: int) -> list[str]:
        return list(self.distribution)

    def reviews_final(self, group_id: int) -> bool:
        return self.final


@dataclass
class Store:
    records: dict[int, Record]
    facts: PanelFacts = field(default_factory=PanelFacts)
    events: list[tuple[Actor, Change]] = field(default_factory=list)

    def load(self, record_id: int) -> Record | None:
        return self.records.get(record_id)

    def apply(self, actor: Actor, change: Change, now: dt.datetime) -> int:
        r = self.records[change.record_id]
        assert r.version == change.expected_version
        self.records[r.id] = replace(r, state=change.to_state, version=r.version + 1, data={**r.data, **change.columns})
        self.events.append((actor, change))
        return r.version + 1


OPERATOR = Actor(account_id=1, role="committee_operator", unit_id=COMMITTEE_UNIT)
OTHER_OPERATOR = Actor(account_id=2, role="committee_operator", unit_id=OTHER_UNIT)
CHAIR = Actor(account_id=3, role="chair", person_id=CHAIR_PERSON, committee_id=COMMITTEE, year=2026)
VICE = Actor(account_id=4, role="vice_chair", person_id=VICE_PERSON, committee_id=COMMITTEE, year=2026)
LEADER = Actor(account_id=5, role="group_leader", person_id=LEADER_PERSON)
OTHER_LEADER = Actor(account_id=6, role="group_leader", person_id=OTHER_LEADER_PERSON)
EXPERT = Actor(account_id=7, role="expert", person_id=LEADER_PERSON)   # the leader's own person, as a plain expert
UNIT_OPERATOR = Actor(account_id=8, role="unit_operator", unit_id=COMMITTEE_UNIT)


def session(state: str, **facts) -> Store:
    return Store({SESSION_ID: Record("panel_session", SESSION_ID, state, 3, {"committee_id": COMMITTEE, "year": 2026})},
                 PanelFacts(**facts))


def group(state: str, **facts) -> Store:
    return Store({GROUP_ID: Record("review_group", GROUP_ID, state, 3, {"session_id": SESSION_ID})}, PanelFacts(**facts))


def done(store: Store, actor: Actor, action: str) -> Store:
    perform(store, actor, 1, action, now=NOW, today=TODAY)
    return store


def refused(store: Store, actor: Actor, action: str, error: type) -> Exception:
    with pytest.raises(error) as raised:
        perform(store, actor, 1, action, now=NOW, today=TODAY)
    assert store.events == [] and store.records[1].version == 3, "a refused change wrote something"
    return raised.value


@pytest.mark.parametrize("state, action, actor, target", [
    ("setup", "start_review", OPERATOR, "reviewing"),
    ("reviewing", "open_committee_vote", OPERATOR, "committee_voting"),
    ("committee_voting", "tally", OPERATOR, "tallied"),
    ("committee_voting", "tally", CHAIR, "tallied"),
], ids=["start", "open-vote", "tally-operator", "tally-chair"])
def test_the_session_moves_forward_for_who_may(state, action, actor, target):
    store = done(session(state), actor, action)
    (who, change), = store.events
    assert (store.records[1].state, change.from_state, change.to_state, who) == (target, state, target, actor)


def test_opening_the_vote_and_tallying_stamp_their_moments():
    assert done(session("reviewing"), OPERATOR, "open_committee_vote").records[1].data["vote_opened_at"] == NOW
    assert done(session("committee_voting"), CHAIR, "tally").records[1].data["tallied_at"] == NOW


def test_a_session_with_setup_problems_does_not_start_and_says_why():
    error = refused(session("setup", setup=["panel.setup.no_chair", "panel.setup.group_small"]), OPERATOR,
                    "start_review", GuardFailed)
    assert error.details == ["panel.setup.no_chair", "panel.setup.group_small"]


@pytest.mark.parametrize("facts, key", [({"groups_voted": False}, "panel.guard.groups_not_voted"),
                                        ({"quorum": False}, "panel.guard.no_quorum")])
def test_the_committee_vote_opens_only_when_every_group_voted_and_a_quorum_is_signed_in(facts, key):
    assert key in refused(session("reviewing", **facts), OPERATOR, "open_committee_vote", GuardFailed).details


def test_no_tally_without_a_quorum():
    for actor in (OPERATOR, CHAIR):
        error = refused(session("committee_voting", quorum=False), actor, "tally", GuardFailed)
        assert error.details == ["panel.guard.no_quorum"]


@pytest.mark.parametrize("state, action, key", [
    ("reviewing", "start_review", "panel.not_setup"),
    ("setup", "open_committee_vote", "panel.not_reviewing"),
    ("committee_voting", "open_committee_vote", "panel.not_reviewing"),
    ("reviewing", "tally", "panel.vote_not_open"),
    ("tallied", "tally", "panel.vote_not_open"),
])
def test_an_action_the_session_state_does_not_allow_is_refused_with_its_message(state, action, key):
    assert refused(session(state), OPERATOR, action, InvalidAction).key == key


def test_a_tallied_session_is_terminal():
    for action in ("start_review", "open_committee_vote", "tally"):
        refused(session("tallied"), OPERATOR, action, InvalidAction)
    assert available_actions(session("tallied"), OPERATOR, 1, TODAY) == []


@pytest.mark.parametrize("actor", [OTHER_OPERATOR, VICE, UNIT_OPERATOR, LEADER,
                                   replace(CHAIR, person_id=999)],
                         ids=["other-unit-operator", "vice-chair", "unit-operator", "group-leader", "chair-elsewhere"])
def test_only_the_committee_unit_or_the_sessions_chair_may_tally(actor):
    refused(session("committee_voting"), actor, "tally", NotFound)


def test_the_chair_may_tally_but_not_run_the_setup_or_open_the_vote():
    refused(session("setup"), CHAIR, "start_review", Forbidden)
    refused(session("reviewing"), CHAIR, "open_committee_vote", Forbidden)


def test_the_operators_buttons_show_the_blocking_guard():
    options = available_actions(session("reviewing", quorum=False), OPERATOR, 1, TODAY)
    assert [(o.action, o.blocked) for o in options] == [("open_committee_vote", ("panel.guard.no_quorum",))]
    assert available_actions(session("reviewing"), OTHER_OPERATOR, 1, TODAY) == []


@pytest.mark.parametrize("state, action, target", [("distributing", "start_group_review", "reviewing"),
                                                   ("reviewing", "open_group_vote", "group_voting"),
                                                   ("group_voting", "close_group_vote", "group_voted")])
def test_the_group_leader_moves_the_group_forward(state, action, target):
    assert done(group(state), LEADER, action).records[1].state == target


def test_the_group_cannot_start_review_before_distribution_is_complete():
    error = refused(group("distributing", distribution=["panel.distribution.too_few", "panel.distribution.one_main"]),
                    LEADER, "start_group_review", GuardFailed)
    assert error.details == ["panel.distribution.too_few", "panel.distribution.one_main"]


def test_the_group_works_only_while_the_session_is_reviewing():
    for state, action in (("distributing", "start_group_review"), ("reviewing", "open_group_vote")):
        error = refused(group(state, session="setup"), LEADER, action, GuardFailed)
        assert "panel.guard.session_not_reviewing" in error.details


def test_the_group_vote_opens_only_once_every_review_is_final():
    assert refused(group("reviewing", final=False), LEADER, "open_group_vote", GuardFailed).details == \
        ["panel.guard.reviews_open"]


@pytest.mark.parametrize("state, action, key", [("reviewing", "start_group_review", "panel.group_not_distributing"),
                                                ("distributing", "open_group_vote", "panel.group_not_reviewing"),
                                                ("reviewing", "close_group_vote", "panel.group_vote_not_open"),
                                                ("group_voted", "close_group_vote", "panel.group_vote_not_open")])
def test_an_action_the_group_state_does_not_allow_is_refused_with_its_message(state, action, key):
    assert refused(group(state), LEADER, action, InvalidAction).key == key


@pytest.mark.parametrize("actor", [OTHER_LEADER, EXPERT, OPERATOR, CHAIR],
                         ids=["another-groups-leader", "plain-expert", "committee-operator", "chair"])
def test_only_the_groups_own_leader_moves_it(actor):
    for state, action in (("distributing", "start_group_review"), ("reviewing", "open_group_vote"),
                          ("group_voting", "close_group_vote")):
        refused(group(state), actor, action, NotFound)
