"""The unit admin's further account tools on the accounts workspace (issue 6): new accounts waiting to
join (新进账号管理), personal accounts created by the unit, and per account: roles (grant / revoke under
the mutual-exclusion rules), the name, editing before the first business step, leaving the unit
(账号退出管理) and handing the admin role over. Irreversible steps need a ticked confirmation.
Every action is a step of the one action path (ui.actions) that acts at once."""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd
import streamlit as st

from core.desks import admin as admin_desk
from core.desks.admin import people, personal_accounts, unit_admin
from core.identity.unit_accounts import AccountRow
from core.workflow import Actor
from ui import actions, db
from ui.i18n import tr, tr_safe

P = "unit_accounts"
TEMP = f"{P}.temp_password"  # shown once by ui.accounts


def step(name: str, label: str, perform: Callable[[], object], temp: bool = False) -> actions.Action:
    """One account action: its success flashed, or (``temp``) the one-time password it made kept to show once."""
    if temp:
        return actions.Action(name, label, lambda c: _password(perform()), keep=TEMP)
    return actions.Action(name, label, lambda c: perform(), done=tr("accounts.done"))


def _password(result: object) -> object:
    return result[1] if isinstance(result, tuple) else result


def offer(action: actions.Action, **button_args) -> None:
    actions.offer(P, action, **button_args)


def new_accounts(admin: Actor) -> None:
    """Binding requests waiting for the admin's unit: accept or reject each."""
    uow = db.uow()
    rows = admin_desk.read(uow, people.pending_bindings, admin)
    if not rows:
        st.info(tr("uadmin.no_new"))
        return
    for binding_id, name, requested_at in rows:
        cols = st.columns([3, 1, 1])
        cols[0].text(f"{name} · {requested_at:%Y-%m-%d %H:%M}")
        for col, verb, accept in ((cols[1], "accept", True), (cols[2], "reject", False)):
            with col:
                offer(step(f"bind_{verb}", tr(f"uadmin.{verb}"),
                            partial(admin_desk.write, uow, people.decide_binding, admin, binding_id, accept)),
                      row=binding_id)


def create_personal(admin: Actor) -> None:
    """Create a declarant's account bound to the unit; its one-time password is shown once."""
    st.caption(tr("uadmin.create_intro"))
    name = st.text_input(tr("reg.name"), key=f"{P}.new_name", max_chars=30)
    id_number = st.text_input(tr("reg.id_number"), key=f"{P}.new_id", max_chars=18)
    phone = st.text_input(tr("reg.phone"), key=f"{P}.new_phone", max_chars=11)
    create = partial(admin_desk.write, db.uow(), personal_accounts.create_personal_account, admin,
                     name=name, id_number=id_number, phone=phone)
    offer(step("create", tr("uadmin.create"), create, temp=True), type="primary")


def account_panel(admin: Actor, row: AccountRow) -> None:
    uow = db.uow()
    facts = admin_desk.account_facts(uow, admin, row.id)
    _roles(admin, row, facts)
    with st.expander(tr("uadmin.edit_title")):
        name = st.text_input(tr("reg.name"), value=row.person_name, key=f"{P}.name_{row.id}", max_chars=30)
        offer(step("save_name", tr("uadmin.complete_name"),
                    partial(admin_desk.write, uow, unit_admin.complete_name, admin, row.id, name)))
        if facts.editable:
            phone = st.text_input(tr("reg.phone"), key=f"{P}.phone_{row.id}", max_chars=11)
            offer(step("edit", tr("uadmin.edit_personal"), partial(admin_desk.write, uow,
                       personal_accounts.edit_personal_account, admin, row.id, name=name, phone=phone)))
        else:
            st.caption(tr("admin.not_editable"))
    with st.expander(tr("uadmin.leave_title")):
        sure = st.checkbox(tr_safe("uadmin.leave_confirm", name=row.person_name), key=f"{P}.leave_ok_{row.id}")
        offer(step("leave", tr("uadmin.leave"), partial(admin_desk.write, uow, unit_admin.leave_unit, admin,
                                                        row.id)), disabled=not sure)
    with st.expander(tr("uadmin.handover_title")):
        sure = st.checkbox(tr_safe("uadmin.handover_confirm", name=row.person_name), key=f"{P}.handover_ok_{row.id}")
        offer(step("handover", tr("uadmin.handover"), partial(admin_desk.write, uow, unit_admin.hand_over, admin,
                                                               row.id)), disabled=not sure)


def _roles(admin: Actor, row: AccountRow, facts: admin_desk.AccountFacts) -> None:
    uow = db.uow()
    st.markdown(f"**{tr('uadmin.roles_title')}**")
    st.dataframe(pd.DataFrame({tr("accounts.col_roles"): [tr(f"role.{r}") for r in facts.roles]}),
                 hide_index=True, key=f"{P}.roles_{row.id}")
    cols = st.columns(2)
    grantable = [r for r in facts.grantable if r not in facts.roles]
    if grantable:
        role = cols[0].selectbox(tr("uadmin.grant_role"), grantable, format_func=lambda r: tr(f"role.{r}"),
                                 key=f"{P}.grant_pick_{row.id}")
        with cols[0]:
            offer(step("grant", tr("uadmin.grant"), partial(admin_desk.write, uow, unit_admin.grant, admin, row.id,
                                                             role)))
    held = [r for r in facts.roles if r in unit_admin.BUSINESS_ROLES]
    if held:
        role_out = cols[1].selectbox(tr("uadmin.revoke_role"), held, format_func=lambda r: tr(f"role.{r}"),
                                     key=f"{P}.revoke_pick_{row.id}")
        with cols[1]:
            offer(step("revoke", tr("uadmin.revoke"), partial(admin_desk.write, uow, unit_admin.revoke, admin,
                                                              row.id, role_out)))
