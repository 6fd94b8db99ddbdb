"""Start-up of an app server: migrate, build the demo province in demo mode, and the cookie secret.

The login cookie is signed with a key generated on the first start and kept in the database
(``app_secret``), never in the repository; every app server behind a load balancer reads the
same key, so a cookie signed by one is accepted by the others.

The audit checkpoint key is the opposite: it must not be in the database (``core.audit.checkpoint``), so
the first start generates it into the file store; every start then signs the trail's heads into the
external anchor log, and a thread does so again every ``TITLES_AUDIT_CHECKPOINT_MINUTES``.
"""
from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.audit import checkpoint
from core.calendar.desk import fill_ahead
from core.common.config import demo_mode, local_date
from core.setup.demo import ensure_demo_data
from db.base import utcnow
from db.migrate import upgrade_to_head
from db.models import AppSecret
from db.uow import UnitOfWork

COOKIE_KEY = "cookie_key"


def prepare(uow: UnitOfWork) -> None:
    """Bring the database to the latest migration and fill the working-day calendar's missing years
    (a few hundred rows at first start); in demo mode, build the demo data when absent."""
    upgrade_to_head(uow.engine)
    fill_ahead(uow, local_date(utcnow()))
    if demo_mode():
        ensure_demo_data(uow)


def _read_secret(uow: UnitOfWork, name: str) -> str | None:
    with uow.read() as session:
        return session.scalar(select(AppSecret.value).where(AppSecret.name == name))


def app_secret(uow: UnitOfWork, name: str) -> str:
    """The named secret, generated and stored on first use. Safe when servers start together:
    whoever inserts second gets an IntegrityError and reads the winner's value."""
    value = _read_secret(uow, name)
    if value is not None:
        return value
    candidate = secrets.token_urlsafe(48)
    try:
        with uow.write() as session:
            session.add(AppSecret(name=name, value=candidate, created_at=utcnow()))
    except IntegrityError:
        value = _read_secret(uow, name)
        if value is None:
            raise
        return value
    return candidate


def cookie_secret(uow: UnitOfWork) -> str:
    """The key that signs the login cookie (JWT)."""
    return app_secret(uow, COOKIE_KEY)


def start_audit_checkpoints(uow: UnitOfWork) -> None:
    """At an app server's start: the checkpoint key (generated if absent), one checkpoint now, then
    periodic ones. A checkpoint that cannot be written does not stop the app; ``verify`` will say so."""
    try:
        checkpoint.ensure_key()
        checkpoint.checkpoint(uow)
    except (OSError, checkpoint.AuditKeyMissing):
        pass
    checkpoint.start_periodic(uow)
