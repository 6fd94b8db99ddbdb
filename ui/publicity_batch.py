"""Widgets shared by every publicity page (unit, failed-review, candidate, result): editing a running
notice, completing a batch after its end, with a confirmation, and saying when a period is counted on
a provisional working-day calendar."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import streamlit as st

from core.calendar import desk as calendar_desk
from ui import actions, db
from ui.i18n import lang, tr


def status_label(batch: Any, today: dt.date) -> str:
    """The batch's status as users think of it: a published batch is scheduled, running or ended."""
    if batch.status == "published" and batch.starts_on > today:
        return tr("publicity.status.scheduled")
    if batch.status == "published" and batch.ends_on < today:
        return tr("publicity.status.ended")
    return tr(f"publicity.status.{batch.status}")


def draft_actions(ws: str, batch: Any, publish: Callable[[int], object], discard: Callable[[int], object]) -> None:
    """Publish a draft batch or discard it, each after a confirmation; each is one core call."""
    steps = (actions.Action("publish", tr("publicity.publish"), lambda c: publish(c.data["id"]),
                            done=lambda c, _: tr("publicity.published", id=c.data["id"]),
                            confirm=tr("publicity.confirm_publish", id=batch.id, title=batch.title)),
             actions.Action("discard", tr("publicity.discard"), lambda c: discard(c.data["id"]),
                            done=lambda c, _: tr("publicity.discarded", id=c.data["id"]),
                            confirm=tr("publicity.confirm_discard", id=batch.id)))
    for col, step in zip(st.columns(2), steps):
        with col:
            look = "primary" if step.name == "publish" else "secondary"
            actions.action_button(ws, step, data={"id": batch.id}, type=look)
    actions.run(ws, *steps)


def provisional_of(batches: list[Any]) -> frozenset[int]:
    """The provisional years among those the batches' periods touch (one query for the whole list)."""
    if not batches:
        return frozenset()
    return calendar_desk.provisional_between(db.engine(), min(b.starts_on.year for b in batches),
                                             max(b.ends_on.year for b in batches))


def end_label(batch: Any, provisional: frozenset[int]) -> str:
    """The end date, marked when the period runs over a provisional year."""
    marked = any(y in provisional for y in range(batch.starts_on.year, batch.ends_on.year + 1))
    return batch.ends_on.isoformat() + (tr("calendar.provisional_mark") if marked else "")


def provisional_warning(start: Any, end: Any) -> None:
    """A warning under a period counted on a provisional calendar (it is allowed, and says so)."""
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        return
    years = calendar_desk.provisional_years(db.engine(), start, max(start, end))
    if years:
        joined = ("、" if lang() == "zh" else ", ").join(map(str, years))
        st.warning(tr("calendar.provisional_end", years=joined), icon=":material/event_busy:")


def edit_notice_form(ws: str, batch: Any, save: Callable[[str, str], object]) -> None:
    """Title and text of a batch, editable while it runs; ``save(title, body)`` is one core call."""
    with st.form(f"{ws}.edit_form"):
        st.markdown(f"**{tr('publicity.edit')}**")
        title = st.text_input(tr("publicity.title"), value=batch.title, key=f"{ws}.edit_title.{batch.id}")
        body = st.text_area(tr("publicity.body"), value=batch.body, key=f"{ws}.edit_body.{batch.id}", height=250)
        step = actions.Action("save_notice", tr("publicity.save_notice"), lambda c: save(title, body),
                              done=tr("publicity.notice_saved"))
        actions.action_button(ws, step, form=True)
    actions.run(ws, step)


def complete_button(ws: str, batch: Any, today: dt.date, confirm_text: str,
                    complete: Callable[[int], object], keep: str | None = None) -> None:
    """"Complete publicity", enabled only after the end, asking for confirmation first."""
    ended = batch.ends_on < today
    step = actions.Action("complete", tr("action.complete_publicity"), lambda c: complete(c.data["id"]),
                          done=tr("act.done", action=tr("action.complete_publicity")), confirm=confirm_text, keep=keep)
    actions.action_button(ws, step, data={"id": batch.id}, type="primary", disabled=not ended)
    if not ended:
        st.caption(tr("publicity.complete_after", date=batch.ends_on.isoformat()))
    actions.run(ws, step)
