"""Signed checkpoints of the audit trail, kept outside the database.

The trail's hashes (``core.audit.trail``) have no key: whoever can write the database can delete the
newest rows and set the chain heads back, or rewrite a row and recompute every hash after it, the heads
and the in-table anchors, and the chains still verify. So the heads are also written outside the
database: a checkpoint is every chain's head (chain, position, event id, hash, time of that event) with
an HMAC-SHA256 under a key the database does not hold, appended as one JSON line to an append-only log
in the file store (``<file store>/audit-anchors.log``, or ``TITLES_AUDIT_ANCHOR_LOG``). ``verify``
(``python -m core.audit.trail verify``) checks every line's HMAC and that each row a checkpoint names is
still there with that id and hash: a cut tail is "rows after #N missing", a rewrite is the checkpointed
row whose hash differs, with the range since the last checkpoint that still agreed.

The key: ``TITLES_AUDIT_KEY``, else the file ``<file store>/audit.key`` (or ``TITLES_AUDIT_KEY_FILE``),
generated there on the first start (``ensure_key``, mode 0600), never in the database or the repository.
Without it nothing can be checked or signed, and the commands say so.

Checkpoints are written when the app starts and every ``TITLES_AUDIT_CHECKPOINT_MINUTES`` while it runs
(``core.setup.bootstrap.start_audit_checkpoints``), by ``python -m core.audit.trail anchor`` (from cron,
say) and by ``verify`` after a clean check. Rows appended after the latest checkpoint are protected by
the in-table chains only, until the next one.

Why the rows' own hashes stay unkeyed: keying them would mean recomputing every existing chain (the
migrated single chain included) with a key that the database migration would have to read, every append
would need the key, and a lost or rotated key would make the whole trail unverifiable. A keyed
checkpoint of the heads gives the same guarantee for everything up to it at the cost of one line per
checkpoint, and losing the key only loses the checkpoints, not the chains.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from core.common.config import audit_checkpoint_minutes, file_store_path, now
from core.common.errors import DomainError
from db.models import AuditChainHead, AuditEvent
from db.uow import UnitOfWork

KEY_ENV = "TITLES_AUDIT_KEY"
_CHUNK = 200  # checkpointed rows looked up per query

Head = tuple[int, int, int, str, str]  # chain, position, event id, row hash, time of that event (ISO, UTC)


class AuditKeyMissing(DomainError):
    key = "audit.key_missing"


def key_path() -> Path:
    return Path(os.environ.get("TITLES_AUDIT_KEY_FILE") or file_store_path() / "audit.key")


def log_path() -> Path:
    return Path(os.environ.get("TITLES_AUDIT_ANCHOR_LOG") or file_store_path() / "audit-anchors.log")


def load_key() -> bytes:
    """The checkpoint key from ``TITLES_AUDIT_KEY`` or the key file; AuditKeyMissing if neither has one."""
    raw = (os.environ.get(KEY_ENV) or "").strip()
    if not raw:
        try:
            raw = key_path().read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raw = ""
    if not raw:
        raise AuditKeyMissing(path=str(key_path()), env=KEY_ENV)
    return raw.encode("utf-8")


def ensure_key() -> bool:
    """Generate the key file unless a key exists (first start); True if this call wrote it. Written to a
    private temporary file and linked into place, so two servers starting together keep one key."""
    if (os.environ.get(KEY_ENV) or "").strip() or key_path().exists():
        return False
    path = key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as f:
            f.write(secrets.token_hex(32) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.link(temporary, path)
        return True
    except FileExistsError:
        return False
    finally:
        temporary.unlink(missing_ok=True)


# --- checkpoints -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Checkpoint:
    at: str  # when it was taken (ISO, UTC)
    heads: tuple[Head, ...]
    heads_hash: str  # SHA-256 of the heads as listed
    mac: str  # HMAC-SHA256 of (at, heads) under the key
    line: int = 0  # its line in the log, from 1


def _heads_json(heads) -> str:
    return json.dumps([list(h) for h in heads], ensure_ascii=False, separators=(",", ":"))


def heads_hash(heads) -> str:
    return hashlib.sha256(_heads_json(heads).encode("utf-8")).hexdigest()


def sign(key: bytes, at: str, heads) -> str:
    message = json.dumps({"at": at, "heads": [list(h) for h in heads]}, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def current_heads(session: Session) -> list[Head]:
    """Every chain's committed head (the anchors' chain -1 included), with its row's time."""
    h = AuditChainHead
    rows = session.execute(select(h.chain, h.last_seq, h.last_event_id, h.last_hash, AuditEvent.at)
                           .outerjoin(AuditEvent, AuditEvent.id == h.last_event_id)
                           .where(h.last_seq > 0).order_by(h.chain))
    return [(int(c), int(seq), int(event_id), digest, at.astimezone(dt.timezone.utc).isoformat() if at else "")
            for c, seq, event_id, digest, at in rows]


