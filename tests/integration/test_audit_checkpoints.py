"""External, signed checkpoints of the audit trail (core.audit.checkpoint), on SQLite and PostgreSQL.

Whoever can write the database can cut the newest rows and set the chain head back, or rewrite a row
and recompute every hash after it, the heads and the in-table anchors: the in-table walk is satisfied
(shown below), the checkpoint signed with a key outside the database is not, and verify names the row.
Denials are audited without letting identical ones flood the table.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import delete, func, select, update

from core.audit import checkpoint, denials
from core.audit import trail as audit
from core.common.errors import NotFound
from core.declaring.transitions import record_denial
from core.workflow import Actor
from db.models import AuditChainHead, AuditEvent
from tests.integration.test_audit_chains import CHAINS, account_on, add

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def keyed(tmp_path, monkeypatch):
    monkeypatch.setenv("TITLES_AUDIT_CHAINS", str(CHAINS))
    monkeypatch.setenv("TITLES_AUDIT_ANCHOR_EVERY", "0")
    monkeypatch.delenv(checkpoint.KEY_ENV, raising=False)
    monkeypatch.setenv("TITLES_AUDIT_KEY_FILE", str(tmp_path / "secret" / "audit.key"))
    monkeypatch.setenv("TITLES_AUDIT_ANCHOR_LOG", str(tmp_path / "files" / "audit-anchors.log"))
    assert checkpoint.ensure_key() and not checkpoint.ensure_key()  # generated once, then kept
    return checkpoint.load_key()


def trail(uow) -> dict[int, list[int]]:
    """Chains 0, 1 and 2 with four rows each, an in-table anchor, and a signed checkpoint."""
    ids = {c: add(uow, account_on(c), n=4) for c in (0, 1, 2)}
    with uow.write() as s:
        audit.anchor(s)
    checkpoint.checkpoint(uow)
    return ids


def external(uow, key):
    with uow.read() as s:
        return checkpoint.verify_external(s, key)


def in_table(uow):
    with uow.read() as s:
        return audit.check(s)


def rehash_everything(session) -> None:
    """The attacker's tool: recompute every chain's hashes, the anchors' heads and folds, and the heads."""
    renamed: dict[str, str] = {}
    for chain in sorted(session.scalars(select(AuditEvent.chain).distinct()), key=lambda c: c == audit.ANCHOR_CHAIN):
        prev = audit.GENESIS
        for row in session.scalars(select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.chain_seq)):
            if chain == audit.ANCHOR_CHAIN:
                heads = [[c, seq, i, renamed.get(h, h)] for c, seq, i, h in row.detail["heads"]]
                row.detail = {"heads": heads, "fold": audit.fold(heads)}
            digest = audit.row_hash(prev, {f: getattr(row, f) for f in audit._FIELDS})
            renamed[row.row_hash] = digest
            row.prev_hash, row.row_hash, prev = prev, digest, digest
        session.flush()
        last = session.scalars(select(AuditEvent).where(AuditEvent.chain == chain)
                               .order_by(AuditEvent.chain_seq.desc()).limit(1)).one()
        session.execute(update(AuditChainHead).where(AuditChainHead.chain == chain)
                        .values(last_seq=last.chain_seq, last_event_id=last.id, last_hash=last.row_hash))


def drop_anchors(session) -> int:
    """The attacker's other tool: remove the in-table anchors and reset their head."""
    gone = session.execute(delete(AuditEvent).where(AuditEvent.chain == audit.ANCHOR_CHAIN)).rowcount
    session.execute(update(AuditChainHead).where(AuditChainHead.chain == audit.ANCHOR_CHAIN)
                    .values(last_seq=0, last_event_id=0, last_hash=audit.GENESIS))
    return gone


def test_a_clean_trail_agrees_with_its_signed_checkpoints(uow, keyed):
    trail(uow)
    add(uow, account_on(3), n=2)  # rows after the latest checkpoint are fine
    checkpoint.checkpoint(uow)
    result = external(uow, keyed)
    assert result.finding is None and len(result.checkpoints) == 2 and in_table(uow) is None
    line = json.loads(checkpoint.log_path().read_text().splitlines()[-1])
    assert set(line) == {"at", "heads", "heads_hash", "hmac"}
    assert [h[0] for h in line["heads"]] == [audit.ANCHOR_CHAIN, 0, 1, 2, 3]
    with uow.read() as s:
        assert checkpoint.latest_status(s).state == "ok"


def test_a_cut_tail_with_its_head_set_back_passes_the_table_but_not_the_checkpoint(uow, keyed):
    ids = trail(uow)
    with uow.write() as s:  # remove chain 1's newest two rows and make the head name the new last row
        s.execute(delete(AuditEvent).where(AuditEvent.id.in_(ids[1][2:])))
        last = s.get(AuditEvent, ids[1][1])
        s.execute(update(AuditChainHead).where(AuditChainHead.chain == 1)
                  .values(last_seq=last.chain_seq, last_event_id=last.id, last_hash=last.row_hash))
        assert drop_anchors(s)  # and the anchor that saw them
    assert in_table(uow) is None  # the walk alone is satisfied
    finding = external(uow, keyed).finding
    assert (finding.kind, finding.chain, finding.event_id, finding.after_id) == ("missing", 1, ids[1][3], ids[1][1])
    assert f"rows after #{ids[1][1]} of chain 1 missing" in str(finding)


