"""Rendering-side i18n: ``tr(key, **params)`` in the language chosen in the sidebar (zh by default)."""
from __future__ import annotations

import re

import streamlit as st

from core.common.i18n import DEFAULT_LANG, LANGS, t

LANG_KEY = "lang"
SWITCH_KEY = "app.lang"
LANG_NAMES = {"zh": "中文", "en": "English"}


def lang() -> str:
    value = st.session_state.setdefault(LANG_KEY, DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def tr(key: str, **params: object) -> str:
    return t(key, lang(), **params)


_MARKDOWN = re.compile(r"([\\`*_\[\]$~|])")


def plain(text: str) -> str:
    """User text (names, reasons) inside a Markdown body: its Markdown characters escaped, shown as typed."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def error_text(error: Exception) -> tuple[str, list[str]]:
    """A domain error's message and detail lines in the current language."""
    message = getattr(error, "message", None)
    if not callable(message):
        return tr("error.generic"), []
    details = [t(d, lang()) if isinstance(d, str) else str(d) for d in getattr(error, "details", [])]
    return message(lang()), details


def show_error(error: Exception) -> None:
    """Show a domain error: its message, then its details as a list; never a traceback."""
    text, details = error_text(error)
    st.error(plain(text) + ("\n\n" + "\n".join(f"- {plain(d)}" for d in details) if details else ""))


def _sync_lang() -> None:
    st.session_state[LANG_KEY] = st.session_state[SWITCH_KEY]


def language_switch() -> None:
    """The sidebar language picker; the choice lives in session state under ``lang``."""
    current = lang()
    st.session_state.setdefault(SWITCH_KEY, current)
    st.sidebar.radio(tr("app.lang"), list(LANGS), format_func=LANG_NAMES.get, key=SWITCH_KEY,
                     on_change=_sync_lang, horizontal=True)
