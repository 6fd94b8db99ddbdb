"""The append-only, hash-chained audit trail, and the command that verifies it.

Appends are serialised by locking the single chain-head row, and each event gets the next id
under that lock, so ids follow chain order on every backend. ``python -m core.audit.trail verify``
walks the chain and names the first broken row.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
_FIELDS = ("id", "at", "kind", "action", "outcome", "account_id", "role", "unit_id", "target",
           "declaration_id", "from_state", "to_state", "from_holder_unit_id", "to_holder_unit_id",
           "version", "comment", "detail")


def _canonical(values: dict[str, Any]) -> str:
    data = [values[f].astimezone(dt.timezone.utc).isoformat() if f == "at" else values[f] for f in _FIELDS]
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def row_hash(prev_hash: str, values: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + _canonical(values)).encode("utf-8")).hexdigest()


def ensure_chain_head(session: Session) -> None:
    if session.get(AuditChainHead, 1) is None:
        session.add(AuditChainHead(id=1, last_event_id=0, last_hash=GENESIS))
        session.flush()


# Built once: every append runs the same three statements with new parameters (no per-call
# statement construction or ORM bulk path; the SQL is unchanged).
_HEAD = AuditChainHead.__table__
_LOCK_HEAD = select(_HEAD.c.last_event_id, _HEAD.c.last_hash).where(_HEAD.c.id == 1).with_for_update()
_INSERT_EVENT = AuditEvent.__table__.insert()
_ADVANCE_HEAD = update(_HEAD).where(_HEAD.c.id == 1)


def append(session: Session, *, kind: str, action: str, at: dt.datetime, outcome: str = "ok",
           account_id: int | None = None, role: str | None = None, unit_id: int | None = None,
           target: str | None = None, declaration_id: int | None = None, from_state: str | None = None,
           to_state: str | None = None, from_holder_unit_id: int | None = None,
           to_holder_unit_id: int | None = None, version: int | None = None, comment: str | None = None,
           detail: dict | None = None) -> int:
    """Append one audit event in the caller's transaction; returns its id."""
    if session.autoflush:  # as the ORM statements these replaced did before running
        session.flush()
    head = session.execute(_LOCK_HEAD).one_or_none()
    if head is None:
        ensure_chain_head(session)
        head = (0, GENESIS)
    values = dict(id=head[0] + 1, at=at.astimezone(dt.timezone.utc), kind=kind, action=action, outcome=outcome,
                  account_id=account_id, role=role, unit_id=unit_id, target=target,
                  declaration_id=declaration_id, from_state=from_state, to_state=to_state,
                  from_holder_unit_id=from_holder_unit_id, to_holder_unit_id=to_holder_unit_id,
                  version=version, comment=comment, detail=detail or {})
    digest = row_hash(head[1], values)
    session.execute(_INSERT_EVENT, {**values, "prev_hash": head[1], "row_hash": digest})
    session.execute(_ADVANCE_HEAD, {"last_event_id": values["id"], "last_hash": digest})
    return values["id"]


def verify(session: Session, batch: int = 5000) -> int | None:
    """Return the id of the first row whose hash or link is wrong, or None if the chain holds.

    The chain head, read first, names the last row: a removed tail is reported at its first missing row."""
    head = session.execute(select(AuditChainHead.last_event_id, AuditChainHead.last_hash)
                           .where(AuditChainHead.id == 1)).one_or_none()
    prev, last_id = GENESIS, 0
    columns = [getattr(AuditEvent, f) for f in _FIELDS] + [AuditEvent.prev_hash, AuditEvent.row_hash]
    while True:
        rows = session.execute(select(*columns).where(AuditEvent.id > last_id)
                               .order_by(AuditEvent.id).limit(batch)).all()
        if not rows:
            return last_id + 1 if head is not None and head[0] > last_id else None
        for row in rows:
            values = dict(zip(_FIELDS, row[:len(_FIELDS)]))
            if row.prev_hash != prev or row_hash(prev, values) != row.row_hash:
                return row.id
            if head is not None and row.id == head[0] and row.row_hash != head[1]:
                return row.id
            prev, last_id = row.row_hash, row.id


def main(argv: list[str]) -> int:
    from db.session import read_session

    if argv[:1] != ["verify"]:
        print("usage: python -m core.audit.trail verify")
        return 2
    with read_session() as session:
        broken = verify(session)
    if broken is None:
        print("audit chain OK")
        return 0
    print(f"audit chain broken at event id {broken}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
