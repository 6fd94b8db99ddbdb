"""Production's first start: the provincial HR bureau and its first admin, with a one-time password."""
import pytest
from stdnum.cn import ric

from core.identity import accounts
from core.common.errors import ValidationError
from core.setup.provision import main, provision_province

BODY = "52010219850101123"
ADMIN_ID = BODY + ric.calc_check_digit(BODY + "0")


def _provision(s, **kw):
    args = dict(bureau_name="黔中省人力资源和社会保障厅", admin_name="王管理", admin_id_number=ADMIN_ID,
                admin_phone="13900001111")
    return provision_province(s, **{**args, **kw})


def test_an_empty_database_gets_the_bureau_and_an_admin_who_must_change_the_password(uow):
    with uow.write() as s:
        login, password = _provision(s)
    with uow.write() as s:
        principal = accounts.authenticate(s, login, password)
        assert principal.must_change_password
        assert [c.role for c in principal.contexts] == ["unit_admin"]


def test_provisioning_runs_only_once_and_validates_the_admin(uow):
    with uow.write() as s, pytest.raises(ValidationError) as bad:
        _provision(s, admin_id_number="520102198501011230")
    assert bad.value.key == "person.id_invalid"
    with uow.write() as s:
        _provision(s)
    with uow.write() as s, pytest.raises(ValidationError) as again:
        _provision(s)
    assert again.value.key == "provision.not_empty"


def test_the_command_prints_the_account_and_refuses_a_second_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TITLES_DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    args = ["--bureau", "黔中省人力资源和社会保障厅", "--name", "王管理", "--id-number", ADMIN_ID,
            "--phone", "13900001111"]
    assert main(args) == 0
    assert ADMIN_ID.lower() in capsys.readouterr().out
    assert main(args) == 1
    assert "不能再次初始化" in capsys.readouterr().err
