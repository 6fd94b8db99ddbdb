"""Who is signed in and in which context, for pages: set by Home.py on every run, read by pages.

Home.py resolves the session token on every run (core.desks.login.resolve) before any page runs, so what
pages read here is never older than the current request.
"""
from __future__ import annotations

import streamlit as st

from core.identity.sessions import Principal
from core.workflow import Actor

PRINCIPAL = "app.principal"
ACTOR = "app.actor"
FLASH = "app.flash"


def set_current(principal: Principal | None, actor: Actor | None) -> None:
    st.session_state[PRINCIPAL] = principal
    st.session_state[ACTOR] = actor


def principal() -> Principal | None:
    return st.session_state.get(PRINCIPAL)


def actor() -> Actor | None:
    return st.session_state.get(ACTOR)


def flash(kind: str, text: str) -> None:
    """A message to show at the top of the next run (e.g. after a change and ``st.rerun()``)."""
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop(FLASH, (None, None))
    if kind == "success":
        st.success(text)
    elif kind == "info":
        st.info(text)
    elif kind == "error":
        st.error(text)
