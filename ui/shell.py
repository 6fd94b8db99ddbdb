"""The app shell Home.py runs on every request: language, login, context picker, navigation.

The navigation is built from the signed-in user's current context (core.desks.workspaces): pages that
are not in it cannot be reached, not even by URL. A user who must change their password gets
only the password page until they have.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.desks import login
from core.setup.demo import accounts as demo_accounts
from core.identity.sessions import Principal
from core.workflow import Actor
from core.desks.workspaces import WORKSPACES, workspaces_for
from ui import db, registration, state, unit_registration
from ui.auth import AuthShell
from ui.i18n import language_switch, tr, tr_safe
from ui.pages_map import icon, page_file

NAV = "app.nav"  # ids of the pages in the current navigation (read by tests and the home page)
CONTEXT = "app.context"
# URL paths deliberately differ from the file names in pages/: while Streamlit still believes the app
# uses the legacy pages/ directory (its first run after start, and every AppTest run), a URL equal to a
# file name would run that file directly, without Home.py and its login. A different URL falls back to
# Home.py, which then resolves the page through st.navigation.
HOME_URL, PASSWORD_URL = "dashboard", "change-password"
PORTAL_URL = "public-notices"  # the public portal (pages/portal.py): no login needed


def url_of(workspace_id: str) -> str:
    return "ws-" + workspace_id.replace("_", "-")


def run() -> None:
    st.set_page_config(page_title=tr("app.title"), page_icon=":material/workspace_premium:", layout="wide")
    language_switch()
    uow = db.uow()
    shell = AuthShell(uow, db.cookie_key())
    principal = shell.current()
    if principal is None and _portal_requested():  # the public portal: no login form above it
        state.set_current(None, None)
        st.session_state[NAV] = ["portal"]
        _signed_out_navigation().run()
        return
    if principal is None and st.session_state.get(registration.REGISTER):  # self-registration, no login
        state.set_current(None, None)
        st.session_state[NAV] = []
        registration.render(uow)
        _signed_out_navigation().run()
        return
    if principal is None and st.session_state.get(unit_registration.UNIT_REGISTER):  # unit registration, no login
        state.set_current(None, None)
        st.session_state[NAV] = []
        unit_registration.render(uow)
        _signed_out_navigation().run()
        return
    if principal is None:
        principal = _login_page(shell)
    if principal is None:
        state.set_current(None, None)
        st.session_state[NAV] = []
        _signed_out_navigation().run()
        return
    actor = _pick_context(principal)
    state.set_current(principal, actor)
    st.sidebar.caption(tr_safe("auth.signed_in_as", name=principal.display_name))
    shell.logout_button()
    _navigation(principal, actor).run()


def _blank() -> None:
    """The page body while signed out: the login form is drawn by the shell above it."""


def _signed_out_navigation():
    """While signed out every URL of the app shows the login form, keeping its address: after
    signing in, the user lands on the page the URL named (when their roles include it)."""
    title = tr("login.form_name")
    urls = [PASSWORD_URL, *(url_of(w.id) for w in WORKSPACES)]
    return st.navigation([st.Page(_blank, title=title, url_path=HOME_URL, default=True),
                          *(st.Page(_blank, title=title, url_path=url) for url in urls), _portal()],
                         position="hidden")


def _portal():
    return st.Page("pages/portal.py", title=tr("nav.portal"), icon=":material/public:", url_path=PORTAL_URL)


def _portal_requested() -> bool:
    """Whether the browser asks for the public portal's URL (read before st.navigation resolves it)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.util import calc_hash

    manager = getattr(get_script_run_ctx(), "pages_manager", None)
    return manager is not None and (manager.intended_page_script_hash == calc_hash(PORTAL_URL)
                                    or manager.intended_page_name == PORTAL_URL)


def _login_page(shell: AuthShell) -> Principal | None:
    """The login page. A form login clears it and reruns into the user's pages; a live cookie goes
    straight on to the page the URL asked for."""
    box = st.empty()
    with box.container():
        st.title(tr("app.title"))
        found = shell.login_form()
        if found is None:
            registration.open_button()
            unit_registration.open_button()
            st.markdown(f"[{tr('nav.portal')}](./{PORTAL_URL})")
            _demo_accounts()
    if found is not None:
        box.empty()
        if shell.signed_in_by_form:
            st.rerun()
    return found


def _demo_accounts() -> None:
    rows, password = demo_accounts.login_page_accounts(db.uow())
    if not rows:
        return
    st.subheader(tr("login.demo_title"))
    st.caption(tr("login.demo_password", password=password))
    frame = pd.DataFrame([{tr("login.col_login"): r.login_name, tr("login.col_role"): tr(f"role.{r.role}"),
                           tr("login.col_unit"): r.unit_name or ""} for r in rows])
    st.dataframe(frame, hide_index=True, key="login.demo_accounts")


def _pick_context(principal: Principal) -> Actor | None:
    contexts = tuple(dict.fromkeys(principal.contexts))  # the same grant twice is one context
    if not contexts:
        return None
    if len(contexts) == 1:
        return contexts[0]
    if not isinstance(st.session_state.get(CONTEXT), int) or st.session_state[CONTEXT] >= len(contexts):
        st.session_state[CONTEXT] = 0
    labels = {c.index: tr("context.option", role=tr(f"role.{c.role}"), unit=c.unit_name or tr("context.no_unit"))
              for c in login.context_choices(db.uow(), contexts)}
    index = st.sidebar.selectbox(tr("context.label"), list(labels), format_func=labels.get, key=CONTEXT)
    return contexts[index]


def _navigation(principal: Principal, actor: Actor | None):
    password = st.Page("pages/password.py", title=tr("nav.password"), icon=":material/key:", url_path=PASSWORD_URL)
    if principal.must_change_password:
        st.session_state[NAV] = ["password"]
        return st.navigation([st.Page("pages/password.py", title=tr("nav.password"), icon=":material/key:",
                                      url_path=PASSWORD_URL, default=True)], position="sidebar")
    spaces = workspaces_for([actor]) if actor else []
    home = st.Page("pages/home.py", title=tr("nav.home"), icon=":material/home:", url_path=HOME_URL, default=True)
    sections = {tr("nav.section.main"): [home, _portal()]}
    if spaces:
        sections[tr("nav.section.workspaces")] = [
            st.Page(page_file(w.id), title=tr(w.title_key), icon=icon(w.id), url_path=url_of(w.id)) for w in spaces]
    sections[tr("nav.section.account")] = [password]
    st.session_state[NAV] = ["home", *(w.id for w in spaces), "password"]
    return st.navigation(sections, position="sidebar")
