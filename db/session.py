"""Engine and sessions from the one DATABASE_URL setting.

A write unit of work is one ``with unit_of_work(engine) as session:`` block (one button press,
one transaction). On SQLite it begins IMMEDIATE so two writers queue instead of failing on
lock upgrade; WAL lets readers run beside the writer.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session


ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The one URL setting: SQLite file by default, PostgreSQL by ``TITLES_DATABASE_URL``."""
    return os.environ.get("TITLES_DATABASE_URL", f"sqlite:///{ROOT / 'data' / 'titles.db'}")


def make_engine(url: str | None = None, **kwargs) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin event emit BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


@lru_cache(maxsize=4)
def default_engine() -> Engine:
    return make_engine()


@contextmanager
def unit_of_work(engine: Engine | None = None) -> Iterator[Session]:
    """One write transaction: commits on success, rolls back on any error."""
    engine = engine or default_engine()
    conn_engine = engine.execution_options(sqlite_begin="IMMEDIATE")
    with Session(conn_engine, expire_on_commit=False) as session:
        with session.begin():
            yield session


@contextmanager
def read_session(engine: Engine | None = None) -> Iterator[Session]:
    """A read-only session (rolled back at the end)."""
    engine = engine or default_engine()
    with Session(engine) as session:
        try:
            yield session
        finally:
            session.rollback()
