"""The stage-visit summary: one row per declaration and visit of a (state, holder unit), for analytics.

A row opens when a transition moves a declaration into a state or to another holder, and closes when the
next such transition leaves it. ``core.workflow_store.write_change`` keeps it in the transition's own
transaction (the one write path, so no service can forget it); migration 0009 backfilled it from the
audit events. Times are whole seconds since 1970-01-01 UTC, so durations (``left_s - entered_s``) and
China-time day buckets (``(entered_s + 8 h) / 86400``) are plain integer arithmetic on every backend.
The declaration's fixed facts (flow, year, series, level, employer unit) are copied in, so the
aggregates of core.reporting.analytics scan this table alone.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import BigId, Base, code, intpk


class StageVisit(Base):
    __tablename__ = "stage_visit"
    __table_args__ = (
        # The transition closes the open one: both columns, so no planner prefers ix_stage_visit_left's NULLs
        # (every open visit) for ``left_s IS NULL``.
        Index("ix_stage_visit_declaration", "declaration_id", "left_s"),
        Index("ix_stage_visit_left", "left_s", "state", "entered_s"),  # visits ended in a period: time in stage
        Index("ix_stage_visit_entered", "entered_s", "state"),  # visits begun in a period: flow, forecast
        Index("ix_stage_visit_unit", "unit_id", "year", "state"),  # a unit's subtree
    )
    id: Mapped[intpk]
    declaration_id: Mapped[int] = mapped_column(BigId, ForeignKey("declaration.id"))
    version: Mapped[int]  # the declaration's version written by the transition that opened the visit
    state: Mapped[str] = mapped_column(String(32))
    holder_unit_id: Mapped[int | None] = mapped_column(BigId)
    from_state: Mapped[str | None] = mapped_column(String(32))
    entered_action: Mapped[code]
    entered_s: Mapped[int] = mapped_column(BigInteger)
    left_s: Mapped[int | None] = mapped_column(BigInteger)
    left_action: Mapped[str | None] = mapped_column(String(32))
    left_to: Mapped[str | None] = mapped_column(String(32))
    flow: Mapped[str] = mapped_column(String(24))
    year: Mapped[int]
    series_code: Mapped[code]
    level_code: Mapped[code]
    unit_id: Mapped[int] = mapped_column(BigId)
