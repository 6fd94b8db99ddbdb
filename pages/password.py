"""Change one's own password: current + new + repeat; the policy is listed and enforced in core."""
import streamlit as st

from core.desks import login
from core.common.config import RULES
from core.common.errors import DomainError
from ui import db, state
from ui.i18n import show_error, tr

principal = state.principal()
state.show_flash()
st.title(tr("password.title"))
if principal is not None and principal.must_change_password:
    st.warning(tr("password.forced"))

with st.expander(tr("password.policy_title"), expanded=True):
    st.markdown("\n".join(f"- {line}" for line in (
        tr("password.rule_length", n=RULES.password_min_length),
        tr("password.rule_classes", n=RULES.password_min_classes),
        tr("password.rule_personal"), tr("password.rule_weak"))))

with st.form("password.form", clear_on_submit=True):
    current = st.text_input(tr("password.current"), type="password", key="password.current")
    new = st.text_input(tr("password.new"), type="password", key="password.new")
    repeat = st.text_input(tr("password.repeat"), type="password", key="password.repeat")
    submitted = st.form_submit_button(tr("password.submit"), key="password.submit")

if submitted and principal is not None:
    try:
        login.change_password(db.engine(), principal, current, new, repeat)
    except DomainError as error:
        show_error(error)
    else:
        state.flash("success", tr("password.changed"))
        st.rerun()
