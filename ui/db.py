"""The app's unit of work, built once per database URL per process (``st.cache_resource``).

Keyed by the URL so tests (and a changed setting) get their own engine. Building it also
prepares the database once: migrations, and the demo province in demo mode; and starts the audit
trail's external checkpoints (core.audit.checkpoint). Pages hand
``uow()`` to the services of ``core``; they never open sessions themselves.
"""
from __future__ import annotations

import streamlit as st

from core.setup.bootstrap import cookie_secret, prepare, start_audit_checkpoints
from db.session import database_url
from db.uow import UnitOfWork


@st.cache_resource(show_spinner=False)
def _uow_for(url: str) -> UnitOfWork:
    uow = UnitOfWork.from_url(url)
    prepare(uow)
    start_audit_checkpoints(uow)
    return uow


@st.cache_resource(show_spinner=False)
def _cookie_key_for(url: str) -> str:
    return cookie_secret(_uow_for(url))


def uow() -> UnitOfWork:
    return _uow_for(database_url())


def cookie_key() -> str:
    return _cookie_key_for(database_url())
