"""Throughput analytics for managers (统计分析): stage flow, time in stage, overdue work, outcomes, forecast.

Everything is aggregated in SQL over the stage-visit summary (``stage_visit``, db.models.analytics: one row
per declaration and visit of a state and holder, kept by core.workflow_store.write_change) or over the
declaration table, for the actor's scope, and returns small lists of plain rows:

* :func:`throughput`: visits entering and leaving each state per China-time day, and the work in progress
  per state at the end of each day (a cumulative flow); :func:`by_week` folds days into weeks;
* :func:`time_in_stage`: median, p90 and max days of the closed visits per state and group (holder unit,
  employer's city, series, level), nearest-rank percentiles from ``ROW_NUMBER()`` windows;
* :func:`overdue`: declarations waiting longer than their state's limit in working days (official
  calendar, ``core.common.config.sla_working_days``), per holder unit and the oldest ones listed;
* :func:`outcomes`, :func:`unit_rates`, :func:`objections`: pass rates of policy review, recheck and
  panel; return and supplement rates per employer unit; objections raised and upheld;
* :func:`forecast`: when the year's declarations reach the panel at the recent rate, with the assumption.

Scope (:func:`visit_scope`, :func:`declaration_scope`): unit roles see the declarations of their unit's
subtree (by employer unit), committee operators those of their committees; nobody else sees anything.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, distinct, false, func, literal, or_, select, true
from sqlalchemy.orm import Session, aliased

from core.calendar import store as calendar_store
from core.calendar.workdays import WorkCalendar
from core.common import config
from core.org.scope import unit_path
from core.workflow import INITIAL, MACHINES, REVIEW, TERMINAL, Actor
from db.models import Committee, Declaration, Objection, StageVisit, Unit

CHINA = dt.timezone(dt.timedelta(hours=8))  # no daylight saving: a China day is (seconds + 8 h) // 86400
_OFFSET = 8 * 3600
_DAY = 86400
EPOCH_DAY = dt.date(1970, 1, 1)
UNIT_ROLES = frozenset({"hr_operator", "dept_operator", "unit_admin", "unit_operator"})
ROLES = UNIT_ROLES | {"committee_operator"}
GROUPS = ("state", "unit", "city", "series", "level")
OUTCOME_GROUPS = ("series", "level", "committee", "year")
# A decision of a stage: the action and the state it leads to, for a pass and for a fail. A decision later
# withdrawn (its visit left by "withdraw") does not count.
DECISIONS = {"policy_review": (("recheck_pass", "candidate_publicity"), ("recheck_fail", "failed_publicity")),
             "policy_recheck": (("pass", "candidate_publicity"), ("fail", "terminated")),
             "panel_review": (("tally", "result_publicity"), ("tally", "not_approved"))}
BEFORE_PANEL = ("unit_verify", "unit_publicity", "unit_recommend", "relay", "material_receipt", "policy_review",
                "failed_publicity", "supplement", "supplement_verify", "policy_recheck", "candidate_publicity",
                "returned")
FORECAST_WINDOW_DAYS = 28

_V = StageVisit.__table__
_D = Declaration.__table__


def stage_states(flow: str | None = None) -> tuple[str, ...]:
    """The states a declaration waits in (neither draft nor final), in the machines' order, each once."""
    flows = (flow,) if flow else (REVIEW, INITIAL)
    names: dict[str, None] = {}
    for f in flows:
        for s in MACHINES[f].states:
            if s.name != "draft" and s.name not in TERMINAL:
                names[s.name] = None
    return tuple(names)


@dataclass(frozen=True)
class Filters:
    """What the manager narrowed to (None: any). ``region`` is a unit id: only its subtree's declarations
    (it narrows the actor's scope, never widens it)."""

    year: int | None = None
    series: str | None = None
    level: str | None = None
    region: int | None = None
    flow: str | None = None

    def on(self, session: Session, table) -> list[ColumnElement[bool]]:  # noqa: ANN001 - a Table
        c = table.c
        terms = [column == value for column, value in ((c.year, self.year), (c.series_code, self.series),
                                                       (c.level_code, self.level), (c.flow, self.flow))
                 if value is not None]
        if self.region is not None:
            terms.append(c.unit_id.in_(_subtree_ids(session, self.region)))
        return terms


