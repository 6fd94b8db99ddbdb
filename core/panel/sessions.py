"""The committee unit's panel management (评委会管理, 001 §6.2.10.1): sessions, groups, dossiers in
groups, per-specialty expert needs, settings and duties, and starting the review.

Each function is one click: one transaction, scope checked first (core.panel.access), one audit event.
Status changes go through the engine (core.machines.panel).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.common.config import local_date
from core.common.errors import InvalidAction, NotFound, ValidationError
from core.common.text import clean_line
from core.identity.accounts import grant_role
from core.machines.spec import Actor
from core.panel import rules
from core.panel.access import in_setup, not_tallied, operated_group, operated_session
from core.panel.facts import PanelFacts
from core.workflow import perform
from core.workflow_store import RecordStore
from db.base import utcnow
from db.models import (Account, Committee, Declaration, Expert, GroupDeclaration, GroupNeed, PanelMember, PanelSession,
                       ReviewGroup, RoleGrant)
from db.uow import UnitOfWork
from core.refusals import refusals_audited

MAX_TITLE = 100


def log(session: Session, actor: Actor, action: str, target: str, now: dt.datetime, **detail) -> None:
    """One audit event for a panel step that is not a status change."""
    audit.append(session, kind="panel", action=f"panel_{action}", at=now, account_id=actor.account_id,
                 role=actor.role, unit_id=actor.unit_id, target=target, detail=detail)


@refusals_audited
def own_committees(uow: UnitOfWork, actor: Actor) -> list[tuple[int, str, int, str]]:
    """(id, name, year, series) of the committees with approved review authority the unit organises."""
    if actor.role != "committee_operator" or actor.unit_id is None:
        raise NotFound()
    with uow.read() as s:
        return [tuple(r) for r in s.execute(
            select(Committee.id, Committee.name, Committee.year, Committee.series_code)
            .where(Committee.organizer_unit_id == actor.unit_id, Committee.authority_status == "approved")
            .order_by(Committee.year.desc(), Committee.id))]


@refusals_audited
def create(uow: UnitOfWork, actor: Actor, committee_id: int, title: str, *, meeting_on: dt.date | None = None,
           blind_review: bool = False, defense: bool = False) -> int:
    """A new session in ``setup`` for one of the unit's committees with approved authority."""
    title = clean_line(title, "field.session_title")
    if not title or len(title) > MAX_TITLE:
        raise ValidationError("panel.title_required", max=MAX_TITLE)
    now = utcnow()
    with uow.write() as s:
        committee = s.get(Committee, committee_id)
        if committee is None or actor.role != "committee_operator" or committee.organizer_unit_id != actor.unit_id:
            raise NotFound()
        if committee.authority_status != "approved":
            raise InvalidAction("panel.committee_not_authorized")
        panel = PanelSession(committee_id=committee.id, year=committee.year, title=title, meeting_on=meeting_on,
                             blind_review=blind_review, defense=defense, created_by=actor.account_id,
                             created_at=now)
        s.add(panel)
        s.flush()
        log(s, actor, "create_session", f"panel_session:{panel.id}", now, committee_id=committee.id)
        return panel.id


@refusals_audited
def set_settings(uow: UnitOfWork, actor: Actor, session_id: int, *, blind_review: bool, defense: bool,
                 meeting_on: dt.date | None = None) -> None:
    """Blind review and defense (盲评、答辩), settable until the review starts."""
    now = utcnow()
    with uow.write() as s:
        panel = operated_session(s, actor, session_id)
        in_setup(panel)
        panel.blind_review, panel.defense = bool(blind_review), bool(defense)
        if meeting_on is not None:
            panel.meeting_on = meeting_on
        log(s, actor, "settings", f"panel_session:{panel.id}", now, blind_review=panel.blind_review,
            defense=panel.defense)


@refusals_audited
def add_group(uow: UnitOfWork, actor: Actor, session_id: int, name: str) -> int:
    name = clean_line(name, "field.group_name")
    if not name or len(name) > MAX_TITLE:
        raise ValidationError("panel.group_name_required", max=MAX_TITLE)
    now = utcnow()
    with uow.write() as s:
        panel = operated_session(s, actor, session_id)
        in_setup(panel)
        if s.scalar(select(func.count()).where(ReviewGroup.session_id == panel.id, ReviewGroup.name == name)):
            raise ValidationError("panel.group_name_taken")
        group = ReviewGroup(session_id=panel.id, name=name)  # in its initial state, distributing
        s.add(group)
        s.flush()
        log(s, actor, "add_group", f"review_group:{group.id}", now, session_id=panel.id)
        return group.id


@refusals_audited
def waiting_dossiers(uow: UnitOfWork, actor: Actor, session_id: int) -> list[tuple[int, str, str | None]]:
    """(declaration id, series, specialty) of the committee's dossiers in panel review not yet in a group
    of an untallied session: what can be assigned to this session's groups."""
    with uow.read() as s:
        panel = operated_session(s, actor, session_id)
        return [tuple(r) for r in s.execute(_unassigned(panel).order_by(Declaration.id))]


def _unassigned(panel: PanelSession):
    grouped = (select(GroupDeclaration.declaration_id).join(ReviewGroup, ReviewGroup.id == GroupDeclaration.group_id)
               .join(PanelSession, PanelSession.id == ReviewGroup.session_id)
               .where(PanelSession.status != "tallied"))
    return (select(Declaration.id, Declaration.series_code, Declaration.specialty_code)
            .where(Declaration.committee_id == panel.committee_id, Declaration.year == panel.year,
                   Declaration.state == "panel_review", Declaration.id.not_in(grouped)))


