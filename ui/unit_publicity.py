"""申报公示 / Unit publicity (001 §6.2.2): create a batch from the declarations waiting for it (title and
text from the template, start and end with the earliest valid end shown, public or internal), publish
it, edit its notice while it runs, resolve objections (dismiss / return / terminate, with a reason),
and complete it after the end — declarations held by an open objection stay and are listed.

Every step is one core.desks.unit call; publishing, discarding, completing and resolving ask first.
"""
from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from core.desks import generic as desk
from core.desks import unit as unit_desk
from core.common.errors import DomainError
from core.calendar import desk as calendar_desk
from core.workflow import Actor
from ui import actions, db, dossier_view, publicity_batch, worktabs
from ui.i18n import lang, plain, show_error, tr
from ui.publicity_objections import objections_section

WS = "unit_publicity"
BATCH = f"{WS}.batch"
COMPLETION = f"{WS}.completion"


def render() -> None:
    actor = worktabs.open_workspace(WS)
    if actor is None:
        return
    worktabs.show_tabs(WS, {tr("publicity.tab.create"): partial(_create, actor),
                            tr("publicity.tab.batches"): partial(_batches, actor),
                            tr("tab.withdraw"): partial(worktabs.withdraw_tab, WS, actor)})


# --- create ------------------------------------------------------------------------------------------

def _safe_earliest(start: dt.date) -> dt.date | None:
    try:
        return calendar_desk.earliest_end(db.engine(), start).day
    except DomainError as error:
        st.session_state[f"{WS}.error"] = error
        return None


def _fill_notice(actor: Actor) -> None:
    """Callback: the template title and text for the chosen declarations and dates."""
    ids = st.session_state.get(f"{WS}.chosen") or []
    start, end = st.session_state.get(f"{WS}.start"), st.session_state.get(f"{WS}.end")
    if not ids or not isinstance(start, dt.date) or not isinstance(end, dt.date):
        return
    try:
        notice = unit_desk.notice(db.engine(), actor, ids, start, end, lang())
    except DomainError as error:
        st.session_state[f"{WS}.error"] = error
        return
    st.session_state[f"{WS}.title"], st.session_state[f"{WS}.body"] = notice.title, notice.body


def _start_changed(actor: Actor) -> None:
    start = st.session_state.get(f"{WS}.start")
    end = _safe_earliest(start) if isinstance(start, dt.date) else None
    if end is not None:
        st.session_state[f"{WS}.end"] = end
    _fill_notice(actor)


def _create(actor: Actor) -> None:
    page = desk.load_inbox(db.engine(), actor, WS, limit=500)
    worktabs.export_button(WS, actor)
    if not page.rows:
        st.info(tr("publicity.none_waiting"))
        return
    busy = unit_desk.in_open_batches(db.engine(), actor)
    _waiting(page.rows, busy)
    by_id = {r.id: r for r in page.rows if r.id not in busy}
    key = f"{WS}.chosen"
    st.session_state[key] = [i for i in st.session_state.get(key, []) if i in by_id]
    st.multiselect(tr("publicity.pick"), list(by_id), key=key, on_change=_fill_notice, args=(actor,),
                   format_func=lambda i: f"#{i} {by_id[i].applicant_name}", placeholder=tr("ws.pick_placeholder"))
    today = unit_desk.today()
    st.session_state.setdefault(f"{WS}.start", today)
    st.session_state.setdefault(f"{WS}.end", _safe_earliest(st.session_state[f"{WS}.start"]) or today)
    cols = st.columns(3)
    start = cols[0].date_input(tr("publicity.start"), key=f"{WS}.start", min_value=today,
                               on_change=_start_changed, args=(actor,))
    end = cols[1].date_input(tr("publicity.end"), key=f"{WS}.end", min_value=today, on_change=_fill_notice,
                             args=(actor,))
    earliest = _safe_earliest(start)
    if earliest is not None:
        cols[2].caption(tr("publicity.earliest_end", date=earliest.isoformat()))
    publicity_batch.provisional_warning(start, max(end, earliest or end))
    st.toggle(tr("publicity.public"), key=f"{WS}.public", value=True)
    st.text_input(tr("publicity.title"), key=f"{WS}.title")
    st.text_area(tr("publicity.body"), key=f"{WS}.body", height=280)
    actions.action_button(WS, _create_step(actor), capture=_typed, type="primary")


def _waiting(rows, busy: dict[int, int]) -> None:
    """The declarations waiting for a publicity; those already in an open batch say which."""
    labels = worktabs.names()
    st.dataframe(pd.DataFrame([{
        tr("col.id"): r.id, tr("col.applicant"): r.applicant_name,
        tr("col.series"): labels.get(r.series_code, r.series_code), tr("col.level"): labels.get(r.level_code, r.level_code),
        tr("col.since"): dossier_view.when(r.state_since),
        tr("publicity.col.batch"): tr("publicity.in_batch", id=busy[r.id]) if r.id in busy else "",
    } for r in rows]), hide_index=True, key=f"{WS}.waiting")



