"""Random panel sessions: the services are called in random orders by whoever; the panel rules must hold.

A Hypothesis state machine on SQLite builds a world with two groups and experts the drawing must avoid
(the applicants' own unit, a declared conflict), then draws, declines, appoints, signs in and out,
declares conflicts late, distributes, reviews, opens and closes votes, votes and tallies at random, each
through the service a page calls, a DomainError being a refusal. The model tracks who was signed in
and which votes were open when each ballot succeeded. After every step:

* avoidance: no assignment or participation of a recused member, no drawn member recused from its group;
* no expert twice in a session, so never in two groups;
* a group past ``distributing`` has ≥ 2 reviewers and exactly one main reviewer for each dossier;
* the participations are exactly the model's, each cast while its vote was open by a signed-in member;
* the counters add up to the participations per dossier and stage;
* every tally row follows rules.passes, its counters and its hash; the tally happened with a quorum.
"""
from __future__ import annotations

import itertools
import shutil

from hypothesis import HealthCheck, Phase, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from core.audit.trail import verify
from core.common.errors import DomainError
from core.panel import attendance, distribution, drawing, reviews, rules, sessions, voting
from db.models import (Declaration, DossierAssignment, Expert, ExpertConflict, GroupDeclaration, PanelMember,
                       PanelSession, ReviewGroup, TallyResult, VoteCount, VoteParticipation)
from db.uow import UnitOfWork
from tests.integration.panel_support import add_expert, applicants, recused
from tests.panel_world import PanelWorld
from tests.world import SPECIALTY

OPINION = {"academic": "扎实", "defense_question": "如何验证？", "overall": "同意推荐"}


