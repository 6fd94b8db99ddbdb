"""Settings from the environment, and the configurable numbers of rules.md with their defaults.

Every rule number lives here once; services read ``RULES`` rather than repeating a literal.
Override any rule with an environment variable named ``TITLES_RULE_<NAME>`` (upper case).
"""
from __future__ import annotations

import dataclasses
import os
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from db.clock import now, set_clock  # noqa: F401 - the app's clock, re-exported for core

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Rules:
    publicity_working_days: int = 5
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    login_client_failures_per_minute: int = 10  # failed logins of one client address, then refused (0: off)
    login_failures_per_minute: int = 300  # failed logins of all clients together, then refused (0: off)
    password_min_length: int = 8
    password_min_classes: int = 3
    password_min_strength: int = 3  # zxcvbn score 0-4 a new password must reach; 0 turns the check off
    password_max_age_days: int = 0  # 0: no periodic change
    temp_password_hours: int = 72
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    upload_max_mb: int = 20
    revoked_title_block_years: int = 3
    recused_count_as_present: bool = False


def _rules_from_env() -> Rules:
    values = {}
    for field in dataclasses.fields(Rules):
        raw = os.environ.get(f"TITLES_RULE_{field.name.upper()}")
        if raw is not None:
            values[field.name] = raw.lower() in ("1", "true", "yes") if field.type == "bool" else int(raw)
    return Rules(**values)


RULES = _rules_from_env()


def file_store_path() -> Path:
    return Path(os.environ.get("TITLES_FILE_STORE", str(ROOT / "data" / "files")))


def demo_mode() -> bool:
    """Demo mode builds the demo province on an empty database and lists demo accounts."""
    return os.environ.get("TITLES_DEMO", "1").lower() in ("1", "true", "yes")


def bcrypt_rounds() -> int:
    """bcrypt cost; 12 in production. Tests lower it (TITLES_BCRYPT_ROUNDS=4) to stay fast."""
    return max(4, min(16, int(os.environ.get("TITLES_BCRYPT_ROUNDS", "12"))))


def trusted_proxies() -> int:
    """How many reverse proxies in front of the app append to X-Forwarded-For (``TITLES_TRUSTED_PROXIES``).
    0, the default, trusts no header: the client address is the connection's peer. Set it only when every
    request passes through that many proxies, or clients can claim any address."""
    try:
        return max(0, int(os.environ.get("TITLES_TRUSTED_PROXIES", "0")))
    except ValueError:
        return 0


def session_bind_address() -> bool:
    """Whether a login session is honoured only from the client address it began at
    (``TITLES_SESSION_BIND_ADDRESS``, off by default: mobile networks and NAT pools change addresses
    mid-session). It is always bound to the browser's User-Agent."""
    return os.environ.get("TITLES_SESSION_BIND_ADDRESS", "0").lower() in ("1", "true", "yes")


def audit_chains() -> int:
    """How many hash chains the audit trail spreads appends over (``core.audit.trail``); 1 is one global
    chain, as before. Changing it later is safe: existing chains stay verifiable and simply stop growing."""
    return max(1, min(256, int(os.environ.get("TITLES_AUDIT_CHAINS", "8"))))


def audit_anchor_every() -> int:
    """Every this many appends to one chain, the append also writes an anchor folding every chain's head
    (``core.audit.trail.anchor``); 0 turns the automatic anchors off (``verify`` and ``anchor`` still write one)."""
    return max(0, int(os.environ.get("TITLES_AUDIT_ANCHOR_EVERY", "1000")))


def audit_checkpoint_minutes() -> int:
    """How often a running app signs the audit trail's heads into the external anchor log
    (``core.audit.checkpoint``); 0: only at start and by the commands."""
    try:
        return max(0, int(os.environ.get("TITLES_AUDIT_CHECKPOINT_MINUTES", "60")))
    except ValueError:
        return 60


def local_time(now: dt.datetime) -> dt.datetime:
    """The moment on the clocks where the users are (China time unless ``TITLES_TIMEZONE`` says otherwise)."""
    return now.astimezone(ZoneInfo(os.environ.get("TITLES_TIMEZONE", "Asia/Shanghai")))


def local_date(now: dt.datetime) -> dt.date:
    """The calendar date where the users are (publicity periods are counted in China's days)."""
    return local_time(now).date()


def trusted_proxies() -> int:
    """How many reverse proxies in front of the app append to ``X-Forwarded-For`` and are trusted
    (``TITLES_TRUSTED_PROXIES``, default 0: the header is ignored, since anyone can send it). With n, the
    client's address is the n-th entry from the right (the one the outermost trusted proxy saw)."""
    try:
        return max(0, int(os.environ.get("TITLES_TRUSTED_PROXIES", "0")))
    except ValueError:
        return 0


# --- the one clock (db.clock): tests and demonstrations can set it ------------------------------------

def today() -> dt.date:
    """Today where the users are, by the app's clock."""
    return local_date(now())


def console_refresh_seconds() -> float:
    """How often the chair's live panel console refreshes (``TITLES_CONSOLE_REFRESH_SECONDS``, default 3 s)."""
    try:
        return max(1.0, float(os.environ.get("TITLES_CONSOLE_REFRESH_SECONDS", "3")))
    except ValueError:
        return 3.0


# Service levels (issue 12): how many working days (official calendar) a declaration may wait in a state
# before it is overdue; relay counts per hop. Override one with ``TITLES_SLA_<STATE>`` (e.g. TITLES_SLA_RELAY=3).
SLA_DEFAULTS = {"unit_verify": 5, "unit_publicity": 10, "unit_recommend": 5, "relay": 5, "material_receipt": 5,
                "policy_review": 10, "failed_publicity": 10, "supplement_verify": 5, "policy_recheck": 5,
                "candidate_publicity": 10, "result_publicity": 10, "filing": 10, "dept_review": 5, "hr_review": 5}


def sla_working_days() -> dict[str, int]:
    """The working-day limit of each state that has one."""
    return {state: int(os.environ.get(f"TITLES_SLA_{state.upper()}", days)) for state, days in SLA_DEFAULTS.items()}
