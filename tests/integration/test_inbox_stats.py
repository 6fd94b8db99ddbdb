"""Inbox keyset paging and dashboard aggregates, on both backends."""
import datetime as dt
import random

from sqlalchemy import insert

from core.desks.inbox import inbox_page
from core.reporting.stats import as_frame, by_state, dashboard, funnel, funnel_from_counts, todo_counts, week_starts, weekly_new
from db.models import Declaration, Unit
from tests.world import World

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone.utc)
SERIES = ("engineering", "health")
LEVELS = ("intermediate", "associate_senior")


def _declarations(session, w: World, rows: list[dict]) -> list[int]:
    base = dict(flow="review", applicant_person_id=w.applicant_person_id, unit_id=w.units["employer"], year=2026,
                level_code="intermediate", series_code="engineering", specialty_code=None, relay_route=[],
                version=1, created_at=T0, state_since=T0)
    ids = []
    for row in rows:
        values = {**base, **row}
        ids.append(session.execute(insert(Declaration).values(**values).returning(Declaration.id)).scalar_one())
    return ids


def _mixed_inbox(session, w: World, seed: int = 7) -> list[dict]:
    """~150 rows held by the employer with many tied timestamps, plus noise held elsewhere."""
    rng = random.Random(seed)
    rows = []
    for _ in range(150):
        rows.append(dict(holder_unit_id=w.units["employer"],
                         state=rng.choice(("unit_verify", "unit_publicity", "unit_recommend")),
                         state_since=T0 + dt.timedelta(minutes=rng.randrange(12)),  # many ties
                         year=rng.choice((2025, 2026)), level_code=rng.choice(LEVELS),
                         series_code=rng.choice(SERIES)))
    for _ in range(40):
        rows.append(dict(holder_unit_id=rng.choice((w.units["sibling"], w.units["dept"], None)),
                         state=rng.choice(("unit_verify", "relay", "draft")),
                         state_since=T0 + dt.timedelta(minutes=rng.randrange(12))))
    ids = _declarations(session, w, rows)
    return [dict(r, id=i) for r, i in zip(rows, ids)]


def _walk(session, unit, states, limit, **filters):
    seen, after, pages = [], None, 0
    while True:
        page = inbox_page(session, unit, states, after=after, limit=limit, **filters)
        pages += 1
        assert len(page.rows) <= limit
        seen.extend(page.rows)
        if page.next_cursor is None:
            return seen, pages
        assert len(page.rows) == limit
        after = page.next_cursor


def _expected(rows, unit, states, **filters):
    keep = [r for r in rows if r["holder_unit_id"] == unit and r["state"] in states
            and all(r[{"year": "year", "level": "level_code", "series": "series_code"}[k]] == v
                    for k, v in filters.items())]
    return [r["id"] for r in sorted(keep, key=lambda r: (r["state_since"], r["id"]))]


