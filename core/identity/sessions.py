"""Server-side login sessions: the cookie carries only a random token; the row decides.

Idle and absolute timeouts, logout, disabling an account, password resets and password changes end
sessions, so every app server (stateless) sees the same truth on the next request.

The cookie is written by JavaScript (the login library's cookie component), so it cannot be HttpOnly and a
script injected into the page could read it. What keeps a copied token from being worth much: it is only a
revocable random token (never a password or a role), it dies after 30 idle minutes and 12 hours at most,
and a session is bound (``binding``) to the browser's User-Agent, and optionally its client address
(``TITLES_SESSION_BIND_ADDRESS``), it began with: replayed from another browser it resolves to nobody.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.identity.account_rules import by_login, contexts, may_try, password_change_due
from core.common.config import RULES, session_bind_address
from core.common.errors import AuthError
from core.common.rate_limit import hashed_key
from core.workflow import Actor
from db.base import utcnow
from db.models import Account, AuthSession

TOKEN_PREFIX = "s."
TOKEN_BYTES = 32
TOKEN_LENGTH = len(TOKEN_PREFIX) + len(secrets.token_urlsafe(TOKEN_BYTES))  # every token has this shape


@dataclass(frozen=True)
class Principal:
    """Who is signed in, as the pages see it."""

    account_id: int
    login_name: str
    display_name: str
    person_id: int | None
    must_change_password: bool
    contexts: tuple[Actor, ...]
    token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "ignore")).hexdigest()


def is_session_token(value: str | None) -> bool:
    """Whether the value has a session token's shape (never a login name, which may also start "s.")."""
    return bool(value) and len(value) == TOKEN_LENGTH and value.startswith(TOKEN_PREFIX)


def binding(agent: str | None, client: str | None) -> str:
    """What a session is bound to: a hash of the browser's User-Agent, and of its address if configured."""
    return hashed_key("session", agent or "", (client or "") if session_bind_address() else "")


def start_session(session: Session, login_name: str, now: dt.datetime | None = None,
                  bound_to: str | None = None) -> Principal:
    """Record a successful login: reset the failure count, audit, open a session (bound to ``bound_to``,
    a :func:`binding`, when given)."""
    now = now or utcnow()
    account = by_login(session, login_name)
    if account is None or not may_try(account, now):
        raise AuthError("auth.failed")
    account.failed_attempts, account.locked_until, account.last_login_at = 0, None, now
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    session.add(AuthSession(token_hash=_digest(token), account_id=account.id, created_at=now, last_seen_at=now,
                            bound_to=bound_to))
    session.flush()
    audit.append(session, kind="login", action="login", at=now, account_id=account.id, target=account.login_name)
    return _principal(session, account, token, now)


def _principal(session: Session, account: Account, token: str, now: dt.datetime) -> Principal:
    return Principal(account.id, account.login_name, account.display_name, account.person_id,
                     password_change_due(account, now), tuple(contexts(session, account.id)), token)


def resolve_session(session: Session, token: str | None, now: dt.datetime | None = None,
                    bound_to: str | None = None) -> Principal | None:
    """The signed-in principal for a token, or None. Expired sessions are ended with their reason.
    Roles and the enabled flag are read fresh, so changes take effect at the next request. A session
    bound at login answers only to the same binding; a mismatch (a copied cookie in another browser)
    resolves to nobody but leaves the session alone, so a replay cannot log its owner out."""
    now = now or utcnow()
    if not is_session_token(token):
        return None
    row = session.scalar(select(AuthSession).where(AuthSession.token_hash == _digest(token)))
    if row is None or row.ended_at is not None or (row.bound_to is not None and row.bound_to != bound_to):
        return None
    account = session.get(Account, row.account_id)
    reason = _expiry_reason(row, account, now)
    if reason:
        row.ended_at, row.end_reason = now, reason
        session.flush()
        return None
    row.last_seen_at = now
    session.flush()
    return _principal(session, account, token, now)


def _expiry_reason(row: AuthSession, account: Account | None, now: dt.datetime) -> str | None:
    if account is None or not account.enabled:
        return "disabled"
    if now - row.last_seen_at > dt.timedelta(minutes=RULES.session_idle_minutes):
        return "idle_timeout"
    if now - row.created_at > dt.timedelta(hours=RULES.session_absolute_hours):
        return "absolute_timeout"
    return None


def end_session(session: Session, token: str | None, now: dt.datetime | None = None, reason: str = "logout") -> None:
    now = now or utcnow()
    if not is_session_token(token):
        return
    row = session.scalar(select(AuthSession).where(AuthSession.token_hash == _digest(token)))
    if row is None or row.ended_at is not None:
        return
    row.ended_at, row.end_reason = now, reason
    audit.append(session, kind="login", action="logout", at=now, account_id=row.account_id,
                 detail={"reason": reason})


def end_all_sessions(session: Session, account_id: int, now: dt.datetime, reason: str,
                     keep: str | None = None) -> None:
    """End every open session of the account, except the one of token ``keep`` (the caller's own)."""
    statement = update(AuthSession).where(AuthSession.account_id == account_id, AuthSession.ended_at.is_(None))
    if is_session_token(keep):
        statement = statement.where(AuthSession.token_hash != _digest(keep))
    session.execute(statement.values(ended_at=now, end_reason=reason))
