"""Shared setup for the unit and relay workspace tests: several applicants, a publicity across National
Day 2025 (30 Sep to 14 Oct is exactly five working days, counting the make-up Saturday 11 Oct), and
short-hands to run one service call in its own committed transaction, as a page does.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from core.machines.pledge import PLEDGE_TEXT
from core.review.publicity import create_unit_publicity, publish
from core.review.publicity_view import notice_for
from db.models import Declaration, Person
from tests.world import HAPPY_PATH, World

UTC = dt.timezone.utc
START, END = dt.date(2025, 9, 30), dt.date(2025, 10, 14)
DURING, AFTER = dt.date(2025, 10, 9), dt.date(2025, 10, 15)
REASON = "业绩材料与实际不符，请核实后重新提交"
OPERATOR = ("王经办", "0851-1234567")


def at(day: dt.date, hour: int = 2) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def add_applicant(w: World, n: int, unit: str = "employer") -> str:
    """Another applicant bound to ``unit``; returns the actor's name in the world."""
    person = Person(name=f"申报人{n}", id_number=f"52010219900307{n:04d}", phone=f"1380000{n:04d}",
                    unit_id=w.units[unit])
    w.session.add(person)
    w.session.flush()
    name = f"applicant{n}"
    w.actors[name] = w._actor(name, "applicant", None, person_id=person.id)
    return name


def advance(w: World, d: int, target: str) -> None:
    """Push a submitted declaration along the world's happy path (after submit) until ``target``."""
    for state, step in HAPPY_PATH[1:]:
        current = w.session.get(Declaration, d, populate_existing=True).state
        if current == target:
            return
        assert current == state, f"advance: at {current}, expected {state}"
        step(w, d)
    assert w.session.get(Declaration, d, populate_existing=True).state == target


def declarations(w: World, count: int, state: str = "unit_verify", unit: str = "employer") -> list[int]:
    """``count`` declarations of different applicants of ``unit``, submitted (and, for the employer,
    driven along the happy path to ``state``)."""
    ids = []
    for _ in range(count):
        name = add_applicant(w, len(w.actors), unit)
        d = w.new_declaration(person_id=w.actor(name).person_id, unit=unit)
        submit(w, name, d)
        if state != "unit_verify":
            advance(w, d, state)
        ids.append(d)
    return ids


def submit(w: World, name: str, d: int) -> None:
    w.do(name, d, "submit", pledge=PLEDGE_TEXT)


def applicant_of(w: World, d: int) -> str:
    """The world's name of the applicant actor who owns declaration ``d``."""
    person_id = w.session.get(Declaration, d).applicant_person_id
    return next(n for n, a in w.actors.items() if a.role == "applicant" and a.person_id == person_id)


def run(uow, w: World, call: Callable[[World], Any]) -> Any:
    """Run ``call`` with the world bound to a new committed unit of work; return its result."""
    with uow.write() as s:
        return call(replace(w, session=s))


def publicized(w: World, ids: list[int], start: dt.date = START, end: dt.date = END, is_public: bool = True) -> int:
    """A published unit publicity of these declarations, created and published on ``start``."""
    op = w.actor("unit_op")
    notice = notice_for(w.session, op, ids, start, end)
    batch = create_unit_publicity(w.session, op, ids, notice.title, notice.body, start, end, is_public,
                                  now=at(start), today=start)
    publish(w.session, op, batch, now=at(start), today=start)
    return batch
