"""The applicant's side of a declaration: create a draft, edit its fields, list one's declarations.

Editing is allowed only while the applicant holds the declaration — draft, returned, or supplement
(where only the supplementary module and the category may change, 000 §5.2) — and only by its
owner; submitted declarations are read-only (002 §1.2). These services never touch ``state``,
``holder_unit_id`` or ``version``: every state change goes through the engine (core.declaring.transitions).
Each service takes the acting user and writes its audit row in the caller's transaction.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from core.audit import trail as audit
from core.declaring.choices import applicant_unit, field_problems, year_problem
from core.common.errors import Forbidden, InvalidAction, NotFound, ValidationError
from core.common.text import clean_text
from core.declaring.modules import MODULES, required_modules
from core.identity.role_exclusion import check_may_declare
from core.org.scope import visible_declarations
from core.workflow import APPLICANT_HELD, INITIAL, TERMINAL, Actor
from db.base import utcnow
from db.models import AuditEvent, Committee, Declaration, TitleName, Unit

CLOSED = ("cancelled", "terminated", "not_approved")  # these leave room for a new declaration that year
FIELDS = ("level_code", "series_code", "specialty_code", "method", "exceptional_grounds", "review_type",
          "committee_id")
CATEGORY_FIELDS = frozenset({"method", "exceptional_grounds", "specialty_code"})  # 申报类别 (000 §5.2 A)
_COMMITTEE_INPUTS = frozenset({"level_code", "series_code", "review_type", "committee_id"})


@dataclass(frozen=True)
class EditScope:
    """What the applicant may change in a state: declaration fields and record modules."""

    fields: frozenset[str]
    modules: frozenset[str]


_EDIT_SCOPES = {
    "draft": EditScope(frozenset(FIELDS), frozenset(MODULES) - {"supplement"}),
    "returned": EditScope(frozenset(FIELDS), frozenset(MODULES) - {"supplement"}),
    "supplement": EditScope(CATEGORY_FIELDS, frozenset({"supplement"})),
}
READ_ONLY = EditScope(frozenset(), frozenset())


def edit_scope(state: str) -> EditScope:
    """What may be edited in this state (nothing outside draft, returned and supplement)."""
    return _EDIT_SCOPES.get(state, READ_ONLY)


def editable_declaration(session: Session, actor: Actor, declaration_id: int, *, module: str | None = None,
                         fields: set[str] | None = None) -> Declaration:
    """The actor's own declaration, locked for the edit; refused unless the state lets this part change."""
    if actor.role != "applicant":
        raise Forbidden()
    d = session.scalar(select(Declaration).where(Declaration.id == declaration_id, visible_declarations(session, actor))
                       .with_for_update().execution_options(populate_existing=True))
    if d is None:
        raise NotFound()
    scope = edit_scope(d.state)
    if scope is READ_ONLY:
        raise InvalidAction("decl.read_only", state=f"state.{d.state}")
    if (module is not None and module not in scope.modules) or (fields and not fields <= scope.fields):
        raise InvalidAction("decl.supplement_only" if d.state == "supplement" else "decl.read_only",
                            state=f"state.{d.state}")
    return d


def _open_exists(session: Session, person_id: int, year: int, flow: str) -> bool:
    return session.scalar(select(Declaration.id).where(
        Declaration.applicant_person_id == person_id, Declaration.year == year, Declaration.flow == flow,
        Declaration.state.not_in(CLOSED)).limit(1)) is not None


def _values(raw: dict[str, Any]) -> dict[str, Any]:
    """Normalised field values: stripped text, None for empty, committee id as int."""
    out: dict[str, Any] = {}
    for name in FIELDS:
        value = raw.get(name)
        if isinstance(value, str):
            value = clean_text(value, "field.declaration") or None
        if name == "committee_id" and value is not None:
            value = int(value) if str(value).isdigit() else -1
        out[name] = value
    out["method"] = out["method"] or "regular"
    if out["method"] != "exceptional":
        out["exceptional_grounds"] = None
    return out


def create_draft(session: Session, actor: Actor, *, flow: str, year: int, now: dt.datetime | None = None,
                 **fields: Any) -> int:
    """A new draft (暂存) with the basic information; returns its id. Lists every problem together."""
    now = now or utcnow()
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError("decl.unknown_field", field=", ".join(sorted(unknown)))
    unit_id = applicant_unit(session, actor)
    check_may_declare(session, actor.person_id)  # an admin or operator never declares (issue 6)
    if _open_exists(session, actor.person_id, year, flow):
        raise ValidationError("decl.open_exists", year=year, flow=f"flow.{flow}")
    values = _values(fields)
    bad_year = year_problem(year, now.date())
    problems = ([bad_year] if bad_year else []) + field_problems(session, unit_id, flow, year, values,
                                                                 check_committee=not bad_year)
    if problems:
        raise ValidationError("decl.invalid", details=problems)
    d = Declaration(flow=flow, applicant_person_id=actor.person_id, unit_id=unit_id, year=year, state="draft",
                    relay_route=[], created_at=now, state_since=now, **values)
    session.add(d)
    session.flush()
    _audit(session, actor, d.id, "create", now, {"flow": flow, "year": year})
    return d.id


