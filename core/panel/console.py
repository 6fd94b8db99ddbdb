"""The chair's live console (评审监控): quorum, and per group and per dossier how far review and voting
have come, for the chair, vice chairs and the committee unit, refreshed every few seconds.

Choices are never shown here before the tally: only who may vote and how many have (participation).
Every figure is one aggregate query (no row per member is loaded), so a refresh stays fast at
500 dossiers × 60 members (bench/panel_console.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from core.machines.spec import Actor
from core.panel import rules
from core.panel.access import viewer_session
from core.panel.facts import ACTIVE, SIGNED_IN, committee_counts, recused_clause
from core.panel.views import SessionRow, _session_row, dossier_labels
from db.models import (Declaration, DossierAssignment, Expert, GroupDeclaration, PanelMember, PanelSession,
                       ReviewGroup, VoteParticipation)
from db.uow import UnitOfWork


@dataclass(frozen=True)
class GroupProgress:
    id: int
    name: str
    status: str
    dossiers: int
    reviews: int          # distributed (dossier, reviewer) pairs
    reviews_final: int
    group_votes: int      # group ballots cast


@dataclass(frozen=True)
class DossierProgress:
    declaration_id: int
    label: str
    group: str
    eligible: int         # signed-in, not recused voters of the current stage
    voted: int


@dataclass(frozen=True)
class Console:
    session: SessionRow
    stage: str            # the vote the dossier figures are about: committee while it is open, else group
    members: int
    present: int
    quorum: bool
    needed_present: int   # the smallest quorum
    groups: list[GroupProgress]
    dossiers: list[DossierProgress]

    @property
    def votes_cast(self) -> int:
        return sum(d.voted for d in self.dossiers)

    @property
    def votes_expected(self) -> int:
        return sum(d.eligible for d in self.dossiers)


def console(uow: UnitOfWork, actor: Actor, session_id: int) -> Console:
    with uow.read() as s:
        panel = viewer_session(s, actor, session_id, rules.CONSOLE_DUTIES)
        return build(s, panel, blind=panel.blind_review and actor.role != "committee_operator")


def build(s: Session, panel: PanelSession, *, blind: bool) -> Console:
    members, present = committee_counts(s, panel.id)
    stage = "committee" if panel.status in ("committee_voting", "tallied") else "group"
    groups = _groups(s, panel.id)
    dossiers = _dossiers(s, panel, stage, blind)
    needed = -(-2 * members // 3) if members else 0
    return Console(_session_row(s, panel), stage, members, present, rules.has_quorum(present, members), needed,
                   groups, dossiers)


def _groups(s: Session, session_id: int) -> list[GroupProgress]:
    dossiers = (select(GroupDeclaration.group_id, func.count().label("n")).group_by(GroupDeclaration.group_id)
                .subquery())
    reviews = (select(DossierAssignment.group_id, func.count().label("n"),
                      func.count().filter(DossierAssignment.final.is_(True)).label("final"))
               .group_by(DossierAssignment.group_id).subquery())
    votes = (select(GroupDeclaration.group_id, func.count().label("n"))
             .join(VoteParticipation, and_(VoteParticipation.declaration_id == GroupDeclaration.declaration_id,
                                           VoteParticipation.session_id == session_id,
                                           VoteParticipation.stage == "group"))
             .group_by(GroupDeclaration.group_id).subquery())
    rows = s.execute(select(ReviewGroup.id, ReviewGroup.name, ReviewGroup.status, dossiers.c.n, reviews.c.n,
                            reviews.c.final, votes.c.n)
                     .outerjoin(dossiers, dossiers.c.group_id == ReviewGroup.id)
                     .outerjoin(reviews, reviews.c.group_id == ReviewGroup.id)
                     .outerjoin(votes, votes.c.group_id == ReviewGroup.id)
                     .where(ReviewGroup.session_id == session_id).order_by(ReviewGroup.id)).all()
    return [GroupProgress(i, n, st, d or 0, r or 0, f or 0, v or 0) for i, n, st, d, r, f, v in rows]


def _dossiers(s: Session, panel: PanelSession, stage: str, blind: bool) -> list[DossierProgress]:
    groups = dict(s.execute(select(GroupDeclaration.declaration_id, ReviewGroup.name)
                            .join(ReviewGroup, ReviewGroup.id == GroupDeclaration.group_id)
                            .where(ReviewGroup.session_id == panel.id)).all())
    if not groups:
        return []
    voters = (PanelMember.duty.in_(rules.VOTING_DUTIES) if stage == "committee"
              else PanelMember.group_id == GroupDeclaration.group_id)
    eligible = dict(s.execute(
        select(Declaration.id, func.count(PanelMember.id))
        .join(GroupDeclaration, GroupDeclaration.declaration_id == Declaration.id)
        .join(ReviewGroup, and_(ReviewGroup.id == GroupDeclaration.group_id, ReviewGroup.session_id == panel.id))
        .join(PanelMember, and_(PanelMember.session_id == panel.id, ACTIVE, SIGNED_IN, voters))
        .join(Expert, Expert.id == PanelMember.expert_id)
        .where(~recused_clause()).group_by(Declaration.id)).all())
    voted = dict(s.execute(select(VoteParticipation.declaration_id, func.count())
                           .where(VoteParticipation.session_id == panel.id, VoteParticipation.stage == stage)
                           .group_by(VoteParticipation.declaration_id)).all())
    labels = dossier_labels(s, sorted(groups), blind)
    return [DossierProgress(d, labels[d].label, groups[d], eligible.get(d, 0), voted.get(d, 0)) for d in sorted(groups)]
