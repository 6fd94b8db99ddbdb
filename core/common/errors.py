"""Domain errors: what a user can cause, with a message key from the catalogue (core.common.i18n).

``str(error)`` is the Chinese message; pages show ``error.message(lang)``, never a traceback.
"""
from __future__ import annotations

from core.common.i18n import t


class DomainError(Exception):
    key = "error.generic"

    def __init__(self, key: str | None = None, *, details: list[str] | None = None, **params: object):
        self.key = key or self.key
        self.params = params
        self.details = details or []  # further message keys or texts, e.g. every missing item
        super().__init__(self.message("zh"))

    def message(self, lang: str = "zh") -> str:
        return t(self.key, lang, **self.params)

    def detail_messages(self, lang: str = "zh") -> list[str]:
        return [t(d, lang) if isinstance(d, str) else str(d) for d in self.details]


class NotFound(DomainError):
    """Missing or outside the user's scope: the same error for both (no existence leak)."""

    key = "error.not_found"


class Forbidden(DomainError):
    key = "error.forbidden"


class InvalidAction(DomainError):
    key = "error.invalid_action"


class GuardFailed(DomainError):
    key = "error.guard_failed"


class ConcurrentChange(DomainError):
    key = "error.concurrent_change"


class ValidationError(DomainError):
    key = "error.validation"


class AuthError(DomainError):
    key = "auth.failed"


class Throttled(DomainError):
    """Too many failed logins from this client (or from everyone): refused before any account is looked
    at. ``params['seconds']`` is the wait."""

    key = "login.throttled"
