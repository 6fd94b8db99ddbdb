"""The working-day calendar's year (core.calendar): provisional ⇄ official, kept by the provincial HR
bureau's admin. ``confirm`` vouches for the dates listed; ``reopen`` undoes it when a date of an official
year is changed (a confirmation vouches for exactly the dates it saw). Anyone else is told the year does
not exist, like every other refused admin action."""
from __future__ import annotations

from typing import Any

from core.common.errors import ValidationError
from core.machines.common import scoped
from core.machines.spec import Actor, Machine, Record, Rules, state, transition

NAME = "calendar_year"
ADMIN = "unit_admin"


def keeps_calendar(actor: Actor | None, facts: Any) -> bool:
    """Whether the actor is the admin of the active provincial HR bureau (the only keeper of the calendar)."""
    return actor is not None and actor.role == ADMIN and actor.unit_id is not None \
        and facts.is_provincial_hr_bureau(actor.unit_id)


def _keeper(actor: Actor, year: Record, facts: Any, action: str) -> bool:
    return keeps_calendar(actor, facts)


rules = Rules(inputs={"source": lambda value: bool((value or "").strip())})


@rules.effect("stamp_confirmation")
def _stamp(year: Record, facts: Any, payload: dict, now: Any) -> dict:
    return {"source": payload["source"].strip(), "confirmed_by": payload["confirmed_by"], "confirmed_at": now,
            "updated_at": now}


@rules.effect("clear_confirmation")
def _clear(year: Record, facts: Any, payload: dict, now: Any) -> dict:
    return {"confirmed_by": None, "confirmed_at": None, "updated_at": now}


MACHINE = Machine(
    NAME,
    states=(state("provisional", "calendar.status.provisional", ADMIN, workspace="calendar"),
            state("official", "calendar.status.official", ADMIN, workspace="calendar")),
    initial="provisional",
    transitions=(transition(NAME, "provisional", "confirm", "official", ADMIN, inputs=("source",),
                            effects=("stamp_confirmation",)),
                 transition(NAME, "official", "reopen", "provisional", ADMIN, effects=("clear_confirmation",))),
    rules=rules, roles=frozenset({ADMIN}), admit=scoped(_keeper),
    subject="calendar", audit_kind="admin", audit_prefix="calendar_", action_label="calendar.action.",
    refusals={"confirm": (ValidationError, "calendar.already_official"),
              "reopen": (ValidationError, "calendar.not_official")},
)
