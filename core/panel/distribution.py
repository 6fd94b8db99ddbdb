"""The group leader's work (小组管理, §6.2.10.4): distribute each dossier of the group to at least two
of its experts with exactly one main reviewer, then 进入评审; later 进入组内投票 and close it.

A leader sees and acts on their own group only; a recused expert (own unit, conflict, the applicant)
is never given the dossier.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select

from core.common.config import local_date
from core.common.errors import InvalidAction, NotFound, ValidationError
from core.machines.spec import Actor
from core.panel import rules
from core.panel.counters import open_counters
from core.panel.facts import PanelFacts, is_recused
from core.panel.sessions import log
from core.workflow import perform
from core.workflow_store import RecordStore
from db.base import utcnow
from db.models import DossierAssignment, GroupDeclaration, PanelMember, PanelSession, ReviewGroup
from db.uow import UnitOfWork
from core.refusals import refusals_audited


def led_group(s, actor: Actor, group_id: int) -> ReviewGroup:
    group = s.get(ReviewGroup, group_id)
    if group is None or actor.role != "group_leader" or not PanelFacts(s).leads_group(actor, group.id):
        raise NotFound()
    return group


@refusals_audited
def distribute(uow: UnitOfWork, actor: Actor, group_id: int, declaration_id: int, member_ids: Iterable[int],
               main_member_id: int) -> None:
    """Give one dossier to these experts of the group, one of them the main reviewer (replaces an earlier
    distribution of that dossier while the group is still distributing)."""
    ids = sorted({int(i) for i in member_ids})
    if len(ids) < rules.MIN_REVIEWERS:
        raise ValidationError("panel.distribution.too_few")
    if main_member_id not in ids:
        raise ValidationError("panel.distribution.one_main")
    now = utcnow()
    with uow.write() as s:
        group = led_group(s, actor, group_id)
        if group.status != "distributing":
            raise InvalidAction("panel.group_not_distributing")
        if s.scalar(select(PanelSession.status).where(PanelSession.id == group.session_id)) != "reviewing":
            raise InvalidAction("panel.guard.session_not_reviewing")  # the set-up (and its avoidance) comes first
        if s.scalar(select(GroupDeclaration.id).where(GroupDeclaration.group_id == group.id,
                                                      GroupDeclaration.declaration_id == declaration_id)) is None:
            raise NotFound()
        members = s.scalars(select(PanelMember).where(PanelMember.id.in_(ids), PanelMember.group_id == group.id,
                                                      PanelMember.declined_at.is_(None))).all()
        if len(members) != len(ids):
            raise InvalidAction("panel.not_members")
        if any(is_recused(s, m, declaration_id) for m in members):
            raise InvalidAction("panel.recused")
        s.execute(delete(DossierAssignment).where(DossierAssignment.group_id == group.id,
                                                  DossierAssignment.declaration_id == declaration_id))
        s.add_all(DossierAssignment(group_id=group.id, declaration_id=declaration_id, member_id=m,
                                    is_main=m == main_member_id, opinion={}, final=False, updated_at=now)
                  for m in ids)
        log(s, actor, "distribute", f"review_group:{group.id}", now, declaration=declaration_id,
            reviewers=len(ids))


@refusals_audited
def group_step(uow: UnitOfWork, actor: Actor, group_id: int, action: str, expected_version: int | None = None) -> None:
    """进入评审 (``start_group_review``) or 进入组内投票 (``open_group_vote``) through the engine; opening the
    vote also sets its counters at zero (core.panel.counters)."""
    if action not in ("start_group_review", "open_group_vote"):
        raise InvalidAction("error.invalid_action", state="", action=f"panel.action.{action}")
    now = utcnow()
    with uow.write() as s:
        group = led_group(s, actor, group_id)
        perform(RecordStore(s, "review_group", PanelFacts(s)), actor, group.id, action,
                expected_version=expected_version, now=now, today=local_date(now))
        if action == "open_group_vote":
            open_counters(s, group.session_id, "group", group_ids=[group.id])
