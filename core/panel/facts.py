"""What the panel machines' guards and the panel services ask the database, one small query each.

Membership is by person: an actor is a member of a session when their person is the expert of a
``PanelMember`` row there that has not declined. Avoidance (回避): a member is recused from a dossier
of their own unit, of a person with a declared conflict, or their own.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from core.machines.spec import Actor
from core.panel import rules
from core.workflow_store import OrgFacts
from db.models import (Committee, Declaration, DossierAssignment, Expert, ExpertConflict, GroupDeclaration,
                       PanelMember, PanelSession, ReviewGroup)

ACTIVE = PanelMember.declined_at.is_(None)
SIGNED_IN = and_(PanelMember.signed_in_at.is_not(None), PanelMember.signed_out_at.is_(None))


def recused_clause(declaration=Declaration):
    """True where the member (joined with its Expert) must not review or vote on the declaration."""
    return or_(Expert.unit_id == declaration.unit_id, Expert.person_id == declaration.applicant_person_id,
               exists().where(ExpertConflict.expert_id == Expert.id,
                              ExpertConflict.person_id == declaration.applicant_person_id))


class Recusal:
    """``recused_clause()`` for many (member, dossier) pairs at once, in memory: the members recused from a dossier
    are those of its unit, its applicant, or with a conflict declared with its applicant. Built from the members'
    expert rows and one query for their conflicts, so a whole session costs dossiers + members, not their
    product. Keep the two in step (tests/integration/test_panel_console.py covers each branch)."""

    def __init__(self, session: Session, members: Iterable[tuple[int, int, int, int]]):
        """``members``: (member id, expert id, expert's unit id, expert's person id)."""
        self.by_unit: dict[int, set[int]] = {}
        self.by_person: dict[int, set[int]] = {}
        self.by_conflict: dict[int, set[int]] = {}
        member_of_expert = {}
        for member_id, expert_id, unit_id, person_id in members:
            self.by_unit.setdefault(unit_id, set()).add(member_id)
            self.by_person.setdefault(person_id, set()).add(member_id)
            member_of_expert.setdefault(expert_id, set()).add(member_id)
        if member_of_expert:
            for expert_id, person_id in session.execute(select(ExpertConflict.expert_id, ExpertConflict.person_id)
                                                        .where(ExpertConflict.expert_id.in_(list(member_of_expert)))):
                self.by_conflict.setdefault(person_id, set()).update(member_of_expert[expert_id])

    def of(self, unit_id: int, applicant_person_id: int) -> set[int]:
        """The member ids recused from a declaration of this unit and applicant."""
        return (self.by_unit.get(unit_id, set()) | self.by_person.get(applicant_person_id, set())
                | self.by_conflict.get(applicant_person_id, set()))


def member_of(session: Session, actor: Actor, session_id: int, duties: Iterable[str] | None = None) -> PanelMember | None:
    """The actor's own active membership of the session (optionally with one of these duties)."""
    if actor.person_id is None:
        return None
    q = (select(PanelMember).join(Expert, Expert.id == PanelMember.expert_id)
         .where(PanelMember.session_id == session_id, Expert.person_id == actor.person_id, ACTIVE))
    if duties is not None:
        q = q.where(PanelMember.duty.in_(tuple(duties)))
    return session.scalars(q).first()


def is_recused(session: Session, member: PanelMember, declaration_id: int) -> bool:
    return bool(session.scalar(select(exists().where(
        Expert.id == member.expert_id, Declaration.id == declaration_id, recused_clause()))))


def voting_members(session_id: int):
    """The committee's voting members of a session (chair, vice chairs, committee members)."""
    return select(PanelMember.id).where(PanelMember.session_id == session_id, ACTIVE,
                                        PanelMember.duty.in_(rules.VOTING_DUTIES))


def committee_counts(session: Session, session_id: int) -> tuple[int, int]:
    """(members, present) of the full committee now."""
    row = session.execute(select(func.count(), func.count().filter(SIGNED_IN)).where(
        PanelMember.session_id == session_id, ACTIVE, PanelMember.duty.in_(rules.VOTING_DUTIES))).one()
    return int(row[0]), int(row[1])


