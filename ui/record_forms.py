"""The declaration's modules (002 fig. 1-13/1-14) drawn from their schemas (core.declaring.record_schema).

Each module lists its rows; each row shows its values and evidence files (original names, download
through ``fetch_evidence`` only when clicked, so each opening is checked and audited), and, while the
state lets that module change, can be edited, removed and given files. Row forms are generated from
the field kinds: text, long text, dates, a choice, a flag. A refused row or file shows the service's
message and leaves nothing saved.
"""
from __future__ import annotations

from functools import partial
from typing import Any

import streamlit as st

from core.desks import applicant as desk
from core.declaring.records import EvidenceFile, RecordView
from core.common.errors import DomainError
from core.declaring.evidence import fetch_evidence
from core.declaring.record_schema import CHOICE, DATE, FLAG, LONG, SCHEMAS, UNTIL, Field, accepts_evidence
from core.workflow import Actor
from ui import db, state
from ui.i18n import lang, plain, show_error, tr, tr_safe

P = "my_declarations"
EDITING = f"{P}.editing"
FILE_TYPES = ["pdf", "jpg", "jpeg", "png"]


def _name(obj) -> str:
    return obj.zh if lang() == "zh" else obj.en[:1].upper() + obj.en[1:]


def render(actor: Actor, ed: desk.Editor) -> None:
    if not ed.scope.modules:
        st.caption(tr("mine.read_only"))
    for module in ed.modules:
        schema, rows = SCHEMAS[module], ed.records.get(module, [])
        editable = module in ed.scope.modules
        title = f"{_name(schema)}（{len(rows)}）" + (f" · {tr('mine.required')}" if module in ed.required else "")
        with st.expander(title, expanded=editable and not rows and (module in ed.required or module == "supplement")):
            if not rows:
                st.caption(tr("mine.no_rows"))
            for n, row in enumerate(rows, 1):
                _row(actor, ed.dossier.id, row, n, editable)
            if editable and not (schema.single and rows):
                _row_form(actor, ed.dossier.id, module, None, {})


def _value_text(f: Field, value: Any) -> str:
    if f.kind == FLAG:
        return tr("form.yes") if value else tr("form.no")
    if f.kind == CHOICE:
        return next(((zh if lang() == "zh" else en) for c, zh, en in f.choices if c == value), str(value))
    return str(value)


def _row(actor: Actor, declaration_id: int, row: RecordView, n: int, editable: bool) -> None:
    schema = SCHEMAS[row.module]
    with st.container(border=True):
        parts = [f"{_name(f)}：{_value_text(f, row.data[f.name])}" for f in schema.fields if f.name in row.data]
        st.markdown(f"**{tr('mine.row', n=n)}** " + plain("；".join(parts)))
        _files(actor, row, editable)
        if not editable:
            return
        buttons = st.container(horizontal=True)
        buttons.button(tr("mine.edit_row"), key=f"{P}.r{row.id}.edit", on_click=_toggle_edit, args=(row.id,))
        if buttons.button(tr("mine.remove_row"), key=f"{P}.r{row.id}.remove"):
            _run(lambda: desk.remove_row(db.uow(), actor, row.id), "mine.row_removed")
        if st.session_state.get(EDITING) == row.id:
            _row_form(actor, declaration_id, row.module, row.id, row.data)
        if accepts_evidence(row.module):
            _upload(actor, declaration_id, row)


def _toggle_edit(record_id: int) -> None:
    st.session_state[EDITING] = None if st.session_state.get(EDITING) == record_id else record_id


def _run(call, done_key: str, forget: tuple | list = ()) -> None:
    """Run one change; on success forget those widget states, flash and rerun; on refusal show why here."""
    try:
        call()
    except DomainError as error:
        show_error(error)
        return
    for key in forget:
        st.session_state.pop(key, None)
    state.flash("success", tr(done_key))
    st.rerun()


# --- files -----------------------------------------------------------------------------------

