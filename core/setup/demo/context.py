"""The state one demo build carries around: the session, the seeded random stream, the clock, and
registries of what was built (units by slug, the operator of each unit, committees, reviewers).

People and accounts are made here so every demo account is created the same way: through
``core.identity.accounts.create_account`` with the one precomputed demo password hash, ``is_demo=True``.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from core.identity.accounts import create_account, grant_role
from core.workflow import Actor
from core.setup.demo.clock import local_date
from core.setup.demo.identity import Identities
from core.setup.demo.province import UnitSpec
from db.models import Committee, Person, Unit, UnitBinding

OPERATOR_ROLE = {"employer": "unit_operator", "department": "dept_operator", "hr_bureau": "hr_operator",
                 "committee_organizer": "committee_operator"}


@dataclass
class Ctx:
    session: Session
    rng: random.Random
    now: dt.datetime
    year: int
    password_hash: str
    ids: Identities
    start: dt.datetime  # when the demo's accounts were opened, before any history
    specs: dict[str, UnitSpec] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    ops: dict[int, Actor] = field(default_factory=dict)  # unit id → its operator (role by unit kind)
    op_contacts: dict[int, tuple[str, str]] = field(default_factory=dict)  # unit id → (name, phone)
    committee_ops: dict[int, Actor] = field(default_factory=dict)  # organizer unit id → committee operator
    committees: dict[str, Committee] = field(default_factory=dict)
    reviewers: dict[int, Actor] = field(default_factory=dict)  # committee id → policy reviewer
    unit_names: dict[int, str] = field(default_factory=dict)
    experts: dict[str, list] = field(default_factory=dict)  # series → [core.setup.demo.people.ExpertInfo]
    demo_experts: dict[str, object] = field(default_factory=dict)  # panel duty → ExpertInfo
    sessions: dict[tuple, object] = field(default_factory=dict)  # (committee id, date | None) → panel session
    batches: dict[tuple, int] = field(default_factory=dict)  # publicity key → batch id
    granted: set[tuple] = field(default_factory=set)  # (account, role, committee) duty grants made
    files: dict[str, str] = field(default_factory=dict)  # purpose key → sha256 of a stored PDF
    filings: dict[tuple, object] = field(default_factory=dict)  # (committee id, session day) → FilingRecord

    @property
    def today(self) -> dt.date:
        return local_date(self.now)

    def unit(self, slug: str) -> Unit:
        return self.units[slug]

    def new_person(self, unit_id: int | None, ages: tuple[int, int], male: bool | None = None,
                   bound: bool = True) -> Person:
        """A person with a valid ID number and phone, bound (accepted) to the unit when asked."""
        male = self.rng.random() < 0.5 if male is None else male
        born = self.ids.birth_date(*ages, self.today)
        person = Person(name=self.ids.name(male), id_number=self.ids.id_number(born, male), phone=self.ids.mobile(),
                        unit_id=unit_id if bound else None, created_at=self.start)
        self.session.add(person)
        self.session.flush()
        if unit_id is not None:
            self.session.add(UnitBinding(person_id=person.id, unit_id=unit_id, requested_at=self.start,
                                         status="accepted" if bound else "pending",
                                         decided_at=self.start if bound else None))
        return person

    def new_account(self, login: str, display: str, role: str, unit_id: int | None, *, person_id: int | None = None,
                    kind: str = "personal", committee_id: int | None = None, year: int | None = None,
                    series_codes: tuple[str, ...] = ()) -> Actor:
        """A demo account (demo password, ``is_demo``) holding one role; returns its engine Actor."""
        account, _ = create_account(self.session, login_name=login, display_name=display, person_id=person_id,
                                    kind=kind, is_demo=True, password_hash=self.password_hash, now=self.start)
        grant_role(self.session, account.id, role, unit_id, committee_id=committee_id, year=year,
                   series_codes=series_codes, now=self.start)
        return Actor(account_id=account.id, role=role, unit_id=unit_id, person_id=person_id,
                     committee_id=committee_id, year=year, series_codes=series_codes)

    def grant(self, actor: Actor, role: str, *, unit_id: int | None = None, committee_id: int | None = None,
              year: int | None = None) -> Actor:
        """A further role for an existing account (an expert's duty in a panel session)."""
        grant_role(self.session, actor.account_id, role, unit_id, committee_id=committee_id, year=year, now=self.start)
        return Actor(account_id=actor.account_id, role=role, unit_id=unit_id, person_id=actor.person_id,
                     committee_id=committee_id, year=year)
