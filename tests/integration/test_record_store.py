"""The SQL store of the record machines, on SQLite and PostgreSQL: one guarded UPDATE and one audit event
per change, a stale version writes nothing, and the services' status changes all go through it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from core.audit.trail import verify
from core.common.errors import ConcurrentChange
from core.identity import people
from core.org.report_paths import apply_path, decide_path
from core.workflow import MACHINES, Change, perform
from core.workflow_store import ADAPTERS, RecordStore
from db.base import utcnow
from db.models import AuditEvent, Committee, ReportPath, UnitBinding

from tests.world import LEVEL, SERIES, World

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(uow):
    with uow.write() as s:
        w = World.build(s)
        c = Committee(name="市工程系列中级评委会", organizer_unit_id=w.units["organizer"], region_unit_id=w.units["city"],
                      series_code=SERIES, level_codes=[LEVEL], year=2026, authority_status="pending",
                      required_modules=[])
        s.add(c)
        s.flush()
        w.pending_committee = c.id
    return w


def _events(s, target: str) -> list[AuditEvent]:
    return list(s.scalars(select(AuditEvent).where(AuditEvent.target == target).order_by(AuditEvent.id)))


def test_every_record_machine_has_a_store_adapter_over_a_versioned_table():
    records = {name for name, m in MACHINES.items() if m.subject != "declaration"}
    assert set(ADAPTERS) == records
    for adapter in ADAPTERS.values():
        assert "version" in adapter.model.__table__.c


def test_a_change_updates_the_row_bumps_its_version_and_appends_one_chained_event(uow, world):
    w = world
    with uow.write() as s:
        committee = s.get(Committee, w.pending_committee)
        version = perform(RecordStore(s, "authority_filing"), w.actor("city_hr"), committee.id, "approve",
                          {"opinion": "同意备案"}, now=utcnow())
        assert (version, committee.authority_status) == (2, "approved")  # the loaded object sees the change
    with uow.read() as s:
        assert s.scalar(select(Committee.version).where(Committee.id == w.pending_committee)) == 2
        (event,) = _events(s, f"committee:{w.pending_committee}")
        assert (event.kind, event.action, event.from_state, event.to_state, event.version, event.comment) == \
            ("admin", "authority_approve", "pending", "approved", 2, "同意备案")
        assert event.account_id == w.actor("city_hr").account_id and verify(s) is None


def test_a_change_made_against_a_stale_version_writes_nothing(uow, world):
    w = world
    with uow.write() as s:
        s.execute(update(Committee).where(Committee.id == w.pending_committee).values(version=5))
    stale = Change("authority_filing", w.pending_committee, 1, "approve", "pending", "approved", None, None, {},
                   None, {})
    with pytest.raises(ConcurrentChange):
        with uow.write() as s:
            before = s.scalar(select(func.count()).select_from(AuditEvent))
            RecordStore(s, "authority_filing").apply(w.actor("city_hr"), stale, utcnow())
    with uow.read() as s:
        assert s.scalar(select(Committee.authority_status).where(Committee.id == w.pending_committee)) == "pending"
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_an_expected_version_from_an_older_page_is_told_the_record_moved(uow, world):
    w = world
    with pytest.raises(ConcurrentChange):
        with uow.write() as s:
            perform(RecordStore(s, "authority_filing"), w.actor("city_hr"), w.pending_committee, "reject",
                    expected_version=0, now=utcnow())


def test_a_new_binding_request_withdraws_the_pending_one_with_its_own_event(uow, world):
    w = world
    with uow.write() as s:
        first = people.request_binding(s, w.actor("applicant"), w.units["sibling"]).id
        second = people.request_binding(s, w.actor("applicant"), w.units["employer"]).id
    with uow.read() as s:
        assert s.get(UnitBinding, first).status == "withdrawn" and s.get(UnitBinding, second).status == "pending"
        assert [e.action for e in _events(s, f"unit_binding:{first}")] == ["binding_withdraw"]


def test_approving_a_new_path_supersedes_the_one_in_force_through_the_machine(uow, world):
    w = world
    with uow.write() as s:
        old = apply_path(s, w.actor("unit_op"), SERIES, LEVEL, w.units["other_dept"])
        decide_path(s, w.actor("other_dept_op"), old, True)
        new = apply_path(s, w.actor("unit_op"), SERIES, LEVEL, w.units["other_dept"])
        decide_path(s, w.actor("other_dept_op"), new, True)
    with uow.read() as s:
        assert (s.get(ReportPath, old).status, s.get(ReportPath, new).status) == ("superseded", "approved")
        assert [e.action for e in _events(s, f"report_path:{old}")] == \
            ["report_path_apply", "report_path_approve", "report_path_supersede"]
        assert s.get(ReportPath, old).version == 3


# .status = "x", status="x", and a statement starting a.status, b = ... (not a keyword argument reading a status)
STATUS_WRITE = re.compile(r"(status\s*=\s*[\"'(]|^\s*[\w.]+\.status\s*,.*=)")
# Creating a record in its first state is not a change of state; these are written at creation only.
CREATION = re.compile(r"status=\"(pending|draft|open|active)\"")


def test_no_service_writes_a_status_column_itself_any_more():
    offenders = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        if "setup/demo" in path.as_posix():  # the demo builder seeds finished histories in bulk
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if STATUS_WRITE.search(line) and not CREATION.search(line) and "==" not in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize("line, write", [
    ('    pending.status = "withdrawn"', True), ('    row.status, row.decided_at = ("approved" if a else "x"), now', True),
    ('        status="dismissed" if action is None else "upheld", resolution=reason))', True),
    ('    committee.authority_status = "approved" if approve else "rejected"', True),
    ('    if row.status != "pending":', False), ('.where(Unit.status == "active")', False),
    ('    list_objections(session, actor, status=None)', False), ('Objection(status="open")', False),
    ('    _audit(session, actor, "x", year, now, added=added, status=row.status, source=row.source)', False),
    ('        .values(year=found.year, status=found.status, source=found.source,', False),
])
def test_the_scan_tells_a_status_write_from_a_read(line, write):
    assert bool(STATUS_WRITE.search(line) and not CREATION.search(line) and "==" not in line) == write
