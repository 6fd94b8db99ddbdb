"""What the panel pages show, one read each, scope checked: the committee unit's board, the group
leader's board, the expert's dossiers, the voter's sheet, and the results (统票结果).

Blind review (盲评): wherever an expert (leader, reviewer, voter) looks, a dossier is a number and its
specialty, never the applicant's name, unit or ID. The committee unit sees names.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.machines.spec import Actor
from core.panel import rules
from core.panel.access import operated_session, viewer_session
from core.panel.distribution import led_group
from core.panel.facts import ACTIVE, recused_clause
from db.models import (BlindOpinion, Committee, Declaration, DossierAssignment, Expert, GroupDeclaration, GroupNeed,
                       PanelMember, PanelSession, Person, ReviewGroup, TallyResult, Unit, VoteParticipation)
from db.uow import UnitOfWork
from core.refusals import refusals_audited


@dataclass(frozen=True)
class Dossier:
    declaration_id: int
    label: str               # applicant and unit, or "材料 007" under blind review
    specialty_code: str | None
    level_code: str


@dataclass(frozen=True)
class Member:
    id: int
    expert_id: int
    name: str
    unit: str
    specialties: tuple[str, ...]
    duty: str
    group_id: int | None
    signed_in: bool
    declined: bool


@dataclass(frozen=True)
class GroupView:
    id: int
    name: str
    status: str
    version: int
    needs: dict[str, int]
    dossiers: list[Dossier]
    members: list[Member]


@dataclass(frozen=True)
class SessionRow:
    id: int
    committee_id: int
    committee: str
    year: int
    title: str
    status: str
    version: int
    blind_review: bool
    defense: bool
    meeting_on: dt.date | None


@dataclass(frozen=True)
class Board:
    session: SessionRow
    groups: list[GroupView]
    committee_only: list[Member]
    blind_opinions: dict[int, int] = field(default_factory=dict)  # declaration -> files


def _session_row(s: Session, panel: PanelSession) -> SessionRow:
    name = s.scalar(select(Committee.name).where(Committee.id == panel.committee_id))
    return SessionRow(panel.id, panel.committee_id, name, panel.year, panel.title, panel.status, panel.version,
                      panel.blind_review, panel.defense, panel.meeting_on)


@refusals_audited
def sessions(uow: UnitOfWork, actor: Actor) -> list[SessionRow]:
    """The sessions of the committees the operator's unit organises, newest first."""
    with uow.read() as s:
        if actor.role != "committee_operator" or actor.unit_id is None:
            return []
        panels = s.scalars(select(PanelSession).join(Committee, Committee.id == PanelSession.committee_id)
                           .where(Committee.organizer_unit_id == actor.unit_id)
                           .order_by(PanelSession.id.desc())).all()
        return [_session_row(s, p) for p in panels]


@refusals_audited
def member_sessions(uow: UnitOfWork, actor: Actor, duties: tuple[str, ...]) -> list[SessionRow]:
    """Sessions where the actor holds one of these duties, newest first (tallied ones too: their results)."""
    with uow.read() as s:
        if actor.person_id is None:
            return []
        panels = s.scalars(select(PanelSession).join(PanelMember, PanelMember.session_id == PanelSession.id)
                           .join(Expert, Expert.id == PanelMember.expert_id)
                           .where(Expert.person_id == actor.person_id, ACTIVE, PanelMember.duty.in_(duties))
                           .order_by(PanelSession.id.desc())).all()
        return [_session_row(s, p) for p in panels]


def dossier_labels(s: Session, declaration_ids: list[int], blind: bool) -> dict[int, Dossier]:
    rows = s.execute(select(Declaration.id, Person.name, Unit.name, Declaration.specialty_code, Declaration.level_code)
                     .join(Person, Person.id == Declaration.applicant_person_id)
                     .join(Unit, Unit.id == Declaration.unit_id)
                     .where(Declaration.id.in_(declaration_ids)).order_by(Declaration.id)).all()
    return {did: Dossier(did, dossier_label(n, person, unit, blind), specialty, level)
            for n, (did, person, unit, specialty, level) in enumerate(rows, start=1)}


