"""Test databases: every integration test runs on SQLite and on PostgreSQL.

PostgreSQL is 127.0.0.1:5432 (user postgres, trust auth) unless TITLES_TEST_PG_URL says
otherwise; the suite creates its own scratch database and drops it at the end. Without a
reachable server those tests skip with a visible notice, except under CI=true, where an
unreachable PostgreSQL fails the run.

Tests never depend on the day they run: the app's clock (``core.common.config.now``) is set for the whole run
to a fixed moment, ``TEST_NOW`` (a Wednesday morning far from year ends and holidays; another fixed
moment with ``TITLES_TEST_CLOCK=<ISO moment>``), and runs on from there; a test that needs another
moment uses the ``clock`` fixture.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import uuid
import warnings

import pytest
from sqlalchemy import create_engine, text

os.environ.setdefault("TITLES_BCRYPT_ROUNDS", "4")  # production cost is 12; tests need speed, not strength
# Files, the audit key and the checkpoint log of the run go to a scratch folder, never into the checkout's data/.
SCRATCH = tempfile.mkdtemp(prefix="titles_tests_")
os.environ.setdefault("TITLES_FILE_STORE", os.path.join(SCRATCH, "files"))

from core.common import config
from db import clock as db_clock
from db.migrate import upgrade_to_head
from db.models import Base
from db.session import make_engine
from db.uow import UnitOfWork

PG_ADMIN_URL = os.environ.get("TITLES_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_NOW = dt.datetime.fromisoformat(os.environ.get("TITLES_TEST_CLOCK", "2026-09-09T10:00:00+08:00"))
_pg_state: dict = {}


def _pg_admin():
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


def _pg_available() -> str | None:
    """Create the scratch database once; return its URL, or None when PostgreSQL is unreachable."""
    if "url" in _pg_state:
        return _pg_state["url"]
    name = f"titles_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as exc:  # noqa: BLE001 - any connection failure means "not reachable"
        _pg_state["url"] = None
        _pg_state["error"] = str(exc).splitlines()[0]
        return None
    _pg_state["name"] = name
    _pg_state["url"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    return _pg_state["url"]


@pytest.fixture(scope="session", autouse=True)
def fixed_clock():
    """The whole run starts at ``TEST_NOW``, whatever the machine's date."""
    config.set_clock(TEST_NOW)
    yield TEST_NOW
    config.set_clock(None)


@pytest.fixture
def clock(monkeypatch):
    """``clock(moment)`` sets the app's clock for one test; afterwards it is the run's clock again."""
    monkeypatch.setattr(db_clock, "_offset", db_clock.offset())
    return db_clock.set_clock


def pytest_sessionfinish(session, exitstatus):  # noqa: ARG001
    shutil.rmtree(SCRATCH, ignore_errors=True)
    name = _pg_state.get("name")
    if name:
        engine = _pg_state.pop("engine", None)
        if engine is not None:
            engine.dispose()
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pytest_terminal_summary(terminalreporter):
    if _pg_state.get("url") is None and "error" in _pg_state:
        terminalreporter.write_line(
            f"NOTICE: PostgreSQL not reachable ({_pg_state['error']}): PostgreSQL tests were SKIPPED", yellow=True)


def _end_leaked_transactions(conn) -> None:
    """A session a test forgot to close (e.g. a World used after its unit of work) would block TRUNCATE
    forever: end such backends, and say so, so the next test starts clean instead of hanging CI."""
    leaked = conn.execute(text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'")).all()
    if leaked:
        warnings.warn(f"ended {len(leaked)} PostgreSQL transaction(s) a previous test left open")


def _truncate_all(engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        _end_leaked_transactions(conn)
        conn.execute(text("SET LOCAL lock_timeout = '30s'"))
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))  # audit chain heads come back on first append


def pg_engine():
    url = _pg_available()
    if url is None:
        message = f"PostgreSQL not reachable: {_pg_state.get('error')}"
        if IN_CI:
            pytest.fail(f"{message} (CI=true: PostgreSQL tests must run)")
        warnings.warn(message)
        pytest.skip(message)
    if "engine" not in _pg_state:
        _pg_state["engine"] = make_engine(url, pool_size=10)
        upgrade_to_head(_pg_state["engine"])
    _truncate_all(_pg_state["engine"])
    return _pg_state["engine"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """Migrate one SQLite file per run; each test gets a copy (migrations run once)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def sqlite_engine(tmp_path, template):
    target = tmp_path / "test.db"
    shutil.copy(template, target)
    return make_engine(f"sqlite:///{target}")


@pytest.fixture(params=["sqlite", "postgresql"])
def uow(request, tmp_path, sqlite_template):
    """The unit of work of a migrated, empty database on each backend."""
    if request.param == "postgresql":
        yield UnitOfWork(pg_engine())
        return
    sqlite = UnitOfWork(sqlite_engine(tmp_path, sqlite_template))
    yield sqlite
    sqlite.dispose()


@pytest.fixture
def sqlite_only(tmp_path, sqlite_template):
    sqlite = UnitOfWork(sqlite_engine(tmp_path, sqlite_template))
    yield sqlite
    sqlite.dispose()


@pytest.fixture
def postgres():
    yield UnitOfWork(pg_engine())
