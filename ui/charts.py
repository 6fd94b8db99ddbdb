"""The home page's charts: declarations by state (bar), the pipeline funnel, new per week (line).

Numbers come from core.desks.home through ``st.cache_data(ttl=30)`` with simple arguments only.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import altair as alt
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from db.session import database_url
from core.desks.home import home_numbers
from core.workflow import Actor
from ui import db
from ui.i18n import tr


@st.cache_data(ttl=30, show_spinner=False)
def _numbers(url: str, actor_fields: tuple) -> dict[str, Any]:
    del url  # part of the cache key only: one cache entry per database
    return home_numbers(db.engine(), Actor(*actor_fields))


def numbers(actor: Actor) -> dict[str, Any]:
    return _numbers(database_url(), dataclasses.astuple(actor))


def by_state_bar(counts: dict[str, int], key: str) -> None:
    frame = pd.DataFrame({tr("chart.state"): [tr(f"state.{s}") for s in counts],
                          tr("chart.count"): list(counts.values())})
    figure = go.Figure(go.Bar(x=frame[tr("chart.state")], y=frame[tr("chart.count")]))
    figure.update_layout(title=tr("chart.by_state"), height=340, margin=dict(l=10, r=10, t=40, b=10))
    st.plotly_chart(figure, key=key)


def funnel(stages: list[tuple[str, int]], flow: str, key: str) -> None:
    figure = go.Figure(go.Funnel(y=[tr(f"stage.{s}") for s, _ in stages], x=[n for _, n in stages],
                                 textinfo="value+percent initial"))
    figure.update_layout(title=f"{tr('chart.funnel')} · {tr(f'flow.{flow}')}", height=340,
                         margin=dict(l=10, r=10, t=40, b=10))
    st.plotly_chart(figure, key=key)


def weekly_line(weeks: list[tuple[Any, int]], key: str) -> None:
    frame = pd.DataFrame({"week": [pd.Timestamp(day) for day, _ in weeks], "count": [n for _, n in weeks]})
    chart = (alt.Chart(frame, title=tr("chart.weekly")).mark_line(point=True)
             .encode(x=alt.X("week:T", title=tr("chart.week")), y=alt.Y("count:Q", title=tr("chart.count")))
             .properties(height=300))
    st.altair_chart(chart, key=key)