def take(session: Session, key: bytes, at: dt.datetime | None = None) -> Checkpoint:
    """Sign the current heads and append them to the log; returns the checkpoint written."""
    heads = tuple(current_heads(session))
    stamp = (at or now()).astimezone(dt.timezone.utc).isoformat()
    checkpoint = Checkpoint(stamp, heads, heads_hash(heads), sign(key, stamp, heads))
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"at": checkpoint.at, "heads": [list(h) for h in heads], "heads_hash": checkpoint.heads_hash,
                       "hmac": checkpoint.mac}, ensure_ascii=False, separators=(",", ":"))
    with open(path, "a", encoding="utf-8") as log:  # one write of one line: appends never interleave
        log.write(line + "\n")
        log.flush()
        os.fsync(log.fileno())
    return checkpoint


def checkpoint(uow: UnitOfWork) -> Checkpoint:
    """One checkpoint of what is committed now (its own read transaction)."""
    key = load_key()
    with uow.read() as session:
        return take(session, key)


def start_periodic(uow: UnitOfWork) -> threading.Thread | None:
    """A daemon thread taking a checkpoint every ``TITLES_AUDIT_CHECKPOINT_MINUTES`` (0: none)."""
    minutes = audit_checkpoint_minutes()
    if minutes <= 0:
        return None
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(minutes * 60):
            try:
                checkpoint(uow)
            except Exception:  # noqa: BLE001 - a missed checkpoint must not end the loop; the next one retries
                continue

    thread = threading.Thread(target=loop, name="audit-checkpoints", daemon=True)
    thread.start()
    return thread


# --- verification ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """What disagrees with the external checkpoints. ``kind``: ``forged`` (a log line whose HMAC or heads
    hash does not hold), ``missing`` (a checkpointed row is gone; ``after_id``: the last row before it),
    ``differs`` (a checkpointed row has another id or hash; ``after_id``: the last row a checkpoint still
    vouches for, so the rewrite lies after it)."""
    kind: str
    line: int
    at: str
    chain: int | None = None
    position: int | None = None
    event_id: int | None = None
    after_id: int | None = None

    def __str__(self) -> str:
        where = f"checkpoint of {self.at} (anchor log line {self.line})"
        if self.kind == "forged":
            return f"{where}: its HMAC or heads hash does not hold (edited, forged, or signed with another key)"
        chain = "anchor chain" if self.chain == -1 else f"chain {self.chain}"
        if self.kind == "missing":
            after = f"rows after #{self.after_id}" if self.after_id else "every row"
            return (f"{after} of {chain} missing: the {where} names position {self.position}, "
                    f"event id {self.event_id}")
        since = f" (rewritten after #{self.after_id}, which a checkpoint still vouches for)" if self.after_id else ""
        return f"event id {self.event_id} ({chain}, position {self.position}) differs from the {where}{since}"


@dataclass(frozen=True)
class External:
    checkpoints: list[Checkpoint]  # the lines whose signature holds, oldest first
    finding: Finding | None

    @property
    def latest(self) -> Checkpoint | None:
        return self.checkpoints[-1] if self.checkpoints else None


def _parse(key: bytes, number: int, text: str) -> Checkpoint | Finding:
    """One log line: its checkpoint if the signature and the heads hash hold, else a ``forged`` finding."""
    try:
        data = json.loads(text)
        heads = tuple((int(c), int(s), int(e), str(h), str(t)) for c, s, e, h, t in data["heads"])
        at, mac, digest = str(data["at"]), str(data["hmac"]), str(data["heads_hash"])
    except (ValueError, KeyError, TypeError):
        return Finding("forged", number, "?")
    if not hmac.compare_digest(mac, sign(key, at, heads)) or digest != heads_hash(heads):
        return Finding("forged", number, at)
    return Checkpoint(at, heads, digest, mac, number)


def read_log(key: bytes, path: Path | None = None) -> tuple[list[Checkpoint], Finding | None]:
    """The log's checkpoints, oldest first, and the first line that does not hold (if any)."""
    path = path or log_path()
    found: list[Checkpoint] = []
    if not path.exists():
        return found, None
    with open(path, encoding="utf-8") as log:
        for number, text in enumerate(log, start=1):
            if text.strip():
                parsed = _parse(key, number, text)
                if isinstance(parsed, Finding):
                    return found, parsed
                found.append(parsed)
    return found, None


