"""小组管理 / Group management (001 §6.2.10.4, §6.2.10.6), for the group leader.

Pick one of the groups the leader leads; see its dossiers (under blind review only numbers: core.panel.views
labels them) and its experts. While distributing, give each dossier to at least two eligible experts with
one main reviewer, then 进入评审; while reviewing, follow the reviews and 进入组内投票 once all are final;
while voting, follow how many have voted (never what) and 结束组内投票. Every step asks first except the
distribution itself, which can be redone until the review starts.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.common.errors import DomainError
from core.panel import distribution, views, voting
from core.workflow import Actor
from ui import actions, db, panel_common as common, worktabs
from ui.i18n import show_error, tr, tr_safe

WS = "panel_group"
GROUP, DOSSIER, CHOSEN, MAIN = f"{WS}.group", f"{WS}.dossier", f"{WS}.chosen", f"{WS}.main"


def render() -> None:
    actor = worktabs.open_workspace(WS)
    if actor is None:
        return
    groups = views.my_groups(db.uow(), actor)
    if not groups:
        st.info(tr("panel_group.none"))
        return
    labels = {g: f"{title} · {name} · {tr(f'panel.group.{status}')}" for g, name, title, status in groups}
    if st.session_state.get(GROUP) not in labels:
        st.session_state[GROUP] = groups[0][0]
    group_id = st.selectbox(tr("panel_group.pick"), list(labels), format_func=labels.get, key=GROUP)
    try:
        board = views.leader_board(db.uow(), actor, group_id)
    except DomainError as error:
        show_error(error)
        return
    _head(board)
    status = board.group.status
    if status == "distributing":
        _distribute(actor, board)
        _step(actor, board, "start_group_review")
    elif status == "reviewing":
        _step(actor, board, "open_group_vote")
    elif status == "group_voting":
        _close_vote(actor, board)


def _head(board: views.LeaderBoard) -> None:
    st.caption(tr("panel_group.status", status=tr(f"panel.group.{board.group.status}"),
                  blind=tr("panel_group.blind") if board.session.blind_review else ""))
    names = {m.id: m.name for m in board.group.members}
    st.markdown(f"**{tr('panel_group.dossiers')}**")
    st.dataframe(pd.DataFrame([_dossier_row(board, d, names) for d in board.group.dossiers]), hide_index=True,
                 key=f"{WS}.dossiers")
    st.markdown(f"**{tr('panel_group.members')}**")
    st.dataframe(pd.DataFrame([{
        tr("panel_group.col_name"): m.name, tr("panel_group.col_unit"): m.unit,
        tr("panel_group.col_duty"): tr(f"panel.duty.{m.duty}"),
        tr("panel_group.col_signed_in"): tr("panel_group.yes") if m.signed_in else tr("panel_group.no"),
    } for m in board.group.members]), hide_index=True, key=f"{WS}.members")


def _dossier_row(board: views.LeaderBoard, d: views.Dossier, names: dict[int, str]) -> dict:
    given = board.assigned.get(d.declaration_id, [])
    main = next((names.get(m, "") for m, is_main, _ in given if is_main), "")
    row = {tr("panel_group.col_dossier"): d.label, tr("panel_group.col_specialty"): common.specialty(d.specialty_code),
           tr("panel_group.col_reviewers"): "、".join(names.get(m, "") for m, _, _ in given),
           tr("panel_group.col_main"): main}
    if board.group.status != "distributing":
        row[tr("panel_group.col_final")] = f"{sum(1 for *_, final in given if final)}/{len(given)}"
    if board.group.status in ("group_voting", "group_voted"):
        row[tr("panel_group.col_voted")] = f"{board.voted.get(d.declaration_id, 0)}/{len(board.group.members)}"
    return row


def _distribute(actor: Actor, board: views.LeaderBoard) -> None:
    """One dossier at a time: its eligible experts (recused ones are never offered), one of them main."""
    st.subheader(tr("panel_group.distribute_title"))
    st.caption(tr("panel_group.distribute_help"))
    dossiers = {d.declaration_id: d.label for d in board.group.dossiers}
    if st.session_state.get(DOSSIER) not in dossiers:
        st.session_state[DOSSIER] = next(iter(dossiers))
    declaration_id = st.selectbox(tr("panel_group.col_dossier"), list(dossiers), format_func=dossiers.get,
                                  key=DOSSIER)
    names = {m.id: f"{m.name}（{m.unit}）" for m in board.group.members}
    eligible = [m for m in board.eligible.get(declaration_id, ()) if m in names]
    chosen_key, main_key = f"{CHOSEN}.{declaration_id}", f"{MAIN}.{declaration_id}"
    given = board.assigned.get(declaration_id, [])
    st.session_state.setdefault(chosen_key, [m for m, _, _ in given if m in eligible])
    chosen = st.multiselect(tr("panel_group.reviewers"), eligible, format_func=names.get, key=chosen_key,
                            placeholder=tr("ws.pick_placeholder"))
    if st.session_state.get(main_key) not in chosen:
        st.session_state[main_key] = next((m for m, is_main, _ in given if is_main and m in chosen),
                                          chosen[0] if chosen else None)
    st.selectbox(tr("panel_group.main"), chosen, format_func=names.get, key=main_key)
    uow = db.uow()
    step = actions.Action(
        "distribute", tr("panel_group.distribute"),
        done=tr_safe("panel_group.distributed", dossier=dossiers[declaration_id]),
        perform=lambda c: distribution.distribute(uow, actor, board.group.id, c.data["dossier"], c.data["members"],
                                                  c.data["main"]))
    actions.action_button(WS, step, data={"dossier": declaration_id},
                          capture=lambda: {"members": list(st.session_state.get(chosen_key) or []),
                                           "main": st.session_state.get(main_key)})
    actions.run(WS, step)


def _step(actor: Actor, board: views.LeaderBoard, action: str) -> None:
    """进入评审 / 进入组内投票: through the engine, after a confirmation (neither can be undone)."""
    label = tr(f"panel.action.{action}")
    uow, version = db.uow(), board.group.version
    step = actions.Action(
        action, label, done=tr("act.done", action=label), confirm=tr(f"panel_group.confirm.{action}"),
        perform=lambda c: distribution.group_step(uow, actor, board.group.id, action, c.data["version"]))
    actions.action_button(WS, step, data={"version": version}, type="primary")
    actions.run(WS, step, stale=True)


def _close_vote(actor: Actor, board: views.LeaderBoard) -> None:
    cast = sum(board.voted.values())
    st.caption(tr("panel_group.vote_progress", cast=cast,
                  total=len(board.group.members) * len(board.group.dossiers)))
    label = tr("panel.action.close_group_vote")
    uow = db.uow()
    step = actions.Action(
        "close_group_vote", label, done=tr("act.done", action=label),
        confirm=tr("panel_group.confirm.close_group_vote"),
        perform=lambda c: voting.close_group_vote(uow, actor, board.group.id, c.data["version"]))
    actions.action_button(WS, step, data={"version": board.group.version}, type="primary")
    actions.run(WS, step, stale=True)
