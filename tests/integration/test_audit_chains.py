"""The audit trail as several hash chains (core.audit.trail): appends spread over chains by actor, each
chain numbered and linked on its own, anchors fold every chain's head, and verify still names the first
broken row — the lowest event id across chains — for an edited row, a removed row or tail, an edited or
removed anchor, and a chain rewritten with fresh hashes behind an anchor. On SQLite and PostgreSQL; the
concurrent appends on PostgreSQL."""
from __future__ import annotations

import datetime as dt
import itertools
import threading

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import column, delete, func, select, table, text, update

from core.audit import trail as audit
from db.migrate import alembic_config
from db.models import AuditChainHead, AuditEvent

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
CHAINS = 4


@pytest.fixture
def chains(monkeypatch):
    monkeypatch.setenv("TITLES_AUDIT_CHAINS", str(CHAINS))
    monkeypatch.setenv("TITLES_AUDIT_ANCHOR_EVERY", "0")
    return CHAINS


def account_on(chain: int, n: int = CHAINS, skip: int = 0) -> int:
    """An account id whose appends land on ``chain`` (the ``skip``-th such id)."""
    found = (a for a in itertools.count(1) if audit.chain_for(f"account:{a}", n) == chain)
    return next(itertools.islice(found, skip, None))


def add(uow, account_id: int | None, action: str = "step", n: int = 1) -> list[int]:
    """``n`` events by one account in one transaction."""
    with uow.write() as s:
        return [audit.append(s, kind="admin", action=f"{action}{i}", at=T0 + dt.timedelta(seconds=i),
                             account_id=account_id) for i in range(n)]


def rows(uow) -> list[AuditEvent]:
    with uow.read() as s:
        found = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        s.expunge_all()
        return list(found)


def first_broken(uow, batch: int = 2) -> int | None:
    with uow.read() as s:
        return audit.verify(s, batch=batch)


def interleaved(uow) -> dict[int, list[int]]:
    """Chains 0, 1 and 2 written in turn, three rows each: {chain: [ids in chain order]}."""
    ids: dict[int, list[int]] = {0: [], 1: [], 2: []}
    for _ in range(3):
        for chain in ids:
            ids[chain] += add(uow, account_on(chain))
    assert first_broken(uow) is None
    return ids


def test_appends_spread_over_chains_each_numbered_and_linked_on_its_own(uow, chains):
    for chain in range(chains):
        for skip in range(2):
            add(uow, account_on(chain, skip=skip), n=2)
    events = rows(uow)
    assert {e.chain for e in events} == set(range(chains))
    for chain in range(chains):
        mine = [e for e in events if e.chain == chain]
        assert [e.chain_seq for e in mine] == [1, 2, 3, 4]
        assert [e.prev_hash for e in mine] == [audit.GENESIS] + [e.row_hash for e in mine[:-1]]
    assert len({e.id for e in events}) == len(events) == 4 * chains
    with uow.read() as s:
        heads = {h.chain: (h.last_seq, h.last_event_id, h.last_hash) for h in s.scalars(select(AuditChainHead))}
    assert heads == {c: (4, mine[-1].id, mine[-1].row_hash)
                     for c in range(chains) for mine in [[e for e in events if e.chain == c]]}
    assert first_broken(uow) is None


def test_the_chain_follows_the_actor_then_the_target_and_one_transaction_stays_on_one_chain(uow, chains):
    a, b = account_on(1), account_on(3)
    with uow.write() as s:
        audit.append(s, kind="admin", action="first", at=T0, account_id=a)
        audit.append(s, kind="admin", action="other actor, same transaction", at=T0, account_id=b)
    with uow.write() as s:
        audit.append(s, kind="login", action="failed", at=T0, target="nobody")
    assert [e.chain for e in rows(uow)] == [1, 1, audit.chain_for("nobody", chains)]


def test_one_chain_is_the_trail_of_before(uow, monkeypatch):
    monkeypatch.setenv("TITLES_AUDIT_CHAINS", "1")
    for a in range(1, 6):
        add(uow, a)
    events = rows(uow)
    assert [(e.chain, e.chain_seq) for e in events] == [(0, i) for i in range(1, 6)]
    assert [e.id for e in events] == sorted(e.id for e in events)
    assert first_broken(uow) is None


def test_the_lowest_broken_id_across_chains_is_named(uow, chains):
    ids = interleaved(uow)
    with uow.write() as s:
        s.execute(update(AuditEvent).where(AuditEvent.id.in_([ids[2][1], ids[1][2]])).values(outcome="denied"))
    assert first_broken(uow) == min(ids[2][1], ids[1][2])


