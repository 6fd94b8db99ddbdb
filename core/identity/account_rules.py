"""An account's standing at login, read by both ``accounts`` (which changes accounts) and ``sessions``
(which opens sessions on them): the account a login name names, whether it may try to log in now,
whether its password must be changed, and the contexts (role at a unit) it acts in.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.config import RULES, demo_mode
from core.common.errors import ValidationError
from core.workflow import Actor
from db.models import Account, RoleGrant


def normalize_login(login_name: str) -> str:
    name = (login_name or "").strip().lower()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-@" for c in name):
        raise ValidationError("account.login_invalid")
    return name


def by_login(session: Session, login_name: str) -> Account | None:
    try:
        name = normalize_login(login_name)
    except ValidationError:
        return None
    return session.scalar(select(Account).where(Account.login_name == name))


def may_try(account: Account | None, now: dt.datetime) -> bool:
    if account is None or not account.enabled or (account.is_demo and not demo_mode()):
        return False
    if account.locked_until is not None and account.locked_until > now:
        return False
    expired_temp = account.must_change_password and account.temp_password_expires_at is not None \
        and account.temp_password_expires_at < now
    return not expired_temp


def password_change_due(account: Account, now: dt.datetime) -> bool:
    """A one-time password must be replaced; so must an old one when periodic change is configured."""
    if account.must_change_password:
        return True
    if RULES.password_max_age_days and account.password_changed_at is not None:
        return now - account.password_changed_at > dt.timedelta(days=RULES.password_max_age_days)
    return False


def contexts(session: Session, account_id: int) -> list[Actor]:
    """The contexts (role at a unit, with scope) an account may act in, one per active grant."""
    person_id = session.scalar(select(Account.person_id).where(Account.id == account_id))
    grants = session.scalars(select(RoleGrant).where(RoleGrant.account_id == account_id, RoleGrant.active.is_(True))
                             .order_by(RoleGrant.id))
    return [Actor(account_id=account_id, role=g.role, unit_id=g.unit_id, person_id=person_id,
                  committee_id=g.committee_id, year=g.year, series_codes=tuple(g.series_codes or ()),
                  specialty_codes=tuple(g.specialty_codes or ())) for g in grants]
