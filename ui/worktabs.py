"""Pieces the unit and relay workspaces share: the Excel export, confirmations, outcomes, the
撤回材料 and 流程退回处理 tabs, and the work-list table.

Confirmations open from a session-state flag (``<ws>.ask``), never straight from a button, so AppTest
can complete them. A change runs through :func:`attempt`: success is flashed on the next run, a
domain error is kept under ``<ws>.error`` and shown by :func:`show_outcome` (a batch failure lists
every failing declaration), never as a traceback.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from core.desks import generic as desk

from core.desks import unit as unit_desk
from core.review.batch import BatchFailed
from core.common.errors import DomainError
from core.desks.worklists import WorkRow
from core.workflow import Actor
from core.desks.workspaces import may_use
from ui import db, dossier_view, state
from ui.i18n import lang, show_error, tr

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
    show_outcome(ws)
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
    uow, language = db.uow(), lang()  # read now: the callable runs outside the script
    st.download_button(tr("export.button"), key=f"{ws}.export", mime=XLSX, on_click="ignore",
                       icon=":material/download:", file_name=f"{ws}.xlsx",
                       data=partial(unit_desk.export_inbox, uow, actor, ws, language, **filters))


def export_rows_button(ws: str, actor: Actor, what: str, ids: list[int]) -> None:
    """Download these rows of a work list as .xlsx (masked, audited on click)."""
    uow, language = db.uow(), lang()
    st.download_button(tr("export.button"), key=f"{ws}.export_{what}", mime=XLSX, on_click="ignore",
                       icon=":material/download:", file_name=f"{ws}-{what}.xlsx", disabled=not ids,
                       data=partial(unit_desk.export_rows, uow, actor, f"{ws}.{what}", ids, language))


# --- confirm, attempt, outcome ------------------------------------------------------------------------

def ask(ws: str, what: str, **data: Any) -> None:
    """Button callback: open the confirmation ``what`` on this run and the next."""
    st.session_state[f"{ws}.ask"] = {"what": what, **data}


def asked(ws: str, what: str) -> dict | None:
    pending = st.session_state.get(f"{ws}.ask")
    return pending if isinstance(pending, dict) and pending.get("what") == what else None


def drop(ws: str) -> None:
    st.session_state.pop(f"{ws}.ask", None)


def confirm(ws: str, what: str, text: str, run: Callable[[dict], None]) -> None:
    """The confirmation dialog of ``what`` when it was asked for; "yes" calls ``run(data)``."""
    pending = asked(ws, what)
    if pending is None:
        return

    def body() -> None:
        st.write(text)
        yes, no = st.columns(2)
        if yes.button(tr("act.confirm_yes"), key=f"{ws}.{what}.yes", type="primary"):
            drop(ws)
            run(pending)
        no.button(tr("act.cancel"), key=f"{ws}.{what}.no", on_click=drop, args=(ws,))

    st.dialog(tr("act.confirm_title"), on_dismiss=partial(drop, ws))(body)()


def attempt(ws: str, change: Callable[[], Any], done: str, keep: str | None = None) -> None:
    """Run one change; flash ``done`` (and keep its result under ``keep``) or keep the domain error
    for the next run; then rerun so every list reloads."""
    try:
        result = change()
    except DomainError as error:
        st.session_state[f"{ws}.error"] = error
    else:
        state.flash("success", done)
        if keep:
            st.session_state[keep] = result
    drop(ws)
    st.rerun()


def show_outcome(ws: str) -> None:
    """The error the last change left (a batch failure with one line per failing declaration)."""
    error = st.session_state.pop(f"{ws}.error", None)
    if isinstance(error, BatchFailed):
        st.error(error.message(lang()) + "\n\n" + "\n".join(f"- {m}" for m in error.failure_messages(lang())))
    elif error is not None:
        show_error(error)


# --- tables ------------------------------------------------------------------------------------------

def names() -> dict[str, str]:
    """Level and series names by code, in the current language."""
    choices = desk.filter_choices(db.uow())
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
    rows = unit_desk.withdrawable(db.uow(), actor)
    if not rows:
        st.info(tr("withdraw.empty"))
        return
    work_table(f"{ws}.withdraw_table", rows, step=True, who=False)
    by_id = {r.id: r for r in rows}
    pick = st.selectbox(tr("withdraw.pick"), list(by_id), format_func=lambda i: row_label(by_id[i]),
                        key=f"{ws}.withdraw_pick")
    st.button(tr("action.withdraw"), key=f"{ws}.withdraw", icon=":material/undo:",
              on_click=ask, args=(ws, "withdraw"), kwargs={"id": pick, "version": by_id[pick].version})
    pending = asked(ws, "withdraw")
    if pending is not None:
        row = by_id.get(pending["id"])
        text = tr("act.confirm_text", id=pending["id"], name=row.applicant_name if row else "",
                  action=tr("action.withdraw"))
        confirm(ws, "withdraw", text, partial(_withdraw, ws, actor))


def _withdraw(ws: str, actor: Actor, pending: dict) -> None:
    attempt(ws, lambda: desk.act(db.uow(), actor, ws, pending["id"], "withdraw", {}, pending["version"]),
            tr("act.done", action=tr("action.withdraw")))


def returned_tab(ws: str, actor: Actor) -> None:
    """流程退回处理: declarations now back with their applicants that this unit returned or owns."""
    st.caption(tr("returned.help"))
    page_no = st.session_state.setdefault(f"{ws}.returned_page", 0)
    result = unit_desk.returned_page(db.uow(), actor, page=page_no, page_size=20)
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
