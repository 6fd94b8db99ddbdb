"""Workspace 工作日历 (issue 9): the working-day calendar publicity periods are counted on, year by year.

Every unit admin can read it; the provincial HR bureau's admin enters the State Council's schedule of
a year (holidays and make-up working days, one date at a time), removes dates, adds a year ahead and
confirms a year as official (after a confirmation). Each click is one core.calendar.desk call.
"""
from __future__ import annotations

import datetime as dt
import pandas as pd
import streamlit as st

from core.calendar import desk
from core.calendar.admin import FIRST_YEAR, LAST_YEAR, MAX_NAME, MAX_SOURCE, DayRow, YearRow
from core.workflow import Actor
from ui import actions, db, worktabs
from ui.i18n import tr

WS = "calendar"
YEAR = f"{WS}.year"


def render() -> None:
    actor = worktabs.open_workspace(WS)
    if actor is None:
        return
    uow = db.uow()
    editor = desk.may_edit(uow, actor)
    st.caption(tr("calendar.intro"))
    if not editor:
        st.info(tr("calendar.read_only"))
    rows = desk.years(uow)
    _years_table(rows)
    if editor:
        _add_year(actor)
    by_year = {r.year: r for r in rows}
    if not by_year:
        return
    # the index always names the current choice, so a re-mounted box shows what the page shows
    current = st.session_state.get(YEAR) if st.session_state.get(YEAR) in by_year else _default_year(rows)
    year = st.selectbox(tr("calendar.pick_year"), list(by_year), index=list(by_year).index(current), key=YEAR)
    _year(actor, by_year[year], desk.days(uow, year), editor)


def _default_year(rows: list[YearRow]) -> int:
    """The first provisional year from this year on (the one to work on), else this year."""
    this_year = dt.date.today().year
    ahead = sorted(r.year for r in rows if r.status == "provisional" and r.year >= this_year)
    years = {r.year for r in rows}
    return ahead[0] if ahead else (this_year if this_year in years else rows[0].year)


def _years_table(rows: list[YearRow]) -> None:
    st.dataframe(pd.DataFrame([{
        tr("calendar.col_year"): str(r.year), tr("calendar.col_status"): tr(f"calendar.status.{r.status}"),
        tr("calendar.col_source"): r.source, tr("calendar.col_confirmed_by"): r.confirmed_by or "",
        tr("calendar.col_confirmed_at"): r.confirmed_at.strftime("%Y-%m-%d %H:%M") if r.confirmed_at else "",
        tr("calendar.col_holidays"): r.holidays, tr("calendar.col_workdays"): r.workdays,
    } for r in rows]), hide_index=True, key=f"{WS}.years")


def _add_year(actor: Actor) -> None:
    with st.expander(tr("calendar.add_year")):
        with st.form(f"{WS}.add_form"):
            year = st.number_input(tr("calendar.col_year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, step=1,
                                   value=dt.date.today().year + 1, key=f"{WS}.new_year")
            step = actions.Action("add_year", tr("calendar.add_year_button"),
                                  lambda c: desk.add_year(db.uow(), actor, int(year)),
                                  done=tr("calendar.year_added", year=int(year)))
            actions.action_button(WS, step, form=True)
    actions.run(WS, step)


def _year(actor: Actor, row: YearRow, days: list[DayRow], editor: bool) -> None:
    status = tr(f"calendar.status.{row.status}")
    st.subheader(f"{row.year} · {status}")
    st.text(tr("calendar.year_status", year=row.year, status=status, source=row.source))  # source: typed by an admin
    if days:
        st.dataframe(pd.DataFrame([{
            tr("calendar.col_day"): d.day.isoformat(), tr("calendar.col_weekday"): tr(f"calendar.weekday.{d.day.weekday()}"),
            tr("calendar.col_kind"): tr(f"calendar.kind.{d.kind}"), tr("calendar.col_name"): d.name,
        } for d in days]), hide_index=True, key=f"{WS}.days")
    else:
        st.info(tr("calendar.no_days"))
    if editor:
        _edit_day(actor, row.year)
        _remove_day(actor, row.year, days)
        if desk.may_confirm(db.uow(), actor, row.year):  # the engine offers it: a provisional year
            _confirm(actor, row, len(days))
        else:
            st.caption(tr("calendar.official_hint"))


def _edit_day(actor: Actor, year: int) -> None:
    with st.form(f"{WS}.day_form"):
        st.markdown(f"**{tr('calendar.edit_day')}**")
        st.caption(tr("calendar.edit_unconfirms"))
        cols = st.columns(3)
        day = cols[0].date_input(tr("calendar.day"), value=dt.date(year, 1, 1), min_value=dt.date(year, 1, 1),
                                 max_value=dt.date(year, 12, 31), key=f"{WS}.day.{year}")
        kind = cols[1].radio(tr("calendar.kind"), ["holiday", "workday"], key=f"{WS}.kind",
                             format_func=lambda k: tr(f"calendar.kind.{k}"), horizontal=True)
        name = cols[2].text_input(tr("calendar.name"), key=f"{WS}.name", max_chars=MAX_NAME)
        step = actions.Action("save_day", tr("calendar.save_day"),
                              lambda c: desk.set_day(db.uow(), actor, day, kind, name),
                              done=tr("calendar.day_saved", day=day.isoformat()))
        actions.action_button(WS, step, form=True, type="primary")
    actions.run(WS, step)


def _remove_day(actor: Actor, year: int, days: list[DayRow]) -> None:
    if not days:
        return
    labels = {d.day: f"{d.day.isoformat()} {tr(f'calendar.kind.{d.kind}')} {d.name}" for d in days}
    with st.form(f"{WS}.remove_form"):
        st.markdown(f"**{tr('calendar.remove_day')}**")
        day = st.selectbox(tr("calendar.remove_pick"), list(labels), format_func=labels.get, key=f"{WS}.remove.{year}")
        step = actions.Action("remove_day", tr("calendar.remove_button"),
                              lambda c: desk.remove_day(db.uow(), actor, day),
                              done=tr("calendar.day_removed", day=day.isoformat()))
        actions.action_button(WS, step, form=True)
    actions.run(WS, step)


def _confirm(actor: Actor, row: YearRow, count: int) -> None:
    st.markdown(f"**{tr('calendar.confirm')}**")
    st.text_input(tr("calendar.source"), key=f"{WS}.source", max_chars=MAX_SOURCE)
    step = actions.Action("confirm_year", tr("calendar.confirm_button", year=row.year),
                          lambda c: desk.confirm_year(db.uow(), actor, c.data["year"], c.data["source"]),
                          done=lambda c, _: tr("calendar.confirmed", year=c.data["year"]),
                          confirm=tr("calendar.confirm_ask", year=row.year, count=count))
    actions.action_button(WS, step, data={"year": row.year}, capture=lambda: {"source": st.session_state.get(f"{WS}.source", "")},
                          type="primary")
    actions.run(WS, step)