def read_latest(key: bytes, path: Path | None = None) -> Checkpoint | Finding | None:
    """Only the log's last line, parsed (the log grows for years: the others are counted, not checked);
    None if there is none."""
    path = path or log_path()
    if not path.exists():
        return None
    lines = [line for line in path.read_bytes().split(b"\n") if line.strip()]
    if not lines:
        return None
    return _parse(key, len(lines), lines[-1].decode("utf-8", "replace"))


def _rows_at(session: Session, points: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[int, str]]:
    """(chain, position) -> (event id, row hash) of the rows the table holds at those points."""
    found = {}
    for start in range(0, len(points), _CHUNK):
        chunk = points[start:start + _CHUNK]
        rows = session.execute(select(AuditEvent.chain, AuditEvent.chain_seq, AuditEvent.id, AuditEvent.row_hash)
                               .where(or_(*(and_(AuditEvent.chain == c, AuditEvent.chain_seq == s) for c, s in chunk))))
        found.update({(c, s): (event_id, digest) for c, s, event_id, digest in rows})
    return found


def _last_before(session: Session, chain: int, position: int) -> int | None:
    return session.scalar(select(AuditEvent.id).where(AuditEvent.chain == chain, AuditEvent.chain_seq < position)
                          .order_by(AuditEvent.chain_seq.desc()).limit(1))


def compare(session: Session, checkpoints: list[Checkpoint]) -> Finding | None:
    """The table against the checkpoints: per chain, the first checkpointed row that is missing or
    differs; of those, the one with the lowest event id."""
    points: dict[tuple[int, int], tuple[int, str, Checkpoint]] = {}
    for cp in checkpoints:
        for c, seq, event_id, digest, _ in cp.heads:
            points.setdefault((c, seq), (event_id, digest, cp))
    table = _rows_at(session, sorted(points))
    findings = []
    for chain in sorted({c for c, _ in points}):
        vouched = None  # the last checkpointed row of this chain that agrees
        for (c, seq) in sorted(p for p in points if p[0] == chain):
            event_id, digest, cp = points[(c, seq)]
            row = table.get((c, seq))
            if row is None:
                findings.append(Finding("missing", cp.line, cp.at, c, seq, event_id, _last_before(session, c, seq)))
                break
            if row != (event_id, digest):
                findings.append(Finding("differs", cp.line, cp.at, c, seq, row[0], vouched))
                break
            vouched = event_id
    return min(findings, key=lambda f: f.event_id or 0) if findings else None


def verify_external(session: Session, key: bytes, path: Path | None = None) -> External:
    """Every checkpoint's signature, then the table against all the checkpoints that hold."""
    checkpoints, forged = read_log(key, path)
    finding = forged or compare(session, checkpoints)
    return External(checkpoints, finding)


@dataclass(frozen=True)
class Status:
    """What the audit view shows: the latest checkpoint and whether the table agrees with it.
    ``state``: ``ok``, ``differs``, ``missing``, ``forged``, ``no_key`` or ``none`` (no checkpoint yet)."""
    state: str
    latest: Checkpoint | None
    finding: Finding | None = None


def latest_status(session: Session, path: Path | None = None) -> Status:
    """The latest checkpoint, its signature and the table against its heads (the log's last line and a
    handful of lookups, cheap enough for a page; ``verify`` checks every line)."""
    try:
        key = load_key()
    except AuditKeyMissing:
        return Status("no_key", None)
    latest = read_latest(key, path)
    if latest is None:
        return Status("none", None)
    if isinstance(latest, Finding):
        return Status("forged", None, latest)
    finding = compare(session, [latest])
    return Status(finding.kind if finding else "ok", latest, finding)
