"""Relay and material receipt in AppTest: approve up the chain, reject one step back with a reason,
withdraw while the next holder has not acted, accept at the committee; every inbox exports."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.common.i18n import t
from core.setup.demo import DEMO_PASSWORD
from db.models import AuditEvent, Declaration
from db.session import make_engine, read_session
from tests.app.support import asks_to_confirm, assert_ok, click, confirm, errors, has_form, sign_in, start, submit


def _open(login: str, ws: str):
    at = sign_in(start(), login, DEMO_PASSWORD)
    at.switch_page(f"pages/{ws}.py").run()
    assert_ok(at)
    return at


def _first(at, ws: str) -> int:
    pick = at.selectbox(key=f"{ws}.pick")
    declaration_id = next(o for o in pick.options[1:])
    declaration_id = int(declaration_id.split()[0].lstrip("#"))
    pick.select(declaration_id).run()
    assert_ok(at)
    return declaration_id


def _row(url: str, declaration_id: int):
    with read_session(make_engine(url)) as s:
        return s.execute(select(Declaration.state, Declaration.holder_unit_id, Declaration.version)
                         .where(Declaration.id == declaration_id)).one()


@pytest.mark.parametrize("login, ws", [("demo_dept_op", "relay"), ("demo_city_hr", "relay"),
                                       ("demo_county_hr", "relay"), ("demo_prov_hr", "relay"),
                                       ("demo_committee_op", "material_receipt")])
def test_each_relay_inbox_renders_with_its_tabs_and_an_export_button(app_db, login, ws):
    at = _open(login, ws)
    assert at.get("download_button")
    labels = [tab.label for tab in at.tabs]
    assert t("ws.tab.inbox") in labels and t("tab.withdraw") in labels
    for label in labels[1:]:
        at.session_state[f"{ws}.tab"] = label
        at.run()
        assert_ok(at)


def test_the_department_approves_then_withdraws_while_the_next_holder_has_not_acted(app_db):
    at = _open("demo_dept_op", "relay")
    declaration_id = _first(at, "relay")
    before = _row(app_db, declaration_id)
    click(at, "relay", "approve")
    if has_form(at, "relay"):
        submit(at, "relay")
    confirm(at, "relay")
    assert_ok(at)
    after = _row(app_db, declaration_id)
    assert after.holder_unit_id != before.holder_unit_id  # passed up the chain
    at.session_state["relay.tab"] = t("tab.withdraw")
    at.run()
    assert any(o.startswith(f"#{declaration_id} ") for o in at.selectbox(key="relay.withdraw_pick").options)
    at.selectbox(key="relay.withdraw_pick").select(declaration_id).run()
    click(at, "relay", "withdraw")
    confirm(at, "relay")
    assert_ok(at)
    assert _row(app_db, declaration_id).holder_unit_id == before.holder_unit_id


def test_the_city_bureau_rejects_one_step_back_with_a_reason(app_db):
    at = _open("demo_city_hr", "relay")
    declaration_id = _first(at, "relay")
    click(at, "relay", "reject")
    at.text_area(key="relay.reason").input("推荐材料缺少单位盖章")
    submit(at, "relay")
    if asks_to_confirm(at, "relay"):
        confirm(at, "relay")
    assert_ok(at)
    assert not errors(at)
    with read_session(make_engine(app_db)) as s:
        event = s.execute(select(AuditEvent.action, AuditEvent.comment).where(
            AuditEvent.declaration_id == declaration_id).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert tuple(event) == ("reject", "推荐材料缺少单位盖章")


def test_the_committee_organizer_accepts_into_policy_review(app_db):
    at = _open("demo_committee_op", "material_receipt")
    declaration_id = _first(at, "material_receipt")
    click(at, "material_receipt", "accept")
    if has_form(at, "material_receipt"):
        submit(at, "material_receipt")
    confirm(at, "material_receipt")
    assert_ok(at)
    assert _row(app_db, declaration_id).state == "policy_review"
