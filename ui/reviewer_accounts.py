"""政策性审查账号 / Policy reviewer accounts (001 §6.2.6), for the committee organizer's operator.

Create one for a committee (its year) with series and optional specialties: the generated login and
its one-time password are shown once. Edit name and scope until the account's first review; enable
or disable (disabling asks first). There is no delete.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.review import reviewer_accounts as ra
from core.workflow import Actor
from ui import actions, db, worktabs
from ui.i18n import tr, tr_safe

WS = "reviewer_accounts"
CREATED = f"{WS}.created"


def render() -> None:
    actor = worktabs.open_workspace(WS)
    if actor is None:
        return
    created = st.session_state.pop(CREATED, None)
    if created:
        st.success(tr_safe("reviewer.created", login=created[0], password=created[1]))
    committees, rows = ra.load(db.uow(), actor)
    if not committees:
        st.info(tr("reviewer.no_committees"))
        return
    st.caption(tr("reviewer.no_delete"))
    listing, create = st.tabs([tr("reviewer.tab.list"), tr("reviewer.tab.create")])
    with listing:
        _list(actor, rows)
    with create:
        _create(actor, committees)


def _scope_text(row: ra.ReviewerRow, names: dict[str, str]) -> str:
    specialties = "、".join(row.specialty_codes) or tr("reviewer.all_specialties")
    return f"{'、'.join(names.get(c, c) for c in row.series_codes)} · {specialties}"


def _list(actor: Actor, rows: list[ra.ReviewerRow]) -> None:
    if not rows:
        st.info(tr("reviewer.empty"))
        return
    labels = worktabs.names()
    st.dataframe(pd.DataFrame([{
        tr("reviewer.col_login"): r.login_name, tr("reviewer.col_name"): r.display_name,
        tr("reviewer.committee"): r.committee_name, tr("reviewer.col_year"): r.year,
        tr("reviewer.col_scope"): _scope_text(r, labels),
        tr("reviewer.col_status"): tr("reviewer.enabled") if r.enabled else tr("reviewer.disabled"),
        tr("reviewer.col_used"): tr("publicity.yes") if r.used else tr("publicity.no"),
    } for r in rows]), hide_index=True, key=f"{WS}.table")
    by_id = {r.account_id: r for r in rows}
    if st.session_state.get(f"{WS}.pick") not in by_id:
        st.session_state[f"{WS}.pick"] = rows[0].account_id
    picked = by_id[st.selectbox(tr("reviewer.pick"), list(by_id), key=f"{WS}.pick",
                                format_func=lambda i: f"{by_id[i].login_name} {by_id[i].display_name}")]
    _toggle(actor, picked)
    if picked.used:
        st.caption(tr("reviewer.locked_edit"))
    else:
        _edit(actor, picked)


def _toggle(actor: Actor, row: ra.ReviewerRow) -> None:
    """Enable at once; disable after a confirmation."""
    uow = db.uow()
    if row.enabled:
        step = actions.Action("disable", tr("reviewer.disable"), done=tr("reviewer.disabled"),
                              perform=lambda c: ra.do_set_enabled(uow, actor, c.data["id"], False),
                              confirm=tr("reviewer.confirm_disable", login=row.login_name))
    else:
        step = actions.Action("enable", tr("reviewer.enable"), done=tr("reviewer.enabled"),
                              perform=lambda c: ra.do_set_enabled(uow, actor, c.data["id"], True))
    actions.action_button(WS, step, data={"id": row.account_id})
    actions.run(WS, step)


def _scope_inputs(actor: Actor, committee_id: int, prefix: str, series=(), specialties=()):
    series_options, specialty_options = ra.load_choices(db.uow(), actor, committee_id)
    series_names = dict(series_options)
    chosen = st.multiselect(tr("reviewer.series"), list(series_names), default=list(series) or None,
                            format_func=series_names.get, key=f"{WS}.{prefix}.series")
    names = {code: name for code, s, name in specialty_options if s in chosen}
    picked = st.multiselect(tr("reviewer.specialties"), list(names), format_func=names.get,
                            default=[c for c in specialties if c in names] or None, key=f"{WS}.{prefix}.specialties")
    return chosen, picked


def _edit(actor: Actor, row: ra.ReviewerRow) -> None:
    st.markdown(f"**{tr('reviewer.edit')}**")
    prefix = f"edit.{row.account_id}"
    name = st.text_input(tr("reviewer.col_name"), value=row.display_name, key=f"{WS}.{prefix}.name")
    series, specialties = _scope_inputs(actor, row.committee_id, prefix, row.series_codes, row.specialty_codes)
    save = actions.Action("save", tr("reviewer.save"), done=tr("reviewer.saved"),
                          perform=lambda c: ra.do_edit(db.uow(), actor, row.account_id, name, series, specialties))
    actions.action_button(WS, save)
    actions.run(WS, save)


def _create(actor: Actor, committees) -> None:
    labels = {c[0]: f"{c[1]}（{c[2]}）" for c in committees}
    committee_id = st.selectbox(tr("reviewer.committee"), list(labels), format_func=labels.get,
                                key=f"{WS}.committee")
    default_series = next((c[3] for c in committees if c[0] == committee_id), None)
    series, specialties = _scope_inputs(actor, committee_id, f"new.{committee_id}",
                                        (default_series,) if default_series else ())
    name = st.text_input(tr("reviewer.display_name"), key=f"{WS}.new_name")
    create = actions.Action(  # the login and its one-time password are shown once; on an error the inputs stay
        "create", tr("reviewer.create"), keep=CREATED,
        perform=lambda c: ra.do_create(db.uow(), actor, committee_id, series, specialties, name or None)[1:])
    actions.action_button(WS, create, type="primary")
    actions.run(WS, create)
