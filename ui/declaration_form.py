"""The basic information of a declaration as cascading choices (002 fig. 1-8, 004 fig. 5-7).

Level → series → specialty; method (an exceptional one asks for its grounds); review type, exactly
one of socialized and self-review (self-review offered only when the employer holds the authority);
the committees open for that series, level, region and year, or "未查到相关的评委会". A changed
choice clears what hung on it before the next widget is drawn. The same fields serve the new
declaration (prefix ``new``) and the editor of a draft (prefix ``d<id>``); the services check again.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from core.desks import applicant as desk
from core.declaring.choices import METHODS
from core.declaring.declarations import FIELDS
from core.common.errors import DomainError
from core.workflow import INITIAL, Actor
from ui import db
from ui.i18n import lang, show_error, tr

P = "my_declarations"


def _key(prefix: str, name: str) -> str:
    return f"{P}.{prefix}.{name}"


def _select(prefix: str, name: str, options: list, labels: dict, disabled: bool) -> Any:
    key = _key(prefix, name)
    if st.session_state.get(key) not in options:
        st.session_state[key] = None
    labels = {None: tr("mine.choose"), **labels}
    return st.selectbox(tr(f"label.decl.{name}"), options, format_func=lambda v: labels.get(v, str(v)),
                        key=key, disabled=disabled, placeholder=labels[None])


def _named(rows) -> dict:
    return {code: (zh if lang() == "zh" else en) for code, zh, en in rows}


def basic_fields(actor: Actor, prefix: str, flow: str, year: int, values: dict[str, Any],
                 editable: frozenset[str]) -> dict[str, Any]:
    """Draw the fields (initialised from ``values``); return what the user has chosen now."""
    for name in FIELDS:
        st.session_state.setdefault(_key(prefix, name), values.get(name) or (
            "regular" if name == "method" else "socialized" if name == "review_type" and flow != INITIAL else None))
    off = {name: name not in editable for name in FIELDS}
    level = st.session_state.get(_key(prefix, "level_code"))
    series = st.session_state.get(_key(prefix, "series_code"))
    review_type = st.session_state.get(_key(prefix, "review_type")) if flow != INITIAL else None
    found = desk.form_choices(db.uow(), actor, year, level, series, review_type)
    cols = st.columns(3)
    with cols[0]:
        out = {"level_code": _select(prefix, "level_code", [None, *(c for c, _, _ in found.levels)],
                                     _named(found.levels), off["level_code"])}
    with cols[1]:
        out["series_code"] = _select(prefix, "series_code", [None, *(c for c, _, _ in found.series)],
                                     _named(found.series), off["series_code"])
    with cols[2]:
        out["specialty_code"] = _select(prefix, "specialty_code", [None, *(c for c, _, _ in found.specialties)],
                                        _named(found.specialties), off["specialty_code"])
    methods = {m: tr(f"method.{m}") for m in METHODS}
    key = _key(prefix, "method")
    out["method"] = st.radio(tr("label.decl.method"), list(methods), format_func=methods.get, key=key,
                             horizontal=True, disabled=off["method"])
    if out["method"] == "exceptional":
        key = _key(prefix, "exceptional_grounds")
        out["exceptional_grounds"] = st.text_area(tr("label.decl.exceptional_grounds"), key=key,
                                                  disabled=off["exceptional_grounds"])
    if flow != INITIAL:
        out.update(_committee_fields(prefix, found, off))
    return out


def _committee_fields(prefix: str, found: desk.FormChoices, off: dict[str, bool]) -> dict[str, Any]:
    types = ["socialized", *(["self_review"] if found.self_review else [])]
    key = _key(prefix, "review_type")
    if st.session_state.get(key) not in types:
        st.session_state[key] = "socialized"
    names = {v: tr(f"review_type.{v}") for v in types}
    review_type = st.radio(tr("label.decl.review_type"), types, format_func=names.get,
                           key=key, horizontal=True, disabled=off["review_type"],
                           help=tr("decl.self_review_hint"))
    committees = {c.id: c.name for c in found.committees}
    if not committees:
        st.warning(tr("decl.no_committee"))
    committee = _select(prefix, "committee_id", [None, *committees], committees, off["committee_id"])
    return {"review_type": review_type, "committee_id": committee}


def chosen_changes(chosen: dict[str, Any], values: dict[str, Any], editable: frozenset[str]) -> dict[str, Any]:
    """The editable fields whose chosen value differs from the stored one."""
    return {k: v for k, v in chosen.items() if k in editable and (v or None) != (values.get(k) or None)}


def new_declaration(actor: Actor, flow: str, on_created: Callable[[int], None]) -> None:
    """The "new declaration" panel: year, basic information, and 暂存 (which creates the draft)."""
    with st.container(border=True):
        st.subheader(tr("mine.new_title", flow=f"flow.{flow}"))
        this_year = desk.this_year()
        year = st.selectbox(tr("mine.year"), [this_year, this_year + 1], key=f"{P}.new.year")
        chosen = basic_fields(actor, "new", flow, year, {}, frozenset(FIELDS))
        buttons = st.container(horizontal=True)
        create = buttons.button(tr("mine.create"), key=f"{P}.new.create", type="primary", icon=":material/save:")
        if buttons.button(tr("mine.close"), key=f"{P}.new.close"):
            st.session_state.pop(f"{P}.new", None)
            st.rerun()
        if create:
            fields = {k: v for k, v in chosen.items() if v not in (None, "")}
            try:
                declaration_id = desk.create(db.uow(), actor, flow, year, fields)
            except DomainError as error:
                show_error(error)
                return
            for name in (*FIELDS, "year"):
                st.session_state.pop(_key("new", name), None)
            on_created(declaration_id)
            st.rerun()
