"""Unit registration without login (USCC checked, "该单位已注册"), then the region's HR bureau approves it."""
from __future__ import annotations

import os

from stdnum.cn import uscc

from core.desks.admin import read
from core.files.store import minimal_pdf
from core.common.i18n import t
from core.org.unit_registration import region_bureaus
from core.setup.demo import DEMO_PASSWORD
from db.session import make_engine, read_session
from tests.app.support import assert_ok, click, errors, nav, row_actions, sign_in, start

P = "unitreg"
CODE = "91520100MA6DKX1R2" + uscc.calc_check_digit("91520100MA6DKX1R2")


def _fill(at, code: str):
    at.text_input(key=f"{P}.name").input("贵阳新材料有限公司")
    at.text_input(key=f"{P}.uscc").input(code)
    at.text_input(key=f"{P}.legal_rep").input("王五")
    at.text_input(key=f"{P}.phone").input("13912345678")
    at.selectbox(key=f"{P}.region").set_value(_bureau_ids()[0])  # the province's bureau
    at.file_uploader(key=f"{P}.letter").upload("授权委托书.pdf", minimal_pdf("授权"), "application/pdf")
    return at


def _bureau_ids() -> list[int]:
    return [i for i, _ in read(make_engine(os.environ["TITLES_DATABASE_URL"]), region_bureaus)]


def test_a_unit_registers_without_login_and_a_code_is_registered_once(app_db):
    at = start()
    at.button(key="login.unit_register").click().run()
    assert at.title[0].value == t("unitreg.title")
    _fill(at, CODE[:-1] + ("0" if CODE[-1] != "0" else "1"))
    at.button(key=f"{P}.submit").click().run()
    assert any(t("unitreg.uscc_invalid") in e for e in errors(at))
    at.text_input(key=f"{P}.uscc").input(CODE)
    at.button(key=f"{P}.submit").click().run()
    assert_ok(at)
    assert [s.value for s in at.success] == [t("unitreg.done", name="贵阳新材料有限公司")]
    at.button(key=f"{P}.back_done").click().run()
    at.button(key="login.unit_register").click().run()
    _fill(at, CODE)
    at.button(key=f"{P}.submit").click().run()
    assert errors(at) == ["该单位已注册"]
    hr = sign_in(start(), "demo_prov_hr", DEMO_PASSWORD)
    hr.switch_page("pages/org_admin.py").run()
    assert_ok(hr)
    accept = row_actions(hr, "org_admin", "reg_accept")
    assert len(accept) == 1
    accept[0].click().run()
    assert_ok(hr)
    assert not row_actions(hr, "org_admin", "reg_accept")
    tree = hr.dataframe[0].value  # the tree tab comes first
    assert any("贵阳新材料有限公司" in name for name in tree[t("org.col_unit")])


def test_the_hr_bureau_creates_a_unit_and_designates_its_admin(app_db):
    from sqlalchemy import select

    from core.identity.accounts import create_account, grant_role
    from db.models import Person, RoleGrant, Unit
    from db.session import unit_of_work

    engine = make_engine(app_db)
    with unit_of_work(engine) as s:
        person = Person(name="钱八", id_number=None, phone="13912345678")
        s.add(person)
        s.flush()
        account, _ = create_account(s, login_name="qian_ba", display_name="钱八", person_id=person.id,
                                    password="Kq7#mVx2pLw9")
        grant_role(s, account.id, "applicant")
    hr = sign_in(start(), "demo_city_hr", DEMO_PASSWORD)
    hr.switch_page("pages/org_admin.py").run()
    hr.text_input(key="org_admin.new_name").input("筑南市新建设计院")
    hr.text_input(key="org_admin.new_uscc").input(CODE)
    hr.text_input(key="org_admin.new_rep").input("孙九")
    hr.text_input(key="org_admin.new_phone").input("13912345678")
    click(hr, "org_admin", "create_unit")
    assert_ok(hr)
    assert t("accounts.done") in [s.value for s in hr.success]
    with read_session(engine) as s:
        unit_id = s.scalar(select(Unit.id).where(Unit.uscc == CODE, Unit.status == "active"))
    assert unit_id
    hr.selectbox(key="org_admin.adm_unit").set_value(unit_id).run()
    hr.text_input(key="org_admin.adm_login").input("qian_ba")
    click(hr, "org_admin", "designate")
    assert_ok(hr)
    assert t("accounts.done") in [s.value for s in hr.success]
    with read_session(engine) as s:
        assert s.scalar(select(RoleGrant.unit_id).where(RoleGrant.account_id == account.id,
                                                        RoleGrant.role == "unit_admin")) == unit_id
    admin = sign_in(start(), "qian_ba", "Kq7#mVx2pLw9")
    admin.sidebar.selectbox(key="app.context").select(1).run()  # applicant first, then the new admin role
    assert_ok(admin)
    assert admin.session_state["app.actor"].role == "unit_admin" and "unit_accounts" in nav(admin)
