"""Publicity batches (公示) of every kind, their declarations, and objections (举报)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, event, select
from sqlalchemy.orm import Mapped, mapped_column

from db.base import BigId, Base, UtcDateTime, intpk, name, timestamp


class PublicityBatch(Base):
    __tablename__ = "publicity_batch"
    __table_args__ = (Index("ix_publicity_public", "is_public", "status", "ends_on"),)
    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(24))  # unit / failed_review / candidate / result
    owner_unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("unit.id"), index=True)
    committee_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("committee.id"))
    title: Mapped[name]
    body: Mapped[str] = mapped_column(String(8000), default="")
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft / published / completed
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # optimistic lock (core.workflow)
    is_public: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("account.id"))
    created_at: Mapped[timestamp]


class PublicityItem(Base):
    __tablename__ = "publicity_item"
    id: Mapped[intpk]
    batch_id: Mapped[int] = mapped_column(BigId, ForeignKey("publicity_batch.id"), index=True)
    declaration_id: Mapped[int] = mapped_column(BigId, ForeignKey("declaration.id"), index=True)
    declaration_version: Mapped[int | None] = mapped_column(default=None)  # the round it belongs to


class Objection(Base):
    __tablename__ = "objection"
    __table_args__ = (Index("ix_objection_open", "declaration_id", "status"),)
    id: Mapped[intpk]
    declaration_id: Mapped[int] = mapped_column(BigId, ForeignKey("declaration.id"))
    batch_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("publicity_batch.id"))
    declaration_version: Mapped[int | None] = mapped_column(default=None)  # the round it belongs to
    raised_by_name: Mapped[str] = mapped_column(String(100))
    contact: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(String(4000))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open / dismissed / upheld
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # optimistic lock (core.workflow)
    resolution: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[timestamp]
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)


@event.listens_for(PublicityItem, "before_insert")
@event.listens_for(Objection, "before_insert")
def _stamp_round(_mapper, connection, target) -> None:  # noqa: ANN001
    """Record the declaration's version when it enters a publicity or gets an objection, so the
    engine's guards can tell this round's publicity and objections from earlier rounds' by version
    (clock-independent)."""
    if target.declaration_version is None:
        from db.models.declaration import Declaration

        table = Declaration.__table__
        target.declaration_version = connection.scalar(
            select(table.c.version).where(table.c.id == target.declaration_id))
