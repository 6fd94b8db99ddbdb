"""The engine from the one DATABASE_URL setting; sessions are opened by ``db.uow.UnitOfWork``.

On SQLite every connection runs in WAL mode with foreign keys on, and a transaction begins with the
mode its execution options ask for (``sqlite_begin``: DEFERRED, or IMMEDIATE for a write unit of work).
"""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event


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