def dossier_label(n: int, person: str, unit: str, blind: bool) -> str:
    """The n-th dossier (1-based, in declaration id order) as a page shows it."""
    return f"材料 {n:03d}" if blind else f"{person}（{unit}）"


def session_dossiers(s: Session, session_id: int) -> list[int]:
    return sorted(s.scalars(select(GroupDeclaration.declaration_id).join(
        ReviewGroup, ReviewGroup.id == GroupDeclaration.group_id).where(ReviewGroup.session_id == session_id)))


def _members(s: Session, session_id: int) -> list[Member]:
    rows = s.execute(select(PanelMember, Person.name, Unit.name, Expert.specialty_codes)
                     .join(Expert, Expert.id == PanelMember.expert_id).join(Person, Person.id == Expert.person_id)
                     .join(Unit, Unit.id == Expert.unit_id)
                     .where(PanelMember.session_id == session_id).order_by(PanelMember.id)).all()
    return [Member(m.id, m.expert_id, name, unit, tuple(codes or ()), m.duty, m.group_id,
                   m.signed_in_at is not None and m.signed_out_at is None, m.declined_at is not None)
            for m, name, unit, codes in rows]


@refusals_audited
def board(uow: UnitOfWork, actor: Actor, session_id: int) -> Board:
    """The committee unit's whole view of one session (names shown: it is the organiser)."""
    with uow.read() as s:
        panel = operated_session(s, actor, session_id)
        labels = dossier_labels(s, session_dossiers(s, panel.id), blind=False)
        members = _members(s, panel.id)
        groups = []
        for g in s.scalars(select(ReviewGroup).where(ReviewGroup.session_id == panel.id).order_by(ReviewGroup.id)):
            needs = dict(s.execute(select(GroupNeed.specialty_code, GroupNeed.count).where(GroupNeed.group_id == g.id)).all())
            ids = sorted(s.scalars(select(GroupDeclaration.declaration_id).where(GroupDeclaration.group_id == g.id)))
            groups.append(GroupView(g.id, g.name, g.status, g.version, needs, [labels[i] for i in ids if i in labels],
                                    [m for m in members if m.group_id == g.id]))
        opinions = dict(s.execute(select(BlindOpinion.declaration_id, func.count()).where(
            BlindOpinion.session_id == panel.id).group_by(BlindOpinion.declaration_id)).all())
        return Board(_session_row(s, panel), groups, [m for m in members if m.group_id is None], opinions)


@dataclass(frozen=True)
class LeaderBoard:
    session: SessionRow
    group: GroupView
    eligible: dict[int, tuple[int, ...]]                      # declaration -> member ids that may review it
    assigned: dict[int, list[tuple[int, bool, bool]]]         # declaration -> (member, main, final)
    voted: dict[int, int]                                     # declaration -> group votes cast


@refusals_audited
def my_groups(uow: UnitOfWork, actor: Actor) -> list[tuple[int, str, str, str]]:
    """(group id, group name, session title, group status) of the groups the actor leads."""
    with uow.read() as s:
        if actor.role != "group_leader" or actor.person_id is None:
            return []
        return [tuple(r) for r in s.execute(
            select(ReviewGroup.id, ReviewGroup.name, PanelSession.title, ReviewGroup.status)
            .join(PanelSession, PanelSession.id == ReviewGroup.session_id)
            .join(PanelMember, PanelMember.group_id == ReviewGroup.id).join(Expert, Expert.id == PanelMember.expert_id)
            .where(Expert.person_id == actor.person_id, PanelMember.duty == "group_leader", ACTIVE,
                   PanelSession.status != "tallied").order_by(ReviewGroup.id))]


