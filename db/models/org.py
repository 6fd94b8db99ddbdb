"""Units as a tree (归口), reporting paths, and the catalogue of series, specialties and levels."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import BigId, Base, code, intpk, json_list, name, timestamp


class Unit(Base):
    """An organisation: employer, competent department, HR bureau or committee organizer.

    ``path`` is the materialised chain of ancestor ids ("/1/4/17/"), so a unit's whole subtree
    is one indexed prefix query. It is rewritten when an approved parent link changes.
    """

    __tablename__ = "unit"
    id: Mapped[intpk]
    name: Mapped[name] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(24))  # employer / department / hr_bureau / committee_organizer
    region_level: Mapped[str | None] = mapped_column(String(16))  # province / city / county (HR bureaus)
    region_code: Mapped[str | None] = mapped_column(String(12))
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    legal_representative: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("unit.id"), index=True)
    path: Mapped[str] = mapped_column(String(400), default="/", index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")  # pending / active / rejected
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # optimistic lock (core.workflow)
    created_at: Mapped[timestamp]


class UnitLinkRequest(Base):
    """A child unit's request to be linked under a parent (归口申请); the parent decides."""

    __tablename__ = "unit_link_request"
    id: Mapped[intpk]
    child_unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("unit.id"), index=True)
    parent_unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("unit.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # optimistic lock (core.workflow)
    reason: Mapped[str | None] = mapped_column(String(1000))
    requested_at: Mapped[timestamp]
    decided_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    decided_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("account.id"))


class ReportPath(Base):
    """A per (series, level) reporting path overriding the parent chain (002 §2.5)."""

    __tablename__ = "report_path"
    __table_args__ = (Index("ix_report_path_lookup", "unit_id", "series_code", "level_code", "status"),)
    id: Mapped[intpk]
    unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("unit.id"))
    target_unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("unit.id"), index=True)
    series_code: Mapped[code]
    level_code: Mapped[code]
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending / approved / rejected
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # optimistic lock (core.workflow)
    requested_at: Mapped[timestamp]
    decided_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class Series(Base):
    __tablename__ = "series"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[name]
    name_en: Mapped[name]
    position: Mapped[int] = mapped_column(default=0)


class Level(Base):
    __tablename__ = "level"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[name]
    name_en: Mapped[name]
    rank: Mapped[int]


class TitleName(Base):
    """The title a series grants at a level, e.g. engineering × associate senior = 高级工程师."""

    __tablename__ = "title_name"
    series_code: Mapped[str] = mapped_column(ForeignKey("series.code"), primary_key=True)
    level_code: Mapped[str] = mapped_column(ForeignKey("level.code"), primary_key=True)
    name_zh: Mapped[name]
    name_en: Mapped[name]


class Specialty(Base):
    __tablename__ = "specialty"
    __table_args__ = (UniqueConstraint("series_code", "name_zh"),)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    series_code: Mapped[str] = mapped_column(ForeignKey("series.code"), index=True)
    name_zh: Mapped[name]
    name_en: Mapped[name]


class Committee(Base):
    """A review committee (评委会) and its review authority (评审权备案)."""

    __tablename__ = "committee"
    id: Mapped[intpk]
    name: Mapped[name]
    organizer_unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("unit.id"), index=True)
    region_unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("unit.id"))  # HR bureau of its region
    series_code: Mapped[str] = mapped_column(ForeignKey("series.code"))
    level_codes: Mapped[json_list]
    year: Mapped[int]
    self_review: Mapped[bool] = mapped_column(default=False)  # an employer's own committee
    authority_status: Mapped[str] = mapped_column(String(16), default="pending")
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # optimistic lock (core.workflow)
    open_for_declaration: Mapped[bool] = mapped_column(default=True)
    required_modules: Mapped[json_list]
    term_start: Mapped[dt.date | None] = mapped_column(default=None)
    term_end: Mapped[dt.date | None] = mapped_column(default=None)
    created_at: Mapped[timestamp]
