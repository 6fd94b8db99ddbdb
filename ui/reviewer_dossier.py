"""The dossier a reviewing expert reads (core.panel.reviewer_dossier): facts, records per module, evidence
and blind-review opinions as downloads fetched on click (served without metadata under blind review).
Everything a person typed is shown as text or in a table, never as markdown."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.panel import reviewer_dossier
from core.workflow import Actor
from ui import db
from ui.i18n import plain, tr


def render(actor: Actor, assignment_id: int, key: str) -> None:
    d = reviewer_dossier.dossier(db.uow(), actor, assignment_id)
    with st.expander(tr("reviewer_dossier.title"), expanded=False):
        if d.blind:
            st.caption(tr("reviewer_dossier.blind"))
        for label, value in ((tr("reviewer_dossier.applicant"), d.applicant), (tr("reviewer_dossier.unit"), d.unit),
                             (tr("reviewer_dossier.sought"), f"{d.series} / {d.specialty} / {d.level}")):
            st.text(f"{label}：{value}")
        if not d.records:
            st.caption(tr("reviewer_dossier.no_records"))
        for module, items in d.records.items():
            st.caption(f"{tr('missing.module.' + module)}（{len(items)}）")
            st.dataframe(pd.DataFrame(items).astype(str), hide_index=True, key=f"{key}.{module}")
        _files(actor, assignment_id, "evidence", d.evidence, tr("reviewer_dossier.evidence"), key)
        _files(actor, assignment_id, "opinion", d.blind_opinions, tr("reviewer_dossier.opinions"), key)


def _files(actor: Actor, assignment_id: int, kind: str, files: list[tuple[int, str, str]], title: str,
           key: str) -> None:
    st.caption(title)
    if not files:
        st.text(tr("reviewer_dossier.none"))
    for file_id, name, media_type in files:
        def fetch(file_id: int = file_id) -> bytes:
            return reviewer_dossier.open_file(db.uow(), actor, assignment_id, kind, file_id)[2]
        st.download_button(plain(name), data=fetch, file_name=name, mime=media_type or "application/octet-stream",
                           on_click="ignore", key=f"{key}.{kind}.{file_id}")