def _create_step(actor: Actor) -> actions.Action:
    """A draft batch (reversible: it can be discarded), made at the click; the batches tab opens on it."""
    def create(c: actions.Click) -> int:
        d = c.data
        return unit_desk.create_publicity(db.engine(), actor, d["ids"], d["title"], d["body"], d["start"], d["end"],
                                          d["public"])

    return actions.Action("create", tr("publicity.create"), create, done=lambda c, batch_id: tr("publicity.created",
                                                                                                 id=batch_id),
                          at_click=True, after=_open_created)


def _typed() -> dict:
    get = st.session_state.get
    return {"ids": list(get(f"{WS}.chosen") or []), "title": get(f"{WS}.title") or "", "body": get(f"{WS}.body") or "",
            "start": get(f"{WS}.start"), "end": get(f"{WS}.end"), "public": bool(get(f"{WS}.public", True))}


def _open_created(batch_id: int) -> None:
    st.session_state[BATCH] = batch_id
    for field in ("chosen", "title", "body"):
        st.session_state.pop(f"{WS}.{field}", None)
    worktabs.go_to_tab(WS, tr("publicity.tab.batches"))


# --- batches -----------------------------------------------------------------------------------------

def _batches(actor: Actor) -> None:
    rows, today = unit_desk.batches(db.engine(), actor), unit_desk.today()
    if not rows:
        st.info(tr("publicity.no_batches"))
        return
    provisional = publicity_batch.provisional_of(rows)
    st.dataframe(pd.DataFrame([{
        tr("col.id"): b.id, tr("publicity.title"): b.title, tr("publicity.start"): b.starts_on.isoformat(),
        tr("publicity.end"): publicity_batch.end_label(b, provisional),
        tr("col.state"): publicity_batch.status_label(b, today), tr("publicity.col.public"): tr("publicity.yes") if b.is_public else tr("publicity.no"),
        tr("publicity.count"): b.declarations, tr("publicity.open_objections"): b.open_objections,
    } for b in rows]), hide_index=True, key=f"{WS}.batches")
    labels = {b.id: f"#{b.id} {b.title}" for b in rows}  # no status here: a kept choice would show a stale one
    if st.session_state.get(BATCH) not in labels:
        st.session_state[BATCH] = rows[0].id
    batch_id = st.selectbox(tr("publicity.pick_batch"), list(labels), format_func=labels.get, key=BATCH,
                            on_change=lambda: st.session_state.pop(COMPLETION, None))
    _batch(actor, batch_id)


def _batch(actor: Actor, batch_id: int) -> None:
    try:
        b = unit_desk.batch(db.engine(), actor, batch_id)
    except DomainError as error:
        show_error(error)
        return
    today = unit_desk.today()
    st.subheader(f"#{b.id} {plain(b.title)}")
    st.caption(tr("publicity.period", start=b.starts_on.isoformat(), end=b.ends_on.isoformat(),
                  status=publicity_batch.status_label(b, today)))
    publicity_batch.provisional_warning(b.starts_on, b.ends_on)
    st.dataframe(pd.DataFrame([{
        tr("col.id"): i.declaration_id, tr("col.applicant"): i.applicant_name, tr("col.state"): tr(f"state.{i.state}"),
        tr("publicity.held_col"): tr("publicity.held_mark") if i.open_objection else "",
    } for i in b.items]), hide_index=True, key=f"{WS}.items")
    _completion_report()
    if b.status == "draft":
        engine = db.engine()
        publicity_batch.draft_actions(WS, b, partial(unit_desk.publish, engine, actor),
                                      partial(unit_desk.discard, engine, actor))
    if b.status in ("draft", "published") and b.ends_on >= today:
        _edit(actor, b)
    elif b.status != "completed":
        with st.expander(tr("publicity.notice")):
            st.text(b.body)
    if b.status == "published":
        _complete_action(actor, b, today)
    objections_section(WS, actor, b.id)


def _edit(actor: Actor, b) -> None:
    publicity_batch.edit_notice_form(WS, b, partial(unit_desk.edit_notice, db.engine(), actor, b.id))


def _complete_action(actor: Actor, b, today: dt.date) -> None:
    publicity_batch.complete_button(WS, b, today, tr("publicity.confirm_complete", id=b.id),
                                    partial(unit_desk.complete, db.engine(), actor), keep=COMPLETION)


def _completion_report() -> None:
    done = st.session_state.get(COMPLETION)
    if done is None:
        return
    st.success(tr("publicity.completed_ids", ids=", ".join(f"#{i}" for i in done.completed) or "—"))
    if done.held:
        st.warning(tr("publicity.held_ids", text=tr("publicity.held"), ids=", ".join(f"#{i}" for i in done.held)))
    if done.gone:
        st.info(tr("publicity.held_ids", text=tr("publicity.gone"), ids=", ".join(f"#{i}" for i in done.gone)))
