"""The append-only, hash-chained audit trail, and the commands that seal and verify it.

The trail is several hash chains (``TITLES_AUDIT_CHAINS``, ``core.common.config.audit_chains``), so
unrelated writes do not queue behind one row. Each chain has its own head row in ``audit_chain_head``
(last event id, last position, last hash); an append claims the next position of one chain with an
``UPDATE ... RETURNING`` of that head (the row lock serialises that chain only), takes the event id from
the table's sequence (on SQLite, where the database has one writer, the next id after the largest),
hashes the row onto the chain's last hash, inserts it with ``chain`` and ``chain_seq`` and advances the
head. Ids are unique and increase along every chain; across chains they are not contiguous (a rolled
back append leaves a gap) and, under concurrency, ids need not follow commit order across chains.

Which chain: the first append of a transaction picks ``crc32(key) % chains``, where the key is the
acting account (``account_id``), else the ``target``, else the event's ``kind``; later appends of the
same transaction stay on that chain. Why the actor: what one person does is sequential anyway (one click
after another), while different people are exactly the writes that should not wait for each other — 60
voters marking the same declaration share its target, not their account — and a person's history reads
in order along one chain. Why a hash and not a random pick or the connection: the same events always
land on the same chains, so runs and tests are reproducible and a chain does not depend on which server
thread happened to write. Why one chain per transaction: a transaction then holds at most one chain head
(plus the anchor head below, always taken last), so appends can never deadlock on heads.

Anchors fold the heads of all chains into one row: an event of chain -1 (kind ``audit``, action
``anchor``) whose detail lists every chain's (chain, position, event id, hash) and ``fold``, the hash of
that list; anchors chain among themselves like any chain. One is written every
``TITLES_AUDIT_ANCHOR_EVERY`` appends to a chain (by the append that reaches it), by
``python -m core.audit.trail anchor``, and by ``verify`` after a clean check. Publish an anchor's
``fold`` (or row hash) outside the database and even a rewrite that recomputes every hash after it is
caught.

``python -m core.audit.trail verify`` walks every chain (ordered by chain and position) and names the
first broken row: the lowest event id, across chains, whose link, hash, position or anchor seal is
wrong. A removed row is found at the row after it in its chain; a removed tail, which no row follows,
is found through the chain head (or an anchor that sealed it) at the lowest id the missing rows can
have. An edited anchor is an edited row of chain -1.

The hashes have no key, so whoever writes the database can cut a tail and set its head back, or rewrite
a row and recompute everything after it (heads and anchors included): ``core.audit.checkpoint`` signs
the heads with a key held outside the database into an append-only log, and ``verify`` checks the
table against those checkpoints too (and exits 2 without the key). A row past its chain head is broken.

Row hashes cover the same fields as before chains existed (not ``chain``/``chain_seq``), so the rows of
the single chain migrated into chain 0 verify unchanged; a row moved to another chain or position breaks
the links around it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import zlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, exists, func, literal_column, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from core.audit import checkpoint
from core.common.config import audit_anchor_every, audit_chains, now
from db.models import AuditChainHead, AuditEvent
from db.uow import UnitOfWork

GENESIS = "0" * 64
ANCHOR_CHAIN = -1
_FIELDS = ("id", "at", "kind", "action", "outcome", "account_id", "role", "unit_id", "target",
           "declaration_id", "from_state", "to_state", "from_holder_unit_id", "to_holder_unit_id",
           "version", "comment", "detail")
_STICKY = "core.audit.trail.chain"  # session.info key: (transaction, chain) of the transaction's first append


def _canonical(values: dict[str, Any]) -> str:
    data = [values[f].astimezone(dt.timezone.utc).isoformat() if f == "at" else values[f] for f in _FIELDS]
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def row_hash(prev_hash: str, values: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + _canonical(values)).encode("utf-8")).hexdigest()


def fold(heads: list[list]) -> str:
    """The hash of a list of chain heads ``[chain, position, event id, hash]`` (what an anchor seals)."""
    return hashlib.sha256(json.dumps(heads, separators=(",", ":")).encode("utf-8")).hexdigest()


def chain_for(key: str, chains: int) -> int:
    """The chain of an append keyed ``key`` (stable across processes and runs: crc32, not ``hash``)."""
    return zlib.crc32(key.encode("utf-8")) % chains if chains > 1 else 0


# Built once: an append runs the same three statements with new parameters.
_HEAD = AuditChainHead.__table__
_EVENT = AuditEvent.__table__
_NEXT_ID = {
    # After the head's row lock is taken (RETURNING is evaluated once the row is updated), so ids
    # increase along the chain in the order its appends commit.
    "postgresql": func.nextval(literal_column("'audit_event_id_seq'")),
    # SQLite has one writer at a time (BEGIN IMMEDIATE): the next id after the largest is free.
    "sqlite": select(func.coalesce(func.max(_EVENT.c.id), 0) + 1).scalar_subquery(),
}
_CLAIM = {name: update(_HEAD).where(_HEAD.c.chain == bindparam("chain_"))
          .values(last_seq=_HEAD.c.last_seq + 1).returning(_HEAD.c.last_seq, _HEAD.c.last_hash, next_id)
          for name, next_id in _NEXT_ID.items()}
_NEW_HEAD = {"postgresql": postgresql.insert(_HEAD).on_conflict_do_nothing(index_elements=["chain"]),
             "sqlite": sqlite.insert(_HEAD).on_conflict_do_nothing(index_elements=["chain"])}
_INSERT_EVENT = _EVENT.insert()
_ADVANCE_HEAD = update(_HEAD).where(_HEAD.c.chain == bindparam("chain_"))
_HEADS = select(_HEAD.c.chain, _HEAD.c.last_seq, _HEAD.c.last_event_id, _HEAD.c.last_hash).order_by(_HEAD.c.chain)


def ensure_chain_head(session: Session, chain: int = 0) -> None:
    """Create the head row of ``chain`` unless it exists (two transactions may race to create it)."""
    session.execute(_NEW_HEAD[_dialect(session)], {"chain": chain, "last_event_id": 0, "last_seq": 0,
                                                   "last_hash": GENESIS})


def _dialect(session: Session) -> str:
    name = session.get_bind().dialect.name
    return name if name in _CLAIM else "sqlite"  # any other backend must serialise writers like SQLite


def _link(session: Session, chain: int, values: dict[str, Any]) -> tuple[int, int]:
    """Put one row at the end of ``chain``; returns (event id, position)."""
    dialect = _dialect(session)
    claimed = session.execute(_CLAIM[dialect], {"chain_": chain}).one_or_none()
    if claimed is None:
        ensure_chain_head(session, chain)
        claimed = session.execute(_CLAIM[dialect], {"chain_": chain}).one()
    seq, prev, event_id = claimed
    values["id"] = event_id
    digest = row_hash(prev, values)
    session.execute(_INSERT_EVENT, {**values, "chain": chain, "chain_seq": seq, "prev_hash": prev, "row_hash": digest})
    session.execute(_ADVANCE_HEAD, {"chain_": chain, "last_event_id": event_id, "last_hash": digest})
    return event_id, seq


def _pick_chain(session: Session, account_id: int | None, target: str | None, kind: str) -> int:
    sticky = session.info.get(_STICKY)
    transaction = session.get_transaction()
    if sticky is not None and transaction is not None and sticky[0] is transaction:
        return sticky[1]
    key = f"account:{account_id}" if account_id is not None else target if target else f"kind:{kind}"
    return chain_for(key, audit_chains())


def append(session: Session, *, kind: str, action: str, at: dt.datetime, outcome: str = "ok",
           account_id: int | None = None, role: str | None = None, unit_id: int | None = None,
           target: str | None = None, declaration_id: int | None = None, from_state: str | None = None,
           to_state: str | None = None, from_holder_unit_id: int | None = None,
           to_holder_unit_id: int | None = None, version: int | None = None, comment: str | None = None,
           detail: dict | None = None) -> int:
    """Append one audit event in the caller's transaction; returns its id."""
    if session.autoflush:  # as the ORM statements these replaced did before running
        session.flush()
    chain = _pick_chain(session, account_id, target, kind)
    values = dict(at=at.astimezone(dt.timezone.utc), kind=kind, action=action, outcome=outcome,
                  account_id=account_id, role=role, unit_id=unit_id, target=target,
                  declaration_id=declaration_id, from_state=from_state, to_state=to_state,
                  from_holder_unit_id=from_holder_unit_id, to_holder_unit_id=to_holder_unit_id,
                  version=version, comment=comment, detail=detail or {})
    event_id, seq = _link(session, chain, values)
    session.info[_STICKY] = (session.get_transaction(), chain)
    every = audit_anchor_every()
    if every and seq % every == 0:
        anchor(session, at)
    return event_id


