"""``python -m core.setup.demo [--reset] [--applicants N] [--seed S] [--today YYYY-MM-DD]``: migrate the configured
database and build the demo province (as it stands on ``--today``, default today) if it has no units.
``--reset`` starts a SQLite file afresh (it refuses on other databases: drop a PostgreSQL database by
hand, deliberately).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from core.common.config import demo_mode
from db.session import database_url
from core.setup.demo.accounts import DEMO_PASSWORD
from core.setup.demo.build import build_if_empty
from db.migrate import upgrade_to_head
from db.session import make_engine, read_session


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _reset(url: str) -> bool:
    path = _sqlite_file(url)
    if path is None:
        print("--reset works only on a SQLite file; refusing to drop this database", file=sys.stderr)
        return False
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.setup.demo", description="Build the demo province.")
    parser.add_argument("--reset", action="store_true", help="delete the SQLite database file first")
    parser.add_argument("--applicants", type=int, default=320)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                        help="build the province as it stands on this day (default: today)")
    args = parser.parse_args(argv)
    url = database_url()
    if args.reset and not _reset(url):
        return 2
    path = _sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    upgrade_to_head(engine)
    summary = build_if_empty(engine, seed=args.seed, applicants=args.applicants, today=args.today)
    if summary is None:
        print("the database already has units: nothing built (use --reset to start a SQLite file afresh)")
        return 0
    print("\n".join(summary.lines()))
    from core.setup.demo.accounts import list_demo_accounts

    with read_session(engine) as session:
        for row in list_demo_accounts(session):
            print(f"  {row['login_name']:<18} {row['role']:<20} {row['display_name']}  {row['unit_name']}")
    mode = "on" if demo_mode() else "OFF (TITLES_DEMO=0): demo accounts cannot log in"
    print(f"demo password: {DEMO_PASSWORD}   demo mode: {mode}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
