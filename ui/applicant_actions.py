"""Submit, resubmit and cancel one's declaration, and print its form (申报表).

Before submitting, every missing or invalid item (core.declaring.submission) is listed together with the
engine's other reasons (bound, committee open, one active declaration per year) and the pledge,
which must be typed by hand and match; only a clean submit reaches the confirmation step. Each is
a step of the one action path (ui.actions) and always asks for confirmation; the engine checks
everything again and its refusal is listed the same way, numbered by row.
"""
from __future__ import annotations

from functools import partial

import streamlit as st

from core.desks import applicant as desk
from core.common.errors import DomainError
from core.common.i18n import t
from core.machines.pledge import pledge_matches
from core.workflow import Actor, Option
from ui import actions, db
from ui.i18n import lang, plain, tr

P = "my_declarations"


def render(actor: Actor, ed: desk.Editor) -> None:
    d = ed.dossier
    st.download_button(tr("mine.pdf"), data=partial(desk.form_pdf, db.uow(), actor, d.id, lang()),
                       file_name=f"declaration-{d.id}.pdf", mime="application/pdf", key=f"{P}.pdf",
                       on_click="ignore", icon=":material/print:")
    if ed.scope.modules:
        _checklist(ed)
    else:
        st.caption(tr("mine.read_only"))
    if not ed.options:
        return
    steps = [_step(actor, ed, option) for option in ed.options]
    with st.container(horizontal=True):
        for step in steps:
            actions.action_button(P, step, data={"id": d.id, "version": d.version},
                           type="secondary" if step.name == "cancel" else "primary")
    waiting = actions.pending(P)
    if waiting is not None and waiting.data.get("id") == d.id:
        actions.run(P, *steps, stale=True)


def _step(actor: Actor, ed: desk.Editor, option: Option) -> actions.Action:
    label = tr(f"action.{option.action}")
    confirm = tr("mine.confirm_cancel", id=ed.dossier.id) if option.action == "cancel" \
        else tr("mine.confirm_submit", action=label)
    pledge = "pledge" in option.inputs
    return actions.Action(option.action, label, perform=partial(_perform, actor, option.action),
                          done=tr("act.done", action=label), confirm=confirm, inputs=("pledge",) if pledge else (),
                          check=partial(_check, ed, option) if pledge else None)


def _text(problem) -> str:
    """A problem's line; a missing module is named as such (its catalogue text is the module's name)."""
    if problem.key.startswith("missing.module.") and problem.row is None:
        return tr("mine.missing_module", module=t(problem.key, lang()))
    return problem.text(lang())


def _checklist(ed: desk.Editor) -> None:
    if ed.problems:
        st.warning(tr("mine.problems", n=len(ed.problems)) + "\n\n"
                   + "\n".join(f"- {plain(_text(p))}" for p in ed.problems))
    else:
        st.success(tr("mine.ready"))


def _problem_lines(ed: desk.Editor, option: Option) -> list[str]:
    """Every open problem with row numbers, then the engine's other reasons not already listed."""
    lines = [_text(p) for p in ed.problems]
    seen = {p.key for p in ed.problems}
    return lines + [t(k, lang()) for k in option.blocked if k not in seen]


def _check(ed: desk.Editor, option: Option, inputs: dict) -> None:
    """Before any confirmation: everything missing and a pledge that does not match, listed at once."""
    lines = _problem_lines(ed, option)
    if not pledge_matches(inputs.get("pledge") or ""):
        lines.append(t("guard.pledge_mismatch", lang()))
    if lines:
        raise DomainError("mine.submit_failed", details=lines)


def _perform(actor: Actor, action: str, click: actions.Click) -> int:
    """The engine's step; its refusal lists what is missing numbered by row, in place of its bare keys."""
    declaration_id = click.data["id"]
    try:
        return desk.act(db.uow(), actor, declaration_id, action, click.inputs, click.data["version"])
    except DomainError as error:
        try:
            problems = desk.problems(db.uow(), actor, declaration_id)
        except DomainError:
            problems = []
        keys = {p.key for p in problems}
        lines = [_text(p) for p in problems] + [line for key, line in zip(error.details, error.detail_messages(lang()))
                                                if key not in keys]
        error.details = lines
        raise