def anchor(session: Session, at: dt.datetime | None = None) -> int:
    """Append an anchor to chain -1 in the caller's transaction: every chain's current head (as committed,
    and this transaction's own) folded into one row. Returns the anchor's event id.

    Takes the anchors' head lock only (after the caller's chain head, if any): the other heads are read,
    not locked, so anchoring never holds up appends."""
    heads = [[c, seq, last_id, last_hash] for c, seq, last_id, last_hash in session.execute(_HEADS)
             if c != ANCHOR_CHAIN and seq > 0]
    at = (at or now()).astimezone(dt.timezone.utc)
    values = dict(at=at, kind="audit", action="anchor", outcome="ok", account_id=None, role=None, unit_id=None,
                  target=None, declaration_id=None, from_state=None, to_state=None,
                  from_holder_unit_id=None, to_holder_unit_id=None, version=None, comment=None,
                  detail={"heads": heads, "fold": fold(heads)})
    event_id, _ = _link(session, ANCHOR_CHAIN, values)
    return event_id


# --- verification -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Break:
    """The first broken row: its event id (or the lowest id a missing row can have), chain and why."""
    event_id: int
    chain: int
    reason: str

    def __str__(self) -> str:
        where = "anchor chain" if self.chain == ANCHOR_CHAIN else f"chain {self.chain}"
        return f"event id {self.event_id} ({where}): {self.reason}"


