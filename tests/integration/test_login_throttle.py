"""Issue 14 §4: failed logins are throttled per client address and for everyone, before any bcrypt
check; throttled attempts never count towards the account's lock; a flood is audited once per window."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from core.common.errors import AuthError, Throttled
from core.common.i18n import t
from core.desks import login
from core.identity import accounts, login_throttle
from db.models import Account, AuditEvent

T0 = dt.datetime(2026, 11, 23, 9, 0, 10, tzinfo=dt.timezone.utc)
GOOD = "Kq7#mVx2pLw9"
A, B = "203.0.113.7", "198.51.100.9"


@pytest.fixture
def small_limits(monkeypatch):
    rules = dataclasses.replace(login_throttle.RULES, login_client_failures_per_minute=3, login_failures_per_minute=8)
    monkeypatch.setattr(login_throttle, "RULES", rules)
    return rules


def _account(uow, name="wang"):
    with uow.write() as s:
        return accounts.create_account(s, login_name=name, display_name="王五", password=GOOD, now=T0)[0].id


def _try(uow, name, password, client, now=T0):
    with uow.write() as s, pytest.raises((AuthError, Throttled)) as refused:
        accounts.authenticate(s, name, password, now=now, client=client)
    return refused.value


def test_a_client_that_failed_too_often_is_refused_before_bcrypt_others_are_not(uow, small_limits, monkeypatch):
    _account(uow)
    for _ in range(3):
        assert isinstance(_try(uow, "nobody", "Wrong#1x", A), AuthError)
    checks = []
    monkeypatch.setattr(accounts, "check_password", lambda *a: checks.append(a) or False)
    refused = _try(uow, "wang", GOOD, A)
    assert isinstance(refused, Throttled) and checks == []
    assert refused.params["seconds"] == 50  # until the minute's window ends
    assert str(refused) == t("login.throttled", seconds=50) and "50 秒后重试" in str(refused)
    monkeypatch.undo()
    with uow.write() as s:
        assert accounts.authenticate(s, "wang", GOOD, now=T0, client=B).account_id  # another address
    with uow.write() as s:  # the next minute
        assert accounts.authenticate(s, "wang", GOOD, now=T0 + dt.timedelta(minutes=1), client=A).account_id


def test_everyone_is_refused_once_all_clients_together_failed_too_often(uow, small_limits):
    for i in range(8):
        _try(uow, "nobody", "Wrong#1x", f"10.0.0.{i}")
    assert isinstance(_try(uow, "nobody", "Wrong#1x", "10.0.1.1"), Throttled)


def test_throttled_attempts_never_count_towards_the_account_lock(uow, small_limits):
    account_id = _account(uow)
    for _ in range(3):
        _try(uow, "wang", "Wrong#1x", A)
    for _ in range(20):  # a flood from the same address
        assert isinstance(_try(uow, "wang", "Wrong#1x", A), Throttled)
    with uow.read() as s:
        account = s.get(Account, account_id)
        assert account.failed_attempts == 3 and account.locked_until is None


def test_a_flood_is_audited_once_per_window_and_key(uow, small_limits):
    for _ in range(3):
        _try(uow, "nobody", "Wrong#1x", A)
    for minute in (0, 0, 0, 0, 1, 1, 1):
        _try(uow, "nobody", "Wrong#1x", A, T0 + dt.timedelta(minutes=minute))  # minute 1: 3 failures, then refused
    with uow.read() as s:
        throttled = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.outcome == "throttled"))
    assert throttled == 1
    for _ in range(3):
        _try(uow, "nobody", "Wrong#1x", A, T0 + dt.timedelta(minutes=1))
    with uow.read() as s:
        throttled = s.scalars(select(AuditEvent.detail).where(AuditEvent.outcome == "throttled")).all()
    assert len(throttled) == 2 and all(d["scope"] == "login.client" and A not in str(d) for d in throttled)


def test_the_shell_gate_refuses_a_throttled_client_and_keeps_the_refusal(uow, small_limits):
    for _ in range(3):
        login.fail(uow, "nobody", A)
    with pytest.raises(Throttled):
        login.gate(uow, "nobody", A)
    assert login.gate(uow, "nobody", B)
    with uow.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.outcome == "throttled")) == 1


@pytest.mark.parametrize("peer, forwarded, proxies, expected", [
    ("203.0.113.7", ["10.9.9.9"], 0, "203.0.113.7"),                # the header is not trusted by default
    (None, ["198.51.100.9"], 1, "198.51.100.9"),                    # one proxy on localhost
    (None, ["6.6.6.6, 198.51.100.9"], 1, "198.51.100.9"),           # what the client wrote itself is ignored
    (None, ["6.6.6.6", "198.51.100.9, 10.0.0.2"], 2, "198.51.100.9"),  # two proxies, header on two lines
    ("10.0.0.2", [], 1, "10.0.0.2"),                                # no header: the peer
])
def test_the_client_address_trusts_x_forwarded_for_only_from_configured_proxies(peer, forwarded, proxies, expected):
    assert login.client_address(peer, forwarded, proxies) == expected
