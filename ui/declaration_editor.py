"""One of the applicant's declarations: notice, basic information, materials, submit, track (追踪).

What can change comes from ``core.declaring.declarations.edit_scope(state)``: everything in a draft or a
returned declaration, only the supplementary module and the category while awaiting supplements,
nothing after submitting (the fields are then shown read-only). 暂存 saves at any time.
"""
from __future__ import annotations

import streamlit as st

from core.desks import applicant as desk
from core.common.errors import DomainError
from core.workflow import Actor
from ui import actions, applicant_actions, db, declaration_form, dossier_view, record_forms, state
from ui.i18n import show_error, tr, tr_safe

P = "my_declarations"
REASON_STATES = ("returned", "supplement", "terminated", "not_approved")
REFUSALS = ("reject", "return_to_applicant", "recheck_fail", "fail", "terminate", "refuse", "filing_rejected")


def render(actor: Actor, declaration_id: int) -> None:
    try:
        ed = desk.editor(db.uow(), actor, declaration_id)
    except DomainError as error:
        show_error(error)
        return
    d = ed.dossier
    st.subheader(tr("detail.title", id=d.id))
    st.info(tr(ed.notice))
    _last_reason(d)
    actions.show_outcome(P)  # what the last step (submit, cancel, a saved row...) left
    basic, materials, submit, track = st.tabs([tr("mine.basic_title"), tr("mine.modules_title"),
                                               tr("mine.submit_title"), tr("detail.timeline")],
                                              key=f"{P}.d{d.id}.tab", on_change="rerun")  # kept across reruns
    with basic:
        dossier_view.facts(d)
        if ed.scope.fields:
            st.divider()
            _basic_editor(actor, ed)
    with materials:
        record_forms.render(actor, ed)
    with submit:
        applicant_actions.render(actor, ed)
    with track:
        dossier_view.timeline(d, key=f"{P}.detail")


def _last_reason(d) -> None:
    """Why it came back or failed (the latest return or refusal with its reason), under the notice."""
    if d.state not in REASON_STATES:
        return
    event = next((e for e in reversed(d.timeline) if e.action in REFUSALS and e.comment), None)
    if event is not None:
        st.warning(tr_safe("mine.last_reason", action=f"action.{event.action}", time=dossier_view.when(event.at),
                      unit=event.unit_name or "—", text=event.comment))


def _basic_editor(actor: Actor, ed: desk.Editor) -> None:
    d = ed.dossier
    chosen = declaration_form.basic_fields(actor, f"d{d.id}", d.flow, d.year, ed.values, ed.scope.fields)
    if st.button(tr("mine.save"), key=f"{P}.d{d.id}.save", type="primary", icon=":material/save:"):
        changes = declaration_form.chosen_changes(chosen, ed.values, ed.scope.fields)
        try:
            if changes:
                desk.save_fields(db.uow(), actor, d.id, changes)
        except DomainError as error:
            show_error(error)
            return
        state.flash("success", tr("mine.saved"))
        st.rerun()
