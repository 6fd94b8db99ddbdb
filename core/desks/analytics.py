"""The 统计分析 workspace's calls (issue 12), one unit of work each: the whole dashboard at once (plain
data, safe to cache), the declarations behind one bar or cell, the filter choices, and Excel exports of
every table (``core.common.spreadsheet.safe_cell`` on every cell, audited like every export).

Who may use it: HR operators (their region), committee operators (their committees), unit admins and
operators and department operators (their unit and the units below): ``core.reporting.analytics`` scopes
every number on the server, whatever the page asks.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import and_, select

from core.audit import trail as audit
from core.common import config
from core.common.errors import NotFound
from core.common.i18n import t
from core.desks import listing
from core.desks.export import table_workbook
from core.desks.listing import Scope
from core.desks.workspaces import HOLDER, require, workspaces_for
from core.org.scope import unit_path, visible_declarations
from core.reporting import analytics as an
from core.workflow import MACHINES, Actor
from core.refusals import refusals_audited
from db.base import utcnow
from db.models import Committee, Declaration, Level, Series, Unit
from db.uow import UnitOfWork

WS = "analytics"
WEEKLY_AFTER_DAYS = 62  # a longer period is shown per week


def _names(session, model, key, column_zh, column_en, lang: str, wanted: Iterable) -> dict:  # noqa: ANN001
    ids = {w for w in wanted if w not in (None, "")}
    if not ids:
        return {}
    column = column_zh if lang == "zh" else column_en
    return dict(session.execute(select(key, column).where(key.in_(ids))).all())


@refusals_audited
def dashboard(uow: UnitOfWork, actor: Actor, filters: an.Filters, *, first: dt.date, last: dt.date,
              group: str = "unit", outcome_group: str = "series", lang: str = "zh",
              today: dt.date | None = None) -> dict[str, Any]:
    """Every chart's rows for the actor's scope, in one read: flow (per day, or per week over a long period),
    time in stage (of the visits that ended from ``first`` to ``last``) by ``group`` and the slowest groups, overdue work, outcomes by ``outcome_group``, return and
    supplement rates, objections, the forecast; with the names of the units, series, levels and committees."""
    require(actor, WS)
    today = today or config.today()
    with uow.read() as s:
        flow = an.throughput(s, actor, filters, first, last)
        weekly = (last - first).days >= WEEKLY_AFTER_DAYS
        times = an.time_in_stage(s, actor, filters, group, period=(first, last))
        overall = an.time_in_stage(s, actor, filters, "state", period=(first, last))
        late = an.overdue(s, actor, filters, today=today)
        outcomes = an.outcomes(s, actor, filters, outcome_group)
        rates = an.unit_rates(s, actor, filters)
        objections = an.objections(s, actor, filters, outcome_group)
        forecast = an.forecast(s, actor, filters, today=today)
        unit_ids = {r.holder_unit_id for r in late.rows} | {h for h, _, _ in late.per_holder} \
            | {r.unit_id for r in rates}
        if group in ("unit", "city"):
            unit_ids |= {t_.group for t_ in times}
        outcome_keys = {o.group for o in outcomes} | {g for g, _, _ in objections}
        codes = lambda kind: ({t_.group for t_ in times} if group == kind else set()) \
            | (outcome_keys if outcome_group == kind else set())  # noqa: E731
        names = {
            "unit": _names(s, Unit, Unit.id, Unit.name, Unit.name, lang, unit_ids),
            "series": _names(s, Series, Series.code, Series.name_zh, Series.name_en, lang, codes("series")),
            "level": _names(s, Level, Level.code, Level.name_zh, Level.name_en, lang, codes("level")),
            "committee": _names(s, Committee, Committee.id, Committee.name, Committee.name, lang, codes("committee")),
        }
    return {
        "weekly": weekly,
        "flow": [asdict(r) for r in (an.by_week(flow) if weekly else flow)],
        "times": [asdict(x) for x in times],
        "overall": [asdict(x) for x in overall],
        "slowest": [asdict(x) for x in an.slowest(times)] if group != "state" else [],
        "overdue": {"per_holder": late.per_holder, "rows": [asdict(r) for r in late.rows], "total": late.total},
        "outcomes": [dict(asdict(o), rate=o.rate) for o in outcomes],
        "rates": [dict(asdict(r), return_rate=r.return_rate, supplement_rate=r.supplement_rate) for r in rates],
        "objections": objections,
        "forecast": asdict(forecast),
        "names": names,
        "limits": config.sla_working_days(),
    }


@refusals_audited
def regions(uow: UnitOfWork, actor: Actor) -> list[tuple[int, str]]:
    """The units the actor may narrow to: its own unit and the HR bureaus, departments and units below it
    (for an HR operator, its cities and counties first)."""
    require(actor, WS)
    if actor.role not in an.UNIT_ROLES:
        return []
    with uow.read() as s:
        path = unit_path(s, actor.unit_id)
        if path is None:
            return []
        rows = s.execute(select(Unit.id, Unit.name, Unit.kind, Unit.path).where(
            Unit.path.startswith(path, autoescape=True), Unit.kind.in_(("hr_bureau", "department", "employer")))
            .order_by(Unit.path).limit(500)).all()
    order = {"hr_bureau": 0, "department": 1, "employer": 2}
    return [(r.id, r.name) for r in sorted(rows, key=lambda r: (r.id != actor.unit_id, order[r.kind], r.path))]


@refusals_audited
def drill(uow: UnitOfWork, actor: Actor, filters: an.Filters, *, limit: int = 200, **what: Any) -> dict[str, Any]:
    """The declarations behind one bar or cell (``core.reporting.analytics.drill``), read-only, in scope and
    readable by the actor (``visible_declarations``); and the
    actor's own workspace whose inbox lists that state, if any (the page links to it)."""
    require(actor, WS)
    with uow.read() as s:
        ids = an.drill(s, actor, filters, limit=limit, **what)
        # the list names applicants: it also obeys the general read rule (core.org.scope)
        scope = Scope.of(and_(Declaration.id.in_(ids or [-1]), an.declaration_scope(s, actor),
                              visible_declarations(s, actor)))
        rows = listing.page(s, scope, limit=min(limit, listing.MAX_LIMIT)).rows if ids else []
    order = {i: n for n, i in enumerate(ids)}
    inbox = next((w.id for w in workspaces_for([actor]) if w.source == HOLDER and what.get("state") in w.states), None)
    return {"rows": sorted(rows, key=lambda r: order.get(r.id, 0)), "inbox": inbox}