def test_a_removed_row_is_named_at_the_next_row_of_its_own_chain(uow, chains):
    ids = interleaved(uow)
    with uow.write() as s:
        s.execute(delete(AuditEvent).where(AuditEvent.id == ids[1][0]))
    assert first_broken(uow) == ids[1][1]  # not ids[2][0], the next id of the trail


@pytest.mark.parametrize("removed", [1, 2])
def test_a_removed_tail_of_one_chain_is_named_at_its_first_missing_id(uow, chains, removed):
    ids = interleaved(uow)
    with uow.write() as s:
        s.execute(delete(AuditEvent).where(AuditEvent.id.in_(ids[0][-removed:])))
    assert first_broken(uow) == ids[0][-removed]


def test_a_chain_whose_every_row_is_gone_is_named(uow, chains):
    ids = interleaved(uow)
    with uow.write() as s:
        s.execute(delete(AuditEvent).where(AuditEvent.chain == 1))
    assert first_broken(uow) == ids[1][0]


def test_an_anchor_seals_every_chain_head(uow, chains):
    ids = interleaved(uow)
    with uow.write() as s:
        anchor_id = audit.anchor(s)
    with uow.read() as s:
        anchor = s.get(AuditEvent, anchor_id)
        heads = {c: (seq, event_id) for c, seq, event_id, _ in anchor.detail["heads"]}
        assert (anchor.chain, anchor.chain_seq, anchor.kind, anchor.action) == (audit.ANCHOR_CHAIN, 1, "audit", "anchor")
        assert anchor.detail["fold"] == audit.fold(anchor.detail["heads"])
    assert heads == {c: (3, ids[c][-1]) for c in ids}
    add(uow, account_on(2))  # the trail grows on after an anchor
    assert first_broken(uow) is None


def test_an_edited_anchor_is_named(uow, chains):
    interleaved(uow)
    with uow.write() as s:
        first, second = audit.anchor(s), audit.anchor(s)
        heads = s.get(AuditEvent, first).detail["heads"]
        heads[0][3] = "f" * 64
        s.execute(update(AuditEvent).where(AuditEvent.id == first).values(detail={"heads": heads, "fold": audit.fold(heads)}))
    assert first_broken(uow) == first
    with uow.write() as s:
        s.execute(delete(AuditEvent).where(AuditEvent.id == first))
    assert first_broken(uow) == second  # a removed anchor: the next anchor's link no longer holds


def test_removing_the_newest_anchor_is_found_through_the_anchor_head(uow, chains):
    interleaved(uow)
    with uow.write() as s:
        audit.anchor(s)
        newest = audit.anchor(s)
        s.execute(delete(AuditEvent).where(AuditEvent.id == newest))
    assert first_broken(uow) == newest


def test_a_chain_rewritten_with_fresh_hashes_and_head_is_caught_by_the_anchor(uow, chains):
    """Rehash a row and everything after it in its chain, and the chain head too: the walk alone is
    satisfied, the anchor that sealed the chain is not."""
    ids = interleaved(uow)
    with uow.write() as s:
        audit.anchor(s)
    with uow.write() as s:
        prev = s.get(AuditEvent, ids[1][0]).row_hash
        for event_id in ids[1][1:]:
            row = s.get(AuditEvent, event_id)
            values = {**{f: getattr(row, f) for f in audit._FIELDS}, "outcome": "denied"}
            prev = audit.row_hash(prev, values)
            s.execute(update(AuditEvent).where(AuditEvent.id == event_id).values(outcome="denied", row_hash=prev))
            s.flush()
            s.execute(update(AuditEvent).where(AuditEvent.chain == 1, AuditEvent.chain_seq == row.chain_seq + 1)
                      .values(prev_hash=prev))
        s.execute(update(AuditChainHead).where(AuditChainHead.chain == 1).values(last_hash=prev))
    assert first_broken(uow) == ids[1][-1]  # the sealed head of chain 1


def test_anchors_are_written_every_k_appends_of_a_chain(uow, chains, monkeypatch):
    monkeypatch.setenv("TITLES_AUDIT_ANCHOR_EVERY", "3")
    for _ in range(2):
        add(uow, account_on(0), n=3)
    add(uow, account_on(1), n=2)
    events = rows(uow)
    anchors = [e for e in events if e.chain == audit.ANCHOR_CHAIN]
    assert [e.chain_seq for e in anchors] == [1, 2]
    assert [h[:2] for h in anchors[-1].detail["heads"]] == [[0, 6]]
    assert first_broken(uow) is None


