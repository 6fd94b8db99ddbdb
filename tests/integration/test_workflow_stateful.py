"""Random actors take random actions on several declarations; the engine must never break its rules.

A Hypothesis state machine on SQLite drives every World actor (in and out of scope) with random
and with plausible actions and payloads, and sets up publicity, tallies, attachments, supplements
and objections at random. After every step: a success wrote exactly one transition event and
bumped the version by one, and an independent oracle (table rows + scope rules written out here)
says the actor could have been allowed; a failure wrote nothing (a permission refusal counts once in the
denials' rate bucket and writes the row ``core.audit.denials`` says that count writes); replaying the events gives the current state; the audit chain verifies.
"""
from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass, replace

from hypothesis import HealthCheck, Phase, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from core.audit import denials
from core.audit.trail import verify
from core.common.errors import DomainError, Forbidden, NotFound
from core.machines.pledge import PLEDGE_TEXT
from core.declaring.transitions import execute, options
from core.workflow import (APPLICANT_HELD, OPERATORS, STATES, TERMINAL, TRANSITIONS, Actor, actions_from, replay,
                           rows_for)
from db.models import AuditEvent, Declaration, Objection, RateBucket
from db.uow import UnitOfWork
from tests.integration.transition_support import add_chair, add_supplement, objection, place
from tests.world import World

ACTOR_NAMES = ("applicant", "other_applicant", "unit_op", "sibling_op", "dept_op", "other_dept_op", "city_hr",
               "prov_hr", "committee_op", "own_committee_op", "unit_admin", "reviewer", "other_reviewer", "chair")
ALL_ACTIONS = sorted({t.action for t in TRANSITIONS} | {"no_such_action"})
PUBLICITY_OF = {"unit_publicity": "unit", "failed_publicity": "failed_review", "candidate_publicity": "candidate",
                "result_publicity": "result"}
SIDE_STEPS = {"save", "cancel", "reject", "return_to_applicant", "terminate", "refuse", "recheck_fail", "fail",
              "filing_rejected", "withdraw", "initial_review"}
MISSING = object()
REVIEW_POSITIONS = ("draft", "unit_verify", "unit_publicity", "unit_recommend", "relay", "relay@prov",
                    "material_receipt", "policy_review", "failed_publicity", "supplement", "policy_recheck",
                    "candidate_publicity", "panel_review", "result_publicity", "filing", "filing@hr",
                    "own:unit_recommend", "own:material_receipt")
INITIAL_POSITIONS = ("i:draft", "i:unit_verify", "i:dept_review", "i:hr_review", "i:returned")


def _good_payload(w: World) -> dict:
    return {"reason": "不符合申报条件", "pledge": PLEDGE_TEXT, "operator_name": "王经办",
            "operator_phone": "0851-1234567", "committee_id": w.committee_id, "result": "pass"}


def _bad_values(w: World) -> dict:
    return {"reason": ["", "  ", "长" * 2001], "pledge": ["我承诺", ""], "operator_name": ["", " "],
            "operator_phone": ["1"], "committee_id": [w.own_committee_id, 987654, "abc"], "result": ["maybe"]}


@dataclass(frozen=True)
class Before:
    row: dict
    events: list  # (action, from_state, to_state, role, account_id, unit_id) of the transition events
    audit_rows: int
    denial_hits: dict  # (key, window start) -> hits of the denials' rate buckets


