"""Counters for rate limits, shared by every app server (the servers keep no state of their own)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UtcDateTime


class RateBucket(Base):
    """How many attempts ``key`` made in the window starting at ``window_start``, for one limit (``scope``).

    A hit is one ``INSERT … ON CONFLICT DO UPDATE SET hits = hits + 1 RETURNING hits``: the row lock makes
    parallel attempts count one after another on every backend, so a limit holds under concurrency."""

    __tablename__ = "rate_bucket"
    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    window_start: Mapped[dt.datetime] = mapped_column(UtcDateTime, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_rate_bucket_scope_window", "scope", "window_start"),)
