"""Unit registration (issue 6), reachable without login from the login page: unit name, unified social
credit code (check character validated in core), legal representative, contact phone, the HR bureau of
the region and the authorization letter. The unit then waits for that bureau's manual review.
The shell shows this instead of the login form while ``auth.unit_register`` is set in session state.
"""
from __future__ import annotations

import streamlit as st

from core.desks import admin as admin_desk
from core.common.errors import DomainError
from core.org.unit_registration import UnitForm, region_bureaus
from db.uow import UnitOfWork
from ui.i18n import show_error, tr, tr_safe

UNIT_REGISTER = "auth.unit_register"
P = "unitreg"
DONE = f"{P}.done_name"
LETTER_TYPES = ["pdf", "jpg", "jpeg", "png"]


def _open() -> None:
    st.session_state[UNIT_REGISTER] = True


def _back() -> None:
    st.session_state.pop(UNIT_REGISTER, None)
    st.session_state.pop(DONE, None)


def open_button() -> None:
    """The way in, shown under the login form."""
    st.button(tr("unitreg.open"), key="login.unit_register", on_click=_open, icon=":material/domain_add:")


def render(uow: UnitOfWork) -> None:
    st.title(tr("unitreg.title"))
    done = st.session_state.get(DONE)
    if done:
        st.success(tr_safe("unitreg.done", name=done))
        st.button(tr("unitreg.back"), key=f"{P}.back_done", on_click=_back, type="primary")
        return
    st.caption(tr("unitreg.intro"))
    bureaus = dict(admin_desk.read(uow, region_bureaus))
    name = st.text_input(tr("unitreg.name"), key=f"{P}.name", max_chars=100)
    code = st.text_input(tr("unitreg.uscc"), key=f"{P}.uscc", max_chars=18)
    rep = st.text_input(tr("unitreg.legal_rep"), key=f"{P}.legal_rep", max_chars=30)
    phone = st.text_input(tr("unitreg.phone"), key=f"{P}.phone", max_chars=20)
    region = st.selectbox(tr("unitreg.region"), list(bureaus), format_func=bureaus.get, index=None,
                          key=f"{P}.region")
    letter = st.file_uploader(tr("unitreg.letter"), type=LETTER_TYPES, key=f"{P}.letter")
    submitted = st.button(tr("unitreg.submit"), key=f"{P}.submit", type="primary")
    st.button(tr("unitreg.back"), key=f"{P}.back", on_click=_back)
    if not submitted:
        return
    try:
        registered = admin_desk.register_unit(uow, UnitForm(name, code, rep, phone), region,
                                              letter.getvalue() if letter else None, letter.name if letter else "")
    except DomainError as error:
        show_error(error)
        return
    st.session_state[DONE] = registered
    st.rerun()
