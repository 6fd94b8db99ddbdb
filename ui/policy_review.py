"""The policy reviewer's extra tab: the initial-review records (初审: result and opinion, which decide
nothing) of the declaration picked in the inbox. The moves themselves are the generic workspace's."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.desks import generic as desk

from core.review import policy_review
from core.common.errors import DomainError
from core.workflow import Actor
from ui import db, dossier_view
from ui.i18n import show_error, tr

WS = "policy_review"


def initial_tab(actor: Actor) -> None:
    st.caption(tr("review.initial_hint"))
    rows = desk.load_inbox(db.uow(), actor, WS, limit=500).rows
    if not rows:
        st.info(tr("ws.empty"))
        return
    labels = {r.id: f"#{r.id} {r.applicant_name} · {tr(f'state.{r.state}')}" for r in rows}
    if st.session_state.get(f"{WS}.initial_pick") not in labels:
        st.session_state[f"{WS}.initial_pick"] = rows[0].id
    picked = st.selectbox(tr("ws.select"), list(labels), format_func=labels.get, key=f"{WS}.initial_pick")
    try:
        records = policy_review.load_initial_reviews(db.uow(), actor, picked)
    except DomainError as error:
        show_error(error)
        return
    if not records:
        st.caption(tr("review.initial_none"))
        return
    st.dataframe(pd.DataFrame([{
        tr("col.time"): dossier_view.when(r.at), tr("review.col_reviewer"): r.reviewer,
        tr("review.col_result"): tr(f"act.result_{r.result}") if r.result in ("pass", "fail") else r.result,
        tr("review.col_opinion"): r.opinion,
    } for r in records]), hide_index=True, key=f"{WS}.initial_reviews")
