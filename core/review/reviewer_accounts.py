"""Policy reviewer accounts (政策性审查账号, 001 §6.2.6): one-off accounts a committee organizer creates.

Only the organizer unit's committee operator manages them, and only for its own committees. Each
account is for one committee and that committee's year, scoped to series and optionally
specialties (a ``policy_reviewer`` role grant carries the scope). Login names are generated
(``zc<year>-<committee>-<n>``, never an ID number); the one-time password is returned once. An
account can be edited only before its first business step, enabled and disabled — never deleted:
there is deliberately no delete function. The organizer's operators themselves never get the
reviewer role, so they cannot do policy review (the engine allows it only to ``policy_reviewer``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import trail as audit
from core.identity.accounts import create_account, grant_role, has_acted
from core.identity.sessions import end_all_sessions
from core.common.errors import InvalidAction, NotFound, ValidationError
from core.common.text import clean_line
from core.workflow import Actor
from db.base import utcnow
from db.models import Account, Committee, RoleGrant, Series, Specialty
from db.uow import UnitOfWork
from core.refusals import refusals_audited

ROLE = "policy_reviewer"
MAX_NAME = 60


@dataclass(frozen=True)
class ReviewerRow:
    account_id: int
    login_name: str
    display_name: str
    committee_id: int
    committee_name: str
    year: int
    series_codes: tuple[str, ...]
    specialty_codes: tuple[str, ...]
    enabled: bool
    used: bool  # has taken a business step: no longer editable


def own_committees(session: Session, actor: Actor) -> list[tuple[int, str, int, str]]:
    """(id, name, year, series) of the committees the operator's unit organises."""
    if actor.role != "committee_operator" or actor.unit_id is None:
        raise NotFound()
    return [tuple(r) for r in session.execute(
        select(Committee.id, Committee.name, Committee.year, Committee.series_code)
        .where(Committee.organizer_unit_id == actor.unit_id).order_by(Committee.year.desc(), Committee.id))]


def _committee(session: Session, actor: Actor, committee_id: int) -> Committee:
    committee = session.get(Committee, committee_id)
    if committee is None or actor.role != "committee_operator" or actor.unit_id is None \
            or committee.organizer_unit_id != actor.unit_id:
        raise NotFound()
    return committee


def _clean_scope(session: Session, series_codes: Iterable[str], specialty_codes: Iterable[str]):
    series = tuple(dict.fromkeys(s for s in series_codes if s))
    specialties = tuple(dict.fromkeys(s for s in specialty_codes if s))
    if not series:
        raise ValidationError("reviewer.series_required")
    known = set(session.scalars(select(Series.code).where(Series.code.in_(series))))
    if known != set(series):
        raise ValidationError("reviewer.series_unknown", details=sorted(set(series) - known))
    if specialties:
        valid = set(session.scalars(select(Specialty.code).where(Specialty.code.in_(specialties),
                                                                 Specialty.series_code.in_(series))))
        if valid != set(specialties):
            raise ValidationError("reviewer.specialty_unknown", details=sorted(set(specialties) - valid))
    return series, specialties


def _clean_name(name: str | None, fallback: str) -> str:
    name = clean_line(name, "field.display_name") or fallback
    if len(name) > MAX_NAME:
        raise ValidationError("reviewer.name_invalid", max=MAX_NAME)
    return name


def _next_login(session: Session, committee: Committee) -> str:
    prefix = f"zc{committee.year}-{committee.id}-"
    taken = set(session.scalars(select(Account.login_name).where(Account.login_name.startswith(prefix))))
    n = len(taken) + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def _audit(session: Session, actor: Actor, action: str, account_id: int, now: dt.datetime, **detail) -> None:
    audit.append(session, kind="admin", action=action, at=now, account_id=actor.account_id, role=actor.role,
                 unit_id=actor.unit_id, target=f"account:{account_id}", detail=detail)


def create_reviewer(session: Session, actor: Actor, committee_id: int, series_codes: Iterable[str],
                    specialty_codes: Iterable[str] = (), display_name: str | None = None, *,
                    now: dt.datetime | None = None) -> tuple[int, str, str]:
    """A new reviewer account for this committee and its year; returns (id, login, one-time password)."""
    now = now or utcnow()
    committee = _committee(session, actor, committee_id)
    series, specialties = _clean_scope(session, series_codes, specialty_codes)
    login = _next_login(session, committee)
    name = _clean_name(display_name, f"{committee.name}政策性审查{login.rsplit('-', 1)[-1]}")
    account, password = create_account(session, login_name=login, display_name=name, kind=ROLE, now=now)
    grant_role(session, account.id, ROLE, committee.organizer_unit_id, committee_id=committee.id,
               year=committee.year, series_codes=series, specialty_codes=specialties, now=now)
    _audit(session, actor, "reviewer_create", account.id, now, committee_id=committee.id, year=committee.year,
           series=list(series), specialties=list(specialties))
    assert password is not None
    return account.id, login, password


