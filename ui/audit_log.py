"""Workspace 审计日志 (issue 6): the audit trail of the admin's scope (logins, role changes, resets,
exports...) with filters, newest first, paged by the event id (core.reporting.audit_log); above it the
latest external checkpoint of the whole trail (core.audit.checkpoint) and whether the table agrees."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.desks import admin as admin_desk
from core.desks.admin import audit_view
from core.reporting.audit_log import KINDS, AuditFilter, checkpoint_status
from core.desks.workspaces import may_use
from ui import db, state
from ui.i18n import tr

WS = "audit_log"
PAGES = f"{WS}.pages"  # the before-ids of the pages walked so far (for "newer")


def render() -> None:
    actor = state.actor()
    st.title(tr(f"ws.{WS}"))
    if not may_use(actor, WS):
        st.error(tr("error.not_found"))
        return
    _checkpoint()
    cols = st.columns(4)
    kind = cols[0].selectbox(tr("auditview.kind"), [None, *KINDS], key=f"{WS}.kind",
                             format_func=lambda k: tr("auditview.all") if k is None else tr(f"auditview.kind.{k}"))
    action = cols[1].text_input(tr("auditview.action"), key=f"{WS}.action")
    login = cols[2].text_input(tr("auditview.login"), key=f"{WS}.login")
    since = cols[3].date_input(tr("auditview.since"), value=None, key=f"{WS}.since")
    flt = AuditFilter(kind=kind, action=action or None, login_name=login or None, since=since)
    if st.session_state.get(f"{WS}.filter") != flt:
        st.session_state[f"{WS}.filter"], st.session_state[PAGES] = flt, [None]
    pages = st.session_state.setdefault(PAGES, [None])
    page = admin_desk.read(db.uow(), audit_view.search, actor, flt, before_id=pages[-1], limit=50)
    if not page.rows:
        st.info(tr("auditview.empty"))
    else:
        st.dataframe(pd.DataFrame([{
            tr("auditview.col_id"): r.id, tr("auditview.col_at"): f"{r.at:%Y-%m-%d %H:%M:%S}",
            tr("auditview.kind"): r.kind, tr("auditview.action"): r.action, tr("auditview.col_outcome"): r.outcome,
            tr("auditview.login"): r.login_name, tr("auditview.col_target"): r.target,
        } for r in page.rows]), hide_index=True, key=f"{WS}.table")
    nav = st.columns(2)
    if nav[0].button(tr("auditview.newer"), key=f"{WS}.newer", disabled=len(pages) < 2):
        pages.pop()
        st.rerun()
    if nav[1].button(tr("auditview.older"), key=f"{WS}.older", disabled=page.next_before is None):
        pages.append(page.next_before)
        st.rerun()


def _checkpoint() -> None:
    status = admin_desk.read(db.uow(), checkpoint_status)
    with st.expander(tr("auditview.checkpoint"), expanded=status.state != "ok"):
        latest, finding = status.latest, status.finding
        if latest is not None:
            st.text("\n".join([tr("auditview.checkpoint_at", at=latest.at),
                                tr("auditview.checkpoint_heads", digest=latest.heads_hash),
                                tr("auditview.checkpoint_hmac", mac=latest.mac),
                                tr("auditview.checkpoint_line", line=latest.line, chains=len(latest.heads))]))
        facts = {} if finding is None else {"line": finding.line, "event_id": finding.event_id,
                                            "chain": finding.chain, "position": finding.position,
                                            "after_id": finding.after_id or 0}
        message = tr(f"auditview.checkpoint.{status.state}", **facts)
        (st.success if status.state == "ok" else st.info if status.state == "none" else st.error)(
            message, icon=None)
        st.caption(tr("auditview.checkpoint_verify_hint"))
