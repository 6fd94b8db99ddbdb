"""The organization tree of a user's scope: every unit below the user's unit, with the number of
accounts (of people bound to it) and of declarations (not drafts) per unit, counted in SQL."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.common.errors import NotFound
from core.org.scope import unit_path
from core.workflow import Actor
from db.models import Account, Declaration, Person, Unit

TREE_ROLES = ("unit_admin", "unit_operator", "dept_operator", "hr_operator", "committee_operator")
MAX_UNITS = 2000


@dataclass(frozen=True)
class TreeRow:
    id: int
    name: str
    kind: str
    status: str
    depth: int  # 0 for the user's own unit
    accounts: int
    declarations: int


def tree(session: Session, actor: Actor) -> list[TreeRow]:
    """The actor's unit and its descendants in tree order (by path), with counts."""
    if actor.role not in TREE_ROLES or actor.unit_id is None:
        raise NotFound()
    root = unit_path(session, actor.unit_id)
    accounts = (select(Person.unit_id.label("uid"), func.count(Account.id).label("n"))
                .join(Account, Account.person_id == Person.id).group_by(Person.unit_id).subquery())
    declarations = (select(Declaration.unit_id.label("uid"), func.count(Declaration.id).label("n"))
                    .where(Declaration.state != "draft").group_by(Declaration.unit_id).subquery())
    query = (select(Unit.id, Unit.name, Unit.kind, Unit.status, Unit.path,
                    func.coalesce(accounts.c.n, 0), func.coalesce(declarations.c.n, 0))
             .outerjoin(accounts, accounts.c.uid == Unit.id).outerjoin(declarations, declarations.c.uid == Unit.id)
             .where(Unit.path.startswith(root)).order_by(Unit.id).limit(MAX_UNITS))
    base = root.count("/")
    rows = sorted(session.execute(query), key=lambda r: [int(x) for x in r[4].strip("/").split("/")])
    return [TreeRow(i, n, k, s, p.count("/") - base, int(a), int(d)) for i, n, k, s, p, a, d in rows]