def _reviewer_grant(session: Session, actor: Actor, account_id: int) -> tuple[Account, RoleGrant]:
    """The account and its reviewer grant, if one of the operator's committees owns it; NotFound otherwise."""
    if actor.role != "committee_operator" or actor.unit_id is None:
        raise NotFound()
    row = session.execute(
        select(Account, RoleGrant).join(RoleGrant, RoleGrant.account_id == Account.id)
        .join(Committee, Committee.id == RoleGrant.committee_id)
        .where(Account.id == account_id, Account.kind == ROLE, RoleGrant.role == ROLE,
               Committee.organizer_unit_id == actor.unit_id).order_by(RoleGrant.id).limit(1)).first()
    if row is None:
        raise NotFound()
    return row[0], row[1]


def list_reviewers(session: Session, actor: Actor, committee_id: int | None = None) -> list[ReviewerRow]:
    """The reviewer accounts of the operator's committees (of one committee if given)."""
    committees = {c[0]: c for c in own_committees(session, actor)}
    if committee_id is not None:
        committees = {k: v for k, v in committees.items() if k == committee_id}
    if not committees:
        return []
    rows = session.execute(
        select(Account, RoleGrant).join(RoleGrant, RoleGrant.account_id == Account.id)
        .where(Account.kind == ROLE, RoleGrant.role == ROLE, RoleGrant.committee_id.in_(list(committees)))
        .order_by(RoleGrant.committee_id, Account.id)).all()
    return [ReviewerRow(a.id, a.login_name, a.display_name, g.committee_id, committees[g.committee_id][1],
                        g.year or committees[g.committee_id][2], tuple(g.series_codes or ()),
                        tuple(g.specialty_codes or ()), a.enabled, has_acted(session, a.id)) for a, g in rows]


def edit_reviewer(session: Session, actor: Actor, account_id: int, display_name: str | None,
                  series_codes: Iterable[str], specialty_codes: Iterable[str] = (), *,
                  now: dt.datetime | None = None) -> None:
    """Change the name and scope — only before the account's first business step."""
    now = now or utcnow()
    account, grant = _reviewer_grant(session, actor, account_id)
    if has_acted(session, account.id):
        raise InvalidAction("reviewer.used")
    series, specialties = _clean_scope(session, series_codes, specialty_codes)
    account.display_name = _clean_name(display_name, account.display_name)
    grant.series_codes, grant.specialty_codes = list(series), list(specialties)
    session.flush()
    _audit(session, actor, "reviewer_edit", account.id, now, series=list(series), specialties=list(specialties))


def set_reviewer_enabled(session: Session, actor: Actor, account_id: int, enabled: bool, *,
                         now: dt.datetime | None = None) -> None:
    """Enable or disable; disabling ends the account's sessions at once."""
    now = now or utcnow()
    account, _ = _reviewer_grant(session, actor, account_id)
    account.enabled = bool(enabled)
    if not enabled:
        end_all_sessions(session, account.id, now, "disabled")
    session.flush()
    _audit(session, actor, "reviewer_enable" if enabled else "reviewer_disable", account.id, now)


def series_choices(session: Session, actor: Actor, committee_id: int) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """(series code, name) and (specialty code, series code, name) to choose a reviewer's scope from."""
    _committee(session, actor, committee_id)
    series = [tuple(r) for r in session.execute(select(Series.code, Series.name_zh).order_by(Series.position))]
    specialties = [tuple(r) for r in session.execute(
        select(Specialty.code, Specialty.series_code, Specialty.name_zh).order_by(Specialty.code))]
    return series, specialties


# --- one transaction per page call -----------------------------------------------------------------

@refusals_audited
def load(uow: UnitOfWork, actor: Actor) -> tuple[list[tuple[int, str, int, str]], list[ReviewerRow]]:
    """The operator's committees and their reviewer accounts."""
    with uow.read() as session:
        return own_committees(session, actor), list_reviewers(session, actor)


@refusals_audited
def load_choices(uow: UnitOfWork, actor: Actor, committee_id: int):
    with uow.read() as session:
        return series_choices(session, actor, committee_id)


@refusals_audited
def do_create(uow: UnitOfWork, actor: Actor, committee_id: int, series_codes, specialty_codes,
              display_name: str | None):
    with uow.write() as session:
        return create_reviewer(session, actor, committee_id, series_codes, specialty_codes, display_name)


@refusals_audited
def do_edit(uow: UnitOfWork, actor: Actor, account_id: int, display_name: str | None, series_codes,
            specialty_codes) -> None:
    with uow.write() as session:
        edit_reviewer(session, actor, account_id, display_name, series_codes, specialty_codes)


@refusals_audited
def do_set_enabled(uow: UnitOfWork, actor: Actor, account_id: int, enabled: bool) -> None:
    with uow.write() as session:
        set_reviewer_enabled(session, actor, account_id, enabled)
