"""Home: the to-do count of each workspace, and live statistics of the user's scope."""
import streamlit as st

from core.desks.home import UNIT_SCOPED
from core.desks.workspaces import workspace
from ui import charts, state
from ui.i18n import tr, tr_safe
from ui.pages_map import icon, page_file

principal, actor = state.principal(), state.actor()
state.show_flash()
st.title(tr_safe("home.welcome", name=principal.display_name if principal else ""))
if actor is None:
    st.info(tr("home.no_workspace"))
    st.stop()

data = charts.numbers(actor)
st.subheader(tr("home.todo"))
if not data["todo"]:
    st.info(tr("home.no_workspace"))
else:
    columns = st.columns(min(len(data["todo"]), 4))
    for i, (ws_id, count) in enumerate(data["todo"].items()):
        with columns[i % len(columns)]:
            st.metric(tr(workspace(ws_id).title_key), count)
            late = data.get("overdue", {}).get(ws_id, 0)
            if late:
                st.caption(f":red[{tr('home.overdue', n=late)}]")
            st.page_link(page_file(ws_id), label=tr(workspace(ws_id).title_key), icon=icon(ws_id))

scope = tr("home.scope_unit") if actor.role in UNIT_SCOPED else tr("home.scope_visible")
st.subheader(tr("home.stats", scope=scope))
st.metric(tr("home.total"), data["total"])
if not data["total"]:
    st.caption(tr("home.no_data"))
else:
    left, right = st.columns(2)
    with left:
        charts.by_state_bar(data["by_state"], key="home.by_state")
    with right:
        charts.funnel(data["funnel"]["review"], "review", key="home.funnel")
    left, right = st.columns(2)
    with left:
        charts.weekly_line(data["weekly_new"], key="home.weekly")
    initial = data["funnel"].get("initial_determination") or []
    if initial and initial[0][1]:
        with right:
            charts.funnel(initial, "initial_determination", key="home.funnel_initial")
