"""The unit admin's accounts workspace: list (ID numbers masked), enable/disable, unlock, reset; roles,
names, leaving, handover, new accounts and personal accounts (ui.account_admin).

A reset shows the generated one-time password once (it is kept only until the next click) and the
account must change it at first login. Every action is core.identity.unit_accounts' (scope-checked, audited).
"""
from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from core.identity import unit_accounts
from core.identity.unit_accounts import AccountRow
from core.workflow import Actor
from core.desks.workspaces import may_use
from ui import account_admin, actions, db, state
from ui.i18n import tr, tr_safe

WS = "unit_accounts"
TEMP = f"{WS}.temp_password"


def _status(row: AccountRow) -> str:
    parts = [tr("accounts.status_enabled" if row.enabled else "accounts.status_disabled")]
    if row.locked:
        parts.append(tr("accounts.status_locked"))
    if row.must_change_password:
        parts.append(tr("accounts.status_must_change"))
    return " · ".join(parts)


def render() -> None:
    admin = state.actor()
    st.title(tr(f"ws.{WS}"))
    if not may_use(admin, WS):
        st.error(tr("error.not_found"))
        return
    state.show_flash()
    actions.show_outcome(WS)
    temp = st.session_state.pop(TEMP, None)
    if temp:
        st.warning(tr_safe("accounts.temp_password", password=temp))
    listing, joining, creating = st.tabs([tr("uadmin.tab_accounts"), tr("uadmin.tab_new"), tr("uadmin.tab_create")])
    with joining:
        account_admin.new_accounts(admin)
    with creating:
        account_admin.create_personal(admin)
    with listing:
        _listing(admin)


def _listing(admin: Actor) -> None:
    search = st.text_input(tr("accounts.search"), key=f"{WS}.search")
    rows = unit_accounts.load_accounts(db.uow(), admin, search or None)
    if not rows:
        st.info(tr("accounts.empty"))
        return
    st.dataframe(pd.DataFrame([{
        tr("accounts.col_login"): r.login_name, tr("accounts.col_name"): r.person_name,
        tr("accounts.col_id_number"): r.id_number, tr("accounts.col_unit"): r.unit_name,
        tr("accounts.col_roles"): "、".join(tr(f"role.{x}") for x in r.roles), tr("accounts.col_status"): _status(r),
    } for r in rows]), hide_index=True, key=f"{WS}.table")
    by_id = {r.id: r for r in rows}
    if st.session_state.get(f"{WS}.pick") not in by_id:
        st.session_state[f"{WS}.pick"] = next(iter(by_id))
    picked = st.selectbox(tr("accounts.select"), list(by_id), key=f"{WS}.pick",
                          format_func=lambda i: f"{by_id[i].login_name} · {by_id[i].person_name}")
    _actions(admin, by_id[picked])
    account_admin.account_panel(admin, by_id[picked])


def _actions(admin: Actor, row: AccountRow) -> None:
    uow = db.uow()
    cols = st.columns(3)
    with cols[0]:
        turn_on = not row.enabled
        step = account_admin.step("enable" if turn_on else "disable",
                                  tr("accounts.enable" if turn_on else "accounts.disable"),
                                  partial(unit_accounts.do_set_enabled, uow, admin, row.id, turn_on))
        account_admin.offer(step)
    with cols[1]:
        account_admin.offer(account_admin.step("unlock", tr("accounts.unlock"),
                                               partial(unit_accounts.do_unlock, uow, admin, row.id)),
                            disabled=not row.locked)
    with cols[2]:
        reset = partial(unit_accounts.do_reset_password, uow, admin, row.id)
        account_admin.offer(account_admin.step("reset", tr("accounts.reset"), reset, temp=True))
