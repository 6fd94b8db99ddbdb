"""Rate limits kept in the database: counted per window, shared across sessions, atomic under a race."""
from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import func, select

from core.common.rate_limit import Limit, hashed_key, hit, peek, window_start
from db.models import RateBucket

T0 = dt.datetime(2026, 9, 9, 2, 0, tzinfo=dt.timezone.utc)
THREE_PER_HOUR = Limit("test.hour", 3, dt.timedelta(hours=1))


def _hit(uow, key="k", now=T0, limit=THREE_PER_HOUR):
    with uow.write() as session:
        return hit(session, limit, key, now)


def test_the_fourth_hit_in_a_window_is_refused_and_the_next_window_starts_again(uow):
    results = [_hit(uow, now=T0 + dt.timedelta(minutes=m)) for m in (0, 10, 20, 30)]
    assert [r.allowed for r in results] == [True, True, True, False]
    assert results[-1].hits == 4 and results[-1].retry_after == dt.timedelta(minutes=30)
    assert _hit(uow, now=T0 + dt.timedelta(hours=1)).allowed
    with uow.read() as session:
        assert peek(session, THREE_PER_HOUR, "k", T0) == 4


def test_keys_and_scopes_count_apart(uow):
    for _ in range(3):
        _hit(uow, key="a")
    assert _hit(uow, key="b").allowed
    assert _hit(uow, key="a", limit=Limit("test.other", 3, dt.timedelta(hours=1))).allowed
    assert not _hit(uow, key="a").allowed


def test_a_rolled_back_attempt_does_not_count(uow):
    try:
        with uow.write() as session:
            hit(session, THREE_PER_HOUR, "k", T0)
            raise RuntimeError("the attempt fails after counting")
    except RuntimeError:
        pass
    with uow.read() as session:
        assert peek(session, THREE_PER_HOUR, "k", T0) == 0


def test_old_windows_are_pruned_when_a_new_window_opens(uow):
    _hit(uow, now=T0)
    _hit(uow, now=T0 + dt.timedelta(days=3))
    with uow.read() as session:
        starts = session.scalars(select(RateBucket.window_start)).all()
    assert starts == [window_start(T0 + dt.timedelta(days=3), THREE_PER_HOUR.window)]


def test_keys_are_hashed_so_no_address_or_phone_is_stored(uow):
    key = hashed_key("203.0.113.9", "+8613800138000")
    _hit(uow, key=key)
    with uow.read() as session:
        stored = session.scalar(select(RateBucket.key))
    assert stored == key and "203.0.113.9" not in stored and len(stored) == 40


def test_twenty_parallel_attempts_on_postgresql_let_exactly_the_limit_through(postgres):
    n, start, allowed = 20, threading.Barrier(20), []

    def attempt() -> None:
        start.wait(timeout=30)
        allowed.append(_hit(postgres).allowed)

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(allowed) == [False] * 17 + [True] * 3
    with postgres.read() as session:
        assert session.scalar(select(func.sum(RateBucket.hits))) == n
