"""One call builds the whole demo province; ``ensure_demo_data`` builds it on an empty database once.

The build is one transaction in the caller's session. Two app servers starting together on an empty
database both try: the first inserts the ``demo_built`` marker row and builds, the second stops at
that row's unique key (PostgreSQL) or waits for the write lock and then sees the units (SQLite).
"""
from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.common import config
from core.declaring.catalogue import seed_catalogue
from core.common.config import demo_mode
from core.identity.passwords import hash_password
from db.base import utcnow
from core.setup.demo import meetings, org
from core.setup.demo.accounts import DEMO_PASSWORD
from core.setup.demo.clock import at, local_date
from core.setup.demo.context import Ctx
from core.setup.demo.execute import finish, insert_declaration, run_all, settle_filings
from core.setup.demo.identity import Identities
from core.setup.demo.people import build_experts, pending_joiners
from core.setup.demo.plan import plan_declarations, set_steps, set_times
from core.setup.demo.province import DEMO_UNIT, PROVINCE_NAME
from db.models import Account, AppSecret, Declaration, Expert, Unit
from db.uow import UnitOfWork


MARKER = "demo_built"


@dataclass
class DemoSummary:
    """What was built, for the CLI and the tests."""

    seed: int
    seconds: float
    units: dict[str, int] = field(default_factory=dict)  # kind → count
    experts: int = 0
    applicants: int = 0
    accounts: int = 0
    declarations: dict[str, dict[str, int]] = field(default_factory=dict)  # flow → state → count

    def lines(self) -> list[str]:
        out = [f"{PROVINCE_NAME} demo province (seed {self.seed}) built in {self.seconds:.1f} s",
               "units: " + ", ".join(f"{k} {n}" for k, n in sorted(self.units.items())),
               f"experts {self.experts}, applicants {self.applicants}, accounts {self.accounts}"]
        for flow, states in self.declarations.items():
            out.append(f"{flow}: {sum(states.values())} declarations: "
                       + ", ".join(f"{s} {n}" for s, n in states.items()))
        return out


def as_of(today: dt.date | None) -> dt.datetime:
    """The moment a demo for ``today`` is built as of: now on the clock's today (and by default),
    18:00 China time on any other day (histories are planned backwards from it)."""
    if today is None or today == config.today():
        return utcnow()
    return at(today, 18)


def build_demo_province(session: Session, *, seed: int = 2026, applicants: int = 320,
                        today: dt.date | None = None, now: dt.datetime | None = None) -> DemoSummary:
    """Build the province in the caller's transaction, as it stands on ``today`` (default: the clock's
    today) or at the moment ``now``; deterministic for a given seed and day (or moment)."""
    started = time.perf_counter()
    now = now or as_of(today)
    rng = random.Random(seed)
    ctx = Ctx(session, rng, now, local_date(now).year, hash_password(DEMO_PASSWORD), Identities(rng),
              start=now - dt.timedelta(days=180))
    seed_catalogue(session)
    org.build_units(ctx)
    org.build_staff(ctx)
    org.build_committees(ctx)
    org.build_reviewers(ctx)
    build_experts(ctx)
    pending_joiners(ctx, DEMO_UNIT, 3)
    plans = plan_declarations(ctx, applicants)
    for dp in plans:
        set_steps(ctx, dp)
        set_times(ctx, dp)
    for dp in plans:
        insert_declaration(ctx, dp)
    run_all(ctx, plans)
    for dp in plans:
        finish(ctx, dp)
    meetings.open_sessions(ctx)
    settle_filings(ctx, plans)
    audit.append(session, kind="admin", action="demo_build", at=now, target="demo_province",
                 detail={"seed": seed, "applicants": applicants, "declarations": len(plans)})
    session.flush()
    return summarize(session, seed, time.perf_counter() - started)


def summarize(session: Session, seed: int = 0, seconds: float = 0.0) -> DemoSummary:
    summary = DemoSummary(seed, seconds)
    summary.units = dict(session.execute(select(Unit.kind, func.count()).group_by(Unit.kind)).all())
    summary.experts = session.scalar(select(func.count()).select_from(Expert))
    summary.applicants = session.scalar(select(func.count(func.distinct(Declaration.applicant_person_id))))
    summary.accounts = session.scalar(select(func.count()).select_from(Account))
    rows = session.execute(select(Declaration.flow, Declaration.state, func.count())
                           .group_by(Declaration.flow, Declaration.state)).all()
    for flow, state, n in sorted(rows):
        summary.declarations.setdefault(flow, {})[state] = n
    return summary


class _AlreadyBuilt(Exception):
    pass


def build_if_empty(uow: UnitOfWork, **options) -> DemoSummary | None:
    """Build in one transaction unless the database has units or another server is building."""
    try:
        with uow.write() as session:
            if session.scalar(select(Unit.id).limit(1)) is not None:
                return None
            session.add(AppSecret(name=MARKER, value=f"seed={options.get('seed', 2026)}", created_at=utcnow()))
            try:
                session.flush()
            except IntegrityError as error:
                raise _AlreadyBuilt() from error
            return build_demo_province(session, **options)
    except _AlreadyBuilt:
        return None
    except OperationalError as error:  # SQLite: the other server held the write lock past the busy timeout
        if "locked" in str(error).lower():
            return None
        raise


def ensure_demo_data(uow: UnitOfWork, today: dt.date | None = None, **options) -> bool:
    """In demo mode, build the province on a database without units (True); otherwise do nothing (False).

    The demo stands as on ``today`` (default: the clock's today, ``core.common.config.today()``); ``options``
    go to :func:`build_demo_province` (``seed``, ``applicants``, ``now``).
    """
    if not demo_mode():
        return False
    return build_if_empty(uow, today=today, **options) is not None
