"""rules.md: a publicity lasts >= 5 working days of China's official calendar, make-up working weekends
(调休) included and public holidays excluded. Tested through publicity creation and publishing, at 4
and at 5 working days, with dates in 2025 and 2026 (years the official calendar covers).

Working days are counted after the start day, up to and including the end day.
"""
from __future__ import annotations

import datetime as dt

import pytest

from core.common.errors import ValidationError
from core.review.publicity import create_batch, publish
from db.models import PublicityBatch
from tests.integration.transition_support import setup, world_in

D = dt.date

# (start, end with only 4 working days after the start, end with exactly 5) and why the case matters
CASES = {
    "plain_weeks": (D(2026, 9, 7), D(2026, 9, 11), D(2026, 9, 14)),           # Mon; Fri; next Mon
    "across_a_weekend": (D(2026, 9, 9), D(2026, 9, 15), D(2026, 9, 16)),       # Wed; Tue; Wed
    "end_on_a_make_up_sunday": (D(2026, 9, 14), D(2026, 9, 19), D(2026, 9, 20)),  # Sat 19 off; Sun 20 works
    "across_a_make_up_sunday": (D(2026, 9, 16), D(2026, 9, 21), D(2026, 9, 22)),   # Thu Fri Sun Mon | Tue
    "across_national_day_2026": (D(2026, 9, 29), D(2026, 10, 11), D(2026, 10, 12)),  # 30 Sep, 8, 9, Sat 10 | 12
    "make_up_sunday_2025": (D(2025, 9, 24), D(2025, 9, 29), D(2025, 9, 30)),   # Thu Fri Sun 28 Mon | Tue
    "spring_festival_2025": (D(2025, 1, 24), D(2025, 2, 6), D(2025, 2, 7)),    # Sun 26 Jan, 27, 5, 6 Feb | 7
}


def create(engine, w, d: int, start: dt.date, end: dt.date) -> int:
    with world_in(engine, w) as ww:
        return create_batch(ww.session, ww.actor("unit_op"), "unit", [d], "申报公示", "", start, end,
                            today=start)


@pytest.mark.parametrize("case", list(CASES))
def test_a_publicity_of_four_working_days_is_refused_and_names_the_earliest_end(engine, case):
    start, four, five = CASES[case]
    w, d = setup(engine, "unit_publicity")
    with pytest.raises(ValidationError) as short:
        create(engine, w, d, start, four)
    assert short.value.key == "workdays.too_short"
    assert short.value.params == {"n": 5, "earliest": five.isoformat()}


@pytest.mark.parametrize("case", list(CASES))
def test_a_publicity_of_exactly_five_working_days_is_accepted(engine, case):
    start, _, five = CASES[case]
    w, d = setup(engine, "unit_publicity")
    batch = create(engine, w, d, start, five)
    with world_in(engine, w) as ww:
        row = ww.session.get(PublicityBatch, batch)
        assert (row.starts_on, row.ends_on, row.status) == (start, five, "draft")


def test_publishing_checks_the_five_working_days_again(engine):
    """A draft whose period was shortened below five working days is not published."""
    start, four, five = CASES["across_a_make_up_sunday"]
    w, d = setup(engine, "unit_publicity")
    batch = create(engine, w, d, start, five)
    with world_in(engine, w) as ww:
        ww.session.get(PublicityBatch, batch).ends_on = four
    with pytest.raises(ValidationError) as short, world_in(engine, w) as ww:
        publish(ww.session, ww.actor("unit_op"), batch, today=start)
    assert short.value.key == "workdays.too_short"
    with world_in(engine, w) as ww:
        ww.session.get(PublicityBatch, batch).ends_on = five
    with world_in(engine, w) as ww:
        publish(ww.session, ww.actor("unit_op"), batch, today=start)
        assert ww.session.get(PublicityBatch, batch).status == "published"


@pytest.mark.parametrize("start, accepted", [(D(2026, 9, 6), False), (D(2026, 9, 7), True)],
                         ids=["yesterday", "today"])
def test_a_publicity_may_start_today_but_not_yesterday(engine, start, accepted):
    today = D(2026, 9, 7)
    w, d = setup(engine, "unit_publicity")
    with world_in(engine, w) as ww:
        def make():
            return create_batch(ww.session, ww.actor("unit_op"), "unit", [d], "申报公示", "", start,
                                D(2026, 9, 21), today=today)
        if accepted:
            assert ww.session.get(PublicityBatch, make()).starts_on == start
        else:
            with pytest.raises(ValidationError) as past:
                make()
            assert past.value.key == "publicity.start_in_past"
