"""评审监控 / The chair's live console (001 §6.2.10.7): for the chair, vice chairs and the committee unit.

Pick a session; its figures (core.panel.console: present, members, quorum, each group's review and
vote progress, each dossier's eligible voters and votes cast, never a choice) are drawn inside a
fragment that refreshes on its own every few seconds (``TITLES_CONSOLE_REFRESH_SECONDS``, default 3).
When the session's status changes under it the whole page runs again, so the chair's 统票 button
(with a confirmation) appears once the committee vote is open, and the results once it is tallied.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.common.config import console_refresh_seconds
from core.panel import console, views
from core.workflow import Actor
from ui import db, panel_common as common, panel_meeting, panel_results, worktabs
from ui.i18n import tr

WS = "panel_console"
PICK = f"{WS}.session"


def render() -> None:
    actor = worktabs.open_workspace(WS)
    if actor is None:
        return
    rows = _sessions(actor)
    if not rows:
        st.info(tr("panel_console.no_sessions"))
        return
    by_id = {r.id: r for r in rows}
    if st.session_state.get(PICK) not in by_id:  # the session that needs watching first: voting, then reviewing
        order = {"committee_voting": 0, "reviewing": 1, "setup": 2}
        st.session_state[PICK] = min(rows, key=lambda r: (order.get(r.status, 3), -r.id)).id
    picked = by_id[st.selectbox(tr("panel_admin.pick"), list(by_id), key=PICK,
                                format_func=lambda i: common.session_label(by_id[i]))]
    st.fragment(_live, run_every=console_refresh_seconds())(actor, picked.id, picked.status)
    if picked.status == "committee_voting" and actor.role == "chair":
        panel_meeting.tally_button(WS, actor, picked)
    if picked.status == "tallied":
        _results(actor, picked.id)


def _sessions(actor: Actor) -> list[views.SessionRow]:
    if actor.role == "committee_operator":
        return views.sessions(db.uow(), actor)
    return views.member_sessions(db.uow(), actor, ("chair", "vice_chair"))


def _live(actor: Actor, session_id: int, status_seen: str) -> None:
    """The refreshing part: figures only; a changed status runs the whole page again."""
    c = console.console(db.uow(), actor, session_id)
    if c.session.status != status_seen:
        st.rerun()
    common.heading(c.session)
    panel_meeting.quorum_line(c)
    st.caption(tr("panel_admin.votes_cast", cast=c.votes_cast, expected=c.votes_expected,
                  stage=tr(f"panel_admin.stage.{c.stage}")))
    if c.groups:
        st.subheader(tr("panel_console.groups"))
        st.dataframe(pd.DataFrame([{
            tr("panel_admin.col.group"): g.name, tr("col.state"): tr(f"panel.group.{g.status}"),
            tr("panel_admin.col.dossiers"): g.dossiers, tr("panel_console.col.reviews"): g.reviews,
            tr("panel_console.col.reviews_final"): g.reviews_final, tr("panel_console.col.group_votes"): g.group_votes,
        } for g in c.groups]), hide_index=True, key=f"{WS}.groups")
    if c.dossiers:
        st.subheader(tr("panel_console.dossiers"))
        dossier, group = tr("panel_admin.col.dossier"), tr("panel_admin.col.group")  # once, not once per row
        eligible, voted = tr("panel_console.col.eligible"), tr("panel_console.col.voted")
        st.dataframe(pd.DataFrame({
            dossier: [d.label for d in c.dossiers], group: [d.group for d in c.dossiers],
            eligible: [d.eligible for d in c.dossiers], voted: [d.voted for d in c.dossiers],
        }), hide_index=True, key=f"{WS}.dossiers")
        _chart(c)


def _chart(c: console.Console) -> None:
    """Votes cast and still expected per dossier, stacked."""
    voted, waiting = tr("panel_console.col.voted"), tr("panel_console.waiting")
    frame = pd.DataFrame({
        "dossier": [d.label for d in c.dossiers for _ in (0, 1)],
        "kind": [voted, waiting] * len(c.dossiers),
        "count": [n for d in c.dossiers for n in (d.voted, max(0, d.eligible - d.voted))]})
    # the Vega-Lite spec as data: Altair would validate its schema on every refresh (~5 ms of the ~12)
    st.vega_lite_chart(frame, {"mark": "bar", "encoding": {
        "x": {"field": "count", "type": "quantitative", "title": tr("panel_console.chart_votes"), "stack": "zero"},
        "y": {"field": "dossier", "type": "nominal", "title": tr("panel_admin.col.dossier"), "sort": None},
        "color": {"field": "kind", "type": "nominal", "title": "", "sort": [voted, waiting]}}}, key=f"{WS}.chart")


def _results(actor: Actor, session_id: int) -> None:
    _session, rows = views.results(db.uow(), actor, session_id)
    st.subheader(tr("panel_console.results"))
    if rows:
        panel_results.results_table(f"{WS}.results", rows)
    if actor.role == "committee_operator":
        panel_results.downloads(WS, actor, session_id)
