"""Unit registration (USCC checked, HR bureau approval), units created by HR bureaus, parent links (归口)
and the organization tree with its counts."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from stdnum.cn import uscc

from core.org import tree as org_tree

from core.org import parent_links
from core.org import unit_registration as reg
from core.common.errors import NotFound, ValidationError
from core.files.store import minimal_pdf
from core.identity.people import search_units
from core.org.scope import subtree
from db.models import AuditEvent, Unit
from tests.world import World

CODE = "91520100MA6DKX1R2" + uscc.calc_check_digit("91520100MA6DKX1R2")


@pytest.fixture(autouse=True)
def _store(tmp_path, monkeypatch):
    monkeypatch.setenv("TITLES_FILE_STORE", str(tmp_path / "files"))


def _form(code: str = CODE, **kw) -> reg.UnitForm:
    values = dict(name="贵阳新材料有限公司", uscc=code, legal_representative="王五", contact_phone="13912345678")
    return reg.UnitForm(**{**values, **kw})


def test_uscc_validation_accepts_valid_and_refuses_invalid_codes():
    assert reg.validate_uscc(CODE.lower()) == CODE
    assert reg.validate_uscc(" 91110000600037341L ") == "91110000600037341L"
    wrong = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
    for bad in (wrong, "", "123", "91110000600037341I"):
        with pytest.raises(ValidationError) as e:
            reg.validate_uscc(bad)
        assert e.value.key == "unitreg.uscc_invalid"


def test_a_registered_unit_waits_for_its_region_and_a_code_is_registered_once(uow):
    with uow.write() as s:
        w = World.build(s)
        unit = reg.register_unit(s, _form(), region_unit_id=w.units["city"], letter=minimal_pdf(), letter_name="a.pdf")
        assert unit.status == "pending" and unit.parent_id == w.units["city"]
        assert search_units(s, "新材料") == []  # not findable (nor bindable) before approval
        with pytest.raises(ValidationError) as e:
            reg.register_unit(s, _form(name="另一家"), region_unit_id=w.units["city"], letter=minimal_pdf())
        assert e.value.key == "unitreg.already_registered" and str(e.value) == "该单位已注册"
        pending = reg.pending_units(s, w.actor("city_hr"))
        assert [p.id for p in pending] == [unit.id] and pending[0].letter_sha256
        assert [p.id for p in reg.pending_units(s, w.actor("prov_hr"))] == [unit.id]  # above the region too
        assert reg.pending_units(s, w.actor("unit_admin")) == []
        with pytest.raises(NotFound):
            reg.decide_unit(s, w.actor("dept_op"), unit.id, True)
        reg.decide_unit(s, w.actor("city_hr"), unit.id, True)
        assert unit.status == "active" and search_units(s, "新材料") == [(unit.id, "贵阳新材料有限公司")]
        with pytest.raises(ValidationError):
            reg.decide_unit(s, w.actor("city_hr"), unit.id, False)
        assert s.scalar(select(AuditEvent.action).where(AuditEvent.target == f"unit:{unit.id}")
                        .order_by(AuditEvent.id.desc()).limit(1)) == "unit_approve"


def test_registration_lists_every_problem_and_requires_the_letter_and_a_bureau(uow):
    with uow.write() as s:
        w = World.build(s)
        with pytest.raises(ValidationError) as e:
            reg.register_unit(s, _form(code="91110000600037341X", name="", legal_representative="", contact_phone="1"),
                              region_unit_id=w.units["city"], letter=minimal_pdf())
        assert set(e.value.details) == {"unitreg.uscc_invalid", "unitreg.name_invalid", "unitreg.legal_rep_invalid",
                                        "unitreg.phone_invalid"}
        with pytest.raises(ValidationError) as e:
            reg.register_unit(s, _form(), region_unit_id=w.units["city"], letter=None)
        assert e.value.key == "unitreg.letter_missing"
        with pytest.raises(ValidationError) as e:
            reg.register_unit(s, _form(), region_unit_id=w.units["dept"], letter=minimal_pdf())
        assert e.value.key == "unitreg.region_invalid"


def test_a_rejected_registration_frees_the_code_and_hr_bureaus_create_units_directly(uow):
    with uow.write() as s:
        w = World.build(s)
        unit = reg.register_unit(s, _form(), region_unit_id=w.units["city"], letter=minimal_pdf())
        with pytest.raises(NotFound):  # another region's... or nobody's: the sibling's operator is no HR
            reg.decide_unit(s, w.actor("unit_op"), unit.id, False)
        reg.decide_unit(s, w.actor("city_hr"), unit.id, False)
        assert unit.status == "rejected"
        created = reg.create_unit(s, w.actor("city_hr"), _form(), kind="department")
        assert created.status == "active" and created.parent_id == w.units["city"] and created.uscc == CODE
        with pytest.raises(NotFound):
            reg.create_unit(s, w.actor("unit_admin"), _form(code="91110000600037341L"))


def test_a_unit_links_to_a_parent_which_approves_and_the_subtree_moves(uow):
    with uow.write() as s:
        w = World.build(s)
        dept_op, admin = w.actor("dept_op"), w.actor("unit_admin")
        with pytest.raises(ValidationError) as e:
            parent_links.request_link(s, admin, w.units["dept"])
        assert e.value.key == "link.same_parent"
        with pytest.raises(ValidationError):
            parent_links.request_link(s, admin, w.units["sibling"])  # an employer is no parent
        rid = parent_links.request_link(s, admin, w.units["other_dept"], "业务归口调整")
        with pytest.raises(ValidationError) as e:
            parent_links.request_link(s, admin, w.units["other_dept"])
        assert e.value.key == "link.pending_exists"
        assert parent_links.pending_for(s, dept_op) == []
        with pytest.raises(NotFound):
            parent_links.decide_link(s, dept_op, rid, True)  # not the requested parent
        other = w._actor("other_dept_admin", "unit_admin", w.units["other_dept"])
        assert [r.id for r in parent_links.pending_for(s, other)] == [rid]
        parent_links.decide_link(s, other, rid, True)
        moved = s.get(Unit, w.units["employer"])
        assert moved.parent_id == w.units["other_dept"]
        assert moved.path == f"{s.get(Unit, w.units['other_dept']).path}{moved.id}/"
        assert w.units["employer"] in set(s.scalars(subtree(s, w.units["other_dept"])))
        assert w.units["employer"] not in set(s.scalars(subtree(s, w.units["dept"])))
        assert parent_links.own_requests(s, admin)[0].status == "approved"


def test_a_unit_cannot_link_under_its_own_subtree_and_a_rejection_changes_nothing(uow):
    with uow.write() as s:
        w = World.build(s)
        with pytest.raises(ValidationError) as e:
            parent_links.request_link(s, w.actor("dept_op"), w.units["dept"])
        assert e.value.key == "link.cycle"
        rid = parent_links.request_link(s, w.actor("dept_op"), w.units["prov"])
        parent_links.decide_link(s, w.actor("prov_hr"), rid, False)
        assert s.get(Unit, w.units["dept"]).parent_id == w.units["city"]


def test_the_org_tree_shows_the_scope_with_account_and_declaration_counts(uow):
    with uow.write() as s:
        w = World.build(s)
        d = w.new_declaration()
        w.drive(d, "unit_verify")
        w.new_declaration(person_id=w.actor("other_applicant").person_id, unit="sibling")  # a draft: not counted
        rows = org_tree.tree(s, w.actor("city_hr"))
        names = [r.name for r in rows]
        assert names[0] == "市人社局" and rows[0].depth == 0 and "省人社厅" not in names
        assert names.index("市住建局") < names.index("市建筑设计院") < names.index("市卫健委")
        by_name = {r.name: r for r in rows}
        assert (by_name["市建筑设计院"].accounts, by_name["市建筑设计院"].declarations) == (1, 1)
        assert (by_name["市市政工程公司"].accounts, by_name["市市政工程公司"].declarations) == (1, 0)
        assert by_name["市建筑设计院"].depth == 2
        assert [r.name for r in org_tree.tree(s, w.actor("unit_admin"))] == ["市建筑设计院"]
        with pytest.raises(NotFound):
            org_tree.tree(s, w.actor("applicant"))


def test_the_authorization_letter_opens_only_for_the_region_and_each_download_is_audited(uow):
    with uow.write() as s:
        w = World.build(s)
        unit = reg.register_unit(s, _form(), region_unit_id=w.units["city"], letter=minimal_pdf("letter"),
                                 letter_name="授权书.pdf")
        assert reg.open_letter(s, w.actor("city_hr"), unit.id) == minimal_pdf("letter")
        for outsider in ("dept_op", "unit_admin", "committee_op"):
            with pytest.raises(NotFound):
                reg.open_letter(s, w.actor(outsider), unit.id)
        downloads = s.scalars(select(AuditEvent.account_id).where(AuditEvent.kind == "download",
                                                                  AuditEvent.target == f"unit:{unit.id}")).all()
        assert downloads == [w.actor("city_hr").account_id]
