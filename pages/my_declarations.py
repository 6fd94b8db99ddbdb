"""Workspace: 我的申报 / My declarations — binding, list, new declarations, editor, submit, track (追踪)."""
import streamlit as st

from core.desks.workspaces import may_use
from ui import applicant_home, state
from ui.i18n import tr

actor = state.actor()
st.title(tr("ws.my_declarations"))
if not may_use(actor, "my_declarations"):
    st.error(tr("error.not_found"))
else:
    applicant_home.render(actor)