def _group_label(data: dict, kind: str, value: Any, lang: str) -> str:
    if value in (None, ""):
        return t("analytics.none", lang) if kind != "state" else ""
    if kind in ("unit", "city"):
        return data["names"]["unit"].get(value, str(value))
    if kind in ("series", "level", "committee"):
        return data["names"][kind].get(value, str(value))
    return str(value)


def _days(x: float) -> float:
    return round(x, 1)


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x:.0%}"


def tables(data: dict, *, group: str, outcome_group: str, lang: str = "zh") -> dict[str, tuple[list[str], list[list]]]:
    """Every table of the page, headers translated and codes named: what the page shows and what its
    exports hold (so an export is exactly the table on the screen)."""
    h = lambda key: t(f"analytics.col.{key}", lang)  # noqa: E731
    st_ = lambda s: t(f"state.{s}", lang)  # noqa: E731
    group_header = t(f"analytics.group.{group}", lang)
    out: dict[str, tuple[list[str], list[list]]] = {}
    out["flow"] = ([h("week") if data["weekly"] else h("day"), h("state"), h("entered"), h("left"), h("wip")],
                   [[r["day"].isoformat(), st_(r["state"]), r["entered"], r["left"], r["wip"]] for r in data["flow"]
                    if r["entered"] or r["left"] or r["wip"]])
    time_headers = [h("state"), h("visits"), h("median"), h("p90"), h("max")]
    out["overall"] = (time_headers, [[st_(x["state"]), x["visits"], _days(x["median_days"]), _days(x["p90_days"]),
                                      _days(x["max_days"])] for x in data["overall"]])
    out["times"] = ([h("state"), group_header, *time_headers[1:]],
                    [[st_(x["state"]), _group_label(data, group, x["group"], lang), x["visits"],
                      _days(x["median_days"]), _days(x["p90_days"]), _days(x["max_days"])] for x in data["times"]])
    out["slowest"] = ([h("state"), h("rank"), group_header, h("visits"), h("median"), h("p90")], [])
    rank, previous = 0, None
    for x in data["slowest"]:
        rank = rank + 1 if x["state"] == previous else 1
        previous = x["state"]
        out["slowest"][1].append([st_(x["state"]), rank, _group_label(data, group, x["group"], lang), x["visits"],
                                  _days(x["median_days"]), _days(x["p90_days"])])
    units = data["names"]["unit"]
    out["overdue_units"] = ([h("holder"), h("state"), h("count")],
                            [[units.get(u, t("analytics.none", lang)) if u else t("analytics.none", lang), st_(s), n]
                             for u, s, n in data["overdue"]["per_holder"]])
    out["overdue"] = ([h("id"), h("state"), h("holder"), h("since"), h("working_days"), h("limit"), h("days_over")],
                      [[r["declaration_id"], st_(r["state"]), units.get(r["holder_unit_id"], ""),
                        r["since"].astimezone(an.CHINA).strftime("%Y-%m-%d %H:%M"), r["working_days"], r["limit"],
                        r["days_over"]] for r in data["overdue"]["rows"]])
    og = t(f"analytics.group.{outcome_group}", lang)
    out["outcomes"] = ([h("stage"), og, h("passed"), h("failed"), h("pass_rate")],
                       [[st_(o["stage"]), _group_label(data, outcome_group, o["group"], lang), o["passed"],
                         o["failed"], _pct(o["rate"])] for o in data["outcomes"]])
    out["rates"] = ([h("unit"), h("declarations"), h("returned"), h("return_rate"), h("supplemented"),
                     h("supplement_rate")],
                    [[units.get(r["unit_id"], str(r["unit_id"])), r["declarations"], r["returned"],
                      _pct(r["return_rate"]), r["supplemented"], _pct(r["supplement_rate"])] for r in data["rates"]])
    out["objections"] = ([og, h("raised"), h("upheld")],
                         [[_group_label(data, outcome_group, g, lang), n, u] for g, n, u in data["objections"]])
    return out


@refusals_audited
def excel(uow: UnitOfWork, actor: Actor, table: str, filters: an.Filters, *, first: dt.date, last: dt.date,
          group: str = "unit", outcome_group: str = "series", lang: str = "zh",
          now: dt.datetime | None = None) -> bytes:
    """One table of the page as .xlsx, computed again on the server for this actor (so it holds only the
    actor's scope), every cell through safe_cell; the export is audited."""
    data = dashboard(uow, actor, filters, first=first, last=last, group=group, outcome_group=outcome_group,
                     lang=lang)
    headers, rows = tables(data, group=group, outcome_group=outcome_group, lang=lang)[table]
    book = table_workbook(t(f"analytics.sheet.{table}", lang), headers, rows)
    with uow.write() as s:
        audit.append(s, kind="export", action="excel", at=now or utcnow(), account_id=actor.account_id,
                     role=actor.role, unit_id=actor.unit_id, target=f"analytics:{table}",
                     detail={"what": table, "rows": len(rows)})
    return book
