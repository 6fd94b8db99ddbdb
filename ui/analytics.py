"""Workspace 统计分析 (issue 12): flow and work in progress, time in stage, overdue work, outcomes, forecast.

The numbers come from core.desks.analytics (scoped on the server) through ``st.cache_data(ttl=30)`` keyed by
the database, the actor and the filters; the charts refresh themselves inside ``st.fragment(run_every=...)``.
Clicking a bar (altair point selection) or a table row opens the declarations behind it below the chart.
Unit names are user text: they go to charts and dataframes as data, never into Markdown.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from functools import partial
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from core.common import config
from core.desks import analytics as desk
from core.desks import generic
from core.desks.workspaces import may_use
from core.reporting.analytics import CHINA, GROUPS, OUTCOME_GROUPS, Filters
from core.workflow import Actor
from db.session import database_url
from ui import db, state
from ui.i18n import lang, tr
from ui.pages_map import page_file

WS = "analytics"
REFRESH_SECONDS = 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ALL = "__all__"
PERIODS = (30, 90, 180, 365)


@st.cache_data(ttl=30, show_spinner=False)
def _dashboard(url: str, actor_fields: tuple, filter_fields: tuple, first: dt.date, last: dt.date, group: str,
               outcome_group: str, language: str, today: dt.date) -> dict[str, Any]:
    del url  # part of the cache key only: one cache entry per database
    return desk.dashboard(db.uow(), Actor(*actor_fields), Filters(*filter_fields), first=first, last=last,
                          group=group, outcome_group=outcome_group, lang=language, today=today)


@st.cache_data(ttl=300, show_spinner=False)
def _regions(url: str, actor_fields: tuple) -> list[tuple[int, str]]:
    del url
    return desk.regions(db.uow(), Actor(*actor_fields))


def _controls(actor: Actor) -> dict[str, Any]:
    choices = generic.filter_choices(db.uow())
    names = {code: (zh if lang() == "zh" else en) for code, zh, en in (*choices.levels, *choices.series)}
    regions = dict(_regions(database_url(), dataclasses.astuple(actor)))
    labels = {_ALL: tr("ws.filter.all"), **names}
    cols = st.columns(4)
    year = cols[0].selectbox(tr("ws.filter.year"), [_ALL, *choices.years], key=f"{WS}.year",
                             format_func=lambda v: labels.get(v, str(v)))
    series = cols[1].selectbox(tr("ws.filter.series"), [_ALL, *(c for c, _, _ in choices.series)],
                               key=f"{WS}.series", format_func=lambda v: labels.get(v, str(v)))
    level = cols[2].selectbox(tr("ws.filter.level"), [_ALL, *(c for c, _, _ in choices.levels)],
                              key=f"{WS}.level", format_func=lambda v: labels.get(v, str(v)))
    region = cols[3].selectbox(tr("analytics.region"), [_ALL, *regions], key=f"{WS}.region",
                               format_func=lambda v: tr("ws.filter.all") if v == _ALL else regions.get(v, str(v)))
    cols = st.columns(3)
    period = cols[0].selectbox(tr("analytics.period"), PERIODS, index=1, key=f"{WS}.period",
                               format_func=lambda d: tr("analytics.period_days", days=d))
    group = cols[1].selectbox(tr("analytics.group_by"), [g for g in GROUPS if g != "state"], key=f"{WS}.group",
                              format_func=lambda g: tr(f"analytics.group.{g}"))
    outcome_group = cols[2].selectbox(tr("analytics.outcome_by"), OUTCOME_GROUPS, key=f"{WS}.outcome_group",
                                      format_func=lambda g: tr(f"analytics.group.{g}"))
    pick = lambda v, cast=str: None if v == _ALL else cast(v)  # noqa: E731
    filters = Filters(year=pick(year, int), series=pick(series), level=pick(level), region=pick(region, int))
    return {"filters": filters, "period": int(period), "group": group, "outcome_group": outcome_group}


def render() -> None:
    actor = state.actor()
    st.title(tr(f"ws.{WS}"))
    if not may_use(actor, WS):
        st.error(tr("error.not_found"))
        return
    st.caption(tr(f"analytics.scope.{'committee' if actor.role == 'committee_operator' else 'unit'}"))
    controls = _controls(actor)
    _live(actor, controls)


@st.fragment(run_every=REFRESH_SECONDS)
def _live(actor: Actor, controls: dict[str, Any]) -> None:
    today = config.today()
    first, last = today - dt.timedelta(days=controls["period"] - 1), today
    filters, group, outcome_group = controls["filters"], controls["group"], controls["outcome_group"]
    data = _dashboard(database_url(), dataclasses.astuple(actor), dataclasses.astuple(filters), first, last, group,
                      outcome_group, lang(), today)
    st.caption(tr("analytics.refreshed", at=config.now().astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S"),
                  seconds=REFRESH_SECONDS))
    tables = desk.tables(data, group=group, outcome_group=outcome_group, lang=lang())
    export = partial(_export, actor, filters, first, last, group, outcome_group)
    flow, times, late, outcomes, forecast = st.tabs([tr(f"analytics.tab.{k}") for k in
                                                     ("flow", "times", "overdue", "outcomes", "forecast")])
    with flow:
        _flow(actor, filters, data, tables, export)
    with times:
        _times(actor, filters, data, tables, group, export, (first, last))
    with late:
        _overdue(actor, data, tables, export)
    with outcomes:
        _outcomes(data, tables, export)
    with forecast:
        _forecast(data)


# --- pieces ---------------------------------------------------------------------------------------------

def _export(actor: Actor, filters: Filters, first: dt.date, last: dt.date, group: str, outcome_group: str,
            table: str) -> None:
    uow, language = db.uow(), lang()  # read now: the callable runs outside the script
    st.download_button(tr("export.button"), key=f"{WS}.export.{table}", mime=XLSX, on_click="ignore",
                       icon=":material/download:", file_name=f"{WS}-{table}.xlsx",
                       data=partial(desk.excel, uow, actor, table, filters, first=first, last=last, group=group,
                                    outcome_group=outcome_group, lang=language))


def _table(tables: dict, name: str, *, select: bool = False):
    headers, rows = tables[name]
    frame = pd.DataFrame(rows, columns=headers)
    if not rows:
        st.caption(tr("analytics.empty"))
        return None
    if select:
        return st.dataframe(frame, hide_index=True, key=f"{WS}.table.{name}", on_select="rerun",
                            selection_mode="single-row")
    st.dataframe(frame, hide_index=True, key=f"{WS}.table.{name}")
    return None


def _picked(event: Any, name: str) -> list[dict]:
    try:
        return list(event.selection[name]) if event is not None else []
    except (KeyError, AttributeError):
        return []


def _drill(actor: Actor, filters: Filters, title: str, **what: Any) -> None:
    found = desk.drill(db.uow(), actor, filters, **what)
    st.markdown(f"**{tr('analytics.drill', what=title)}**")
    if found["inbox"]:
        st.page_link(page_file(found["inbox"]), label=tr("analytics.open_inbox", ws=tr(f"ws.{found['inbox']}")),
                     icon=":material/inbox:")
    if not found["rows"]:
        st.caption(tr("analytics.empty"))
        return
    st.dataframe(pd.DataFrame([{tr("col.id"): r.id, tr("col.applicant"): r.applicant_name, tr("col.unit"): r.unit_name,
                                tr("col.state"): tr(f"state.{r.state}"),
                                tr("col.since"): r.state_since.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")}
                               for r in found["rows"]]), hide_index=True, key=f"{WS}.drill")


def _flow(actor: Actor, filters: Filters, data: dict, tables: dict, export) -> None:  # noqa: ANN001
    rows = [r for r in data["flow"] if r["entered"] or r["left"] or r["wip"]]
    if not rows:
        st.caption(tr("analytics.empty"))
        return
    frame = pd.DataFrame({"day": [pd.Timestamp(r["day"]) for r in rows], "code": [r["state"] for r in rows],
                          "state": [tr(f"state.{r['state']}") for r in rows],
                          "entered": [r["entered"] for r in rows], "left": [r["left"] for r in rows],
                          "wip": [r["wip"] for r in rows]})
    x_title = tr("analytics.col.week" if data["weekly"] else "analytics.col.day")
    st.subheader(tr("analytics.cfd"))
    st.altair_chart(alt.Chart(frame).mark_area().encode(
        x=alt.X("day:T", title=x_title, axis=alt.Axis(format="%m-%d")), y=alt.Y("wip:Q", stack=True, title=tr("analytics.col.wip")),
        color=alt.Color("state:N", title=tr("analytics.col.state")),
        tooltip=[alt.Tooltip("state:N", title=tr("analytics.col.state")), alt.Tooltip("day:T", title=x_title),
                 alt.Tooltip("wip:Q", title=tr("analytics.col.wip"))]).properties(height=320),
        key=f"{WS}.chart.cfd")
    st.subheader(tr("analytics.throughput_week" if data["weekly"] else "analytics.throughput"))
    pick = alt.selection_point(name="pick", fields=["code", "day"])
    event = st.altair_chart(alt.Chart(frame).mark_bar().encode(
        x=alt.X("day:T", title=x_title, axis=alt.Axis(format="%m-%d")), y=alt.Y("entered:Q", title=tr("analytics.col.entered")),
        color=alt.Color("state:N", title=tr("analytics.col.state")),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.4)),
        tooltip=[alt.Tooltip("state:N", title=tr("analytics.col.state")), alt.Tooltip("day:T", title=x_title),
                 alt.Tooltip("entered:Q", title=tr("analytics.col.entered")),
                 alt.Tooltip("left:Q", title=tr("analytics.col.left"))]).add_params(pick).properties(height=300),
        key=f"{WS}.chart.throughput", on_select="rerun", selection_mode="pick")
    _table(tables, "flow")
    export("flow")
    chosen = _picked(event, "pick")
    if chosen and "code" in chosen[0]:
        state_code = chosen[0]["code"]
        day = chosen[0].get("day")
        when = dt.datetime.fromtimestamp(day / 1000, dt.timezone.utc).date() if isinstance(day, (int, float)) else None
        if when is not None and not data["weekly"]:
            label = tr(f"state.{state_code}")
            _drill(actor, filters, f"{label} · {when:%Y-%m-%d}", state=state_code, day=when)
        else:
            _drill(actor, filters, tr(f"state.{state_code}"), state=state_code, current=True)


def _times(actor: Actor, filters: Filters, data: dict, tables: dict, group: str, export,  # noqa: ANN001
           period: tuple[dt.date, dt.date]) -> None:
    st.subheader(tr("analytics.time_overall"))
    overall = data["overall"]
    if overall:
        frame = pd.DataFrame({"code": [x["state"] for x in overall], "state": [tr(f"state.{x['state']}") for x in overall],
                              "median": [x["median_days"] for x in overall], "p90": [x["p90_days"] for x in overall]})
        pick = alt.selection_point(name="pick", fields=["code"])
        event = st.altair_chart(alt.Chart(frame).mark_bar().encode(
            x=alt.X("state:N", sort=None, title=tr("analytics.col.state")),
            y=alt.Y("median:Q", title=tr("analytics.col.median")),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.5)),
            tooltip=[alt.Tooltip("state:N", title=tr("analytics.col.state")),
                     alt.Tooltip("median:Q", title=tr("analytics.col.median"), format=".1f"),
                     alt.Tooltip("p90:Q", title=tr("analytics.col.p90"), format=".1f")])
            .add_params(pick).properties(height=300), key=f"{WS}.chart.times", on_select="rerun", selection_mode="pick")
        _table(tables, "overall")
        export("overall")
        chosen = _picked(event, "pick")
        if chosen and "code" in chosen[0]:
            _drill(actor, filters, tr(f"state.{chosen[0]['code']}"), state=chosen[0]["code"], by="state",
                   period=period)
    else:
        st.caption(tr("analytics.empty"))
    st.subheader(tr("analytics.slowest", group=tr(f"analytics.group.{group}")))
    event = _table(tables, "slowest", select=True)
    if data["slowest"]:
        export("slowest")
    rows = event.selection.rows if event is not None else []
    if rows:
        x, shown = data["slowest"][rows[0]], tables["slowest"][1][rows[0]]
        _drill(actor, filters, f"{shown[0]} · {shown[2]}", state=x["state"], by=group, group=x["group"],
               period=period)
    with st.expander(tr("analytics.time_by", group=tr(f"analytics.group.{group}"))):
        _table(tables, "times")
        if data["times"]:
            export("times")


def _overdue(actor: Actor, data: dict, tables: dict, export) -> None:  # noqa: ANN001
    total = data["overdue"]["total"]
    st.metric(tr("analytics.overdue_total"), total)
    st.caption(tr("analytics.limits", limits="，".join(f"{tr(f'state.{s}')} {d}" for s, d in data["limits"].items())))
    per_holder = tables["overdue_units"][1]
    if per_holder:
        frame = pd.DataFrame(per_holder, columns=["holder", "state", "count"])
        st.altair_chart(alt.Chart(frame).mark_bar().encode(
            y=alt.Y("holder:N", sort="-x", title=tr("analytics.col.holder")),
            x=alt.X("count:Q", title=tr("analytics.col.count")),
            color=alt.Color("state:N", title=tr("analytics.col.state"))).properties(height=260),
            key=f"{WS}.chart.overdue")
    _table(tables, "overdue_units")
    if per_holder:
        export("overdue_units")
    st.subheader(tr("analytics.overdue_list"))
    _table(tables, "overdue")
    if data["overdue"]["rows"]:
        export("overdue")


def _outcomes(data: dict, tables: dict, export) -> None:  # noqa: ANN001
    rows = [o for o in data["outcomes"] if o["rate"] is not None]
    if rows:
        label = tables["outcomes"][1]
        frame = pd.DataFrame({"stage": [r[0] for r in label], "group": [r[1] for r in label],
                              "rate": [o["rate"] for o in data["outcomes"]]})
        st.altair_chart(alt.Chart(frame).mark_bar().encode(
            x=alt.X("group:N", title=tables["outcomes"][0][1]), y=alt.Y("rate:Q", axis=alt.Axis(format="%"),
                                                                         title=tr("analytics.col.pass_rate")),
            color=alt.Color("stage:N", title=tr("analytics.col.stage")), xOffset="stage:N",
            tooltip=["stage:N", "group:N", alt.Tooltip("rate:Q", format=".0%")]).properties(height=300),
            key=f"{WS}.chart.outcomes")
    _table(tables, "outcomes")
    if data["outcomes"]:
        export("outcomes")
    st.subheader(tr("analytics.rates"))
    _table(tables, "rates")
    if data["rates"]:
        export("rates")
    st.subheader(tr("analytics.objections"))
    _table(tables, "objections")
    if data["objections"]:
        export("objections")


def _forecast(data: dict) -> None:
    f = data["forecast"]
    cols = st.columns(3)
    cols[0].metric(tr("analytics.forecast_reached"), f["reached"])
    cols[1].metric(tr("analytics.forecast_remaining"), f["remaining"])
    cols[2].metric(tr("analytics.forecast_eta"), f["eta"].isoformat() if f["eta"] else tr("analytics.forecast_none"))
    st.info(tr("analytics.forecast_assumption", year=f["year"], days=f["window_days"], rate=f"{f['per_day']:.1f}"))
