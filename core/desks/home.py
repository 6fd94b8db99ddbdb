"""The home page's numbers for one context: live statistics of the actor's scope, in SQL.

Unit roles (unit, department, HR bureau) see their unit's subtree through core.reporting.stats, whose
aggregates are built on the unit-path index. Other roles (applicant, committee operator, policy
reviewer) see the declarations ``core.org.scope.visible_declarations`` grants them; experts see nothing
here yet. Every function returns plain lists and dicts, safe to cache.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.reporting import analytics, stats
from core.org.scope import unit_path, visible_declarations
from core.workflow import Actor
from core.desks.workspaces import HOLDER, todo_counts, workspaces_for
from db.models import Declaration
from db.uow import UnitOfWork
from core.refusals import refusals_audited

UNIT_SCOPED = frozenset({"unit_operator", "unit_admin", "dept_operator", "hr_operator"})


def _clause_dashboard(session: Session, clause, *, weeks: int, today: dt.date | None) -> dict[str, Any]:
    d = Declaration.__table__
    rows = session.execute(select(Declaration.flow, Declaration.state, func.count()).where(clause)
                           .group_by(Declaration.flow, Declaration.state)).all()
    per_flow: dict[str, dict[str, int]] = {}
    states: dict[str, int] = {}
    for flow, state, n in rows:
        per_flow.setdefault(flow, {})[state] = int(n)
        states[state] = states.get(state, 0) + int(n)
    starts = stats.week_starts(weeks, today)
    bounds = [dt.datetime.combine(day, dt.time(), stats.CHINA_TZ) for day in starts]
    bucket = case(*((d.c.created_at >= bounds[i], i) for i in range(weeks - 1, 0, -1)), else_=0)
    weekly = dict(session.execute(select(bucket, func.count()).where(clause, d.c.created_at >= bounds[0])
                                  .group_by(bucket)).all())
    return {
        "total": sum(states.values()),
        "by_state": dict(sorted(states.items(), key=lambda kv: (-kv[1], kv[0]))),
        "funnel": {flow: stats.funnel_from_counts(per_flow.get(flow, {}), flow) for flow in stats.FUNNEL_STAGES},
        "weekly_new": [(day, int(weekly.get(i, 0))) for i, day in enumerate(starts)],
    }


def dashboard_for(session: Session, actor: Actor, *, weeks: int = 12, today: dt.date | None = None) -> dict[str, Any]:
    """by_state, funnel (per flow), weekly_new and total for the actor's scope."""
    if actor.role in UNIT_SCOPED:
        path = unit_path(session, actor.unit_id)
        if path is None:
            return _clause_dashboard(session, Declaration.id < 0, weeks=weeks, today=today)
        data = stats.dashboard(session, path, weeks=weeks, today=today)
        data.pop("todo", None)
        return data
    clause = visible_declarations(session, actor)
    if actor.role != "applicant":  # drafts are the applicant's own: committees count submitted ones
        clause = clause & stats.submitted_only()
    return _clause_dashboard(session, clause, weeks=weeks, today=today)


@refusals_audited
def home_numbers(uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    """The dashboard plus the to-do count of each of the actor's workspaces and how many of them are overdue."""
    with uow.read() as session:
        data = dashboard_for(session, actor)
        data["todo"] = todo_counts(session, actor)
        data["overdue"] = overdue_counts(session, actor)
    return data


def overdue_counts(session: Session, actor: Actor, *, today: dt.date | None = None) -> dict[str, int]:
    """Per holder workspace of the actor: how many of its to-dos are past their limit in working days."""
    spaces = {w.id: w.states for w in workspaces_for([actor]) if w.source == HOLDER}
    if actor.unit_id is None or not spaces:
        return {}
    return analytics.overdue_held(session, actor.unit_id, spaces, today=today)
