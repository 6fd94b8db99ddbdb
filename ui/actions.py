"""The one action path of every workspace: click → inputs → confirmation → perform → outcome.

An :class:`Action` says what a step needs (its form's inputs, a confirmation text for an
irreversible step) and how it is done: ``perform``, one core call. :func:`action_button` draws its button
under the one key scheme ``<page>.act.<action>`` (``<page>.act.<action>.<row>`` when the page shows
it once per row); a click remembers the step under ``<page>.pending`` with what the page knew then
(``data``: the declaration's version, the chosen ids; ``capture()``: values typed just before the
click) and the step as offered then. :func:`run` draws the stage the step is in: its form
(``<page>.form``, submitted by ``<page>.form_submit``), its confirmation (``<page>.confirm_yes`` /
``<page>.confirm_no``, in a dialog opened from that session-state flag, never straight from the
button, so AppTest can complete it), and performs it. Success is flashed on the next run; a domain
error is kept under ``<page>.error`` and shown as text by :func:`show_outcome` (a stale page gets
ConcurrentChange's "someone else acted"), never as a traceback. Core checks everything again.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import streamlit as st

from core.common.errors import ConcurrentChange, DomainError, InvalidAction, NotFound
from core.machines.pledge import PLEDGE_TEXT
from core.review.batch import BatchFailed
from ui import state
from ui.i18n import lang, plain, show_error, tr

FINAL = (ConcurrentChange, NotFound, InvalidAction)  # the step is gone: back to the page, not to the form


@dataclass(frozen=True)
class Click:
    """What a step works on, as the page saw it at the click, and what its form collected."""

    data: dict[str, Any]
    inputs: dict[str, Any]


Text = str | Callable[[Click], str] | None


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    perform: Callable[[Click], Any]  # one core call
    done: str | Callable[[Click, Any], str] | None = None  # the success flash (None: no flash)
    confirm: Text = None  # the confirmation's text; None: no confirmation
    inputs: tuple[str, ...] = ()  # the form's fields (see INPUTS); none: no form
    choices: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)  # options of choice inputs
    check: Callable[[dict], None] | None = None  # raises a DomainError to keep the form open
    keep: str | None = None  # the session-state key the result is kept under on success
    at_click: bool = False  # perform in the click's callback (it may then change this page's widgets)
    after: Callable[[Any], None] | None = None  # on success, with at_click: select, clear, switch tab


# --- keys --------------------------------------------------------------------------------------------

def key(page: str, action: str, row: object = None) -> str:
    """The one key of an action's button: ``<page>.act.<action>`` or ``<page>.act.<action>.<row>``."""
    return f"{page}.act.{action}" + ("" if row is None else f".{row}")


def confirm_key(page: str, yes: bool = True) -> str:
    return f"{page}.confirm_{'yes' if yes else 'no'}"


def submit_key(page: str) -> str:
    return f"{page}.form_submit"


def input_key(page: str, name: str) -> str:
    """The key of a form input's widget: ``<page>.<input>`` (the committee's is ``<page>.committee``)."""
    return f"{page}.{'committee' if name == 'committee_id' else name}"


def _pending_key(page: str) -> str:
    return f"{page}.pending"


def _error_key(page: str) -> str:
    return f"{page}.error"


# --- click -------------------------------------------------------------------------------------------

def action_button(page: str, action: Action, *, row: object = None, data: Mapping[str, Any] | None = None,
                  capture: Callable[[], Mapping[str, Any]] | None = None, form: bool = False, **look: Any) -> bool:
    """The action's button (``form``: the submit button of the ``st.form`` it is drawn in)."""
    draw, widget_key = (st.form_submit_button if form else st.button), key(page, action.name, row)
    return draw(action.label, key=widget_key, on_click=_click,
                args=(page, action, row, dict(data or {}), capture), **look)


def offer(page: str, action: Action, *, row: object = None, **button_args: Any) -> None:
    """The action's button with its stages right under it (for a page that draws nothing in between)."""
    action_button(page, action, row=row, **button_args)
    run(page, action, row=row)


def _click(page: str, action: Action, row: object, data: dict, capture: Callable | None) -> None:
    if capture is not None:
        data = {**data, **capture()}
    stage = "form" if action.inputs else ("confirm" if action.confirm else "perform")
    pending = {"action": action, "row": row, "stage": stage, "data": data, "inputs": {}}
    st.session_state[_pending_key(page)] = pending
    if action.at_click and stage == "perform":
        _perform(page, action, pending, rerun=False)


def pending(page: str) -> Click | None:
    """The step waiting on this page, if any."""
    p = st.session_state.get(_pending_key(page))
    return Click(p["data"], p["inputs"]) if isinstance(p, dict) else None


def clear(page: str) -> None:
    st.session_state.pop(_pending_key(page), None)


# --- the stages --------------------------------------------------------------------------------------

