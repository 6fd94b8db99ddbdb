"""Dashboard aggregates, computed in SQL for a scope: a unit's subtree or everything.

A scope is ``None`` (all declarations), a :class:`Unit`, or a unit's materialised ``path``
("/1/4/"); declarations count in it when their employer unit lies in that subtree and they have
been submitted (an applicant's draft, or a draft they cancelled, is theirs alone). Every
function returns a small dict or list that pages turn into charts (``as_frame`` for pandas):

* :func:`by_state`: declarations per current state (one GROUP BY);
* :func:`funnel`: how many declarations reached at least each main stage, derived from the
  current state's place in the stage order (no event scan);
* :func:`weekly_new`: new declarations per week for the last weeks, by ``created_at``, bucketed
  with a portable CASE over week boundaries computed in Python (same SQL on SQLite and PostgreSQL);
* :func:`todo_counts`: to-do counts of several workspaces (holder unit, states) in one query.

:func:`dashboard` gathers them for the home page. A scope whose subtree holds every unit (the
province) is counted without any unit filter, on the covering index ``ix_declaration_dashboard``
(flow, state, created_at): at 1M declarations the whole dashboard takes ~0.1–0.3 s (bench/).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from core.common import config
from core.workflow import INITIAL, MACHINES, REVIEW
from db.models import Declaration, Unit

CHINA_TZ = dt.timezone(dt.timedelta(hours=8))

# Main stages of each flow, in order, and the furthest stage each state proves was reached: both are
# declared with the states (core.machines.declaration). Index into FUNNEL_STAGES; -1: not submitted.
FUNNEL_STAGES = {flow: MACHINES[flow].stages for flow in (REVIEW, INITIAL)}
STATE_STAGE = {flow: {s.name: FUNNEL_STAGES[flow].index(s.stage) if s.stage else -1 for s in MACHINES[flow].states}
               for flow in FUNNEL_STAGES}

Scope = Unit | str | None

# Drafts belong to the applicant: an organisation's dashboard counts a declaration once it has been
# submitted. The states without a funnel stage are the applicant's own: the draft (not terminal) is never
# counted; a cancelled declaration (terminal) counts only if it was submitted before (cancelled from
# ``returned`` or ``supplement``), not a draft the applicant threw away (``submitted_at`` is empty).
UNSUBMITTED = frozenset(s.name for flow in FUNNEL_STAGES for s in MACHINES[flow].states
                        if s.stage is None and not s.terminal)
MAYBE_UNSUBMITTED = frozenset(s.name for flow in FUNNEL_STAGES for s in MACHINES[flow].states
                              if s.stage is None and s.terminal)


def _scope_path(scope: Scope) -> str | None:
    if scope is None:
        return None
    path = scope.path if isinstance(scope, Unit) else str(scope)
    return path if path.endswith("/") else path + "/"


def _where(session: Session, scope: Scope, flow: str | None, year: int | None) -> list:
    """WHERE terms for the scope. A subtree that holds every unit (the province) needs none: every
    declaration's unit is in it, and without the unit filter the counts run on covering indexes."""
    d, u = Declaration.__table__, Unit.__table__
    conditions = [d.c.state.not_in(sorted(UNSUBMITTED))]
    path = _scope_path(scope)
    if path is not None:
        in_subtree = u.c.path.startswith(path, autoescape=True)
        if session.execute(select(u.c.id).where(~in_subtree).limit(1)).first() is not None:
            conditions.append(d.c.unit_id.in_(select(u.c.id).where(in_subtree)))
    if flow is not None:
        conditions.append(d.c.flow == flow)
    if year is not None:
        conditions.append(d.c.year == year)
    return conditions


def submitted_only():
    """A WHERE term keeping the submitted declarations (for dashboards filtered another way)."""
    d = Declaration.__table__
    return and_(d.c.state.not_in(sorted(UNSUBMITTED)),
                or_(d.c.state.not_in(sorted(MAYBE_UNSUBMITTED)), d.c.submitted_at.is_not(None)))


def _never_submitted(where: list) -> list:
    """``where`` narrowed to the cancelled drafts, which the counts on ``where`` then subtract: a second,
    small query on the state index, so that the main count stays on its covering index (no
    ``submitted_at`` in it)."""
    d = Declaration.__table__
    return [*where, d.c.state.in_(sorted(MAYBE_UNSUBMITTED)), d.c.submitted_at.is_(None)]


def _counts(session: Session, where: list, *columns) -> dict[tuple, int]:
    """Counts grouped by ``columns`` of the submitted declarations matching ``where``."""
    def grouped(conditions: list) -> dict[tuple, int]:
        rows = session.execute(select(*columns, func.count()).where(*conditions).group_by(*columns)).all()
        return {tuple(r[:-1]): int(r[-1]) for r in rows}
    counts = grouped(where)
    for key, n in grouped(_never_submitted(where)).items():
        counts[key] -= n
    return {key: n for key, n in counts.items() if n}


