"""Online panel review (线上评审, 001 §6.2.10): sessions, groups, drawn members, distribution, reviews,
secret ballots and tallies.

A session and each of its groups are machines of the one engine (core.machines.panel), so their
``status`` and ``version`` columns are written only by ``core.workflow_store.write_change``.

Secret ballot (rules.md): who voted is recorded in ``VoteParticipation``; what was voted only as
counters in ``VoteCount``, rows created all at zero when a vote opens and incremented in the same
transaction as the participation row. No ballot row exists, so neither an insertion order, an id nor
a time can link a member to a choice.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import BigId, Base, UtcDateTime, intpk, json_dict, json_list, name, timestamp


class PanelSession(Base):
    """One meeting of a committee: setup → reviewing → committee_voting → tallied."""

    __tablename__ = "panel_session"
    id: Mapped[intpk]
    committee_id: Mapped[int] = mapped_column(BigId, ForeignKey("committee.id"), index=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    blind_review: Mapped[bool] = mapped_column(default=False)
    defense: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(24), default="setup")
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # optimistic lock (core.workflow)
    meeting_on: Mapped[dt.date | None] = mapped_column(default=None)
    created_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("account.id"), default=None)
    created_at: Mapped[timestamp]
    vote_opened_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)
    tallied_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)


class ReviewGroup(Base):
    """A review group (评议组): distributing → reviewing → group_voting → group_voted."""

    __tablename__ = "review_group"
    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(BigId, ForeignKey("panel_session.id"), index=True)
    name: Mapped[name]
    status: Mapped[str] = mapped_column(String(24), default="distributing", server_default="distributing")
    version: Mapped[int] = mapped_column(default=1, server_default="1")


class GroupNeed(Base):
    """How many experts of one specialty a group needs (0 allowed, §6.2.10.1)."""

    __tablename__ = "group_need"
    __table_args__ = (UniqueConstraint("group_id", "specialty_code"),)
    id: Mapped[intpk]
    group_id: Mapped[int] = mapped_column(BigId, ForeignKey("review_group.id"), index=True)
    specialty_code: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(default=0)


class GroupDeclaration(Base):
    __tablename__ = "group_declaration"
    __table_args__ = (UniqueConstraint("group_id", "declaration_id"),)
    id: Mapped[intpk]
    group_id: Mapped[int] = mapped_column(BigId, ForeignKey("review_group.id"))
    declaration_id: Mapped[int] = mapped_column(BigId, ForeignKey("declaration.id"), index=True)


class PanelDraw(Base):
    """One random drawing of experts, recorded so that it can be run again and compared (replayable)."""

    __tablename__ = "panel_draw"
    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(BigId, ForeignKey("panel_session.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("review_group.id"), default=None)
    purpose: Mapped[str] = mapped_column(String(16))  # group / committee / replace
    specialty_code: Mapped[str | None] = mapped_column(String(32), default=None)
    wanted: Mapped[int]
    seed: Mapped[str] = mapped_column(String(64))
    rule_version: Mapped[str] = mapped_column(String(16))
    pool_hash: Mapped[str] = mapped_column(String(64))
    pool_size: Mapped[int]
    pool_expert_ids: Mapped[json_list]  # the eligible pool in drawing order (sorted ids); hashed in pool_hash
    excluded: Mapped[json_dict]  # reason -> count
    drawn_expert_ids: Mapped[json_list]
    drawn_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("account.id"), default=None)
    drawn_at: Mapped[timestamp]


class PanelMember(Base):
    """An expert in a session, with one duty (expert, group_leader, committee_member, vice_chair, chair)."""

    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("session_id", "expert_id"),)
    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(BigId, ForeignKey("panel_session.id"), index=True)
    expert_id: Mapped[int] = mapped_column(BigId, ForeignKey("expert.id"))
    group_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("review_group.id"))
    duty: Mapped[str] = mapped_column(String(24), default="expert")
    draw_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("panel_draw.id"), default=None)
    declined_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)
    signed_in_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)
    signed_out_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)


class BlindOpinion(Base):
    """A blind-review opinion (盲评意见) uploaded by the committee unit for one dossier (§6.2.10.2)."""

    __tablename__ = "blind_opinion"
    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(BigId, ForeignKey("panel_session.id"), index=True)
    declaration_id: Mapped[int] = mapped_column(BigId, ForeignKey("declaration.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[name]
    size: Mapped[int] = mapped_column(default=0)
    uploaded_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("account.id"), default=None)
    uploaded_at: Mapped[timestamp]


class DossierAssignment(Base):
    """A dossier distributed to an expert of the group; exactly one main reviewer per dossier."""

    __tablename__ = "dossier_assignment"
    __table_args__ = (UniqueConstraint("declaration_id", "member_id"),)
    id: Mapped[intpk]
    group_id: Mapped[int] = mapped_column(BigId, ForeignKey("review_group.id"), index=True)
    declaration_id: Mapped[int] = mapped_column(BigId, ForeignKey("declaration.id"))
    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("panel_member.id"), index=True)
    is_main: Mapped[bool] = mapped_column(default=False)
    opinion: Mapped[json_dict]
    final: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[timestamp]


class VoteCount(Base):
    """The secret ballot's only record of choices: a counter per dossier, stage and choice."""

    __tablename__ = "vote_count"
    session_id: Mapped[int] = mapped_column(BigId, ForeignKey("panel_session.id"), primary_key=True)
    declaration_id: Mapped[int] = mapped_column(BigId, ForeignKey("declaration.id"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(16), primary_key=True)  # group / committee
    choice: Mapped[str] = mapped_column(String(16), primary_key=True)  # approve / reject / abstain
    count: Mapped[int] = mapped_column(default=0)


class VoteParticipation(Base):
    """Who has voted on which dossier in which stage (never what)."""

    __tablename__ = "vote_participation"
    __table_args__ = (UniqueConstraint("session_id", "declaration_id", "stage", "member_id"),)
    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(BigId, ForeignKey("panel_session.id"), index=True)
    declaration_id: Mapped[int] = mapped_column(BigId, ForeignKey("declaration.id"))
    stage: Mapped[str] = mapped_column(String(16))
    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("panel_member.id"))
    voted_at: Mapped[timestamp]


class TallyResult(Base):
    """The confirmed count of one dossier in one stage (group: the group's recommendation; committee: the
    decision). Immutable once written; ``record_hash`` covers every figure."""

    __tablename__ = "tally_result"
    __table_args__ = (UniqueConstraint("session_id", "declaration_id", "stage"),)
    id: Mapped[intpk]
    session_id: Mapped[int] = mapped_column(BigId, ForeignKey("panel_session.id"))
    declaration_id: Mapped[int] = mapped_column(BigId, ForeignKey("declaration.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16), default="committee", server_default="committee")
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