@refusals_audited
def leader_board(uow: UnitOfWork, actor: Actor, group_id: int) -> LeaderBoard:
    with uow.read() as s:
        g = led_group(s, actor, group_id)
        panel = s.get(PanelSession, g.session_id)
        ids = sorted(s.scalars(select(GroupDeclaration.declaration_id).where(GroupDeclaration.group_id == g.id)))
        labels = dossier_labels(s, ids, panel.blind_review)
        members = [m for m in _members(s, panel.id) if m.group_id == g.id and not m.declined]
        eligible: dict[int, tuple[int, ...]] = {d: () for d in ids}
        for d, member_id in s.execute(  # every (dossier, member) pair of the group not recused, in one query
                select(GroupDeclaration.declaration_id, PanelMember.id)
                .join(Declaration, Declaration.id == GroupDeclaration.declaration_id)
                .join(PanelMember, PanelMember.group_id == GroupDeclaration.group_id)
                .join(Expert, Expert.id == PanelMember.expert_id)
                .where(GroupDeclaration.group_id == g.id, ACTIVE, ~recused_clause())
                .order_by(GroupDeclaration.declaration_id, PanelMember.id)):
            eligible[d] += (member_id,)
        assigned: dict[int, list[tuple[int, bool, bool]]] = {}
        for a in s.scalars(select(DossierAssignment).where(DossierAssignment.group_id == g.id)
                           .order_by(DossierAssignment.id)):
            assigned.setdefault(a.declaration_id, []).append((a.member_id, a.is_main, a.final))
        voted = dict(s.execute(select(VoteParticipation.declaration_id, func.count()).where(
            VoteParticipation.session_id == panel.id, VoteParticipation.stage == "group",
            VoteParticipation.declaration_id.in_(ids)).group_by(VoteParticipation.declaration_id)).all())
        needs = dict(s.execute(select(GroupNeed.specialty_code, GroupNeed.count).where(GroupNeed.group_id == g.id)).all())
        view = GroupView(g.id, g.name, g.status, g.version, needs, [labels[i] for i in ids], members)
        return LeaderBoard(_session_row(s, panel), view, eligible, assigned, voted)


@dataclass(frozen=True)
class ReviewItem:
    assignment_id: int
    session_title: str
    group_name: str
    group_status: str
    dossier: Dossier
    is_main: bool
    defense: bool
    opinion: dict
    final: bool


@refusals_audited
def my_reviews(uow: UnitOfWork, actor: Actor) -> list[ReviewItem]:
    """The dossiers distributed to the actor, and nothing else (in untallied sessions)."""
    with uow.read() as s:
        if actor.person_id is None:
            return []
        rows = s.execute(select(DossierAssignment, PanelSession, ReviewGroup)
                         .join(PanelMember, PanelMember.id == DossierAssignment.member_id)
                         .join(Expert, Expert.id == PanelMember.expert_id)
                         .join(ReviewGroup, ReviewGroup.id == DossierAssignment.group_id)
                         .join(PanelSession, PanelSession.id == ReviewGroup.session_id)
                         .where(Expert.person_id == actor.person_id, ACTIVE, PanelSession.status != "tallied",
                                ReviewGroup.status != "distributing")
                         .order_by(PanelSession.id, DossierAssignment.declaration_id)).all()
        items, labels = [], {}
        for a, panel, g in rows:
            if panel.id not in labels:  # numbered over the whole session, once per session
                labels[panel.id] = dossier_labels(s, session_dossiers(s, panel.id), panel.blind_review)
            label = labels[panel.id][a.declaration_id]
            items.append(ReviewItem(a.id, panel.title, g.name, g.status, label, a.is_main, panel.defense,
                                    dict(a.opinion or {}), a.final))
        return items


@dataclass(frozen=True)
class BallotLine:
    session_id: int
    stage: str
    dossier: Dossier
    voted: bool
    recommendation: bool | None   # the group's result (committee stage), None before or in the group stage
    session_title: str = ""


@refusals_audited
def ballot_sheet(uow: UnitOfWork, actor: Actor) -> list[BallotLine]:
    """Every dossier the actor may vote on now, in every open vote, and whether they already have."""
    with uow.read() as s:
        if actor.person_id is None:
            return []
        me = (select(PanelMember).join(Expert, Expert.id == PanelMember.expert_id)
              .where(Expert.person_id == actor.person_id, ACTIVE))
        lines: list[BallotLine] = []
        for member in s.scalars(me):
            panel = s.get(PanelSession, member.session_id)
            lines += _lines(s, member, panel)
        return lines


