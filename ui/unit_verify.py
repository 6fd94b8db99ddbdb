"""单位内部核验 / Unit verification (002 fig. 2-6): pending / passed / failed lists filtered by year,
level and series, sorted and paged in SQL (core.desks.worklists); batch approve after a confirmation (all
or nothing, core.review.batch); one declaration's dossier with approve / reject-with-reason from the engine
(ui.workspace.detail); the 流程退回处理 and 撤回材料 tabs. Supplements (back from a failed policy
review) are marked: approving them sends them straight to re-examination.
"""
from __future__ import annotations

from functools import partial

import streamlit as st

from core.desks import unit as unit_desk
from core.desks.worklists import STATUSES, WorkRow
from core.workflow import Actor
from ui import actions, db, workspace, worktabs
from ui.i18n import tr

WS = "unit_verify"
SORTS = ("since", "submitted", "name", "year", "level", "series", "id")
PAGE_SIZE = 20
CLEAR = f"{WS}.clear_chosen"


def render() -> None:
    actor = worktabs.open_workspace(WS)
    if actor is None:
        return
    worktabs.show_tabs(WS, {tr("verify.tab.verify"): partial(_verify, actor),
                            tr("tab.returned"): partial(worktabs.returned_tab, WS, actor),
                            tr("tab.withdraw"): partial(worktabs.withdraw_tab, WS, actor)})


def _page_no(signature: tuple) -> int:
    """The page shown; back to the first whenever the status, a filter or the order changed."""
    if st.session_state.get(f"{WS}.signature") != signature:
        st.session_state[f"{WS}.signature"] = signature
        st.session_state[f"{WS}.page_no"] = 0
    return st.session_state.setdefault(f"{WS}.page_no", 0)


def _verify(actor: Actor) -> None:
    chosen = workspace.filters(WS)
    cols = st.columns([3, 2, 1, 1], vertical_alignment="bottom")
    status = cols[0].radio(tr("verify.status"), STATUSES, format_func=lambda s: tr(f"worklist.status.{s}"),
                           horizontal=True, key=f"{WS}.status")
    sort = cols[1].selectbox(tr("verify.sort"), SORTS, format_func=lambda s: tr(f"worklist.sort.{s}"),
                             key=f"{WS}.sort")
    descending = cols[2].toggle(tr("verify.descending"), key=f"{WS}.descending")
    filters = {k: chosen[k] for k in ("year", "level", "series")}
    page_no = _page_no((status, *filters.values(), sort, descending))
    result = unit_desk.verification_page(db.engine(), actor, status, **filters, sort=sort, descending=descending,
                                         page=page_no, page_size=PAGE_SIZE)
    with cols[3]:
        if status == "pending":
            worktabs.export_button(WS, actor, **filters)
        else:
            worktabs.export_rows_button(WS, actor, status, [r.id for r in result.rows])
    if not result.rows:
        st.info(tr("ws.empty"))
        return
    worktabs.work_table(f"{WS}.table", result.rows, step=status != "pending")
    worktabs.pager(WS, "page_no", page_no, result.total, PAGE_SIZE)
    left, right = st.columns(2, gap="large")
    with left:
        picked = _single(actor, result.rows)
    if status == "pending":
        with right:
            _batch(actor, result.rows)
    if picked is not None:
        if picked in {r.id for r in result.rows if r.is_supplement}:
            st.info(tr("worklist.supplement"))
        workspace.detail(WS, actor, picked)


def _batch(actor: Actor, rows: list[WorkRow]) -> None:
    st.markdown(f"#### {tr('verify.batch_title')}")
    by_id = {r.id: r for r in rows}
    key = f"{WS}.chosen"
    if st.session_state.pop(CLEAR, False):
        st.session_state[key] = []
    st.session_state[key] = [i for i in st.session_state.get(key, []) if i in by_id]
    picked = st.multiselect(tr("verify.batch_pick"), list(by_id), format_func=lambda i: worktabs.row_label(by_id[i]),
                            key=key, placeholder=tr("ws.pick_placeholder"))
    approve = actions.Action(
        "batch_approve", tr("verify.batch_approve", count=len(picked)), confirm=partial(_batch_text, by_id),
        perform=lambda c: unit_desk.batch_approve(db.engine(), actor, c.data["ids"]),
        done=lambda c, _: tr("verify.batch_done", count=len(c.data["ids"])), keep=CLEAR)  # clears on success only
    actions.action_button(WS, approve, data={"ids": list(picked)}, type="primary", disabled=not picked)
    actions.run(WS, approve)


def _batch_text(by_id: dict[int, WorkRow], click: actions.Click) -> str:
    ids = click.data["ids"]
    text = tr("batch.confirm", count=len(ids), action=tr("action.approve"))
    if any(by_id[i].is_supplement for i in ids if i in by_id):
        text += "\n\n" + tr("verify.batch_has_supplements")
    return text


def _single(actor: Actor, rows: list[WorkRow]) -> int | None:
    """The one declaration to open (kept open after it left the list, to see where it went)."""
    st.markdown(f"#### {tr('verify.single_title')}")
    by_id = {r.id: r for r in rows}
    labels: dict[int | None, str] = {None: tr("ws.select_none"), **{i: worktabs.row_label(r) for i, r in by_id.items()}}
    current = st.session_state.get(f"{WS}.pick")
    if isinstance(current, int) and current not in labels:
        labels[current] = f"#{current}"  # it left this list (acted on): keep it open to see where it went
    if current not in labels:
        st.session_state[f"{WS}.pick"] = None
    return st.selectbox(tr("ws.select"), list(labels), format_func=labels.get, key=f"{WS}.pick",
                        placeholder=tr("ws.select_none"),
                        on_change=actions.clear, args=(WS,))
