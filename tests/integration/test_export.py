"""Excel exports: Chinese headers, ID numbers and phones masked, only rows in scope, and every export audited."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.common.errors import NotFound
from core.desks.export import declarations_excel, inbox_excel
from db.models import AuditEvent, Declaration, Person, Unit
from tests.integration.unit_support import declarations, run
from tests.world import World


def _sheet(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def _exports(uow) -> list[AuditEvent]:
    with uow.write() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.kind == "export").order_by(AuditEvent.id)).all()
        s.expunge_all()
        return list(rows)


@pytest.fixture
def world(uow):
    with uow.write() as s:
        w = World.build(s)
        ids = declarations(w, 3, "unit_verify")
    return w, ids


def test_an_inbox_export_has_chinese_headers_masked_numbers_and_every_row(uow, world):
    w, ids = world
    data = run(uow, w, lambda w: inbox_excel(w.session, w.actor("unit_op"), "unit_verify"))
    header, *rows = _sheet(data)
    assert header[:4] == ("编号", "申报人", "身份证号", "手机号") and "状态" in header
    assert [r[0] for r in rows] == ids
    assert all(r[2].startswith("5201") and r[2].count("*") == 10 and len(r[2]) == 18 for r in rows)
    assert all(r[3].startswith("138") and "****" in r[3] for r in rows)
    assert {r[9] for r in rows} == {"单位内部核验"}
    assert not any("52010219900307" in str(cell) for r in rows for cell in r)
    [event] = _exports(uow)
    assert (event.account_id, event.unit_id, event.detail["what"], event.detail["rows"]) == \
        (w.actor("unit_op").account_id, w.units["employer"], "unit_verify", 3)


def test_ids_outside_the_actors_scope_are_not_exported_but_the_attempt_is_audited(uow, world):
    w, ids = world
    data = run(uow, w, lambda w: declarations_excel(w.session, w.actor("sibling_op"), "unit_verify", ids))
    assert _sheet(data)[1:] == []
    data = run(uow, w, lambda w: declarations_excel(w.session, w.actor("other_dept_op"), "relay", ids))
    assert _sheet(data)[1:] == []
    assert [(e.detail["rows"], e.detail["requested"]) for e in _exports(uow)] == [(0, 3), (0, 3)]


def test_a_department_exports_its_subtrees_declarations_and_english_headers_on_request(uow, world):
    w, ids = world
    data = run(uow, w, lambda w: declarations_excel(w.session, w.actor("dept_op"), "returned", ids[:2], lang="en"))
    header, *rows = _sheet(data)
    assert header[:4] == ("No.", "Applicant", "ID number", "Phone") and [r[0] for r in rows] == ids[:2]


def test_a_role_without_the_workspace_cannot_export_its_inbox(uow, world):
    w, _ = world
    with pytest.raises(NotFound):
        run(uow, w, lambda w: inbox_excel(w.session, w.actor("dept_op"), "unit_verify"))
    assert _exports(uow) == []


FORMULAS = ('=HYPERLINK("http://evil.example","核验")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd")


def test_names_that_look_like_formulas_are_exported_as_visible_text_never_as_formulas(uow, world):
    """Issue 14 §3: a registered name or unit name starting with = + - @ is a text cell (data_type 's'), never 'f'."""
    w, ids = world
    with uow.write() as s:
        for d, evil in zip(ids, FORMULAS):
            declaration = s.get(Declaration, d)
            s.get(Person, declaration.applicant_person_id).name = evil
        s.get(Unit, w.units["employer"]).name = FORMULAS[0]
    for data in (run(uow, w, lambda w: inbox_excel(w.session, w.actor("unit_op"), "unit_verify")),
                 run(uow, w, lambda w: declarations_excel(w.session, w.actor("dept_op"), "returned", ids, lang="en"))):
        sheet = load_workbook(io.BytesIO(data)).active
        cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        names = {c.value for c in cells if c.column == 2 and c.row > 1}
        assert names == {"'" + evil for evil in FORMULAS[:len(ids)]}  # the text stays visible
        assert {c.value for c in cells if c.column == 5 and c.row > 1} == {"'" + FORMULAS[0]}
