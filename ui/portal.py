"""The public portal (公示公开): running public notices of every kind, searchable by name and unit, each
with only what rules.md allows, and an objection form (name, contact, text) for a named declaration.

Needs no login (ui.shell serves it to signed-out visitors without the login form). The rate limit
is the core's, counted in the database per client address, contact and declaration; this page hands
core the connection's address and the X-Forwarded-For header (core trusts the header only when
``TITLES_TRUSTED_PROXIES`` says a proxy sets it).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.review import portal

from core.desks import unit as unit_desk
from core.common.errors import DomainError
from ui import db, state
from ui.i18n import lang, plain, show_error, tr, tr_safe

P = "portal"


def render() -> None:
    state.show_flash()
    st.title(tr("portal.title"))
    st.caption(tr("portal.intro"))
    today = unit_desk.today()
    search = st.text_input(tr("portal.search"), key=f"{P}.search")
    rows = portal.load_notices(db.uow(), today, search or None)
    if not rows:
        st.info(tr("portal.empty"))
        return
    st.dataframe(pd.DataFrame([{
        tr("portal.col_kind"): tr(f"publicity.kind.{r.kind}"), tr("portal.col_title"): r.title,
        tr("portal.col_owner"): r.owner, tr("portal.col_period"): f"{r.starts_on.isoformat()} — {r.ends_on.isoformat()}",
    } for r in rows]), hide_index=True, key=f"{P}.notices")
    labels = {r.id: f"{r.title}（{r.owner}）" for r in rows}
    if st.session_state.get(f"{P}.pick") not in labels:
        st.session_state[f"{P}.pick"] = rows[0].id
    batch_id = st.selectbox(tr("portal.pick"), list(labels), format_func=labels.get, key=f"{P}.pick")
    _notice(batch_id, today)


def _notice(batch_id: int, today) -> None:
    try:
        notice = portal.load_notice(db.uow(), batch_id, today, lang())
    except DomainError as error:
        show_error(error)
        return
    st.subheader(plain(notice.title))
    st.caption(tr_safe("portal.owner", owner=notice.owner) + " · "
               + tr("portal.period", start=notice.starts_on.isoformat(), end=notice.ends_on.isoformat()))
    columns = {"name": "portal.col_name", "employer": "portal.col_employer", "series": "portal.col_series",
               "specialty": "portal.col_specialty", "level": "portal.col_level"}
    st.dataframe(pd.DataFrame([{tr(label): e[field] for field, label in columns.items()} for e in notice.entries]),
                 hide_index=True, key=f"{P}.entries")
    if notice.body:
        with st.expander(tr("publicity.notice"), expanded=False):
            st.text(notice.body)
    st.info(tr_safe("portal.how_to_object", owner=notice.owner))
    _objection_form(notice, today)


def _objection_form(notice: portal.PublicNotice, today) -> None:
    people = {e["ref"]: f"{e['name']}（{e['employer']}）" for e in notice.entries}
    with st.form(f"{P}.object_form", clear_on_submit=True):
        st.markdown(f"**{tr('portal.object_title')}**")
        ref = st.selectbox(tr("portal.object_person"), list(people), format_func=people.get, key=f"{P}.object_ref")
        name = st.text_input(tr("portal.object_name"), key=f"{P}.object_name")
        contact = st.text_input(tr("portal.object_contact"), key=f"{P}.object_contact")
        text = st.text_area(tr("portal.object_text"), key=f"{P}.object_text")
        sent = st.form_submit_button(tr("portal.object_submit"), key=f"{P}.object_submit", type="primary")
    if not sent:
        return
    client = portal.client_address(st.context.ip_address, st.context.headers.get("X-Forwarded-For"))
    try:
        portal.object_to(db.uow(), notice.id, int(ref), name, contact, text, client, today)
    except DomainError as error:
        show_error(error)
        return
    st.success(tr_safe("portal.object_done", owner=notice.owner))