def test_the_commands_anchor_and_verify(sqlite_only, chains, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("TITLES_DATABASE_URL", str(sqlite_only.engine.url))
    monkeypatch.delenv("TITLES_AUDIT_KEY", raising=False)  # the key and the anchor log of this test only
    monkeypatch.setenv("TITLES_FILE_STORE", str(tmp_path / "files"))
    ids = interleaved(sqlite_only)
    assert audit.main(["anchor"]) == 0 and "anchor written" in capsys.readouterr().out
    assert audit.main(["verify"]) == 0 and "OK" in capsys.readouterr().out
    assert [e.chain_seq for e in rows(sqlite_only) if e.chain == audit.ANCHOR_CHAIN] == [1, 2]  # verify anchors too
    with sqlite_only.write() as s:
        s.execute(update(AuditEvent).where(AuditEvent.id == ids[2][2]).values(action="tampered"))
    assert audit.main(["verify"]) == 1
    assert f"event id {ids[2][2]} (chain 2)" in capsys.readouterr().out
    assert audit.main(["nonsense"]) == 2


def test_the_single_chain_of_before_migrates_into_chain_0(uow):
    """A trail written by the single-chain code (ids 1, 2, 3 ... under one head) at the revision before 0005
    becomes chain 0 and verifies unchanged; new appends go on from there."""
    cfg = alembic_config()
    before = ScriptDirectory.from_config(cfg).get_revision("0005").down_revision
    with uow.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, before)
    try:
        old_events = table("audit_event", *[column(c.name, c.type) for c in AuditEvent.__table__.columns
                                             if c.name not in ("chain", "chain_seq")])
        prev = audit.GENESIS
        with uow.engine.begin() as conn:
            for event_id in range(1, 6):
                values = dict(id=event_id, at=T0, kind="admin", action=f"old{event_id}", outcome="ok", account_id=event_id,
                              role=None, unit_id=None, target=None, declaration_id=None, from_state=None, to_state=None,
                              from_holder_unit_id=None, to_holder_unit_id=None, version=None, comment=None, detail={})
                digest = audit.row_hash(prev, values)
                conn.execute(old_events.insert(), {**values, "prev_hash": prev, "row_hash": digest})
                prev = digest
            conn.execute(text("DELETE FROM audit_chain_head"))
            conn.execute(text("INSERT INTO audit_chain_head (id, last_event_id, last_hash) VALUES (1, 5, :h)"), {"h": prev})
    finally:
        with uow.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    events = rows(uow)
    assert [(e.id, e.chain, e.chain_seq) for e in events] == [(i, 0, i) for i in range(1, 6)]
    with uow.read() as s:
        assert s.get(AuditChainHead, 0).last_seq == 5
    assert first_broken(uow) is None
    new = add(uow, account_on(0, n=8), n=2) + add(uow, account_on(3, n=8))
    assert min(new) > 5 and first_broken(uow) is None
    with uow.write() as s:
        s.execute(update(AuditEvent).where(AuditEvent.id == 3).values(action="tampered"))
    assert first_broken(uow) == 3


def test_concurrent_appends_lose_and_double_nothing_and_every_chain_verifies(postgres, monkeypatch):
    """16 writers append at once (one, two or three events a transaction), with anchors every 5 appends
    of a chain and a writer that anchors in a loop: every committed event is there once, each chain is
    numbered 1..n without a gap, ids increase along each chain, and the trail verifies."""
    monkeypatch.setenv("TITLES_AUDIT_CHAINS", "8")
    monkeypatch.setenv("TITLES_AUDIT_ANCHOR_EVERY", "5")
    writers, rounds = 16, 12
    start, errors, written = threading.Barrier(writers + 1), [], []
    lock = threading.Lock()

    def write(i: int) -> None:
        start.wait(timeout=30)
        try:
            for r in range(rounds):
                ids = add(postgres, 1000 + i * rounds + r, action=f"w{i}r{r}-", n=1 + (i + r) % 3)
                with lock:
                    written.extend(ids)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    def anchor() -> None:
        start.wait(timeout=30)
        for _ in range(10):
            with postgres.write() as s:
                audit.anchor(s)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)] + [threading.Thread(target=anchor)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads) and errors == []

    events = rows(postgres)
    trail = [e for e in events if e.chain != audit.ANCHOR_CHAIN]
    assert sorted(e.id for e in trail) == sorted(written)
    assert len(written) == len(set(written)) == sum(1 + (i + r) % 3 for i in range(writers) for r in range(rounds))
    by_chain = {c: [e for e in events if e.chain == c] for c in {e.chain for e in events}}
    assert len(by_chain) > 4 and audit.ANCHOR_CHAIN in by_chain
    for chain, mine in by_chain.items():
        mine.sort(key=lambda e: e.chain_seq)
        assert [e.chain_seq for e in mine] == list(range(1, len(mine) + 1)), chain
        assert [e.id for e in mine] == sorted(e.id for e in mine), chain
    with postgres.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditChainHead)) == len(by_chain)
    assert first_broken(postgres, batch=50) is None
