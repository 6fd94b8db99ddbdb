"""People, their accounts, role grants and server-side login sessions."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import BigId, Base, UtcDateTime, code, intpk, json_list, name, timestamp


class Person(Base):
    __tablename__ = "person"
    id: Mapped[intpk]
    name: Mapped[name] = mapped_column(index=True)
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("unit.id"), index=True)
    created_at: Mapped[timestamp]


class UnitBinding(Base):
    """A person's request to join an employer unit (个人绑定单位); the unit accepts."""

    __tablename__ = "unit_binding"
    id: Mapped[intpk]
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("person.id"), index=True)
    unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("unit.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending/accepted/rejected/left
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # optimistic lock (core.workflow)
    requested_at: Mapped[timestamp]
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)


class Account(Base):
    """A login. Passwords only as bcrypt hashes; lockout and expiry are enforced in core.identity.accounts."""

    __tablename__ = "account"
    id: Mapped[intpk]
    login_name: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("person.id"), index=True)
    display_name: Mapped[name]
    kind: Mapped[str] = mapped_column(String(24), default="personal")  # personal / policy_reviewer
    password_hash: Mapped[str] = mapped_column(String(100))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    temp_password_expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)
    enabled: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)  # usable only while demo mode is on
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)
    created_at: Mapped[timestamp]


class RoleGrant(Base):
    """One role held at one unit. Policy reviewers carry their scope: committee, year, series, specialties."""

    __tablename__ = "role_grant"
    __table_args__ = (Index("ix_role_grant_account", "account_id", "active"),)
    id: Mapped[intpk]
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("account.id"))
    role: Mapped[code]
    unit_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("unit.id"), index=True)
    committee_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("committee.id"))
    year: Mapped[int | None] = mapped_column(default=None)
    series_codes: Mapped[json_list]
    specialty_codes: Mapped[json_list]
    active: Mapped[bool] = mapped_column(default=True)
    granted_at: Mapped[timestamp]


class AuthSession(Base):
    """A server-side login session: the cookie carries only its random token.

    Logout, idle timeout, absolute timeout, a password change and account disabling all end it, so a
    stolen or stale cookie stops working even though the cookie itself is a signed JWT. ``bound_to`` is
    a hash of the browser's User-Agent (and, if configured, its address) at login: the token is honoured
    only from a request with the same hash.
    """

    __tablename__ = "auth_session"
    id: Mapped[intpk]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(BigId, ForeignKey("account.id"), index=True)
    created_at: Mapped[timestamp]
    last_seen_at: Mapped[timestamp]
    ended_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)
    end_reason: Mapped[str | None] = mapped_column(String(32), default=None)
    bound_to: Mapped[str | None] = mapped_column(String(64), default=None)


class Expert(Base):
    """A person in the expert library (专家库) with the specialties they can review."""

    __tablename__ = "expert"
    id: Mapped[intpk]
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("person.id"), unique=True)
    unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("unit.id"), index=True)
    series_code: Mapped[str] = mapped_column(ForeignKey("series.code"))
    specialty_codes: Mapped[json_list]
    level_code: Mapped[code]
    in_library: Mapped[bool] = mapped_column(default=True)
    term_end: Mapped[dt.date | None] = mapped_column(default=None)


class ExpertConflict(Base):
    """A declared conflict of interest: the expert never reviews this person (回避)."""

    __tablename__ = "expert_conflict"
    id: Mapped[intpk]
    expert_id: Mapped[int] = mapped_column(BigId, ForeignKey("expert.id"), index=True)
    person_id: Mapped[int] = mapped_column(BigId, ForeignKey("person.id"))
    reason: Mapped[str | None] = mapped_column(String(500))
