"""The working-day calendar (issue 9): each year's holidays and make-up working days (调休).

A day not listed is a working day from Monday to Friday and a day off at weekends. A listed day is
either ``holiday`` (off, even on a weekday) or ``workday`` (a make-up working day, even at a
weekend). Each year has one ``CalendarYear`` row saying whether its days are the State Council's
``official`` schedule or a ``provisional`` one derived from rules, where they came from, and who
confirmed them when.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import BigId, Base, UtcDateTime, timestamp

YEAR_STATUSES = ("official", "provisional")
DAY_KINDS = ("holiday", "workday")


class CalendarYear(Base):
    __tablename__ = "calendar_year"
    __table_args__ = (CheckConstraint("status IN ('official', 'provisional')", name="status"),)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(200))
    confirmed_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("account.id"), default=None)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)
    updated_at: Mapped[timestamp]
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # optimistic lock (core.workflow)

    def __repr__(self) -> str:
        return f"<CalendarYear {self.year} {self.status}>"


class CalendarDay(Base):
    __tablename__ = "calendar_day"
    __table_args__ = (CheckConstraint("kind IN ('holiday', 'workday')", name="kind"),)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, ForeignKey("calendar_year.year"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100), default="")

    def __repr__(self) -> str:
        return f"<CalendarDay {self.day} {self.kind}>"
