"""Declarations, their records and evidence files, and the audit trail that doubles as their timeline."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import BigId, Base, UtcDateTime, code, intpk, json_dict, json_list, timestamp


class Declaration(Base):
    """One title application. ``state`` and ``holder_unit_id`` change only through core.workflow."""

    __tablename__ = "declaration"
    __table_args__ = (
        # Keyset inbox pages (core.desks.inbox); year/level/series trail so filters are checked in the index.
        Index("ix_declaration_inbox", "holder_unit_id", "state", "state_since", "id", "year", "level_code",
              "series_code"),
        Index("ix_declaration_scope", "unit_id", "state"),
        Index("ix_declaration_applicant", "applicant_person_id", "year"),
        Index("ix_declaration_committee", "committee_id", "state"),
        Index("ix_declaration_state", "state", "created_at"),
        Index("ix_declaration_dashboard", "flow", "state", "created_at"),  # core.reporting.stats: covering GROUP BY
    )
    id: Mapped[intpk]
    flow: Mapped[str] = mapped_column(String(24), default="review")  # review / initial_determination
    applicant_person_id: Mapped[int] = mapped_column(BigId, ForeignKey("person.id"))
    unit_id: Mapped[int] = mapped_column(BigId, ForeignKey("unit.id"))
    year: Mapped[int]
    level_code: Mapped[code]
    series_code: Mapped[code]
    specialty_code: Mapped[str | None] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(16), default="regular")  # regular/exceptional/series_change
    exceptional_grounds: Mapped[str | None] = mapped_column(String(2000))
    review_type: Mapped[str | None] = mapped_column(String(16))  # socialized / self_review
    committee_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("committee.id"))
    pledge_text: Mapped[str | None] = mapped_column(String(1000))
    state: Mapped[str] = mapped_column(String(32), default="draft")
    holder_unit_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("unit.id"))
    relay_route: Mapped[json_list]
    is_supplement: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[timestamp]
    state_since: Mapped[timestamp]
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)


class DeclarationRecord(Base):
    """A row of one module: education, qualification, work history, achievement, summary, ..."""

    __tablename__ = "declaration_record"
    __table_args__ = (Index("ix_record_declaration", "declaration_id", "module", "position"),)
    id: Mapped[intpk]
    declaration_id: Mapped[int] = mapped_column(BigId, ForeignKey("declaration.id"))
    module: Mapped[code]
    position: Mapped[int] = mapped_column(default=0)
    data: Mapped[json_dict]
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]


class StoredFile(Base):
    """A content-addressed blob in the file store: one row per distinct content."""

    __tablename__ = "stored_file"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[timestamp]


class Attachment(Base):
    """Evidence attached to a declaration or one of its records; the original name is display text only."""

    __tablename__ = "attachment"
    id: Mapped[intpk]
    declaration_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("declaration.id"), index=True)
    record_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("declaration_record.id"), index=True)
    owner_unit_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("unit.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(32), default="evidence")
    sha256: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256"))
    original_name: Mapped[str] = mapped_column(String(255))
    uploaded_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("account.id"))
    uploaded_at: Mapped[timestamp]


class AuditEvent(Base):
    """The append-only, hash-chained audit trail.

    Transitions are rows with ``kind='transition'`` and a declaration id: those rows are the
    declaration's timeline (追踪), so a transition writes exactly one event. Logins, denials,
    exports and admin actions are rows of other kinds. ``row_hash`` covers the row's content and
    ``prev_hash``; core.audit.trail verifies the chains.

    The trail is several chains (``chain``; -1 holds the anchors): ``chain_seq`` counts 1, 2, 3, ...
    along one chain and ``prev_hash`` is the previous row of the same chain. ``id`` comes from the
    table's sequence: unique, increasing along each chain, not contiguous across chains.
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_declaration", "declaration_id", "id"),
                      Index("ix_audit_event_chain", "chain", "chain_seq", unique=True))
    id: Mapped[intpk]
    chain: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    chain_seq: Mapped[int] = mapped_column(BigId)
    at: Mapped[timestamp]
    kind: Mapped[code]
    action: Mapped[code]
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    account_id: Mapped[int | None] = mapped_column(BigId, index=True)
    role: Mapped[str | None] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(BigId, index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    declaration_id: Mapped[int | None] = mapped_column(BigId)
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    from_holder_unit_id: Mapped[int | None] = mapped_column(BigId)
    to_holder_unit_id: Mapped[int | None] = mapped_column(BigId)
    version: Mapped[int | None] = mapped_column(default=None)
    comment: Mapped[str | None] = mapped_column(String(4000))
    detail: Mapped[json_dict]
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """The head of one audit chain (``chain``; -1 is the anchors' chain): its last row's id, position and
    hash. Appends to one chain queue on its head row (locked by the UPDATE that claims the next position)."""

    __tablename__ = "audit_chain_head"
    chain: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    last_event_id: Mapped[int] = mapped_column(BigId, default=0)
    last_seq: Mapped[int] = mapped_column(BigId, default=0, server_default="0")
    last_hash: Mapped[str] = mapped_column(String(64))


class AppSecret(Base):
    """Secrets generated on first start (e.g. the login cookie key), never kept in the repository."""

    __tablename__ = "app_secret"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[timestamp]

