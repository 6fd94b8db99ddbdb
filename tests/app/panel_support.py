"""A panel-review world on the app's demo database, and signing in as its committee operator or an expert.

The world (tests.panel_world) brings its own committee organiser, committee and expert library; the
demo's experts of the same series are taken out of the library so the drawings pick the world's.
"""
from __future__ import annotations

from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from core.identity.passwords import hash_password
from core.setup.demo import DEMO_PASSWORD
from db.models import Account, Expert
from db.uow import UnitOfWork
from tests.app.support import assert_ok, sign_in, start
from tests.panel_world import PanelWorld


def panel_world(url: str, **sizes) -> PanelWorld:
    uow = UnitOfWork.from_url(url)
    with uow.write() as s:
        known = set(s.scalars(select(Expert.id)))
    pw = PanelWorld.build(uow, **sizes)
    with uow.write() as s:
        s.execute(update(Expert).where(Expert.id.in_(known)).values(in_library=False))
    return pw


def login_as(pw: PanelWorld, account_id: int, role: str | None = None, page: str | None = None) -> AppTest:
    """Sign in through the real form (the account gets the demo password), in the context of ``role``."""
    with pw.uow.write() as s:
        account = s.get(Account, account_id)
        account.password_hash = hash_password(DEMO_PASSWORD)
        login = account.login_name
    at = sign_in(start(), login, DEMO_PASSWORD)
    contexts = tuple(dict.fromkeys(at.session_state["app.principal"].contexts))
    if role is not None and len(contexts) > 1:
        at.sidebar.selectbox(key="app.context").select(next(i for i, c in enumerate(contexts) if c.role == role)).run()
        assert_ok(at)
    if role is not None:
        assert at.session_state["app.actor"].role == role
    if page is not None:
        at.switch_page(f"pages/{page}.py").run()
        assert_ok(at)
    return at


def texts(at: AppTest) -> str:
    """Everything the page shows as text, tables included."""
    parts = [e.value for kind in ("title", "subheader", "caption", "markdown", "info", "text", "success", "error",
                                  "warning") for e in getattr(at, kind)]
    parts += [str(m.value) + " " + str(m.label) for m in at.metric]
    parts += [df.value.to_csv() for df in at.dataframe]
    return "\n".join(str(p) for p in parts)
