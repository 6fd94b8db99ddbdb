"""统票结果 / A session's results (001 §6.2.10.7–8): the confirmed committee tally per dossier, with the
group's recommendation, and the decision table (评审表决表) to download as Excel or PDF.

The decision table is built only on the click (core.panel.decision_table); while that module is not
installed the downloads are simply not offered.
"""
from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from core.panel import views
from core.workflow import Actor
from ui import db, panel_common as common
from ui.i18n import tr

try:  # the decision table is its own module (Excel and PDF); the results show without it
    from core.panel import decision_table
except ImportError:  # pragma: no cover - until it lands
    decision_table = None

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def results_tab(ws: str, actor: Actor, session_id: int) -> None:
    session, rows = views.results(db.uow(), actor, session_id)
    common.heading(session)
    if not rows:
        st.info(tr("panel_admin.no_results"))
        return
    results_table(f"{ws}.results", rows)
    downloads(ws, actor, session_id)


def results_table(key: str, rows: list[views.ResultRow]) -> None:
    st.dataframe(pd.DataFrame([{
        tr("col.applicant"): r.applicant, tr("col.unit"): r.unit,
        tr("panel_admin.col.specialty"): common.specialty(r.specialty_code),
        tr("panel_admin.col.members"): r.members, tr("panel_admin.col.present"): r.present,
        tr("panel_admin.col.yes"): r.yes, tr("panel_admin.col.no"): r.no, tr("panel_admin.col.abstain"): r.abstain,
        tr("panel_admin.col.passed"): common.yes(r.passed), tr("panel_admin.col.group_passed"): common.yes(r.group_passed),
    } for r in rows]), hide_index=True, key=key)


def _excel(uow, actor: Actor, session_id: int) -> bytes:
    return decision_table.excel_bytes(decision_table.build(uow, actor, session_id))


def _pdf(uow, actor: Actor, session_id: int) -> bytes:
    return decision_table.pdf_bytes(decision_table.build(uow, actor, session_id))


def downloads(ws: str, actor: Actor, session_id: int) -> None:
    """评审表决表 as Excel and PDF, built on the click."""
    if decision_table is None:
        return
    uow = db.uow()
    cols = st.columns(2)
    cols[0].download_button(tr("panel_admin.download_excel"), key=f"{ws}.decision_xlsx", mime=XLSX,
                            on_click="ignore", icon=":material/download:", file_name=f"decision-{session_id}.xlsx",
                            data=partial(_excel, uow, actor, session_id))
    cols[1].download_button(tr("panel_admin.download_pdf"), key=f"{ws}.decision_pdf", mime="application/pdf",
                            on_click="ignore", icon=":material/download:", file_name=f"decision-{session_id}.pdf",
                            data=partial(_pdf, uow, actor, session_id))