def _subtree_ids(session: Session, unit_id: int | None):
    path = unit_path(session, unit_id)
    return select(Unit.id).where(Unit.path.startswith(path, autoescape=True)) if path else select(Unit.id).where(false())


def _covers_all(session: Session, path: str) -> bool:
    """Whether the subtree at ``path`` holds every unit (the province): then no unit filter is needed."""
    return session.execute(select(Unit.id).where(~Unit.path.startswith(path, autoescape=True)).limit(1)).first() is None


def _scope(session: Session, actor: Actor, table) -> ColumnElement[bool]:  # noqa: ANN001
    if actor.role in UNIT_ROLES:
        path = unit_path(session, actor.unit_id)
        if path is None:
            return false()
        if _covers_all(session, path):
            return true()
        return table.c.unit_id.in_(select(Unit.id).where(Unit.path.startswith(path, autoescape=True)))
    if actor.role == "committee_operator" and actor.unit_id is not None:
        own = select(Committee.id).where(Committee.organizer_unit_id == actor.unit_id)
        if table is _D:
            return _D.c.committee_id.in_(own)
        return table.c.declaration_id.in_(select(_D.c.id).where(_D.c.committee_id.in_(own)))
    return false()


def visit_scope(session: Session, actor: Actor) -> ColumnElement[bool]:
    """The stage visits this actor's analytics count."""
    return _scope(session, actor, _V)


def declaration_scope(session: Session, actor: Actor) -> ColumnElement[bool]:
    """The declarations this actor's analytics count."""
    return _scope(session, actor, _D)


def _where_visits(session: Session, actor: Actor, filters: Filters) -> list[ColumnElement[bool]]:
    return [visit_scope(session, actor), *filters.on(session, _V)]


