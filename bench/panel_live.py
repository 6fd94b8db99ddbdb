"""A panel meeting on a demo database, for the page profile and the browser load test.

``demo_database`` builds the demo province (``python -m core.setup.demo``, as tests/browser/conftest.py
does) into a scratch folder on a fixed clock; ``meeting`` adds one committee session in ``committee_voting``
with bulk inserts (bench/panel_build.py: M voting members × D dossiers, some members recused from some
dossiers, nobody signed in and no committee ballot yet), then gives every voting member a login of its own
with a known password and one role (``committee_member``; the chair ``chair``), so no context picker shows,
and signs them all in through ``core.panel.attendance`` as the committee unit's operator does.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update

from bench.panel_build import BuiltSession, build_panel
from core.identity.accounts import create_account, grant_role
from core.identity.passwords import hash_password
from core.panel import attendance
from core.workflow import Actor
from db.models import Account, Committee, PanelSession
from db.uow import UnitOfWork

ROOT = Path(__file__).resolve().parents[1]
CLOCK = "2026-09-09T10:00:00+08:00"   # the test suite's moment: a Wednesday far from holidays
PASSWORD = "Load#2026pw"


@dataclass
class Scratch:
    folder: Path
    env: dict[str, str]

    @property
    def url(self) -> str:
        return self.env["TITLES_DATABASE_URL"]

    def cleanup(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Voter:
    login: str
    member_id: int
    actor: Actor
    dossiers: int              # how many dossiers their ballot sheet offers (not recused)


@dataclass
class Meeting:
    session_id: int
    dossiers: list[int]
    voters: list[Voter]        # committee members and vice chairs, each with a login of their own
    chair_login: str
    built: BuiltSession


def demo_database(workdir: str | None = None, extra_env: dict[str, str] | None = None) -> Scratch:
    """A scratch folder with a demo database built for ``CLOCK`` and the environment an app server needs."""
    folder = Path(tempfile.mkdtemp(prefix="titles_panel_live_", dir=workdir))
    env = {**os.environ, "TITLES_DATABASE_URL": f"sqlite:///{folder / 'app.db'}",
           "TITLES_FILE_STORE": str(folder / "files"), "TITLES_DEMO": "1", "TITLES_BCRYPT_ROUNDS": "4",
           "TITLES_CLOCK": CLOCK, **(extra_env or {})}
    built = subprocess.run([sys.executable, "-m", "core.setup.demo"], cwd=ROOT, env=env, capture_output=True,
                           text=True)
    if built.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"python -m core.setup.demo failed:\n{built.stderr[-2000:]}")
    return Scratch(folder, env)


def meeting(uow: UnitOfWork, *, voters: int, dossiers: int, seed: int = 20261203) -> Meeting:
    """One session in ``committee_voting`` with ``voters`` voting members (+ 1 declined) and ``dossiers``
    dossiers, every voting member with a login (``PASSWORD``) and signed in through attendance. The builder's
    first member is the chair (not among ``voters``: the console's user) and its last one declined."""
    [built] = build_panel(uow, dossiers=dossiers, voters=voters + 2, groups=min(10, dossiers), sessions=(
        "committee_voting",), absent=1.0, voted=0.0, seed=seed, migrate=False)
    pw_hash = hash_password(PASSWORD)
    with uow.write() as s:
        committee_id, organizer = s.execute(select(Committee.id, Committee.organizer_unit_id).join(
            PanelSession, PanelSession.committee_id == Committee.id).where(PanelSession.id == built.id)).one()
        operator, _ = create_account(s, login_name=f"load_op_{built.id}", display_name="评委会组建单位（负载）",
                                     password_hash=pw_hash)
        grant_role(s, operator.id, "committee_operator", organizer)
        out, chair_login = [], ""
        for v in built.voters:
            role = "chair" if v.duty == "chair" else "committee_member"
            login = f"load_{v.duty}_{v.member_id}"
            s.execute(update(Account).where(Account.id == v.actor.account_id).values(
                login_name=login, password_hash=pw_hash, must_change_password=False))
            grant_role(s, v.actor.account_id, role, committee_id=committee_id)
            if role == "chair":
                chair_login = login
            else:
                mine = sum(1 for d in built.dossiers if (v.member_id, d) not in built.recused)
                out.append(Voter(login, v.member_id, Actor(account_id=v.actor.account_id, role=role,
                                                           person_id=v.actor.person_id), mine))
    op = Actor(account_id=operator.id, role="committee_operator", unit_id=organizer)
    attendance.sign(uow, op, built.id, [v.member_id for v in built.voters], signed_in=True)
    return Meeting(built.id, built.dossiers, out, chair_login, built)
