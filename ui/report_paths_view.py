"""Reporting paths (路径申请, 002 §2.5): a unit applies per series and level to a chosen upper unit
(outgoing, with each application's status and reason); the chosen department or HR bureau approves
or rejects with a reason (incoming). An approved path overrides the parent chain during relay.
"""
from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from core.desks import generic as desk

from core.desks import unit as unit_desk
from core.org.report_paths import APPLY_ROLES, PathRow
from core.workflow import Actor
from ui import actions, db, dossier_view, worktabs
from ui.i18n import lang, tr


def _table(key: str, rows: list[PathRow], direction: str) -> None:
    labels = worktabs.names()
    other = (lambda r: r.target_name) if direction == "outgoing" else (lambda r: r.unit_name)
    st.dataframe(pd.DataFrame([{
        tr("paths.col.id"): r.id, tr(f"paths.col.{direction}"): other(r),
        tr("col.series"): labels.get(r.series_code, r.series_code), tr("col.level"): labels.get(r.level_code, r.level_code),
        tr("col.state"): tr(f"report_path.status.{r.status}"), tr("paths.col.requested"): dossier_view.when(r.requested_at),
        tr("paths.col.decided"): dossier_view.when(r.decided_at), tr("col.comment"): r.reason or "",
    } for r in rows]), hide_index=True, key=key)


def outgoing_paths(ws: str, actor: Actor) -> None:
    """Apply for a path, and the unit's applications with their status."""
    st.markdown(f"#### {tr('paths.new')}")
    st.caption(tr("paths.help"))
    choices = desk.filter_choices(db.engine())
    pick = (lambda zh, en: zh if lang() == "zh" else en)
    series = {c: pick(zh, en) for c, zh, en in choices.series}
    levels = {c: pick(zh, en) for c, zh, en in choices.levels}
    cols = st.columns(2)
    cols[0].selectbox(tr("col.series"), list(series), format_func=series.get, key=f"{ws}.path_series")
    cols[1].selectbox(tr("col.level"), list(levels), format_func=levels.get, key=f"{ws}.path_level")
    search = st.text_input(tr("paths.search"), key=f"{ws}.path_search")
    targets = dict(unit_desk.path_targets(db.engine(), actor, search))
    if not targets:
        st.caption(tr("paths.no_targets"))
    st.selectbox(tr("paths.target"), list(targets), format_func=targets.get, key=f"{ws}.path_target")
    apply = actions.Action(
        "path_apply", tr("paths.apply"), done=tr("paths.applied"),
        perform=lambda c: unit_desk.apply_path(db.engine(), actor, c.data["series"], c.data["level"], c.data["target"]),
        confirm=lambda c: tr("paths.confirm_apply", series=series.get(c.data["series"], ""),
                             level=levels.get(c.data["level"], ""), target=targets.get(c.data["target"], "")))
    actions.action_button(ws, apply, capture=partial(_typed, ws, ("series", "level", "target")), type="primary",
                   disabled=not targets)
    actions.run(ws, apply)
    rows = unit_desk.paths(db.engine(), actor, "outgoing")
    st.markdown(f"#### {tr('paths.outgoing')}")
    if not rows:
        st.caption(tr("paths.none"))
    else:
        _table(f"{ws}.paths_out", rows, "outgoing")


def _typed(ws: str, fields: tuple[str, ...]) -> dict:
    """At the click: what the widgets ``<ws>.path_<field>`` hold now (typed just before the click included)."""
    return {f: st.session_state.get(f"{ws}.path_{f}") for f in fields}


def incoming_paths(ws: str, actor: Actor) -> None:
    """Applications addressed to this unit: approve, or reject with a reason (after a confirmation)."""
    rows = unit_desk.paths(db.engine(), actor, "incoming")
    st.markdown(f"#### {tr('paths.incoming')}")
    if not rows:
        st.caption(tr("paths.none"))
    else:
        _table(f"{ws}.paths_in", rows, "incoming")
        _decide(ws, actor, [r for r in rows if r.status == "pending"])
    if actor.role in APPLY_ROLES:
        st.divider()
        outgoing_paths(ws, actor)


def _decide(ws: str, actor: Actor, pending_rows: list[PathRow]) -> None:
    if not pending_rows:
        return
    labels = {r.id: f"{tr('paths.col.id')} {r.id} · {r.unit_name}" for r in pending_rows}
    st.selectbox(tr("paths.pick"), list(labels), format_func=labels.get, key=f"{ws}.path_pick")
    st.text_area(tr("paths.reason"), key=f"{ws}.path_reason")
    steps = [actions.Action(
        name, tr(label), done=tr("paths.decided"),
        perform=lambda c, ok=ok: unit_desk.decide_path(db.engine(), actor, c.data["pick"], ok, c.data["reason"] or ""),
        confirm=lambda c, label=label: tr("paths.confirm_decide", id=c.data["pick"], verdict=tr(label)))
        for name, label, ok in (("path_approve", "paths.approve", True), ("path_reject", "paths.reject", False))]
    cols = st.columns(2)
    for col, step in zip(cols, steps):
        with col:
            actions.action_button(ws, step, capture=partial(_typed, ws, ("pick", "reason")),
                           type="primary" if step.name == "path_approve" else "secondary")
    actions.run(ws, *steps)