def test_a_rewritten_row_with_everything_after_it_rehashed_is_named_through_the_checkpoint(uow, keyed):
    ids = trail(uow)
    later = add(uow, account_on(1), n=2)  # after the first checkpoint
    checkpoint.checkpoint(uow)
    with uow.write() as s:
        s.execute(update(AuditEvent).where(AuditEvent.id == later[0]).values(action="harmless"))
        rehash_everything(s)
    assert in_table(uow) is None  # heads, links and the in-table anchors all recomputed
    finding = external(uow, keyed).finding
    assert (finding.kind, finding.chain, finding.event_id) == ("differs", 1, later[-1])
    assert finding.after_id == ids[1][-1]  # the first checkpoint still vouches for chain 1 up to there
    assert f"event id {later[-1]} (chain 1" in str(finding)
    with uow.read() as s:
        assert checkpoint.latest_status(s).state in ("differs", "missing")


def test_an_edited_or_forged_checkpoint_line_is_named(uow, keyed):
    trail(uow)
    path = checkpoint.log_path()
    line = json.loads(path.read_text())
    line["heads"][1][3] = "0" * 64  # heads of a rewritten trail, signed without the key
    line["heads_hash"] = checkpoint.heads_hash(line["heads"])
    path.write_text(path.read_text() + json.dumps(line) + "\n")
    finding = external(uow, keyed).finding
    assert (finding.kind, finding.line) == ("forged", 2)
    with uow.read() as s:
        status = checkpoint.latest_status(s)
    assert (status.state, status.finding.line) == ("forged", 2)


def test_without_the_key_verify_says_so_and_nothing_is_signed(sqlite_only, keyed, monkeypatch, capsys):
    monkeypatch.setenv("TITLES_DATABASE_URL", str(sqlite_only.engine.url))
    trail(sqlite_only)
    assert audit.main(["verify"]) == 0 and "OK" in capsys.readouterr().out
    checkpoint.key_path().unlink()
    assert audit.main(["verify"]) == 2
    out = capsys.readouterr().out
    assert "NOT checked" in out and "TITLES_AUDIT_KEY" in out and str(checkpoint.key_path()) in out
    with pytest.raises(checkpoint.AuditKeyMissing):
        checkpoint.checkpoint(sqlite_only)
    with sqlite_only.read() as s:
        assert checkpoint.latest_status(s).state == "no_key"
    monkeypatch.setenv(checkpoint.KEY_ENV, "another key")  # a key, but not the one that signed the log
    assert audit.main(["verify"]) == 1 and "does not hold" in capsys.readouterr().out


def test_the_verify_command_names_a_cut_tail(sqlite_only, keyed, monkeypatch, capsys):
    monkeypatch.setenv("TITLES_DATABASE_URL", str(sqlite_only.engine.url))
    ids = trail(sqlite_only)
    with sqlite_only.write() as s:
        s.execute(delete(AuditEvent).where(AuditEvent.id == ids[2][-1]))
        last = s.get(AuditEvent, ids[2][-2])
        s.execute(update(AuditChainHead).where(AuditChainHead.chain == 2)
                  .values(last_seq=last.chain_seq, last_event_id=last.id, last_hash=last.row_hash))
        drop_anchors(s)
    assert in_table(sqlite_only) is None
    assert audit.main(["verify"]) == 1
    assert f"rows after #{ids[2][-2]} of chain 2 missing" in capsys.readouterr().out


def test_a_row_past_its_chain_head_is_broken(uow, keyed):
    ids = trail(uow)
    with uow.write() as s:
        first = s.get(AuditEvent, ids[0][0])
        s.execute(update(AuditChainHead).where(AuditChainHead.chain == 0)
                  .values(last_seq=1, last_event_id=first.id, last_hash=first.row_hash))
    broken = in_table(uow)
    assert broken is not None and broken.event_id <= ids[0][1]


# --- denials: refused every time, written boundedly ---------------------------------------------------

def _deny(uow, actor: Actor, target: str, n: int, at: dt.datetime = T0, action: str = "approve") -> None:
    with uow.write() as s:
        for i in range(n):
            record_denial(s, actor, target, action, NotFound(), at + dt.timedelta(milliseconds=i))


def _denial_rows(uow) -> list[AuditEvent]:
    with uow.read() as s:
        found = s.scalars(select(AuditEvent).where(AuditEvent.kind == "denial").order_by(AuditEvent.id)).all()
        s.expunge_all()
        return list(found)


def test_a_thousand_identical_denials_write_a_bounded_number_of_rows_that_still_count_them(uow, keyed):
    actor = Actor(account_id=77, role="unit_operator", unit_id=5)
    _deny(uow, actor, "declaration:1", 1000)
    written = _denial_rows(uow)
    assert len(written) == denials.written_of(1000) == denials.FIRST + 7  # 8, 16, ..., 512
    assert written[-1].detail == {"error": "error.not_found", "repeated": 512, "unwritten": 255}
    _deny(uow, actor, "declaration:1", 1, at=T0 + dt.timedelta(minutes=1))  # the next minute sums up the last
    assert _denial_rows(uow)[-1].detail == {"error": "error.not_found", "previous_minute": 1000,
                                             "previous_minute_unwritten": 1000 - denials.written_of(1000)}
    with uow.read() as s:
        assert audit.verify(s) is None


def test_distinct_denials_are_each_written(uow, keyed):
    actor = Actor(account_id=77, role="unit_operator", unit_id=5)
    with uow.write() as s:
        for i in range(40):
            record_denial(s, actor, f"declaration:{i}", "approve", NotFound(), T0)
        for action in ("reject", "return_to_applicant"):
            record_denial(s, actor, "declaration:1", action, NotFound(), T0)
        record_denial(s, Actor(account_id=78, role="unit_operator", unit_id=5), "declaration:1", "approve",
                      NotFound(), T0)
    assert len(_denial_rows(uow)) == 43
    with uow.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.outcome == "denied")) == 43