def test_keyset_paging_returns_every_row_exactly_once_in_order(uow):
    with uow.write() as s:
        w = World.build(s)
        rows = _mixed_inbox(s, w)
    unit = w.units["employer"]
    with uow.read() as s:
        for states in (("unit_verify",), ("unit_verify", "unit_publicity"),
                       ("unit_verify", "unit_publicity", "unit_recommend", "supplement_verify")):
            want = _expected(rows, unit, states)
            assert want, states
            for limit in (1, 7, 50, 500):
                seen, pages = _walk(s, unit, states, limit)
                assert [r.id for r in seen] == want, (states, limit)
                assert pages == max(1, -(-len(want) // limit))
        assert _walk(s, unit, "unit_verify", 10)[0] == _walk(s, unit, ["unit_verify"], 10)[0]
        assert inbox_page(s, unit, ()).rows == []
        assert inbox_page(s, w.units["prov"], ("relay",)).rows == []


def test_inbox_rows_carry_names_and_filters_narrow(uow):
    with uow.write() as s:
        w = World.build(s)
        rows = _mixed_inbox(s, w, seed=11)
    unit, states = w.units["employer"], ("unit_verify", "unit_publicity", "unit_recommend")
    with uow.read() as s:
        first = inbox_page(s, unit, states, limit=3).rows[0]
        assert first.applicant_name == "张三" and first.unit_name == "市建筑设计院"
        assert first.state_since.tzinfo is not None and first.version == 1
        for filters in ({"year": 2025}, {"level": "associate_senior"}, {"series": "health"},
                        {"year": 2026, "level": "intermediate", "series": "engineering"}):
            want = _expected(rows, unit, states, **filters)
            seen, _ = _walk(s, unit, states, 9, **filters)
            assert [r.id for r in seen] == want, filters
            assert 0 < len(want) < 150
        assert inbox_page(s, unit, states, year=1999).rows == []


def test_aggregates_by_state_funnel_week_and_todo(uow):
    today = dt.date(2026, 11, 25)  # a Wednesday; this week starts Monday 2026-11-23 (China time)
    monday = dt.datetime(2026, 11, 23, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with uow.write() as s:
        w = World.build(s)
        employer, sibling, dept = w.units["employer"], w.units["sibling"], w.units["dept"]
        outside = s.get(Unit, w.units["other_dept"])  # a department of the city, outside the dept subtree
        spec = ([("unit_verify", employer, employer)] * 3 + [("unit_publicity", employer, employer)] * 2
                + [("relay", employer, dept)] * 4 + [("approved", sibling, None)] * 5
                + [("draft", sibling, None)] * 2 + [("returned", employer, None)]
                + [("policy_review", sibling, w.units["organizer"])] * 2
                + [("unit_verify", outside.id, outside.id)] * 6)
        created = [monday + dt.timedelta(hours=1), monday - dt.timedelta(minutes=1),  # this week / last week
                   monday - dt.timedelta(weeks=11), monday - dt.timedelta(weeks=11, minutes=1)]  # first week / before
        _declarations(s, w, [dict(state=st, unit_id=u, holder_unit_id=h, created_at=created[i % 4])
                             for i, (st, u, h) in enumerate(spec)])
        _declarations(s, w, [dict(flow="initial_determination", state="hr_review", unit_id=w.units["city"],
                                 holder_unit_id=w.units["city"])])
    with uow.read() as s:
        dept_unit, city_unit = s.get(Unit, dept), s.get(Unit, w.units["city"])
        assert by_state(s, dept_unit) == {"approved": 5, "relay": 4, "unit_verify": 3,  # drafts: the applicant's
                                          "policy_review": 2, "unit_publicity": 2, "returned": 1}
        assert by_state(s, dept_unit.path) == by_state(s, dept_unit.path.rstrip("/"))
        assert by_state(s, outside) == {"unit_verify": 6}
        everything = by_state(s)
        assert sum(everything.values()) == 24 and everything["unit_verify"] == 9 and everything["hr_review"] == 1
        assert by_state(s, city_unit, flow="review") == {k: v for k, v in everything.items() if k != "hr_review"}
        assert by_state(s, dept_unit, year=2025) == {}
        province = s.get(Unit, w.units["prov"])  # its subtree holds every unit: counted without a unit filter
        assert by_state(s, province) == everything == by_state(s, province.path)
        assert weekly_new(s, province, today=today) == weekly_new(s, today=today)

        assert funnel(s, dept_unit) == [("submitted", 17), ("unit_recommended", 11), ("committee_received", 7),
                                        ("policy_passed", 5), ("panel_reviewed", 5), ("approved", 5)]
        assert funnel(s, None, flow="initial_determination") == [("submitted", 1), ("unit_approved", 1),
                                                                ("hr_review", 1), ("approved", 0)]
        assert funnel_from_counts({"terminated": 2, "not_approved": 1})[:2] == [("submitted", 3),
                                                                                 ("unit_recommended", 3)]

        weeks = weekly_new(s, dept_unit, today=today)
        assert [day for day, _ in weeks] == week_starts(12, today)
        assert weeks[0][0] == dt.date(2026, 9, 7) and weeks[-1][0] == dt.date(2026, 11, 23)
        # 19 declarations in the dept subtree, created round-robin over the 4 instants above
        assert weeks[-1][1] == 5 and weeks[-2][1] == 5 and weeks[0][1] == 4  # one of them a draft
        assert sum(n for _, n in weeks) == 14
        assert sum(n for _, n in weekly_new(s, today=today)) == 14 + 4  # outside: 6 rows, 2 too old

        assert todo_counts(s, [(employer, ("unit_verify", "unit_publicity")), (dept, ["relay"]),
                               (employer, ()), (outside.id, ("unit_verify", "unit_verify")),
                               (w.units["prov"], ("relay",))]) == [5, 4, 0, 6, 0]
        assert todo_counts(s, []) == []

        board = dashboard(s, city_unit, workspaces=[(employer, ("unit_verify",))], today=today)
        assert board["total"] == 24 and board["by_state"] == everything
        assert board["funnel"]["review"][0] == ("submitted", 23)
        assert board["funnel"]["initial_determination"][2] == ("hr_review", 1)
        assert board["todo"] == [3] and len(board["weekly_new"]) == 12
        assert dashboard(s, province, today=today)["weekly_new"] == weekly_new(s, today=today)
        frame = as_frame(board["by_state"], "state")
        assert list(frame.columns) == ["state", "count"] and frame["count"].sum() == 24


def test_organisation_dashboards_never_count_an_applicants_draft_or_a_draft_thrown_away(uow):
    """Drafts belong to the applicant: the unit sees a declaration once it is submitted. A cancelled
    declaration counts if it was submitted before it was cancelled, not if it was a cancelled draft."""
    today = dt.date(2026, 3, 4)
    with uow.write() as s:
        w = World.build(s)
        employer = w.units["employer"]
        _declarations(s, w, [dict(state="draft", holder_unit_id=None)] * 3
                      + [dict(state="cancelled", holder_unit_id=None)] * 2  # drafts thrown away
                      + [dict(state="cancelled", holder_unit_id=None, submitted_at=T0)]  # cancelled once returned
                      + [dict(state="unit_verify", holder_unit_id=employer, submitted_at=T0)])
    with uow.read() as s:
        unit, province = s.get(Unit, employer), s.get(Unit, w.units["prov"])
        for scope in (unit, province, None):
            assert by_state(s, scope) == {"cancelled": 1, "unit_verify": 1}
            board = dashboard(s, scope, today=today)
            assert board["total"] == 2 and board["by_state"] == {"cancelled": 1, "unit_verify": 1}
            assert sum(n for _, n in board["weekly_new"]) == 2 == sum(n for _, n in weekly_new(s, scope, today=today))
