"""单位推荐上报 / Unit recommendation (001 §6.2.3): pick declarations, fill in the operator's name and
phone, attach the unit's proof and report them upward — all or nothing, after a confirmation; a unit
holding a self-review authority may give them to its own committee instead. Also the reporting-path
applications (路径申请) and 撤回材料.
"""
from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from core.desks import generic as desk

from core.desks import unit as unit_desk
from core.desks.inbox import InboxRow
from core.workflow import Actor
from ui import actions, db, dossier_view, worktabs
from ui.i18n import tr
from ui.report_paths_view import outgoing_paths

WS = "unit_recommend"
PROOF_TYPES = ["pdf", "jpg", "jpeg", "png"]
CLEAR = f"{WS}.clear"
ROUND = f"{WS}.proof_round"


def _proof_key() -> str:
    return f"{WS}.proof{st.session_state.get(ROUND, 0)}"


def render() -> None:
    actor = worktabs.open_workspace(WS)
    if actor is None:
        return
    worktabs.show_tabs(WS, {tr("recommend.tab"): partial(_recommend, actor),
                            tr("tab.paths"): partial(outgoing_paths, WS, actor),
                            tr("tab.withdraw"): partial(worktabs.withdraw_tab, WS, actor)})


def _table(rows: list[InboxRow], proofs: set[int], own: set[int]) -> None:
    labels = worktabs.names()
    st.dataframe(pd.DataFrame([{
        tr("col.id"): r.id, tr("col.applicant"): r.applicant_name,
        tr("col.series"): labels.get(r.series_code, r.series_code), tr("col.level"): labels.get(r.level_code, r.level_code),
        tr("col.since"): dossier_view.when(r.state_since),
        tr("recommend.col.proof"): tr("publicity.yes") if r.id in proofs else tr("publicity.no"),
        **({tr("recommend.col.own"): tr("publicity.yes") if r.id in own else tr("publicity.no")} if own else {}),
    } for r in rows]), hide_index=True, key=f"{WS}.table")


def _recommend(actor: Actor) -> None:
    engine = db.engine()
    rows = desk.load_inbox(engine, actor, WS, limit=500).rows
    worktabs.export_button(WS, actor)
    if not rows:
        st.info(tr("recommend.none"))
        return
    ids = [r.id for r in rows]
    proofs, own = unit_desk.proof_ids(engine, ids), unit_desk.own_committee_ids(engine, actor, ids)
    _table(rows, proofs, own)
    by_id = {r.id: r for r in rows}
    key = f"{WS}.chosen"
    if st.session_state.pop(CLEAR, False):  # after a success: a fresh selection and an empty uploader
        st.session_state[key] = []
        st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    st.session_state[key] = [i for i in st.session_state.get(key, []) if i in by_id]
    picked = st.multiselect(tr("recommend.pick"), ids, key=key, format_func=lambda i: f"#{i} {by_id[i].applicant_name}",
                            placeholder=tr("ws.pick_placeholder"))
    cols = st.columns(2)
    cols[0].text_input(tr("act.operator_name"), key=f"{WS}.operator_name")
    cols[1].text_input(tr("act.operator_phone"), key=f"{WS}.operator_phone")
    st.file_uploader(tr("recommend.proof"), type=PROOF_TYPES, key=f"{WS}.proof{st.session_state.get(ROUND, 0)}",
                     help=tr("recommend.proof_help"))
    if picked and not set(picked) <= proofs:
        st.caption(tr("recommend.proof_needed"))
    recommend, assign = _steps(actor, by_id)
    buttons = st.columns(2)
    with buttons[0]:
        actions.action_button(WS, recommend, capture=_typed, type="primary", disabled=not picked)
    if own:
        with buttons[1]:
            actions.action_button(WS, assign, capture=_typed, disabled=not picked or not set(picked) <= own)
    actions.run(WS, recommend, assign)


def _typed() -> dict:
    """At the click: what the widgets hold now (fields typed just before the click included)."""
    get = st.session_state.get
    return {"ids": list(get(f"{WS}.chosen") or []), "name": get(f"{WS}.operator_name") or "",
            "phone": get(f"{WS}.operator_phone") or ""}


def _steps(actor: Actor, by_id: dict[int, InboxRow]) -> tuple[actions.Action, actions.Action]:
    """Report upward (with the operator and the unit's proof) or give to the unit's own committee."""
    def confirm(action: str, c: actions.Click) -> str:
        names = "、".join(by_id[i].applicant_name for i in c.data["ids"] if i in by_id)
        return tr("batch.confirm", count=len(c.data["ids"]), action=tr(f"action.{action}")) + f"\n\n{names}"

    def done(action: str, c: actions.Click, _) -> str:
        return tr("recommend.done", count=len(c.data["ids"]), action=tr(f"action.{action}"))

    def report(c: actions.Click):
        upload = st.session_state.get(_proof_key())
        proof = (upload.name, upload.getvalue()) if upload is not None else None
        return unit_desk.recommend(db.engine(), actor, c.data["ids"], c.data["name"], c.data["phone"], proof)

    return (actions.Action("recommend", tr("action.recommend"), report, done=partial(done, "recommend"),
                           confirm=partial(confirm, "recommend"), keep=CLEAR),  # on success only: start afresh
            actions.Action("assign_own", tr("action.assign_own_committee"),
                           lambda c: unit_desk.assign_own(db.engine(), actor, c.data["ids"]),
                           done=partial(done, "assign_own_committee"), confirm=partial(confirm, "assign_own_committee"),
                           keep=CLEAR))
