"""Workspace 评审权备案 (issue 6): a committee organizer files a committee's review authority (series,
levels, region, year, term, number of experts) and follows its status; the HR bureau of the region
approves or rejects. Only approved committees are offered to declarations and relay."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

import pandas as pd
import streamlit as st

from core.desks import admin as admin_desk
from core.common import config
from core.desks.admin import authority
from core.org.authority import AuthorityForm
from core.declaring.choices import choices_levels, choices_series
from core.org.unit_registration import region_bureaus
from core.workflow import Actor
from ui import actions, db, worktabs
from ui.i18n import lang, tr, tr_safe

WS = "authority"


def _offer(name: str, label: str, perform: Callable[[], object], row: object = None, **look) -> None:
    """A step that acts at once (ui.actions), its success flashed."""
    actions.offer(WS, actions.Action(name, label, lambda c: perform(), done=tr("accounts.done")), row=row, **look)


def render() -> None:
    actor = worktabs.open_workspace(WS)
    if actor is None:
        return
    if actor.role == "hr_operator":
        _decide(actor)
    else:
        _apply(actor)
        _table(admin_desk.read(db.uow(), authority.own_filings, actor), f"{WS}.own")


def _table(rows, key: str) -> None:
    if not rows:
        st.info(tr("authority.none"))
        return
    st.dataframe(pd.DataFrame([{
        tr("authority.col_name"): r.name, tr("authority.col_organizer"): r.organizer,
        tr("authority.col_series"): r.series_code, tr("authority.col_levels"): "、".join(r.level_codes),
        tr("authority.col_year"): r.year, tr("authority.col_term"): r.term,
        tr("authority.col_experts"): r.expert_count, tr("authority.col_status"): tr(f"authority.status.{r.status}"),
    } for r in rows]), hide_index=True, key=key)


def _apply(actor: Actor) -> None:
    uow = db.uow()
    name_col = 1 if lang() == "zh" else 2
    series = {c[0]: c[name_col] for c in admin_desk.read(uow, choices_series)}
    levels = {c[0]: c[name_col] for c in admin_desk.read(uow, choices_levels)}
    bureaus = dict(admin_desk.read(uow, region_bureaus))
    year = config.today().year
    with st.expander(tr("authority.apply_title"), expanded=True):
        name = st.text_input(tr("authority.col_name"), key=f"{WS}.name", max_chars=100)
        series_code = st.selectbox(tr("authority.col_series"), list(series), format_func=series.get, key=f"{WS}.series")
        level_codes = st.multiselect(tr("authority.col_levels"), list(levels), format_func=levels.get,
                                     key=f"{WS}.levels")
        region = st.selectbox(tr("authority.region"), list(bureaus), format_func=bureaus.get, key=f"{WS}.region")
        filed_year = st.number_input(tr("authority.col_year"), min_value=2000, max_value=2100, value=year,
                                     key=f"{WS}.year")
        start = st.date_input(tr("authority.term_start"), value=dt.date(year, 1, 1), key=f"{WS}.term_start")
        end = st.date_input(tr("authority.term_end"), value=dt.date(year + 2, 12, 31), key=f"{WS}.term_end")
        experts = st.number_input(tr("authority.col_experts"), min_value=0, max_value=999, value=25,
                                  key=f"{WS}.experts")
        _offer("submit", tr("authority.submit"), lambda: admin_desk.write(uow, authority.apply, actor, AuthorityForm(
            name, series_code, tuple(level_codes), region, int(filed_year), start, end, int(experts))), type="primary")


def _decide(actor: Actor) -> None:
    uow = db.uow()
    rows = admin_desk.read(uow, authority.pending_for, actor)
    _table(rows, f"{WS}.pending")
    for r in rows:
        cols = st.columns([3, 1, 1])
        opinion = cols[0].text_input(tr_safe("authority.opinion", name=r.name), key=f"{WS}.opinion_{r.id}", max_chars=200)
        for col, verb, accept in ((cols[1], "accept", True), (cols[2], "reject", False)):
            with col:
                _offer(verb, tr(f"uadmin.{verb}"),
                       partial(admin_desk.write, uow, authority.decide, actor, r.id, accept, opinion), row=r.id)
