"""The unit admin's further account tools on the accounts workspace (issue 6): new accounts waiting to
join (新进账号管理), personal accounts created by the unit, and per account: roles (grant / revoke under
the mutual-exclusion rules), the name, editing before the first business step, leaving the unit
(账号退出管理) and handing the admin role over. Irreversible steps need a ticked confirmation."""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.desks import admin as admin_desk
from core.desks.admin import people, personal_accounts, unit_admin
from core.common.errors import DomainError
from core.org.unit_accounts import AccountRow
from core.workflow import Actor
from ui import db, state
from ui.i18n import show_error, tr

P = "unit_accounts"
TEMP = f"{P}.temp_password"  # shown once by ui.accounts


def run_action(action: Callable[[], object], temp: bool = False) -> None:
    """Run one account action; flash success, or keep a one-time password to show once (``temp``)."""
    try:
        result = action()
    except DomainError as error:
        show_error(error)
        return
    if temp:
        st.session_state[TEMP] = result[1] if isinstance(result, tuple) else result
    else:
        state.flash("success", tr("accounts.done"))
    st.rerun()


def new_accounts(admin: Actor) -> None:
    """Binding requests waiting for the admin's unit: accept or reject each."""
    uow = db.uow()
    rows = admin_desk.read(uow, people.pending_bindings, admin)
    if not rows:
        st.info(tr("uadmin.no_new"))
        return
    for binding_id, name, requested_at in rows:
        cols = st.columns([3, 1, 1])
        cols[0].write(f"{name} · {requested_at:%Y-%m-%d %H:%M}")
        if cols[1].button(tr("uadmin.accept"), key=f"{P}.bind_accept_{binding_id}"):
            run_action(lambda b=binding_id: admin_desk.write(uow, people.decide_binding, admin, b, True))
        if cols[2].button(tr("uadmin.reject"), key=f"{P}.bind_reject_{binding_id}"):
            run_action(lambda b=binding_id: admin_desk.write(uow, people.decide_binding, admin, b, False))


def create_personal(admin: Actor) -> None:
    """Create a declarant's account bound to the unit; its one-time password is shown once."""
    st.caption(tr("uadmin.create_intro"))
    name = st.text_input(tr("reg.name"), key=f"{P}.new_name", max_chars=30)
    id_number = st.text_input(tr("reg.id_number"), key=f"{P}.new_id", max_chars=18)
    phone = st.text_input(tr("reg.phone"), key=f"{P}.new_phone", max_chars=11)
    if st.button(tr("uadmin.create"), key=f"{P}.create", type="primary"):
        run_action(lambda: admin_desk.write(db.uow(), personal_accounts.create_personal_account, admin,
                                      name=name, id_number=id_number, phone=phone), temp=True)


def account_panel(admin: Actor, row: AccountRow) -> None:
    uow = db.uow()
    facts = admin_desk.account_facts(uow, admin, row.id)
    _roles(admin, row, facts)
    with st.expander(tr("uadmin.edit_title")):
        name = st.text_input(tr("reg.name"), value=row.person_name, key=f"{P}.name_{row.id}", max_chars=30)
        if st.button(tr("uadmin.complete_name"), key=f"{P}.save_name_{row.id}"):
            run_action(lambda: admin_desk.write(uow, unit_admin.complete_name, admin, row.id, name))
        if facts.editable:
            phone = st.text_input(tr("reg.phone"), key=f"{P}.phone_{row.id}", max_chars=11)
            if st.button(tr("uadmin.edit_personal"), key=f"{P}.edit_{row.id}"):
                run_action(lambda: admin_desk.write(uow, personal_accounts.edit_personal_account, admin, row.id,
                                              name=name, phone=phone))
        else:
            st.caption(tr("admin.not_editable"))
    with st.expander(tr("uadmin.leave_title")):
        sure = st.checkbox(tr("uadmin.leave_confirm", name=row.person_name), key=f"{P}.leave_ok_{row.id}")
        if st.button(tr("uadmin.leave"), key=f"{P}.leave_{row.id}", disabled=not sure):
            run_action(lambda: admin_desk.write(uow, unit_admin.leave_unit, admin, row.id))
    with st.expander(tr("uadmin.handover_title")):
        sure = st.checkbox(tr("uadmin.handover_confirm", name=row.person_name), key=f"{P}.handover_ok_{row.id}")
        if st.button(tr("uadmin.handover"), key=f"{P}.handover_{row.id}", disabled=not sure):
            run_action(lambda: admin_desk.write(uow, unit_admin.hand_over, admin, row.id))


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
        if cols[0].button(tr("uadmin.grant"), key=f"{P}.grant_{row.id}"):
            run_action(lambda: admin_desk.write(uow, unit_admin.grant, admin, row.id, role))
    held = [r for r in facts.roles if r in unit_admin.BUSINESS_ROLES]
    if held:
        role_out = cols[1].selectbox(tr("uadmin.revoke_role"), held, format_func=lambda r: tr(f"role.{r}"),
                                     key=f"{P}.revoke_pick_{row.id}")
        if cols[1].button(tr("uadmin.revoke"), key=f"{P}.revoke_{row.id}"):
            run_action(lambda: admin_desk.write(uow, unit_admin.revoke, admin, row.id, role_out))
