"""Working days by the official calendar: holidays are off, make-up working days (调休) count.

The arithmetic runs on a loaded ``WorkCalendar``; here it is built from the same sources the database
is seeded with (no database). National Day 2025 (verified against the installed chinese_calendar):
1–8 October are days off, Sunday 28 September and Saturday 11 October are make-up working days.
"""
import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calendar import sources
from core.calendar.workdays import (OutsideLoadedRange, WorkCalendar, check_period, earliest_end,
                                    working_days_between)
from core.common.config import RULES
from core.common.errors import ValidationError

D = dt.date


def calendar(first: dt.date, last: dt.date) -> WorkCalendar:
    listed, provisional = {}, set()
    for year in range(first.year, last.year + 1):
        found = sources.schedule(year)
        listed.update({d: kind == "workday" for d, (kind, _) in found.days.items()})
        if found.status == "provisional":
            provisional.add(year)
    return WorkCalendar(first, last, listed, frozenset(provisional))


CAL_2025 = calendar(D(2025, 1, 1), D(2025, 12, 31))


def test_the_package_knows_national_day_2025_as_the_tests_assume():
    assert chinese_calendar.is_workday(D(2025, 9, 28)) and D(2025, 9, 28).weekday() == 6
    assert chinese_calendar.is_workday(D(2025, 10, 11)) and D(2025, 10, 11).weekday() == 5
    assert not any(chinese_calendar.is_workday(D(2025, 10, day)) for day in range(1, 9))


def test_the_rule_number_comes_from_the_configuration():
    assert RULES.publicity_working_days == 5


def test_working_days_are_counted_after_the_start_up_to_and_including_the_end():
    assert working_days_between(CAL_2025, D(2025, 11, 3), D(2025, 11, 3)) == 0   # the start day never counts
    assert working_days_between(CAL_2025, D(2025, 11, 3), D(2025, 11, 4)) == 1
    assert working_days_between(CAL_2025, D(2025, 11, 3), D(2025, 11, 10)) == 5  # Tue–Fri, then Monday
    assert working_days_between(CAL_2025, D(2025, 11, 10), D(2025, 11, 3)) == 0  # an end before the start


def test_a_make_up_sunday_counts_as_a_working_day():
    assert CAL_2025.is_working_day(D(2025, 9, 28))
    assert working_days_between(CAL_2025, D(2025, 9, 26), D(2025, 9, 28)) == 1


def test_the_earliest_end_across_national_day_skips_the_holiday_and_counts_make_up_days():
    # From Friday 26 Sep: Sun 28 (make-up), Mon 29, Tue 30, then 1–8 Oct off, Thu 9, Fri 10.
    assert earliest_end(CAL_2025, D(2025, 9, 26)) == D(2025, 10, 10)
    # From Tuesday 30 Sep: Thu 9, Fri 10, Sat 11 (make-up), Mon 13, Tue 14.
    assert earliest_end(CAL_2025, D(2025, 9, 30)) == D(2025, 10, 14)


def test_a_period_one_working_day_short_is_refused_with_the_earliest_valid_end():
    check_period(CAL_2025, D(2025, 9, 30), D(2025, 10, 14))
    with pytest.raises(ValidationError) as caught:
        check_period(CAL_2025, D(2025, 9, 30), D(2025, 10, 13))
    assert caught.value.key == "workdays.too_short"
    assert "2025-10-14" in caught.value.message("zh") and "5" in caught.value.message("en")


def test_a_naive_weekday_count_would_end_the_national_day_publicity_too_early():
    start = D(2025, 9, 30)
    weekdays, day = 0, start
    while weekdays < 5:
        day += dt.timedelta(days=1)
        weekdays += day.weekday() < 5
    assert day == D(2025, 10, 7) and working_days_between(CAL_2025, start, day) == 0


def test_a_year_after_the_package_is_provisional_from_rules_and_never_refused():
    last = sources.official_years()[1]
    later = calendar(D(last + 1, 1, 1), D(last + 1, 12, 31))
    assert later.provisional == frozenset({last + 1})
    assert working_days_between(later, D(last + 1, 3, 1), D(last + 1, 3, 31)) > 0
    assert sources.schedule(last).status == "official" and sources.schedule(last + 1).status == "provisional"


def test_counting_beyond_the_loaded_range_says_so_instead_of_guessing():
    with pytest.raises(OutsideLoadedRange):
        earliest_end(calendar(D(2025, 12, 1), D(2025, 12, 31)), D(2025, 12, 29))


_first, _last = sources.official_years()
_days = st.dates(min_value=D(_first, 1, 1), max_value=D(_last + 3, 11, 30))
_WHOLE = calendar(D(_first, 1, 1), D(_last + 3, 12, 31))


@settings(max_examples=60, deadline=None)
@given(_days)
def test_the_earliest_end_is_exactly_the_first_day_that_satisfies_the_rule(start):
    end = earliest_end(_WHOLE, start)
    assert working_days_between(_WHOLE, start, end) == 5
    assert working_days_between(_WHOLE, start, end - dt.timedelta(days=1)) == 4
    assert _WHOLE.is_working_day(end)