def run(page: str, *actions: Action, row: object = None, stale: bool = False) -> None:
    """Draw the stage the pending step is in, when it is one of ``actions`` (for ``row``). ``stale``:
    also a step this run no longer offers (someone acted meanwhile): it goes on as clicked, and core
    answers with what happened (ConcurrentChange's "someone else acted")."""
    p = st.session_state.get(_pending_key(page))
    if not isinstance(p, dict) or p.get("row") != row:
        return
    action = next((a for a in actions if a.name == p["action"].name), p["action"] if stale else None)
    if action is None:
        return
    if p["stage"] == "form":
        _form(page, action, p)
    elif p["stage"] == "confirm":
        _confirm(page, action, p)
    else:
        _perform(page, action, p)


def _form(page: str, action: Action, p: dict) -> None:
    for name, value in p["inputs"].items():  # back after a refusal: what was typed, to correct it
        st.session_state.setdefault(input_key(page, name), value)
    with st.form(f"{page}.form", clear_on_submit=False):
        st.markdown(f"**{action.label}**")
        inputs = {name: draw(page, action) for name, draw in INPUTS.items() if name in action.inputs}
        submitted = st.form_submit_button(tr("act.submit"), key=f"{page}.form_submit", type="primary")
    st.button(tr("act.cancel"), key=f"{page}.form_cancel", on_click=clear, args=(page,))
    if not submitted:
        return
    if action.check is not None:
        try:
            action.check(inputs)
        except DomainError as error:  # everything at once, before any confirmation
            show_error(error)
            return
    p["inputs"] = inputs
    if action.confirm:
        p["stage"] = "confirm"
        st.rerun()
    _perform(page, action, p)


def _confirm(page: str, action: Action, p: dict) -> None:
    click = Click(p["data"], p["inputs"])
    text = action.confirm(click) if callable(action.confirm) else str(action.confirm)

    def body() -> None:
        st.text(text)  # it names people: text, never markdown
        yes, no = st.columns(2)
        if yes.button(tr("act.confirm_yes"), key=f"{page}.confirm_yes", type="primary"):
            _perform(page, action, p)
        no.button(tr("act.cancel"), key=f"{page}.confirm_no", on_click=clear, args=(page,))

    st.dialog(tr("act.confirm_title"), on_dismiss=partial(clear, page))(body)()


def _perform(page: str, action: Action, p: dict, rerun: bool = True) -> None:
    """Do the step; report the outcome on the next run (every list reloads)."""
    click = Click(p["data"], p["inputs"])
    try:
        if "reason" in action.inputs and not str(click.inputs.get("reason") or "").strip():
            raise DomainError("error.reason_required")  # core refuses it too: nothing is sent
        result = action.perform(click)
    except DomainError as error:
        st.session_state[_error_key(page)] = error
        if action.inputs and not isinstance(error, FINAL):
            p["stage"] = "form"  # wrong or missing input, a guard: back to the form
        else:
            clear(page)
    else:
        clear(page)
        for name in action.inputs:
            st.session_state.pop(input_key(page, name), None)
        if action.keep:
            st.session_state[action.keep] = result
        done = action.done(click, result) if callable(action.done) else action.done
        if done:
            state.flash("success", done)
        if action.after is not None:
            action.after(result)
    if rerun:
        st.rerun()


def show_outcome(page: str) -> None:
    """The error the last step left, as text (a batch failure with one line per failing declaration)."""
    error = st.session_state.pop(_error_key(page), None)
    if isinstance(error, BatchFailed):
        st.error(plain(error.message(lang())) + "\n\n"
                 + "\n".join(f"- {plain(m)}" for m in error.failure_messages(lang())))
    elif error is not None:
        show_error(error)


# --- the form's inputs -------------------------------------------------------------------------------

def _pledge(page: str, action: Action) -> str:
    st.caption(tr("act.pledge_reference"))
    st.markdown(f"> {PLEDGE_TEXT}")
    return st.text_area(tr("act.pledge_input"), key=f"{page}.pledge", height=120)


def _committee(page: str, action: Action) -> Any:
    committees = dict(action.choices.get("committee_id", {}))
    if not committees:
        st.warning(tr("act.no_committee"))
    return st.selectbox(tr("act.committee"), list(committees), format_func=committees.get,
                        key=f"{page}.committee")


def _result(page: str, action: Action) -> str:
    results = {v: tr(f"act.result_{v}") for v in ("pass", "fail")}
    return st.radio(tr("act.result"), list(results), key=f"{page}.result", horizontal=True,
                    format_func=results.get)


INPUTS: dict[str, Callable[[str, Action], Any]] = {  # in the order a form shows them
    "pledge": _pledge,
    "operator_name": lambda page, a: st.text_input(tr("act.operator_name"), key=f"{page}.operator_name"),
    "operator_phone": lambda page, a: st.text_input(tr("act.operator_phone"), key=f"{page}.operator_phone"),
    "committee_id": _committee,
    "result": _result,
    "reason": lambda page, a: st.text_area(tr("act.reason"), key=f"{page}.reason"),
    "opinion": lambda page, a: st.text_area(tr("act.opinion"), key=f"{page}.opinion"),
}
