"""Objections (举报) of one publicity batch, for the unit that owns it: list them, and resolve an open
one — dismiss, or uphold it by returning or terminating the declaration — with a reason the applicant
sees, after a confirmation; or dismiss several at once (a flood of abusive ones) with one reason. The outcomes offered are what core.review.objections says the state allows now.
"""
from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from core.desks import unit as unit_desk
from core.common.errors import DomainError
from core.workflow import Actor
from ui import actions, db, dossier_view
from ui.i18n import show_error, tr


def objections_section(ws: str, actor: Actor, batch_id: int) -> None:
    st.markdown(f"#### {tr('objection.title')}")
    rows = unit_desk.batch_objections(db.uow(), actor, batch_id)
    if not rows:
        st.caption(tr("objection.none"))
        return
    st.dataframe(pd.DataFrame([{
        tr("objection.col.id"): o.id, tr("col.id"): o.declaration_id, tr("col.applicant"): o.applicant_name,
        tr("objection.col.by"): o.raised_by_name, tr("objection.col.contact"): o.contact,
        tr("objection.col.text"): o.text, tr("col.time"): dossier_view.when(o.created_at),
        tr("col.state"): tr(f"objection.status.{o.status}"), tr("objection.col.resolution"): o.resolution or "",
    } for o in rows]), hide_index=True, key=f"{ws}.objections")
    open_rows = {o.id: o for o in rows if o.status == "open"}
    if open_rows:
        _resolve(ws, actor, open_rows)
    if len(open_rows) > 1:
        _dismiss_many(ws, actor, open_rows)


def _resolve(ws: str, actor: Actor, open_rows: dict) -> None:
    labels = {i: f"{tr('objection.col.id')} {i} · #{o.declaration_id} {o.applicant_name}" for i, o in open_rows.items()}
    objection_id = st.selectbox(tr("objection.pick"), list(labels), format_func=labels.get, key=f"{ws}.objection")
    try:
        allowed = unit_desk.outcomes(db.uow(), actor, objection_id)
    except DomainError as error:
        show_error(error)
        return
    outcome = st.radio(tr("objection.outcome"), allowed, format_func=lambda o: tr(f"objection.outcome.{o}"),
                       key=f"{ws}.outcome")
    st.text_area(tr("act.reason"), key=f"{ws}.objection_reason")
    resolve = actions.Action(
        "resolve", tr("objection.resolve"),
        lambda c: unit_desk.resolve(db.uow(), actor, c.data["id"], c.data["outcome"], c.data["reason"]),
        done=lambda c, _: tr("objection.resolved", id=c.data["id"]), confirm=partial(_confirm_text, open_rows))
    actions.action_button(ws, resolve, capture=partial(_typed, ws), type="primary", disabled=not allowed or not outcome)
    actions.run(ws, resolve)


def _typed(ws: str) -> dict:
    """At the click: what the widgets hold now (a reason typed just before the click included)."""
    get = st.session_state.get
    return {"id": get(f"{ws}.objection"), "outcome": get(f"{ws}.outcome"),
            "reason": get(f"{ws}.objection_reason") or ""}


def _confirm_text(open_rows: dict, c: actions.Click) -> str:
    row = open_rows.get(c.data["id"])
    return tr("objection.confirm", id=c.data["id"], name=row.applicant_name if row else "",
              outcome=tr(f"objection.outcome.{c.data['outcome']}"))


def _dismiss_many(ws: str, actor: Actor, open_rows: dict) -> None:
    """Several open objections dismissed at once with one reason (a flood), after a confirmation."""
    st.markdown(f"##### {tr('objection.bulk_title')}")
    labels = {i: f"{tr('objection.col.id')} {i} · #{o.declaration_id} {o.applicant_name} · {o.raised_by_name}"
              for i, o in open_rows.items()}
    chosen = st.multiselect(tr("objection.bulk_pick"), list(labels), format_func=labels.get, key=f"{ws}.dismiss_ids")
    st.text_area(tr("act.reason"), key=f"{ws}.dismiss_reason")
    dismiss = actions.Action(
        "dismiss_many", tr("objection.bulk_dismiss"),
        lambda c: unit_desk.dismiss_many(db.uow(), actor, c.data["ids"], c.data["reason"]),
        done=lambda c, n: tr("objection.bulk_done", count=n),
        confirm=lambda c: tr("objection.bulk_confirm", count=len(c.data["ids"]),
                             ids="、".join(str(i) for i in c.data["ids"])))
    actions.action_button(ws, dismiss, capture=partial(_bulk_typed, ws), disabled=not chosen)
    actions.run(ws, dismiss)


def _bulk_typed(ws: str) -> dict:
    get = st.session_state.get
    return {"ids": list(get(f"{ws}.dismiss_ids") or []), "reason": get(f"{ws}.dismiss_reason") or ""}
