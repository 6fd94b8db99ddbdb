"""Small pieces the record machines share: scope checks that raise the same not-found error."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.common.errors import NotFound
from core.machines.spec import Actor, Record


def scoped(rule: Callable[[Actor, Record, Any, str], bool]) -> Callable:
    """An ``admit`` from a scope rule: out of scope is NotFound, the same as missing (no existence leak)."""
    def admit(actor: Actor, record: Record, facts: Any, action: str, expected_version: int | None) -> None:
        if not rule(actor, record, facts, action):
            raise NotFound()
    return admit


def stamp_decided(record: Record, facts: Any, payload: dict, now: Any) -> dict:
    return {"decided_at": now}
