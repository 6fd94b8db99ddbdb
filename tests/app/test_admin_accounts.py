"""The unit admin's extended accounts workspace: create a personal account (one-time password shown once),
grant and revoke the operator role, the refusal for a declaring person, names, leaving with confirmation."""
from __future__ import annotations

from sqlalchemy import select
from stdnum.cn import ric

from core.common.i18n import t
from core.identity.role_exclusion import has_active_declaration
from core.setup.demo import DEMO_PASSWORD
from db.models import Account, Person
from db.session import make_engine, read_session
from tests.app.support import action, assert_ok, click, errors, row_actions, sign_in, start

WS = "unit_accounts"
NUMBER = "52270119900101003"
NUMBER += ric.calc_check_digit(NUMBER + "0")


def _account(url: str, login_name: str) -> Account:
    with read_session(make_engine(url)) as s:
        account = s.scalar(select(Account).where(Account.login_name == login_name))
        s.expunge(account)
        return account


def _admin_page():
    at = sign_in(start(), "demo_unit_admin", DEMO_PASSWORD)
    at.switch_page(f"pages/{WS}.py").run()
    assert_ok(at)
    return at


def _pick(at, account_id: int):
    at.selectbox(key=f"{WS}.pick").select(account_id).run()
    assert_ok(at)
    return at


def test_create_a_personal_account_grant_revoke_rename_and_remove_it(app_db):
    at = _admin_page()
    at.text_input(key=f"{WS}.new_name").input("赵七")
    at.text_input(key=f"{WS}.new_id").input(NUMBER)
    at.text_input(key=f"{WS}.new_phone").input("13912345678")
    click(at, WS, "create")
    assert_ok(at)
    prefix = t("accounts.temp_password", password="")
    assert len([w for w in at.warning if w.value.startswith(prefix)]) == 1
    new = _account(app_db, NUMBER.lower())
    assert new.must_change_password
    _pick(at, new.id)
    at.selectbox(key=f"{WS}.grant_pick_{new.id}").select("unit_operator").run()
    click(at, WS, "grant")
    assert_ok(at)
    assert t("accounts.done") in [s.value for s in at.success]
    click(at, WS, "revoke")
    assert t("accounts.done") in [s.value for s in at.success]
    at.text_input(key=f"{WS}.name_{new.id}").input("赵七七")
    click(at, WS, "save_name")
    assert _account(app_db, NUMBER.lower()).display_name == "赵七七"
    assert action(at, WS, "leave").disabled  # a confirmation first
    at.checkbox(key=f"{WS}.leave_ok_{new.id}").check().run()
    click(at, WS, "leave")
    assert_ok(at)
    with read_session(make_engine(app_db)) as s:
        assert s.get(Person, new.person_id).unit_id is None
    assert NUMBER.lower() not in list(at.dataframe[0].value[t("accounts.col_login")])


def test_a_declaring_person_cannot_be_made_operator_and_the_refusal_says_why(app_db):
    applicant = _account(app_db, "demo_applicant")
    with read_session(make_engine(app_db)) as s:
        assert has_active_declaration(s, applicant.person_id)
    at = _pick(_admin_page(), applicant.id)
    at.selectbox(key=f"{WS}.grant_pick_{applicant.id}").select("unit_operator").run()
    click(at, WS, "grant")
    assert_ok(at)
    assert errors(at) == [t("admin.active_declaration")]


def test_new_accounts_tab_lists_binding_requests(app_db):
    at = _admin_page()
    assert t("uadmin.tab_new") in [tab.label for tab in at.tabs]
    assert at.info or row_actions(at, WS, "bind_accept")
