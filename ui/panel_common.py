"""Small pieces the panel pages share: how a session, a member and a specialty are named on screen."""
from __future__ import annotations

import streamlit as st

from core.declaring.catalogue import SERIES
from core.panel import views
from ui.i18n import lang, plain, tr

_SPECIALTIES = {code: (zh, en) for s in SERIES for code, zh, en in s[4]}


# A picker's labels never change with a status or the language: Streamlit keeps a selectbox's choice by
# its label, and a label that changed under it would lose the choice.

def session_label(r: views.SessionRow) -> str:
    return f"#{r.id} {r.title} · {r.committee}（{r.year}）"


def heading(r: views.SessionRow) -> None:
    """The picked session's line at the top of each of its tabs (the title was typed: escaped)."""
    st.markdown(f"**{plain(r.title)}** · {plain(r.committee)}（{r.year}）· {tr(f'panel.status.{r.status}')}")


def yes(flag: bool | None) -> str:
    if flag is None:
        return ""
    return tr("panel_admin.yes") if flag else tr("panel_admin.no")


def specialty(code: str | None) -> str:
    if not code:
        return ""
    names = _SPECIALTIES.get(code)
    return (names[0] if lang() == "zh" else names[1]) if names else code


def duty(code: str) -> str:
    return tr(f"panel.duty.{code}")


def member_label(m: views.Member) -> str:
    return f"{m.name}（{m.unit}）"