def by_state(session: Session, scope: Scope = None, *, flow: str | None = None,
             year: int | None = None) -> dict[str, int]:
    """Declarations per current state in the scope, largest first."""
    d = Declaration.__table__
    rows = _counts(session, _where(session, scope, flow, year), d.c.state)
    return dict(sorted(((state, n) for (state,), n in rows.items()), key=lambda kv: (-kv[1], kv[0])))


def funnel_from_counts(counts: dict[str, int], flow: str = REVIEW) -> list[tuple[str, int]]:
    """(stage, declarations that reached at least that stage), in stage order."""
    stages, stage_of = FUNNEL_STAGES[flow], STATE_STAGE[flow]
    reached = [0] * len(stages)
    for state, n in counts.items():
        for i in range(stage_of.get(state, -1) + 1):
            reached[i] += n
    return list(zip(stages, reached))


def funnel(session: Session, scope: Scope = None, *, flow: str = REVIEW,
           year: int | None = None) -> list[tuple[str, int]]:
    """The pipeline funnel of one flow in the scope (one GROUP BY, no event scan)."""
    return funnel_from_counts(by_state(session, scope, flow=flow, year=year), flow)


def week_starts(weeks: int = 12, today: dt.date | None = None) -> list[dt.date]:
    """The Mondays starting the last ``weeks`` weeks, oldest first; the last is this week's."""
    today = today or config.today()
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def weekly_new(session: Session, scope: Scope = None, *, weeks: int = 12, today: dt.date | None = None,
               flow: str | None = None, tz: dt.tzinfo = CHINA_TZ) -> list[tuple[dt.date, int]]:
    """New declarations per week (Monday to Sunday in ``tz``) for the last ``weeks`` weeks, zeros included."""
    return _weekly(session, week_starts(weeks, today), tz, _where(session, scope, flow, None))


def _weekly(session: Session, starts: list[dt.date], tz: dt.tzinfo, where: list) -> list[tuple[dt.date, int]]:
    d = Declaration.__table__
    bounds = [dt.datetime.combine(day, dt.time(), tz) for day in starts]
    bucket = case(*((d.c.created_at >= bounds[i], i) for i in range(len(bounds) - 1, 0, -1)), else_=0)
    counts = {int(week): n for (week,), n in _counts(session, [d.c.created_at >= bounds[0], *where],
                                                       bucket.label("week")).items()}
    return [(day, counts.get(i, 0)) for i, day in enumerate(starts)]


Workspace = tuple[int, Sequence[str]]


def todo_counts(session: Session, workspaces: Iterable[Workspace]) -> list[int]:
    """To-do counts of (holder unit, states) workspaces, in the order given, in one query."""
    workspaces = [(int(unit), tuple(states)) for unit, states in workspaces]
    wanted = [(unit, states) for unit, states in workspaces if states]
    if not wanted:
        return [0] * len(workspaces)
    d = Declaration.__table__
    rows = session.execute(select(d.c.holder_unit_id, d.c.state, func.count())
                           .where(or_(*(and_(d.c.holder_unit_id == unit, d.c.state.in_(states))
                                        for unit, states in wanted)))
                           .group_by(d.c.holder_unit_id, d.c.state)).all()
    found = {(unit, state): int(n) for unit, state, n in rows}
    return [sum(found.get((unit, s), 0) for s in set(states)) for unit, states in workspaces]


def dashboard(session: Session, scope: Scope = None, *, workspaces: Iterable[Workspace] = (),
              today: dt.date | None = None, weeks: int = 12) -> dict[str, Any]:
    """Everything the home page charts: states, funnels of both flows, weekly intake, to-dos.

    Two scans of the scope (counts by flow and state, which give by-state and both funnels; new
    declarations per week) and one indexed count of the to-dos."""
    d = Declaration.__table__
    where = _where(session, scope, None, None)
    per_flow: dict[str, dict[str, int]] = {}
    for (flow, state), n in _counts(session, where, d.c.flow, d.c.state).items():
        per_flow.setdefault(flow, {})[state] = n
    states: dict[str, int] = {}
    for counts in per_flow.values():
        for state, n in counts.items():
            states[state] = states.get(state, 0) + n
    return {
        "total": sum(states.values()),
        "by_state": dict(sorted(states.items(), key=lambda kv: (-kv[1], kv[0]))),
        "funnel": {flow: funnel_from_counts(per_flow.get(flow, {}), flow) for flow in FUNNEL_STAGES},
        "weekly_new": _weekly(session, week_starts(weeks, today), CHINA_TZ, where),
        "todo": todo_counts(session, workspaces),
    }


def as_frame(pairs: Iterable[tuple[Any, int]] | dict[Any, int], label: str = "key",
             value: str = "count") -> pd.DataFrame:
    """A two-column DataFrame of (label, count) pairs, for st.bar_chart and friends."""
    items = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
    return pd.DataFrame(items, columns=[label, value])
