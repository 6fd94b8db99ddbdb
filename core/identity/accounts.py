"""Accounts and the account rules of rules.md: creation with one-time passwords, role grants,
login with lockout, password change and reset.

Login is split so the login form (streamlit-authenticator) can sit in the middle:
``login_gate`` says whether an account may try and gives its hash, the form checks the password,
then ``record_login_failure`` or ``core.identity.sessions.start_session`` records the outcome.
``authenticate`` composes the three for callers without a form. Every outcome is audited,
and the error text never tells whether an account exists.

Nor does the time it takes: unknown, locked and disabled accounts are checked against a dummy bcrypt
hash of the same cost (``passwords.dummy_hash``), so every path does one bcrypt check and about the same
database work. Before any of that, ``core.identity.login_throttle`` refuses a client (or everyone) that
failed too often this minute; see there for why throttled attempts do not count towards the lock. An account's standing at login (found by
name, may it try now, its contexts) is read in ``core.identity.account_rules``, which sessions read too.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.common.config import RULES
from core.common.errors import AuthError, NotFound, Throttled, ValidationError
from core.identity import login_throttle
from core.identity.account_rules import by_login, may_try, normalize_login
from core.identity.passwords import (check_password, dummy_hash, generate_temporary_password, hash_password,
                                     policy_problems)
from core.identity.sessions import end_all_sessions, start_session
from core.org.scope import account_in_admin_scope
from core.workflow import ROLES, Actor
from db.base import utcnow
from db.models import Account, AuditEvent, Person, RoleGrant


def create_account(session: Session, *, login_name: str, display_name: str, person_id: int | None = None,
                   kind: str = "personal", password: str | None = None, is_demo: bool = False,
                   now: dt.datetime | None = None, password_hash: str | None = None) -> tuple[Account, str | None]:
    """Create an account. Without ``password`` a random one-time password is generated and returned:
    it expires and must be changed at first login. A given password (demo accounts) is kept as is;
    a given ``password_hash`` (the demo province hashes its one password once) is stored as is."""
    now = now or utcnow()
    login_name = normalize_login(login_name)
    if session.scalar(select(Account.id).where(Account.login_name == login_name)) is not None:
        raise ValidationError("account.login_taken")
    temporary = None if password or password_hash else generate_temporary_password()
    account = Account(login_name=login_name, display_name=display_name, person_id=person_id, kind=kind,
                      password_hash=password_hash or hash_password(password or temporary), is_demo=is_demo,
                      must_change_password=temporary is not None,
                      temp_password_expires_at=now + dt.timedelta(hours=RULES.temp_password_hours) if temporary else None,
                      password_changed_at=None if temporary else now, created_at=now)
    session.add(account)
    session.flush()
    return account, temporary


def grant_role(session: Session, account_id: int, role: str, unit_id: int | None = None, *,
               committee_id: int | None = None, year: int | None = None, series_codes: tuple[str, ...] = (),
               specialty_codes: tuple[str, ...] = (), now: dt.datetime | None = None) -> RoleGrant:
    assert role in ROLES, role
    grant = RoleGrant(account_id=account_id, role=role, unit_id=unit_id, committee_id=committee_id, year=year,
                      series_codes=list(series_codes), specialty_codes=list(specialty_codes),
                      granted_at=now or utcnow())
    session.add(grant)
    session.flush()
    return grant


def has_acted(session: Session, account_id: int) -> bool:
    """Whether the account has taken any business step yet (derived from the audit trail), e.g. a
    policy-review account may be edited only before its first one."""
    return bool(session.scalar(select(exists().where(AuditEvent.account_id == account_id,
                                                     AuditEvent.kind == "transition"))))


def login_gate(session: Session, login_name: str, now: dt.datetime | None = None) -> str | None:
    """The account's password hash if it may try to log in now; None if unknown, disabled, locked,
    a demo account outside demo mode, or its one-time password expired (check against ``dummy_hash``)."""
    account = by_login(session, login_name)
    return account.password_hash if may_try(account, now or utcnow()) else None


def login_refused_for(session: Session, client: str | None, now: dt.datetime | None = None) -> int | None:
    """None if this client may try to log in now, else the seconds to wait (counted and audited once)."""
    return login_throttle.refused_for(session, client, now or utcnow())


def record_login_failure(session: Session, login_name: str, now: dt.datetime | None = None,
                         client: str | None = None) -> None:
    """Count a failure for the account (lock after the threshold) and for the client's throttle.
    Unknown names are audited too (as given). Known and unknown names cost the same statements: one
    lookup, one row written (the account, or a no-op update for an unknown name), the buckets, the audit."""
    now = now or utcnow()
    account = by_login(session, login_name)
    detail = {"login_name": (login_name or "")[:64]}
    if account is not None and may_try(account, now):
        account.failed_attempts += 1
        if account.failed_attempts >= RULES.lockout_threshold:
            account.locked_until = now + dt.timedelta(minutes=RULES.lockout_minutes)
            account.failed_attempts = 0
            detail["locked_until"] = account.locked_until.isoformat()
        session.flush()
    else:
        session.execute(update(Account).where(Account.id == (account.id if account else None))
                        .values(failed_attempts=Account.failed_attempts))
    login_throttle.count_failure(session, client, now)
    audit.append(session, kind="login", action="login", outcome="failed", at=now,
                 account_id=account.id if account else None, target=detail["login_name"], detail=detail)


def authenticate(session: Session, login_name: str, password: str, now: dt.datetime | None = None,
                 client: str | None = None):
    """Check a login and start a session; raises AuthError with one generic message on any failure, or
    Throttled (before any bcrypt check) when the client or everyone failed too often this minute. The
    failure is recorded in the caller's transaction, which must commit it."""
    now = now or utcnow()
    wait = login_refused_for(session, client, now)
    if wait is not None:
        raise Throttled(seconds=wait)
    password_hash = login_gate(session, login_name, now)
    matches = check_password(password or "", password_hash or dummy_hash())
    if password_hash is None or not matches:
        record_login_failure(session, login_name, now, client)
        raise AuthError("auth.failed")
    return start_session(session, login_name, now)


