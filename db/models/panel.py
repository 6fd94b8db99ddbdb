"""Online panel review (线上评审): sessions, groups, members, distribution, reviews, ballots, tally.

Ballots carry no voter: who voted is recorded apart (``VoteParticipation``), so a ballot is never
linkable to the member who cast it (secret ballot, rules.md).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import BigId, Base, UtcDateTime, intpk, json_dict, name, timestamp


class PanelSession(Base):
    """A panel session. ``status`` (setup → reviewing → closed) and the ``committee_vote_open`` flag are the
    next machine to declare in core/machines/ (a version column comes with it); only the demo writes them."""

    __tablename__ = "panel_session"
    id: Mapped[intpk]
    committee_id: Mapped[int] = mapped_column(BigId, ForeignKey("committee.id"), index=True)
    year: Mapped[int]
    blind_review: Mapped[bool] = mapped_column(default=False)
    defense: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(24), default="setup")
    committee_vote_open: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[timestamp]


class ReviewGroup(Base):
    __tablename__ = "review_group"
    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(BigId, ForeignKey("panel_session.id"), index=True)
    name: Mapped[name]
    group_vote_open: Mapped[bool] = mapped_column(default=False)


class GroupDeclaration(Base):
    __tablename__ = "group_declaration"
    __table_args__ = (UniqueConstraint("group_id", "declaration_id"),)
    id: Mapped[intpk]
    group_id: Mapped[int] = mapped_column(BigId, ForeignKey("review_group.id"))
    declaration_id: Mapped[int] = mapped_column(BigId, ForeignKey("declaration.id"), index=True)


class PanelMember(Base):
    """An expert drawn into a session, with one duty (expert, group_leader, committee_member, chair...)."""

    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("session_id", "expert_id"),)
    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(BigId, ForeignKey("panel_session.id"), index=True)
    expert_id: Mapped[int] = mapped_column(BigId, ForeignKey("expert.id"))
    group_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("review_group.id"))
    duty: Mapped[str] = mapped_column(String(24), default="expert")
    signed_in_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)
    signed_out_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)


class DossierAssignment(Base):
    """A dossier distributed to an expert of the group; exactly one main reviewer per dossier."""

    __tablename__ = "dossier_assignment"
    __table_args__ = (UniqueConstraint("declaration_id", "member_id"),)
    id: Mapped[intpk]
    group_id: Mapped[int] = mapped_column(BigId, ForeignKey("review_group.id"), index=True)
    declaration_id: Mapped[int] = mapped_column(BigId, ForeignKey("declaration.id"))
    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("panel_member.id"))
    is_main: Mapped[bool] = mapped_column(default=False)
    opinion: Mapped[json_dict]
    final: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[timestamp]


class Ballot(Base):
    __tablename__ = "ballot"
    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(BigId, ForeignKey("panel_session.id"), index=True)
    declaration_id: Mapped[int] = mapped_column(BigId, ForeignKey("declaration.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))  # group / committee
    choice: Mapped[str] = mapped_column(String(16))  # approve / reject / abstain


class VoteParticipation(Base):
    __tablename__ = "vote_participation"
    __table_args__ = (UniqueConstraint("session_id", "declaration_id", "stage", "member_id"),)
    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(BigId, ForeignKey("panel_session.id"))
    declaration_id: Mapped[int] = mapped_column(BigId, ForeignKey("declaration.id"))
    stage: Mapped[str] = mapped_column(String(16))
    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("panel_member.id"))
    voted_at: Mapped[timestamp]


class TallyResult(Base):
    """The confirmed committee tally for one dossier; immutable once confirmed (hash kept)."""

    __tablename__ = "tally_result"
    __table_args__ = (UniqueConstraint("session_id", "declaration_id"),)
    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(BigId, ForeignKey("panel_session.id"))
    declaration_id: Mapped[int] = mapped_column(BigId, ForeignKey("declaration.id"))
    members: Mapped[int]
    present: Mapped[int]
    yes: Mapped[int]
    no: Mapped[int]
    abstain: Mapped[int]
    passed: Mapped[bool]
    record_hash: Mapped[str] = mapped_column(String(64))
    confirmed_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("account.id"))
    confirmed_at: Mapped[timestamp]


class FilingRecord(Base):
    """Evaluation filing (评审工作备案) of a committee's results, audited by the HR bureau. Its ``status``
    (draft → submitted → approved / rejected) becomes a machine with the filing service (core/machines/)."""

    __tablename__ = "filing_record"
    id: Mapped[intpk]
    committee_id: Mapped[int] = mapped_column(BigId, ForeignKey("committee.id"), index=True)
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="draft")
    attachments: Mapped[json_dict]
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)
    opinion: Mapped[str | None] = mapped_column(String(2000))
