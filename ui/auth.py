"""Login glue: streamlit-authenticator's form and cookie over accounts and sessions kept in core.

The library renders the login form, checks the password with bcrypt and writes a signed cookie.
Everything else stays in core: which accounts may try (lockout, disabled, demo accounts outside demo
mode, expired one-time passwords: ``core.desks.login.gate``), failures and lockout (``core.desks.login.fail``),
sessions with idle and absolute timeouts (``core.desks.login.begin`` / ``resolve`` / ``end``).

The library's credentials are a lazy mapping over the database (:class:`DbCredentials`): it never
loads all accounts. The login callback replaces ``st.session_state['username']`` with a new
server-side session token before the library writes its cookie, so the cookie (a JWT we cannot
revoke) carries only that token, which we can: logout and timeouts end it in the database.

Every login name gets a record: one that may not try gets a dummy hash of the same bcrypt cost, so the
library checks a password for unknown, locked and disabled accounts as long as for real ones. The client
address (:func:`client_address`) goes with every gate and failure, so core can throttle it; a throttled
attempt is refused before the library's bcrypt check and never counts as a failure.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from core.desks import login
from core.common.config import RULES
from core.common.errors import DomainError, Throttled
from core.identity.sessions import Principal, is_session_token
from db.uow import UnitOfWork
from ui.i18n import tr

COOKIE_NAME = "titles_session"
NOTICE = "auth.notice"
LOGOUT_REQUESTED = "auth.logout_requested"
COOKIE_PENDING = "auth.cookie_pending"
_NO_HASH = "!"  # records served for session tokens can never pass a password check


def _header(name: str) -> str | None:
    try:
        value = st.context.headers.get(name)
    except Exception:  # no request context (a bare script run)
        return None
    return value if isinstance(value, str) else None


def _served_over_https() -> bool:
    try:
        url = st.context.url
    except Exception:
        return False
    return isinstance(url, str) and url.startswith("https://")


def client_address() -> str | None:
    """This browser's address as core counts it: the connection's peer (None on localhost), or the
    X-Forwarded-For entry of the trusted proxies when ``TITLES_TRUSTED_PROXIES`` is set."""
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get_all("X-Forwarded-For")
    except Exception:  # no request context (a bare script run)
        return None
    return login.client_address(peer if isinstance(peer, str) else None,  # AppTest hands out a mock
                                [h for h in forwarded if isinstance(h, str)])


class DbCredentials(Mapping):
    """``credentials['usernames']`` for streamlit-authenticator, answered from the database.

    Every login name is present: its record's password is the account's bcrypt hash when
    ``core.desks.login.gate`` lets it try, else a dummy hash of the same cost that nothing matches, so
    the library runs one bcrypt check either way. A session token is present only while its session
    lives (a dead one never falls through to the gate). Built once per run; answers are cached for that
    run only.
    """

    def __init__(self, uow: UnitOfWork, client: str | None = None, agent: str | None = None) -> None:
        self._uow = uow
        self.client = client  # the browser's address and User-Agent: throttling and the session's binding
        self.agent = agent
        self._records: dict[str, dict[str, Any] | None] = {}
        self._principals: dict[str, Principal] = {}
        self._cookie_names: set[str] = set()
        self.asked: str | None = None  # the last login name the form asked about, for failure counting

    def expect_cookie(self, cookie: Any) -> None:
        """Names read from the cookie must be session tokens, never login names."""
        if isinstance(cookie, dict) and cookie.get("username"):
            self._cookie_names.add(str(cookie["username"]))

    def principal(self, token: str | None) -> Principal | None:
        """The live session's principal (resolved at most once per run)."""
        if not is_session_token(token):
            return None
        if token not in self._principals and token not in self._records:
            self._lookup(token)
        return self._principals.get(token)

    def remember(self, principal: Principal) -> None:
        self._principals[principal.token] = principal
        self._records[principal.token] = {"name": principal.display_name, "password": _NO_HASH}

    def _lookup(self, key: Any) -> dict[str, Any] | None:
        key = str(key or "").strip()
        if key in self._records:
            return self._records[key]
        record = None
        if is_session_token(key):
            found = login.resolve(self._uow, key, self.client, self.agent)
            if found is not None:
                self._principals[key] = found
                record = {"name": found.display_name, "password": _NO_HASH}
        if record is None and key and key not in self._cookie_names and not is_session_token(key):
            name = key.lower()
            self.asked = name
            record = {"name": name, "password": login.gate(self._uow, name, self.client)}
        self._records[key] = record
        return record

    def __contains__(self, key: object) -> bool:
        return self._lookup(key) is not None

    def __getitem__(self, key: str) -> dict[str, Any]:
        record = self._lookup(key)
        if record is None:
            raise KeyError(key)
        return record

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0  # so the library never iterates or re-hashes


