"""A small, fixed world for tests: a province, a city, a department, employers and a committee.

``World.build(session)`` creates it; ``world.actor(name)`` gives the engine Actor of each
participant; ``world.new_declaration()`` a complete draft; ``world.drive(id, state)`` pushes a
declaration along the happy path to a state, through the engine only.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from core.declaring.catalogue import seed_catalogue
from core.common.config import today as clock_today
from core.declaring.modules import DEFAULT_REQUIRED
from core.machines.pledge import PLEDGE_TEXT
from core.declaring.transitions import act
from core.org.units import add_unit
from core.workflow import Actor
from db.models import (Account, Attachment, Committee, Declaration, DeclarationRecord, Person, PublicityBatch,
                       PublicityItem, RoleGrant, StoredFile, TallyResult)

YEAR = 2026
SERIES, LEVEL, SPECIALTY = "engineering", "associate_senior", "eng_civil"
FAKE_HASH = "$2b$04$" + "x" * 53
PAST = dt.date(2020, 1, 1)
SUMMARY = ("本人自参加工作以来一直从事土木建筑工程设计工作，先后主持和参与多项山区桥梁、隧道及房屋建筑项目的结构设计，"
           "严格执行国家规范，解决了多项现场技术难题，确保了工程质量与安全。任现职以来，围绕装配式混凝土结构节点性能开展研究，"
           "发表论文两篇，获市级科技进步奖一项，并指导青年技术人员三名。今后将继续加强学习，不断提高专业技术水平，"
           "为单位和行业发展作出更大贡献。在今后的工作中，本人将坚持质量第一、安全第一的原则，"
           "认真总结工程实践经验，积极参与技术标准编制和新技术推广应用。")
SAMPLE_ROWS = {  # one complete row per module (core.declaring.record_schema); none needs an evidence file
    "education": {"school": "重庆大学", "major": "土木工程", "degree": "本科", "start": "2008-09", "end": "2012-07"},
    "qualification": {"name": "工程师", "obtained_on": "2018-12-01", "issuer": "省人社厅"},
    "work_history": {"employer": "市建筑设计院", "position": "结构工程师", "start": "2012-08", "end": "至今"},
    "achievement": {"kind": "paper", "title": "装配式混凝土结构节点性能研究", "date": "2021-05"},
    "work_summary": {"text": SUMMARY},
}


@dataclass
class World:
    session: Session
    units: dict[str, int] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    committee_id: int = 0
    own_committee_id: int = 0
    applicant_person_id: int = 0

    @classmethod
    def build(cls, session: Session) -> "World":
        w = cls(session)
        seed_catalogue(session)
        prov = add_unit(session, name="省人社厅", kind="hr_bureau", region_level="province")
        city = add_unit(session, name="市人社局", kind="hr_bureau", region_level="city", parent=prov)
        dept = add_unit(session, name="市住建局", kind="department", parent=city)
        other_dept = add_unit(session, name="市卫健委", kind="department", parent=city)
        employer = add_unit(session, name="市建筑设计院", kind="employer", parent=dept)
        sibling = add_unit(session, name="市市政工程公司", kind="employer", parent=dept)
        organizer = add_unit(session, name="省工程评委会组建单位", kind="committee_organizer", parent=prov)
        w.units = dict(prov=prov.id, city=city.id, dept=dept.id, other_dept=other_dept.id,
                       employer=employer.id, sibling=sibling.id, organizer=organizer.id)
        w.committee_id = w._committee("省工程系列高级评委会", organizer.id, prov.id, self_review=False)
        w.own_committee_id = w._committee("设计院自主评审委员会", employer.id, prov.id, self_review=True)
        w.applicant_person_id = w._person("张三", employer.id, "110101199003070016")
        w.actors["applicant"] = w._actor("applicant", "applicant", None, person_id=w.applicant_person_id)
        other = w._person("李四", sibling.id, "110101198807150012")
        w.actors["other_applicant"] = w._actor("other_applicant", "applicant", None, person_id=other)
        for name, role, unit in (("unit_op", "unit_operator", "employer"), ("sibling_op", "unit_operator", "sibling"),
                                 ("dept_op", "dept_operator", "dept"), ("other_dept_op", "dept_operator", "other_dept"),
                                 ("city_hr", "hr_operator", "city"), ("prov_hr", "hr_operator", "prov"),
                                 ("committee_op", "committee_operator", "organizer"),
                                 ("unit_admin", "unit_admin", "employer")):
            w.actors[name] = w._actor(name, role, w.units[unit])
        w.actors["own_committee_op"] = w._actor("own_committee_op", "committee_operator", employer.id)
        w.actors["reviewer"] = w._actor("reviewer", "policy_reviewer", None, committee_id=w.committee_id,
                                        year=YEAR, series_codes=(SERIES,))
        w.actors["other_reviewer"] = w._actor("other_reviewer", "policy_reviewer", None,
                                              committee_id=w.committee_id, year=YEAR, series_codes=("health",))
        session.flush()
        return w

    def _committee(self, name: str, organizer: int, region: int, self_review: bool) -> int:
        c = Committee(name=name, organizer_unit_id=organizer, region_unit_id=region, series_code=SERIES,
                      level_codes=["intermediate", LEVEL], year=YEAR, self_review=self_review,
                      authority_status="approved", required_modules=[])
        self.session.add(c)
        self.session.flush()
        return c.id

    def _person(self, name: str, unit_id: int, id_number: str) -> int:
        p = Person(name=name, id_number=id_number, phone="13800001234", unit_id=unit_id)
        self.session.add(p)
        self.session.flush()
        return p.id

    def _actor(self, login: str, role: str, unit_id: int | None, **scope) -> Actor:
        account = Account(login_name=login, display_name=login, password_hash=FAKE_HASH,
                          person_id=scope.get("person_id"), must_change_password=False)
        self.session.add(account)
        self.session.flush()
        self.session.add(RoleGrant(account_id=account.id, role=role, unit_id=unit_id,
                                   committee_id=scope.get("committee_id"), year=scope.get("year"),
                                   series_codes=list(scope.get("series_codes", ()))))
        return Actor(account_id=account.id, role=role, unit_id=unit_id, **scope)

    def actor(self, name: str) -> Actor:
        return self.actors[name]

    def new_declaration(self, *, person_id: int | None = None, unit: str = "employer", complete: bool = True,
                        committee_id: int | None = None, review_type: str = "socialized",
                        flow: str = "review") -> int:
        d = Declaration(flow=flow, applicant_person_id=person_id or self.applicant_person_id,
                        unit_id=self.units[unit], year=YEAR, level_code=LEVEL, series_code=SERIES,
                        specialty_code=SPECIALTY, review_type=review_type if flow == "review" else None,
                        committee_id=(committee_id or self.committee_id) if flow == "review" else None,
                        relay_route=[])
        self.session.add(d)
        self.session.flush()
        if complete:
            for module in DEFAULT_REQUIRED[flow]:
                self.session.add(DeclarationRecord(declaration_id=d.id, module=module, data=dict(SAMPLE_ROWS[module])))
        self.session.flush()
        return d.id

    def publicize(self, declaration_id: int, kind: str, *, ended: bool = True, owner: str = "employer") -> int:
        """A published publicity batch with this declaration; ended unless told otherwise."""
        today = clock_today()
        batch = PublicityBatch(kind=kind, owner_unit_id=self.units[owner], title=f"{kind} publicity",
                               starts_on=PAST if ended else today, ends_on=PAST if ended else today + dt.timedelta(days=9),
                               status="published")
        self.session.add(batch)
        self.session.flush()
        self.session.add(PublicityItem(batch_id=batch.id, declaration_id=declaration_id))
        self.session.flush()
        return batch.id

    def attach(self, declaration_id: int, purpose: str, record_id: int | None = None) -> None:
        sha = f"{purpose:0<64}"[:64]
        if self.session.get(StoredFile, sha) is None:
            self.session.add(StoredFile(sha256=sha, size=1, media_type="application/pdf"))
            self.session.flush()
        self.session.add(Attachment(declaration_id=declaration_id, record_id=record_id, purpose=purpose, sha256=sha,
                                    original_name=f"{purpose}.pdf"))
        self.session.flush()

    def tally(self, declaration_id: int, passed: bool) -> None:
        self.session.add(TallyResult(session_id=self._panel_session(), declaration_id=declaration_id, members=25,
                                     present=25, yes=20 if passed else 5, no=5 if passed else 20, abstain=0,
                                     passed=passed, record_hash="0" * 64))
        self.session.flush()

    def _panel_session(self) -> int:
        from db.models import PanelSession

        ps = PanelSession(committee_id=self.committee_id, year=YEAR)
        self.session.add(ps)
        self.session.flush()
        return ps.id

    def do(self, name: str, declaration_id: int, action: str, **payload) -> int:
        return act(self.session, self.actor(name), declaration_id, action, payload)

    def drive(self, declaration_id: int, target: str) -> None:
        """Push a declaration along the happy path until it reaches ``target``."""
        for state, step in HAPPY_PATH:
            current = self.session.get(Declaration, declaration_id, populate_existing=True).state
            if current == target:
                return
            assert current == state, f"drive: at {current}, expected {state}"
            step(self, declaration_id)
        assert self.session.get(Declaration, declaration_id, populate_existing=True).state == target


def _recommend(w: World, d: int) -> None:
    w.attach(d, "unit_proof")
    w.do("unit_op", d, "recommend", operator_name="王经办", operator_phone="0851-1234567")


HAPPY_PATH = (
    ("draft", lambda w, d: w.do("applicant", d, "submit", pledge=PLEDGE_TEXT)),
    ("unit_verify", lambda w, d: w.do("unit_op", d, "approve")),
    ("unit_publicity", lambda w, d: (w.publicize(d, "unit"), w.do("unit_op", d, "complete_publicity"))),
    ("unit_recommend", _recommend),
    ("relay", lambda w, d: w.do("dept_op", d, "approve")),
    ("relay", lambda w, d: w.do("city_hr", d, "approve")),
    ("relay", lambda w, d: w.do("prov_hr", d, "assign_committee", committee_id=w.committee_id)),
    ("material_receipt", lambda w, d: w.do("committee_op", d, "accept")),
    ("policy_review", lambda w, d: w.do("reviewer", d, "recheck_pass")),
    ("candidate_publicity", lambda w, d: (w.publicize(d, "candidate", owner="organizer"),
                                          w.do("committee_op", d, "complete_publicity"))),
    ("panel_review", lambda w, d: (w.tally(d, True), w.do("committee_op", d, "tally"))),
    ("result_publicity", lambda w, d: (w.publicize(d, "result", owner="organizer"),
                                       w.do("committee_op", d, "complete_publicity"))),
    ("filing", lambda w, d: w.do("committee_op", d, "submit_filing")),
    ("filing", lambda w, d: w.do("prov_hr", d, "filing_approved")),
)