def change_password(session: Session, account_id: int, current: str, new: str, now: dt.datetime | None = None,
                    keep_session: str | None = None) -> None:
    """Change one's own password: the current one is required and the new one must meet the policy.
    Every other session of the account ends (another browser, a copied cookie); the session of token
    ``keep_session``, the one the change was made in, stays."""
    now = now or utcnow()
    account = session.get(Account, account_id)
    if account is None or not check_password(current or "", account.password_hash):
        raise ValidationError("password.current_wrong")
    person = session.get(Person, account.person_id) if account.person_id else None
    problems = policy_problems(new or "", id_number=person.id_number if person else None,
                               phone=person.phone if person else None, login_name=account.login_name)
    if check_password(new or "", account.password_hash):
        problems.append("password.same_as_old")
    if problems:
        raise ValidationError("password.rejected", details=problems)
    account.password_hash = hash_password(new)
    account.must_change_password = False
    account.temp_password_expires_at = None
    account.password_changed_at = now
    end_all_sessions(session, account_id, now, "password_change", keep=keep_session)
    session.flush()
    audit.append(session, kind="account", action="password_change", at=now, account_id=account_id,
                 target=f"account:{account_id}")


def reset_password(session: Session, admin: Actor, account_id: int, now: dt.datetime | None = None) -> str:
    """An admin starts a reset: a random one-time password the admin hands over but never chooses.
    Every open session of the account ends."""
    now = now or utcnow()
    account = _admin_target(session, admin, account_id)
    temporary = generate_temporary_password()
    account.password_hash = hash_password(temporary)
    account.must_change_password = True
    account.temp_password_expires_at = now + dt.timedelta(hours=RULES.temp_password_hours)
    account.failed_attempts, account.locked_until = 0, None
    end_all_sessions(session, account_id, now, "password_reset")
    audit.append(session, kind="admin", action="password_reset", at=now, account_id=admin.account_id,
                 role=admin.role, unit_id=admin.unit_id, target=f"account:{account_id}")
    return temporary


def unlock(session: Session, admin: Actor, account_id: int, now: dt.datetime | None = None) -> None:
    now = now or utcnow()
    account = _admin_target(session, admin, account_id)
    account.failed_attempts, account.locked_until = 0, None
    audit.append(session, kind="admin", action="unlock", at=now, account_id=admin.account_id, role=admin.role,
                 unit_id=admin.unit_id, target=f"account:{account_id}")


def set_enabled(session: Session, admin: Actor, account_id: int, enabled: bool, now: dt.datetime | None = None) -> None:
    """Enable or disable an account; disabling ends its sessions at once (next request)."""
    now = now or utcnow()
    account = _admin_target(session, admin, account_id)
    account.enabled = enabled
    if not enabled:
        end_all_sessions(session, account_id, now, "disabled")
    audit.append(session, kind="admin", action="enable" if enabled else "disable", at=now,
                 account_id=admin.account_id, role=admin.role, unit_id=admin.unit_id, target=f"account:{account_id}")


def _admin_target(session: Session, admin: Actor, account_id: int) -> Account:
    """The account if the admin's unit scope covers it (its person belongs to the admin's unit subtree)."""
    account = session.get(Account, account_id)
    if account is None or admin.role != "unit_admin" or not account_in_admin_scope(session, admin, account):
        raise NotFound("account.not_found")
    return account
