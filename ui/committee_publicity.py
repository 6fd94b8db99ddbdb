"""The committee's publicities (001 §6.2.7/§6.2.8): a new failed-review, candidate or result list from the
declarations waiting for it — title and text from the template (unit, year, series, specialty, period,
supplement deadline), editable — then publish, edit until it ends, resolve objections, complete.

Every step is one core.review.committee_publicity call; publishing, discarding and completing ask first.
"""
from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from core.review import committee_publicity as cp
from core.desks import generic as desk
from core.desks import unit as unit_desk
from core.common.errors import DomainError
from core.review.publicity import KINDS
from core.calendar import desk as calendar_desk
from core.workflow import Actor
from ui import actions, db, publicity_batch, worktabs
from ui.i18n import lang, plain, show_error, tr
from ui.publicity_objections import objections_section

WS = "committee_publicity"
KIND, BATCH = f"{WS}.kind", f"{WS}.batch"


def _kind_picker(actor: Actor, key: str) -> str:
    kinds = [k for k in cp.COMMITTEE_KINDS if actor.role in KINDS[k].roles]
    return st.radio(tr("review.kind_pick"), kinds, key=key, horizontal=True,
                    format_func=lambda k: tr(f"publicity.kind.{k}"))


def _earliest(start: dt.date) -> dt.date:
    return calendar_desk.earliest_end(db.engine(), start).day


def create_tab(actor: Actor) -> None:
    actions.show_outcome(WS)
    kind = _kind_picker(actor, KIND)
    page = desk.load_inbox(db.engine(), actor, WS, limit=500)
    rows = [r for r in page.rows if r.state == KINDS[kind].state]
    busy = cp.in_open_batches(db.engine(), actor, kind)
    free = {r.id: r for r in rows if r.id not in busy}
    if not free:
        st.info(tr("publicity.none_waiting"))
        return
    key = f"{WS}.chosen.{kind}"
    st.session_state[key] = [i for i in st.session_state.get(key, []) if i in free]
    ids = st.multiselect(tr("publicity.pick"), list(free), key=key, placeholder=tr("ws.pick_placeholder"),
                         format_func=lambda i: f"#{i} {free[i].applicant_name} · {free[i].unit_name}")
    today = unit_desk.today()
    cols = st.columns(3)
    start = cols[0].date_input(tr("publicity.start"), value=today, min_value=today, key=f"{WS}.start")
    end = cols[1].date_input(tr("publicity.end"), value=_earliest(start), min_value=today, key=f"{WS}.end")
    publicity_batch.provisional_warning(start, end)
    deadline = cols[2].date_input(tr("review.deadline"), value=end + dt.timedelta(days=7), key=f"{WS}.deadline") \
        if kind == "failed_review" else None
    st.button(tr("review.fill"), key=f"{WS}.fill", disabled=not ids, on_click=_fill,
              args=(actor, kind, ids, start, end, deadline))
    st.toggle(tr("publicity.public"), key=f"{WS}.public", value=True)
    st.text_input(tr("publicity.title"), key=f"{WS}.title")
    st.text_area(tr("publicity.body"), key=f"{WS}.body", height=300)
    actions.action_button(WS, _create_step(actor, kind), capture=partial(_typed, kind), type="primary")


def _fill(actor: Actor, kind: str, ids: list[int], start, end, deadline) -> None:
    try:
        notice = cp.notice(db.engine(), actor, kind, ids, start, end, deadline, lang())
    except DomainError as error:
        st.session_state[f"{WS}.error"] = error
        return
    st.session_state[f"{WS}.title"], st.session_state[f"{WS}.body"] = notice.title, notice.body


def _create_step(actor: Actor, kind: str) -> actions.Action:
    """A draft list (reversible: it can be discarded), made at the click; the batches tab opens on it."""
    def create(c: actions.Click) -> int:
        d = c.data
        return cp.create(db.engine(), actor, kind, d["ids"], d["title"], d["body"], d["start"], d["end"], d["public"])

    return actions.Action("create", tr("publicity.create"), create, at_click=True, after=partial(_open_created, kind))


