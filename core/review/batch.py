"""Acting on several declarations at once (batch approve, recommend, ...): all or nothing.

A batch runs every action through the engine (``core.declaring.transitions.act``) inside one savepoint of the
caller's transaction. If any declaration fails, the savepoint is rolled back — nothing moves, no
audit event stays — and :class:`BatchFailed` names every failing declaration with its reason, so
the page can say "#12: the publicity has not ended" instead of "something failed".

"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.common.errors import DomainError, NotFound, ValidationError
from core.common.i18n import t
from core.declaring.transitions import act
from core.workflow import Actor
from db.base import utcnow

MAX_BATCH = 500



def unique_ids(ids: Iterable[int], limit: int = MAX_BATCH) -> list[int]:
    """The ids once each, in the given order; at least one and at most ``limit``."""
    result = list(dict.fromkeys(int(i) for i in ids))
    if not result:
        raise ValidationError("batch.empty")
    if len(result) > limit:
        raise ValidationError("batch.too_many", max=limit)
    return result


@dataclass(frozen=True)
class Failure:
    declaration_id: int
    error: DomainError

    def message(self, lang: str = "zh") -> str:
        text = " ".join([self.error.message(lang), *self.error.detail_messages(lang)])
        return t("batch.failure_line", lang, id=self.declaration_id, message=text)


class BatchFailed(DomainError):
    """At least one declaration of a batch failed; nothing of the batch was done."""

    key = "batch.failed"

    def __init__(self, failures: list[Failure], total: int):
        self.failures = failures
        super().__init__(details=[f.message() for f in failures], failed=len(failures), total=total)

    def failure_messages(self, lang: str = "zh") -> list[str]:
        return [f.message(lang) for f in self.failures]


def batch_act(session: Session, actor: Actor, ids: Iterable[int], action: str, payload: dict | None = None, *,
              now: dt.datetime | None = None, today: dt.date | None = None) -> dict[int, int]:
    """Perform ``action`` on every declaration; returns {id: new version}. Raises BatchFailed."""
    ordered = unique_ids(ids)
    now = now or utcnow()
    versions: dict[int, int] = {}
    failures: list[Failure] = []
    savepoint = session.begin_nested()
    for declaration_id in ordered:
        try:
            versions[declaration_id] = act(session, actor, declaration_id, action, payload, now=now, today=today)
        except DomainError as error:
            failures.append(Failure(declaration_id, error))
    if failures:
        savepoint.rollback()
        raise BatchFailed(failures, len(ordered))
    savepoint.commit()
    return versions
