"""Working days by the official calendar: holidays are off, make-up working days (调休) count.

National Day 2025 (verified against the installed chinese_calendar): 1–8 October are days off,
Sunday 28 September and Saturday 11 October are make-up working days.
"""
import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.config import RULES
from core.errors import ValidationError
from core.calendar.workdays import (CalendarNotCovered, check_period, covered_years, earliest_end, is_working_day,
                           working_days_between)

D = dt.date


def test_the_package_knows_national_day_2025_as_the_tests_assume():
    assert chinese_calendar.is_workday(D(2025, 9, 28)) and D(2025, 9, 28).weekday() == 6
    assert chinese_calendar.is_workday(D(2025, 10, 11)) and D(2025, 10, 11).weekday() == 5
    assert not any(chinese_calendar.is_workday(D(2025, 10, day)) for day in range(1, 9))


def test_the_rule_number_comes_from_the_configuration():
    assert RULES.publicity_working_days == 5


def test_working_days_are_counted_after_the_start_up_to_and_including_the_end():
    assert working_days_between(D(2025, 11, 3), D(2025, 11, 3)) == 0      # a Monday: the start day itself never counts
    assert working_days_between(D(2025, 11, 3), D(2025, 11, 4)) == 1
    assert working_days_between(D(2025, 11, 3), D(2025, 11, 10)) == 5     # Tue–Fri, then Monday
    assert working_days_between(D(2025, 11, 10), D(2025, 11, 3)) == 0     # an end before the start


def test_a_make_up_sunday_counts_as_a_working_day():
    assert is_working_day(D(2025, 9, 28))
    assert working_days_between(D(2025, 9, 26), D(2025, 9, 28)) == 1


def test_the_earliest_end_across_national_day_skips_the_holiday_and_counts_make_up_days():
    # From Friday 26 Sep: Sun 28 (make-up), Mon 29, Tue 30, then 1–8 Oct off, Thu 9, Fri 10.
    assert earliest_end(D(2025, 9, 26)) == D(2025, 10, 10)
    # From Tuesday 30 Sep: Thu 9, Fri 10, Sat 11 (make-up), Mon 13, Tue 14.
    assert earliest_end(D(2025, 9, 30)) == D(2025, 10, 14)


def test_a_period_one_working_day_short_is_refused_with_the_earliest_valid_end():
    check_period(D(2025, 9, 30), D(2025, 10, 14))
    with pytest.raises(ValidationError) as caught:
        check_period(D(2025, 9, 30), D(2025, 10, 13))
    assert caught.value.key == "workdays.too_short"
    assert "2025-10-14" in caught.value.message("zh") and "5" in caught.value.message("en")


def test_a_naive_weekday_count_would_end_the_national_day_publicity_too_early():
    start = D(2025, 9, 30)
    weekdays, day = 0, start
    while weekdays < 5:
        day += dt.timedelta(days=1)
        weekdays += day.weekday() < 5
    assert day == D(2025, 10, 7) and working_days_between(start, day) == 0


def test_a_date_outside_the_covered_years_is_a_clear_domain_error():
    first, last = covered_years()
    with pytest.raises(CalendarNotCovered) as caught:
        earliest_end(D(last + 1, 3, 2))
    assert str(last + 1) in caught.value.message("zh") and str(last) in caught.value.message("en")
    with pytest.raises(CalendarNotCovered):
        working_days_between(D(first, 1, 5), D(last + 1, 1, 5))
    with pytest.raises(CalendarNotCovered):
        is_working_day(D(first - 1, 6, 1))


_first, _last = covered_years()
_days = st.dates(min_value=D(_first, 1, 1), max_value=D(_last, 11, 30))


@settings(max_examples=60, deadline=None)
@given(_days)
def test_the_earliest_end_is_exactly_the_first_day_that_satisfies_the_rule(start):
    end = earliest_end(start)
    assert working_days_between(start, end) == 5
    assert working_days_between(start, end - dt.timedelta(days=1)) == 4
    assert is_working_day(end)