@refusals_audited
def assign(uow: UnitOfWork, actor: Actor, group_id: int, declaration_ids: Iterable[int]) -> int:
    """Put dossiers into a group; each dossier is in exactly one group. Returns how many were added."""
    ids = sorted({int(i) for i in declaration_ids})
    if not ids:
        raise ValidationError("panel.pick_dossiers")
    now = utcnow()
    with uow.write() as s:
        group, panel = operated_group(s, actor, group_id)
        in_setup(panel)
        free = set(s.scalars(select(_unassigned(panel).subquery().c.id)))
        if not set(ids) <= free:
            raise InvalidAction("panel.dossier_not_free")
        s.add_all(GroupDeclaration(group_id=group.id, declaration_id=d) for d in ids)
        log(s, actor, "assign", f"review_group:{group.id}", now, declarations=ids)
        return len(ids)


@refusals_audited
def unassign(uow: UnitOfWork, actor: Actor, group_id: int, declaration_id: int) -> None:
    now = utcnow()
    with uow.write() as s:
        group, panel = operated_group(s, actor, group_id)
        in_setup(panel)
        row = s.scalars(select(GroupDeclaration).where(GroupDeclaration.group_id == group.id,
                                                       GroupDeclaration.declaration_id == declaration_id)).first()
        if row is None:
            raise NotFound()
        s.delete(row)
        log(s, actor, "unassign", f"review_group:{group.id}", now, declaration=declaration_id)


@refusals_audited
def set_need(uow: UnitOfWork, actor: Actor, group_id: int, specialty_code: str, count: int) -> None:
    """How many experts of a specialty the group needs (0 allowed)."""
    if not isinstance(count, int) or not 0 <= count <= 50:
        raise ValidationError("panel.need_range")
    now = utcnow()
    with uow.write() as s:
        group, panel = operated_group(s, actor, group_id)
        in_setup(panel)
        need = s.scalars(select(GroupNeed).where(GroupNeed.group_id == group.id,
                                                 GroupNeed.specialty_code == specialty_code)).first()
        if need is None:
            s.add(GroupNeed(group_id=group.id, specialty_code=specialty_code, count=count))
        else:
            need.count = count
        log(s, actor, "set_need", f"review_group:{group.id}", now, specialty=specialty_code, count=count)


@refusals_audited
def set_duty(uow: UnitOfWork, actor: Actor, member_id: int, duty: str) -> None:
    """Appoint a member's duty (专家职务). One group leader per group (a group member); one chair per
    session; committee member, vice chair and chair vote in the full committee (§6.2.10.1's notes)."""
    if duty not in rules.DUTIES:
        raise ValidationError("panel.duty_unknown")
    now = utcnow()
    with uow.write() as s:
        member = s.get(PanelMember, member_id)
        if member is None:
            raise NotFound()
        panel = operated_session(s, actor, member.session_id)
        not_tallied(panel)
        if panel.status != "setup" and ((duty in rules.VOTING_DUTIES) != (member.duty in rules.VOTING_DUTIES)
                                        or "group_leader" in (duty, member.duty)):
            raise InvalidAction("panel.duty_locked")  # the committee and each group's leader are fixed once under way
        _check_duty(s, member, duty)
        member.duty = duty
        _grant_duty(s, member, panel, duty, now)
        log(s, actor, "set_duty", f"panel_member:{member.id}", now, duty=duty, session_id=panel.id)


def _check_duty(s: Session, member: PanelMember, duty: str) -> None:
    if member.declined_at is not None:
        raise InvalidAction("panel.member_declined")
    if duty == "group_leader" and member.group_id is None:
        raise InvalidAction("panel.leader_needs_group")
    if duty in ("expert",) and member.group_id is None:
        raise InvalidAction("panel.expert_needs_group")
    unique_scope = {"group_leader": PanelMember.group_id == member.group_id,
                    "chair": PanelMember.session_id == member.session_id}.get(duty)
    if unique_scope is not None and s.scalar(select(func.count()).where(
            unique_scope, PanelMember.duty == duty, PanelMember.id != member.id, PanelMember.declined_at.is_(None))):
        raise InvalidAction(f"panel.{duty}_taken")


def _grant_duty(s: Session, member: PanelMember, panel: PanelSession, duty: str, now: dt.datetime) -> None:
    """The member's account gets the duty's role for this committee and year (its login context)."""
    account_id = s.scalar(select(Account.id).join(Expert, Expert.person_id == Account.person_id)
                          .where(Expert.id == member.expert_id, Account.enabled.is_(True)))
    if account_id is None:
        return
    ensure_role(s, account_id, "expert", None, None, now)
    if duty != "expert":
        ensure_role(s, account_id, duty, panel.committee_id, panel.year, now)


def ensure_role(s: Session, account_id: int, role: str, committee_id: int | None, year: int | None,
                now: dt.datetime) -> None:
    held = s.scalar(select(func.count()).where(RoleGrant.account_id == account_id, RoleGrant.role == role,
                                               RoleGrant.committee_id.is_(committee_id) if committee_id is None
                                               else RoleGrant.committee_id == committee_id,
                                               RoleGrant.active.is_(True)))
    if not held:
        grant_role(s, account_id, role, None, committee_id=committee_id, year=year, now=now)


@refusals_audited
def start_review(uow: UnitOfWork, actor: Actor, session_id: int, expected_version: int | None = None) -> None:
    """Setup is complete: groups staffed, a leader each, a chair; the groups may distribute now."""
    now = utcnow()
    with uow.write() as s:
        operated_session(s, actor, session_id)
        perform(RecordStore(s, "panel_session", PanelFacts(s)), actor, session_id, "start_review",
                expected_version=expected_version, now=now, today=local_date(now))