class WorkflowMachine(RuleBasedStateMachine):
    def __init__(self, url: str):
        super().__init__()
        self.uow = UnitOfWork.from_url(url)
        self.decls: list[int] = []

    @initialize(review=st.sampled_from(REVIEW_POSITIONS), initial=st.sampled_from(INITIAL_POSITIONS))
    def build_world(self, review: str, initial: str) -> None:
        """The World and four declarations: two start at a random position reached through the engine."""
        with self.uow.write() as s:
            w = World.build(s)
            self.decls = [place(w, review), place(w, initial),
                          w.new_declaration(person_id=w.actors["other_applicant"].person_id, unit="sibling"),
                          w.new_declaration(committee_id=w.own_committee_id, review_type="self_review")]
            add_chair(w, self.decls[0])
            self.world = w
        self.chair_decl = self.decls[0]

    def teardown(self) -> None:
        self.uow.dispose()

    # --- reading -------------------------------------------------------------------------------

    def _before(self, d: int) -> Before:
        with self.uow.read() as s:
            decl = s.get(Declaration, d)
            row = {c.key: getattr(decl, c.key) for c in Declaration.__table__.columns}
            events = s.execute(select(AuditEvent.action, AuditEvent.from_state, AuditEvent.to_state, AuditEvent.role,
                                      AuditEvent.account_id, AuditEvent.unit_id)
                               .where(AuditEvent.declaration_id == d, AuditEvent.kind == "transition")
                               .order_by(AuditEvent.id)).all()
            hits = {(k, w): n for k, w, n in s.execute(select(RateBucket.key, RateBucket.window_start, RateBucket.hits)
                                                       .where(RateBucket.scope == denials.DENIALS.scope))}
            return Before(row, [tuple(e) for e in events], s.scalar(select(func.count()).select_from(AuditEvent)),
                          hits)

    def _offered(self, actor: Actor, d: int) -> dict[str, tuple]:
        with self.uow.read() as s:
            return {o.action: o.blocked for o in options(s, actor, d)}

    # --- the oracle: who could ever be allowed, from the table rows and the scope rules ------------

    def _in_scope(self, a: Actor, row: dict) -> bool:
        if a.role == "applicant":
            return a.person_id == row["applicant_person_id"]
        if a.role in OPERATORS:
            return a.unit_id is not None and a.unit_id == row["holder_unit_id"]
        if a.role == "policy_reviewer":
            return (a.committee_id == row["committee_id"] and a.year == row["year"]
                    and row["series_code"] in a.series_codes
                    and (not a.specialty_codes or row["specialty_code"] in a.specialty_codes))
        if a.role == "chair":
            return row["id"] == self.chair_decl
        return False

    @staticmethod
    def _took_last_withdrawable_step(a: Actor, b: Before) -> bool:
        if not b.events:
            return False
        action, source, target, role, account, unit = b.events[-1]
        withdrawable = any(t.withdrawable and (t.flow, t.source, t.action, t.target) == (b.row["flow"], source, action,
                                                                                           target) for t in TRANSITIONS)
        same = unit == a.unit_id if role in OPERATORS else account == a.account_id
        return withdrawable and role == a.role and same

    def _could_be_allowed(self, a: Actor, action: str, b: Before) -> bool:
        rows = [r for r in rows_for(b.row["flow"], b.row["state"], action) if a.role in r.roles]
        if not rows:
            return False
        if action == "withdraw":
            return self._took_last_withdrawable_step(a, b)
        return self._in_scope(a, b.row)

    def _legal_targets(self, action: str, b: Before) -> set[str]:
        if action == "withdraw":
            return {b.events[-1][1]}
        return {r.target for r in rows_for(b.row["flow"], b.row["state"], action)}

    # --- acting and checking ---------------------------------------------------------------------

    def _act(self, d: int, name: str, action: str, payload: dict, good: bool, stale: bool) -> None:
        actor = self.world.actor(name)
        before = self._before(d)
        offered = self._offered(actor, d)
        expected = before.row["version"] - 1 if stale else None
        try:
            version = execute(self.uow, actor, d, action, payload, expected_version=expected)
        except DomainError as error:
            self._check_refused(d, before, error)
            assert not (good and not stale and offered.get(action) == ()), \
                f"{name} was offered {action} in {before.row['state']} but was refused: {error.key} {error.details}"
            return
        self._check_done(d, actor, action, before, version, offered, stale)

    def _check_done(self, d: int, actor: Actor, action: str, b: Before, version: int, offered: dict,
                    stale: bool) -> None:
        after = self._before(d)
        assert not stale, "a stale version succeeded"
        assert self._could_be_allowed(actor, action, b), f"{actor.role} did {action} in {b.row['state']}"
        assert offered.get(action) == (), f"{action} succeeded but was not offered, or offered as blocked"
        assert version == after.row["version"] == b.row["version"] + 1
        assert after.events[:-1] == b.events and after.audit_rows == b.audit_rows + 1
        new = after.events[-1]
        assert new[:3] == (action, b.row["state"], after.row["state"])
        assert new[3:] == (actor.role, actor.account_id, actor.unit_id)
        assert after.row["state"] in self._legal_targets(action, b)

    def _check_refused(self, d: int, b: Before, error: DomainError) -> None:
        after = self._before(d)
        assert after.row == b.row and after.events == b.events
        if not isinstance(error, (NotFound, Forbidden)):
            assert after.audit_rows == b.audit_rows and after.denial_hits == b.denial_hits
            return
        (counted,) = [(bucket, n) for bucket, n in after.denial_hits.items() if b.denial_hits.get(bucket, 0) != n]
        bucket, n = counted
        assert n == b.denial_hits.get(bucket, 0) + 1, "a refusal counts once"
        written = denials.written_of(n) - denials.written_of(n - 1)
        assert after.audit_rows == b.audit_rows + written

    def _payload(self, data, good: bool) -> dict:
        payload = _good_payload(self.world)
        if good:
            return payload
        bad = _bad_values(self.world)
        for key in list(payload):
            choice = data.draw(st.sampled_from([MISSING, payload[key], *bad[key]]), label=key)
            if choice is MISSING:
                del payload[key]
            else:
                payload[key] = choice
        return payload

    @rule(data=st.data())
    def random_action(self, data) -> None:
        d = data.draw(st.sampled_from(self.decls), label="declaration")
        name = data.draw(st.sampled_from(ACTOR_NAMES), label="actor")
        action = data.draw(st.sampled_from(ALL_ACTIONS), label="action")
        good = data.draw(st.booleans(), label="good payload")
        self._act(d, name, action, self._payload(data, good), good, stale=False)

    @rule(data=st.data())
    def plausible_actions(self, data) -> None:
        """A few actions of the current state in a row (forward steps more often), mostly by an actor who may."""
        d = data.draw(st.sampled_from(self.decls), label="declaration")
        for _ in range(data.draw(st.integers(min_value=1, max_value=4), label="steps")):
            self._plausible_action(d, data)

    def _plausible_action(self, d: int, data) -> None:
        b = self._before(d)
        if data.draw(st.sampled_from([True, True, False]), label="meet the preconditions"):
            self._meet_preconditions(d, b.row["state"], data)
        actions = actions_from(b.row["flow"], b.row["state"]) or ["withdraw"]
        able = [n for n in ACTOR_NAMES if any(self._could_be_allowed(self.world.actor(n), a, b) for a in actions)]
        if able and data.draw(st.sampled_from([True, True, False]), label="an actor who may act"):
            name = data.draw(st.sampled_from(able), label="actor")
            offered = self._offered(self.world.actor(name), d)
            actions = [a for a in actions if offered.get(a) == ()] or actions  # steer: what the page would offer
            action = data.draw(st.sampled_from([a for a in actions for _ in range(1 if a in SIDE_STEPS else 10)]),
                               label="action")
        else:  # an action of this state by someone with a fitting role, most likely out of scope
            action = data.draw(st.sampled_from(actions), label="action")
            roles = {role for r in rows_for(b.row["flow"], b.row["state"], action) for role in r.roles}
            name = data.draw(st.sampled_from([n for n in ACTOR_NAMES if self.world.actor(n).role in roles]
                                             or ACTOR_NAMES), label="actor")
        good = data.draw(st.sampled_from([True, True, True, False]), label="good payload")
        stale = data.draw(st.sampled_from([False] * 9 + [True]), label="stale") and b.row["version"] > 1
        self._act(d, name, action, self._payload(data, good), good, stale)

    def _meet_preconditions(self, d: int, state: str, data) -> None:
        with self.uow.write() as s:
            w = replace(self.world, session=s)
            if state in PUBLICITY_OF:
                w.publicize(d, PUBLICITY_OF[state])
            elif state == "unit_recommend":
                w.attach(d, "unit_proof")
            elif state == "panel_review":
                w.tally(d, data.draw(st.sampled_from([True, True, False]), label="passed"))
            elif state == "supplement":
                add_supplement(w, d)

    @rule(data=st.data())
    def prepare(self, data) -> None:
        """Set up a precondition a guard asks about, often the one the current state needs."""
        d = data.draw(st.sampled_from(self.decls), label="declaration")
        state = self._before(d).row["state"]
        kind = data.draw(st.sampled_from(["publicity"] * 3 + ["unit_proof", "tally", "tally", "supplement",
                                                          "objection", "resolve"]), label="kind")
        with self.uow.write() as s:
            w = replace(self.world, session=s)
            if kind == "publicity":
                batch = data.draw(st.sampled_from([PUBLICITY_OF.get(state, "unit"), "unit", "result"]), label="batch")
                w.publicize(d, batch, ended=data.draw(st.sampled_from([True, True, False]), label="ended"))
            elif kind == "unit_proof":
                w.attach(d, "unit_proof")
            elif kind == "tally":
                w.tally(d, data.draw(st.booleans(), label="passed"))
            elif kind == "supplement":
                add_supplement(w, d)
            elif kind == "objection":
                objection(w, d)
            elif kind == "resolve":
                for o in s.scalars(select(Objection).where(Objection.declaration_id == d, Objection.status == "open")):
                    o.status = "dismissed"

    # --- invariants ----------------------------------------------------------------------------------

    @invariant()
    def every_declaration_is_consistent_with_its_timeline(self) -> None:
        for d in self.decls:
            b = self._before(d)
            state, flow = b.row["state"], b.row["flow"]
            assert state in STATES[flow]
            assert replay([e[:3] for e in b.events], flow) == state
            assert b.row["version"] == 1 + len(b.events)
            assert (b.row["holder_unit_id"] is None) == (state in APPLICANT_HELD | TERMINAL), (state, b.row)

    @invariant()
    def the_audit_chain_verifies(self) -> None:
        with self.uow.read() as s:
            assert verify(s) is None


def test_random_actors_and_actions_never_break_the_workflow_rules(tmp_path, sqlite_template):
    counter = itertools.count()

    def fresh_machine() -> WorkflowMachine:
        path = tmp_path / f"machine-{next(counter)}.db"
        shutil.copy(sqlite_template, path)
        return WorkflowMachine(f"sqlite:///{path}")

    run_state_machine_as_test(fresh_machine, settings=settings(
        max_examples=30, stateful_step_count=50, deadline=None, derandomize=True,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking a failure outlives the test timeout
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]))
