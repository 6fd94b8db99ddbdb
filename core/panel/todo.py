"""What waits for each panel duty, as counts for the to-do list on Home (one small query each).

* 专家评审: the actor's reviews not yet final in groups that are reviewing;
* 投票表决: dossiers the actor may vote on now and has not (core.panel.views.open_ballots);
* 小组管理: the actor's groups that wait for the leader (distributing, reviews all final, or voting);
* 评委会管理: the unit's sessions not yet tallied;
* 评审监控: sessions the actor watches that are in the committee vote.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.machines.spec import Actor
from core.panel import rules
from core.panel.facts import ACTIVE, PanelFacts
from core.panel.views import open_ballots
from db.models import Committee, DossierAssignment, Expert, PanelMember, PanelSession, ReviewGroup


def _mine(actor: Actor):
    return (select(PanelMember.id).join(Expert, Expert.id == PanelMember.expert_id)
            .where(Expert.person_id == (actor.person_id or -1), ACTIVE))


def reviews_open(s: Session, actor: Actor) -> int:
    return s.scalar(select(func.count()).select_from(DossierAssignment)
                    .join(ReviewGroup, ReviewGroup.id == DossierAssignment.group_id)
                    .where(DossierAssignment.member_id.in_(_mine(actor)), DossierAssignment.final.is_(False),
                           ReviewGroup.status == "reviewing")) or 0


def groups_waiting(s: Session, actor: Actor) -> int:
    facts = PanelFacts(s)
    led = s.execute(select(ReviewGroup.id, ReviewGroup.status).join(PanelMember, PanelMember.group_id == ReviewGroup.id)
                    .where(PanelMember.id.in_(_mine(actor)), PanelMember.duty == "group_leader")).all()
    return sum(1 for gid, status in led if status in ("distributing", "group_voting")
               or (status == "reviewing" and facts.reviews_final(gid)))


def sessions_open(s: Session, actor: Actor) -> int:
    if actor.unit_id is None:
        return 0
    return s.scalar(select(func.count()).select_from(PanelSession)
                    .join(Committee, Committee.id == PanelSession.committee_id)
                    .where(Committee.organizer_unit_id == actor.unit_id, PanelSession.status != "tallied")) or 0


def votes_running(s: Session, actor: Actor) -> int:
    q = select(func.count()).select_from(PanelSession).where(PanelSession.status == "committee_voting")
    if actor.role == "committee_operator":
        return s.scalar(q.join(Committee, Committee.id == PanelSession.committee_id)
                        .where(Committee.organizer_unit_id == (actor.unit_id or -1))) or 0
    return s.scalar(q.where(PanelSession.id.in_(
        select(PanelMember.session_id).where(PanelMember.id.in_(_mine(actor)),
                                             PanelMember.duty.in_(rules.CONSOLE_DUTIES))))) or 0


def counts(s: Session, actor: Actor, workspace_ids: set[str]) -> dict[str, int]:
    """The to-do count of each panel workspace among ``workspace_ids``."""
    out = {}
    if "panel_vote" in workspace_ids:
        out["panel_vote"] = open_ballots(s, actor)
    if "expert_review" in workspace_ids:
        out["expert_review"] = reviews_open(s, actor)
    if "panel_group" in workspace_ids:
        out["panel_group"] = groups_waiting(s, actor)
    if "panel_admin" in workspace_ids:
        out["panel_admin"] = sessions_open(s, actor)
    if "panel_console" in workspace_ids:
        out["panel_console"] = votes_running(s, actor)
    return out
