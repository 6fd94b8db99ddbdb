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
from ui import db, dossier_view, worktabs
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
    choices = desk.filter_choices(db.uow())
    pick = (lambda zh, en: zh if lang() == "zh" else en)
    series = {c: pick(zh, en) for c, zh, en in choices.series}
    levels = {c: pick(zh, en) for c, zh, en in choices.levels}
    cols = st.columns(2)
    cols[0].selectbox(tr("col.series"), list(series), format_func=series.get, key=f"{ws}.path_series")
    cols[1].selectbox(tr("col.level"), list(levels), format_func=levels.get, key=f"{ws}.path_level")
    search = st.text_input(tr("paths.search"), key=f"{ws}.path_search")
    targets = dict(unit_desk.path_targets(db.uow(), actor, search))
    if not targets:
        st.caption(tr("paths.no_targets"))
    st.selectbox(tr("paths.target"), list(targets), format_func=targets.get, key=f"{ws}.path_target")
    st.button(tr("paths.apply"), key=f"{ws}.path_apply", type="primary", disabled=not targets,
              on_click=_ask_apply, args=(ws,))
    pending = worktabs.asked(ws, "path_apply")
    if pending is not None:
        text = tr("paths.confirm_apply", series=series.get(pending["series"], ""), level=levels.get(pending["level"], ""),
                  target=targets.get(pending["target"], ""))
        worktabs.confirm(ws, "path_apply", text, partial(_apply, ws, actor))
    rows = unit_desk.paths(db.uow(), actor, "outgoing")
    st.markdown(f"#### {tr('paths.outgoing')}")
    if not rows:
        st.caption(tr("paths.none"))
    else:
        _table(f"{ws}.paths_out", rows, "outgoing")


def _ask_apply(ws: str) -> None:
    get = st.session_state.get
    worktabs.ask(ws, "path_apply", series=get(f"{ws}.path_series"), level=get(f"{ws}.path_level"),
                 target=get(f"{ws}.path_target"))


def _apply(ws: str, actor: Actor, pending: dict) -> None:
    worktabs.attempt(ws, partial(unit_desk.apply_path, db.uow(), actor, pending["series"], pending["level"],
                                 pending["target"]), tr("paths.applied"))


def incoming_paths(ws: str, actor: Actor) -> None:
    """Applications addressed to this unit: approve, or reject with a reason (after a confirmation)."""
    rows = unit_desk.paths(db.uow(), actor, "incoming")
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
    cols = st.columns(2)
    cols[0].button(tr("paths.approve"), key=f"{ws}.path_approve", type="primary", on_click=_ask_decide,
                   args=(ws, True))
    cols[1].button(tr("paths.reject"), key=f"{ws}.path_reject", on_click=_ask_decide, args=(ws, False))
    pending = worktabs.asked(ws, "path_decide")
    if pending is not None:
        verdict = tr("paths.approve" if pending["approve"] else "paths.reject")
        text = tr("paths.confirm_decide", id=pending["id"], verdict=verdict)
        worktabs.confirm(ws, "path_decide", text, partial(_do_decide, ws, actor))


def _ask_decide(ws: str, approve: bool) -> None:
    get = st.session_state.get
    worktabs.ask(ws, "path_decide", id=get(f"{ws}.path_pick"), approve=approve, reason=get(f"{ws}.path_reason") or "")


def _do_decide(ws: str, actor: Actor, pending: dict) -> None:
    worktabs.attempt(ws, partial(unit_desk.decide_path, db.uow(), actor, pending["id"], pending["approve"],
                                 pending["reason"]), tr("paths.decided"))
