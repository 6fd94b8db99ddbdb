"""The meeting days of a session, for the committee unit (001 §6.2.10.2–3, §6.2.10.7): signing experts in
and out (签到 / 签退) with the quorum, blind-review opinions per dossier (盲评意见上传) with how many
dossiers each group holds, and the committee vote: 进入评委会投票 and 统票 (both ask first: neither can
be undone). Each button is one core.panel call through ui.actions.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.common.errors import ValidationError
from core.panel import attendance, blind, console, views, voting
from core.workflow import Actor
from ui import actions, db, panel_common as common, panel_setup
from ui.i18n import tr

FILE_TYPES = ["pdf", "jpg", "jpeg", "png"]


def quorum_line(c: console.Console) -> None:
    cols = st.columns(3)
    cols[0].metric(tr("panel_admin.present"), f"{c.present} / {c.members}")
    cols[1].metric(tr("panel_admin.quorum_needed"), c.needed_present)
    cols[2].metric(tr("panel_admin.quorum"), tr("panel_admin.quorum_yes") if c.quorum else tr("panel_admin.quorum_no"))


def attendance_tab(ws: str, actor: Actor, session_id: int) -> None:
    board = views.board(db.uow(), actor, session_id)
    common.heading(board.session)
    quorum_line(console.console(db.uow(), actor, session_id))
    members = [m for g in board.groups for m in g.members] + board.committee_only
    active = {m.id: m for m in members if not m.declined}
    if not active:
        st.info(tr("panel_admin.no_members"))
        return
    panel_setup.members_table(f"{ws}.attendance", [m for m in members if not m.declined])
    if board.session.status == "tallied":
        return
    picked = st.multiselect(tr("panel_admin.sign_pick"), list(active), key=f"{ws}.sign_ids",
                            format_func=lambda i: common.member_label(active[i]), placeholder=tr("ws.pick_placeholder"))
    steps = [actions.Action(name, tr(f"panel_admin.{name}"),
                            done=lambda c, n, name=name: tr(f"panel_admin.{name}_done", count=n),
                            perform=lambda c, here=here: attendance.sign(db.uow(), actor, session_id, picked,
                                                                         signed_in=here))
             for name, here in (("sign_in", True), ("sign_out", False))]
    cols = st.columns(2)
    for col, step in zip(cols, steps):
        with col:
            actions.action_button(ws, step)
    actions.run(ws, *steps)


def blind_tab(ws: str, actor: Actor, session_id: int) -> None:
    board = views.board(db.uow(), actor, session_id)
    common.heading(board.session)
    st.subheader(tr("panel_admin.per_group"))  # §6.2.10.3: how many dossiers each group holds
    if board.groups:
        st.dataframe(pd.DataFrame([{tr("panel_admin.col.group"): g.name, tr("col.state"): tr(f"panel.group.{g.status}"),
                                    tr("panel_admin.col.dossiers"): len(g.dossiers)} for g in board.groups]),
                     hide_index=True, key=f"{ws}.per_group")
    else:
        st.info(tr("panel_admin.no_groups"))
    st.subheader(tr("panel_admin.blind"))
    dossiers = {d.declaration_id: d for g in board.groups for d in g.dossiers}
    files = blind.list_for(db.uow(), actor, session_id)
    if files:
        st.dataframe(pd.DataFrame([{tr("panel_admin.col.dossier"): f.dossier, tr("panel_admin.col.file"): f.name,
                                    tr("panel_admin.col.size"): f.size,
                                    tr("col.time"): f.uploaded_at.strftime("%Y-%m-%d %H:%M")} for f in files]),
                     hide_index=True, key=f"{ws}.blind_files")
    if not dossiers or board.session.status == "tallied":
        return
    picked = st.selectbox(tr("panel_admin.blind_pick"), list(dossiers), key=f"{ws}.blind_dossier",
                          format_func=lambda i: f"#{i} {dossiers[i].label}")
    round_ = st.session_state.setdefault(f"{ws}.blind_round", 0)
    upload = st.file_uploader(tr("panel_admin.blind_file"), type=FILE_TYPES, key=f"{ws}.blind_file{round_}")
    step = actions.Action("blind_upload", tr("panel_admin.blind_upload"), done=tr("panel_admin.blind_done"),
                          perform=lambda c: _upload(ws, actor, session_id, picked, upload))
    actions.offer(ws, step, disabled=upload is None)


def _upload(ws: str, actor: Actor, session_id: int, declaration_id: int, upload) -> int:
    if upload is None:
        raise ValidationError("file.empty")
    opinion = blind.upload(db.uow(), actor, session_id, declaration_id, upload.name, upload.getvalue())
    st.session_state[f"{ws}.blind_round"] = st.session_state.get(f"{ws}.blind_round", 0) + 1  # a fresh uploader
    return opinion


def votes_tab(ws: str, actor: Actor, session_id: int) -> None:
    c = console.console(db.uow(), actor, session_id)
    r = c.session
    common.heading(r)
    quorum_line(c)
    st.caption(tr("panel_admin.votes_cast", cast=c.votes_cast, expected=c.votes_expected,
                  stage=tr(f"panel_admin.stage.{c.stage}")))
    if r.status == "reviewing":
        step = actions.Action("open_committee_vote", tr("panel.action.open_committee_vote"),
                              done=tr("panel_admin.vote_opened"),
                              perform=lambda k: voting.open_committee_vote(db.uow(), actor, r.id, k.data["version"]),
                              confirm=tr("panel_admin.confirm_open_vote", title=r.title))
        actions.offer(ws, step, data={"version": r.version}, type="primary")
    elif r.status == "committee_voting":
        tally_button(ws, actor, r)
    elif r.status == "tallied":
        st.success(tr("panel_admin.tallied"))
    else:
        st.info(tr("panel_admin.votes_later"))


def tally_button(ws: str, actor: Actor, r: views.SessionRow) -> None:
    """统票: one core call, after a confirmation; the results follow."""
    step = actions.Action("tally", tr("panel.action.tally"), done=lambda k, rows: tr("panel_admin.tally_done",
                                                                                    count=len(rows)),
                          perform=lambda k: voting.tally(db.uow(), actor, r.id, k.data["version"]),
                          confirm=tr("panel_admin.confirm_tally", title=r.title))
    actions.offer(ws, step, data={"version": r.version}, type="primary")
