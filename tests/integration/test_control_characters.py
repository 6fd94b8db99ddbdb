"""Issue 14 §10: names and free text with control characters or bidi overrides are refused at input by every
service that takes them (one message, naming the field), on SQLite and PostgreSQL; the record is unchanged."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from core.calendar import admin as calendar_admin
from core.common.errors import ValidationError
from core.declaring.records import add_record
from core.files.store import minimal_pdf
from core.identity import people, unit_admin
from core.org import parent_links
from core.org import unit_registration as reg
from core.panel import sessions
from core.review.objections import raise_objection
from core.review.publicity import create_unit_publicity
from core.review.reviewer_accounts import create_reviewer
from db.models import Declaration, DeclarationRecord, Objection, Person, PublicityBatch, Unit
from tests.integration.test_admin_units import CODE
from tests.integration.test_people import valid_id
from tests.integration.unit_support import DURING, REASON, START, at, declarations, publicized, run
from tests.world import SERIES, World

EVIL = ["\u202e", "\x00", "\x1b[31m", "\x07", "\r"]


def refused(call, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        call()
    assert caught.value.key == "text.control_chars", caught.value.key
    assert caught.value.details == [field]


@pytest.fixture(autouse=True)
def _store(tmp_path, monkeypatch):
    monkeypatch.setenv("TITLES_FILE_STORE", str(tmp_path / "files"))


def test_self_registration_refuses_a_name_with_a_bidi_override(uow):
    for evil in EVIL:
        with uow.write() as s:
            refused(lambda: people.register_applicant(s, name=f"王{evil}小明", id_number=valid_id(),
                                                      phone="13800001234", password="Kq7#mVx2pLw9"), "field.person_name")
    with uow.read() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0


def test_unit_registration_refuses_control_characters_in_the_name_and_representative(uow):
    with uow.write() as s:
        w = World.build(s)
    for field, form in (("field.unit_name", reg.UnitForm("贵阳\x00新材料有限公司", CODE, "王五", "13912345678")),
                        ("field.legal_representative", reg.UnitForm("贵阳新材料有限公司", CODE, "王\u2066五", "13912345678"))):
        with uow.write() as s:
            refused(lambda: reg.register_unit(s, form, region_unit_id=w.units["city"], letter=minimal_pdf()), field)
    with uow.read() as s:
        assert s.scalar(select(func.count()).select_from(Unit).where(Unit.uscc == CODE)) == 0


def test_a_reject_reason_with_control_characters_is_refused_by_the_engine(uow):
    with uow.write() as s:
        w = World.build(s)
        d = declarations(w, 1)[0]
    for evil in EVIL:
        with pytest.raises(ValidationError) as caught:
            run(uow, w, lambda w: w.do("unit_op", d, "reject", reason=f"{REASON}{evil}"))
        assert caught.value.key == "text.control_chars"
    run(uow, w, lambda w: w.do("unit_op", d, "reject", reason=f"{REASON}\n第二行\t说明"))  # LF and tab are fine
    with uow.read() as s:
        assert s.get(Declaration, d).state == "returned"


def test_an_operator_name_typed_at_recommendation_is_checked_too(uow):
    with uow.write() as s:
        w = World.build(s)
        d = declarations(w, 1, "unit_recommend")[0]
        w.attach(d, "unit_proof")
    with pytest.raises(ValidationError) as caught:
        run(uow, w, lambda w: w.do("unit_op", d, "recommend", operator_name="王\u202e经办", operator_phone="0851-1234567"))
    assert caught.value.key == "text.control_chars" and caught.value.details == ["input.operator_name"]


def test_publicity_titles_bodies_and_objections_refuse_control_characters(uow):
    with uow.write() as s:
        w = World.build(s)
        ids = declarations(w, 1, "unit_publicity")
    for field, title, body in (("field.publicity_title", "公示\u202e标题", "正文"),
                               ("field.publicity_body", "公示标题", "正文\x1b[2J")):
        refused(lambda: run(uow, w, lambda w: create_unit_publicity(
            w.session, w.actor("unit_op"), ids, title, body, START, START, now=at(START), today=START)), field)
    with uow.read() as s:
        assert s.scalar(select(func.count()).select_from(PublicityBatch)) == 0
    with uow.write() as s:
        w2 = World(s, w.units, w.actors, w.committee_id, w.own_committee_id, w.applicant_person_id)
        ids = declarations(w2, 1, "unit_publicity")
        publicized(w2, ids)
    for field, args in (("field.objection_name", ("王\u2067五", "13912345678", "举报内容属实请核查")),
                        ("field.objection_contact", ("王五", "139\x0012345678", "举报内容属实请核查")),
                        ("field.objection_text", ("王五", "13912345678", "举报内容\u202e属实请核查"))):
        refused(lambda: run(uow, w, lambda w: raise_objection(w.session, ids[0], *args, now=at(DURING), today=DURING)),
                field)
    run(uow, w, lambda w: raise_objection(w.session, ids[0], "王五", "13912345678", "第一行\n第二行：举报属实",
                                          now=at(DURING), today=DURING))
    with uow.read() as s:
        assert s.scalar(select(func.count()).select_from(Objection)) == 1


def test_records_panel_titles_and_reviewer_names_refuse_control_characters(uow):
    with uow.write() as s:
        w = World.build(s)
        d = w.new_declaration(complete=False)
    refused(lambda: run(uow, w, lambda w: add_record(w.session, w.actor("applicant"), d, "education", {
        "school": "重庆\u202e大学", "major": "土木工程", "degree": "本科", "end": "2012-07"})), "field.record")
    with uow.read() as s:
        assert s.scalar(select(func.count()).select_from(DeclarationRecord)) == 0
    refused(lambda: sessions.create(uow, w.actor("committee_op"), w.committee_id, "2026 年\x00评审会"),
            "field.session_title")
    refused(lambda: run(uow, w, lambda w: create_reviewer(w.session, w.actor("committee_op"), w.committee_id, (SERIES,),
                                                          display_name="审查\u2068员")), "field.display_name")


def test_link_requests_holiday_names_and_unit_edits_refuse_control_characters(uow):
    with uow.write() as s:
        w = World.build(s)
        w.actors["prov_admin"] = w._actor("prov_admin", "unit_admin", w.units["prov"])
    admin = w.actor("unit_admin")
    refused(lambda: run(uow, w, lambda w: parent_links.request_link(w.session, admin, w.units["other_dept"],
                                                                    "业务\x1b归口调整")), "field.reason")
    refused(lambda: run(uow, w, lambda w: calendar_admin.do_set_day(w.session, w.actor("prov_admin"),
                                                                    dt.date(2027, 2, 14), "workday", "春节\u202e调休")),
            "field.day_name")
    refused(lambda: run(uow, w, lambda w: unit_admin.edit_unit(w.session, admin, name="市建筑\x00设计院",
                                                               legal_representative="王五", contact_phone="13912345678")),
            "field.unit_name")
    with uow.read() as s:
        assert s.get(Unit, w.units["employer"]).name == "市建筑设计院"
