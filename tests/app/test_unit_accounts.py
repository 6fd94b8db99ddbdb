"""The unit admin's accounts workspace: masked list, a password reset shown once, then a forced change."""
from __future__ import annotations

from sqlalchemy import select

from core.common.i18n import t
from core.setup.demo import DEMO_PASSWORD
from db.models import Account
from db.uow import UnitOfWork

from tests.app.support import assert_ok, click, nav, sign_in, start, unescaped

WS = "unit_accounts"


def _account_id(url: str, login_name: str) -> int:
    with UnitOfWork.from_url(url).read() as s:
        return s.scalar(select(Account.id).where(Account.login_name == login_name))


def test_the_admin_resets_a_password_and_the_person_must_change_it_at_first_login(app_db):
    at = sign_in(start(), "demo_unit_admin", DEMO_PASSWORD)
    at.switch_page(f"pages/{WS}.py").run()
    assert_ok(at)
    table = at.dataframe[0].value
    assert "demo_applicant" in list(table[t("accounts.col_login")])
    assert all("**********" in value for value in table[t("accounts.col_id_number")] if value)
    at.selectbox(key=f"{WS}.pick").select(_account_id(app_db, "demo_applicant")).run()
    click(at, WS, "reset")
    assert_ok(at)
    prefix = t("accounts.temp_password", password="")
    shown = [w.value for w in at.warning if w.value.startswith(prefix)]
    assert len(shown) == 1
    temporary = unescaped(shown[0][len(prefix):])
    at.run()
    assert not [w for w in at.warning if w.value.startswith(prefix)]  # shown once only
    fresh = sign_in(start(), "demo_applicant", temporary)
    assert nav(fresh) == ["password"]
    old = sign_in(start(), "demo_applicant", DEMO_PASSWORD)
    assert nav(old) == [] and [e.value for e in old.error] == [t("auth.failed")]


def test_disabling_an_account_takes_effect_at_its_next_request(app_db):
    person = sign_in(start(), "demo_applicant", DEMO_PASSWORD)
    assert "my_declarations" in nav(person)
    admin = sign_in(start(), "demo_unit_admin", DEMO_PASSWORD)
    admin.switch_page(f"pages/{WS}.py").run()
    admin.selectbox(key=f"{WS}.pick").select(_account_id(app_db, "demo_applicant")).run()
    click(admin, WS, "disable")
    assert_ok(admin)
    person.run()
    assert_ok(person)
    assert nav(person) == [] and t("login.expired") in [i.value for i in person.info]
