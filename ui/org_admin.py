"""Workspace 组织机构管理 (issue 6): the organization tree of the user's scope with account and declaration
counts; the unit's details (its admin); parent links (归口): ask for one, decide the ones addressed to
the unit; and for HR bureaus: registrations to review, units created directly, admins designated."""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from functools import partial

import streamlit as st

from core.desks import admin as admin_desk
from core.desks.admin import org_tree, parent_links, unit_admin, unit_registration
from core.org.unit_registration import CREATABLE_KINDS, UnitForm
from core.workflow import Actor
from ui import actions, db, worktabs
from ui.i18n import tr

WS = "org_admin"


def _offer(name: str, label: str, perform: Callable[[], object], row: object = None, **look) -> None:
    """A step that acts at once (ui.actions), its success flashed."""
    actions.offer(WS, actions.Action(name, label, lambda c: perform(), done=tr("accounts.done")), row=row, **look)


def render() -> None:
    actor = worktabs.open_workspace(WS)
    if actor is None:
        return
    names = ["org.tab_tree", "org.tab_links"] + (["org.tab_unit"] if actor.role == "unit_admin" else []) \
        + (["org.tab_register"] if actor.role == "hr_operator" else [])
    tabs = dict(zip(names, st.tabs([tr(n) for n in names])))
    with tabs["org.tab_tree"]:
        _tree(actor)
    with tabs["org.tab_links"]:
        _links(actor)
    if "org.tab_unit" in tabs:
        with tabs["org.tab_unit"]:
            _unit(actor)
    if "org.tab_register" in tabs:
        with tabs["org.tab_register"]:
            _registrations(actor)
            _create_unit(actor)
            _designate(actor)


def _tree(actor: Actor) -> None:
    rows = admin_desk.read(db.engine(), org_tree.tree, actor)
    st.dataframe(pd.DataFrame([{
        tr("org.col_unit"): "　" * r.depth + r.name, tr("org.col_kind"): tr(f"org.kind.{r.kind}"),
        tr("org.col_status"): tr(f"org.status.{r.status}"), tr("org.col_accounts"): r.accounts,
        tr("org.col_declarations"): r.declarations} for r in rows]), hide_index=True, key=f"{WS}.tree")


def _unit(actor: Actor) -> None:
    info = admin_desk.unit_info(db.engine(), actor)
    st.caption(tr("org.uscc", code=info.uscc or "—"))
    name = st.text_input(tr("unitreg.name"), value=info.name, key=f"{WS}.unit_name", max_chars=100)
    rep = st.text_input(tr("unitreg.legal_rep"), value=info.legal_representative, key=f"{WS}.unit_rep", max_chars=30)
    phone = st.text_input(tr("unitreg.phone"), value=info.contact_phone, key=f"{WS}.unit_phone", max_chars=20)
    save = partial(admin_desk.write, db.engine(), unit_admin.edit_unit, actor, name=name, legal_representative=rep,
                   contact_phone=phone)
    _offer("save_unit", tr("org.save_unit"), save, type="primary")


def _link_table(rows, key: str) -> None:
    st.dataframe(pd.DataFrame([{tr("org.col_child"): r.child_name, tr("org.col_parent"): r.parent_name,
                                tr("org.col_status"): tr(f"org.status.{r.status}"), tr("org.col_reason"): r.reason,
                                tr("org.col_requested"): f"{r.requested_at:%Y-%m-%d}"} for r in rows]),
                 hide_index=True, key=key)


def _links(actor: Actor) -> None:
    engine = db.engine()
    pending = admin_desk.read(engine, parent_links.pending_for, actor)
    st.subheader(tr("org.links_waiting"))
    if not pending:
        st.info(tr("org.no_links"))
    for r in pending:
        cols = st.columns([3, 1, 1])
        cols[0].text(f"{r.child_name} · {r.reason}")
        for col, verb, accept in ((cols[1], "accept", True), (cols[2], "reject", False)):
            with col:
                _offer(f"link_{verb}", tr(f"uadmin.{verb}"),
                       partial(admin_desk.write, engine, parent_links.decide_link, actor, r.id, accept), row=r.id)
    if actor.role not in parent_links.REQUESTERS:
        return
    st.subheader(tr("org.link_request"))
    text = st.text_input(tr("org.parent_search"), key=f"{WS}.parent_search")
    found = dict(admin_desk.read(engine, parent_links.candidate_parents, text)) if text else {}
    parent = st.selectbox(tr("org.parent"), list(found), format_func=found.get, index=None, key=f"{WS}.parent")
    reason = st.text_input(tr("org.col_reason"), key=f"{WS}.link_reason", max_chars=200)
    _offer("link_request", tr("org.link_submit"),
           partial(admin_desk.write, engine, parent_links.request_link, actor, parent, reason), disabled=parent is None)
    own = admin_desk.read(engine, parent_links.own_requests, actor)
    if own:
        _link_table(own, f"{WS}.own_links")


def _registrations(actor: Actor) -> None:
    engine = db.engine()
    st.subheader(tr("org.registrations"))
    rows = admin_desk.read(engine, unit_registration.pending_units, actor)
    if not rows:
        st.info(tr("org.no_registrations"))
    for r in rows:
        cols = st.columns([3, 1, 1])
        cols[0].text(f"{r.name} · {r.uscc} · {r.legal_representative} · {r.contact_phone}")
        if r.letter_sha256:
            cols[0].download_button(tr("unitreg.letter"), key=f"{WS}.letter_{r.id}", on_click="ignore",
                                    data=partial(admin_desk.write, engine, unit_registration.open_letter, actor, r.id),
                                    file_name=f"letter-{r.id}", mime="application/octet-stream")
        for col, verb, accept in ((cols[1], "accept", True), (cols[2], "reject", False)):
            with col:
                _offer(f"reg_{verb}", tr(f"uadmin.{verb}"),
                       partial(admin_desk.write, engine, unit_registration.decide_unit, actor, r.id, accept), row=r.id)


def _create_unit(actor: Actor) -> None:
    with st.expander(tr("org.create_unit")):
        name = st.text_input(tr("unitreg.name"), key=f"{WS}.new_name", max_chars=100)
        code = st.text_input(tr("unitreg.uscc"), key=f"{WS}.new_uscc", max_chars=18)
        rep = st.text_input(tr("unitreg.legal_rep"), key=f"{WS}.new_rep", max_chars=30)
        phone = st.text_input(tr("unitreg.phone"), key=f"{WS}.new_phone", max_chars=20)
        kind = st.selectbox(tr("org.col_kind"), CREATABLE_KINDS, format_func=lambda k: tr(f"org.kind.{k}"),
                            key=f"{WS}.new_kind")
        _offer("create_unit", tr("org.create_submit"),
               lambda: admin_desk.create_unit(db.engine(), actor, UnitForm(name, code, rep, phone), kind))


def _designate(actor: Actor) -> None:
    with st.expander(tr("org.designate")):
        units = {r.id: r.name for r in admin_desk.read(db.engine(), org_tree.tree, actor)
                 if r.status == "active" and r.kind != "hr_bureau"}
        unit = st.selectbox(tr("org.col_unit"), list(units), format_func=units.get, index=None, key=f"{WS}.adm_unit")
        login = st.text_input(tr("org.admin_login"), key=f"{WS}.adm_login", max_chars=64)
        _offer("designate", tr("org.designate_submit"), partial(admin_desk.write, db.engine(),
               unit_admin.designate_admin, actor, unit, login), disabled=unit is None)