class AuthShell:
    """One per run (Home.py): the authenticator, its credentials, and the signed-in principal."""

    def __init__(self, uow: UnitOfWork, cookie_key: str) -> None:
        self.uow = uow
        self.signed_in_by_form = False  # True in the run whose form submission signed the user in
        self.creds = DbCredentials(uow, client_address(), _header("User-Agent"))
        self.cookie_key = cookie_key
        credentials: dict[str, Any] = {"usernames": self.creds}
        # cookie_expiry_days=0: the library never writes the cookie itself; _write_cookie does, with Secure
        # when the page is served over HTTPS (it still reads and deletes it).
        self.authenticator = stauth.Authenticate(
            credentials, cookie_name=COOKIE_NAME, cookie_key=cookie_key,
            cookie_expiry_days=0, auto_hash=False, login_sleep_time=0)
        # The library swaps an empty-looking mapping for a plain dict; it keeps our dict object.
        credentials["usernames"] = self.creds

    # --- every run ---------------------------------------------------------------------------
    def current(self) -> Principal | None:
        """The principal of this browser session, or None (then the login page is shown)."""
        if st.session_state.pop(LOGOUT_REQUESTED, False):
            self._library_logout()
            st.session_state[NOTICE] = "login.logged_out"
            return None
        if not st.session_state.get("authentication_status"):
            return None
        found = self.creds.principal(st.session_state.get("username"))
        if found is None:  # idle or absolute timeout, logout elsewhere, account disabled
            st.session_state.pop(COOKIE_PENDING, None)
            self._library_logout()
            st.session_state[NOTICE] = "login.expired"
        elif st.session_state.pop(COOKIE_PENDING, False):
            # Written in the first run after login: the login run's components are cleared with the
            # form, and this one stays on the page long enough to run.
            self._write_cookie(found.token)
        return found

    def _write_cookie(self, token: str) -> None:
        """The library's cookie (a JWT of the session token, read back by the library), written from the
        browser's JavaScript: SameSite=Strict, Secure when served over HTTPS, gone after the session's
        absolute limit. It cannot be HttpOnly (see README, production); the token inside is revocable."""
        expires = dt.datetime.now() + dt.timedelta(hours=RULES.session_absolute_hours)
        value = jwt.encode({"username": token, "exp_date": expires.timestamp()}, self.cookie_key, algorithm="HS256")
        manager = self.authenticator.cookie_controller.cookie_model.cookie_manager
        manager.set(COOKIE_NAME, value, expires_at=expires, secure=_served_over_https() or None, same_site="strict")

    def _library_logout(self) -> None:
        if st.session_state.get("authentication_status"):
            self.authenticator.logout(location="unrendered")
        for key in ("authentication_status", "username", "name"):
            st.session_state[key] = None

    # --- login page ----------------------------------------------------------------------------
    def login_form(self) -> Principal | None:
        """Render the form (or accept a live cookie); the principal when signed in by now."""
        notice = st.session_state.pop(NOTICE, None)
        if notice:
            st.info(tr(notice))
        self.creds.expect_cookie(self.authenticator.cookie_controller.get_cookie())
        try:
            self._login()
        except Throttled as refused:  # before any password check; not a failure of any account
            st.error(tr(refused.key, **refused.params))
            return None
        except LoginError:  # the cookie names a session that has ended: forget the cookie
            self.authenticator.cookie_controller.delete_cookie()
            st.session_state["logout"] = True
            st.info(tr("login.expired"))
            self._login()
        if st.session_state.get("authentication_status"):
            if self.signed_in_by_form:
                st.session_state[COOKIE_PENDING] = True
            return self.creds.principal(st.session_state.get("username"))
        if st.session_state.get("authentication_status") is False and self.creds.asked:
            login.fail(self.uow, self.creds.asked, self.creds.client)
            st.error(tr("auth.failed"))
        return None

    def _login(self) -> None:
        fields = {"Form name": tr("login.form_name"), "Username": tr("login.username"),
                  "Password": tr("login.password"), "Login": tr("login.submit")}
        self.authenticator.login(location="main", fields=fields, key="login.form", callback=self._on_success)

    def _on_success(self, event: dict[str, Any]) -> None:
        """The password was right: open a server-side session and put its token where the cookie reads."""
        try:
            found = login.begin(self.uow, str(event.get("username") or ""), self.creds.client, self.creds.agent)
        except DomainError:  # locked or disabled in the meantime
            st.session_state.update(authentication_status=False, username=None, name=None)
            return
        self.creds.remember(found)
        self.signed_in_by_form = True
        st.session_state["username"] = found.token
        st.session_state["name"] = found.display_name

    # --- logout ----------------------------------------------------------------------------------
    def logout_button(self) -> None:
        st.sidebar.button(tr("auth.logout"), key="app.logout", on_click=self._request_logout)

    def _request_logout(self) -> None:
        login.end(self.uow, st.session_state.get("username"))
        st.session_state[LOGOUT_REQUESTED] = True