def day_of(seconds: int) -> dt.date:
    return EPOCH_DAY + dt.timedelta(days=(seconds + _OFFSET) // _DAY)


def day_start_s(day: dt.date) -> int:
    return (day - EPOCH_DAY).days * _DAY - _OFFSET


# --- throughput and cumulative flow -----------------------------------------------------------------

@dataclass(frozen=True)
class FlowRow:
    day: dt.date
    state: str
    entered: int
    left: int
    wip: int  # at the end of the day


def throughput(session: Session, actor: Actor, filters: Filters, first: dt.date, last: dt.date) -> list[FlowRow]:
    """Per China-time day from ``first`` to ``last`` and per state: visits entered, visits left, and the work
    in progress at the day's end. Three GROUP BYs; the cumulative sums are taken over the grouped rows."""
    where = _where_visits(session, actor, filters)
    states = stage_states(filters.flow)
    lo, hi = day_start_s(first), day_start_s(last + dt.timedelta(days=1))
    entered_day = (_V.c.entered_s + _OFFSET) // _DAY
    left_day = (_V.c.left_s + _OFFSET) // _DAY
    entered = session.execute(select(entered_day, _V.c.state, func.count()).where(
        *where, _V.c.state.in_(states), _V.c.entered_s >= lo, _V.c.entered_s < hi).group_by(entered_day, _V.c.state))
    left = session.execute(select(left_day, _V.c.state, func.count()).where(
        *where, _V.c.state.in_(states), _V.c.left_s >= lo, _V.c.left_s < hi).group_by(left_day, _V.c.state))
    base = dict(session.execute(select(_V.c.state, func.count()).where(
        *where, _V.c.state.in_(states), _V.c.entered_s < lo, or_(_V.c.left_s.is_(None), _V.c.left_s >= lo))
        .group_by(_V.c.state)).all())
    ins: dict[tuple[int, str], int] = {(int(d), s): int(n) for d, s, n in entered}
    outs: dict[tuple[int, str], int] = {(int(d), s): int(n) for d, s, n in left}
    rows: list[FlowRow] = []
    first_n = (first - EPOCH_DAY).days
    wip = {s: int(base.get(s, 0)) for s in states}
    for i in range((last - first).days + 1):
        n = first_n + i
        for s in states:
            e, lv = ins.get((n, s), 0), outs.get((n, s), 0)
            wip[s] += e - lv
            rows.append(FlowRow(EPOCH_DAY + dt.timedelta(days=n), s, e, lv, wip[s]))
    return rows


def by_week(rows: Iterable[FlowRow]) -> list[FlowRow]:
    """Days folded into weeks (Monday first): entries and exits summed, the work in progress at the week's last
    listed day."""
    weeks: dict[tuple[dt.date, str], list[int]] = {}
    for r in rows:
        key = (r.day - dt.timedelta(days=r.day.weekday()), r.state)
        acc = weeks.setdefault(key, [0, 0, 0])
        acc[0] += r.entered
        acc[1] += r.left
        acc[2] = r.wip
    return [FlowRow(day, s, e, lv, w) for (day, s), (e, lv, w) in weeks.items()]


# --- time in stage ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StageTime:
    state: str
    group: object  # holder unit id, city unit id, series or level code; "" when grouped by state only
    visits: int
    median_days: float
    p90_days: float
    max_days: float


def _rank(n, percent: int):  # noqa: ANN001 - a SQL integer expression
    """The nearest rank of a percentile: ceil(n * p / 100), in integer arithmetic."""
    return (n * percent + 99) // 100


def _group_column(by: str):
    if by == "state":
        return literal(""), None
    if by == "unit":
        return _V.c.holder_unit_id, None
    if by == "series":
        return _V.c.series_code, None
    if by == "level":
        return _V.c.level_code, None
    if by == "city":
        employer, city = aliased(Unit), aliased(Unit)
        join = (_V.join(employer, employer.id == _V.c.unit_id)
                .outerjoin(city, and_(city.region_level == "city",
                                      employer.path.startswith(city.path))))
        return city.id, join
    raise ValueError(by)


def _ended_between(period: tuple[dt.date, dt.date] | None) -> list[ColumnElement[bool]]:
    if period is None:
        return [_V.c.left_s.is_not(None)]
    first, last = period
    return [_V.c.left_s >= day_start_s(first), _V.c.left_s < day_start_s(last + dt.timedelta(days=1))]


def time_in_stage(session: Session, actor: Actor, filters: Filters, by: str = "state",
                  states: Iterable[str] | None = None, *,
                  period: tuple[dt.date, dt.date] | None = None) -> list[StageTime]:
    """Median, p90 and max days of the visits of each state that ended (in ``period``, China-time days, if
    given), per group, in one query: each visit's duration ranked within its (state, group) by
    ``ROW_NUMBER()``, the ranks ceil(n/2) and ceil(0.9 n) picked."""
    group, join = _group_column(by)
    duration = (_V.c.left_s - _V.c.entered_s).label("d")
    states = tuple(states or stage_states(filters.flow))
    partition = (_V.c.state, group)
    ranked = (select(_V.c.state.label("state"), group.label("g"), duration,
                     func.row_number().over(partition_by=partition, order_by=duration).label("rn"),
                     func.count().over(partition_by=partition).label("n"))
              .where(*_where_visits(session, actor, filters), _V.c.state.in_(states), *_ended_between(period)))
    if join is not None:
        ranked = ranked.select_from(join)
    r = ranked.subquery("ranked")
    query = (select(r.c.state, r.c.g, func.max(r.c.n),
                    func.max(case((r.c.rn == _rank(r.c.n, 50), r.c.d))),
                    func.max(case((r.c.rn == _rank(r.c.n, 90), r.c.d))), func.max(r.c.d))
             .group_by(r.c.state, r.c.g))
    order = {s: i for i, s in enumerate(states)}
    out = [StageTime(s, g if g is not None else "", int(n), med / _DAY, p90 / _DAY, mx / _DAY)
           for s, g, n, med, p90, mx in session.execute(query)]
    return sorted(out, key=lambda t: (order.get(t.state, 99), -t.median_days, str(t.group)))


def slowest(times: Iterable[StageTime], per_state: int = 5, min_visits: int = 1) -> list[StageTime]:
    """The slowest groups of each state by median (then p90): where the season is stuck."""
    by_state: dict[str, list[StageTime]] = defaultdict(list)
    for t in times:
        if t.visits >= min_visits:
            by_state[t.state].append(t)
    out: list[StageTime] = []
    for state, items in by_state.items():
        out.extend(sorted(items, key=lambda t: (-t.median_days, -t.p90_days, str(t.group)))[:per_state])
    return out


# --- overdue work (SLA) ---------------------------------------------------------------------------------

def calendar_for(session: Session, first: dt.date, today: dt.date) -> WorkCalendar:
    return calendar_store.load(session, min(first, today), today)


def overdue_cutoffs(cal: WorkCalendar, today: dt.date, limits: dict[str, int]) -> dict[str, dt.datetime]:
    """For each state, the moment before which an entry is overdue today: entered on day ``d`` (China time)
    is overdue when more than the limit's working days lie in (d, today]."""
    out = {}
    for state, limit in limits.items():
        day, elapsed = today, 0
        while elapsed <= limit and day >= cal.first:
            elapsed += cal.is_working_day(day)
            day -= dt.timedelta(days=1)
        out[state] = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), CHINA)
    return out


