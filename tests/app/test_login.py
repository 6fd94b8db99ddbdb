"""The login page: demo accounts in demo mode only, generic failures, lockout, forced change, expiry."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from core.identity import accounts
from core.common import config
from core.common.config import RULES
from core.common.i18n import t
from core.setup.demo import DEMO_LOGINS, DEMO_PASSWORD
from db.uow import UnitOfWork
from db.models import Account, AuthSession, RoleGrant
from tests.app.support import assert_ok, errors, infos, nav, sign_in, start

NEW_PASSWORD = "Zx9$pLmWrtUi"


def _engine(url: str):
    return UnitOfWork.from_url(url)


def test_the_login_page_lists_the_demo_accounts_and_password_in_demo_mode(app_db):
    at = start()
    assert [w.label for w in at.text_input] == [t("login.username"), t("login.password")]
    table = at.dataframe[0].value
    assert list(table[t("login.col_login")]) == [name for name in DEMO_LOGINS]
    assert any(DEMO_PASSWORD in c.value for c in at.caption)
    assert nav(at) == []


def test_outside_demo_mode_nothing_about_demo_accounts_is_shown_and_they_cannot_log_in(app_db, monkeypatch):
    monkeypatch.setenv("TITLES_DEMO", "0")
    at = start()
    assert len(at.dataframe) == 0
    assert not any(DEMO_PASSWORD in c.value for c in at.caption)
    sign_in(at, "demo_unit_op", DEMO_PASSWORD)
    assert errors(at) == [t("auth.failed")] and nav(at) == []


def test_a_wrong_password_and_an_unknown_account_get_the_same_generic_message(app_db):
    at = sign_in(start(), "demo_unit_op", "Wrong#pass123")
    assert errors(at) == [t("auth.failed")] and nav(at) == []
    at = sign_in(start(), "nobody_here", "Wrong#pass123")
    assert errors(at) == [t("auth.failed")] and nav(at) == []


def test_five_failures_lock_the_account_so_even_the_right_password_fails(app_db):
    at = start()
    for _ in range(RULES.lockout_threshold):
        sign_in(at, "demo_unit_op", "Wrong#pass123")
        assert errors(at) == [t("auth.failed")]
    sign_in(at, "demo_unit_op", DEMO_PASSWORD)
    assert errors(at) == [t("auth.failed")] and nav(at) == []
    with _engine(app_db).read() as s:
        locked = s.scalar(select(Account.locked_until).where(Account.login_name == "demo_unit_op"))
    assert locked is not None and locked > config.now()


def test_a_one_time_password_must_be_changed_before_anything_else(app_db):
    with _engine(app_db).write() as s:
        account, temporary = accounts.create_account(s, login_name="new_staff", display_name="新同事")
        unit_id = s.scalar(select(RoleGrant.unit_id).join(Account, Account.id == RoleGrant.account_id)
                           .where(Account.login_name == "demo_unit_op"))
        accounts.grant_role(s, account.id, "unit_operator", unit_id)
    at = sign_in(start(), "new_staff", temporary)
    assert nav(at) == ["password"]
    assert t("password.forced") in [w.value for w in at.warning]
    at.text_input(key="password.current").input(temporary)
    at.text_input(key="password.new").input(NEW_PASSWORD)
    at.text_input(key="password.repeat").input(NEW_PASSWORD)
    at.button(key="password.submit").click().run()
    assert_ok(at)
    assert nav(at)[0] == "home" and "unit_verify" in nav(at)
    assert t("password.changed") in [s.value for s in at.success]


def test_the_password_page_lists_policy_problems(app_db):
    at = sign_in(start(), "demo_applicant", DEMO_PASSWORD)
    at.switch_page("pages/password.py").run()
    at.text_input(key="password.current").input(DEMO_PASSWORD)
    at.text_input(key="password.new").input("short")
    at.text_input(key="password.repeat").input("short")
    at.button(key="password.submit").click().run()
    assert_ok(at)
    message = errors(at)[0]
    assert t("password.rejected") in message and t("password.too_short") in message


def test_an_expired_session_returns_to_the_login_page_with_a_notice(app_db):
    at = sign_in(start(), "demo_unit_op", DEMO_PASSWORD)
    assert "unit_verify" in nav(at)
    idle = config.now() - dt.timedelta(minutes=RULES.session_idle_minutes + 1)
    with _engine(app_db).write() as s:
        s.execute(update(AuthSession).values(last_seen_at=idle))
    at.run()
    assert_ok(at)
    assert nav(at) == [] and t("login.expired") in infos(at)


def test_logout_ends_the_server_side_session(app_db):
    at = sign_in(start(), "demo_unit_op", DEMO_PASSWORD)
    at.sidebar.button(key="app.logout").click().run()
    assert_ok(at)
    assert nav(at) == [] and t("login.logged_out") in infos(at)
    with _engine(app_db).read() as s:
        reason = s.scalar(select(AuthSession.end_reason).join(Account, Account.id == AuthSession.account_id)
                          .where(Account.login_name == "demo_unit_op").order_by(AuthSession.id.desc()))
    assert reason == "logout"


def test_the_language_switch_shows_english_labels(app_db):
    at = start()
    at.sidebar.radio(key="app.lang").set_value("en").run()
    assert_ok(at)
    assert [w.label for w in at.text_input] == ["Account", "Password"]
    sign_in_en = next(b for b in at.button if b.label == "Sign in")
    at.text_input[0].input("demo_unit_op")
    at.text_input[1].input(DEMO_PASSWORD)
    sign_in_en.click().run()
    assert_ok(at)
    assert at.title[0].value.startswith("Welcome")
    assert [m.label for m in at.metric][:3] == ["Unit verification", "Unit publicity", "Unit recommendation"]
