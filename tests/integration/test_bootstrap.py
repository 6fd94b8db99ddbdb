"""Start-up: migrations on an empty database, and the cookie secret generated once, never in the repo."""
from pathlib import Path

from sqlalchemy import inspect, select

from core.setup import bootstrap
from db.models import AppSecret
from db.uow import UnitOfWork


def test_prepare_migrates_an_empty_database_without_demo_data_when_demo_mode_is_off(tmp_path, monkeypatch):
    monkeypatch.setenv("TITLES_DEMO", "0")
    uow = UnitOfWork.from_url(f"sqlite:///{tmp_path / 'fresh.db'}")
    bootstrap.prepare(uow)
    bootstrap.prepare(uow)  # idempotent: a second server start changes nothing
    assert {"declaration", "account", "app_secret"} <= set(inspect(uow.engine).get_table_names())
    uow.dispose()


def test_the_cookie_secret_is_generated_on_first_start_and_then_always_the_same(uow):
    first = bootstrap.cookie_secret(uow)
    assert len(first) >= 64
    assert bootstrap.cookie_secret(uow) == first
    with uow.read() as s:
        assert s.scalar(select(AppSecret.value).where(AppSecret.name == bootstrap.COOKIE_KEY)) == first


def test_two_servers_starting_together_agree_on_one_secret(uow, monkeypatch):
    """The loser of the insert race reads the winner's value instead of failing."""
    with uow.write() as s:
        s.add(AppSecret(name=bootstrap.COOKIE_KEY, value="winner"))
    real_read = bootstrap._read_secret
    calls = []

    def stale_first_read(eng, name):
        calls.append(name)
        return None if len(calls) == 1 else real_read(eng, name)

    monkeypatch.setattr(bootstrap, "_read_secret", stale_first_read)
    assert bootstrap.cookie_secret(uow) == "winner"


def test_no_cookie_secret_is_kept_in_the_repository():
    root = Path(__file__).resolve().parents[2]
    assert not (root / ".streamlit" / "secrets.toml").exists()
    config = (root / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "cookie" not in config.lower() and "secret" not in config.lower()
