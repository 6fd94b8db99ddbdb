"""Plans the demo's declarations: how many end in each state, who declares what where, and when each
step happens.

Every state of both flows is present. The featured employer (core.setup.demo.province.DEMO_UNIT) gets
declarations in every inbox its demo accounts show. Times are planned backwards from now, so the
newest event of a waiting declaration is recent and a long history simply starts earlier (about ten
weeks for an approved one); each declaration's events strictly increase in time.
"""
from __future__ import annotations

import datetime as dt
import random

from core.workflow import INITIAL, REVIEW
from core.setup.demo.clock import (at, days, local_date, office_time, personal_time, publicity_window,
                            workday_on_or_before)
from core.setup.demo.context import Ctx
from core.setup.demo.meetings import planned_declarations
from core.setup.demo.org import committee_for
from core.setup.demo.paths import initial_path, review_path
from core.setup.demo.people import new_applicant, pick_work
from core.setup.demo.province import DEMO_UNIT, SELF_REVIEW_UNIT
from core.setup.demo.steps import DeclPlan

REVIEW_WEIGHTS = {"draft": 14, "unit_verify": 16, "unit_publicity": 14, "unit_recommend": 12, "relay": 22,
                  "material_receipt": 14, "policy_review": 18, "failed_publicity": 5, "supplement": 5,
                  "supplement_verify": 4, "policy_recheck": 5, "candidate_publicity": 12, "panel_review": 18,
                  "result_publicity": 12, "filing": 12, "approved": 45, "not_approved": 10, "returned": 12,
                  "terminated": 6, "cancelled": 8}
INITIAL_WEIGHTS = {"draft": 3, "unit_verify": 4, "dept_review": 4, "hr_review": 4, "approved": 11, "returned": 3,
                   "cancelled": 2}
# the featured accounts' inboxes: (target, level, extras); the featured employer unless extras name a unit
FORCED = (
    ("unit_verify", "associate_senior", {}), ("unit_verify", "intermediate", {}),
    ("unit_publicity", "associate_senior", {"publicity": "none"}),
    ("unit_publicity", "intermediate", {"publicity": "running", "objection": True}),
    ("unit_recommend", "associate_senior", {}), ("unit_recommend", "intermediate", {}),
    ("relay", "associate_senior", {"hop": 0}), ("relay", "intermediate", {"hop": 0}),
    ("relay", "intermediate", {"hop": 1}), ("relay", "associate_senior", {"hop": 1}),
    ("relay", "associate_senior", {"hop": 2}), ("relay", "full_senior", {"hop": 2}),
    ("material_receipt", "associate_senior", {}), ("material_receipt", "full_senior", {}),
    ("policy_review", "associate_senior", {}), ("policy_review", "associate_senior", {}),
    ("policy_review", "full_senior", {}),
    ("supplement_verify", "associate_senior", {}),
    ("relay", "associate_senior", {"hop": 1, "unit": "qp_rmyy"}), ("relay", "full_senior", {"hop": 1, "unit": "qp_yz"}),
    *planned_declarations(),  # the provincial health committee's open sessions (core.setup.demo.meetings)
)
DEMO_RETURN_REASON = "请补充任现职以来的继续教育学时证明（需加盖单位公章），并重新上传论文检索证明后再提交。"
MIN_APPLICANTS = len(FORCED) + len(REVIEW_WEIGHTS) + len(INITIAL_WEIGHTS) + 1
APPLICANT_STEPS = frozenset({"save", "submit", "resubmit", "cancel", "supplement_resubmit"})
PUBLICITY_STEPS = frozenset({"unit_publicity_done", "failed_done", "candidate_done", "result_done"})
# days between the previous step and this one (default: DEFAULT_GAP)
GAPS = {"submit": (0.5, 6), "resubmit": (1, 5), "cancel": (1, 8), "save": (0.2, 4), "withdraw": (0.01, 0.15),
        "recommend": (0.2, 2), "assign_own": (0.2, 2), "accept": (0.3, 3), "initial_review": (0.5, 3),
        "recheck_pass": (0.05, 1.5), "recheck_fail": (0.05, 1.5), "supplement_resubmit": (1, 4),
        "recheck2_pass": (0.5, 3), "recheck2_fail": (0.5, 3), "submit_filing": (0.5, 3), "filing_approved": (1, 4),
        "init_hr_approve": (1, 5)}
DEFAULT_GAP = (0.2, 2.5)
# how long ago the last step was, by final state (default: waiting in an inbox for a few days)
RECENT = {"approved": (0.3, 8), "not_approved": (1, 10), "cancelled": (0.5, 14), "terminated": (0.5, 14),
          "returned": (0.1, 10), "panel_review": (2.3, 7)}


