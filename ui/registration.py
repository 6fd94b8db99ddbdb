"""Applicant self-registration, reachable without login from the login page (issue 3).

Name, resident ID number (GB 11643 check digit checked in core.identity.people), phone, and a password under
the policy; every problem is listed together. An ID already registered gets "已注册，请直接登录".
After success the page names the account (the ID number) and sends the user back to log in.
The shell shows this instead of the login form while ``auth.register`` is set in session state.
"""
from __future__ import annotations

import streamlit as st

from core.desks import applicant as applicant_desk
from core.common.config import RULES
from core.common.errors import DomainError
from db.uow import UnitOfWork
from ui.i18n import show_error, tr, tr_safe

REGISTER = "auth.register"  # set: the signed-out shell shows this page instead of the login form
DONE = "reg.done"


def _open() -> None:
    st.session_state[REGISTER] = True


def _back() -> None:
    st.session_state.pop(REGISTER, None)
    st.session_state.pop(DONE, None)


def open_button() -> None:
    """The way in, shown under the login form."""
    st.button(tr("reg.open"), key="login.register", on_click=_open, icon=":material/person_add:")


def render(uow: UnitOfWork) -> None:
    st.title(tr("reg.title"))
    done = st.session_state.get(DONE)
    if done:
        st.success(tr_safe("reg.done", login=done))
        st.button(tr("reg.back"), key="reg.back_done", on_click=_back, type="primary")
        return
    st.caption(tr("reg.intro"))
    with st.expander(tr("password.policy_title")):
        st.markdown("\n".join(f"- {line}" for line in (
            tr("password.rule_length", n=RULES.password_min_length),
            tr("password.rule_classes", n=RULES.password_min_classes),
            tr("password.rule_personal"), tr("password.rule_weak"))))
    with st.form("reg.form", border=True):
        name = st.text_input(tr("reg.name"), key="reg.name", max_chars=30)
        id_number = st.text_input(tr("reg.id_number"), key="reg.id_number", max_chars=18)
        phone = st.text_input(tr("reg.phone"), key="reg.phone", max_chars=11)
        password = st.text_input(tr("reg.password"), type="password", key="reg.password")
        repeat = st.text_input(tr("reg.repeat"), type="password", key="reg.repeat")
        submitted = st.form_submit_button(tr("reg.submit"), key="reg.submit", type="primary")
    st.button(tr("reg.back"), key="reg.back", on_click=_back)
    if not submitted:
        return
    if password != repeat:
        st.error(tr("reg.mismatch"))
        return
    try:
        login_name = applicant_desk.register(uow, name=name, id_number=id_number, phone=phone, password=password)
    except DomainError as error:
        show_error(error)
        return
    for key in ("reg.password", "reg.repeat"):
        st.session_state.pop(key, None)
    st.session_state[DONE] = login_name
    st.rerun()
