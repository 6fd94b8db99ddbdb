"""Login, session and password services as the app shell calls them: one transaction per call.

The login form (streamlit-authenticator, in ui/auth.py) checks the password against the hash that
``gate`` hands out; the outcome is then recorded here (``begin`` or ``fail``). Every later request
resolves the session token (``resolve``), so timeouts, logout, disabling an account and role changes
take effect at the next request. Nothing here tells whether an account exists.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from core.identity import accounts

from core.identity import sessions
from core.common.config import demo_mode
from core.identity.sessions import Principal
from core.workflow import Actor
from core.desks.workspaces import unit_names
from db.session import read_session, unit_of_work


def gate(engine: Engine, login_name: str) -> str | None:
    """The password hash to check if this account may try to log in now, else None."""
    with read_session(engine) as session:
        return accounts.login_gate(session, login_name)


def begin(engine: Engine, login_name: str) -> Principal:
    """Record a successful login and open a server-side session."""
    with unit_of_work(engine) as session:
        return sessions.start_session(session, login_name)


def fail(engine: Engine, login_name: str) -> None:
    """Record a failed login (counts towards the lockout; audited)."""
    with unit_of_work(engine) as session:
        accounts.record_login_failure(session, login_name)


def resolve(engine: Engine, token: str | None) -> Principal | None:
    """The principal of a live session token, or None when it ended or expired."""
    if not sessions.is_session_token(token):
        return None
    with unit_of_work(engine) as session:
        return sessions.resolve_session(session, token)


def end(engine: Engine, token: str | None) -> None:
    with unit_of_work(engine) as session:
        sessions.end_session(session, token)


def change_password(engine: Engine, principal: Principal, current: str, new: str, repeat: str) -> None:
    """Change one's own password; the repeat must match, the policy must hold (ValidationError)."""
    from core.common.errors import ValidationError

    if (new or "") != (repeat or ""):
        raise ValidationError("password.repeat_mismatch")
    with unit_of_work(engine) as session:
        accounts.change_password(session, principal.account_id, current, new)


@dataclass(frozen=True)
class ContextChoice:
    index: int
    role: str
    unit_name: str | None


def context_choices(engine: Engine, contexts: tuple[Actor, ...]) -> list[ContextChoice]:
    """The principal's contexts with unit names, for the context picker (role @ unit)."""
    with read_session(engine) as session:
        names = unit_names(session, (c.unit_id for c in contexts))
    return [ContextChoice(i, c.role, names.get(c.unit_id)) for i, c in enumerate(contexts)]


@dataclass(frozen=True)
class DemoAccount:
    login_name: str
    role: str
    unit_name: str | None


def demo_accounts(engine: Engine) -> tuple[list[DemoAccount], str | None]:
    """The demo accounts (login, role, unit) and the demo password; nothing outside demo mode."""
    if not demo_mode():
        return [], None
    from core.setup.demo import DEMO_PASSWORD, list_demo_accounts  # only in demo mode: keeps the demo out of production imports
    with read_session(engine) as session:
        rows = list_demo_accounts(session)
    return [_demo_row(r) for r in rows], DEMO_PASSWORD


def _demo_row(row: object) -> DemoAccount:
    get = row.get if isinstance(row, dict) else (lambda k, d=None: getattr(row, k, d))
    return DemoAccount(str(get("login_name")), str(get("role")), get("unit_name"))
