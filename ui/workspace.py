"""The one workspace renderer every thin ``pages/<workspace>.py`` uses.

Inbox (keyset pages, "下一页", filters year/level/series; each row's actions that can be taken now,
computed for the whole page at once) → one declaration's dossier → the actions the engine offers
(``core.declaring.transitions.options``; blocked ones disabled with their reasons), each one step of the one
action path (ui.actions: its inputs, a confirmation when irreversible). The click records the version
shown and ``core.declaring.transitions.execute`` refuses if someone acted in between.

Session-state keys are namespaced by the workspace id: ``<ws>.year``, ``<ws>.pick``, ``<ws>.pending``...
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from core.desks import generic as desk
from core.common.errors import DomainError
from core.desks.inbox import InboxPage
from core.workflow import Actor, Option
from core.desks.workspaces import may_use
from ui import actions, db, dossier_view, state, worktabs
from ui.i18n import lang, show_error, tr

_ALL = "__all__"
PAGE_SIZE = 50


def render(ws: str, *, tabs: dict[str, Callable[[Actor], None]] | None = None, export: bool = False) -> None:
    """The workspace page; ``tabs`` (title -> drawer) follow the inbox tab, ``export`` adds the Excel button."""
    actor = state.actor()
    state.show_flash()
    st.title(tr(f"ws.{ws}"))
    if not may_use(actor, ws):
        st.error(tr("error.not_found"))
        return
    actions.show_outcome(ws)
    if not tabs:
        inbox_view(ws, actor, export)
        return
    worktabs.show_tabs(ws, {tr("ws.tab.inbox"): partial(inbox_view, ws, actor, export),
                            **{label: partial(draw, actor) for label, draw in tabs.items()}})


def inbox_view(ws: str, actor: Actor, export: bool = False) -> None:
    """Filters, the inbox (keyset pages), the Excel export, and the picked declaration's dossier."""
    chosen = filters(ws)
    if export:
        worktabs.export_button(ws, actor, year=chosen["year"], level=chosen["level"], series=chosen["series"])
    page = _inbox(ws, actor, chosen)
    selected = _pick(ws, page)
    if selected is not None:
        detail(ws, actor, selected)


# --- inbox -------------------------------------------------------------------------------------

def _reset_paging(ws: str) -> None:
    st.session_state[f"{ws}.cursors"] = []
    st.session_state.pop(f"{ws}.pick", None)
    actions.clear(ws)


def filters(ws: str) -> dict[str, Any]:
    choices = desk.filter_choices(db.uow())
    names = {code: (zh if lang() == "zh" else en) for code, zh, en in (*choices.levels, *choices.series)}
    labels = {_ALL: tr("ws.filter.all"), **names}
    label = lambda v: labels.get(v, str(v))  # noqa: E731 - pure: AppTest calls it outside a run
    cols = st.columns(3)
    year = cols[0].selectbox(tr("ws.filter.year"), [_ALL, *choices.years], format_func=label,
                             key=f"{ws}.year", on_change=_reset_paging, args=(ws,))
    level = cols[1].selectbox(tr("ws.filter.level"), [_ALL, *(c for c, _, _ in choices.levels)], format_func=label,
                              key=f"{ws}.level", on_change=_reset_paging, args=(ws,))
    series = cols[2].selectbox(tr("ws.filter.series"), [_ALL, *(c for c, _, _ in choices.series)],
                               format_func=label, key=f"{ws}.series", on_change=_reset_paging, args=(ws,))
    return {"year": None if year == _ALL else int(year), "level": None if level == _ALL else level,
            "series": None if series == _ALL else series, "names": names}


def _next_page(ws: str, cursor: Any) -> None:
    st.session_state[f"{ws}.cursors"] = [*st.session_state.get(f"{ws}.cursors", []), cursor]
    st.session_state.pop(f"{ws}.pick", None)


