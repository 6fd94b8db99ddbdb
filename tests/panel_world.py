"""A panel-review world on top of tests.world: an expert library, declarations waiting in panel review,
and helpers that run a session through the services the pages call (core.panel), step by step.

``PanelWorld.build(uow, dossiers=4, experts=12)`` commits the world; ``pw.run_to(state)`` moves one
session along: setup → reviewing → (groups voted) → committee_voting → tallied.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from core.panel import attendance, distribution, drawing, reviews, sessions, views, voting
from core.workflow import Actor
from db.models import Account, Expert, PanelMember, Person, RoleGrant
from db.uow import UnitOfWork
from tests.world import FAKE_HASH, SERIES, SPECIALTY, World


@dataclass
class PanelWorld:
    uow: UnitOfWork
    world: World
    dossiers: list[int]
    experts: dict[int, Actor] = field(default_factory=dict)   # expert id -> actor with role "expert"
    session_id: int = 0
    group_id: int = 0

    @classmethod
    def build(cls, uow: UnitOfWork, *, dossiers: int = 3, experts: int = 12) -> "PanelWorld":
        with uow.write() as s:
            w = World.build(s)
            ids = []
            for n in range(dossiers):
                person = w._person(f"申报人{n}", w.units["employer"], f"11010119900307{n:03d}X"[:18])
                d = w.new_declaration(person_id=person)
                w.actors["applicant"] = w._actor(f"applicant{n}", "applicant", None, person_id=person)
                w.drive(d, "panel_review")
                ids.append(d)
            pw = cls(uow, w, ids)
            units = ["sibling", "dept", "city", "prov", "other_dept"]
            for n in range(experts):
                pw._expert(s, f"专家{n:02d}", w.units[units[n % len(units)]], n)
        pw.world.session = None  # the building session is closed; use uow from here
        return pw

    def _expert(self, s, name: str, unit_id: int, n: int) -> None:
        person = Person(name=name, id_number=f"5201011970010{n:04d}"[:17] + "X", unit_id=unit_id)
        s.add(person)
        s.flush()
        expert = Expert(person_id=person.id, unit_id=unit_id, series_code=SERIES, specialty_codes=[SPECIALTY],
                        level_code="senior")
        account = Account(login_name=f"expert{n:02d}", display_name=name, password_hash=FAKE_HASH,
                          person_id=person.id, must_change_password=False)
        s.add_all([expert, account])
        s.flush()
        s.add(RoleGrant(account_id=account.id, role="expert", unit_id=None))
        self.experts[expert.id] = Actor(account_id=account.id, role="expert", person_id=person.id)

    # --- actors --------------------------------------------------------------------------------------
    @property
    def operator(self) -> Actor:
        return self.world.actor("committee_op")

    def as_duty(self, expert_id: int, duty: str) -> Actor:
        base = self.experts[expert_id]
        if duty == "expert":
            return base
        return Actor(account_id=base.account_id, role=duty, person_id=base.person_id,
                     committee_id=self.world.committee_id, year=2026)

    def members(self) -> list[PanelMember]:
        with self.uow.read() as s:
            rows = list(s.scalars(select(PanelMember).where(PanelMember.session_id == self.session_id)
                                  .order_by(PanelMember.id)))
            s.expunge_all()
            return rows

    def member_actor(self, member: PanelMember) -> Actor:
        return self.as_duty(member.expert_id, member.duty if member.duty != "group_leader" else "expert")

    # --- steps ---------------------------------------------------------------------------------------
    def setup(self, *, group_experts: int = 4, committee: int = 5) -> None:
        op = self.operator
        self.session_id = sessions.create(self.uow, op, self.world.committee_id, "2026年度工程系列高级评审会")
        self.group_id = sessions.add_group(self.uow, op, self.session_id, "土木评议组")
        sessions.assign(self.uow, op, self.group_id, self.dossiers)
        sessions.set_need(self.uow, op, self.group_id, SPECIALTY, group_experts)
        drawing.draw_for_group(self.uow, op, self.group_id, SPECIALTY)
        drawing.draw_committee(self.uow, op, self.session_id, committee)
        group = [m for m in self.members() if m.group_id == self.group_id]
        only = [m for m in self.members() if m.group_id is None]
        sessions.set_duty(self.uow, op, group[0].id, "group_leader")
        sessions.set_duty(self.uow, op, only[0].id, "chair")
        sessions.set_duty(self.uow, op, only[1].id, "vice_chair")
        sessions.set_duty(self.uow, op, group[1].id, "committee_member")  # reviews and votes (§6.2.10.1 note 1)
        attendance.sign(self.uow, op, self.session_id, [m.id for m in self.members()], signed_in=True)

    def leader(self) -> Actor:
        m = next(m for m in self.members() if m.duty == "group_leader")
        return self.as_duty(m.expert_id, "group_leader")

    def chair(self) -> Actor:
        m = next(m for m in self.members() if m.duty == "chair")
        return self.as_duty(m.expert_id, "chair")

    def distribute_all(self) -> None:
        board = views.leader_board(self.uow, self.leader(), self.group_id)
        for d in board.group.dossiers:
            ids = list(board.eligible[d.declaration_id])
            distribution.distribute(self.uow, self.leader(), self.group_id, d.declaration_id, ids, ids[0])

    def review_all(self) -> None:
        for m in self.members():
            if m.group_id != self.group_id:
                continue
            actor = self.experts[m.expert_id]
            for item in views.my_reviews(self.uow, actor):
                opinion = {f: (80 if f == "defense_score" else "同意推荐。") for f in
                           reviews.fields_for(item.is_main, item.defense)}
                reviews.save(self.uow, actor, item.assignment_id, opinion, final=True)

    def vote_group(self, choice: str = "approve") -> None:
        for m in self.members():
            if m.group_id == self.group_id:
                lines = views.ballot_sheet(self.uow, self.experts[m.expert_id])
                mine = {ln.dossier.declaration_id: choice for ln in lines if ln.stage == "group" and not ln.voted}
                if mine:
                    voting.cast(self.uow, self.experts[m.expert_id], self.session_id, "group", mine)

    def vote_committee(self, choice_for=lambda n, d: "approve") -> None:
        for n, m in enumerate(self.members()):
            if m.duty in ("chair", "vice_chair", "committee_member"):
                lines = views.ballot_sheet(self.uow, self.experts[m.expert_id])
                mine = {ln.dossier.declaration_id: choice_for(n, ln.dossier.declaration_id)
                        for ln in lines if ln.stage == "committee" and not ln.voted}
                if mine:
                    voting.cast(self.uow, self.experts[m.expert_id], self.session_id, "committee", mine)

    def run_to(self, state: str) -> None:
        """Drive the session to ``reviewing``, ``group_voted``, ``committee_voting`` or ``tallied``."""
        for name, step in self._steps():
            step()
            if name == state:
                return
        raise ValueError(state)

    def step(self, state: str) -> None:
        """Take only the step that reaches ``state`` (the earlier ones already taken)."""
        dict(self._steps())[state]()

    def _steps(self):
        return [("reviewing", lambda: (self.setup(), sessions.start_review(self.uow, self.operator, self.session_id))),
                 ("group_voted", lambda: (self.distribute_all(),
                                          distribution.group_step(self.uow, self.leader(), self.group_id,
                                                                  "start_group_review"),
                                          self.review_all(),
                                          distribution.group_step(self.uow, self.leader(), self.group_id,
                                                                  "open_group_vote"),
                                          self.vote_group(),
                                          voting.close_group_vote(self.uow, self.leader(), self.group_id))),
                 ("committee_voting", lambda: voting.open_committee_vote(self.uow, self.operator, self.session_id)),
                 ("tallied", lambda: (self.vote_committee(), voting.tally(self.uow, self.chair(), self.session_id)))]