class PanelFacts(OrgFacts):
    """The facts the panel session and review group machines' guards read."""

    def organizes(self, unit_id: int, committee_id: int) -> bool:
        return self.s.scalar(select(Committee.organizer_unit_id).where(Committee.id == committee_id)) == unit_id

    def holds_duty(self, actor: Actor, session_id: int, duties: tuple[str, ...]) -> bool:
        return member_of(self.s, actor, session_id, duties) is not None

    def leads_group(self, actor: Actor, group_id: int) -> bool:
        if actor.person_id is None:
            return False
        return bool(self.s.scalar(select(exists().where(
            PanelMember.group_id == group_id, PanelMember.duty == "group_leader", ACTIVE,
            Expert.id == PanelMember.expert_id, Expert.person_id == actor.person_id))))

    def session_state(self, session_id: int) -> str | None:
        return self.s.scalar(select(PanelSession.status).where(PanelSession.id == session_id))

    def setup_problems(self, session_id: int) -> list[str]:
        groups = self.s.execute(select(ReviewGroup.id).where(ReviewGroup.session_id == session_id)).scalars().all()
        problems: list[str] = [] if groups else ["panel.setup.no_groups"]
        for group_id in groups:
            problems += group_problems(self.s, group_id)
        if not self.holds_any(session_id, ("chair",)):
            problems.append("panel.setup.no_chair")
        return list(dict.fromkeys(problems))

    def holds_any(self, session_id: int, duties: tuple[str, ...]) -> bool:
        return bool(self.s.scalar(select(exists().where(
            PanelMember.session_id == session_id, ACTIVE, PanelMember.duty.in_(duties)))))

    def all_groups_voted(self, session_id: int) -> bool:
        return not self.s.scalar(select(exists().where(
            ReviewGroup.session_id == session_id, ReviewGroup.status != "group_voted")))

    def has_quorum(self, session_id: int) -> bool:
        members, present = committee_counts(self.s, session_id)
        return rules.has_quorum(present, members)

    def distribution_problems(self, group_id: int) -> list[str]:
        return distribution_problems(self.s, group_id)

    def reviews_final(self, group_id: int) -> bool:
        assigned = self.s.scalar(select(func.count()).where(DossierAssignment.group_id == group_id))
        open_ = self.s.scalar(select(func.count()).where(DossierAssignment.group_id == group_id,
                                                         DossierAssignment.final.is_(False)))
        return bool(assigned) and not open_


def group_problems(session: Session, group_id: int) -> list[str]:
    """Why a group cannot start: no dossier, no leader, fewer than the minimum experts, or a dossier
    with fewer eligible (not recused) experts than reviewers needed."""
    problems = []
    dossiers = session.scalars(select(GroupDeclaration.declaration_id).where(GroupDeclaration.group_id == group_id)).all()
    if not dossiers:
        problems.append("panel.setup.group_empty")
    experts = session.scalar(select(func.count()).where(PanelMember.group_id == group_id, ACTIVE))
    if experts < rules.MIN_GROUP_EXPERTS:
        problems.append("panel.setup.group_small")
    if not session.scalar(select(exists().where(PanelMember.group_id == group_id, ACTIVE,
                                                PanelMember.duty == "group_leader"))):
        problems.append("panel.setup.no_leader")
    eligible = (select(Declaration.id, func.count(PanelMember.id))
                .join(GroupDeclaration, GroupDeclaration.declaration_id == Declaration.id)
                .outerjoin(PanelMember, and_(PanelMember.group_id == group_id, ACTIVE))
                .outerjoin(Expert, Expert.id == PanelMember.expert_id)
                .where(GroupDeclaration.group_id == group_id, or_(PanelMember.id.is_(None), ~recused_clause()))
                .group_by(Declaration.id))
    counts = dict(session.execute(eligible).all())
    if any(counts.get(d, 0) < rules.MIN_REVIEWERS for d in dossiers):
        problems.append("panel.setup.too_few_eligible")
    return problems


def distribution_problems(session: Session, group_id: int) -> list[str]:
    """Every dossier of the group: ≥ 2 reviewers and exactly one main reviewer (001 §6.2.10.4)."""
    rows = session.execute(
        select(GroupDeclaration.declaration_id, func.count(DossierAssignment.id),
               func.count(DossierAssignment.id).filter(DossierAssignment.is_main.is_(True)))
        .outerjoin(DossierAssignment, and_(DossierAssignment.declaration_id == GroupDeclaration.declaration_id,
                                           DossierAssignment.group_id == group_id))
        .where(GroupDeclaration.group_id == group_id).group_by(GroupDeclaration.declaration_id)).all()
    problems = []
    if not rows:
        problems.append("panel.setup.group_empty")
    if any(n < rules.MIN_REVIEWERS for _, n, _m in rows):
        problems.append("panel.distribution.too_few")
    if any(m != 1 for _, _n, m in rows):
        problems.append("panel.distribution.one_main")
    return problems
