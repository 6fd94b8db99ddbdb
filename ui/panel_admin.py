"""评委会管理 / Panel management (001 §6.2.10.1–3, §6.2.10.7–8), for the committee unit's operator.

The sessions of the unit's committees and a new one; then, for the session picked above the tabs, its
setup (ui.panel_setup), the meeting (attendance, blind-review opinions, votes: ui.panel_meeting) and
the tally's results (ui.panel_results). Every change is one core.panel call through the one action
runner (ui.actions); irreversible steps ask first; domain errors are shown as text.
"""
from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from core.desks import unit as unit_desk
from core.panel import sessions, views
from core.workflow import Actor
from ui import actions, db, panel_common as common, panel_meeting, panel_results, panel_setup, worktabs
from ui.i18n import tr

WS = "panel_admin"
PICK, CREATED = f"{WS}.session", f"{WS}.created"


def render() -> None:
    actor = worktabs.open_workspace(WS)
    if actor is None:
        return
    rows = views.sessions(db.uow(), actor)
    created = st.session_state.pop(CREATED, None)
    if created is not None:
        st.session_state[PICK] = created  # before the picker is drawn: it opens on the new session
    by_id = {r.id: r for r in rows}
    picked = _picker(by_id)
    drawers = {tr("panel_admin.tab.sessions"): partial(_sessions_tab, actor, rows)}
    if picked is not None:
        drawers |= {tr("panel_admin.tab.setup"): partial(panel_setup.setup_tab, WS, actor, picked),
                    tr("panel_admin.tab.attendance"): partial(panel_meeting.attendance_tab, WS, actor, picked),
                    tr("panel_admin.tab.blind"): partial(panel_meeting.blind_tab, WS, actor, picked),
                    tr("panel_admin.tab.votes"): partial(panel_meeting.votes_tab, WS, actor, picked),
                    tr("panel_admin.tab.results"): partial(panel_results.results_tab, WS, actor, picked)}
    worktabs.show_tabs(WS, drawers)


def _picker(by_id: dict[int, views.SessionRow]) -> int | None:
    if not by_id:
        return None
    if st.session_state.get(PICK) not in by_id:
        st.session_state[PICK] = next(iter(by_id))
    return st.selectbox(tr("panel_admin.pick"), list(by_id), key=PICK, format_func=lambda i: common.session_label(by_id[i]))


def _sessions_tab(actor: Actor, rows: list[views.SessionRow]) -> None:
    if rows:
        st.dataframe(pd.DataFrame([{
            tr("col.id"): r.id, tr("panel_admin.col.title"): r.title, tr("panel_admin.col.committee"): r.committee,
            tr("panel_admin.col.year"): str(r.year), tr("col.state"): tr(f"panel.status.{r.status}"),
            tr("panel_admin.col.meeting"): r.meeting_on.isoformat() if r.meeting_on else "",
            tr("panel_admin.col.blind"): common.yes(r.blind_review), tr("panel_admin.col.defense"): common.yes(r.defense),
        } for r in rows]), hide_index=True, key=f"{WS}.sessions")
    else:
        st.info(tr("panel_admin.no_sessions"))
    _create(actor)


def _create(actor: Actor) -> None:
    committees = sessions.own_committees(db.uow(), actor)
    st.subheader(tr("panel_admin.create"))
    if not committees:
        st.info(tr("panel_admin.no_committees"))
        return
    labels = {c[0]: f"{c[1]}（{c[2]}）" for c in committees}
    with st.form(f"{WS}.create_form"):
        committee = st.selectbox(tr("panel_admin.col.committee"), list(labels), format_func=labels.get,
                                 key=f"{WS}.new.committee")
        title = st.text_input(tr("panel_admin.col.title"), key=f"{WS}.new.title", max_chars=sessions.MAX_TITLE)
        meeting = st.date_input(tr("panel_admin.col.meeting"), value=unit_desk.today(), key=f"{WS}.new.meeting")
        cols = st.columns(2)
        blind = cols[0].checkbox(tr("panel_admin.col.blind"), key=f"{WS}.new.blind")
        defense = cols[1].checkbox(tr("panel_admin.col.defense"), key=f"{WS}.new.defense")
        step = actions.Action("create", tr("panel_admin.create_button"), keep=CREATED,
                              done=lambda c, sid: tr("panel_admin.created", id=sid),
                              perform=lambda c: sessions.create(db.uow(), actor, committee, title,
                                                                meeting_on=_date(meeting), blind_review=blind,
                                                                defense=defense))
        actions.action_button(WS, step, form=True, type="primary")
    actions.run(WS, step)


def _date(value) -> dt.date | None:
    return value if isinstance(value, dt.date) else None