def update_fields(session: Session, actor: Actor, declaration_id: int, changes: dict[str, Any],
                  now: dt.datetime | None = None) -> None:
    """Change fields of an editable declaration; dependent choices are cleared when what they hang on changes."""
    now = now or utcnow()
    if unknown := set(changes) - set(FIELDS):
        if locked := [k for k in unknown if k in ("year", "flow")]:
            raise ValidationError("decl.locked", details=[f"decl.locked.{k}" for k in sorted(locked)])
        raise ValidationError("decl.unknown_field", field=", ".join(sorted(unknown)))
    d = editable_declaration(session, actor, declaration_id)
    current = {name: getattr(d, name) for name in FIELDS}
    merged = _cascade(current, _values({**current, **changes}), set(changes))
    changed = {k for k in FIELDS if merged[k] != current[k]}
    barred = changed - edit_scope(d.state).fields
    if locked := sorted(barred & set(changes)) or sorted(barred):  # name what was asked for, not its echoes
        raise ValidationError("decl.locked", details=[f"decl.locked.{k}" for k in locked])
    if problems := field_problems(session, d.unit_id, d.flow, d.year, merged,
                                  check_committee=bool(changed & _COMMITTEE_INPUTS)):
        raise ValidationError("decl.invalid", details=problems)
    for name in changed:
        setattr(d, name, merged[name])
    session.flush()
    if changed:
        _audit(session, actor, d.id, "edit_fields", now, {"fields": sorted(changed)})


def _cascade(current: dict[str, Any], merged: dict[str, Any], given: set[str]) -> dict[str, Any]:
    """Level/series/review type changed without a new committee: the old committee no longer applies."""
    if "committee_id" not in given and any(merged[k] != current[k] for k in ("level_code", "series_code",
                                                                             "review_type")):
        merged["committee_id"] = None
    if "specialty_code" not in given and merged["series_code"] != current["series_code"]:
        merged["specialty_code"] = None
    return merged


def required_modules_for(session: Session, declaration: Declaration | int) -> tuple[str, ...]:
    """The modules this declaration must fill: its committee's, else the flow's defaults (004: they vary)."""
    d = declaration if isinstance(declaration, Declaration) else session.get(Declaration, declaration)
    committee = session.get(Committee, d.committee_id) if d.committee_id else None
    return required_modules(d.flow, committee)


def _audit(session: Session, actor: Actor, declaration_id: int, action: str, now: dt.datetime,
           detail: dict[str, Any]) -> None:
    audit.append(session, kind="declaration", action=action, at=now, account_id=actor.account_id, role=actor.role,
                 target=f"declaration:{declaration_id}", declaration_id=declaration_id, detail=detail)


# --- my declarations (我的申报) and what the page should tell the applicant ---------------------------

@dataclass(frozen=True)
class MyDeclaration:
    id: int
    year: int
    flow: str
    title_name: str | None  # e.g. 高级工程师
    series_code: str
    level_code: str
    state: str
    holder_name: str | None  # the unit holding it now; None when the applicant or nobody holds it
    held_by_applicant: bool
    finished: bool
    state_since: dt.datetime
    submitted_at: dt.datetime | None
    version: int


def my_declarations(session: Session, actor: Actor) -> list[MyDeclaration]:
    """The applicant's own declarations, newest first, with who holds each now and since when."""
    if actor.role != "applicant" or actor.person_id is None:
        return []
    holder = aliased(Unit)
    rows = session.execute(
        select(Declaration.id, Declaration.year, Declaration.flow, TitleName.name_zh, Declaration.series_code,
               Declaration.level_code, Declaration.state, holder.name, Declaration.state_since,
               Declaration.submitted_at, Declaration.version)
        .outerjoin(TitleName, (TitleName.series_code == Declaration.series_code)
                   & (TitleName.level_code == Declaration.level_code))
        .outerjoin(holder, holder.id == Declaration.holder_unit_id)
        .where(Declaration.applicant_person_id == actor.person_id)
        .order_by(Declaration.created_at.desc(), Declaration.id.desc()))
    return [MyDeclaration(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[6] in APPLICANT_HELD,
                          r[6] in TERMINAL, r[8], r[9], r[10]) for r in rows]


def applicant_notice(state: str, flow: str = "review", last_action: str | None = None) -> str:
    """The catalogue key of what the applicant's page says about a declaration in this state."""
    if state == "terminated":
        return "notice.terminated_recheck" if last_action == "fail" else "notice.terminated"
    if state == "returned" and flow == INITIAL:
        return "notice.returned_initial"
    if state in ("draft", "returned", "supplement", "approved", "not_approved", "cancelled"):
        return f"notice.{state}"
    return "notice.submitted"


def notice_for(session: Session, actor: Actor, declaration_id: int) -> str:
    """``applicant_notice`` for one of the actor's declarations (NotFound outside their scope)."""
    row = session.execute(select(Declaration.state, Declaration.flow).where(
        Declaration.id == declaration_id, visible_declarations(session, actor))).first()
    if row is None:
        raise NotFound()
    last = session.scalar(select(AuditEvent.action).where(
        AuditEvent.declaration_id == declaration_id, AuditEvent.kind == "transition")
        .order_by(AuditEvent.id.desc()).limit(1))
    return applicant_notice(row.state, row.flow, last)
