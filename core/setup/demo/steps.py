"""Performs one planned step of a demo declaration: prepares what the guard needs (a publicity batch,
a unit proof, a supplement, a tally), then calls ``core.declaring.transitions.act`` as the right actor at the
planned moment. Nothing here writes a declaration's state: only the engine does.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import select

from core.machines.pledge import PLEDGE_TEXT
from core.declaring.transitions import act
from core.workflow import Actor
from core.setup.demo import evidence, panel
from core.setup.demo.clock import local_date
from core.setup.demo.context import Ctx
from core.setup.demo.paths import Step
from core.setup.demo.people import ApplicantInfo
from core.setup.demo.records import supplement_record
from db.models import Committee, Declaration

COMMITTEE_HELD = frozenset({"material_receipt", "policy_review", "failed_publicity", "policy_recheck",
                            "candidate_publicity", "panel_review", "result_publicity", "filing"})


@dataclass
class DeclPlan:
    """One demo declaration: who, what, where it ends, and the timed steps that take it there."""

    applicant: ApplicantInfo
    flow: str
    target: str
    year: int
    level: str
    series: str
    specialty: str
    committee: Committee | None
    review_type: str | None
    steps: list[Step] = field(default_factory=list)
    times: list[dt.datetime] = field(default_factory=list)
    created: dt.datetime | None = None
    finish: dict = field(default_factory=dict)  # extras at the end state (publicity, objection)
    decl_id: int = 0
    session_day: dt.date | None = None

    @property
    def unit_id(self) -> int:
        return self.applicant.unit.id


def _act(ctx: Ctx, dp: DeclPlan, actor: Actor, action: str, t: dt.datetime, **payload) -> None:
    act(ctx.session, actor, dp.decl_id, action, payload, now=t, today=local_date(t))


def holder_actor(ctx: Ctx, dp: DeclPlan) -> Actor:
    """The operator of the unit holding the declaration now (its committee desk in committee states)."""
    state, holder = ctx.session.execute(select(Declaration.state, Declaration.holder_unit_id)
                                        .where(Declaration.id == dp.decl_id)).one()
    if state in COMMITTEE_HELD and holder in ctx.committee_ops:
        return ctx.committee_ops[holder]
    return ctx.ops[holder]


def _committee_op(ctx: Ctx, dp: DeclPlan) -> Actor:
    return ctx.committee_ops[dp.committee.organizer_unit_id]


def _reviewer(ctx: Ctx, dp: DeclPlan) -> Actor:
    return ctx.reviewers[dp.committee.id]


def _unit_op(ctx: Ctx, dp: DeclPlan) -> Actor:
    return ctx.ops[dp.unit_id]


def _publicity_done(ctx: Ctx, dp: DeclPlan, p: dict, t: dt.datetime, kind: str) -> None:
    if kind == "unit":
        owner, committee, actor = dp.unit_id, None, _unit_op(ctx, dp)
    else:
        owner, committee, actor = dp.committee.organizer_unit_id, dp.committee, _committee_op(ctx, dp)
    batch = evidence.publicize(ctx, dp.decl_id, kind, owner, p["window"], committee)
    if kind in ("unit", "result") and ctx.rng.random() < 0.05:
        evidence.objection(ctx, dp.decl_id, batch, p["window"], dismissed=True)
    _act(ctx, dp, actor, "complete_publicity", t)


def _recommend(ctx: Ctx, dp: DeclPlan, p: dict, t: dt.datetime) -> None:
    evidence.attach_unit_proof(ctx, dp.decl_id, dp.unit_id, t - dt.timedelta(minutes=ctx.rng.randint(5, 60)))
    name, phone = ctx.op_contacts[dp.unit_id]
    _act(ctx, dp, _unit_op(ctx, dp), "recommend", t, operator_name=name, operator_phone=phone)


def _supplement(ctx: Ctx, dp: DeclPlan, p: dict, t: dt.datetime) -> None:
    evidence.add_supplement(ctx, dp.decl_id, supplement_record(ctx.rng), dp.applicant.person.name,
                            dp.applicant.actor.account_id, t - dt.timedelta(minutes=ctx.rng.randint(10, 90)))
    _act(ctx, dp, dp.applicant.actor, "resubmit", t)


def _tally(ctx: Ctx, dp: DeclPlan, p: dict, t: dt.datetime) -> None:
    info = panel.session_for(ctx, dp.committee, p["day"])
    panel.tally(ctx, info, dp.decl_id, dp.specialty, dp.unit_id, p["passed"], t)
    dp.session_day = p["day"]
    _act(ctx, dp, panel.chair_actor(info), "tally", t)


def _submit_filing(ctx: Ctx, dp: DeclPlan, p: dict, t: dt.datetime) -> None:
    evidence.filing_record(ctx, dp.committee, dp.session_day, t)
    _act(ctx, dp, _committee_op(ctx, dp), "submit_filing", t)


def _filing_approved(ctx: Ctx, dp: DeclPlan, p: dict, t: dt.datetime) -> None:
    record = ctx.filings[(dp.committee.id, dp.session_day)]
    record.status, record.decided_at, record.opinion = "approved", t, "同意备案。"
    _act(ctx, dp, holder_actor(ctx, dp), "filing_approved", t)


def _simple(who: Callable[[Ctx, DeclPlan], Actor], action: str, *keys: str,
            fixed: dict | None = None) -> Callable[[Ctx, DeclPlan, dict, dt.datetime], None]:
    def run(ctx: Ctx, dp: DeclPlan, p: dict, t: dt.datetime) -> None:
        payload = {k: p[k] for k in keys if k in p} | (fixed or {})
        _act(ctx, dp, who(ctx, dp), action, t, **payload)
    return run


def _applicant(ctx: Ctx, dp: DeclPlan) -> Actor:
    return dp.applicant.actor


def _assign(ctx: Ctx, dp: DeclPlan, p: dict, t: dt.datetime) -> None:
    _act(ctx, dp, holder_actor(ctx, dp), "assign_committee", t, committee_id=dp.committee.id)


_PLEDGE = {"pledge": PLEDGE_TEXT}
RUNNERS: dict[str, Callable[[Ctx, DeclPlan, dict, dt.datetime], None]] = {
    "save": _simple(_applicant, "save"),
    "submit": _simple(_applicant, "submit", fixed=_PLEDGE),
    "resubmit": _simple(_applicant, "resubmit", fixed=_PLEDGE),
    "cancel": _simple(_applicant, "cancel"),
    "unit_reject": _simple(_unit_op, "reject", "reason"),
    "unit_approve": _simple(_unit_op, "approve"),
    "withdraw": _simple(_unit_op, "withdraw"),
    "unit_publicity_done": lambda ctx, dp, p, t: _publicity_done(ctx, dp, p, t, "unit"),
    "recommend": _recommend,
    "assign_own": _simple(_unit_op, "assign_own_committee"),
    "relay_approve": _simple(holder_actor, "approve"),
    "relay_reject": _simple(holder_actor, "reject", "reason"),
    "assign_committee": _assign,
    "refuse": _simple(_committee_op, "refuse", "reason"),
    "accept": _simple(_committee_op, "accept"),
    "initial_review": _simple(_reviewer, "initial_review", "result", "opinion"),
    "recheck_pass": _simple(_reviewer, "recheck_pass", "opinion"),
    "recheck_fail": _simple(_reviewer, "recheck_fail", "reason"),
    "failed_done": lambda ctx, dp, p, t: _publicity_done(ctx, dp, p, t, "failed_review"),
    "supplement_resubmit": _supplement,
    "supplement_reject": _simple(_unit_op, "reject", "reason"),
    "supplement_approve": _simple(_unit_op, "approve"),
    "recheck2_pass": _simple(_reviewer, "pass", "opinion"),
    "recheck2_fail": _simple(_reviewer, "fail", "reason"),
    "candidate_done": lambda ctx, dp, p, t: _publicity_done(ctx, dp, p, t, "candidate"),
    "tally": _tally,
    "result_done": lambda ctx, dp, p, t: _publicity_done(ctx, dp, p, t, "result"),
    "submit_filing": _submit_filing,
    "filing_approved": _filing_approved,
    "return_to_applicant": _simple(holder_actor, "return_to_applicant", "reason"),
    "terminate": _simple(holder_actor, "terminate", "reason"),
    "init_unit_approve": _simple(_unit_op, "approve"),
    "init_dept_approve": _simple(holder_actor, "approve"),
    "init_hr_approve": _simple(holder_actor, "approve"),
    "init_reject": _simple(holder_actor, "reject", "reason"),
}


def run_step(ctx: Ctx, dp: DeclPlan, index: int) -> None:
    name, params = dp.steps[index]
    RUNNERS[name](ctx, dp, params, dp.times[index])