def _typed(kind: str) -> dict:
    get = st.session_state.get
    return {"ids": list(get(f"{WS}.chosen.{kind}") or []), "title": get(f"{WS}.title") or "",
            "body": get(f"{WS}.body") or "", "start": get(f"{WS}.start"), "end": get(f"{WS}.end"),
            "public": bool(get(f"{WS}.public", True))}


def _open_created(kind: str, batch_id: int) -> None:
    st.session_state[f"{WS}.chosen.{kind}"] = []
    st.session_state[f"{WS}.batch_kind"] = kind
    st.session_state[BATCH] = batch_id
    st.session_state[f"{WS}.title"], st.session_state[f"{WS}.body"] = "", ""
    st.session_state[f"{WS}.created_flash"] = batch_id
    worktabs.go_to_tab(WS, tr("publicity.tab.batches"))


def batches_tab(actor: Actor) -> None:
    created = st.session_state.pop(f"{WS}.created_flash", None)
    if created:
        st.success(tr("publicity.created", id=created))
    kind = _kind_picker(actor, f"{WS}.batch_kind")
    rows, today = cp.batches(db.engine(), actor, kind), unit_desk.today()
    if not rows:
        st.info(tr("publicity.no_batches"))
        return
    provisional = publicity_batch.provisional_of(rows)
    st.dataframe(pd.DataFrame([{
        tr("col.id"): b.id, tr("publicity.title"): b.title, tr("publicity.start"): b.starts_on.isoformat(),
        tr("publicity.end"): publicity_batch.end_label(b, provisional),
        tr("col.state"): publicity_batch.status_label(b, today), tr("publicity.count"): b.declarations, tr("publicity.open_objections"): b.open_objections,
    } for b in rows]), hide_index=True, key=f"{WS}.batches")
    labels = {b.id: f"#{b.id} {b.title} · {publicity_batch.status_label(b, today)}" for b in rows}
    if st.session_state.get(BATCH) not in labels:
        st.session_state[BATCH] = rows[0].id
    _batch(actor, st.selectbox(tr("publicity.pick_batch"), list(labels), format_func=labels.get, key=BATCH), today)


def _batch(actor: Actor, batch_id: int, today: dt.date) -> None:
    try:
        b = cp.batch(db.engine(), actor, batch_id)
    except DomainError as error:
        show_error(error)
        return
    st.subheader(f"#{b.id} {plain(b.title)}")
    st.caption(tr("publicity.period", start=b.starts_on.isoformat(), end=b.ends_on.isoformat(),
                  status=publicity_batch.status_label(b, today)))
    publicity_batch.provisional_warning(b.starts_on, b.ends_on)
    st.dataframe(pd.DataFrame([{
        tr("col.id"): i.declaration_id, tr("col.applicant"): i.applicant_name, tr("col.state"): tr(f"state.{i.state}"),
        tr("publicity.held_col"): tr("publicity.held_mark") if i.open_objection else "",
    } for i in b.items]), hide_index=True, key=f"{WS}.items")
    if b.status == "draft":
        engine = db.engine()
        publicity_batch.draft_actions(WS, b, partial(cp.publish, engine, actor), partial(cp.discard, engine, actor))
    if b.status in ("draft", "published") and b.ends_on >= today:
        _edit(actor, b)
    if b.status == "published":
        _complete(actor, b, today)
    if actor.role != "policy_reviewer":  # objections are the committee unit's to resolve
        objections_section(WS, actor, b.id)


def _edit(actor: Actor, b) -> None:
    publicity_batch.edit_notice_form(WS, b, partial(cp.edit_notice, db.engine(), actor, b.id))


def _complete(actor: Actor, b, today: dt.date) -> None:
    publicity_batch.complete_button(WS, b, today, tr(f"review.confirm_complete.{b.kind}", id=b.id),
                                    partial(cp.complete, db.engine(), actor))
