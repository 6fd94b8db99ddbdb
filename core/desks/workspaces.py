"""Workspaces declared as data: who sees which workspace, what its inbox holds, and its to-do count.

A workspace is a page of the app. Its inbox is, by ``source``:

* ``holder``: declarations held by the actor's unit (``holder_unit_id``) in the workspace's states;
* ``own``: the applicant's own declarations (the to-do count: those waiting for the applicant);
* ``scope``: a policy reviewer's scope (committee, year, series, specialties) in the workspace's states;
* ``accounts``: the accounts a unit admin manages (no declarations; the to-do count is locked accounts);
* ``panel``: the online panel review's pages (no declaration inbox; the to-do counts are core.panel.todo's).

``workspaces_for`` builds the navigation from a user's contexts, so a user only ever gets the pages
of their roles; pages check ``may_use`` again, since the menu is never the only guard.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.reporting import stats
from core.common.errors import NotFound
from core.desks import listing
from core.desks.inbox import Cursor, InboxPage
from core.desks.listing import Filters, Scope
from core.org.scope import visible_declarations
from core.identity.unit_accounts import locked_count
from core.panel import todo as panel_todo
from core.workflow import APPLICANT_HELD, Actor, Option
from db.models import Declaration, Unit

HOLDER, OWN, SCOPE, ACCOUNTS, PANEL = "holder", "own", "scope", "accounts", "panel"
PANEL_EXPERTS = {"expert", "group_leader", "committee_member", "vice_chair", "chair"}  # every panel duty
HIDDEN_ACTIONS = frozenset({"save"})  # editing a draft belongs to the declaration form, not to a button


@dataclass(frozen=True)
class Workspace:
    id: str
    roles: frozenset[str]
    states: tuple[str, ...]
    source: str = HOLDER

    @property
    def title_key(self) -> str:
        return f"ws.{self.id}"


def _ws(ident: str, roles: str | set[str], states: tuple[str, ...], source: str = HOLDER) -> Workspace:
    return Workspace(ident, frozenset({roles} if isinstance(roles, str) else roles), states, source)


WORKSPACES: tuple[Workspace, ...] = (
    _ws("my_declarations", "applicant", tuple(sorted(APPLICANT_HELD)), OWN),
    _ws("unit_verify", "unit_operator", ("unit_verify", "supplement_verify")),
    _ws("unit_publicity", "unit_operator", ("unit_publicity",)),
    _ws("unit_recommend", "unit_operator", ("unit_recommend",)),
    _ws("relay", {"dept_operator", "hr_operator"}, ("relay", "dept_review", "hr_review")),
    _ws("material_receipt", "committee_operator", ("material_receipt",)),
    _ws("policy_review", "policy_reviewer", ("policy_review", "policy_recheck"), SCOPE),
    _ws("committee_publicity", {"committee_operator", "policy_reviewer"},
        ("failed_publicity", "candidate_publicity", "result_publicity"), SCOPE),
    _ws("panel_admin", "committee_operator", (), PANEL),
    _ws("panel_console", {"chair", "vice_chair", "committee_operator"}, (), PANEL),
    _ws("panel_group", "group_leader", (), PANEL),
    _ws("expert_review", PANEL_EXPERTS, (), PANEL),
    _ws("panel_vote", PANEL_EXPERTS, (), PANEL),
    _ws("filing", {"committee_operator", "hr_operator"}, ("filing",)),
    _ws("unit_accounts", "unit_admin", (), ACCOUNTS),
    _ws("org_admin", {"unit_admin", "dept_operator", "hr_operator"}, (), "admin"),
    _ws("authority", {"committee_operator", "hr_operator"}, (), "admin"),
    _ws("audit_log", {"unit_admin", "hr_operator"}, (), "admin"),
    _ws("calendar", "unit_admin", (), "admin"),  # edits: provincial HR bureau only
    _ws("reviewer_accounts", "committee_operator", (), ACCOUNTS),
    _ws("analytics", {"hr_operator", "committee_operator", "unit_admin", "unit_operator", "dept_operator"}, (),
        "admin"),  # 统计分析 (core.desks.analytics): numbers of the actor's scope, no to-do count
)
_BY_ID = {w.id: w for w in WORKSPACES}


def workspace(workspace_id: str) -> Workspace:
    return _BY_ID[workspace_id]


def workspaces_for(contexts: Iterable[Actor]) -> list[Workspace]:
    """The workspaces of these contexts' roles, in menu order, each once."""
    roles = {c.role for c in contexts}
    return [w for w in WORKSPACES if w.roles & roles]


