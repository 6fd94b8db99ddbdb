"""Pieces the unit and relay workspaces share: the common head, tabs, the Excel export, the
撤回材料 and 流程退回处理 tabs, and the work-list table.

Every change is a step of the one action path (ui.actions): its button, confirmation and outcome.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from core.desks import generic as desk

from core.desks import unit as unit_desk
from core.desks.worklists import WorkRow
from core.workflow import Actor
from core.desks.workspaces import may_use
from ui import actions, db, dossier_view, state
from ui.i18n import lang, tr

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- tabs ------------------------------------------------------------------------------------------

def open_workspace(ws: str) -> Actor | None:
    """The common head of a workspace page: flash message, title, the access check (the same
    "not found" as for anything outside the user's scope) and the last action's outcome."""
    actor = state.actor()
    state.show_flash()
    st.title(tr(f"ws.{ws}"))
    if not may_use(actor, ws):
        st.error(tr("error.not_found"))
        return None
    actions.show_outcome(ws)
    return actor


def show_tabs(ws: str, drawers: dict[str, Callable[[], None]]) -> None:
    """Tabs that keep the one chosen across reruns (``<ws>.tab``) and run only its content."""
    views = st.tabs(list(drawers), key=f"{ws}.tab", on_change="rerun")
    for view, draw in zip(views, drawers.values()):
        if view.open is not False:
            with view:
                draw()


def go_to_tab(ws: str, label: str) -> None:
    """From a callback: open this tab on the next run."""
    st.session_state[f"{ws}.tab"] = label


# --- export ----------------------------------------------------------------------------------------

def export_button(ws: str, actor: Actor, **filters: Any) -> None:
    """Download the whole inbox (with its filters) as .xlsx; built, masked and audited only on click."""
    engine, language = db.engine(), lang()  # read now: the callable runs outside the script
    st.download_button(tr("export.button"), key=f"{ws}.export", mime=XLSX, on_click="ignore",
                       icon=":material/download:", file_name=f"{ws}.xlsx",
                       data=partial(unit_desk.export_inbox, engine, actor, ws, language, **filters))


def export_rows_button(ws: str, actor: Actor, what: str, ids: list[int]) -> None:
    """Download these rows of a work list as .xlsx (masked, audited on click)."""
    engine, language = db.engine(), lang()
    st.download_button(tr("export.button"), key=f"{ws}.export_{what}", mime=XLSX, on_click="ignore",
                       icon=":material/download:", file_name=f"{ws}-{what}.xlsx", disabled=not ids,
                       data=partial(unit_desk.export_rows, engine, actor, f"{ws}.{what}", ids, language))


# --- tables ------------------------------------------------------------------------------------------

def names() -> dict[str, str]:
    """Level and series names by code, in the current language."""
    choices = desk.filter_choices(db.engine())
    return {code: (zh if lang() == "zh" else en) for code, zh, en in (*choices.levels, *choices.series)}


def work_table(key: str, rows: list[WorkRow], *, step: bool = False, who: bool = True) -> None:
    """A work list; ``step`` adds the step it is about (action, time, reason and, with ``who``, its unit)."""
    labels = names()
    frame = pd.DataFrame([{
        tr("col.id"): r.id, tr("col.applicant"): r.applicant_name, tr("col.unit"): r.unit_name,
        tr("export.year"): r.year, tr("col.series"): labels.get(r.series_code, r.series_code),
        tr("col.level"): labels.get(r.level_code, r.level_code), tr("col.state"): tr(f"state.{r.state}"),
        tr("worklist.col.supplement"): tr("worklist.supplement_mark") if r.is_supplement else "",
        **({tr("col.action"): tr(f"action.{r.last_action}") if r.last_action else "",
            tr("col.time"): dossier_view.when(r.last_at), tr("col.comment"): r.last_comment or ""} if step else
           {tr("col.since"): dossier_view.when(r.state_since)}),
        **({tr("col.actor"): r.last_unit_name or ""} if step and who else {}),
    } for r in rows])
    st.dataframe(frame, hide_index=True, key=key)


def row_label(r: WorkRow) -> str:
    shown = r.is_supplement and r.state != "supplement_verify"  # that state's name says it already
    mark = f" · {tr('worklist.supplement_mark')}" if shown else ""
    return f"#{r.id} {r.applicant_name} · {tr(f'state.{r.state}')}{mark}"


# --- 撤回材料 / 流程退回处理 -----------------------------------------------------------------------------

def withdraw_tab(ws: str, actor: Actor) -> None:
    """Declarations whose last step this unit took and the next holder has not acted on: withdraw one."""
    st.caption(tr("withdraw.help"))
    rows = unit_desk.withdrawable(db.engine(), actor)
    if not rows:
        st.info(tr("withdraw.empty"))
        return
    work_table(f"{ws}.withdraw_table", rows, step=True, who=False)
    by_id = {r.id: r for r in rows}
    pick = st.selectbox(tr("withdraw.pick"), list(by_id), format_func=lambda i: row_label(by_id[i]),
                        key=f"{ws}.withdraw_pick")
    label = tr("action.withdraw")
    withdraw = actions.Action(
        "withdraw", label, done=tr("act.done", action=label),
        perform=lambda c: desk.act(db.engine(), actor, ws, c.data["id"], "withdraw", {}, c.data["version"]),
        confirm=lambda c: tr("act.confirm_text", id=c.data["id"], action=label,
                             name=by_id[c.data["id"]].applicant_name if c.data["id"] in by_id else ""))
    actions.action_button(ws, withdraw, data={"id": pick, "version": by_id[pick].version}, icon=":material/undo:")
    actions.run(ws, withdraw)


def returned_tab(ws: str, actor: Actor) -> None:
    """流程退回处理: declarations now back with their applicants that this unit returned or owns."""
    st.caption(tr("returned.help"))
    page_no = st.session_state.setdefault(f"{ws}.returned_page", 0)
    result = unit_desk.returned_page(db.engine(), actor, page=page_no, page_size=20)
    if not result.rows:
        st.info(tr("returned.empty"))
        return
    work_table(f"{ws}.returned_table", result.rows, step=True)
    pager(ws, "returned_page", page_no, result.total, 20)
    export_rows_button(ws, actor, "returned", [r.id for r in result.rows])


def _go(key: str, value: int) -> None:
    st.session_state[key] = value


def pager(ws: str, name: str, page_no: int, total: int, size: int) -> None:
    """Previous / next buttons over an offset-paged list, with "page n of m"."""
    last = max(0, (total - 1) // size)
    cols = st.columns([2, 1, 1, 3])
    cols[0].caption(tr("worklist.page_of", n=page_no + 1, m=last + 1, total=total))
    cols[1].button(tr("worklist.prev"), key=f"{ws}.{name}.prev", disabled=page_no <= 0,
                   on_click=_go, args=(f"{ws}.{name}", page_no - 1))
    cols[2].button(tr("ws.next"), key=f"{ws}.{name}.next", disabled=page_no >= last,
                   on_click=_go, args=(f"{ws}.{name}", page_no + 1))
