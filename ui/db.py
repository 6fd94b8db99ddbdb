"""The app's engine, built once per database URL per process (``st.cache_resource``).

Keyed by the URL so tests (and a changed setting) get their own engine. Building it also
prepares the database once: migrations, and the demo province in demo mode.
"""
from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from core.setup.bootstrap import cookie_secret, prepare
from db.session import database_url
from db.session import make_engine


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    engine = make_engine(url)
    prepare(engine)
    return engine


@st.cache_resource(show_spinner=False)
def _cookie_key_for(url: str) -> str:
    return cookie_secret(_engine_for(url))


def engine() -> Engine:
    return _engine_for(database_url())


def cookie_key() -> str:
    return _cookie_key_for(database_url())
