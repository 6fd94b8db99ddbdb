"""Login throttling per client address and for everyone, on top of the per-account lock of rules.md.

Failed logins are counted in the database (``core.common.rate_limit``, so every app server counts the same)
under two limits per minute: one client address (``login_client_failures_per_minute``) and all clients
together (``login_failures_per_minute``). Once a limit is reached, further attempts are refused before
any account is looked up or any bcrypt check runs, with the time until the window ends. A refused attempt
is audited only the first time in its window for its key (scope, key), so a flood writes one row, not one
per attempt.

Only failures count, not every attempt: a unit's staff often share one NAT address, and a morning's
successful logins must not lock each other out; successes never help a guesser anyway.

The lock-out-anyone problem. The per-account lock (5 consecutive failures lock the account for 15 minutes,
rules.md) lets anyone who knows a login name keep that account locked. We keep the account lock as
rules.md defines it (counted per account, undone by an admin's unlock or reset) and bound its abuse:

- a throttled attempt never reaches the account, so it neither counts towards the lock nor extends it;
  a flood from one address costs that address at most ``login_client_failures_per_minute`` failures a
  minute, i.e. it can keep at most that many × lockout minutes / threshold accounts locked;
- the refusal and the lockout answer the same generic text for every account, known or not, and that
  text names the way out (wait, or ask the unit admin / HR to unlock or reset to a one-time password).

Counting failures per (account, client) instead would let the owner in from another address while an
attacker locks their own pair, but the account lock would then need a second, higher account-wide
threshold (or a botnet guesses unbounded), staff behind one NAT would share the attacker's pair, and
rules.md's "lock after 5 consecutive failures" would no longer hold as written; we did not do that.
"""
from __future__ import annotations

import datetime as dt
import math

from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.common.config import RULES
from core.common.rate_limit import Limit, hashed_key, hit, peek

MINUTE = dt.timedelta(minutes=1)
EVERYONE = "*"


def limits() -> tuple[Limit, Limit]:
    """The client limit and the global limit, as configured now."""
    return (Limit("login.client", RULES.login_client_failures_per_minute, MINUTE),
            Limit("login.all", RULES.login_failures_per_minute, MINUTE))


def _keys(client: str | None) -> tuple[tuple[Limit, str], ...]:
    per_client, everyone = limits()
    return (per_client, hashed_key("login", client or "-")), (everyone, EVERYONE)


def refused_for(session: Session, client: str | None, now: dt.datetime) -> int | None:
    """None if ``client`` may try to log in now; else the seconds until it may. A refused attempt is
    counted in its bucket (so the first refusal of a window is known) and audited once per window."""
    for limit, key in _keys(client):
        if limit.limit > 0 and peek(session, limit, key, now) >= limit.limit:
            refused = hit(session, limit, key, now)
            if refused.hits == limit.limit + 1:
                audit.append(session, kind="login", action="login", outcome="throttled", at=now, target=limit.scope,
                             detail={"scope": limit.scope, "key": key, "limit": limit.limit,
                                     "window_seconds": int(limit.window.total_seconds())})
            return max(1, math.ceil(refused.retry_after.total_seconds()))
    return None


def count_failure(session: Session, client: str | None, now: dt.datetime) -> None:
    """One failed login of ``client``, under both limits."""
    for limit, key in _keys(client):
        if limit.limit > 0:
            hit(session, limit, key, now)