def working_days_since(cal: WorkCalendar, entered: dt.date, today: dt.date) -> int:
    """Working days in (entered, today], by the loaded calendar (weekdays before it)."""
    count, day = 0, entered + dt.timedelta(days=1)
    while day <= today:
        count += cal.is_working_day(day) if day >= cal.first else day.weekday() < 5
        day += dt.timedelta(days=1)
    return count


@dataclass(frozen=True)
class OverdueRow:
    declaration_id: int
    state: str
    holder_unit_id: int | None
    since: dt.datetime
    working_days: int
    limit: int
    days_over: int


@dataclass(frozen=True)
class Overdue:
    per_holder: list[tuple[int | None, str, int]]  # (holder unit, state, how many), most first
    rows: list[OverdueRow]  # the oldest ones, at most ``limit``
    total: int


CUTOFF_LOOKBACK = dt.timedelta(days=120)  # enough calendar for any limit (≤ 60 working days)


def _overdue_clause(cutoffs: dict[str, dt.datetime]) -> ColumnElement[bool]:
    return or_(*(and_(_D.c.state == s, _D.c.state_since < at) for s, at in cutoffs.items()))


def overdue(session: Session, actor: Actor, filters: Filters, *, today: dt.date | None = None,
            holder_unit_id: int | None = None, limit: int = 200) -> Overdue:
    """The declarations in scope waiting in a state longer than its limit (working days), per holder unit,
    and the ``limit`` oldest (of one holder unit, if given) with their working days over."""
    today = today or config.today()
    limits = config.sla_working_days()
    cal = calendar_for(session, today - CUTOFF_LOOKBACK, today)
    cutoffs = overdue_cutoffs(cal, today, limits)
    where = [declaration_scope(session, actor), *filters.on(session, _D), _overdue_clause(cutoffs)]
    if holder_unit_id is not None:
        where.append(_D.c.holder_unit_id == holder_unit_id)
    counts = [(h, s, int(n)) for h, s, n in session.execute(
        select(_D.c.holder_unit_id, _D.c.state, func.count()).where(*where)
        .group_by(_D.c.holder_unit_id, _D.c.state))]
    counts.sort(key=lambda r: (-r[2], r[1], r[0] or 0))
    found = session.execute(select(_D.c.id, _D.c.state, _D.c.holder_unit_id, _D.c.state_since).where(*where)
                            .order_by(_D.c.state_since, _D.c.id).limit(limit)).all()
    rows = []
    if found:
        oldest = min(config.local_date(r.state_since) for r in found)
        cal = calendar_for(session, max(oldest, today - dt.timedelta(days=800)), today)
        for r in found:
            days = working_days_since(cal, config.local_date(r.state_since), today)
            rows.append(OverdueRow(r.id, r.state, r.holder_unit_id, r.state_since, days, limits[r.state],
                                   days - limits[r.state]))
    return Overdue(counts, rows, sum(n for _, _, n in counts))


