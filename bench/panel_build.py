"""Build panel sessions fast for the panel benchmarks (bench/panel_console.py, bench/panel_votes.py).

Rows go in with bulk inserts (executemany; ids read back with RETURNING in parameter order), not
through the services: employers, applicants and their declarations in ``panel_review``, experts with
accounts (a few declared conflicts), one committee, and per session its groups, ``GroupDeclaration``,
``PanelMember`` rows (chair, vice chairs, committee members, group experts and leaders; most signed
in, one declined), final distributions, the group vote done, and, for a session in ``committee_voting``,
the committee counters opened (``VoteCount`` rows) and a share of the committee ballots cast.
Counters always equal the participations. Recusal (own unit, own person, declared conflict) is
computed here in Python too, so the benchmarks can check the app's figures against hand counts.

The database must be migrated and hold no panel data (a fresh benchmark database or a test's).
"""
from __future__ import annotations

import datetime as dt
import os
import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import String, cast, create_engine, insert, literal, text, update
from sqlalchemy.orm import Session

from core.declaring.catalogue import seed_catalogue
from core.panel import rules
from core.workflow import Actor
from db.base import utcnow
from db.migrate import upgrade_to_head
from db.models import (Account, Committee, Declaration, DossierAssignment, Expert, ExpertConflict, GroupDeclaration,
                       PanelMember, PanelSession, Person, ReviewGroup, Unit, VoteCount, VoteParticipation)
from db.uow import UnitOfWork