def allocate(total: int, weights: dict, minimum: int = 0) -> dict:
    """Split ``total`` by weights (largest remainder), each key getting at least ``minimum``."""
    keys = list(weights)
    base = {k: minimum for k in keys}
    rest = total - minimum * len(keys)
    if rest < 0:
        raise ValueError(f"cannot give {minimum} each to {len(keys)} keys out of {total}")
    scale = sum(weights.values())
    shares = {k: rest * weights[k] / scale for k in keys}
    counts = {k: base[k] + int(shares[k]) for k in keys}
    for k in sorted(keys, key=lambda k: shares[k] - int(shares[k]), reverse=True)[:total - sum(counts.values())]:
        counts[k] += 1
    return counts


def _expand(counts: dict) -> list:
    return [k for k, n in counts.items() for _ in range(n)]


def _employers(ctx: Ctx, *, under_department: bool = False) -> dict[str, float]:
    return {slug: spec.weight for slug, spec in ctx.specs.items() if spec.kind == "employer"
            and (not under_department or ctx.specs[spec.parent].kind == "department")}


def _choose_level(ctx: Ctx, slug: str, series: str) -> tuple[str, bool]:
    """(level, self_review) an applicant of this unit would declare, given the committees open to them."""
    rng, unit = ctx.rng, ctx.units[slug]
    if slug == SELF_REVIEW_UNIT:
        return rng.choices(("intermediate", "associate_senior", "full_senior"), (3, 5, 2))[0], True
    if committee_for(ctx, unit, series, "intermediate", ctx.year, False):
        level = rng.choices(("intermediate", "associate_senior", "full_senior"), (45, 45, 10))[0]
    else:
        level = rng.choices(("associate_senior", "full_senior"), (82, 18))[0]
    return level, False


def _review_plan(ctx: Ctx, login: str, slug: str, target: str, level: str | None = None,
                 specialty: str | None = None) -> DeclPlan:
    series, picked = pick_work(ctx, slug)
    specialty = specialty or picked
    chosen, self_review = _choose_level(ctx, slug, series)
    level = level or chosen
    committee = committee_for(ctx, ctx.units[slug], series, level, ctx.year, self_review)
    if committee is None:  # no committee for that level here: declare at associate senior level
        level = "associate_senior"
        committee = committee_for(ctx, ctx.units[slug], series, level, ctx.year, self_review)
    applicant = new_applicant(ctx, login, slug, series, specialty, level)
    return DeclPlan(applicant, REVIEW, target, ctx.year, level, series, specialty, committee,
                    "self_review" if self_review else "socialized")


def _initial_plan(ctx: Ctx, login: str, slug: str, target: str) -> DeclPlan:
    series, specialty = pick_work(ctx, slug)
    level = ctx.rng.choices(("junior", "intermediate"), (6, 4))[0]
    applicant = new_applicant(ctx, login, slug, series, specialty, level)
    return DeclPlan(applicant, INITIAL, target, ctx.year, level, series, specialty, None, None)


def _separate_self_review_relays(rng: random.Random, pairs: list[list]) -> None:
    """The self-review employer never relays: give its relay targets to other units' plans."""
    for pair in pairs:
        if pair[0] == SELF_REVIEW_UNIT and pair[1] == "relay":
            other = rng.choice([p for p in pairs if p[0] != SELF_REVIEW_UNIT and p[1] != "relay"])
            pair[1], other[1] = other[1], pair[1]


def plan_declarations(ctx: Ctx, applicants: int) -> list[DeclPlan]:
    """Every declaration of the demo, with its applicant created; steps and times not yet set."""
    if applicants < MIN_APPLICANTS:
        raise ValueError(f"the demo province needs at least {MIN_APPLICANTS} applicants")
    n_initial = max(len(INITIAL_WEIGHTS), round(applicants * 0.1))
    n_review = applicants - 1 - len(FORCED) - n_initial
    plans = [_review_plan(ctx, "demo_applicant", DEMO_UNIT, "returned", "associate_senior", "hea_internal")]
    plans[0].finish["reason"] = DEMO_RETURN_REASON
    first = plans[0]  # and a draft for next year's committee
    plans.append(DeclPlan(first.applicant, REVIEW, "draft", ctx.year + 1, first.level, first.series, first.specialty,
                          committee_for(ctx, first.applicant.unit, first.series, first.level, ctx.year + 1, False),
                          "socialized"))
    for i, (target, level, extras) in enumerate(FORCED):
        plan = _review_plan(ctx, f"applicant_{i + 1:04d}", extras.get("unit", DEMO_UNIT), target, level,
                            extras.get("specialty"))
        plan.finish.update(extras)
        plans.append(plan)
    plans += _random_plans(ctx, n_review, n_initial, start=len(FORCED) + 1)
    _open_objection(plans, "result_publicity")
    _open_objection(plans[len(FORCED) + 2:], "unit_publicity")
    return plans


def _open_objection(plans: list[DeclPlan], target: str) -> None:
    """At least one declaration of this state waits on an open objection (its publicity has ended)."""
    plan = next(p for p in plans if p.target == target and p.flow == REVIEW)
    plan.finish.update(publicity="ended", objection=True)


