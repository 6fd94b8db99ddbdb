"""Account rules of rules.md: one-time passwords, policy, lockout, sessions and timeouts, resets."""
import datetime as dt

import pytest
from sqlalchemy import select

from core.identity import accounts

from core.identity import sessions
from core.common.config import RULES
from core.common.errors import AuthError, NotFound, ValidationError
from core.identity.passwords import generate_temporary_password, policy_problems
from db.models import Account, AuditEvent, Person
from tests.world import World

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone.utc)
GOOD = "Kq7#mVx2pLw9"


def _new_account(uow, login="wang", **kw):
    with uow.write() as s:
        account, temporary = accounts.create_account(s, login_name=login, display_name="王五", now=T0, **kw)
        return account.id, temporary


def test_new_account_gets_a_random_one_time_password_that_must_be_changed(uow):
    account_id, temporary = _new_account(uow)
    _, other = _new_account(uow, login="zhao")
    assert temporary and other and temporary != other
    assert policy_problems(temporary) == []
    with uow.write() as s:
        principal = accounts.authenticate(s, "wang", temporary, now=T0)
        assert principal.must_change_password
        accounts.change_password(s, account_id, temporary, GOOD, now=T0)
    with uow.write() as s:
        assert not accounts.authenticate(s, "WANG ", GOOD, now=T0).must_change_password


def test_one_time_password_expires(uow):
    _, temporary = _new_account(uow)
    later = T0 + dt.timedelta(hours=RULES.temp_password_hours, minutes=1)
    with uow.write() as s, pytest.raises(AuthError):
        accounts.authenticate(s, "wang", temporary, now=later)


def test_five_failures_lock_the_account_for_fifteen_minutes_with_a_generic_message(uow):
    _new_account(uow, password=GOOD)
    for _ in range(RULES.lockout_threshold):
        with uow.write() as s, pytest.raises(AuthError) as wrong:
            accounts.authenticate(s, "wang", "Wrong#pass1", now=T0)
    with uow.write() as s, pytest.raises(AuthError) as locked:
        accounts.authenticate(s, "wang", GOOD, now=T0 + dt.timedelta(minutes=14))
    with uow.write() as s, pytest.raises(AuthError) as unknown:
        accounts.authenticate(s, "nobody", GOOD, now=T0)
    assert str(wrong.value) == str(locked.value) == str(unknown.value)
    with uow.write() as s:
        assert accounts.authenticate(s, "wang", GOOD, now=T0 + dt.timedelta(minutes=16)).account_id
        failures = s.scalar(select(AuditEvent.id).where(AuditEvent.kind == "login", AuditEvent.outcome == "failed",
                                                        AuditEvent.target == "nobody"))
        assert failures is not None


def test_a_success_resets_the_failure_count(uow):
    _new_account(uow, password=GOOD)
    for _ in range(RULES.lockout_threshold - 1):
        with uow.write() as s, pytest.raises(AuthError):
            accounts.authenticate(s, "wang", "nope", now=T0)
    with uow.write() as s:
        accounts.authenticate(s, "wang", GOOD, now=T0)
    with uow.write() as s, pytest.raises(AuthError):
        accounts.authenticate(s, "wang", "nope", now=T0)
    with uow.write() as s:
        assert accounts.authenticate(s, "wang", GOOD, now=T0).account_id


@pytest.mark.parametrize("password, problem", [
    ("Ab1#", "password.too_short"), ("abcdefghij", "password.too_simple"), ("P@ssw0rd", "password.weak"),
    (" Kq7#mVx2pLw9", "password.whitespace"), ("Wang#2026xx", "password.personal"),
    ("X13800001234a!", "password.personal"),
])
def test_password_policy_names_each_problem(password, problem):
    assert problem in policy_problems(password, login_name="wang", phone="13800001234",
                                      id_number="110101199003070016")


def test_password_change_needs_the_current_password_and_meets_the_policy(uow):
    account_id, temporary = _new_account(uow)
    with uow.write() as s, pytest.raises(ValidationError):
        accounts.change_password(s, account_id, "wrong", GOOD, now=T0)
    with uow.write() as s, pytest.raises(ValidationError) as weak:
        accounts.change_password(s, account_id, temporary, "password", now=T0)
    assert "password.too_simple" in weak.value.details


def test_temporary_passwords_meet_the_policy():
    assert all(policy_problems(generate_temporary_password()) == [] for _ in range(50))


