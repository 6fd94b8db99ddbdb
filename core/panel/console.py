"""The chair's live console (评审监控): quorum, and per group and per dossier how far review and voting
have come, for the chair, vice chairs and the committee unit, refreshed every few seconds.

Choices are never shown here before the tally: only who may vote and how many have (participation).
A refresh is seven small queries whose work grows with dossiers + members, never with their product:
ballots are counted per dossier and stage in one aggregate (group totals are summed from it), and who may
vote on a dossier comes from the signed-in voters minus the recused, found by lookups (core.panel.facts.
Recusal) rather than a recusal test for each (member, dossier) pair. bench/panel_console.py measures it
at 500 dossiers × 60 members.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.machines.spec import Actor
from core.panel import rules
from core.panel.access import viewer_session
from core.panel.facts import ACTIVE, SIGNED_IN, Recusal, committee_counts
from core.panel.views import SessionRow, _session_row, dossier_label
from db.models import (Declaration, DossierAssignment, Expert, GroupDeclaration, PanelMember, PanelSession, Person,
                       ReviewGroup, Unit, VoteParticipation)
from db.uow import UnitOfWork
from core.refusals import refusals_audited


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


@refusals_audited
def console(uow: UnitOfWork, actor: Actor, session_id: int) -> Console:
    with uow.read() as s:
        panel = viewer_session(s, actor, session_id, rules.CONSOLE_DUTIES)
        return build(s, panel, blind=panel.blind_review and actor.role != "committee_operator")


def build(s: Session, panel: PanelSession, *, blind: bool) -> Console:
    members, present = committee_counts(s, panel.id)
    stage = "committee" if panel.status in ("committee_voting", "tallied") else "group"
    # the session's dossiers with their group and label facts, in declaration order (blind numbers follow it)
    rows = s.execute(select(GroupDeclaration.declaration_id, GroupDeclaration.group_id, ReviewGroup.name, Person.name,
                            Unit.name, Declaration.unit_id, Declaration.applicant_person_id)
                     .join(ReviewGroup, ReviewGroup.id == GroupDeclaration.group_id)
                     .join(Declaration, Declaration.id == GroupDeclaration.declaration_id)
                     .join(Person, Person.id == Declaration.applicant_person_id)
                     .join(Unit, Unit.id == Declaration.unit_id)
                     .where(ReviewGroup.session_id == panel.id).order_by(GroupDeclaration.declaration_id)).all()
    ballots = {(d, st): n for d, st, n in s.execute(
        select(VoteParticipation.declaration_id, VoteParticipation.stage, func.count())
        .where(VoteParticipation.session_id == panel.id)
        .group_by(VoteParticipation.declaration_id, VoteParticipation.stage))}
    groups = _groups(s, panel.id, rows, ballots)
    dossiers = _dossiers(s, panel, stage, blind, rows, ballots)
    needed = -(-2 * members // 3) if members else 0
    return Console(_session_row(s, panel), stage, members, present, rules.has_quorum(present, members), needed,
                   groups, dossiers)


def _groups(s: Session, session_id: int, rows: list, ballots: dict) -> list[GroupProgress]:
    """Dossiers and group ballots per group from the session's rows; reviews counted per group (index range)."""
    dossiers: dict[int, int] = {}
    votes: dict[int, int] = {}
    for d, g, *_ in rows:
        dossiers[g] = dossiers.get(g, 0) + 1
        votes[g] = votes.get(g, 0) + ballots.get((d, "group"), 0)
    reviews = select(func.count()).where(DossierAssignment.group_id == ReviewGroup.id).scalar_subquery()
    final = select(func.count()).where(DossierAssignment.group_id == ReviewGroup.id,
                                       DossierAssignment.final.is_(True)).scalar_subquery()
    found = s.execute(select(ReviewGroup.id, ReviewGroup.name, ReviewGroup.status, reviews, final)
                      .where(ReviewGroup.session_id == session_id).order_by(ReviewGroup.id)).all()
    return [GroupProgress(i, n, st, dossiers.get(i, 0), r, f, votes.get(i, 0)) for i, n, st, r, f in found]


def _dossiers(s: Session, panel: PanelSession, stage: str, blind: bool, rows: list,
              ballots: dict) -> list[DossierProgress]:
    """Per dossier: eligible = the stage's signed-in voters (the committee's, or the dossier's group's) not recused
    from it (core.panel.facts.Recusal: one pass over dossiers and members, no test per pair)."""
    if not rows:
        return []
    voters = PanelMember.duty.in_(rules.VOTING_DUTIES) if stage == "committee" else PanelMember.group_id.is_not(None)
    here = s.execute(select(PanelMember.id, PanelMember.group_id, Expert.id, Expert.unit_id, Expert.person_id)
                     .join(Expert, Expert.id == PanelMember.expert_id)
                     .where(PanelMember.session_id == panel.id, ACTIVE, SIGNED_IN, voters)).all()
    recusal = Recusal(s, [(m, e, unit, person) for m, _g, e, unit, person in here])
    everyone = {m for m, *_ in here}
    by_group: dict[int, set[int]] = {}
    for m, g, *_ in here:
        by_group.setdefault(g, set()).add(m)
    out = []
    for n, (d, g, group, person, unit, unit_id, applicant) in enumerate(rows, start=1):
        voting = everyone if stage == "committee" else by_group.get(g, set())
        eligible = len(voting) - len(voting & recusal.of(unit_id, applicant))
        out.append(DossierProgress(d, dossier_label(n, person, unit, blind), group, eligible, ballots.get((d, stage), 0)))
    return out
