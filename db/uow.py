"""The unit of work services receive: one database, opened one way.

An entry point (``ui.db`` for the app, a command's ``main``, a test fixture, the benchmark) builds one
``UnitOfWork`` per database and hands it to services. A service opens ``uow.write()`` for one click —
one transaction that commits on success and rolls back on any error — or ``uow.read()`` for what a
page shows. Services never build engines or sessions themselves; functions that take a ``Session``
are the inner layer and run inside the caller's unit of work.

On SQLite a write begins IMMEDIATE so two writers queue instead of failing on lock upgrade; WAL lets
readers run beside the writer.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.session import make_engine


class UnitOfWork:
    """One database: ``write()`` is one transaction, ``read()`` a session that is rolled back."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(sqlite_begin="IMMEDIATE")

    @classmethod
    def from_url(cls, url: str | None = None, **engine_options: Any) -> UnitOfWork:
        """From a database URL (default: the ``TITLES_DATABASE_URL`` setting)."""
        return cls(make_engine(url, **engine_options))

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: commits on success, rolls back on any error."""
        with Session(self._writer, expire_on_commit=False) as session:
            with session.begin():
                yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session (rolled back at the end)."""
        with Session(self.engine) as session:
            try:
                yield session
            finally:
                session.rollback()

    def dispose(self) -> None:
        """Close the pooled connections (a command's or a test's end)."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"UnitOfWork({self.engine.url.render_as_string(hide_password=True)!r})"