PG_ADMIN_URL = os.environ.get("TITLES_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SERIES, SPECIALTY, LEVEL, YEAR = "engineering", "eng_civil", "associate_senior", 2026
FAKE_HASH = "$2b$04$" + "x" * 53


@dataclass
class Voter:
    member_id: int
    expert_id: int
    duty: str
    actor: Actor


@dataclass
class BuiltSession:
    id: int
    status: str
    dossiers: list[int]
    voters: list[Voter]                            # the committee's voting members (chair, vice chairs, members)
    chair: Actor
    recused: set[tuple[int, int]] = field(default_factory=set)   # (member id, declaration id), committee voters
    committee_eligible: int = 0                    # signed-in, not recused (voter, dossier) pairs
    committee_voted: int = 0


@dataclass
class Context:
    organizer: int
    employers: list[int]
    committee_id: int
    rng: random.Random
    serial: int = 0

    def next(self) -> int:
        self.serial += 1
        return self.serial


def _ids(s: Session, model, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    return list(s.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows))


def _province(s: Session, rng: random.Random, employers: int) -> Context:
    seed_catalogue(s)
    [hr] = _ids(s, Unit, [dict(name="省人社厅（基准）", kind="hr_bureau", region_level="province", path="/")])
    [org] = _ids(s, Unit, [dict(name="工程评委会组建单位（基准）", kind="committee_organizer", parent_id=hr, path="/")])
    emp = _ids(s, Unit, [dict(name=f"用人单位{n:03d}", kind="employer", parent_id=hr, path="/")
                         for n in range(employers)])
    s.execute(update(Unit).where(Unit.id == hr).values(path=f"/{hr}/"))
    s.execute(update(Unit).where(Unit.id.in_([org, *emp]))  # only its own units: it may share a demo database
              .values(path=literal(f"/{hr}/") + cast(Unit.id, String) + "/"))
    [committee] = _ids(s, Committee, [dict(name="工程系列高级评委会（基准）", organizer_unit_id=org, region_unit_id=hr,
                                            series_code=SERIES, level_codes=[LEVEL], year=YEAR,
                                            authority_status="approved", required_modules=[])])
    return Context(org, emp, committee, rng)


def _people(s: Session, ctx: Context, names: list[str], units: list[int]) -> list[int]:
    return _ids(s, Person, [dict(name=n, unit_id=u, id_number=f"B{ctx.next():017d}") for n, u in zip(names, units)])


def _session(s: Session, ctx: Context, *, dossiers: int, voters: int, groups: int, group_experts: int,
             status: str, absent: float, voted: float, now: dt.datetime) -> BuiltSession:
    rng = ctx.rng
    # applicants and their declarations, waiting in panel review (a past session's are decided)
    units = [rng.choice(ctx.employers) for _ in range(dossiers)]
    applicants = _people(s, ctx, [f"申报人{ctx.serial + n}" for n in range(dossiers)], units)
    state = "panel_review" if status != "tallied" else "result_publicity"
    decl = _ids(s, Declaration, [dict(applicant_person_id=p, unit_id=u, year=YEAR, level_code=LEVEL, series_code=SERIES,
                                      specialty_code=SPECIALTY, review_type="socialized", committee_id=ctx.committee_id,
                                      state=state, holder_unit_id=ctx.organizer, relay_route=[], version=11)
                                 for p, u in zip(applicants, units)])
    unit_of, applicant_of = dict(zip(decl, units)), dict(zip(decl, applicants))
    # experts: the committee's voters, then each group's own experts; accounts; one declared conflict each
    n_experts = voters + groups * group_experts
    e_units = [rng.choice(ctx.employers) for _ in range(n_experts)]
    e_people = _people(s, ctx, [f"专家{ctx.serial + n}" for n in range(n_experts)], e_units)
    experts = _ids(s, Expert, [dict(person_id=p, unit_id=u, series_code=SERIES, specialty_codes=[SPECIALTY],
                                    level_code="senior") for p, u in zip(e_people, e_units)])
    accounts = _ids(s, Account, [dict(login_name=f"bench_expert_{p}", display_name=f"专家{p}", password_hash=FAKE_HASH,
                                      person_id=p, must_change_password=False) for p in e_people])
    conflicts = {(e, rng.choice(applicants)) for e in experts if rng.random() < 0.5}
    if conflicts:
        s.execute(insert(ExpertConflict), [dict(expert_id=e, person_id=p, reason="基准") for e, p in sorted(conflicts)])
    # the session, its groups and dossiers
    [sid] = _ids(s, PanelSession, [dict(committee_id=ctx.committee_id, year=YEAR, title=f"基准评审会 {ctx.next()}",
                                        status=status, version=4, blind_review=False, defense=False,
                                        vote_opened_at=now if status != "reviewing" else None)])
    gids = _ids(s, ReviewGroup, [dict(session_id=sid, name=f"评议组{g + 1:02d}", status="group_voted", version=5)
                                 for g in range(groups)])
    group_of = {d: gids[n % groups] for n, d in enumerate(decl)}
    s.execute(insert(GroupDeclaration), [dict(group_id=g, declaration_id=d) for d, g in group_of.items()])
    # members: chair, 2 vice chairs, committee members (every other one also in a group), group experts
    rows, meta = [], []
    for n in range(n_experts):
        if n < voters:
            duty = "chair" if n == 0 else "vice_chair" if n < 3 else "committee_member"
            group = gids[(n // 2) % groups] if duty == "committee_member" and n % 2 == 0 else None
        else:
            k = n - voters
            duty = "group_leader" if k % group_experts == 0 else "expert"
            group = gids[k // group_experts]
        declined = n == voters - 1 and voters > 4  # one member declined (neither counted nor present)
        here = not declined and (n == 0 or rng.random() >= absent)
        rows.append(dict(session_id=sid, expert_id=experts[n], group_id=group, duty=duty,
                         declined_at=now if declined else None, signed_in_at=now if here else None,
                         signed_out_at=None))
        meta.append((experts[n], e_units[n], e_people[n], accounts[n], duty, group, here, declined))
    members = _ids(s, PanelMember, rows)
    conflict_of = {(e, p) for e, p in conflicts}

    def recused(n: int, d: int) -> bool:
        expert, unit, person = meta[n][0], meta[n][1], meta[n][2]
        return unit == unit_of[d] or person == applicant_of[d] or (expert, applicant_of[d]) in conflict_of

    # distribution: two group members of the dossier's group that are not recused, the first the main reviewer
    by_group: dict[int, list[int]] = {}
    for n, m in enumerate(meta):
        if m[5] is not None and not m[7]:
            by_group.setdefault(m[5], []).append(n)
    assignments = []
    for d, g in group_of.items():
        pool = [n for n in by_group.get(g, []) if not recused(n, d)]
        for k, n in enumerate(rng.sample(pool, min(2, len(pool)))):
            assignments.append(dict(group_id=g, declaration_id=d, member_id=members[n], is_main=k == 0,
                                    opinion={"opinion": "同意推荐。"}, final=status != "reviewing", updated_at=now))
    if assignments:
        s.execute(insert(DossierAssignment), assignments)
    # ballots: the group vote is done; the committee's partly (all of it in a tallied session)
    counts: Counter = Counter()
    votes = []
    stages = [("group", 1.0)] + ([("committee", voted if status == "committee_voting" else 1.0)]
                                 if status in ("committee_voting", "tallied") else [])
    built = BuiltSession(sid, status, decl, [], Actor(account_id=accounts[0], role="chair", person_id=e_people[0]))
    for stage, share in stages:
        for d in decl:
            for n, m in enumerate(meta):
                may = m[4] in rules.VOTING_DUTIES if stage == "committee" else m[5] == group_of[d]
                if not may or m[7]:
                    continue
                if stage == "committee" and recused(n, d):
                    built.recused.add((members[n], d))
                if not m[6] or recused(n, d):
                    continue
                if stage == "committee":
                    built.committee_eligible += 1
                if rng.random() < share:
                    votes.append(dict(session_id=sid, declaration_id=d, stage=stage, member_id=members[n], voted_at=now))
                    counts[(d, stage, rng.choices(rules.CHOICES, (7, 2, 1))[0])] += 1
                    built.committee_voted += stage == "committee"
    for start in range(0, len(votes), 20_000):
        s.execute(insert(VoteParticipation), votes[start:start + 20_000])
    s.execute(insert(VoteCount), [dict(session_id=sid, declaration_id=d, stage=stage, choice=c,
                                       count=counts[(d, stage, c)])
                                  for stage, _ in stages for d in decl for c in rules.CHOICES])
    built.voters = [Voter(members[n], m[0], m[4], Actor(account_id=m[3], role=m[4], person_id=m[2]))
                    for n, m in enumerate(meta) if m[4] in rules.VOTING_DUTIES and not m[7]]
    return built


def build_panel(uow: UnitOfWork, *, dossiers: int, voters: int, groups: int = 10, group_experts: int = 3,
                sessions: tuple[str, ...] = ("committee_voting",), absent: float = 0.08, voted: float = 0.4,
                employers: int = 40, seed: int = 20261127, migrate: bool = True,
                log: Callable[[str], None] = lambda _m: None) -> list[BuiltSession]:
    """One committee with one session per entry of ``sessions`` (its status), each of ``dossiers`` dossiers and
    ``voters`` voting members (+ ``groups × group_experts`` group experts). Returns what was built, in order."""
    if migrate:
        upgrade_to_head(uow.engine)
    now = utcnow()
    out = []
    with uow.write() as s:
        ctx = _province(s, random.Random(seed), employers)
        for status in sessions:
            out.append(_session(s, ctx, dossiers=dossiers, voters=voters, groups=min(groups, dossiers),
                                group_experts=group_experts, status=status, absent=absent, voted=voted, now=now))
    with uow.engine.connect() as conn:
        if uow.engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        else:
            conn.exec_driver_sql("ANALYZE")
    log(f"  built {len(out)} session(s) × {dossiers} dossiers × {voters} voting members "
        f"({', '.join(sessions)})")
    return out


# --- scratch databases ---------------------------------------------------------------------------

@dataclass
class Scratch:
    backend: str
    url: str
    cleanup: Callable[[], None]


def scratch_database(backend: str, workdir: str | None = None) -> Scratch:
    """A new empty database for one run (dropped by ``cleanup``): a SQLite file, or a PostgreSQL database."""
    name = f"titles_panel_bench_{uuid.uuid4().hex[:8]}"
    if backend == "sqlite":
        folder = workdir or os.path.join(os.environ.get("TMPDIR", "/tmp"), "titles_bench")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{name}.db")

        def drop_file() -> None:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.unlink(path + suffix)

        return Scratch("sqlite", f"sqlite:///{path}", drop_file)
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop_db() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return Scratch("postgresql", PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", drop_db)

