"""What an applicant may choose on the declaration form, and the per-field checks of those choices.

Level → series → specialty cascade (002 fig. 1-8); review type and committee (004 fig. 5-7): only
committees with approved authority for that series, level and year, open for declaration, whose
region covers the applicant's unit, of the kind the review type names. Self-review is offered only
when the employer itself organises such a committee (000 §5.1: "自主评审一般适用于取得自主评审权的
用人单位"). ``field_problems`` applies the same rules to a whole set of values and returns every
problem as a catalogue key, so a form lists them together.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common.errors import ValidationError
from core.workflow import FLOWS, INITIAL, Actor
from db.models import Committee, Level, Person, Series, Specialty, TitleName, Unit

METHODS = ("regular", "exceptional", "series_change")
REVIEW_TYPES = ("socialized", "self_review")
MAX_GROUNDS = 2000
FIRST_YEAR = 2000

Choice = tuple[str, str, str]  # (code, zh, en)


@dataclass(frozen=True)
class CommitteeChoice:
    id: int
    name: str
    self_review: bool


def choices_levels(session: Session) -> list[Choice]:
    return [(r.code, r.name_zh, r.name_en) for r in session.scalars(select(Level).order_by(Level.rank))]


def choices_series(session: Session, level_code: str | None = None) -> list[Choice]:
    """Series granting a title at that level (all series when no level is chosen yet), with the title's name."""
    query = select(Series.code, Series.name_zh, Series.name_en).order_by(Series.position)
    if level_code:
        query = (select(Series.code, TitleName.name_zh, TitleName.name_en)
                 .join(TitleName, TitleName.series_code == Series.code)
                 .where(TitleName.level_code == level_code).order_by(Series.position))
    return [tuple(r) for r in session.execute(query)]


def choices_specialties(session: Session, series_code: str | None) -> list[Choice]:
    if not series_code:
        return []
    return [tuple(r) for r in session.execute(select(Specialty.code, Specialty.name_zh, Specialty.name_en)
                                              .where(Specialty.series_code == series_code).order_by(Specialty.code))]


def applicant_unit(session: Session, actor: Actor) -> int:
    """The employer the applicant is bound to; refused with the reason and what to do when unbound."""
    unit_id = session.scalar(select(Person.unit_id).where(Person.id == actor.person_id)) \
        if actor.role == "applicant" and actor.person_id else None
    if unit_id is None:
        raise ValidationError("guard.not_bound")
    return unit_id


def committees_for_unit(session: Session, unit_id: int, year: int, level_code: str, series_code: str,
                        review_type: str | None) -> list[CommitteeChoice]:
    """Open committees for that series, level and year whose region covers the unit, of the review type's kind."""
    if review_type not in REVIEW_TYPES or not level_code or not series_code:
        return []
    self_review = review_type == "self_review"
    query = select(Committee).where(
        Committee.series_code == series_code, Committee.year == year, Committee.authority_status == "approved",
        Committee.open_for_declaration.is_(True), Committee.self_review.is_(self_review)).order_by(Committee.id)
    if self_review:
        query = query.where(Committee.organizer_unit_id == unit_id)
    path = session.scalar(select(Unit.path).where(Unit.id == unit_id)) or ""
    return [CommitteeChoice(c.id, c.name, c.self_review) for c in session.scalars(query)
            if level_code in (c.level_codes or []) and f"/{c.region_unit_id}/" in path]


def open_committees(session: Session, actor: Actor, year: int, level_code: str, series_code: str,
                    review_type: str | None) -> list[CommitteeChoice]:
    """The committees this applicant may choose; empty means "未查到相关的评委会" (key decl.no_committee)."""
    return committees_for_unit(session, applicant_unit(session, actor), year, level_code, series_code, review_type)


def self_review_available(session: Session, actor: Actor, year: int, level_code: str, series_code: str) -> bool:
    """Whether the applicant's employer holds an open self-review committee for this series, level and year."""
    return bool(open_committees(session, actor, year, level_code, series_code, "self_review"))


def year_problem(year: Any, today: dt.date) -> str | None:
    ok = isinstance(year, int) and not isinstance(year, bool) and FIRST_YEAR <= year <= today.year + 1
    return None if ok else "decl.year_invalid"


def field_problems(session: Session, unit_id: int, flow: str, year: int, v: dict[str, Any], *,
                   check_committee: bool = True) -> list[str]:
    """Every problem with a declaration's chosen values (the keys of core.msg_applicant), in form order."""
    if flow not in FLOWS:
        return ["decl.flow_invalid"]
    problems: list[str] = []
    if not v.get("level_code") or session.get(Level, v["level_code"]) is None:
        problems.append("decl.level_invalid")
    if not v.get("series_code") or session.get(Series, v["series_code"]) is None:
        problems.append("decl.series_invalid")
    specialty = session.get(Specialty, v["specialty_code"]) if v.get("specialty_code") else None
    if v.get("specialty_code") and (specialty is None or specialty.series_code != v.get("series_code")):
        problems.append("decl.specialty_invalid")
    problems += _method_problems(v)
    if flow == INITIAL:
        if v.get("review_type") or v.get("committee_id"):
            problems.append("decl.no_committee_here")
    elif not problems and check_committee:
        problems += _committee_problems(session, unit_id, year, v)
    return problems


def _method_problems(v: dict[str, Any]) -> list[str]:
    if v.get("method") not in METHODS:
        return ["decl.method_invalid"]
    grounds = (v.get("exceptional_grounds") or "").strip()
    if v["method"] == "exceptional" and not grounds:
        return ["decl.grounds_required"]
    return ["decl.grounds_too_long"] if len(grounds) > MAX_GROUNDS else []


def _committee_problems(session: Session, unit_id: int, year: int, v: dict[str, Any]) -> list[str]:
    review_type, committee_id = v.get("review_type"), v.get("committee_id")
    if review_type is None:
        return ["decl.review_type_invalid"] if committee_id else []
    if review_type not in REVIEW_TYPES:
        return ["decl.review_type_invalid"]
    open_ = committees_for_unit(session, unit_id, year, v["level_code"], v["series_code"], review_type)
    if review_type == "self_review" and not open_:
        return ["decl.self_review_unavailable"]
    if committee_id is None or committee_id in {c.id for c in open_}:
        return []
    chosen = session.get(Committee, committee_id)
    if chosen is not None and chosen.self_review != (review_type == "self_review"):
        return ["decl.committee_mismatch"]
    return ["guard.committee_not_open"]