def overdue_held(session: Session, unit_id: int, spaces: dict[str, Iterable[str]], *,
                 today: dt.date | None = None) -> dict[str, int]:
    """For each named set of states (a workspace's): how many declarations this unit holds in them beyond
    their limit (the home to-do counts' overdue part). One calendar load and one GROUP BY."""
    today = today or config.today()
    wanted = {s for states in spaces.values() for s in states}
    limits = {s: d for s, d in config.sla_working_days().items() if s in wanted}
    found: dict[str, int] = {}
    if limits:
        cutoffs = overdue_cutoffs(calendar_for(session, today - CUTOFF_LOOKBACK, today), today, limits)
        found = {s: int(n) for s, n in session.execute(
            select(_D.c.state, func.count()).where(_D.c.holder_unit_id == unit_id, _overdue_clause(cutoffs))
            .group_by(_D.c.state))}
    return {name: sum(found.get(s, 0) for s in set(states)) for name, states in spaces.items()}


# --- outcomes -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    stage: str
    group: object
    passed: int
    failed: int

    @property
    def rate(self) -> float | None:
        decided = self.passed + self.failed
        return self.passed / decided if decided else None


def _decision_terms() -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    passed = or_(*(and_(_V.c.from_state == stage, _V.c.entered_action == p[0], _V.c.state == p[1])
                   for stage, (p, _f) in DECISIONS.items()))
    failed = or_(*(and_(_V.c.from_state == stage, _V.c.entered_action == f[0], _V.c.state == f[1])
                   for stage, (_p, f) in DECISIONS.items()))
    return passed, failed


def outcomes(session: Session, actor: Actor, filters: Filters, by: str = "series") -> list[Outcome]:
    """Passed and failed decisions of policy review, recheck and panel, per group (series, level,
    committee, year); a decision later withdrawn is not counted."""
    passed, failed = _decision_terms()
    if by == "committee":
        group, source = _D.c.committee_id, _V.join(_D, _D.c.id == _V.c.declaration_id)
    else:
        group = {"series": _V.c.series_code, "level": _V.c.level_code, "year": _V.c.year}[by]
        source = _V
    query = (select(_V.c.from_state, group, func.sum(case((passed, 1), else_=0)), func.sum(case((failed, 1), else_=0)))
             .select_from(source)
             .where(*_where_visits(session, actor, filters), or_(passed, failed),
                    or_(_V.c.left_action.is_(None), _V.c.left_action != "withdraw"))
             .group_by(_V.c.from_state, group))
    stage_order = list(DECISIONS)
    out = [Outcome(stage, g if g is not None else "", int(p or 0), int(f or 0)) for stage, g, p, f in session.execute(query)]
    return sorted(out, key=lambda o: (stage_order.index(o.stage), str(o.group)))


@dataclass(frozen=True)
class UnitRate:
    unit_id: int
    declarations: int
    returned: int
    supplemented: int

    @property
    def return_rate(self) -> float:
        return self.returned / self.declarations if self.declarations else 0.0

    @property
    def supplement_rate(self) -> float:
        return self.supplemented / self.declarations if self.declarations else 0.0


def unit_rates(session: Session, actor: Actor, filters: Filters) -> list[UnitRate]:
    """Per employer unit: declarations submitted, and how many of them were ever returned to the applicant or
    sent to supplement their materials."""
    query = (select(_V.c.unit_id, func.count(distinct(_V.c.declaration_id)),
                    func.count(distinct(case((_V.c.state == "returned", _V.c.declaration_id)))),
                    func.count(distinct(case((_V.c.state == "supplement", _V.c.declaration_id)))))
             .where(*_where_visits(session, actor, filters)).group_by(_V.c.unit_id))
    out = [UnitRate(int(u), int(n), int(r), int(s)) for u, n, r, s in session.execute(query)]
    return sorted(out, key=lambda r: (-r.return_rate, -r.declarations, r.unit_id))