def _file_bytes(uow, actor: Actor, attachment_id: int) -> bytes:
    """Read at click time (Streamlit runs this outside the script thread): checked and audited in core."""
    return fetch_evidence(uow, actor, attachment_id)[2]


def _files(actor: Actor, row: RecordView, editable: bool) -> None:
    if row.needs_evidence and not row.files:
        st.warning(tr("mine.needs_file"))
    for f in row.files:
        _file(actor, row, f, editable)


def _file(actor: Actor, row: RecordView, f: EvidenceFile, editable: bool) -> None:
    cols = st.columns([4, 1, 1])
    cols[0].markdown(f":material/attach_file: {plain(f.name)}（{max(1, f.size // 1024)} KB）")
    cols[1].download_button(tr("mine.download"), data=partial(_file_bytes, db.uow(), actor, f.id), file_name=f.name,
                            mime=f.media_type, key=f"{P}.file{f.id}.download", on_click="ignore")
    if editable and cols[2].button(tr("mine.remove_file"), key=f"{P}.file{f.id}.remove"):
        _run(lambda: desk.detach(db.uow(), actor, f.id), "mine.file_removed")


def _upload(actor: Actor, declaration_id: int, row: RecordView) -> None:
    round_ = st.session_state.setdefault(f"{P}.r{row.id}.round", 0)
    cols = st.columns([4, 1])
    upload = cols[0].file_uploader(tr("mine.upload"), type=FILE_TYPES, key=f"{P}.r{row.id}.file{round_}")
    if cols[1].button(tr("mine.upload_button"), key=f"{P}.r{row.id}.upload", disabled=upload is None):
        try:
            desk.attach(db.uow(), actor, declaration_id, row.id, upload.name, upload.getvalue())
        except DomainError as error:
            show_error(error)
            return
        st.session_state[f"{P}.r{row.id}.round"] = round_ + 1  # a fresh, empty uploader
        state.flash("success", tr_safe("mine.uploaded", name=upload.name))
        st.rerun()


# --- row forms -------------------------------------------------------------------------------

def _widget(f: Field, value: Any, key: str) -> Any:
    label = _name(f) + (" *" if f.required else "")
    if f.kind == FLAG:
        return st.checkbox(label, value=bool(value), key=key)
    if f.kind == CHOICE:
        names = {"": tr("mine.choose"), **{c: (zh if lang() == "zh" else en) for c, zh, en in f.choices}}
        options = list(names)
        return st.selectbox(label, options, index=options.index(value) if value in options else 0,
                            format_func=names.get, key=key)
    if f.kind == LONG:
        return st.text_area(label, value=str(value or ""), max_chars=f.max_len, key=key)
    hint = tr("mine.date_hint") if f.kind in (DATE, UNTIL) else None
    return st.text_input(label, value=str(value or ""), max_chars=f.max_len, key=key, help=hint,
                         placeholder="2015-07-01" if hint else None)


def _row_form(actor: Actor, declaration_id: int, module: str, record_id: int | None, data: dict) -> None:
    schema = SCHEMAS[module]
    form = f"{P}.{module}.add" if record_id is None else f"{P}.r{record_id}.form"
    with st.form(form, clear_on_submit=False, border=True):
        st.markdown(tr("mine.add_title", module=_name(schema)) if record_id is None else tr("mine.edit_row"))
        values = {f.name: _widget(f, data.get(f.name), f"{form}.{f.name}") for f in schema.fields}
        label = tr("mine.add_row") if record_id is None else tr("mine.save_row")
        submitted = st.form_submit_button(label, key=f"{form}.submit", type="primary")
    if not submitted:
        return
    if record_id is None:
        call, done = (lambda: desk.add_row(db.uow(), actor, declaration_id, module, values)), "mine.row_added"
        keys = [f"{form}.{f.name}" for f in schema.fields]  # the next new row starts empty
    else:
        call, done = (lambda: desk.update_row(db.uow(), actor, record_id, values)), "mine.row_saved"
        keys = [EDITING]
    _run(call, done, forget=keys)
