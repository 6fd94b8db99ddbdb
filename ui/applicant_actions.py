"""Submit, resubmit and cancel one's declaration, and print its form (申报表).

Before submitting, every missing or invalid item (core.declaring.submission) is listed together with the
engine's other reasons (bound, committee open, one active declaration per year) and the pledge,
which must be typed by hand and match; only a clean submit reaches the confirmation step. Cancel
always asks for confirmation. The confirmation dialog is opened from a session-state flag (so
AppTest can complete it); the engine checks everything again and its refusal is listed the same way.
"""
from __future__ import annotations

from functools import partial

import streamlit as st

from core.desks import applicant as desk
from core.common.errors import DomainError
from core.common.i18n import t
from core.declaring.pledge import PLEDGE_TEXT, pledge_matches
from core.workflow import Actor, Option
from ui import db, state
from ui.i18n import lang, tr

P = "my_declarations"
PENDING = f"{P}.pending"
FAILED = f"{P}.failed"


def render(actor: Actor, ed: desk.Editor) -> None:
    d = ed.dossier
    st.download_button(tr("mine.pdf"), data=partial(desk.form_pdf, db.uow(), actor, d.id, lang()),
                       file_name=f"declaration-{d.id}.pdf", mime="application/pdf", key=f"{P}.pdf",
                       on_click="ignore", icon=":material/print:")
    if ed.scope.modules:
        _checklist(ed)
    else:
        st.caption(tr("mine.read_only"))
    failed = st.session_state.pop(FAILED, None)
    if failed and failed[0] == d.id:
        st.error(failed[1] + "\n\n" + "\n".join(f"- {line}" for line in failed[2]))
    if not ed.options:
        return
    with st.container(horizontal=True):
        for option in ed.options:
            st.button(tr(f"action.{option.action}"), key=f"{P}.act.{option.action}", on_click=_start,
                      args=(d.id, d.version, option), type="primary" if option.action != "cancel" else "secondary")
    pending = st.session_state.get(PENDING)
    if pending and pending["id"] == d.id:
        if pending["stage"] == "form":
            _pledge_form(ed, pending)
        else:
            _confirm(actor, pending)


def _text(problem) -> str:
    """A problem's line; a missing module is named as such (its catalogue text is the module's name)."""
    if problem.key.startswith("missing.module.") and problem.row is None:
        return tr("mine.missing_module", module=t(problem.key, lang()))
    return problem.text(lang())


def _checklist(ed: desk.Editor) -> None:
    if ed.problems:
        st.warning(tr("mine.problems", n=len(ed.problems)) + "\n\n"
                   + "\n".join(f"- {_text(p)}" for p in ed.problems))
    else:
        st.success(tr("mine.ready"))


def _start(declaration_id: int, version: int, option: Option) -> None:
    stage = "form" if "pledge" in option.inputs else "confirm"
    st.session_state[PENDING] = {"id": declaration_id, "version": version, "option": option, "stage": stage,
                                 "payload": {}}


def _clear() -> None:
    st.session_state.pop(PENDING, None)


def _problem_lines(ed: desk.Editor, option: Option, keys_seen: set[str] | None = None) -> list[str]:
    """Every open problem with row numbers, then the engine's other reasons not already listed."""
    lines = [_text(p) for p in ed.problems]
    seen = {p.key for p in ed.problems} | (keys_seen or set())
    return lines + [t(k, lang()) for k in option.blocked if k not in seen]


def _pledge_form(ed: desk.Editor, pending: dict) -> None:
    option: Option = pending["option"]
    with st.form(f"{P}.form", border=True):
        st.markdown(f"**{tr(f'action.{option.action}')}**")
        st.caption(tr("act.pledge_reference"))
        st.markdown(f"> {PLEDGE_TEXT}")
        pledge = st.text_area(tr("act.pledge_input"), key=f"{P}.pledge", height=120)
        submitted = st.form_submit_button(tr("act.submit"), key=f"{P}.form_submit", type="primary")
    st.button(tr("act.cancel"), key=f"{P}.form_cancel", on_click=_clear)
    if not submitted:
        return
    lines = _problem_lines(ed, option)
    if not pledge_matches(pledge):
        lines.append(t("guard.pledge_mismatch", lang()))
    if lines:  # everything at once, before any confirmation
        st.error(tr("mine.submit_failed") + "\n\n" + "\n".join(f"- {line}" for line in lines))
        return
    pending["payload"] = {"pledge": pledge}
    pending["stage"] = "confirm"
    st.rerun()


def _confirm(actor: Actor, pending: dict) -> None:
    option: Option = pending["option"]
    action = tr(f"action.{option.action}")
    text = tr("mine.confirm_cancel", id=pending["id"]) if option.action == "cancel" \
        else tr("mine.confirm_submit", action=action)

    def body() -> None:
        st.write(text)
        yes, no = st.columns(2)
        if yes.button(tr("act.confirm_yes"), key=f"{P}.confirm_yes", type="primary"):
            _execute(actor, pending)
        no.button(tr("act.cancel"), key=f"{P}.confirm_no", on_click=_clear)

    st.dialog(tr("act.confirm_title"), on_dismiss=_clear)(body)()


def _execute(actor: Actor, pending: dict) -> None:
    option: Option = pending["option"]
    try:
        desk.act(db.uow(), actor, pending["id"], option.action, pending["payload"], pending["version"])
    except DomainError as error:
        lines = error.detail_messages(lang())
        try:  # the row-numbered list of what is missing, in place of the engine's bare keys
            problems = desk.problems(db.uow(), actor, pending["id"])
        except DomainError:
            problems = []
        numbered = [_text(p) for p in problems]
        keys = {p.key for p in problems}
        lines = numbered + [line for key, line in zip(error.details, lines) if key not in keys]
        st.session_state[FAILED] = (pending["id"], error.message(lang()), lines)
    else:
        state.flash("success", tr("act.done", action=tr(f"action.{option.action}")))
        st.session_state.pop(f"{P}.pledge", None)
    _clear()
    st.rerun()
