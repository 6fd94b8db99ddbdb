"""The applicant's workspace (我的申报): employer binding, the list, new declarations, one declaration.

Until a unit has accepted the applicant, the "new" buttons are disabled and the page says why and
what to do (search the employer, ask to join, wait). The list shows each declaration's state, who
holds it now and since when; choosing one opens the editor (ui.declaration_editor).
Session-state keys: ``my_declarations.<thing>``.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.desks import applicant as desk
from core.common.errors import DomainError
from core.workflow import INITIAL, REVIEW, Actor
from ui import db, declaration_editor, declaration_form, dossier_view, state
from ui.i18n import show_error, tr, tr_safe

P = "my_declarations"
PICK = f"{P}.pick"
NEW = f"{P}.new"


def render(actor: Actor) -> None:
    state.show_flash()
    info = desk.overview(db.uow(), actor)
    bound = info.binding == "bound"
    _binding(actor, info)
    _list(info)
    _new_buttons(bound)
    if bound and st.session_state.get(NEW) in (REVIEW, INITIAL):
        declaration_form.new_declaration(actor, st.session_state[NEW], on_created=_open_created)
    selected = _pick(info)
    if selected is not None:
        declaration_editor.render(actor, selected)


def _open_created(declaration_id: int) -> None:
    st.session_state.pop(NEW, None)
    st.session_state[PICK] = declaration_id
    state.flash("success", tr("mine.created", id=declaration_id))


# --- binding ---------------------------------------------------------------------------------

def _binding(actor: Actor, info: desk.Overview) -> None:
    if info.binding == "bound":
        st.caption(tr_safe("mine.bound", unit=info.unit_name))
        return
    st.warning(tr("guard.not_bound"))
    if info.binding == "pending":
        st.info(tr_safe("mine.pending", unit=info.unit_name))
    with st.expander(tr("mine.bind_title"), expanded=info.binding == "none"):
        text = st.text_input(tr("mine.search"), key=f"{P}.unit_search")
        if not text.strip():
            return
        units = dict(desk.search_units(db.uow(), text))
        if not units:
            st.caption(tr("mine.no_units"))
            return
        unit_id = st.selectbox(tr("mine.pick_unit"), list(units), format_func=units.get, key=f"{P}.unit_pick")
        if st.button(tr("mine.request"), key=f"{P}.bind_request", type="primary"):
            try:
                desk.request_binding(db.uow(), actor, unit_id)
            except DomainError as error:
                show_error(error)
                return
            state.flash("success", tr("mine.requested"))
            st.rerun()


# --- list and choice -------------------------------------------------------------------------

def _title(row) -> str:
    return row.title_name or f"{row.series_code} / {row.level_code}"


def _list(info: desk.Overview) -> None:
    st.subheader(tr("mine.list_title"))
    if not info.rows:
        st.caption(tr("mine.empty"))
        return
    st.dataframe(pd.DataFrame([{
        tr("col.id"): r.id, tr("mine.col_year"): r.year, tr("mine.col_flow"): tr(f"flow.{r.flow}"),
        tr("mine.col_title"): _title(r), tr("col.state"): tr(f"state.{r.state}"),
        tr("mine.col_holder"): r.holder_name or (tr("detail.holder_applicant") if r.held_by_applicant
                                                  else tr("detail.holder_none")),
        tr("col.since"): dossier_view.when(r.state_since),
    } for r in info.rows]), hide_index=True, key=f"{P}.table")


def _start_new(flow: str) -> None:
    st.session_state[NEW] = flow
    st.session_state[PICK] = None


def _new_buttons(bound: bool) -> None:
    row = st.container(horizontal=True)
    row.button(tr("mine.new_review"), key=f"{P}.new_review", disabled=not bound, on_click=_start_new,
                args=(REVIEW,), icon=":material/add:")
    row.button(tr("mine.new_initial"), key=f"{P}.new_initial", disabled=not bound, on_click=_start_new,
                 args=(INITIAL,), icon=":material/add:")


def _pick(info: desk.Overview) -> int | None:
    if not info.rows:
        return None
    labels = {None: tr("mine.pick_none"),
              **{r.id: f"#{r.id} {r.year} {_title(r)} · {tr(f'state.{r.state}')}" for r in info.rows}}
    if st.session_state.get(PICK) not in labels:
        st.session_state[PICK] = None
    return st.selectbox(tr("mine.pick"), list(labels), format_func=labels.get, key=PICK, placeholder=labels[None],
                        on_change=lambda: st.session_state.pop(NEW, None))
