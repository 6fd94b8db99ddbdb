"""专家评审 / Expert review (001 §6.2.10.5), for every panel duty: the dossiers distributed to the expert,
and nothing else.

The main reviewer (主审) writes 学术、业绩评价意见, 答辩题目, with a defense 答辩评价意见 and 答辩成绩, and
综合评价意见; a deputy (副审) writes 综合评价意见 only (core.panel.reviews.fields_for). 暂存 keeps a draft;
完成材料审查 asks first, then the opinion is final and shown read-only. What was typed stays in the form
when core refuses it (the widgets keep their values; nothing is cleared on an error). Under blind review
a dossier is only its number (core.panel.views labels it). Opinions are shown as text, never markdown.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.panel import reviews, views
from core.workflow import Actor
from ui import actions, db, panel_common as common, reviewer_dossier, worktabs
from ui.i18n import plain, tr, tr_safe

WS = "expert_review"
PICK = f"{WS}.pick"


def render() -> None:
    actor = worktabs.open_workspace(WS)
    if actor is None:
        return
    items = views.my_reviews(db.uow(), actor)
    if not items:
        st.info(tr("expert_review.none"))
        return
    st.dataframe(pd.DataFrame([{
        tr("expert_review.col_dossier"): i.dossier.label,
        tr("expert_review.col_specialty"): common.specialty(i.dossier.specialty_code),
        tr("expert_review.col_group"): i.group_name, tr("expert_review.col_part"): _part(i),
        tr("expert_review.col_status"): tr("expert_review.final") if i.final else tr("expert_review.open"),
    } for i in items]), hide_index=True, key=f"{WS}.table")
    by_id = {i.assignment_id: i for i in items}
    if st.session_state.get(PICK) not in by_id:
        st.session_state[PICK] = next((i.assignment_id for i in items if not i.final), items[0].assignment_id)
    item = by_id[st.selectbox(tr("expert_review.pick"), list(by_id), key=PICK,
                              format_func=lambda a: f"{by_id[a].dossier.label} · {_part(by_id[a])}")]
    _dossier(actor, item)


def _part(item: views.ReviewItem) -> str:
    return tr("expert_review.main") if item.is_main else tr("expert_review.deputy")


def _key(item: views.ReviewItem, field: str) -> str:
    return f"{WS}.{item.assignment_id}.{field}"


def _dossier(actor: Actor, item: views.ReviewItem) -> None:
    st.subheader(plain(item.dossier.label))
    st.caption(tr_safe("expert_review.where", session=item.session_title, group=item.group_name, part=_part(item)))
    reviewer_dossier.render(actor, item.assignment_id, key=f"{WS}.dossier.{item.assignment_id}")
    fields = reviews.fields_for(item.is_main, item.defense)
    if item.final:
        st.info(tr("expert_review.read_only"))
        _read_only(item, fields)
        return
    if item.group_status != "reviewing":
        st.warning(tr("expert_review.not_reviewing"))
        _read_only(item, fields)
        return
    for field in fields:
        _input(item, field)
    typed = _typed(item, fields)
    uow = db.uow()
    save = actions.Action("save", tr("expert_review.save"), done=tr("expert_review.saved"),
                          perform=lambda c: reviews.save(uow, actor, c.data["id"], c.data["opinion"], final=False))
    finish = actions.Action("finalize", tr("expert_review.finalize"), done=tr("expert_review.finalized"),
                            confirm=tr("expert_review.confirm_finalize", dossier=item.dossier.label),  # shown by st.text
                            perform=lambda c: reviews.save(uow, actor, c.data["id"], c.data["opinion"], final=True))
    left, right = st.columns(2)
    with left:
        actions.action_button(WS, save, row=item.assignment_id, data={"id": item.assignment_id}, capture=typed)
    with right:
        actions.action_button(WS, finish, row=item.assignment_id, data={"id": item.assignment_id}, capture=typed,
                              type="primary")
    actions.run(WS, save, finish, row=item.assignment_id)


def _input(item: views.ReviewItem, field: str) -> None:
    """The field's widget, filled from the saved draft the first time it is drawn."""
    key, label = _key(item, field), tr(f"panel.field.{field}")
    if field == "defense_score":
        st.session_state.setdefault(key, item.opinion.get(field))
        st.number_input(label, min_value=0, max_value=100, step=1, key=key)
    else:
        st.session_state.setdefault(key, item.opinion.get(field, ""))
        st.text_area(label, key=key, max_chars=reviews.MAX_TEXT, height=100 if field == "defense_question" else 150)


def _typed(item: views.ReviewItem, fields: tuple[str, ...]):
    """What the expert typed, read at the click (the click's data carries it to the confirmation)."""
    def capture() -> dict:
        return {"opinion": {f: st.session_state.get(_key(item, f)) for f in fields}}
    return capture


def _read_only(item: views.ReviewItem, fields: tuple[str, ...]) -> None:
    for field in fields:
        st.caption(tr(f"panel.field.{field}"))
        value = item.opinion.get(field)
        st.text("" if value is None else str(value))  # typed by a person: text, never markdown