def _first_missing_id(session: Session, after: int, upto: int) -> int:
    """The lowest id above ``after`` that no row holds (at most ``upto``): where missing rows begin."""
    nxt = aliased(AuditEvent)
    gap = session.scalar(select(func.min(AuditEvent.id + 1)).where(
        AuditEvent.id >= after, AuditEvent.id < upto, ~exists().where(nxt.id == AuditEvent.id + 1)))
    if after == 0 and session.get(AuditEvent, 1) is None:
        gap = 1
    return min(gap, upto) if gap is not None else upto


class _Walk:
    """One chain's walk: where it stands and what seals it."""

    def __init__(self, chain: int, head: tuple | None):
        self.chain, self.head = chain, head  # head: (last_seq, last_event_id, last_hash) or None
        self.prev, self.seq, self.last_id = GENESIS, 0, 0


def check(session: Session, batch: int = 5000) -> Break | None:
    """The first broken row of the trail (lowest event id across chains), or None if every chain holds.

    Heads and anchors are read before the rows they vouch for, so rows appended while the walk runs are
    simply walked too. Chains are walked one after the other from -1 (the anchors, whose seals the
    others are then checked against), each by its (chain, chain_seq) index in batches."""
    heads = {c: (seq, last_id, last_hash) for c, seq, last_id, last_hash in session.execute(_HEADS)}
    seals: dict[tuple[int, int], tuple[int, str]] = {}  # (chain, position) -> (event id, hash), from anchors
    columns = [getattr(AuditEvent, f) for f in _FIELDS] + [AuditEvent.chain_seq, AuditEvent.prev_hash,
                                                           AuditEvent.row_hash]
    found: list[Break] = []

    def broken(w: _Walk, row: Any, values: dict[str, Any]) -> str | None:
        if row.chain_seq != w.seq + 1:
            return f"position {row.chain_seq} follows {w.seq}: the rows between are missing"
        if row.prev_hash != w.prev:
            return "its link does not match the row before it"
        if row_hash(w.prev, values) != row.row_hash:
            return "its hash does not match its content"
        if row.id <= w.last_id:
            return "its id does not increase along the chain"
        seal = seals.get((w.chain, row.chain_seq))
        if seal is not None and seal != (row.id, row.row_hash):
            return "it differs from what an anchor sealed"
        if w.head is not None and row.chain_seq == w.head[0] and (row.id, row.row_hash) != w.head[1:]:
            return "it differs from its chain head"
        if w.chain == ANCHOR_CHAIN and values["detail"].get("fold") != fold(values["detail"].get("heads")):
            return "the anchor's fold does not match the heads it lists"
        return None

    def walk(w: _Walk) -> None:
        """Walk one chain up to its first broken row; at its end, the head and the anchors' seals must
        not lie beyond its last row."""
        while True:
            rows = session.execute(select(*columns).where(AuditEvent.chain == w.chain, AuditEvent.chain_seq > w.seq)
                                   .order_by(AuditEvent.chain_seq).limit(batch)).all()
            if not rows:
                break
            for row in rows:
                values = dict(zip(_FIELDS, row[:len(_FIELDS)]))
                reason = broken(w, row, values)
                if reason is not None:
                    found.append(Break(row.id, w.chain, reason))
                    return
                if w.chain == ANCHOR_CHAIN:
                    for c, seq, event_id, digest in values["detail"]["heads"]:
                        seals[(c, seq)] = (event_id, digest)
                w.prev, w.seq, w.last_id = row.row_hash, row.chain_seq, row.id
        if w.head is None:
            found.append(Break(w.last_id, w.chain, "no chain head vouches for this chain"))
            return
        if w.seq > w.head[0]:  # rows past the head read first: appended meanwhile, or slipped in
            head = session.execute(_HEADS.where(_HEAD.c.chain == w.chain)).one_or_none()
            if head is None or w.seq > head[1]:
                beyond = session.scalar(select(AuditEvent.id).where(
                    AuditEvent.chain == w.chain, AuditEvent.chain_seq == (head[1] if head else 0) + 1))
                found.append(Break(beyond or w.last_id, w.chain, "it lies beyond its chain head"))
                return
        missing = [event_id for (c, seq), (event_id, _) in seals.items() if c == w.chain and seq > w.seq]
        if missing:
            found.append(Break(min(missing), w.chain, "missing, though an anchor sealed it"))
        elif w.head[0] > w.seq:
            found.append(Break(_first_missing_id(session, w.last_id, w.head[1]), w.chain,
                               f"missing: the chain head names position {w.head[0]}, the last row is at {w.seq}"))

    first = select(func.min(AuditEvent.chain))
    chain = session.scalar(first)
    walked = set()
    while chain is not None:
        head = heads.get(chain)
        if head is None:  # a chain begun after the heads were read has its head by now
            head = session.execute(_HEADS.where(_HEAD.c.chain == chain)).one_or_none()
            head = head[1:] if head is not None else None
        walk(_Walk(chain, head))
        walked.add(chain)
        chain = session.scalar(first.where(AuditEvent.chain > chain))
    for chain in sorted((set(heads) | {c for c, _ in seals}) - walked):  # chains whose every row is gone
        head = heads.get(chain, (0, 0, GENESIS))
        if head[0] > 0 or any(c == chain for c, _ in seals):
            walk(_Walk(chain, head))
    return min(found, key=lambda b: b.event_id) if found else None


