"""Issue 14 §4 on the login page: every login name costs one bcrypt check, a client that failed too often
is told when to retry (before any check), and the generic failure names the way out of a lock."""
from __future__ import annotations

import dataclasses

import extra_streamlit_components as stx
import jwt
from sqlalchemy import select
from streamlit_authenticator.utilities import Hasher

from core.common.i18n import t
from core.identity import login_throttle
from core.identity.sessions import is_session_token
from core.setup.demo import DEMO_PASSWORD
from db.models import Account
from db.uow import UnitOfWork
from tests.app.support import errors, nav, sign_in, start
from ui import auth


def test_unknown_and_locked_accounts_cost_the_same_bcrypt_check_as_a_wrong_password(app_db, monkeypatch):
    checks = []
    real = Hasher.check_pw.__func__
    monkeypatch.setattr(Hasher, "check_pw", classmethod(lambda cls, p, h: checks.append(h) or real(cls, p, h)))
    for name in ("demo_unit_op", "nobody_here"):
        at = sign_in(start(), name, "Wrong#pass123")
        assert errors(at) == [t("auth.failed")]
    assert len(checks) == 2 and all(h.startswith("$2") for h in checks)


def test_the_generic_failure_offers_the_way_out_of_a_lock_without_naming_an_account():
    message = t("auth.failed")
    assert "锁定" in message and "解锁" in message and "重置" in message


def test_a_client_that_failed_too_often_is_told_when_to_retry_and_the_account_is_not_locked(app_db, monkeypatch):
    monkeypatch.setattr(login_throttle, "RULES", dataclasses.replace(login_throttle.RULES,
                                                                       login_client_failures_per_minute=2))
    at = start()
    shown = []
    for _ in range(5):  # 2 failures, then refused (5 in case a minute's window ends in between)
        sign_in(at, "demo_unit_op", "Wrong#pass123")
        shown = errors(at)
        if shown != [t("auth.failed")]:
            break
    assert len(shown) == 1 and shown[0].startswith("登录尝试过于频繁") and "秒后重试" in shown[0]
    sign_in(at, "demo_unit_op", DEMO_PASSWORD)  # even the right password waits for the window
    assert nav(at) == [] and errors(at)[0].startswith("登录尝试过于频繁")
    with UnitOfWork.from_url(app_db).read() as s:
        account = s.scalar(select(Account).where(Account.login_name == "demo_unit_op"))
        assert account.locked_until is None and account.failed_attempts <= 3


def test_the_session_cookie_is_strict_secure_over_https_and_holds_only_a_session_token(app_db, monkeypatch):
    written = []
    monkeypatch.setattr(stx.CookieManager, "set", lambda self, name, value, **options: written.append((name, value, options)))
    monkeypatch.setattr(auth, "_served_over_https", lambda: True)
    at = sign_in(start(), "demo_unit_op", DEMO_PASSWORD)
    at.run()
    assert nav(at)
    (name, value, options), = written  # the library writes none of its own
    assert name == auth.COOKIE_NAME and options["secure"] is True and options["same_site"] == "strict"
    assert is_session_token(jwt.decode(value, options={"verify_signature": False})["username"])
