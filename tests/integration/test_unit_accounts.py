"""The unit admin's accounts workspace: its scope, masked ID numbers, and the admin actions."""
import pytest

from core.desks import login

from core.identity import unit_accounts
from core.common.errors import NotFound
from core.identity.passwords import check_password, dummy_hash
from db.models import Account
from tests.world import World


def test_the_admin_lists_accounts_of_the_units_people_with_masked_id_numbers(uow):
    with uow.write() as s:
        w = World.build(s)
        rows = unit_accounts.list_accounts(s, w.actor("unit_admin"))
        assert [(r.login_name, r.id_number, r.roles) for r in rows] == [
            ("applicant", "1101**********0016", ("applicant",))]
        assert unit_accounts.list_accounts(s, w.actor("unit_admin"), search="nobody") == []
        assert unit_accounts.list_accounts(s, w.actor("unit_op")) == []


def test_disable_unlock_and_reset_take_effect_and_reset_gives_a_one_time_password(uow):
    with uow.write() as s:
        w = World.build(s)
    admin, target = w.actor("unit_admin"), w.actor("applicant").account_id
    unit_accounts.do_set_enabled(uow, admin, target, False)
    assert login.gate(uow, "applicant") == dummy_hash()  # may not try: checked against a dummy hash
    unit_accounts.do_set_enabled(uow, admin, target, True)
    unit_accounts.do_unlock(uow, admin, target)
    temporary = unit_accounts.do_reset_password(uow, admin, target)
    with uow.read() as s:
        account = s.get(Account, target)
        assert account.must_change_password and check_password(temporary, account.password_hash)


def test_an_account_outside_the_admins_units_cannot_be_touched(uow):
    with uow.write() as s:
        w = World.build(s)
    with pytest.raises(NotFound):
        unit_accounts.do_reset_password(uow, w.actor("unit_admin"), w.actor("other_applicant").account_id)