def objections(session: Session, actor: Actor, filters: Filters, by: str = "series") -> list[tuple[object, int, int]]:
    """(group, objections raised, of them upheld) for the declarations in scope."""
    group = {"series": _D.c.series_code, "level": _D.c.level_code, "committee": _D.c.committee_id,
             "year": _D.c.year}[by]
    o = Objection.__table__
    query = (select(group, func.count(), func.sum(case((o.c.status == "upheld", 1), else_=0)))
             .select_from(o.join(_D, _D.c.id == o.c.declaration_id))
             .where(declaration_scope(session, actor), *filters.on(session, _D)).group_by(group))
    return sorted(((g if g is not None else "", int(n), int(u or 0)) for g, n, u in session.execute(query)),
                  key=lambda r: str(r[0]))


# --- season forecast -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Forecast:
    year: int
    remaining: int  # the year's declarations still before the panel
    reached: int  # the year's declarations that reached the panel
    window_days: int
    per_day: float  # entries into the panel per day over the window
    eta: dt.date | None  # when the remaining ones reach the panel at that rate; None: no recent entries


def forecast(session: Session, actor: Actor, filters: Filters, *, today: dt.date | None = None,
             window_days: int = FORECAST_WINDOW_DAYS) -> Forecast:
    """At the rate declarations entered the panel over the last ``window_days`` days, when the year's
    declarations still before it reach it (assuming every one of them goes on, none returned or stopped)."""
    today = today or config.today()
    year = filters.year or today.year
    f = Filters(year, filters.series, filters.level, filters.region, REVIEW)
    remaining = int(session.scalar(select(func.count()).select_from(_D).where(
        declaration_scope(session, actor), *f.on(session, _D), _D.c.state.in_(BEFORE_PANEL))) or 0)
    where = [*_where_visits(session, actor, f), _V.c.state == "panel_review"]
    reached = int(session.scalar(select(func.count(distinct(_V.c.declaration_id))).where(*where)) or 0)
    since = day_start_s(today - dt.timedelta(days=window_days - 1))
    recent = int(session.scalar(select(func.count()).where(*where, _V.c.entered_s >= since)) or 0)
    per_day = recent / window_days
    eta = None
    if remaining == 0:
        eta = today
    elif per_day > 0:
        eta = today + dt.timedelta(days=-(-remaining // per_day))
    return Forecast(year, remaining, reached, window_days, per_day, eta)


# --- drill-down ----------------------------------------------------------------------------------------

def drill(session: Session, actor: Actor, filters: Filters, *, state: str, by: str | None = None,
          group: object = None, day: dt.date | None = None, current: bool = False,
          period: tuple[dt.date, dt.date] | None = None, limit: int = 500) -> list[int]:
    """The declarations behind one bar or cell: of a state (now, with ``current``; entered on ``day``; or
    visited, in the group ``by``/``group`` of time in stage), in scope, newest first."""
    if current:
        return list(session.scalars(select(_D.c.id).where(
            declaration_scope(session, actor), *filters.on(session, _D), _D.c.state == state)
            .order_by(_D.c.state_since.desc(), _D.c.id.desc()).limit(limit)))
    where = [*_where_visits(session, actor, filters), _V.c.state == state]
    source = _V
    if day is not None:
        where += [_V.c.entered_s >= day_start_s(day), _V.c.entered_s < day_start_s(day + dt.timedelta(days=1))]
    if by is not None:  # a bar or row of time in stage: the visits that ended (in the period)
        where.extend(_ended_between(period))
    if by not in (None, "state"):
        column, join = _group_column(by)
        where.append(column.is_(None) if group in (None, "") else column == group)
        source = join if join is not None else _V
    query = (select(_V.c.declaration_id, func.max(_V.c.entered_s)).select_from(source).where(*where)
             .group_by(_V.c.declaration_id).order_by(func.max(_V.c.entered_s).desc(), _V.c.declaration_id.desc())
             .limit(limit))
    return [int(i) for i, _ in session.execute(query)]
