"""Rendering of one declaration's dossier: facts, records per module, attachments, timeline (追踪)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core.declaring.dossier import Dossier
from core.reporting.stats import CHINA_TZ
from ui.i18n import lang, plain, tr


def when(value: dt.datetime | None) -> str:
    """A timestamp in China time, to the minute."""
    return value.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if value else ""


def _name(pair: tuple[str, str] | None) -> str:
    if not pair:
        return "—"
    return pair[0] if lang() == "zh" else pair[1]


def holder_text(d: Dossier) -> str:
    if d.holder_name:
        who = d.holder_name
    elif d.held_by_applicant:
        who = tr("detail.holder_applicant")
    else:
        who = tr("detail.holder_none")
    return f"{who}（{tr('detail.since', time=when(d.state_since))}）" if lang() == "zh" \
        else f"{who} ({tr('detail.since', time=when(d.state_since))})"


def facts(d: Dossier) -> None:
    rows = [
        (tr("detail.applicant"), d.applicant_name), (tr("detail.id_number"), d.id_number),
        (tr("detail.phone"), d.phone), (tr("detail.unit"), d.unit_name),
        (tr("detail.title_sought"), " / ".join((_name(d.series), _name(d.specialty), _name(d.level)))),
        (tr("detail.year"), str(d.year)), (tr("detail.method"), tr(f"method.{d.method}")),
        (tr("detail.review_type"), tr(f"review_type.{d.review_type}") if d.review_type else "—"),
        (tr("detail.committee"), d.committee_name or "—"), (tr("detail.state"), tr(f"state.{d.state}")),
        (tr("detail.holder"), holder_text(d)),
    ]
    left, right = st.columns(2)
    for i, (label, value) in enumerate(rows):
        (left if i % 2 == 0 else right).markdown(f"**{label}**：{plain(value)}")


def records(d: Dossier, key: str) -> None:
    st.markdown(f"#### {tr('detail.records')}")
    if not d.records:
        st.caption(tr("detail.no_records"))
    for module, items in d.records.items():
        with st.expander(f"{tr('missing.module.' + module)}（{len(items)}）"):
            st.dataframe(pd.DataFrame(items).astype(str), hide_index=True, key=f"{key}.module.{module}")
    st.markdown(f"#### {tr('detail.attachments')}")
    if not d.attachments:
        st.caption(tr("detail.no_attachments"))
    else:
        st.markdown("\n".join(f"- {plain(name)}" for _, name in d.attachments))


def timeline(d: Dossier, key: str) -> None:
    st.markdown(f"#### {tr('detail.timeline')}")
    if not d.timeline:
        st.caption(tr("detail.timeline_empty"))
        return
    frame = pd.DataFrame([{
        tr("col.time"): when(e.at), tr("col.action"): tr(f"action.{e.action}"),
        tr("col.from"): tr(f"state.{e.from_state}") if e.from_state else "",
        tr("col.to"): tr(f"state.{e.to_state}") if e.to_state else "",
        tr("col.actor"): " / ".join(x for x in (e.unit_name, tr(f"role.{e.role}") if e.role else None) if x),
        tr("col.comment"): e.comment or "",
    } for e in d.timeline])
    st.dataframe(frame, hide_index=True, key=f"{key}.timeline")
