"""The one clock: every "now" of the app (``db.base.utcnow``, ``core.common.config.now``) reads it.

A test or a demonstration can set it to a chosen moment; it then runs on from there at the real pace.
``TITLES_CLOCK`` (an ISO moment with its offset) sets it when a process starts; never set it in
production. It lives in ``db`` because column defaults need it and ``db`` never imports ``core``.
"""
from __future__ import annotations

import datetime as dt
import os

_offset = dt.timedelta(0)


def now() -> dt.datetime:
    """The current moment, UTC-aware."""
    return dt.datetime.now(dt.timezone.utc) + _offset


def set_clock(moment: dt.datetime | None) -> None:
    """Make :func:`now` show ``moment`` (aware) at this instant and run on from there; None: the real time."""
    global _offset
    if moment is not None and moment.tzinfo is None:
        raise ValueError("set_clock needs an aware datetime")
    _offset = dt.timedelta(0) if moment is None else moment - dt.datetime.now(dt.timezone.utc)


def offset() -> dt.timedelta:
    """How far the clock is set from the real time (tests restore it)."""
    return _offset


if os.environ.get("TITLES_CLOCK"):
    set_clock(dt.datetime.fromisoformat(os.environ["TITLES_CLOCK"]))