class PanelMachine(RuleBasedStateMachine):
    def __init__(self, url: str):
        super().__init__()
        self.uow = UnitOfWork.from_url(url)
        self.signed: dict[int, bool] = {}                  # member -> signed in, as the model knows it
        self.ballots: set[tuple[int, int, str]] = set()    # (member, dossier, stage) the model saw succeed
        self.late: set[tuple[int, int]] = set()            # (expert, person) conflicts declared after drawings
        self.quorum_at_tally: tuple[int, int] | None = None

    def teardown(self) -> None:
        self.uow.dispose()

    @initialize()
    def build(self) -> None:
        pw = PanelWorld.build(self.uow, dossiers=3, experts=10)
        people = applicants(pw)
        add_expert(pw, "employer")
        add_expert(pw, "employer")
        add_expert(pw, "prov", conflicts=(people[pw.dossiers[0]],))
        op = pw.operator
        pw.session_id = sessions.create(self.uow, op, pw.world.committee_id, "随机评审会")
        self.groups = [sessions.add_group(self.uow, op, pw.session_id, name) for name in ("一组", "二组")]
        sessions.assign(self.uow, op, self.groups[0], pw.dossiers[:2])
        sessions.assign(self.uow, op, self.groups[1], pw.dossiers[2:])
        for g in self.groups:
            sessions.set_need(self.uow, op, g, SPECIALTY, 3)
        pw.group_id = self.groups[0]
        self.pw = pw

    # --- reading ---------------------------------------------------------------------------------------

    def _members(self) -> list[PanelMember]:
        return self.pw.members()

    def _pick_member(self, data, label: str = "member") -> PanelMember | None:
        members = self._members()
        return data.draw(st.sampled_from(members), label=label) if members else None

    def _leader(self, group_id: int, data):
        leaders = [m for m in self._members() if m.group_id == group_id and m.duty == "group_leader"
                   and m.declined_at is None]
        if leaders and data.draw(st.sampled_from([True, True, True, False]), label="the group's own leader"):
            return self.pw.as_duty(leaders[0].expert_id, "group_leader")
        someone = self._pick_member(data, "someone else as leader")
        return self.pw.as_duty(someone.expert_id, "group_leader") if someone else self.pw.operator

    def _status(self) -> tuple[str, dict[int, str]]:
        with self.uow.read() as s:
            return (s.get(PanelSession, self.pw.session_id).status,
                    dict(s.execute(select(ReviewGroup.id, ReviewGroup.status)
                                   .where(ReviewGroup.session_id == self.pw.session_id)).all()))

    def _committee_figures(self) -> tuple[int, int]:
        members = [m for m in self._members() if m.declined_at is None and m.duty in rules.VOTING_DUTIES]
        return len(members), sum(1 for m in members if self.signed.get(m.id))

    def _try(self, call) -> bool:
        try:
            call()
        except DomainError:
            return False
        return True

    # --- setup ------------------------------------------------------------------------------------------

    @rule(group=st.integers(0, 1), need=st.integers(2, 5))
    def draw_group(self, group: int, need: int) -> None:
        g = self.groups[group]
        self._try(lambda: sessions.set_need(self.uow, self.pw.operator, g, SPECIALTY, need))
        self._try(lambda: drawing.draw_for_group(self.uow, self.pw.operator, g, SPECIALTY, seed=self._seed()))

    @rule(count=st.integers(1, 4))
    def draw_committee(self, count: int) -> None:
        self._try(lambda: drawing.draw_committee(self.uow, self.pw.operator, self.pw.session_id, count,
                                                 seed=self._seed()))

    def _seed(self) -> str:
        """A drawing seed that is the same on every replay of the same steps (a fresh random one would make
        a failing example impossible to reproduce)."""
        self.draws = getattr(self, "draws", 0) + 1
        return f"stateful-{self.draws}"

    @rule(data=st.data())
    def decline(self, data) -> None:
        m = self._pick_member(data)
        if m:
            self._try(lambda: drawing.decline(self.uow, self.pw.operator, m.id))

    @rule(data=st.data(), duty=st.sampled_from(rules.DUTIES))
    def appoint(self, data, duty: str) -> None:
        m = self._pick_member(data)
        if m:
            self._try(lambda: sessions.set_duty(self.uow, self.pw.operator, m.id, duty))

    @rule(data=st.data(), signed_in=st.sampled_from([True, True, False]))
    def sign(self, data, signed_in: bool) -> None:
        members = self._members()
        if not members:
            return
        chosen = data.draw(st.lists(st.sampled_from(members), min_size=1, max_size=len(members), unique_by=lambda m: m.id),
                           label="members")
        if self._try(lambda: attendance.sign(self.uow, self.pw.operator, self.pw.session_id, [m.id for m in chosen],
                                             signed_in=signed_in)):
            self.signed.update({m.id: signed_in for m in chosen})

    @rule(data=st.data())
    def late_conflict(self, data) -> None:
        """A member declares a conflict with an applicant after being drawn (only before the review starts)."""
        m = self._pick_member(data)
        if m is None or self._status()[0] != "setup":
            return
        people = applicants(self.pw)
        with self.uow.read() as s:
            own = [people[d] for d in s.scalars(select(GroupDeclaration.declaration_id)
                                                .where(GroupDeclaration.group_id == m.group_id))]
        person = data.draw(st.sampled_from(own or sorted(people.values())), label="applicant")
        with self.uow.write() as s:
            if not s.scalar(select(func.count()).where(ExpertConflict.expert_id == m.expert_id,
                                                       ExpertConflict.person_id == person)):
                s.add(ExpertConflict(expert_id=m.expert_id, person_id=person, reason="后报回避"))
        self.late.add((m.expert_id, person))

    @rule()
    def start_review(self) -> None:
        self._try(lambda: sessions.start_review(self.uow, self.pw.operator, self.pw.session_id))

    @rule()
    def staff_the_session(self) -> None:
        """What an operator would do to get going: a leader per group, a chair, everyone signed in."""
        members = [m for m in self._members() if m.declined_at is None]
        for g in self.groups:
            in_group = [m for m in members if m.group_id == g]
            if in_group and not any(m.duty == "group_leader" for m in in_group):
                self._try(lambda: sessions.set_duty(self.uow, self.pw.operator, in_group[0].id, "group_leader"))
        if not any(m.duty == "chair" for m in members):
            only = [m for m in members if m.group_id is None] or members
            if only:
                self._try(lambda: sessions.set_duty(self.uow, self.pw.operator, only[-1].id, "chair"))
        if members and self._try(lambda: attendance.sign(self.uow, self.pw.operator, self.pw.session_id,
                                                         [m.id for m in members], signed_in=True)):
            self.signed.update({m.id: True for m in members})

    # --- forward steps (so that random runs reach the votes and the tally) -------------------------------------

    def _advance(self, data) -> None:
        """The next step an operator, leader or member would take in the current state, for one random group."""
        session_status, group_status = self._status()
        g = data.draw(st.sampled_from(self.groups), label="group to advance")
        leader = self._leader(g, data)
        if session_status != "setup" and data.draw(st.sampled_from([False, False, True]), label="some leave"):
            self.sign(data, False)  # members leave (or are signed out) at an awkward moment
        if session_status == "setup":
            for group in self.groups:
                if sum(1 for m in self._members() if m.group_id == group and m.declined_at is None) < 3:
                    self.draw_group(self.groups.index(group), 3)
            if sum(1 for m in self._members() if m.group_id is None and m.declined_at is None) < 2:
                self.draw_committee(3)
            if data.draw(st.booleans(), label="a conflict comes to light"):
                self.late_conflict(data)
            self.staff_the_session()
            self.start_review()
        elif session_status == "reviewing" and group_status[g] == "distributing":
            if data.draw(st.booleans(), label="the leader picks at random"):
                for _ in self.pw.dossiers:
                    self.distribute(data, self.groups.index(g))
            else:
                self.distribute_properly(data, self.groups.index(g))
            self._try(lambda: distribution.group_step(self.uow, leader, g, "start_group_review"))
        elif session_status == "reviewing" and group_status[g] == "reviewing":
            self.everyone_reviews()
            self._try(lambda: distribution.group_step(self.uow, leader, g, "open_group_vote"))
        elif session_status == "reviewing" and group_status[g] == "group_voting":
            self.everyone_votes()
            self._try(lambda: voting.close_group_vote(self.uow, leader, g))
        elif session_status == "reviewing":
            self.staff_the_session()
            self.open_committee_vote()
        elif session_status == "committee_voting":
            self.everyone_votes()
            self.tally(data.draw(st.sampled_from(["operator", "chair"]), label="who tallies"))

    @rule(data=st.data())
    def advance(self, data) -> None:
        self._advance(data)

    @rule(data=st.data(), steps=st.integers(1, 4))
    def advance_a_few(self, data, steps: int) -> None:
        for _ in range(steps):
            self._advance(data)

    @rule(data=st.data(), steps=st.integers(2, 6))
    def advance_further(self, data, steps: int) -> None:
        for _ in range(steps):
            self._advance(data)

    # --- groups ----------------------------------------------------------------------------------------------

    @rule(data=st.data(), group=st.integers(0, 1))
    def distribute(self, data, group: int) -> None:
        g = self.groups[group]
        members = [m for m in self._members() if m.group_id == g] or self._members()
        if not members:
            return
        dossier = data.draw(st.sampled_from(self.pw.dossiers), label="dossier")
        chosen = data.draw(st.lists(st.sampled_from(members), min_size=1, max_size=4, unique_by=lambda m: m.id),
                           label="reviewers")
        main = data.draw(st.sampled_from(chosen), label="main")
        self._try(lambda: distribution.distribute(self.uow, self._leader(g, data), g, dossier,
                                                  [m.id for m in chosen], main.id))

    @rule(data=st.data(), group=st.integers(0, 1))
    def distribute_properly(self, data, group: int) -> None:
        """The leader gives each dossier to its first eligible experts (what the page suggests)."""
        g = self.groups[group]
        leader = self._leader(g, data)
        with self.uow.read() as s:
            dossiers = sorted(s.scalars(select(GroupDeclaration.declaration_id).where(GroupDeclaration.group_id == g)))
            experts = {e.id: (e.id, e.unit_id, e.person_id) for e in s.scalars(select(Expert))}
            decls = {d.id: (d.unit_id, d.applicant_person_id) for d in s.scalars(select(Declaration))}
            conflicts = set(s.execute(select(ExpertConflict.expert_id, ExpertConflict.person_id)).all())
        members = [m for m in self._members() if m.group_id == g and m.declined_at is None]
        for d in dossiers:
            ok = [m.id for m in members if not recused(experts[m.expert_id], decls[d], conflicts)][:3]
            if len(ok) >= 2:
                self._try(lambda: distribution.distribute(self.uow, leader, g, d, ok, ok[0]))

    @rule(data=st.data(), group=st.integers(0, 1),
          action=st.sampled_from(["start_group_review", "open_group_vote", "close_group_vote"]))
    def group_step(self, data, group: int, action: str) -> None:
        g = self.groups[group]
        leader = self._leader(g, data)
        if action == "close_group_vote":
            self._try(lambda: voting.close_group_vote(self.uow, leader, g))
        else:
            self._try(lambda: distribution.group_step(self.uow, leader, g, action))

    @rule(data=st.data(), final=st.booleans(), full=st.sampled_from([True, True, False]))
    def review(self, data, final: bool, full: bool) -> None:
        m = self._pick_member(data)
        if m is None:
            return
        actor = self.pw.experts[m.expert_id]
        with self.uow.read() as s:
            mine = list(s.scalars(select(DossierAssignment.id).where(DossierAssignment.member_id == m.id)))
            anyone = list(s.scalars(select(DossierAssignment.id)))
        pool = mine or anyone
        if not pool:
            return
        assignment = data.draw(st.sampled_from(pool), label="assignment")
        opinion = OPINION if full else {"overall": "同意"}
        self._try(lambda: reviews.save(self.uow, actor, assignment, opinion, final=final))

    @rule()
    def everyone_reviews(self) -> None:
        for m in self._members():
            actor = self.pw.experts[m.expert_id]
            with self.uow.read() as s:
                mine = list(s.scalars(select(DossierAssignment.id).where(DossierAssignment.member_id == m.id,
                                                                         DossierAssignment.final.is_(False))))
            for a in mine:
                self._try(lambda: reviews.save(self.uow, actor, a, OPINION, final=True))

    # --- votes ---------------------------------------------------------------------------------------------------

    @rule(data=st.data(), stage=st.sampled_from(rules.STAGES))
    def vote(self, data, stage: str) -> None:
        m = self._pick_member(data)
        if m is None:
            return
        dossiers = data.draw(st.lists(st.sampled_from(self.pw.dossiers), min_size=1, max_size=3, unique=True),
                             label="dossiers")
        choices = {d: data.draw(st.sampled_from(rules.CHOICES), label="choice") for d in dossiers}
        session_status, group_status = self._status()
        with self.uow.read() as s:
            group_of = dict(s.execute(select(GroupDeclaration.declaration_id, GroupDeclaration.group_id)).all())
            experts = {e.id: (e.id, e.unit_id, e.person_id) for e in s.scalars(select(Expert))}
            decls = {d.id: (d.unit_id, d.applicant_person_id) for d in s.scalars(select(Declaration))}
            conflicts = set(s.execute(select(ExpertConflict.expert_id, ExpertConflict.person_id)).all())
        signed = self.signed.get(m.id, False)
        if not self._try(lambda: voting.cast(self.uow, self.pw.experts[m.expert_id], self.pw.session_id, stage,
                                             choices)):
            return
        for d in dossiers:
            assert signed and m.declined_at is None, f"member {m.id} voted while not signed in"
            assert not recused(experts[m.expert_id], decls[d], conflicts), f"recused member {m.id} voted on {d}"
            if stage == "group":
                assert m.group_id == group_of[d] and group_status[m.group_id] == "group_voting"
            else:
                assert m.duty in rules.VOTING_DUTIES and session_status == "committee_voting"
            assert (m.id, d, stage) not in self.ballots, "a second ballot was accepted"
            self.ballots.add((m.id, d, stage))

    @rule()
    def everyone_votes(self) -> None:
        session_status, group_status = self._status()
        for m in self._members():
            stage = "committee" if session_status == "committee_voting" and m.duty in rules.VOTING_DUTIES else "group"
            with self.uow.read() as s:
                mine = sorted(s.scalars(select(GroupDeclaration.declaration_id).where(
                    GroupDeclaration.group_id == m.group_id))) if stage == "group" else list(self.pw.dossiers)
            for d in mine:
                if (m.id, d, stage) in self.ballots:
                    continue
                choice = rules.CHOICES[(m.id + d) % 3]
                if self._try(lambda: voting.cast(self.uow, self.pw.experts[m.expert_id], self.pw.session_id, stage,
                                                 {d: choice})):
                    assert self.signed.get(m.id) and (group_status.get(m.group_id) == "group_voting"
                                                      if stage == "group" else session_status == "committee_voting")
                    self.ballots.add((m.id, d, stage))

    @rule()
    def open_committee_vote(self) -> None:
        members, present = self._committee_figures()
        if self._try(lambda: voting.open_committee_vote(self.uow, self.pw.operator, self.pw.session_id)):
            assert rules.has_quorum(present, members), "the committee vote opened without a quorum"

    @rule(who=st.sampled_from(["operator", "chair", "vice_chair", "other_operator"]))
    def tally(self, who: str) -> None:
        actor = self.pw.operator if who == "operator" else self.pw.world.actor("own_committee_op")
        if who in ("chair", "vice_chair"):
            holders = [m for m in self._members() if m.duty == who and m.declined_at is None]
            if not holders:
                return
            actor = self.pw.as_duty(holders[0].expert_id, who)
        members, present = self._committee_figures()
        if self._try(lambda: voting.tally(self.uow, actor, self.pw.session_id)):
            assert who in ("operator", "chair"), f"{who} tallied"
            assert rules.has_quorum(present, members), "tallied without a quorum"
            self.quorum_at_tally = (members, present)

    # --- invariants -------------------------------------------------------------------------------------------------

    @invariant()
    def avoidance_is_never_broken(self) -> None:
        if not hasattr(self, "pw"):
            return
        with self.uow.read() as s:
            experts = {e.id: (e.id, e.unit_id, e.person_id) for e in s.scalars(select(Expert))}
            decls = {d.id: (d.unit_id, d.applicant_person_id) for d in s.scalars(select(Declaration))}
            conflicts = set(s.execute(select(ExpertConflict.expert_id, ExpertConflict.person_id)).all())
            members = {m.id: m for m in s.scalars(select(PanelMember))}
            group_dossiers = s.execute(select(GroupDeclaration.group_id, GroupDeclaration.declaration_id)).all()
            for m in members.values():
                for g, d in group_dossiers:
                    if m.group_id == g and m.declined_at is None:
                        drawn_conflicts = conflicts - self.late
                        assert not recused(experts[m.expert_id], decls[d], drawn_conflicts), \
                            f"member {m.id} was drawn into group {g} although recused from {d}"
            for a in s.scalars(select(DossierAssignment)):
                assert not recused(experts[members[a.member_id].expert_id], decls[a.declaration_id], conflicts), \
                    f"assignment {a.id} of a recused member"
            for p in s.scalars(select(VoteParticipation)):
                assert not recused(experts[members[p.member_id].expert_id], decls[p.declaration_id], conflicts), \
                    f"participation {p.id} of a recused member"

    @invariant()
    def no_expert_is_twice_in_a_session(self) -> None:
        if not hasattr(self, "pw"):
            return
        with self.uow.read() as s:
            rows = s.execute(select(PanelMember.session_id, PanelMember.expert_id)).all()
        assert len(rows) == len(set(rows))

    @invariant()
    def a_group_past_distributing_has_a_complete_distribution(self) -> None:
        if not hasattr(self, "pw"):
            return
        with self.uow.read() as s:
            for g, group_status in s.execute(select(ReviewGroup.id, ReviewGroup.status)):
                if group_status == "distributing":
                    continue
                for d in s.scalars(select(GroupDeclaration.declaration_id).where(GroupDeclaration.group_id == g)):
                    rows = s.execute(select(DossierAssignment.is_main).where(DossierAssignment.group_id == g,
                                                                             DossierAssignment.declaration_id == d)).all()
                    assert len(rows) >= rules.MIN_REVIEWERS and sum(1 for (main,) in rows if main) == 1, (g, d, rows)

    @invariant()
    def the_ballots_are_the_models_and_the_counters_add_up(self) -> None:
        if not hasattr(self, "pw"):
            return
        with self.uow.read() as s:
            cast = set(s.execute(select(VoteParticipation.member_id, VoteParticipation.declaration_id,
                                        VoteParticipation.stage)).all())
            counted = {(d, stage): n for d, stage, n in s.execute(
                select(VoteCount.declaration_id, VoteCount.stage, func.sum(VoteCount.count))
                .group_by(VoteCount.declaration_id, VoteCount.stage))}
            signed = {m.id: m.signed_in_at is not None and m.signed_out_at is None
                      for m in s.scalars(select(PanelMember))}
        assert cast == self.ballots
        per = {}
        for _m, d, stage in cast:
            per[(d, stage)] = per.get((d, stage), 0) + 1
        assert {k: v for k, v in counted.items() if v} == per
        assert {k: v for k, v in self.signed.items()} == {k: signed[k] for k in self.signed}

    @invariant()
    def tallies_follow_the_rules(self) -> None:
        if not hasattr(self, "pw"):
            return
        with self.uow.read() as s:
            status = s.get(PanelSession, self.pw.session_id).status
            counts = {(d, stage, c): n for d, stage, c, n in s.execute(
                select(VoteCount.declaration_id, VoteCount.stage, VoteCount.choice, VoteCount.count))}
            rows = list(s.scalars(select(TallyResult)))
            for t in rows:
                assert t.passed == rules.passes(t.yes, t.present)
                assert (t.yes, t.no, t.abstain) == tuple(counts[(t.declaration_id, t.stage, c)] for c in rules.CHOICES)
                assert t.yes + t.no + t.abstain <= t.present <= t.members
                assert t.record_hash == voting.result_hash(t)
            committee = [t for t in rows if t.stage == "committee"]
            assert (status == "tallied") == bool(committee) and (status == "tallied") == (self.quorum_at_tally is not None)
            if committee:
                states = dict(s.execute(select(Declaration.id, Declaration.state)).all())
                for t in committee:
                    assert states[t.declaration_id] == ("result_publicity" if t.passed else "not_approved")

    @invariant()
    def the_audit_chain_verifies(self) -> None:
        with self.uow.read() as s:
            assert verify(s) is None


def test_random_panel_sessions_never_break_the_panel_rules(tmp_path, sqlite_template):
    counter = itertools.count()

    def fresh_machine() -> PanelMachine:
        path = tmp_path / f"panel-{next(counter)}.db"
        shutil.copy(sqlite_template, path)
        return PanelMachine(f"sqlite:///{path}")

    run_state_machine_as_test(fresh_machine, settings=settings(
        max_examples=25, stateful_step_count=50, deadline=None,
        # no shrinking and no "explain" phase: both re-run a failure for minutes (a line tracer on Python < 3.12)
        phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is reported at once, unshrunk
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]))
