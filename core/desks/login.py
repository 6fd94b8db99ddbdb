"""Login, session and password services as the app shell calls them: one transaction per call.

The login form (streamlit-authenticator, in ui/auth.py) checks the password against the hash that
``gate`` hands out; the outcome is then recorded here (``begin`` or ``fail``). Every later request
resolves the session token (``resolve``), so timeouts, logout, disabling an account and role changes
take effect at the next request. Nothing here tells whether an account exists, neither by its answer nor
by its time: ``gate`` hands out a dummy hash of the same bcrypt cost for an account that may not try.

The client address (``client_address``: the connection's peer, or X-Forwarded-For from trusted proxies)
comes from the ui glue; ``gate`` refuses a client that failed too often (``Throttled``, before bcrypt)
and ``fail`` counts the failure for the client as well as the account (``core.identity.login_throttle``).
"""
from __future__ import annotations

from dataclasses import dataclass

from core.identity import accounts
from core.identity import sessions
from core.common.config import trusted_proxies
from core.common.errors import Throttled, ValidationError
from core.common.text import bad_characters
from core.identity.passwords import dummy_hash
from core.identity.sessions import Principal
from core.workflow import Actor
from core.desks.workspaces import unit_names
from db.uow import UnitOfWork


def client_address(peer: str | None, forwarded_for: list[str] | None = None, proxies: int | None = None) -> str | None:
    """The client's address: the connection's peer, unless ``proxies`` (``TITLES_TRUSTED_PROXIES``) trusted
    proxies each appended the address they saw to X-Forwarded-For; then the entry the outermost of them
    wrote (whatever a client sends in that header itself stays to its left and is ignored)."""
    proxies = trusted_proxies() if proxies is None else proxies
    if proxies <= 0:
        return peer
    entries = [e.strip() for line in forwarded_for or () for e in line.split(",") if e.strip()]
    return entries[-proxies] if len(entries) >= proxies else peer


LOGIN_NAME_MAX = 64  # no account name is longer (ID number 18, USCC 18, chosen names fewer)


def as_typed(login_name: str | None) -> str:
    """A login name as the lookups and the audit row may hold it. Characters no account name has (control
    characters, NUL, which PostgreSQL refuses, lone surrogates, which UTF-8 cannot encode) become U+FFFD and
    the name is cut to ``LOGIN_NAME_MAX``: such a name is simply unknown, answered like any other."""
    name = login_name or ""
    for ch in bad_characters(name):
        name = name.replace(ch, "\ufffd")
    return name[:LOGIN_NAME_MAX]


def gate(uow: UnitOfWork, login_name: str, client: str | None = None) -> str:
    """The password hash to check: the account's if it may try to log in now, else a dummy one nothing
    matches (same bcrypt cost). Raises Throttled, before any lookup, when the client (or everyone) failed
    too often this minute."""
    with uow.write() as session:
        wait = accounts.login_refused_for(session, client)
        password_hash = None if wait is not None else accounts.login_gate(session, as_typed(login_name))
    if wait is not None:  # raised after the commit: the refusal is counted and audited
        raise Throttled(seconds=wait)
    return password_hash or dummy_hash()


def begin(uow: UnitOfWork, login_name: str, client: str | None = None, agent: str | None = None) -> Principal:
    """Record a successful login and open a server-side session, bound to this browser (its User-Agent,
    and its address if configured)."""
    with uow.write() as session:
        return sessions.start_session(session, login_name, bound_to=sessions.binding(agent, client))


def fail(uow: UnitOfWork, login_name: str, client: str | None = None) -> None:
    """Record a failed login (counts towards the account's lockout and the client's throttle; audited)."""
    with uow.write() as session:
        accounts.record_login_failure(session, as_typed(login_name), client=client)


def resolve(uow: UnitOfWork, token: str | None, client: str | None = None,
            agent: str | None = None) -> Principal | None:
    """The principal of a live session token, or None when it ended, expired, or comes from another
    browser than the one it began in."""
    if not sessions.is_session_token(token):
        return None
    with uow.write() as session:
        return sessions.resolve_session(session, token, bound_to=sessions.binding(agent, client))


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
