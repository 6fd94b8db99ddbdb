"""Voting (§6.2.10.6–7) and the tally (统票, §6.2.10.7): secret ballots, quorum, the 2/3 threshold.

* Group vote: while the group is ``group_voting``, each signed-in, not recused expert of the group votes
  once on each dossier of the group. Closing it keeps the group's count as its recommendation.
* Committee vote: while the session is ``committee_voting``, each signed-in, not recused committee
  member, vice chair and chair votes once per dossier.
* Tally: refused without a quorum; per dossier ``present`` is the voting members signed in or who voted on it (the recused
  counted only if ``RULES.recused_count_as_present``), and it passes with ``3*yes >= 2*present``. Each
  result is written once with a hash of its figures; then the engine moves each declaration on.

A vote writes the participation (who) and bumps a counter (what) in one transaction (core.panel.counters);
a second vote on the same dossier is refused with a clear message (and by a unique constraint).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping

from sqlalchemy import and_, exists, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.common.config import RULES, local_date
from core.common.errors import InvalidAction, NotFound, ValidationError
from core.declaring.store import SqlStore
from core.machines.spec import Actor
from core.panel import counters, rules
from core.panel.access import operated_session
from core.panel.distribution import led_group
from core.panel.facts import ACTIVE, SIGNED_IN, PanelFacts, member_of, recused_clause
from core.workflow import perform
from core.workflow_store import RecordStore
from db.base import utcnow
from db.models import (Declaration, Expert, GroupDeclaration, PanelMember, PanelSession, ReviewGroup, TallyResult,
                       VoteParticipation)
from db.uow import UnitOfWork
from core.audit import trail as audit
from core.refusals import refusals_audited


class AlreadyVoted(InvalidAction):
    key = "panel.vote.already"


def _voter(s: Session, actor: Actor, panel: PanelSession, declaration_id: int, stage: str) -> int:
    """The actor's member id if they may vote on this dossier in this stage now; a clear refusal otherwise.
    One query answers every question (a meeting has every member clicking at once)."""
    voted = exists().where(VoteParticipation.session_id == panel.id, VoteParticipation.declaration_id == declaration_id,
                           VoteParticipation.stage == stage, VoteParticipation.member_id == PanelMember.id)
    row = s.execute(
        select(PanelMember.id, PanelMember.group_id, PanelMember.duty, ReviewGroup.id, ReviewGroup.status,
               SIGNED_IN, recused_clause(), voted)
        .select_from(PanelMember).join(Expert, Expert.id == PanelMember.expert_id)
        .join(Declaration, Declaration.id == declaration_id)
        .join(GroupDeclaration, GroupDeclaration.declaration_id == Declaration.id)
        .join(ReviewGroup, and_(ReviewGroup.id == GroupDeclaration.group_id, ReviewGroup.session_id == panel.id))
        .where(PanelMember.session_id == panel.id, Expert.person_id == (actor.person_id or -1), ACTIVE)).first()
    if row is None:
        raise NotFound()
    member_id, member_group, duty, group_id, group_status, here, recused, already = row
    if stage == "group":
        if member_group != group_id:
            raise NotFound()
        if group_status != "group_voting":
            raise InvalidAction("panel.vote.not_open")
    else:
        if duty not in rules.VOTING_DUTIES:
            raise NotFound()
        if panel.status != "committee_voting":
            raise InvalidAction("panel.vote.not_open")
    if not here:
        raise InvalidAction("panel.not_signed_in")
    if recused:
        raise InvalidAction("panel.recused")
    if already:
        raise AlreadyVoted()
    return member_id


@refusals_audited
def cast(uow: UnitOfWork, actor: Actor, session_id: int, stage: str, choices: Mapping[int, str]) -> int:
    """Cast the actor's votes (dossier → approve / reject / abstain) in one transaction; returns how many.
    Either every vote counts or none does."""
    if stage not in rules.STAGES:
        raise ValidationError("panel.vote.stage")
    if not choices:
        raise ValidationError("panel.vote.pick")
    if any(c not in rules.CHOICES for c in choices.values()):
        raise ValidationError("panel.vote.choice")
    now = utcnow()
    try:
        with uow.write() as s:
            panel = s.get(PanelSession, session_id)
            if panel is None:
                raise NotFound()
            for declaration_id in sorted(choices):
                _one_vote(s, actor, panel, int(declaration_id), stage, choices[declaration_id], now)
            return len(choices)
    except IntegrityError:
        raise AlreadyVoted() from None


def _one_vote(s: Session, actor: Actor, panel: PanelSession, declaration_id: int, stage: str, choice: str,
              now: dt.datetime) -> None:
    member_id = _voter(s, actor, panel, declaration_id, stage)
    s.execute(insert(VoteParticipation).values(session_id=panel.id, declaration_id=declaration_id, stage=stage,
                                               member_id=member_id, voted_at=now))
    counters.bump(s, panel.id, declaration_id, stage, choice)
    audit.append(s, kind="panel", action="panel_vote", at=now, account_id=actor.account_id, role=actor.role,
                 unit_id=actor.unit_id, target=f"panel_session:{panel.id}", declaration_id=declaration_id,
                 detail={"stage": stage})  # never the choice


def _figures(s: Session, panel: PanelSession, declaration_id: int, stage: str, group_id: int | None) -> dict:
    """members, present (signed in or voted on it, not recused unless configured), and the counts, for one
    dossier."""
    who = PanelMember.group_id == group_id if stage == "group" else PanelMember.duty.in_(rules.VOTING_DUTIES)
    # a member who cast a ballot on the dossier was present for it, even if signed out since: otherwise signing
    # out voters after the vote would shrink the threshold while their ballots still count
    voted = exists().where(VoteParticipation.session_id == panel.id, VoteParticipation.declaration_id == declaration_id,
                           VoteParticipation.stage == stage, VoteParticipation.member_id == PanelMember.id)
    here = or_(SIGNED_IN, voted) if RULES.recused_count_as_present else and_(or_(SIGNED_IN, voted), ~recused_clause())
    members, present = s.execute(
        select(func.count(), func.count().filter(here))
        .select_from(PanelMember).join(Expert, Expert.id == PanelMember.expert_id)
        .join(Declaration, Declaration.id == declaration_id)
        .where(PanelMember.session_id == panel.id, ACTIVE, who)).one()
    got = counters.counts(s, panel.id, stage, [declaration_id]).get(declaration_id, dict.fromkeys(rules.CHOICES, 0))
    return {"members": int(members), "present": int(present), "yes": got["approve"], "no": got["reject"],
            "abstain": got["abstain"]}


def _record(s: Session, actor: Actor, panel: PanelSession, declaration_id: int, stage: str, figures: dict,
            now: dt.datetime) -> TallyResult:
    passed = rules.passes(figures["yes"], figures["present"])
    body = {"session": panel.id, "declaration": declaration_id, "stage": stage, **figures, "passed": passed,
            "confirmed_by": actor.account_id, "confirmed_at": now.astimezone(dt.timezone.utc).isoformat()}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    row = TallyResult(session_id=panel.id, declaration_id=declaration_id, stage=stage, passed=passed,
                      record_hash=digest, confirmed_by=actor.account_id, confirmed_at=now, **figures)
    s.add(row)
    return row


def result_hash(row: TallyResult) -> str:
    """The hash a tally row must carry (to check that no figure was changed since)."""
    body = {"session": row.session_id, "declaration": row.declaration_id, "stage": row.stage,
            "members": row.members, "present": row.present, "yes": row.yes, "no": row.no, "abstain": row.abstain,
            "passed": row.passed, "confirmed_by": row.confirmed_by,
            "confirmed_at": row.confirmed_at.astimezone(dt.timezone.utc).isoformat()}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _group_dossiers(s: Session, group_id: int) -> list[int]:
    return sorted(s.scalars(select(GroupDeclaration.declaration_id).where(GroupDeclaration.group_id == group_id)))


@refusals_audited
def close_group_vote(uow: UnitOfWork, actor: Actor, group_id: int, expected_version: int | None = None) -> None:
    """The group leader closes the group vote: the group's count per dossier is kept as its recommendation."""
    now = utcnow()
    with uow.write() as s:
        group = led_group(s, actor, group_id)
        panel = s.get(PanelSession, group.session_id)
        perform(RecordStore(s, "review_group", PanelFacts(s)), actor, group.id, "close_group_vote",
                expected_version=expected_version, now=now, today=local_date(now))
        for declaration_id in _group_dossiers(s, group.id):
            _record(s, actor, panel, declaration_id, "group", _figures(s, panel, declaration_id, "group", group.id), now)


