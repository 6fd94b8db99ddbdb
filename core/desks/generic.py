"""What the generic workspace page asks for, one transaction each: inbox page, detail, filters, act.

A page hands the actor of the chosen context; every function checks the actor's right again
(``core.desks.workspaces.require``, ``core.declaring.dossier.access_declaration``, the engine itself).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from core.declaring import transitions
from core.declaring import catalogue
from core.common import config
from core.declaring.dossier import Dossier, authorised_committees, dossier
from core.desks.inbox import Cursor, InboxPage
from core.workflow import Actor, Option
from core.desks.workspaces import inbox, require, shown_actions
from db.uow import UnitOfWork
from core.refusals import refusals_audited


YEARS_BACK = 4


@dataclass(frozen=True)
class Choices:
    years: list[int]
    levels: list[tuple[str, str, str]]  # (code, zh, en)
    series: list[tuple[str, str, str]]


@dataclass(frozen=True)
class Detail:
    dossier: Dossier
    options: list[Option]
    committees: list[tuple[int, str]]  # choices for assign_committee, when offered


def filter_choices(uow: UnitOfWork, today: dt.date | None = None) -> Choices:
    year = (today or config.today()).year
    with uow.read() as session:
        levels = [(x.code, x.name_zh, x.name_en) for x in catalogue.list_levels(session)]
        series = [(x.code, x.name_zh, x.name_en) for x in catalogue.list_series(session)]
    return Choices(list(range(year + 1, year - YEARS_BACK, -1)), levels, series)


@refusals_audited
def load_inbox(uow: UnitOfWork, actor: Actor, workspace_id: str, *, after: Cursor | None = None, limit: int = 50,
               year: int | None = None, level: str | None = None, series: str | None = None,
               actions: bool = False) -> InboxPage:
    """One inbox page; with ``actions``, each row's options offered as buttons (``page.actions``), computed
    for the page at once."""
    with uow.read() as session:
        page = inbox(session, actor, workspace_id, after=after, limit=limit, year=year, level=level, series=series,
                     actions=actions)
    return replace(page, actions={i: shown_actions(o) for i, o in page.actions.items()})


@refusals_audited
def load_detail(uow: UnitOfWork, actor: Actor, workspace_id: str, declaration_id: int) -> Detail:
    """The dossier (NotFound when outside the actor's scope) and the actions offered now."""
    require(actor, workspace_id)
    with uow.read() as session:
        info = dossier(session, actor, declaration_id)
        options = shown_actions(transitions.options(session, actor, declaration_id))
        wants_committee = any("committee_id" in o.inputs for o in options)
        committees = authorised_committees(session, actor, declaration_id) if wants_committee else []
    return Detail(info, options, committees)


@refusals_audited
def act(uow: UnitOfWork, actor: Actor, workspace_id: str, declaration_id: int, action: str, payload: dict,
        expected_version: int) -> int:
    """One click, one transaction (core.declaring.transitions.execute); a stale version raises ConcurrentChange
    (the engine reports it even when the declaration has since left the actor's unit)."""
    require(actor, workspace_id)
    return transitions.execute(uow, actor, declaration_id, action, payload, expected_version=expected_version)