def may_use(actor: Actor | None, workspace_id: str) -> bool:
    return actor is not None and actor.role in _BY_ID[workspace_id].roles


def require(actor: Actor | None, workspace_id: str) -> Workspace:
    """The workspace if the actor's role may use it; NotFound otherwise (pages call this first)."""
    if not may_use(actor, workspace_id):
        raise NotFound()
    return _BY_ID[workspace_id]


def shown_actions(options: Iterable[Option]) -> list[Option]:
    """The engine's options a workspace offers as buttons."""
    return [o for o in options if o.action not in HIDDEN_ACTIONS]


# --- inboxes -------------------------------------------------------------------------------------

def scope_of(session: Session, actor: Actor, ws: Workspace) -> Scope | None:
    """What the workspace lists for this actor (core.desks.listing); None when it lists no declarations."""
    if ws.source == HOLDER:
        return Scope.held(actor.unit_id, ws.states) if actor.unit_id is not None else None
    if ws.source == OWN:
        return Scope.of(Declaration.applicant_person_id == (actor.person_id or -1))  # every state: all their own
    if ws.source == SCOPE:
        return Scope.of(visible_declarations(session, actor), ws.states)
    return None


def inbox(session: Session, actor: Actor, workspace_id: str, *, after: Cursor | None = None, limit: int = 50,
          year: int | None = None, level: str | None = None, series: str | None = None,
          actions: bool = False, today: dt.date | None = None) -> InboxPage:
    """One page of the workspace's declarations for this actor (keyset paging, see core.desks.listing);
    with ``actions``, the engine's options for each row of the page, computed for the page at once."""
    ws = require(actor, workspace_id)
    scope = scope_of(session, actor, ws)
    if scope is None:
        return InboxPage([], None)
    return listing.page(session, scope, Filters(year, level, series), after=after, limit=limit,
                        actor=actor if actions else None, today=today)


# --- to-do counts ----------------------------------------------------------------------------------

def todo_counts(session: Session, actor: Actor, now: dt.datetime | None = None) -> dict[str, int]:
    """Per workspace of the actor's role: how many items wait for them (SQL counts)."""
    spaces = workspaces_for([actor])
    counts: dict[str, int] = {}
    held = [w for w in spaces if w.source == HOLDER]
    if held and actor.unit_id is not None:
        numbers = stats.todo_counts(session, [(actor.unit_id, w.states) for w in held])
        counts.update({w.id: n for w, n in zip(held, numbers)})
    for w in spaces:
        if w.source in (OWN, SCOPE):  # the listed scope in the workspace's states (the applicant's: those they hold)
            counts[w.id] = listing.count(session, Scope.of(scope_of(session, actor, w).where, w.states))
        elif w.source == ACCOUNTS:
            counts[w.id] = locked_count(session, actor, now)
    counts.update(panel_todo.counts(session, actor, {w.id for w in spaces if w.source == PANEL}))
    return {w.id: counts.get(w.id, 0) for w in spaces if w.source != "admin"}  # admin pages keep no to-do count


def unit_names(session: Session, unit_ids: Iterable[int | None]) -> dict[int, str]:
    """Names of these units, for context labels and tables."""
    ids = {i for i in unit_ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())