def test_sessions_end_on_idle_and_absolute_timeout_and_logout(uow):
    _new_account(uow, password=GOOD)
    with uow.write() as s:
        token = accounts.authenticate(s, "wang", GOOD, now=T0).token
    with uow.write() as s:
        assert sessions.resolve_session(s, token, T0 + dt.timedelta(minutes=29)) is not None
        assert sessions.resolve_session(s, token, T0 + dt.timedelta(minutes=29 + 31)) is None
        assert sessions.resolve_session(s, token, T0 + dt.timedelta(minutes=61)) is None  # stays ended
        steady = accounts.authenticate(s, "wang", GOOD, now=T0).token
        for minute in range(20, 12 * 60, 20):
            assert sessions.resolve_session(s, steady, T0 + dt.timedelta(minutes=minute)) is not None
        assert sessions.resolve_session(s, steady, T0 + dt.timedelta(hours=12, minutes=10)) is None
        third = accounts.authenticate(s, "wang", GOOD, now=T0).token
        sessions.end_session(s, third, T0)
        assert sessions.resolve_session(s, third, T0) is None
        assert sessions.resolve_session(s, "s.forged-token", T0) is None


def test_disabling_an_account_and_changing_roles_take_effect_at_the_next_request(uow):
    with uow.write() as s:
        w = World.build(s)
        person = s.scalar(select(Person).where(Person.unit_id == w.units["employer"]))
        account, _ = accounts.create_account(s, login_name="clerk", display_name="职员", person_id=person.id,
                                             password=GOOD, now=T0)
        grant = accounts.grant_role(s, account.id, "unit_operator", w.units["employer"])
        token = accounts.authenticate(s, "clerk", GOOD, now=T0).token
        assert [c.role for c in sessions.resolve_session(s, token, T0).contexts] == ["unit_operator"]
        grant.active = False
        s.flush()
        assert sessions.resolve_session(s, token, T0).contexts == ()
        accounts.set_enabled(s, w.actor("unit_admin"), account.id, False, now=T0)
        assert sessions.resolve_session(s, token, T0) is None
        with pytest.raises(AuthError):
            accounts.authenticate(s, "clerk", GOOD, now=T0)


def test_an_admin_resets_a_password_to_a_one_time_password_only_in_scope(uow):
    with uow.write() as s:
        w = World.build(s)
        person = s.scalar(select(Person).where(Person.unit_id == w.units["employer"]))
        outsider = s.scalar(select(Person).where(Person.unit_id == w.units["sibling"]))
        mine, _ = accounts.create_account(s, login_name="mine", display_name="a", person_id=person.id,
                                          password=GOOD, now=T0)
        theirs, _ = accounts.create_account(s, login_name="theirs", display_name="b", person_id=outsider.id,
                                            password=GOOD, now=T0)
        token = accounts.authenticate(s, "mine", GOOD, now=T0).token
        temporary = accounts.reset_password(s, w.actor("unit_admin"), mine.id, now=T0)
        assert sessions.resolve_session(s, token, T0) is None
        assert accounts.authenticate(s, "mine", temporary, now=T0).must_change_password
        with pytest.raises(NotFound):
            accounts.reset_password(s, w.actor("unit_admin"), theirs.id, now=T0)
        with pytest.raises(NotFound):
            accounts.reset_password(s, w.actor("unit_op"), mine.id, now=T0)
        assert s.get(Account, theirs.id).must_change_password is False


def test_demo_accounts_log_in_only_in_demo_mode(uow, monkeypatch):
    _new_account(uow, password=GOOD, is_demo=True)
    monkeypatch.setenv("TITLES_DEMO", "0")
    with uow.write() as s, pytest.raises(AuthError):
        accounts.authenticate(s, "wang", GOOD, now=T0)
    monkeypatch.setenv("TITLES_DEMO", "1")
    with uow.write() as s:
        assert accounts.authenticate(s, "wang", GOOD, now=T0).account_id


def test_an_account_has_acted_once_it_took_a_business_step(uow):
    with uow.write() as s:
        w = World.build(s)
        declaration = w.new_declaration()
        assert not accounts.has_acted(s, w.actor("unit_op").account_id)
        w.drive(declaration, "unit_publicity")
        assert accounts.has_acted(s, w.actor("unit_op").account_id)
        assert not accounts.has_acted(s, w.actor("dept_op").account_id)
