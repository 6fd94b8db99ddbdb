"""AppTest fixtures: one demo database built per test session, copied for every test.

Building the demo province takes a while, so it is built once (migrations + demo data) into a
template SQLite file; each test gets its own copy through ``TITLES_DATABASE_URL``. The app caches
its unit of work per URL, so tests never share an engine or a database.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.setup.bootstrap import prepare
from db.uow import UnitOfWork


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> tuple[Path, Path]:
    """(database file, file store) of a prepared demo database."""
    base = tmp_path_factory.mktemp("demo")
    store = base / "files"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TITLES_DEMO", "1")
        mp.setenv("TITLES_FILE_STORE", str(store))
        uow = UnitOfWork.from_url(f"sqlite:///{base / 'demo.db'}")
        prepare(uow)
        with uow.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        uow.dispose()
    return base / "demo.db", store


@pytest.fixture
def app_db(tmp_path, demo_template, monkeypatch) -> str:
    """A private copy of the demo database for one test; the app is pointed at it by environment."""
    template, store = demo_template
    target = tmp_path / "app.db"
    shutil.copy(template, target)
    url = f"sqlite:///{target}"
    monkeypatch.setenv("TITLES_DATABASE_URL", url)
    monkeypatch.setenv("TITLES_FILE_STORE", str(store))
    monkeypatch.setenv("TITLES_DEMO", "1")
    return url


def _with_error_details(get_option):
    def get(key: str):
        return "full" if key == "client.showErrorDetails" else get_option(key)
    return get


@pytest.fixture(autouse=True)
def no_exception_after_any_run(monkeypatch):
    """Every AppTest run in these tests must end without an exception element on the page. The app hides
    error details from users (``client.showErrorDetails = "none"``); a failing test shows them."""
    from streamlit import config as streamlit_config
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(streamlit_config, "get_option", _with_error_details(streamlit_config.get_option))

    original = AppTest._run

    def checked_run(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        assert not self.exception, [(e.value, e.stack_trace[-4:]) for e in self.exception]
        return result

    monkeypatch.setattr(AppTest, "_run", checked_run)
