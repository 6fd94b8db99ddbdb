"""rules.md, audit: the trail is hash-chained and the verify command names the first broken row. Tested
at every position of a chain read in several batches (first row, either side of a batch boundary, last
row), for a changed row, a removed row and a removed tail."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, update

from core.audit import trail as audit
from db.models import AuditEvent
from db.session import read_session, unit_of_work

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
ROWS, BATCH = 7, 3  # rows 1-3, 4-6 and 7 are read in separate batches


@pytest.fixture
def chain(engine) -> list[int]:
    with unit_of_work(engine) as s:
        ids = [audit.append(s, kind="admin", action=f"step{i}", at=T0 + dt.timedelta(seconds=i))
               for i in range(ROWS)]
    with read_session(engine) as s:
        assert audit.verify(s, batch=BATCH) is None
    return ids


def first_broken(engine) -> int | None:
    with read_session(engine) as s:
        return audit.verify(s, batch=BATCH)


@pytest.mark.parametrize("position", range(ROWS))
def test_a_changed_row_is_named_wherever_it_sits_in_the_chain(engine, chain, position):
    with unit_of_work(engine) as s:
        s.execute(update(AuditEvent).where(AuditEvent.id == chain[position]).values(outcome="denied"))
    assert first_broken(engine) == chain[position]


@pytest.mark.parametrize("position", [0, BATCH - 1, BATCH, ROWS - 2])
def test_a_removed_row_is_found_at_the_row_after_it(engine, chain, position):
    with unit_of_work(engine) as s:
        s.execute(delete(AuditEvent).where(AuditEvent.id == chain[position]))
    assert first_broken(engine) == chain[position + 1]


@pytest.mark.parametrize("position", [0, BATCH, ROWS - 1])
def test_a_row_whose_stored_link_was_changed_is_named(engine, chain, position):
    with unit_of_work(engine) as s:
        s.execute(update(AuditEvent).where(AuditEvent.id == chain[position]).values(prev_hash="f" * 64))
    assert first_broken(engine) == chain[position]


def rehash_changed(engine, event_id: int) -> None:
    """Change a row and give it the hash that matches its new content and its link."""
    with unit_of_work(engine) as s:
        row = s.get(AuditEvent, event_id)
        values = {**{f: getattr(row, f) for f in audit._FIELDS}, "outcome": "denied"}
        s.execute(update(AuditEvent).where(AuditEvent.id == event_id).values(
            outcome="denied", row_hash=audit.row_hash(row.prev_hash, values)))


def test_a_row_rehashed_after_a_change_breaks_the_link_of_the_next_row(engine, chain):
    rehash_changed(engine, chain[2])
    assert first_broken(engine) == chain[3]


def test_the_last_row_rehashed_after_a_change_disagrees_with_the_chain_head(engine, chain):
    rehash_changed(engine, chain[-1])
    assert first_broken(engine) == chain[-1]


@pytest.mark.parametrize("removed", [1, 2])
def test_removing_the_newest_rows_is_found_too(engine, chain, removed):
    """The chain head remembers the last row: a cut-off tail is named at its first missing row."""
    with unit_of_work(engine) as s:
        s.execute(delete(AuditEvent).where(AuditEvent.id.in_(chain[-removed:])))
    assert first_broken(engine) == chain[-removed]


def test_a_trail_that_grew_after_its_last_check_is_intact(engine, chain):
    with unit_of_work(engine) as s:
        audit.append(s, kind="admin", action="later", at=T0 + dt.timedelta(hours=1))
    assert first_broken(engine) is None
