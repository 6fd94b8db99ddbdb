"""Shared setup for the transition tests: named positions of a declaration, preparations, and probes.

``setup(uow, position, prep)`` builds the World, puts one declaration at a named position
through the engine and commits; ``look(engine, d)`` reads what a failed or successful action may
have changed, in a fresh session, so a test sees only what was committed.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.audit.trail import verify
from core.machines.pledge import PLEDGE_TEXT
from core.workflow import Actor
from db.models import (AuditEvent, Committee, Declaration, DeclarationRecord, Expert, GroupDeclaration, Objection,
                       PanelMember, PanelSession, Person, ReviewGroup)
from tests.world import SERIES, SPECIALTY, YEAR, World

REASON = {"reason": "材料不全，请补充后重新提交"}
PLEDGE = {"pledge": PLEDGE_TEXT}
RECOMMEND = {"operator_name": "王经办", "operator_phone": "0851-1234567"}
Prep = Callable[[World, int], Any]


def committee(w: World) -> dict:
    return {"committee_id": w.committee_id}


# --- positions: a position is a state reached through the engine, with a name for the route taken ----

def _do(name: str, action: str, **payload: Any) -> Prep:
    return lambda w, d: w.do(name, d, action, **payload)


def _supplement(w: World, d: int) -> None:
    w.publicize(d, "failed_review", owner="organizer")
    w.do("committee_op", d, "complete_publicity")


def _resubmit_supplement(w: World, d: int) -> None:
    add_supplement(w, d)
    w.do("applicant", d, "resubmit")


# position -> (the position before it, the step from there); others are happy-path states (w.drive)
_AFTER: dict[str, tuple[str, Prep]] = {
    "relay@city": ("relay", _do("dept_op", "approve")),
    "relay@prov": ("relay@city", _do("city_hr", "approve")),
    "filing@hr": ("filing", _do("committee_op", "submit_filing")),
    "returned": ("unit_verify", _do("unit_op", "reject", **REASON)),
    "failed_publicity": ("policy_review", _do("reviewer", "recheck_fail", **REASON)),
    "supplement": ("failed_publicity", _supplement),
    "supplement_verify": ("supplement", _resubmit_supplement),
    "policy_recheck": ("supplement_verify", _do("unit_op", "approve")),
    "own:material_receipt": ("own:unit_recommend", _do("unit_op", "assign_own_committee")),
    "i:dept_review": ("i:unit_verify", _do("unit_op", "approve")),
    "i:hr_review": ("i:dept_review", _do("dept_op", "approve")),
    "i:returned": ("i:unit_verify", _do("unit_op", "reject", **REASON)),
}


def _steps(position: str) -> list[Prep]:
    if position in _AFTER:
        before, step = _AFTER[position]
        return [*_steps(before), step]
    state = position.split(":")[-1]
    return [lambda w, d: w.drive(d, state)]


def place(w: World, position: str) -> int:
    """A new declaration at ``position``: 'i:' is the initial-determination flow, 'own:' self-review."""
    if position.startswith("i:"):
        d = w.new_declaration(flow="initial_determination")
    elif position.startswith("own:"):
        d = w.new_declaration(committee_id=w.own_committee_id, review_type="self_review")
    else:
        d = w.new_declaration()
    for step in _steps(position):
        step(w, d)
    return d


def setup(uow, position: str, prep: Prep | None = None) -> tuple[World, int]:
    with uow.write() as s:
        w = World.build(s)
        d = place(w, position)
        if prep:
            prep(w, d)
    return w, d


@contextmanager
def world_in(uow, w: World) -> Iterator[World]:
    """The same world, bound to a new committed unit of work."""
    with uow.write() as s:
        yield replace(w, session=s)


# --- preparations ---------------------------------------------------------------------------------

def pub(kind: str, owner: str = "organizer", ended: bool = True) -> Prep:
    return lambda w, d: w.publicize(d, kind, owner=owner, ended=ended)


def proof(w: World, d: int) -> None:
    w.attach(d, "unit_proof")


def tallied(passed: bool) -> Prep:
    return lambda w, d: w.tally(d, passed)


def add_supplement(w: World, d: int) -> None:
    record = DeclarationRecord(declaration_id=d, module="supplement",
                               data={"title": "补充材料", "description": "补充材料(单位盖章)"})
    w.session.add(record)
    w.session.flush()
    w.attach(d, "supplement", record_id=record.id)


def objection(w: World, d: int) -> None:
    w.session.add(Objection(declaration_id=d, raised_by_name="王五", contact="13900000000", text="业绩材料存疑"))
    w.session.flush()


def incomplete(w: World, d: int) -> None:
    w.session.execute(delete(DeclarationRecord).where(DeclarationRecord.declaration_id == d))


def committee_closed(w: World, d: int) -> None:
    w.session.get(Committee, w.committee_id).open_for_declaration = False
    w.session.flush()


def authority_revoked(which: str) -> Prep:
    def prep(w: World, d: int) -> None:
        w.session.get(Committee, getattr(w, which)).authority_status = "revoked"
        w.session.flush()
    return prep


def unbound(w: World, d: int) -> None:
    w.session.get(Person, w.applicant_person_id).unit_id = w.units["sibling"]
    w.session.flush()


def other_active(w: World, d: int) -> None:
    w.drive(w.new_declaration(), "unit_verify")


def both(*preps: Prep) -> Prep:
    return lambda w, d: [p(w, d) for p in preps]


def add_chair(w: World, d: int, name: str = "chair") -> Actor:
    """A chair (主任委员) of a panel session in one of whose groups this declaration sits."""
    s = w.session
    person = Person(name=f"{name}委员", unit_id=w.units["organizer"])
    s.add(person)
    s.flush()
    expert = Expert(person_id=person.id, unit_id=w.units["organizer"], series_code=SERIES,
                    specialty_codes=[SPECIALTY], level_code="full_senior")
    session = PanelSession(committee_id=w.committee_id, year=YEAR)
    s.add_all([expert, session])
    s.flush()
    group = ReviewGroup(session_id=session.id, name="土木建筑组")
    s.add(group)
    s.flush()
    s.add_all([GroupDeclaration(group_id=group.id, declaration_id=d),
               PanelMember(session_id=session.id, expert_id=expert.id, group_id=group.id, duty="chair")])
    w.actors[name] = w._actor(name, "chair", None, person_id=person.id)
    s.flush()
    return w.actors[name]


def chair_of_this(w: World, d: int) -> None:
    add_chair(w, d)


def chair_of_another(w: World, d: int) -> None:
    add_chair(w, w.new_declaration(person_id=_spare_person(w)), "chair")


def _spare_person(w: World) -> int:
    p = Person(name="赵六", unit_id=w.units["employer"])
    w.session.add(p)
    w.session.flush()
    return p.id


# --- probes ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Seen:
    """A declaration's committed row, its transition count, and the audit trail's last id."""

    row: dict
    transitions: int
    last_event_id: int

    @property
    def state(self) -> str:
        return self.row["state"]

    @property
    def holder(self) -> int | None:
        return self.row["holder_unit_id"]

    @property
    def version(self) -> int:
        return self.row["version"]


def _columns(s: Session, d: int) -> dict:
    decl = s.get(Declaration, d)
    return {c.key: getattr(decl, c.key) for c in Declaration.__table__.columns}


def look(uow, d: int) -> Seen:
    with uow.read() as s:
        transitions = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.declaration_id == d, AuditEvent.kind == "transition"))
        last = s.scalar(select(func.max(AuditEvent.id))) or 0
        return Seen(_columns(s, d), transitions, last)


def events_since(uow, last_event_id: int) -> list[AuditEvent]:
    with uow.read() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.id > last_event_id).order_by(AuditEvent.id)).all()
        s.expunge_all()
        return list(rows)


def chain_intact(uow) -> bool:
    with uow.read() as s:
        return verify(s) is None


def actor_of(w: World, who: str | Callable[[World], Actor]) -> Actor:
    return who(w) if callable(who) else w.actor(who)


def payload_of(w: World, payload: dict | Callable[[World], dict]) -> dict:
    return dict(payload(w) if callable(payload) else payload)


def unit_of(w: World, name: str | None) -> int | None:
    return w.units[name] if name else None


def race(n: int, work: Callable[[int], object]) -> list:
    """work(0..n-1) in n threads released together; each result is a value or the exception raised."""
    start, results = threading.Barrier(n), [None] * n

    def run(i: int) -> None:
        start.wait(timeout=30)
        try:
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - the race's outcome is what the test inspects
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return results