@refusals_audited
def open_committee_vote(uow: UnitOfWork, actor: Actor, session_id: int, expected_version: int | None = None) -> None:
    """The committee unit opens the committee vote (every group voted, a quorum signed in)."""
    now = utcnow()
    with uow.write() as s:
        operated_session(s, actor, session_id)
        perform(RecordStore(s, "panel_session", PanelFacts(s)), actor, session_id, "open_committee_vote",
                expected_version=expected_version, now=now, today=local_date(now))
        counters.open_counters(s, session_id, "committee")


def _tally_actor_may(s: Session, actor: Actor, panel: PanelSession) -> None:
    if actor.role == "committee_operator":
        operated_session(s, actor, panel.id)
    elif actor.role != "chair" or member_of(s, actor, panel.id, ("chair",)) is None:
        raise NotFound()


@refusals_audited
def tally(uow: UnitOfWork, actor: Actor, session_id: int, expected_version: int | None = None) -> list[TallyResult]:
    """统票: quorum checked, each dossier's result written once with its hash, the session tallied, and each
    declaration moved on by the engine (``result_publicity`` or ``not_approved``)."""
    now = utcnow()
    today = local_date(now)
    with uow.write() as s:
        panel = s.get(PanelSession, session_id)
        if panel is None:
            raise NotFound()
        _tally_actor_may(s, actor, panel)
        perform(RecordStore(s, "panel_session", PanelFacts(s)), actor, panel.id, "tally",
                expected_version=expected_version, now=now, today=today)
        dossiers = sorted(s.scalars(select(GroupDeclaration.declaration_id).join(
            ReviewGroup, ReviewGroup.id == GroupDeclaration.group_id).where(ReviewGroup.session_id == panel.id)))
        results = [_record(s, actor, panel, d, "committee", _figures(s, panel, d, "committee", None), now)
                   for d in dossiers]
        s.flush()
        store = SqlStore(s)
        for d in dossiers:
            perform(store, actor, d, "tally", now=now, today=today)
        return results
