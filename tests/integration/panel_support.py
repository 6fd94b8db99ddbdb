"""Helpers for the panel tests: more library experts (the applicants' own unit, an applicant, declared
conflicts), the applicants of a world's dossiers, and the avoidance rule written out independently."""
from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import select

from db.models import Account, Declaration, Expert, ExpertConflict, Person
from tests.panel_world import PanelWorld
from tests.world import FAKE_HASH, SERIES, SPECIALTY, Actor

OTHER_SPECIALTY = "eng_water"
_serial = itertools.count(1)


def add_expert(pw: PanelWorld, unit: str, *, specialties=(SPECIALTY,), person_id: int | None = None,
               conflicts: tuple[int, ...] = (), term_end: dt.date | None = None) -> int:
    """One more library expert (optionally an existing person, e.g. an applicant) with declared conflicts."""
    n = next(_serial)
    with pw.uow.write() as s:
        unit_id = pw.world.units[unit]
        if person_id is None:
            person = Person(name=f"库专家{n:03d}", id_number=f"5301011980{n:07d}X", unit_id=unit_id)
            s.add(person)
            s.flush()
            person_id = person.id
            account = Account(login_name=f"libexpert{n:03d}", display_name=person.name, password_hash=FAKE_HASH,
                              person_id=person_id, must_change_password=False)
            s.add(account)
            s.flush()
            account_id = account.id
        else:
            account_id = s.scalar(select(Account.id).where(Account.person_id == person_id))
        expert = Expert(person_id=person_id, unit_id=unit_id, series_code=SERIES, specialty_codes=list(specialties),
                        level_code="senior", term_end=term_end)
        s.add(expert)
        s.flush()
        s.add_all(ExpertConflict(expert_id=expert.id, person_id=p, reason="师生关系") for p in conflicts)
        pw.experts[expert.id] = Actor(account_id=account_id, role="expert", person_id=person_id)
        return expert.id


def applicants(pw: PanelWorld) -> dict[int, int]:
    with pw.uow.read() as s:
        return dict(s.execute(select(Declaration.id, Declaration.applicant_person_id)
                              .where(Declaration.id.in_(pw.dossiers))).all())


def recused(expert: tuple[int, int, int], declaration: tuple[int, int], conflicts: set[tuple[int, int]]) -> bool:
    """The rule written out independently: own unit, the applicant, or a declared conflict."""
    expert_id, unit_id, person_id = expert
    decl_unit, applicant = declaration
    return unit_id == decl_unit or person_id == applicant or (expert_id, applicant) in conflicts
