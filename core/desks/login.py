"""Login, session and password services as the app shell calls them: one transaction per call.

The login form (streamlit-authenticator, in ui/auth.py) checks the password against the hash that
``gate`` hands out; the outcome is then recorded here (``begin`` or ``fail``). Every later request
resolves the session token (``resolve``), so timeouts, logout, disabling an account and role changes
take effect at the next request. Nothing here tells whether an account exists.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.identity import accounts

from core.identity import sessions
from core.common.errors import ValidationError
from core.identity.sessions import Principal
from core.workflow import Actor
from core.desks.workspaces import unit_names
from db.uow import UnitOfWork


def gate(uow: UnitOfWork, login_name: str) -> str | None:
    """The password hash to check if this account may try to log in now, else None."""
    with uow.read() as session:
        return accounts.login_gate(session, login_name)


def begin(uow: UnitOfWork, login_name: str) -> Principal:
    """Record a successful login and open a server-side session."""
    with uow.write() as session:
        return sessions.start_session(session, login_name)


def fail(uow: UnitOfWork, login_name: str) -> None:
    """Record a failed login (counts towards the lockout; audited)."""
    with uow.write() as session:
        accounts.record_login_failure(session, login_name)


def resolve(uow: UnitOfWork, token: str | None) -> Principal | None:
    """The principal of a live session token, or None when it ended or expired."""
    if not sessions.is_session_token(token):
        return None
    with uow.write() as session:
        return sessions.resolve_session(session, token)


def end(uow: UnitOfWork, token: str | None) -> None:
    with uow.write() as session:
        sessions.end_session(session, token)


def change_password(uow: UnitOfWork, principal: Principal, current: str, new: str, repeat: str) -> None:
    """Change one's own password; the repeat must match, the policy must hold (ValidationError).
    The principal's own session stays; every other session of the account ends."""
    if (new or "") != (repeat or ""):
        raise ValidationError("password.repeat_mismatch")
    with uow.write() as session:
        accounts.change_password(session, principal.account_id, current, new, keep_session=principal.token)


@dataclass(frozen=True)
class ContextChoice:
    index: int
    role: str
    unit_name: str | None


def context_choices(uow: UnitOfWork, contexts: tuple[Actor, ...]) -> list[ContextChoice]:
    """The principal's contexts with unit names, for the context picker (role @ unit)."""
    with uow.read() as session:
        names = unit_names(session, (c.unit_id for c in contexts))
    return [ContextChoice(i, c.role, names.get(c.unit_id)) for i, c in enumerate(contexts)]
