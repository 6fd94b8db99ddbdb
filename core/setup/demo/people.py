"""Experts and applicants of the demo province, each a person with a valid ID number and an account.

Experts fill the expert library (专家库) of every series, spread over the employers of that series,
with enough people per specialty to staff a review group (≥ 3) besides an 11-member committee.
Applicants are created one per declaration plan (core.setup.demo.plan) so their age fits the level.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.declaring.catalogue import SERIES
from core.workflow import Actor
from core.setup.demo.accounts import DEMO_EXPERTS
from core.setup.demo.context import Ctx
from core.setup.demo.province import PROFILES
from db.models import Expert, Person, Unit

EXPERTS_PER_SERIES = {"engineering": 34, "health": 34, "education": 28, "agriculture": 26, "economics": 28}
AGES = {"junior": (23, 30), "intermediate": (27, 38), "associate_senior": (33, 50), "full_senior": (42, 58)}
SPECIALTIES = {code: tuple(s[0] for s in specialties) for code, _zh, _en, _titles, specialties in SERIES}
# the provincial health committee's demo experts: duty → (specialty, employer slug)
_DEMO_EXPERT_SEATS = {"chair": ("hea_surgery", "emp_yfy"), "vice_chair": ("hea_internal", "qj_zxyy"),
                      "committee_member": ("hea_pediatrics", "yl_rmyy"), "group_leader": ("hea_internal", "yl_rmyy"),
                      "expert": ("hea_internal", "emp_srmyy")}


@dataclass(frozen=True)
class ExpertInfo:
    expert_id: int
    person_id: int
    unit_id: int
    series: str
    specialties: tuple[str, ...]
    actor: Actor  # the expert role; duties are granted per panel session


@dataclass(frozen=True)
class ApplicantInfo:
    person: Person
    actor: Actor
    unit: Unit
    slug: str
    series: str
    specialty: str
    born: dt.date


def series_units(ctx: Ctx, series: str) -> list[tuple[str, float]]:
    """(employer slug, weight) of the employers whose staff work in this series."""
    found = []
    for slug, spec in ctx.specs.items():
        for code, share, _ in PROFILES.get(spec.profile or "", ()):
            if code == series:
                found.append((slug, spec.weight * share))
    return found


def _new_expert(ctx: Ctx, n: int, series: str, specialty: str, slug: str, login: str | None = None) -> ExpertInfo:
    unit = ctx.units[slug]
    person = ctx.new_person(unit.id, (42, 62))
    others = [s for s in SPECIALTIES[series] if s != specialty]
    specialties = (specialty,) + ((ctx.rng.choice(others),) if others and ctx.rng.random() < 0.3 else ())
    level = "full_senior" if ctx.rng.random() < 0.6 or login in ("demo_chair", "demo_vice_chair") else "associate_senior"
    expert = Expert(person_id=person.id, unit_id=unit.id, series_code=series, specialty_codes=list(specialties),
                    level_code=level, in_library=True, term_end=dt.date(ctx.year + 2, 12, 31))
    ctx.session.add(expert)
    ctx.session.flush()
    actor = ctx.new_account(login or f"expert_{n:03d}", person.name, "expert", None, person_id=person.id)
    return ExpertInfo(expert.id, person.id, unit.id, series, specialties, actor)


def build_experts(ctx: Ctx) -> None:
    """The expert library: every series, specialties in turn, employers by weight; demo experts first."""
    n = 0
    for duty, (specialty, slug) in _DEMO_EXPERT_SEATS.items():
        n += 1
        info = _new_expert(ctx, n, "health", specialty, slug, DEMO_EXPERTS[duty])
        ctx.demo_experts[duty] = info
        ctx.experts.setdefault("health", []).append(info)
    for series, count in EXPERTS_PER_SERIES.items():
        slugs, weights = zip(*series_units(ctx, series))
        pool = ctx.experts.setdefault(series, [])
        for i in range(count - len(pool)):
            n += 1
            specialty = SPECIALTIES[series][i % len(SPECIALTIES[series])]
            pool.append(_new_expert(ctx, n, series, specialty, ctx.rng.choices(slugs, weights=weights)[0]))
    ctx.session.flush()


def pick_work(ctx: Ctx, slug: str) -> tuple[str, str]:
    """(series, specialty) of a new applicant at this employer, by its profile."""
    profile = PROFILES[ctx.specs[slug].profile or ""]
    series, _, specialties = ctx.rng.choices(profile, weights=[share for _, share, _ in profile])[0]
    return series, ctx.rng.choice(specialties)


def new_applicant(ctx: Ctx, login: str, slug: str, series: str, specialty: str, level: str) -> ApplicantInfo:
    """A person bound to the employer, of an age that fits the level, with an applicant account."""
    unit = ctx.units[slug]
    person = ctx.new_person(unit.id, AGES[level])
    actor = ctx.new_account(login, person.name, "applicant", unit.id, person_id=person.id)
    n = person.id_number
    born = dt.date(int(n[6:10]), int(n[10:12]), int(n[12:14]))  # as the ID number says
    return ApplicantInfo(person, actor, unit, slug, series, specialty, born)


def pending_joiners(ctx: Ctx, slug: str, count: int) -> None:
    """People who asked to join the unit and wait for its admin (个人绑定单位, 003 §五)."""
    for i in range(count):
        person = ctx.new_person(ctx.units[slug].id, AGES["intermediate"], bound=False)
        ctx.new_account(f"joiner_{slug}_{i + 1}", person.name, "applicant", None, person_id=person.id)
