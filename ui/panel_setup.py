"""组建评委会 / A session's setup (001 §6.2.10.1): review groups, dossiers into groups, the experts each
group needs per specialty, the random drawing (replayable), declines, duties, settings, and 开启线上评审.

Each button is one core.panel call (sessions, drawing) through ui.actions; the board is read again
after every step. Declining a member and starting the review ask first (neither can be undone).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.panel import drawing, rules, sessions, views
from core.workflow import Actor
from ui import actions, db, panel_common as common
from ui.i18n import tr, tr_safe


def setup_tab(ws: str, actor: Actor, session_id: int) -> None:
    board = views.board(db.uow(), actor, session_id)
    common.heading(board.session)
    editable = board.session.status == "setup"
    if not editable:
        st.info(tr("panel_admin.setup_locked"))
    if editable:
        _add_group(ws, actor, session_id)
        _assign(ws, actor, session_id, board)
    for group in board.groups:
        _group(ws, actor, group, editable)
    _committee_only(ws, actor, board, editable)
    _duties(ws, actor, board)
    if editable:
        _settings(ws, actor, board.session)
    _draws(ws, actor, board)
    if editable:
        _start(ws, actor, board.session)


def members_table(key: str, members: list[views.Member]) -> None:
    st.dataframe(pd.DataFrame([{
        tr("panel_admin.col.expert"): m.name, tr("col.unit"): m.unit,
        tr("panel_admin.col.specialties"): "、".join(common.specialty(c) for c in m.specialties),
        tr("panel_admin.col.duty"): common.duty(m.duty), tr("panel_admin.col.present"): common.yes(m.signed_in),
        tr("panel_admin.col.declined"): common.yes(m.declined),
    } for m in members]), hide_index=True, key=key)


def _add_group(ws: str, actor: Actor, session_id: int) -> None:
    st.subheader(tr("panel_admin.groups"))
    name = st.text_input(tr("panel_admin.group_name"), key=f"{ws}.group_name", max_chars=sessions.MAX_TITLE)
    step = actions.Action("add_group", tr("panel_admin.add_group"), done=tr("panel_admin.group_added"),
                          perform=lambda c: sessions.add_group(db.uow(), actor, session_id, name))
    actions.offer(ws, step)


def _assign(ws: str, actor: Actor, session_id: int, board: views.Board) -> None:
    waiting = sessions.waiting_dossiers(db.uow(), actor, session_id)
    if not waiting:
        st.caption(tr("panel_admin.no_waiting"))
        return
    if not board.groups:
        st.caption(tr("panel_admin.add_group_first", count=len(waiting)))
        return
    labels = {d: f"#{d} · {common.specialty(spec)}" for d, _series, spec in waiting}
    groups = {g.id: g.name for g in board.groups}
    cols = st.columns([3, 1])
    picked = cols[0].multiselect(tr("panel_admin.waiting", count=len(waiting)), list(labels),
                                 format_func=labels.get, key=f"{ws}.assign_ids", placeholder=tr("ws.pick_placeholder"))
    group = cols[1].selectbox(tr("panel_admin.to_group"), list(groups), format_func=groups.get, key=f"{ws}.assign_group")
    step = actions.Action("assign", tr("panel_admin.assign"),
                          done=lambda c, n: tr("panel_admin.assigned", count=n),
                          perform=lambda c: sessions.assign(db.uow(), actor, group, picked))
    actions.offer(ws, step)


def _group(ws: str, actor: Actor, g: views.GroupView, editable: bool) -> None:
    with st.expander(tr_safe("panel_admin.group_head", name=g.name, status=tr(f"panel.group.{g.status}"),
                        dossiers=len(g.dossiers), members=len([m for m in g.members if not m.declined])),
                     expanded=True):
        if g.dossiers:
            st.dataframe(pd.DataFrame([{tr("col.id"): d.declaration_id, tr("panel_admin.col.dossier"): d.label,
                                        tr("panel_admin.col.specialty"): common.specialty(d.specialty_code)}
                                       for d in g.dossiers]), hide_index=True, key=f"{ws}.dossiers.{g.id}")
        if editable and g.dossiers:
            _unassign(ws, actor, g)
        specialties = sorted({d.specialty_code for d in g.dossiers if d.specialty_code} | set(g.needs))
        for code in specialties:
            _need(ws, actor, g, code, editable)
        if g.members:
            members_table(f"{ws}.members.{g.id}", g.members)


def _unassign(ws: str, actor: Actor, g: views.GroupView) -> None:
    labels = {d.declaration_id: f"#{d.declaration_id} {d.label}" for d in g.dossiers}
    cols = st.columns([3, 1])
    picked = cols[0].selectbox(tr("panel_admin.unassign_pick"), list(labels), format_func=labels.get,
                               key=f"{ws}.unassign.{g.id}")
    step = actions.Action("unassign", tr("panel_admin.unassign"), done=tr("panel_admin.unassigned"),
                          perform=lambda c: sessions.unassign(db.uow(), actor, g.id, picked))
    with cols[1]:
        actions.offer(ws, step, row=g.id)


def _need(ws: str, actor: Actor, g: views.GroupView, code: str, editable: bool) -> None:
    row = f"{g.id}.{code}"
    cols = st.columns([2, 1, 1, 1])
    count = cols[0].number_input(tr("panel_admin.need", specialty=common.specialty(code)), min_value=0, max_value=50,
                                 step=1, value=int(g.needs.get(code, 0)), key=f"{ws}.need.{row}", disabled=not editable)
    if not editable:
        return
    save = actions.Action("set_need", tr("panel_admin.save_need"), done=tr("panel_admin.need_saved"),
                          perform=lambda c: sessions.set_need(db.uow(), actor, g.id, code, int(count)))
    draw = actions.Action("draw", tr("panel_admin.draw"),
                          done=lambda c, r: tr("panel_admin.drawn", count=len(r.drawn), pool=r.pool_size),
                          perform=lambda c: drawing.draw_for_group(db.uow(), actor, g.id, code))
    with cols[1]:
        actions.action_button(ws, save, row=row)
    with cols[2]:
        actions.action_button(ws, draw, row=row, type="primary")
    actions.run(ws, save, draw, row=row)


def _committee_only(ws: str, actor: Actor, board: views.Board, editable: bool) -> None:
    st.subheader(tr("panel_admin.committee_only"))
    st.caption(tr("panel_admin.committee_only_help"))
    if board.committee_only:
        members_table(f"{ws}.members.committee", board.committee_only)
    if not editable:
        return
    cols = st.columns([2, 1])
    count = cols[0].number_input(tr("panel_admin.committee_count"), min_value=1, max_value=99, step=1, value=1,
                                 key=f"{ws}.committee_count")
    step = actions.Action("draw_committee", tr("panel_admin.draw"),
                          done=lambda c, r: tr("panel_admin.drawn", count=len(r.drawn), pool=r.pool_size),
                          perform=lambda c: drawing.draw_committee(db.uow(), actor, board.session.id, int(count)))
    with cols[1]:
        actions.offer(ws, step, type="primary")


def _duties(ws: str, actor: Actor, board: views.Board) -> None:
    """Appoint a duty; decline a member (then draw again to replace them)."""
    members = {m.id: m for g in board.groups for m in g.members} | {m.id: m for m in board.committee_only}
    active = {i: m for i, m in members.items() if not m.declined}
    if not active or board.session.status == "tallied":
        return
    st.subheader(tr("panel_admin.duties"))
    st.caption(tr("panel_admin.duties_help"))
    cols = st.columns([3, 2])
    picked = cols[0].selectbox(tr("panel_admin.member"), list(active), key=f"{ws}.member",
                               format_func=lambda i: common.member_label(active[i]))
    duty = cols[1].selectbox(tr("panel_admin.col.duty"), list(rules.DUTIES), format_func=common.duty,
                             key=f"{ws}.duty")
    set_duty = actions.Action("set_duty", tr("panel_admin.set_duty"), done=tr("panel_admin.duty_set"),
                              perform=lambda c: sessions.set_duty(db.uow(), actor, picked, duty))
    decline = actions.Action("decline", tr("panel_admin.decline"), done=tr("panel_admin.declined_done"),
                             perform=lambda c: drawing.decline(db.uow(), actor, c.data["member"]),
                             confirm=lambda c: tr("panel_admin.confirm_decline", name=active[c.data["member"]].name
                                                  if c.data["member"] in active else ""))
    buttons = st.columns(2)
    with buttons[0]:
        actions.action_button(ws, set_duty)
    if board.session.status == "setup":
        with buttons[1]:
            actions.action_button(ws, decline, capture=lambda: {"member": st.session_state.get(f"{ws}.member")})
    actions.run(ws, set_duty, decline)


def _settings(ws: str, actor: Actor, r: views.SessionRow) -> None:
    st.subheader(tr("panel_admin.settings"))
    cols = st.columns(3)
    blind = cols[0].checkbox(tr("panel_admin.col.blind"), value=r.blind_review, key=f"{ws}.set.blind.{r.id}")
    defense = cols[1].checkbox(tr("panel_admin.col.defense"), value=r.defense, key=f"{ws}.set.defense.{r.id}")
    meeting = cols[2].date_input(tr("panel_admin.col.meeting"), value=r.meeting_on, key=f"{ws}.set.meeting.{r.id}")
    step = actions.Action("settings", tr("panel_admin.save_settings"), done=tr("panel_admin.settings_saved"),
                          perform=lambda c: sessions.set_settings(db.uow(), actor, r.id, blind_review=blind,
                                                                  defense=defense, meeting_on=meeting or None))
    actions.offer(ws, step)


def _draws(ws: str, actor: Actor, board: views.Board) -> None:
    records = drawing.draws(db.uow(), actor, board.session.id)
    if not records:
        return
    st.subheader(tr("panel_admin.draws"))
    groups = {g.id: g.name for g in board.groups}
    st.dataframe(pd.DataFrame([{
        tr("col.id"): d.id, tr("panel_admin.col.group"): groups.get(d.group_id, tr("panel_admin.committee_only")),
        tr("panel_admin.col.specialty"): common.specialty(d.specialty_code), tr("panel_admin.col.wanted"): d.wanted,
        tr("panel_admin.col.drawn"): len(d.drawn_expert_ids), tr("panel_admin.col.pool"): d.pool_size,
        tr("panel_admin.col.rule"): d.rule_version, tr("panel_admin.col.pool_hash"): d.pool_hash[:16],
        tr("panel_admin.col.excluded"): _excluded(d.excluded),
        tr("col.time"): d.drawn_at.strftime("%Y-%m-%d %H:%M"),
    } for d in records]), hide_index=True, key=f"{ws}.draws")
    by_id = {d.id: d for d in records}
    picked = st.selectbox(tr("panel_admin.replay_pick"), list(by_id), key=f"{ws}.replay_pick",
                          format_func=lambda i: f"#{i}")
    step = actions.Action("replay", tr("panel_admin.replay"), keep=f"{ws}.replayed",
                          perform=lambda c: drawing.replay(db.uow(), actor, picked))
    actions.offer(ws, step)
    shown = st.session_state.get(f"{ws}.replayed")
    if isinstance(shown, drawing.Replay) and shown.draw_id in by_id:
        _replayed(shown, by_id[shown.draw_id])


def _excluded(counts: dict) -> str:
    return "、".join(f"{tr(f'panel_admin.excluded.{k}')} {v}" for k, v in sorted((counts or {}).items())) or "0"


def _replayed(result: drawing.Replay, record) -> None:
    """Same or not, with what the drawing rests on: seed, rule version, pool size and hash, exclusions."""
    box = st.success if result.same else st.error
    box(tr("panel_admin.replay_same" if result.same else "panel_admin.replay_differs", id=result.draw_id))
    st.text(tr("panel_admin.replay_detail", seed=record.seed, rule=record.rule_version, pool=record.pool_size,
               hash=record.pool_hash, excluded=_excluded(record.excluded),
               drawn=common.yes(result.recorded == result.replayed), members=common.yes(result.members_match),
               pool_ok=common.yes(result.pool_hash_ok)))


def _start(ws: str, actor: Actor, r: views.SessionRow) -> None:
    st.divider()
    step = actions.Action("start_review", tr("panel.action.start_review"), done=tr("panel_admin.started"),
                          perform=lambda c: sessions.start_review(db.uow(), actor, r.id, c.data["version"]),
                          confirm=tr("panel_admin.confirm_start", title=r.title))
    actions.offer(ws, step, data={"version": r.version}, type="primary")