def open_ballots(s: Session, actor: Actor) -> int:
    """How many dossiers the actor may vote on now and has not (the to-do count of 投票表决)."""
    if actor.person_id is None:
        return 0
    members = s.scalars(select(PanelMember).join(Expert, Expert.id == PanelMember.expert_id)
                        .join(PanelSession, PanelSession.id == PanelMember.session_id)
                        .where(Expert.person_id == actor.person_id, ACTIVE, PanelSession.status != "tallied")).all()
    return sum(1 for m in members for line in _lines(s, m, s.get(PanelSession, m.session_id)) if not line.voted)


def _lines(s: Session, member: PanelMember, panel: PanelSession) -> list[BallotLine]:
    if panel.status == "committee_voting" and member.duty in rules.VOTING_DUTIES:
        stage, ids = "committee", session_dossiers(s, panel.id)
    elif member.group_id is not None and s.scalar(select(ReviewGroup.status).where(
            ReviewGroup.id == member.group_id)) == "group_voting":
        stage = "group"
        ids = sorted(s.scalars(select(GroupDeclaration.declaration_id).where(GroupDeclaration.group_id == member.group_id)))
    else:
        return []
    allowed = set(s.scalars(select(Declaration.id).join(Expert, Expert.id == member.expert_id)
                            .where(Declaration.id.in_(ids), ~recused_clause())))
    voted = set(s.scalars(select(VoteParticipation.declaration_id).where(
        VoteParticipation.session_id == panel.id, VoteParticipation.stage == stage,
        VoteParticipation.member_id == member.id)))
    recommended = dict(s.execute(select(TallyResult.declaration_id, TallyResult.passed).where(
        TallyResult.session_id == panel.id, TallyResult.stage == "group")).all()) if stage == "committee" else {}
    labels = dossier_labels(s, session_dossiers(s, panel.id), panel.blind_review)
    return [BallotLine(panel.id, stage, labels[d], d in voted, recommended.get(d), panel.title)
            for d in ids if d in allowed]


@dataclass(frozen=True)
class ResultRow:
    declaration_id: int
    applicant: str
    unit: str
    specialty_code: str | None
    level_code: str
    members: int
    present: int
    yes: int
    no: int
    abstain: int
    passed: bool
    group_passed: bool | None
    record_hash: str
    confirmed_at: dt.datetime


@refusals_audited
def results(uow: UnitOfWork, actor: Actor, session_id: int) -> tuple[SessionRow, list[ResultRow]]:
    """统票结果: the confirmed committee tally of a session, with the group's recommendation."""
    with uow.read() as s:
        return _results(s, viewer_session(s, actor, session_id, rules.CONSOLE_DUTIES))


def _results(s: Session, panel: PanelSession) -> tuple[SessionRow, list[ResultRow]]:
    group = dict(s.execute(select(TallyResult.declaration_id, TallyResult.passed).where(
        TallyResult.session_id == panel.id, TallyResult.stage == "group")).all())
    rows = s.execute(select(TallyResult, Person.name, Unit.name, Declaration.specialty_code, Declaration.level_code)
                     .join(Declaration, Declaration.id == TallyResult.declaration_id)
                     .join(Person, Person.id == Declaration.applicant_person_id)
                     .join(Unit, Unit.id == Declaration.unit_id)
                     .where(TallyResult.session_id == panel.id, TallyResult.stage == "committee")
                     .order_by(TallyResult.declaration_id)).all()
    return _session_row(s, panel), [
        ResultRow(t.declaration_id, name, unit, spec, level, t.members, t.present, t.yes, t.no, t.abstain, t.passed,
                  group.get(t.declaration_id), t.record_hash, t.confirmed_at) for t, name, unit, spec, level in rows]
