"""Carries out the plans: inserts each declaration as a draft with its module records, runs every
step of every declaration in global time order (so the audit chain reads like the weeks it covers),
then sets the scene at each end state: running or ended publicities, open objections, filing records
(the open panel sessions follow: core.setup.demo.meetings).
"""
from __future__ import annotations

from core.setup.demo import evidence
from core.setup.demo.clock import days, publicity_window, running_window
from core.setup.demo.context import Ctx
from core.setup.demo.province import DEMO_UNIT
from core.setup.demo.records import module_records
from core.setup.demo.steps import DeclPlan, run_step
from db.models import Declaration, DeclarationRecord

PUBLICITY_KIND = {"unit_publicity": "unit", "failed_publicity": "failed_review",
                  "candidate_publicity": "candidate", "result_publicity": "result"}


def insert_declaration(ctx: Ctx, dp: DeclPlan) -> None:
    """The draft with its records; some random drafts are still incomplete (暂存)."""
    a = dp.applicant
    decl = Declaration(flow=dp.flow, applicant_person_id=a.person.id, unit_id=a.unit.id, year=dp.year,
                       level_code=dp.level, series_code=dp.series, specialty_code=dp.specialty, method="regular",
                       review_type=dp.review_type, committee_id=dp.committee.id if dp.committee else None,
                       state="draft", relay_route=[], created_at=dp.created, state_since=dp.created)
    ctx.session.add(decl)
    ctx.session.flush()
    dp.decl_id = decl.id
    records = module_records(ctx.rng, flow=dp.flow, series=dp.series, specialty=dp.specialty, level=dp.level,
                             born=a.born, employer=a.unit.name, today=ctx.today)
    modules = list(records)
    if dp.target == "draft" and dp.applicant.slug != DEMO_UNIT and ctx.rng.random() < 0.4:
        modules = modules[:-ctx.rng.randint(1, 2)]
    rows = [DeclarationRecord(declaration_id=decl.id, module=module, position=i, data=row,
                              created_at=dp.created, updated_at=dp.created)
            for module in modules for i, row in enumerate(records[module])]
    ctx.session.add_all(rows)
    evidence.attach_certificates(ctx, decl.id, rows, a.actor.account_id, dp.created)


def run_all(ctx: Ctx, plans: list[DeclPlan]) -> None:
    """Every step of every plan, oldest first; a plan's own steps keep their order."""
    events = sorted((t, i, j) for i, dp in enumerate(plans) for j, t in enumerate(dp.times))
    for _t, i, j in events:
        run_step(ctx, plans[i], j)
    ctx.session.flush()


def finish(ctx: Ctx, dp: DeclPlan) -> None:
    """The scene around a declaration waiting in a publicity."""
    kind = PUBLICITY_KIND.get(dp.target) if dp.flow == "review" else None
    status = dp.finish.get("publicity")
    if kind and status in ("running", "ended"):
        unit_kind = kind == "unit"
        owner = dp.unit_id if unit_kind else dp.committee.organizer_unit_id
        last = dp.times[-1] if dp.times else dp.created
        window = (running_window(last, ctx.today) if status == "running"
                  else publicity_window(ctx.now - days(ctx.rng, 0, 0.5), end_weekday=owner % 5 if unit_kind else 4,
                                        rng=ctx.rng))
        batch = evidence.publicize(ctx, dp.decl_id, kind, owner, window, None if unit_kind else dp.committee)
        if dp.finish.get("objection"):
            evidence.objection(ctx, dp.decl_id, batch, window, dismissed=False)


def settle_filings(ctx: Ctx, plans: list[DeclPlan]) -> None:
    """A meeting's filing is approved only once none of its dossiers still waits for the HR bureau."""
    waiting = {(dp.committee.id, dp.session_day) for dp in plans
               if dp.target == "filing" and dp.steps and dp.steps[-1][0] == "submit_filing"}
    for key, record in ctx.filings.items():
        if key in waiting:
            record.status, record.decided_at, record.opinion = "submitted", None, None
    ctx.session.flush()
