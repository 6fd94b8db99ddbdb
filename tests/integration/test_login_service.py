"""The shell's login services: gate, session start, resolution, logout, password change, contexts."""
import pytest
from sqlalchemy import select

from core.desks import login
from core.setup.demo import accounts as demo_accounts
from core.identity.accounts import create_account, grant_role
from core.common.errors import ValidationError
from core.identity.passwords import dummy_hash
from db.models import AuthSession
from tests.world import World

GOOD = "Kq7#mVx2pLw9"


def test_a_session_lives_until_logout_and_the_gate_hides_unknown_names(uow):
    with uow.write() as s:
        create_account(s, login_name="wang", display_name="王五", password=GOOD)
    assert login.gate(uow, "nobody") == dummy_hash() != login.gate(uow, "WANG ")
    principal = login.begin(uow, "wang")
    assert login.resolve(uow, principal.token).account_id == principal.account_id
    login.end(uow, principal.token)
    assert login.resolve(uow, principal.token) is None
    assert login.resolve(uow, "wang") is None  # a login name is never a session


def test_changing_a_password_needs_the_repeat_to_match_and_the_policy_to_hold(uow):
    with uow.write() as s:
        create_account(s, login_name="wang", display_name="王五", password=GOOD)
    principal = login.begin(uow, "wang")
    with pytest.raises(ValidationError) as mismatch:
        login.change_password(uow, principal, GOOD, "Nn8$tRvqEFgh", "Nn8$tRvqEFgX")
    assert mismatch.value.key == "password.repeat_mismatch"
    with pytest.raises(ValidationError) as weak:
        login.change_password(uow, principal, GOOD, "short", "short")
    assert "password.too_short" in weak.value.details
    login.change_password(uow, principal, GOOD, "Nn8$tRvqEFgh", "Nn8$tRvqEFgh")


def test_context_choices_name_the_unit_of_each_role(uow):
    with uow.write() as s:
        w = World.build(s)
        account, _ = create_account(s, login_name="multi", display_name="多角色", password=GOOD)
        grant_role(s, account.id, "unit_operator", w.units["employer"])
        grant_role(s, account.id, "dept_operator", w.units["dept"])
    principal = login.begin(uow, "multi")
    choices = login.context_choices(uow, principal.contexts)
    assert [(c.role, c.unit_name) for c in choices] == [("unit_operator", "市建筑设计院"), ("dept_operator", "市住建局")]


def test_no_demo_accounts_are_listed_outside_demo_mode(uow, monkeypatch):
    monkeypatch.setenv("TITLES_DEMO", "0")
    assert demo_accounts.login_page_accounts(uow) == ([], None)


def test_a_password_change_ends_every_other_session_and_keeps_the_current_one(uow):
    with uow.write() as s:
        create_account(s, login_name="wang", display_name="王五", password=GOOD)
    here, elsewhere = login.begin(uow, "wang"), login.begin(uow, "wang")
    login.change_password(uow, here, GOOD, "Nn8$tRvqEFgh", "Nn8$tRvqEFgh")
    assert login.resolve(uow, elsewhere.token) is None  # the other browser, or its copied cookie
    assert login.resolve(uow, here.token).account_id == here.account_id
    with uow.read() as s:
        reasons = s.scalars(select(AuthSession.end_reason).where(AuthSession.ended_at.is_not(None))).all()
    assert reasons == ["password_change"]


def test_a_session_answers_only_to_the_browser_it_began_in(uow, monkeypatch):
    with uow.write() as s:
        create_account(s, login_name="wang", display_name="王五", password=GOOD)
    firefox, chrome = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Firefox/140.0", "Mozilla/5.0 Chrome/141.0"
    principal = login.begin(uow, "wang", "203.0.113.7", firefox)
    assert login.resolve(uow, principal.token, "203.0.113.7", chrome) is None  # the cookie copied elsewhere
    assert login.resolve(uow, principal.token, "198.51.100.9", firefox).account_id == principal.account_id
    monkeypatch.setenv("TITLES_SESSION_BIND_ADDRESS", "1")
    bound = login.begin(uow, "wang", "203.0.113.7", firefox)
    assert login.resolve(uow, bound.token, "198.51.100.9", firefox) is None
    assert login.resolve(uow, bound.token, "203.0.113.7", firefox).account_id == principal.account_id