def _inbox(ws: str, actor: Actor, filters: dict[str, Any]) -> InboxPage:
    cursors = st.session_state.setdefault(f"{ws}.cursors", [])
    page = desk.load_inbox(db.uow(), actor, ws, after=cursors[-1] if cursors else None, limit=PAGE_SIZE,
                           year=filters["year"], level=filters["level"], series=filters["series"], actions=True)
    names = filters["names"]
    if not page.rows:
        st.info(tr("ws.empty"))
    else:
        st.dataframe(pd.DataFrame([{
            tr("col.id"): r.id, tr("col.applicant"): r.applicant_name, tr("col.unit"): r.unit_name,
            tr("col.series"): names.get(r.series_code, r.series_code), tr("col.level"): names.get(r.level_code, r.level_code),
            tr("col.state"): tr(f"state.{r.state}"), tr("col.since"): dossier_view.when(r.state_since),
            tr("col.ready"): ("、" if lang() == "zh" else ", ").join(
                tr(f"action.{o.action}") for o in page.actions.get(r.id, []) if not o.blocked),
        } for r in page.rows]), hide_index=True, key=f"{ws}.table")
    cols = st.columns([1, 1, 4])
    cols[0].caption(tr("ws.page", n=len(cursors) + 1))
    if cursors:
        cols[1].button(tr("ws.first"), key=f"{ws}.first", on_click=_reset_paging, args=(ws,))
    if page.next_cursor is not None:
        cols[2].button(tr("ws.next"), key=f"{ws}.next", on_click=_next_page, args=(ws, page.next_cursor))
    return page


def _pick(ws: str, page: InboxPage) -> int | None:
    labels = {None: tr("ws.select_none"), **{r.id: f"#{r.id} {r.applicant_name} · {tr(f'state.{r.state}')}"
                                             for r in page.rows}}
    current = st.session_state.get(f"{ws}.pick")
    if isinstance(current, int) and current not in labels:
        labels[current] = f"#{current}"  # it left this list (acted on): keep it open to see where it went
    options = list(labels)
    if current not in options:
        st.session_state[f"{ws}.pick"] = None
    return st.selectbox(tr("ws.select"), options, format_func=labels.get, placeholder=tr("ws.select_none"),
                        key=f"{ws}.pick", on_change=actions.clear, args=(ws,))


# --- detail and actions --------------------------------------------------------------------------

def detail(ws: str, actor: Actor, declaration_id: int) -> None:
    try:
        detail = desk.load_detail(db.uow(), actor, ws, declaration_id)
    except DomainError as error:
        show_error(error)
        return
    d = detail.dossier
    st.subheader(tr("detail.title", id=d.id))
    dossier_view.facts(d)
    st.markdown(f"#### {tr('act.title')}")
    steps = [_step(ws, actor, detail, option) for option in detail.options]
    _buttons(ws, detail, steps)
    waiting = actions.pending(ws)
    if waiting is not None and waiting.data.get("id") == d.id:
        actions.run(ws, *steps, stale=True)
    dossier_view.timeline(d, key=f"{ws}.detail")
    dossier_view.records(d, key=f"{ws}.detail")


def _step(ws: str, actor: Actor, detail: desk.Detail, option: Option) -> actions.Action:
    """One of the engine's options as a step: its inputs, a confirmation when irreversible, one core call."""
    d, label = detail.dossier, tr(f"action.{option.action}")
    has_form = option.needs_reason or bool(option.inputs)  # a form always ends with a reason or an opinion
    comment = ("reason" if option.needs_reason else "opinion",) if has_form else ()
    return actions.Action(
        option.action, label,
        perform=lambda c: desk.act(db.uow(), actor, ws, c.data["id"], option.action, c.inputs, c.data["version"]),
        done=tr("act.done", action=label),
        confirm=tr("act.confirm_text", id=d.id, name=d.applicant_name, action=label) if option.confirm else None,
        inputs=(*option.inputs, *comment),
        choices={"committee_id": dict(detail.committees)})


def _buttons(ws: str, detail: desk.Detail, steps: list[actions.Action]) -> None:
    if not detail.options:
        st.caption(tr("act.none"))
        return
    d = detail.dossier
    cols = st.columns(min(len(detail.options), 5))
    for i, (option, step) in enumerate(zip(detail.options, steps)):
        with cols[i % len(cols)]:
            actions.action_button(ws, step, data={"id": d.id, "version": d.version}, disabled=bool(option.blocked))
    for option in detail.options:
        if option.blocked:
            st.warning(tr("act.blocked", action=tr(f"action.{option.action}")) + "\n\n"
                       + "\n".join(f"- {tr(b)}" for b in option.blocked))
