"""The secret ballot's counters (rules.md): choices are kept only as counts per dossier, stage and choice.

When a vote opens, every counter of it is created at zero in one statement, so no row's position or
id says which choice came first. A vote inserts the voter's participation row and adds one to a counter
in the same transaction; the counter row keeps no voter, no time and no order, and every counter of the
dossier is rewritten by each vote, so no row version says which one that vote bumped.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import case, insert, select, update
from sqlalchemy.orm import Session

from core.panel import rules
from db.models import GroupDeclaration, ReviewGroup, VoteCount

def open_counters(s: Session, session_id: int, stage: str, group_ids: Iterable[int] | None = None) -> int:
    """Zero counters for every dossier of these groups (default: every group of the session)."""
    q = (select(GroupDeclaration.declaration_id).join(ReviewGroup, ReviewGroup.id == GroupDeclaration.group_id)
         .where(ReviewGroup.session_id == session_id))
    if group_ids is not None:
        q = q.where(ReviewGroup.id.in_(list(group_ids)))
    dossiers = sorted(s.scalars(q))
    if dossiers:
        s.execute(insert(VoteCount), [dict(session_id=session_id, declaration_id=d, stage=stage, choice=c, count=0)
                                      for d in dossiers for c in rules.CHOICES])
    return len(dossiers)


def bump(s: Session, session_id: int, declaration_id: int, stage: str, choice: str) -> None:
    """Add one to the choice's counter by rewriting every counter of the dossier and stage (adding 0 to the
    others): a row version written alone would carry the voter's transaction (PostgreSQL's ``xmin``, the
    same as on their participation row) and so name the choice of its last voter."""
    result = s.execute(update(VoteCount).where(
        VoteCount.session_id == session_id, VoteCount.declaration_id == declaration_id, VoteCount.stage == stage)
        .values(count=VoteCount.count + case((VoteCount.choice == choice, 1), else_=0)))
    if result.rowcount != len(rules.CHOICES):
        raise RuntimeError("vote counter missing: the vote was not opened through open_counters")


def counts(s: Session, session_id: int, stage: str, declaration_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """{declaration: {choice: count}} for a stage (only after its vote is closed or tallied)."""
    q = select(VoteCount.declaration_id, VoteCount.choice, VoteCount.count).where(
        VoteCount.session_id == session_id, VoteCount.stage == stage)
    if declaration_ids is not None:
        q = q.where(VoteCount.declaration_id.in_(list(declaration_ids)))
    out: dict[int, dict[str, int]] = {}
    for d, choice, n in s.execute(q):
        out.setdefault(d, dict.fromkeys(rules.CHOICES, 0))[choice] = n
    return out
