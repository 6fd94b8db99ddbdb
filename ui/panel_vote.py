"""投票表决 / Voting (001 §6.2.10.6–7), for every panel duty: each open vote the expert may take part in,
the group's vote and the committee's, from one read (core.panel.views.ballot_sheet) per rerun: a meeting
has dozens of voters at once.

Per dossier 同意 / 不同意 / 弃权; the committee stage shows the group's recommendation. Submitting asks
first: one vote per dossier, final. A dossier already voted on says so, never what was chosen; a second
try (another tab, a stale page) gets core's clear refusal (voting.AlreadyVoted), shown as text.
"""
from __future__ import annotations

from itertools import groupby

import pandas as pd
import streamlit as st

from core.panel import rules, views, voting
from core.workflow import Actor
from ui import actions, db, panel_common as common, worktabs
from ui.i18n import plain, tr

WS = "panel_vote"


def render() -> None:
    actor = worktabs.open_workspace(WS)
    if actor is None:
        return
    lines = views.ballot_sheet(db.uow(), actor)
    if not lines:
        st.info(tr("panel_vote.none"))
        return
    for (session_id, stage), group in groupby(lines, key=lambda ln: (ln.session_id, ln.stage)):
        _ballot(actor, session_id, stage, list(group))


def _row(session_id: int, stage: str) -> str:
    return f"{session_id}.{stage}"


def _choice_key(line: views.BallotLine) -> str:
    return f"{WS}.{_row(line.session_id, line.stage)}.{line.dossier.declaration_id}"


def _ballot(actor: Actor, session_id: int, stage: str, lines: list[views.BallotLine]) -> None:
    st.subheader(tr(f"panel_vote.stage.{stage}", session=plain(lines[0].session_title or f"#{session_id}")))
    st.dataframe(pd.DataFrame([_line_row(ln) for ln in lines]), hide_index=True,
                 key=f"{WS}.table.{_row(session_id, stage)}")
    open_lines = [ln for ln in lines if not ln.voted]
    choices = {c: tr(f"panel.choice.{c}") for c in rules.CHOICES}
    for line in open_lines:
        key = _choice_key(line)
        st.radio(plain(line.dossier.label), list(choices), index=None, format_func=choices.get, horizontal=True, key=key)
    row = _row(session_id, stage)
    uow = db.uow()
    step = actions.Action(
        "cast", tr("panel_vote.submit"), done=lambda c, n: tr("panel_vote.cast", n=n),
        confirm=lambda c: tr("panel_vote.confirm", n=len(c.data["choices"])),
        perform=lambda c: voting.cast(uow, actor, c.data["session"], c.data["stage"], c.data["choices"]))
    if open_lines:
        actions.action_button(WS, step, row=row, data={"session": session_id, "stage": stage}, type="primary",
                              capture=lambda: {"choices": _picked(open_lines)})
    else:
        st.caption(tr("panel_vote.all_voted"))
    actions.run(WS, step, row=row, stale=True)  # a stale page's submit still reaches core, which refuses


def _picked(lines: list[views.BallotLine]) -> dict[int, str]:
    picked = {ln.dossier.declaration_id: st.session_state.get(_choice_key(ln)) for ln in lines}
    return {d: c for d, c in picked.items() if c in rules.CHOICES}


def _line_row(line: views.BallotLine) -> dict:
    row = {tr("panel_vote.col_dossier"): line.dossier.label,
           tr("panel_vote.col_specialty"): common.specialty(line.dossier.specialty_code)}
    if line.stage == "committee":
        row[tr("panel_vote.col_recommendation")] = (
            "" if line.recommendation is None else
            tr("panel_vote.recommended") if line.recommendation else tr("panel_vote.not_recommended"))
    row[tr("panel_vote.col_voted")] = tr("panel_vote.voted") if line.voted else tr("panel_vote.not_voted")
    return row
