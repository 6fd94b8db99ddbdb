"""Start-up of an app server: migrate, build the demo province in demo mode, and the cookie secret.

The login cookie is signed with a key generated on the first start and kept in the database
(``app_secret``), never in the repository; every app server behind a load balancer reads the
same key, so a cookie signed by one is accepted by the others.
"""
from __future__ import annotations

import secrets

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from core.calendar.desk import fill_ahead
from core.common.config import demo_mode, local_date
from db.base import utcnow
from db.migrate import upgrade_to_head
from db.models import AppSecret
from db.session import read_session, unit_of_work

COOKIE_KEY = "cookie_key"


def prepare(engine: Engine) -> None:
    """Bring the database to the latest migration and fill the working-day calendar's missing years
    (a few hundred rows at first start); in demo mode, build the demo data when absent."""
    upgrade_to_head(engine)
    fill_ahead(engine, local_date(utcnow()))
    if demo_mode():
        from core.setup.demo import ensure_demo_data

        ensure_demo_data(engine)


def _read_secret(engine: Engine, name: str) -> str | None:
    with read_session(engine) as session:
        return session.scalar(select(AppSecret.value).where(AppSecret.name == name))


def app_secret(engine: Engine, name: str) -> str:
    """The named secret, generated and stored on first use. Safe when servers start together:
    whoever inserts second gets an IntegrityError and reads the winner's value."""
    value = _read_secret(engine, name)
    if value is not None:
        return value
    candidate = secrets.token_urlsafe(48)
    try:
        with unit_of_work(engine) as session:
            session.add(AppSecret(name=name, value=candidate, created_at=utcnow()))
    except IntegrityError:
        value = _read_secret(engine, name)
        if value is None:
            raise
        return value
    return candidate


def cookie_secret(engine: Engine) -> str:
    """The key that signs the login cookie (JWT)."""
    return app_secret(engine, COOKIE_KEY)
