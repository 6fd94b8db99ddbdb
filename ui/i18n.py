"""Rendering-side i18n: ``tr(key, **params)`` in the language chosen in the sidebar (zh by default)."""
from __future__ import annotations

import re

import streamlit as st

from core.common.i18n import DEFAULT_LANG, LANGS, NESTED, t

LANG_KEY = "lang"
SWITCH_KEY = "app.lang"
LANG_NAMES = {"zh": "中文", "en": "English"}


def lang() -> str:
    value = st.session_state.setdefault(LANG_KEY, DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def tr(key: str, **params: object) -> str:
    return t(key, lang(), **params)


_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character (CommonMark may escape each)
_SHORTCODE = re.compile(r"\\:(?=(?:\\?[\w+-])+\\:)", re.ASCII)  # :smile: (emoji shortcodes are matched after unescaping)
_BREAK = re.compile(r"\s*(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])\s*")


def plain(text: object) -> str:
    """Text people typed (names, reasons, titles) as literal text inside anything Streamlit renders as Markdown.

    The one guard for user text in ``st.markdown``, ``st.caption``, headings, alerts, toasts and widget, expander,
    tab and dialog labels: every ASCII punctuation character is backslash-escaped, so no emphasis, link, image,
    heading, list, quote, table, HTML tag, entity, ``$`` maths, ``:red[...]`` directive or ``:material/...:``
    icon can form, and bare URLs (``http\\://``, ``www\\.``) are not autolinked; line breaks become one space
    and the ends are trimmed, so no new block (and no indented code) starts; ``:word:`` emoji shortcodes get a
    zero-width space after the colon. The text shows as typed. Where a widget shows its text as plain text
    (selectbox and multiselect options, dataframes, ``st.text``), pass it unescaped.
    """
    escaped = _PUNCTUATION.sub(r"\\\1", _BREAK.sub(" ", str(text)).strip())
    return _SHORTCODE.sub("\\:\u200b", escaped)


def tr_safe(key: str, **params: object) -> str:
    """``tr`` for Markdown: the catalogue's template as written, every text parameter through :func:`plain`
    (a parameter that is itself a catalogue key, ``state.x``, ``action.y``..., is translated first)."""
    language = lang()
    return t(key, language, **{k: plain(t(v, language) if isinstance(v, str) and v.startswith(NESTED) else v)
                               if isinstance(v, str) else v for k, v in params.items()})


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
