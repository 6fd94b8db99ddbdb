"""rules.md, accounts and sessions, each at its exact boundary with "now" fixed by the test:
lock after 5 consecutive failures for 15 minutes; a success resets the count; one-time passwords expire
(72 hours); sessions end after 30 idle minutes and 12 hours in all; periodic change when configured;
a new password is neither the ID number nor the phone.

Where the instant itself is tested, the period is closed at its end for sessions and one-time passwords
(exactly 30 minutes idle is still alive) and open for the lock (exactly 15 minutes after, it is over).
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from core.identity import account_rules, accounts
from core.identity.account_rules import password_change_due
from core.identity.accounts import create_account, login_gate, record_login_failure, reset_password
from core.common.errors import ValidationError
from core.identity.passwords import check_password
from core.identity.sessions import resolve_session, start_session
from db.models import Account, AuthSession

from tests.world import World

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
SECOND, MINUTE, HOUR = dt.timedelta(seconds=1), dt.timedelta(minutes=1), dt.timedelta(hours=1)
GOOD, WRONG = "Kq7#mVx2pLw9", "Kq7#mVx2pLw8"
LOGIN = "wang"


@pytest.fixture
def account(uow) -> int:
    with uow.write() as s:
        row, _ = create_account(s, login_name=LOGIN, display_name="王五", password=GOOD, now=T0)
        return row.id


def attempt(uow, password: str, at: dt.datetime) -> bool:
    """One login as the shell runs it (core.desks.login): the gate, the password check, then the outcome
    recorded in its own transaction; whether it logged in."""
    with uow.read() as s:
        password_hash = login_gate(s, LOGIN, at)
    if password_hash is not None and check_password(password, password_hash):
        with uow.write() as s:
            start_session(s, LOGIN, at)
        return True
    with uow.write() as s:
        record_login_failure(s, LOGIN, at)
    return False


def fail(uow, times: int, at: dt.datetime) -> None:
    for i in range(times):
        assert not attempt(uow, WRONG, at + i * SECOND)


def may_try(uow, at: dt.datetime) -> bool:
    with uow.read() as s:
        return login_gate(s, LOGIN, at) is not None


def logs_in(uow, at: dt.datetime, password: str = GOOD) -> bool:
    return attempt(uow, password, at)


# --- lockout: 5 consecutive failures, 15 minutes ----------------------------------------------------

def test_four_consecutive_failures_do_not_lock_the_account(uow, account):
    fail(uow, 4, T0)
    assert may_try(uow, T0 + MINUTE) and logs_in(uow, T0 + MINUTE)


def test_the_fifth_consecutive_failure_locks_the_account_even_against_the_right_password(uow, account):
    fail(uow, 5, T0)
    assert not may_try(uow, T0 + MINUTE) and not logs_in(uow, T0 + MINUTE)
    with uow.read() as s:
        assert s.get(Account, account).locked_until == T0 + 4 * SECOND + 15 * MINUTE


def test_the_lock_holds_one_second_before_fifteen_minutes_and_is_over_at_fifteen_minutes(uow, account):
    fail(uow, 5, T0)
    locked_at = T0 + 4 * SECOND
    assert not may_try(uow, locked_at + 15 * MINUTE - SECOND)
    assert may_try(uow, locked_at + 15 * MINUTE)


def test_the_right_password_logs_in_one_second_after_the_lock_expires(uow, account):
    fail(uow, 5, T0)
    assert logs_in(uow, T0 + 4 * SECOND + 15 * MINUTE + SECOND)


def test_failures_while_locked_neither_count_nor_extend_the_lock(uow, account):
    fail(uow, 5, T0)
    fail(uow, 3, T0 + 10 * MINUTE)
    assert may_try(uow, T0 + 4 * SECOND + 15 * MINUTE)
    with uow.read() as s:
        assert s.get(Account, account).failed_attempts == 0


def test_a_successful_login_resets_the_count_of_failures(uow, account):
    fail(uow, 4, T0)
    assert logs_in(uow, T0 + MINUTE)
    fail(uow, 4, T0 + 2 * MINUTE)
    assert may_try(uow, T0 + 3 * MINUTE)
    fail(uow, 1, T0 + 3 * MINUTE)
    assert not may_try(uow, T0 + 4 * MINUTE)


def test_after_a_lock_expires_the_count_starts_again_from_zero(uow, account):
    fail(uow, 5, T0)
    after = T0 + 16 * MINUTE
    fail(uow, 4, after)
    assert may_try(uow, after + MINUTE)
    fail(uow, 1, after + MINUTE)
    assert not may_try(uow, after + 2 * MINUTE)


def test_the_lockout_numbers_are_configuration(uow, account, monkeypatch):
    monkeypatch.setattr(accounts, "RULES", dataclasses.replace(accounts.RULES, lockout_threshold=3,
                                                                lockout_minutes=60))
    fail(uow, 2, T0)
    assert may_try(uow, T0 + MINUTE)
    fail(uow, 1, T0 + MINUTE)
    assert not may_try(uow, T0 + MINUTE + 60 * MINUTE - SECOND) and may_try(uow, T0 + 61 * MINUTE)


# --- one-time passwords: 72 hours ----------------------------------------------------------------------

def test_a_one_time_password_works_until_the_last_second_of_its_72_hours(uow):
    with uow.write() as s:
        _, temporary = create_account(s, login_name=LOGIN, display_name="王五", now=T0)
    assert may_try(uow, T0 + 72 * HOUR - SECOND) and may_try(uow, T0 + 72 * HOUR)
    assert not may_try(uow, T0 + 72 * HOUR + SECOND)
    assert not logs_in(uow, T0 + 72 * HOUR + SECOND, temporary)
    assert logs_in(uow, T0 + 72 * HOUR, temporary)


def test_a_reset_password_expires_72_hours_after_the_reset(uow):
    with uow.write() as s:
        w = World.build(s)
        target, _ = create_account(s, login_name=LOGIN, display_name="张三", person_id=w.applicant_person_id,
                                   password=GOOD, now=T0)
        target_id = target.id
    reset_at = T0 + 5 * HOUR
    with uow.write() as s:
        temporary = reset_password(s, w.actor("unit_admin"), target_id, reset_at)
    assert not logs_in(uow, reset_at + 72 * HOUR + SECOND, temporary)
    assert logs_in(uow, reset_at + 72 * HOUR - SECOND, temporary)


# --- sessions: 30 minutes idle, 12 hours absolute ---------------------------------------------------

def open_session(uow, at: dt.datetime = T0) -> str:
    with uow.write() as s:
        return start_session(s, LOGIN, at).token


def alive(uow, token: str, at: dt.datetime) -> bool:
    with uow.write() as s:
        return resolve_session(s, token, at) is not None


def end_reason(uow, token: str) -> str | None:
    with uow.read() as s:
        return s.scalar(select(AuthSession.end_reason).order_by(AuthSession.id.desc()).limit(1))


@pytest.mark.parametrize("idle, lives", [(30 * MINUTE - SECOND, True), (30 * MINUTE, True),
                                         (30 * MINUTE + SECOND, False)], ids=["29m59s", "30m", "30m01s"])
def test_a_session_ends_after_thirty_idle_minutes_not_before(uow, account, idle, lives):
    token = open_session(uow)
    assert alive(uow, token, T0 + idle) is lives
    assert end_reason(uow, token) == (None if lives else "idle_timeout")


def test_each_request_restarts_the_idle_period(uow, account):
    token = open_session(uow)
    assert alive(uow, token, T0 + 20 * MINUTE)
    assert alive(uow, token, T0 + 50 * MINUTE)  # 30 minutes after the last request, 50 after the start
    assert not alive(uow, token, T0 + 80 * MINUTE + SECOND)


def keep_busy(uow, token: str, until: dt.datetime) -> None:
    at = T0
    while at + 20 * MINUTE < until:
        at += 20 * MINUTE
        assert alive(uow, token, at)


@pytest.mark.parametrize("age, lives", [(12 * HOUR - SECOND, True), (12 * HOUR, True), (12 * HOUR + SECOND, False)],
                         ids=["11h59m59s", "12h", "12h00m01s"])
def test_a_busy_session_ends_twelve_hours_after_login_not_before(uow, account, age, lives):
    token = open_session(uow)
    keep_busy(uow, token, T0 + age)
    assert alive(uow, token, T0 + age) is lives
    assert end_reason(uow, token) == (None if lives else "absolute_timeout")


def test_the_session_timeouts_are_configuration(uow, account, monkeypatch):
    from core.identity import sessions

    monkeypatch.setattr(sessions, "RULES", dataclasses.replace(sessions.RULES, session_idle_minutes=10))
    token = open_session(uow)
    assert alive(uow, token, T0 + 10 * MINUTE)
    assert not alive(uow, token, T0 + 20 * MINUTE + SECOND)


# --- periodic change, when configured ------------------------------------------------------------

def test_a_password_is_due_for_change_one_second_after_the_configured_age_not_before(uow, account, monkeypatch):
    monkeypatch.setattr(account_rules, "RULES", dataclasses.replace(account_rules.RULES, password_max_age_days=90))
    with uow.read() as s:
        row = s.get(Account, account)
        assert not password_change_due(row, T0 + dt.timedelta(days=90))
        assert password_change_due(row, T0 + dt.timedelta(days=90) + SECOND)


def test_without_a_configured_age_a_password_never_falls_due(uow, account):
    with uow.read() as s:
        assert not password_change_due(s.get(Account, account), T0 + dt.timedelta(days=3650))


# --- a new password is not the owner's ID number or phone -------------------------------------------

@pytest.mark.parametrize("candidate, problem", [
    ("110101199003070016", "password.personal"),   # the ID number itself (also too simple)
    ("Kq#110101199003070016", "password.personal"),  # containing it
    ("Kq#13800001234", "password.personal"),       # containing the phone
    ("Kq#13800001235", "password.personal"),       # one digit off the phone: still 6 of its digits in a row
    ("Kq#1380z0012q5", None),                      # at most 5 of its digits in a row
])
def test_a_new_password_may_not_contain_the_owners_id_number_or_phone(uow, candidate, problem):
    with uow.write() as s:
        w = World.build(s)
        row, _ = create_account(s, login_name=LOGIN, display_name="张三", person_id=w.applicant_person_id,
                                password=GOOD, now=T0)
        account_id = row.id
    if problem is None:
        with uow.write() as s:
            accounts.change_password(s, account_id, GOOD, candidate, T0)
        assert logs_in(uow, T0 + MINUTE, candidate)
    else:
        with pytest.raises(ValidationError) as refused, uow.write() as s:
            accounts.change_password(s, account_id, GOOD, candidate, T0)
        assert problem in refused.value.details
