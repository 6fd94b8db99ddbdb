"""Builds the organisations of the demo province: the unit tree with valid credit codes, an admin and
an operator for every unit, the committees with their review authority, and policy reviewers.

Staff are people bound to their unit (so a unit admin can manage them, 003 §二); memorable demo
logins replace the generated ones for the units the login page features (core.setup.demo.accounts).
"""
from __future__ import annotations

import datetime as dt

from core.org.units import add_unit
from core.setup.demo.accounts import DEMO_STAFF
from core.setup.demo.context import OPERATOR_ROLE, Ctx
from core.setup.demo.province import PROVINCE_CODE, SELF_REVIEW_UNIT, committee_specs, unit_specs
from db.models import Committee, Unit


def build_units(ctx: Ctx) -> None:
    """Every unit of the province, parents first; region codes and credit codes follow the tree."""
    for spec in unit_specs():
        parent = ctx.units.get(spec.parent) if spec.parent else None
        region = spec.region_code or (parent.region_code if parent is not None else PROVINCE_CODE)
        unit = add_unit(ctx.session, name=spec.name, kind=spec.kind, parent=parent, region_level=spec.region_level,
                        region_code=region, uscc=ctx.ids.uscc(spec.registrar, region),
                        legal_representative=ctx.ids.name(ctx.rng.random() < 0.7),
                        contact_phone=ctx.ids.landline(spec.area))
        unit.created_at = ctx.start - dt.timedelta(days=ctx.rng.randint(200, 900))
        ctx.specs[spec.slug], ctx.units[spec.slug] = spec, unit
        ctx.unit_names[unit.id] = unit.name
    ctx.session.flush()


def _staff(ctx: Ctx, unit: Unit, slug: str, role: str, suffix: str) -> None:
    person = ctx.new_person(unit.id, (26, 52))
    login = DEMO_STAFF.get((slug, role), f"{slug}_{suffix}")
    actor = ctx.new_account(login, person.name, role, unit.id, person_id=person.id)
    if role == "unit_admin":
        return
    if role == "committee_operator":
        ctx.committee_ops[unit.id] = actor
    if role == OPERATOR_ROLE[unit.kind]:
        ctx.ops[unit.id] = actor
        ctx.op_contacts[unit.id] = (person.name, person.phone)


def build_staff(ctx: Ctx) -> None:
    """An admin and an operator for every unit; the self-review employer also runs its committee."""
    for slug, unit in ctx.units.items():
        _staff(ctx, unit, slug, "unit_admin", "admin")
        _staff(ctx, unit, slug, OPERATOR_ROLE[unit.kind], "op")
    _staff(ctx, ctx.units[SELF_REVIEW_UNIT], SELF_REVIEW_UNIT, "committee_operator", "committee")
    ctx.session.flush()


def build_committees(ctx: Ctx) -> None:
    """Committees with approved (or one pending) review authority, this year and next."""
    for spec in committee_specs():
        year = ctx.year + (1 if spec.next_year else 0)
        committee = Committee(
            name=f"{spec.name}（{year}年度）", organizer_unit_id=ctx.units[spec.organizer].id,
            region_unit_id=ctx.units[spec.region].id, series_code=spec.series, level_codes=list(spec.levels),
            year=year, self_review=spec.self_review, authority_status="approved" if spec.approved else "pending",
            open_for_declaration=True, required_modules=[], term_start=dt.date(year, 1, 1),
            term_end=dt.date(year + 2, 12, 31), created_at=ctx.start)
        ctx.session.add(committee)
        ctx.committees[spec.key] = committee
    ctx.session.flush()


def build_reviewers(ctx: Ctx) -> None:
    """Two one-off policy reviewer accounts per committee of this year (§6.2.6), scoped to its series."""
    for key, committee in ctx.committees.items():
        if committee.year != ctx.year or committee.authority_status != "approved":
            continue
        for n in (1, 2):
            login = "demo_reviewer" if key == "prov_health" and n == 1 else f"reviewer_{key}_{n}"
            actor = ctx.new_account(login, f"{committee.name[:-8]}政策性审查{n:02d}", "policy_reviewer",
                                    committee.organizer_unit_id, kind="policy_reviewer",
                                    committee_id=committee.id, year=ctx.year,
                                    series_codes=(committee.series_code,))
            if n == 1:
                ctx.reviewers[committee.id] = actor
    ctx.session.flush()


def committee_for(ctx: Ctx, unit: Unit, series: str, level: str, year: int, self_review: bool) -> Committee | None:
    """The committee an applicant of this unit would choose: own committee, else the nearest open one."""
    best = None
    for committee in ctx.committees.values():
        if (committee.year != year or committee.series_code != series or level not in committee.level_codes
                or committee.authority_status != "approved" or committee.self_review != self_review):
            continue
        if self_review and committee.organizer_unit_id != unit.id:
            continue
        if f"/{committee.region_unit_id}/" in unit.path:
            depth = unit.path.index(f"/{committee.region_unit_id}/")
            if best is None or depth > best[0]:
                best = (depth, committee)
    return best[1] if best else None
