"""Unit registration without login (USCC checked, "该单位已注册"), then the region's HR bureau approves it."""
from __future__ import annotations

import os

from stdnum.cn import uscc

from core.admin_desk import read
from core.filestore import minimal_pdf
from core.i18n import t
from core.unit_registration import region_bureaus
from db.demo import DEMO_PASSWORD
from db.session import make_engine
from tests.app.support import assert_ok, errors, sign_in, start

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
    accept = [b for b in hr.button if b.key and b.key.startswith("org_admin.reg_ok_")]
    assert len(accept) == 1
    accept[0].click().run()
    assert_ok(hr)
    assert not [b for b in hr.button if b.key and b.key.startswith("org_admin.reg_ok_")]
    tree = hr.dataframe[0].value  # the tree tab comes first
    assert any("贵阳新材料有限公司" in name for name in tree[t("org.col_unit")])
