"""Permission denials in the audit trail, without letting one caller flood it.

Every refusal is still refused; what is limited is how many rows identical refusals write (the same
account, action and target, counted per minute in the database by ``core.common.rate_limit``). The first
``FIRST`` of a minute are written as they come; after that only the 8th, 16th, 32nd... each saying how
many identical denials this minute it stands for (``repeated``) and how many since the last row were not
written (``unwritten``); the first denial of the next minute carries the previous minute's total
(``previous_minute``) when some of it went unwritten. So a minute of n identical denials writes at most
``FIRST + log2(n)`` rows and the trail still tells how many there were, while distinct denials (another
target, action or account) are each written.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.common.rate_limit import Limit, hashed_key, hit, peek

FIRST = 5
WINDOW = dt.timedelta(minutes=1)
DENIALS = Limit("audit.denial", FIRST, WINDOW)


def written_of(total: int) -> int:
    """How many rows ``total`` identical denials in one window wrote."""
    powers = sum(1 for k in range(64) if FIRST < 2 ** k <= total)
    return min(total, FIRST) + powers


def record(session: Session, *, at: dt.datetime, action: str, target: str, account_id: int | None,
           role: str | None, unit_id: int | None, error: str) -> int | None:
    """Audit one denial in the caller's transaction; returns the event id, or None when it was only counted."""
    key = hashed_key(account_id, role, unit_id, action, target)
    n = hit(session, DENIALS, key, at).hits
    detail: dict = {"error": error}
    if n == 1:
        before = peek(session, DENIALS, key, at - WINDOW)
        if before > FIRST:
            detail.update(previous_minute=before, previous_minute_unwritten=before - written_of(before))
    elif n > FIRST:
        if n & (n - 1):
            return None
        detail.update(repeated=n, unwritten=n - max(FIRST, n // 2) - 1)
    return audit.append(session, kind="denial", action=action, outcome="denied", at=at, account_id=account_id,
                        role=role, unit_id=unit_id, target=target, detail=detail)
