"""Rate limits kept in the database, so that every app server behind a load balancer counts the same.

A limit is a scope (``"login.client"``), a key inside it (a hashed client address, an account, ``"*"`` for
everyone), at most ``limit`` hits per ``window``. ``hit`` counts one attempt atomically (``INSERT … ON
CONFLICT DO UPDATE … RETURNING``; the row lock serialises parallel attempts on PostgreSQL, SQLite writes one
at a time anyway) and tells whether it is within the limit. The count belongs to the caller's transaction:
an attempt that is rolled back does not count. Windows are fixed (aligned to the epoch); buckets older
than a day past their window are pruned when a new window of the same scope opens.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import RateBucket

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
KEEP = dt.timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    scope: str
    limit: int
    window: dt.timedelta


@dataclass(frozen=True)
class Hit:
    hits: int
    allowed: bool
    retry_after: dt.timedelta  # until the window ends


def window_start(now: dt.datetime, window: dt.timedelta) -> dt.datetime:
    return EPOCH + ((now - EPOCH) // window) * window


def hashed_key(*parts: object) -> str:
    """A key from parts that may be personal (an address, a phone): only its hash is stored."""
    raw = "|".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _upsert(session: Session, scope: str, key: str, start: dt.datetime) -> int:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(RateBucket).values(scope=scope, key=key[:128], window_start=start, hits=1)
    statement = statement.on_conflict_do_update(
        index_elements=[RateBucket.scope, RateBucket.key, RateBucket.window_start],
        set_={"hits": RateBucket.hits + 1}).returning(RateBucket.hits)
    return int(session.execute(statement).scalar_one())


def hit(session: Session, limit: Limit, key: str, now: dt.datetime | None = None) -> Hit:
    """Count one attempt of ``key`` under ``limit``; ``allowed`` is False once the window's limit is passed."""
    now = now or utcnow()
    start = window_start(now, limit.window)
    hits = _upsert(session, limit.scope, key, start)
    if hits == 1:
        session.execute(delete(RateBucket).where(RateBucket.scope == limit.scope,
                                                 RateBucket.window_start < start - KEEP))
    return Hit(hits, hits <= limit.limit, start + limit.window - now)


def peek(session: Session, limit: Limit, key: str, now: dt.datetime | None = None) -> int:
    """How many attempts ``key`` made in the current window, without counting one."""
    now = now or utcnow()
    return int(session.scalar(select(RateBucket.hits).where(
        RateBucket.scope == limit.scope, RateBucket.key == key[:128],
        RateBucket.window_start == window_start(now, limit.window))) or 0)
