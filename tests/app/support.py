"""Driving the app in AppTest: start it, sign in through the real login form, read the navigation; find
the demo data a test needs by query (its ids depend on the day the demo was built for)."""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from core.common.i18n import t
from db.models import Account, Declaration, RoleGrant
from db.uow import UnitOfWork

from ui import actions

HOME = Path(__file__).resolve().parents[2] / "Home.py"
TIMEOUT = 60


def start() -> AppTest:
    at = AppTest.from_file(str(HOME), default_timeout=TIMEOUT).run()
    assert_ok(at)
    return at


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def login_field(at: AppTest, key: str, lang: str = "zh"):
    return next(w for w in at.text_input if w.label == t(key, lang))


def sign_in(at: AppTest, login_name: str, password: str) -> AppTest:
    login_field(at, "login.username").input(login_name)
    login_field(at, "login.password").input(password)
    next(b for b in at.button if b.label == t("login.submit")).click().run()
    assert_ok(at)
    return at


def nav(at: AppTest) -> list[str]:
    """The page ids the shell put into st.navigation for this user."""
    return list(at.session_state["app.nav"]) if "app.nav" in at.session_state else []


def registered_url_paths(at: AppTest) -> set[str]:
    """What st.navigation actually registered (AppTest's registry of the last run)."""
    return {info.get("url_pathname") or "" for info in at._registered_pages.values()}


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def infos(at: AppTest) -> list[str]:
    return [e.value for e in at.info]


def unescaped(markdown: str) -> str:
    """The text a Markdown body shows when its typed parts went through ``ui.i18n.plain`` (escapes undone)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u200b", "")


# --- actions: every action button is found one way, by ui.actions' key scheme ---------------------------

def action(at: AppTest, page: str, name: str, row: object = None):
    """The button of action ``name`` on ``page`` (``<page>.act.<name>[.<row>]``)."""
    return at.button(key=actions.key(page, name, row))


def click(at: AppTest, page: str, name: str, row: object = None) -> AppTest:
    action(at, page, name, row).click().run()
    assert_ok(at)
    return at


def submit(at: AppTest, page: str) -> AppTest:
    """Submit the open action's form."""
    at.button(key=actions.submit_key(page)).click().run()
    assert_ok(at)
    return at


def confirm(at: AppTest, page: str, yes: bool = True) -> AppTest:
    """Answer the open action's confirmation."""
    at.button(key=actions.confirm_key(page, yes)).click().run()
    assert_ok(at)
    return at


def asks_to_confirm(at: AppTest, page: str) -> bool:
    return any(b.key == actions.confirm_key(page) for b in at.button)


def has_form(at: AppTest, page: str) -> bool:
    return any(b.key == actions.submit_key(page) for b in at.button)


def row_actions(at: AppTest, page: str, name: str) -> list:
    """The buttons of action ``name`` on every row of the page (``<page>.act.<name>.<row>``)."""
    prefix = actions.key(page, name) + "."
    return [b for b in at.button if (b.key or "").startswith(prefix)]


def offers(at: AppTest, page: str) -> list[str]:
    """The keys of every action button on the page."""
    prefix = f"{page}.act."
    return [b.key for b in at.button if (b.key or "").startswith(prefix)]


# --- finding demo data by query: the demo is built relative to "today", so its ids are never fixed ----------

def unit_of(url: str, login_name: str) -> int:
    """The unit where a demo account holds its role (demo_unit_op: the demo hospital)."""
    with UnitOfWork.from_url(url).read() as s:
        return s.scalar(select(RoleGrant.unit_id).join(Account, Account.id == RoleGrant.account_id)
                        .where(Account.login_name == login_name, RoleGrant.active.is_(True)).limit(1))


def held(url: str, unit_id: int, *states: str, **equal) -> list[int]:
    """Ids of the declarations the unit holds in these states (and with these column values), by id."""
    query = select(Declaration.id).where(Declaration.holder_unit_id == unit_id, Declaration.state.in_(states))
    for column, value in equal.items():
        query = query.where(getattr(Declaration, column) == value)
    with UnitOfWork.from_url(url).read() as s:
        return list(s.scalars(query.order_by(Declaration.id)))
