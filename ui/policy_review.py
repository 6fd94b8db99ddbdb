"""The policy reviewer's extra tab: the initial-review records (初审: result and opinion, which decide
nothing) of the declaration picked in the inbox. The moves themselves are the generic workspace's."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core import policy_review
from core.errors import DomainError
from core.workflow import Actor
from ui import db, dossier_view
from ui.i18n import show_error, tr

WS = "policy_review"


def initial_tab(actor: Actor) -> None:
    st.caption(tr("review.initial_hint"))
    picked = st.session_state.get(f"{WS}.pick")
    if not isinstance(picked, int):
        st.info(tr("review.pick_first"))
        return
    try:
        records = policy_review.load_initial_reviews(db.engine(), actor, picked)
    except DomainError as error:
        show_error(error)
        return
    st.markdown(f"**{tr('detail.title', id=picked)}**")
    if not records:
        st.caption(tr("review.initial_none"))
        return
    st.dataframe(pd.DataFrame([{
        tr("col.time"): dossier_view.when(r.at), tr("review.col_reviewer"): r.reviewer,
        tr("review.col_result"): tr(f"act.result_{r.result}") if r.result in ("pass", "fail") else r.result,
        tr("review.col_opinion"): r.opinion,
    } for r in records]), hide_index=True, key=f"{WS}.initial_reviews")