def verify(session: Session, batch: int = 5000) -> int | None:
    """Return the id of the first broken row (the lowest across chains), or None if the trail holds."""
    broken = check(session, batch)
    return broken.event_id if broken is not None else None


def _verify(uow: UnitOfWork) -> int:
    """The in-table chains, then the external checkpoints; 0 and a fresh anchor and checkpoint if both
    hold, 1 if either is broken, 2 without the checkpoint key."""
    with uow.read() as session:
        broken = check(session)
        try:
            external = checkpoint.verify_external(session, checkpoint.load_key())
        except checkpoint.AuditKeyMissing as missing:
            print(f"audit chain {'OK in the table' if broken is None else f'broken at {broken}'}; "
                  f"external checkpoints NOT checked: {missing}")
            return 2
    if broken is not None:
        print(f"audit chain broken at {broken}")
    if external.finding is not None:
        print(f"audit chain disagrees with its external checkpoints: {external.finding}")
    if broken is not None or external.finding is not None:
        return 1
    with uow.write() as session:  # seal what was just found intact
        event_id = anchor(session)
    signed = checkpoint.checkpoint(uow)
    print(f"audit chain OK: {len(external.checkpoints)} external checkpoint(s) agree "
          f"(anchor written: event id {event_id}; checkpoint {signed.heads_hash[:16]} "
          f"appended to {checkpoint.log_path()})")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] not in (["verify"], ["anchor"]):
        print("usage: python -m core.audit.trail verify | anchor")
        return 2
    uow = UnitOfWork.from_url()
    try:
        if argv[0] == "verify":
            return _verify(uow)
        checkpoint.ensure_key()
        with uow.write() as session:
            event_id = anchor(session)
        signed = checkpoint.checkpoint(uow)
        print(f"audit anchor written: event id {event_id}; checkpoint {signed.heads_hash[:16]} "
              f"(HMAC {signed.mac[:16]}) appended to {checkpoint.log_path()}")
        return 0
    finally:
        uow.dispose()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
