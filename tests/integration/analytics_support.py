"""A plain-Python oracle for core.reporting.analytics: replay the audit events into stage visits and
aggregate them with lists and dicts, nothing shared with the SQL under test."""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from sqlalchemy import select

from db.models import AuditEvent, Declaration, StageVisit, Unit

VISIT_FIELDS = ("declaration_id", "version", "state", "holder_unit_id", "from_state", "entered_action", "entered_s",
                "left_s", "left_action", "left_to", "flow", "year", "series_code", "level_code", "unit_id")


def replay_visits(session, declaration_ids=None) -> list[tuple]:
    """Visits from the events: a transition to another state or holder closes one visit and opens the next."""
    facts = {d.id: d for d in session.scalars(select(Declaration))}
    events = session.scalars(select(AuditEvent).where(AuditEvent.kind == "transition",
                                                      AuditEvent.declaration_id.is_not(None))
                             .order_by(AuditEvent.id)).all()
    open_: dict[int, dict] = {}
    out: list[dict] = []
    for e in events:
        if declaration_ids is not None and e.declaration_id not in declaration_ids:
            continue
        if (e.from_state, e.from_holder_unit_id) == (e.to_state, e.to_holder_unit_id):
            continue
        at = int(e.at.timestamp())
        previous = open_.get(e.declaration_id)
        if previous is not None:
            previous.update(left_s=at, left_action=e.action, left_to=e.to_state)
        d = facts[e.declaration_id]
        visit = dict(declaration_id=e.declaration_id, version=e.version, state=e.to_state,
                     holder_unit_id=e.to_holder_unit_id, from_state=e.from_state, entered_action=e.action,
                     entered_s=at, left_s=None, left_action=None, left_to=None, flow=d.flow, year=d.year,
                     series_code=d.series_code, level_code=d.level_code, unit_id=d.unit_id)
        open_[e.declaration_id] = visit
        out.append(visit)
    return sorted(tuple(v[f] for f in VISIT_FIELDS) for v in out)


def stored_visits(session) -> list[tuple]:
    return sorted(tuple(r) for r in session.execute(select(*(getattr(StageVisit, f) for f in VISIT_FIELDS))))


def as_dicts(visits: list[tuple]) -> list[dict]:
    return [dict(zip(VISIT_FIELDS, v)) for v in visits]


def nearest_rank(values: list[int], percent: int) -> int:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * percent / 100)) - 1]


def city_of(session) -> dict[int, int | None]:
    units = session.scalars(select(Unit)).all()
    cities = [u for u in units if u.region_level == "city"]
    return {u.id: next((c.id for c in cities if u.path.startswith(c.path)), None) for u in units}


def time_in_stage(visits: list[dict], by: str, cities: dict[int, int | None], states, period=None) -> dict:
    """(state, group) -> (n, median, p90, max) in seconds, of the closed visits (that ended in the period)."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for v in visits:
        if v["left_s"] is None or v["state"] not in states:
            continue
        if period is not None and not period[0] <= day_of(v["left_s"]) <= period[1]:
            continue
        group = {"state": "", "unit": v["holder_unit_id"], "series": v["series_code"], "level": v["level_code"],
                 "city": cities.get(v["unit_id"])}[by]
        groups[(v["state"], group if group is not None else "")].append(v["left_s"] - v["entered_s"])
    return {k: (len(d), nearest_rank(d, 50), nearest_rank(d, 90), max(d)) for k, d in groups.items()}


def day_of(seconds: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=(seconds + 8 * 3600) // 86400)


def flow(visits: list[dict], first: dt.date, last: dt.date, states) -> dict:
    """(day, state) -> (entered, left, wip at the day's end)."""
    out = {}
    day = first
    while day <= last:
        for s in states:
            mine = [v for v in visits if v["state"] == s]
            entered = sum(1 for v in mine if day_of(v["entered_s"]) == day)
            left = sum(1 for v in mine if v["left_s"] is not None and day_of(v["left_s"]) == day)
            wip = sum(1 for v in mine if day_of(v["entered_s"]) <= day
                      and (v["left_s"] is None or day_of(v["left_s"]) > day))
            out[(day, s)] = (entered, left, wip)
        day += dt.timedelta(days=1)
    return out


DECISIONS = {"policy_review": (("recheck_pass", "candidate_publicity"), ("recheck_fail", "failed_publicity")),
             "policy_recheck": (("pass", "candidate_publicity"), ("fail", "terminated")),
             "panel_review": (("tally", "result_publicity"), ("tally", "not_approved"))}


def outcomes(visits: list[dict], by: str) -> dict:
    """(stage, group) -> (passed, failed)."""
    out: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for v in visits:
        if v["left_action"] == "withdraw" or v["from_state"] not in DECISIONS:
            continue
        passed, failed = DECISIONS[v["from_state"]]
        key = (v["from_state"], {"series": v["series_code"], "level": v["level_code"], "year": v["year"]}[by])
        if (v["entered_action"], v["state"]) == passed:
            out[key][0] += 1
        elif (v["entered_action"], v["state"]) == failed:
            out[key][1] += 1
    return {k: tuple(n) for k, n in out.items()}


def unit_rates(visits: list[dict]) -> dict:
    """employer unit -> (declarations, ever returned, ever sent to supplement)."""
    seen, returned, supplemented = defaultdict(set), defaultdict(set), defaultdict(set)
    for v in visits:
        seen[v["unit_id"]].add(v["declaration_id"])
        if v["state"] == "returned":
            returned[v["unit_id"]].add(v["declaration_id"])
        if v["state"] == "supplement":
            supplemented[v["unit_id"]].add(v["declaration_id"])
    return {u: (len(seen[u]), len(returned[u]), len(supplemented[u])) for u in seen}