def _random_plans(ctx: Ctx, n_review: int, n_initial: int, start: int) -> list[DeclPlan]:
    rng = ctx.rng
    targets = _expand(allocate(n_review, REVIEW_WEIGHTS, minimum=1))
    units = _expand(allocate(n_review, _employers(ctx)))
    rng.shuffle(targets)
    rng.shuffle(units)
    pairs = [[u, t] for u, t in zip(units, targets)]
    _separate_self_review_relays(rng, pairs)
    plans = [_review_plan(ctx, f"applicant_{start + i:04d}", u, t) for i, (u, t) in enumerate(pairs)]
    initial_targets = _expand(allocate(n_initial, INITIAL_WEIGHTS, minimum=1))
    initial_units = _expand(allocate(n_initial, _employers(ctx, under_department=True)))
    rng.shuffle(initial_units)
    start += len(plans)
    plans += [_initial_plan(ctx, f"applicant_{start + i:04d}", u, t)
              for i, (u, t) in enumerate(zip(initial_units, initial_targets))]
    return plans


def route_length(ctx: Ctx, dp: DeclPlan) -> int:
    """Relay hops (departments and HR bureaus) from the employer up to the committee's region."""
    if dp.review_type == "self_review" or dp.committee is None:
        return 0
    by_id = {u.id: u for u in ctx.units.values()}
    chain = [by_id[int(i)] for i in reversed(dp.applicant.unit.path.strip("/").split("/")[:-1])]
    hops = 0
    for unit in chain:
        if unit.kind in ("department", "hr_bureau"):
            hops += 1
        if unit.kind == "hr_bureau" and unit.id == dp.committee.region_unit_id:
            return hops
    raise AssertionError(f"no route from {dp.applicant.slug} to committee {dp.committee.name}")


def set_steps(ctx: Ctx, dp: DeclPlan) -> None:
    """The declaration's path to its target; the featured employer's plans keep their fixed hop."""
    if dp.flow == INITIAL:
        has_dept = ctx.specs[ctx.specs[dp.applicant.slug].parent].kind == "department"
        steps = initial_path(ctx.rng, dp.target, has_dept=has_dept)
    else:
        steps = review_path(ctx.rng, dp.target, self_review=dp.review_type == "self_review",
                            route_len=route_length(ctx, dp), hop=dp.finish.get("hop"))
    dp.steps = [(name, dict(params)) for name, params in steps]
    if "reason" in dp.finish:
        dp.steps[-1][1]["reason"] = dp.finish["reason"]
    _set_finish(ctx.rng, dp)


def _set_finish(rng: random.Random, dp: DeclPlan) -> None:
    """How a declaration waiting in a publicity state looks: batch running, ended, or not yet made."""
    choices = {"unit_publicity": (("running", "none"), (7, 3)), "candidate_publicity": (("running", "none"), (6, 4)),
               "failed_publicity": (("running", "ended"), (8, 2)),
               "result_publicity": (("running", "ended", "objection"), (6, 2.5, 1.5))}
    if dp.flow == REVIEW and dp.target in choices and "publicity" not in dp.finish:
        options, weights = choices[dp.target]
        dp.finish["publicity"] = rng.choices(options, weights)[0]
    if dp.finish.get("publicity") == "objection":
        dp.finish.update(publicity="ended", objection=True)


def _recent(rng: random.Random, dp: DeclPlan) -> dt.timedelta:
    if dp.finish.get("publicity") == "ended":
        return days(rng, 14, 20)  # the publicity then ran and ended after the last step
    low, high = RECENT.get(dp.target, (0.05, 4.5))
    return days(rng, low, high)


def tally_slot(committee_id: int, upper: dt.datetime, today: dt.date, rng: random.Random) -> dt.datetime:
    """A committee meets every ten days or so (the last meeting about nine days ago, the open session
    now): its latest meeting not after ``upper``."""
    back = 9 + committee_id % 3
    while True:
        moment = at(workday_on_or_before(today - dt.timedelta(days=back)), 15, rng.randint(0, 50))
        if moment <= upper:
            return moment
        back += 10


def set_times(ctx: Ctx, dp: DeclPlan) -> None:
    """Times for every step, planned backwards from now; then when the draft was created."""
    rng = ctx.rng
    upper = ctx.now - _recent(rng, dp)
    dp.times = [ctx.now] * len(dp.steps)
    for i in reversed(range(len(dp.steps))):
        name, params = dp.steps[i]
        if name in PUBLICITY_STEPS:
            t = office_time(upper, rng)
            weekday = dp.unit_id % 5 if name == "unit_publicity_done" else 4  # units: own rhythm; committees: Fridays
            params["window"] = publicity_window(t, end_weekday=weekday, rng=rng)
            upper = at(params["window"][0], 8, 20) - days(rng, 0, 1.2)
        elif name == "tally":
            t = tally_slot(dp.committee.id, upper, ctx.today, rng)
            params["day"] = local_date(t)
            upper = t - days(rng, 1, 4)
        else:
            t = (personal_time if name in APPLICANT_STEPS else office_time)(upper, rng)
            upper = t - days(rng, *GAPS.get(name, DEFAULT_GAP))
        dp.times[i] = t
    dp.created = personal_time(upper if dp.steps else ctx.now - days(rng, 0.1, 15), rng)
