"""Drawing experts at random from the expert library (随机抽取专家), replayable.

A drawing picks, for one group and one specialty, the experts still needed. The eligible pool is the
library's experts of the committee's series with that specialty and a running term, minus, with a
reason counted for each:

* ``in_session``: already a member of this session (an expert is never in two groups);
* ``declined``: declined this session before;
* ``own_unit``: the unit of an applicant in the group (回避);
* ``applicant``: an applicant in the group themselves;
* ``conflict``: a declared conflict with an applicant in the group.

Experts already in the group who cover the specialty count towards its need, so one expert covering
two specialties of a group is set once (§6.2.10.1's example). The pool is sorted by expert id and
hashed; a fresh random seed picks from it with ``random.Random(seed).sample``. The record keeps the
seed, the rule version, the pool and its hash, so :func:`replay` can run the drawing again and show that
it gives the same experts. The audit event says who drew and when, with counts only (no names).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import secrets
import sys
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.common.config import local_date
from core.common.errors import InvalidAction, NotFound, ValidationError
from core.machines.spec import Actor
from core.panel import rules
from core.panel.access import in_setup, operated_group, operated_session
from core.panel.sessions import ensure_role, log
from db.base import utcnow
from db.models import (Account, Committee, Declaration, Expert, ExpertConflict, GroupDeclaration, GroupNeed,
                       PanelDraw, PanelMember, PanelSession)
from db.uow import UnitOfWork
from core.refusals import refusals_audited


@dataclass(frozen=True)
class DrawResult:
    draw_id: int
    wanted: int
    drawn: tuple[int, ...]          # expert ids, in drawing order
    pool_size: int
    excluded: dict[str, int]        # reason -> count


@dataclass(frozen=True)
class Replay:
    draw_id: int
    recorded: tuple[int, ...]
    replayed: tuple[int, ...]
    pool_hash_ok: bool
    members_match: bool             # the session's members from this drawing are the ones drawn

    @property
    def same(self) -> bool:
        return self.pool_hash_ok and self.members_match and self.recorded == self.replayed


def pool_hash(expert_ids: list[int], rule_version: str) -> str:
    return hashlib.sha256(json.dumps([rule_version, expert_ids]).encode()).hexdigest()


def pick(pool: list[int], wanted: int, seed: str) -> list[int]:
    """The drawing itself: deterministic for a pool (sorted ids) and a seed."""
    return random.Random(seed).sample(pool, min(wanted, len(pool)))


def _group_people(s: Session, group_id: int) -> tuple[set[int], set[int]]:
    rows = s.execute(select(Declaration.unit_id, Declaration.applicant_person_id)
                     .join(GroupDeclaration, GroupDeclaration.declaration_id == Declaration.id)
                     .where(GroupDeclaration.group_id == group_id)).all()
    return {r[0] for r in rows}, {r[1] for r in rows}


def eligible_pool(s: Session, panel: PanelSession, group_id: int | None, specialty: str | None,
                  today: dt.date) -> tuple[list[int], dict[str, int]]:
    """(sorted eligible expert ids, excluded counts by reason) for a drawing now."""
    series = s.scalar(select(Committee.series_code).where(Committee.id == panel.committee_id))
    candidates = s.execute(select(Expert.id, Expert.unit_id, Expert.person_id, Expert.specialty_codes)
                           .where(Expert.series_code == series, Expert.in_library.is_(True),
                                  or_(Expert.term_end.is_(None), Expert.term_end >= today))
                           .order_by(Expert.id)).all()
    members = dict(s.execute(select(PanelMember.expert_id, PanelMember.declined_at)
                             .where(PanelMember.session_id == panel.id)).all())
    # committee-only members vote on every dossier: they are recused per dossier when the vote opens
    units, applicants = _group_people(s, group_id) if group_id is not None else (set(), set())
    conflicted = set(s.scalars(select(ExpertConflict.expert_id).where(ExpertConflict.person_id.in_(applicants))))
    pool, excluded = [], Counter()
    for expert_id, unit_id, person_id, specialties in candidates:
        if specialty is not None and specialty not in (specialties or []):
            continue
        reason = ("declined" if expert_id in members and members[expert_id] is not None
                  else "in_session" if expert_id in members
                  else "applicant" if person_id in applicants
                  else "own_unit" if unit_id in units
                  else "conflict" if expert_id in conflicted else None)
        if reason:
            excluded[reason] += 1
        else:
            pool.append(expert_id)
    return pool, dict(excluded)


def still_needed(s: Session, group_id: int, specialty: str) -> int:
    need = s.scalar(select(GroupNeed.count).where(GroupNeed.group_id == group_id,
                                                  GroupNeed.specialty_code == specialty)) or 0
    covering = s.execute(select(Expert.specialty_codes).join(PanelMember, PanelMember.expert_id == Expert.id)
                         .where(PanelMember.group_id == group_id, PanelMember.declined_at.is_(None))).scalars()
    return max(0, need - sum(1 for codes in covering if specialty in (codes or [])))


@refusals_audited
def draw_for_group(uow: UnitOfWork, actor: Actor, group_id: int, specialty: str, *,
                   seed: str | None = None) -> DrawResult:
    """Draw the experts a group still needs for one specialty (抽取). ``seed`` is for a reproducible
    demonstration only (the demo province); pages never pass one, so a fresh random seed is drawn."""
    now = utcnow()
    with uow.write() as s:
        group, panel = operated_group(s, actor, group_id)
        in_setup(panel)
        wanted = still_needed(s, group.id, specialty)
        if wanted == 0:
            raise InvalidAction("panel.draw_nothing_needed")
        return _draw(s, actor, panel, group.id, specialty, wanted, "group", now, seed)


@refusals_audited
def draw_committee(uow: UnitOfWork, actor: Actor, session_id: int, count: int, *,
                   seed: str | None = None) -> DrawResult:
    """Draw committee members who vote in the full committee only (no group); they are recused from
    the dossiers of their own unit or conflicts when they vote."""
    if not isinstance(count, int) or not 1 <= count <= 99:
        raise ValidationError("panel.need_range")
    now = utcnow()
    with uow.write() as s:
        panel = operated_session(s, actor, session_id)
        in_setup(panel)
        return _draw(s, actor, panel, None, None, count, "committee", now, seed)


def _draw(s: Session, actor: Actor, panel: PanelSession, group_id: int | None, specialty: str | None, wanted: int,
          purpose: str, now: dt.datetime, seed: str | None = None) -> DrawResult:
    pool, excluded = eligible_pool(s, panel, group_id, specialty, local_date(now))
    if not pool:
        raise InvalidAction("panel.draw_pool_empty")
    seed = seed or secrets.token_hex(16)
    drawn = pick(pool, wanted, seed)
    record = PanelDraw(session_id=panel.id, group_id=group_id, purpose=purpose, specialty_code=specialty,
                       wanted=wanted, seed=seed, rule_version=rules.DRAW_RULE_VERSION,
                       pool_hash=pool_hash(pool, rules.DRAW_RULE_VERSION), pool_size=len(pool), pool_expert_ids=pool,
                       excluded=excluded, drawn_expert_ids=drawn, drawn_by=actor.account_id, drawn_at=now)
    s.add(record)
    s.flush()
    duty = "expert" if group_id is not None else "committee_member"
    s.add_all(PanelMember(session_id=panel.id, expert_id=e, group_id=group_id, duty=duty, draw_id=record.id)
              for e in drawn)
    for account_id in s.scalars(select(Account.id).join(Expert, Expert.person_id == Account.person_id)
                                .where(Expert.id.in_(drawn))):
        ensure_role(s, account_id, "expert", None, None, now)
        if duty != "expert":
            ensure_role(s, account_id, duty, panel.committee_id, panel.year, now)
    log(s, actor, "draw", f"panel_draw:{record.id}", now, session_id=panel.id, group_id=group_id,
        specialty=specialty, wanted=wanted, drawn=len(drawn), pool=len(pool), excluded=excluded,
        rule_version=rules.DRAW_RULE_VERSION)
    return DrawResult(record.id, wanted, tuple(drawn), len(pool), excluded)


@refusals_audited
def decline(uow: UnitOfWork, actor: Actor, member_id: int) -> None:
    """An expert who cannot come declines; a further drawing fills the place (they are never drawn
    again for this session)."""
    now = utcnow()
    with uow.write() as s:
        member = s.get(PanelMember, member_id)
        if member is None:
            raise NotFound()
        panel = operated_session(s, actor, member.session_id)
        in_setup(panel)
        if member.declined_at is not None:
            raise InvalidAction("panel.member_declined")
        member.declined_at = now
        log(s, actor, "decline", f"panel_member:{member.id}", now, session_id=panel.id)


@refusals_audited
def replay(uow: UnitOfWork, actor: Actor, draw_id: int) -> Replay:
    """Run a recorded drawing again from its seed and pool, and compare with what was recorded."""
    with uow.read() as s:
        record = s.get(PanelDraw, draw_id)
        if record is None:
            raise NotFound()
        operated_session(s, actor, record.session_id)
        return replay_record(s, record)


def replay_record(s: Session, record: PanelDraw) -> Replay:
    pool = list(record.pool_expert_ids)
    again = pick(pool, record.wanted, record.seed)
    members = set(s.scalars(select(PanelMember.expert_id).where(PanelMember.draw_id == record.id)))
    return Replay(record.id, tuple(record.drawn_expert_ids), tuple(again),
                  pool_hash(pool, record.rule_version) == record.pool_hash, members == set(record.drawn_expert_ids))


@refusals_audited
def draws(uow: UnitOfWork, actor: Actor, session_id: int) -> list[PanelDraw]:
    with uow.read() as s:
        operated_session(s, actor, session_id)
        rows = list(s.scalars(select(PanelDraw).where(PanelDraw.session_id == session_id).order_by(PanelDraw.id)))
        s.expunge_all()  # detached, readable after the read session ends
        return rows


def main(argv: list[str]) -> int:
    """``python -m core.panel.drawing replay DRAW_ID``: run a recorded drawing again on the server and
    print whether it gives the same experts (exit 0) or not (exit 1)."""
    if len(argv) != 2 or argv[0] != "replay" or not argv[1].isdigit():
        print("usage: python -m core.panel.drawing replay DRAW_ID")
        return 2
    uow = UnitOfWork.from_url()
    try:
        with uow.read() as s:
            record = s.get(PanelDraw, int(argv[1]))
            if record is None:
                print(f"no drawing {argv[1]}")
                return 2
            result = replay_record(s, record)
            print(f"drawing {result.draw_id}: seed {record.seed}, rule {record.rule_version}, pool {record.pool_size} "
                  f"(hash {'ok' if result.pool_hash_ok else 'CHANGED'}), excluded {record.excluded}")
    finally:
        uow.dispose()
    print(f"recorded {list(result.recorded)}")
    print(f"replayed {list(result.replayed)}")
    print("SAME" if result.same else "DIFFERENT")
    return 0 if result.same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
