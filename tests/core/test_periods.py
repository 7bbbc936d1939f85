"""Periods in days, months and years: the Civil Code's end-of-month rule, by example and by property."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icpdesk.core.periods import UNITS, add_months, add_years, day_in_year, shift

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
counts = st.integers(min_value=-600, max_value=600)


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


@pytest.mark.parametrize(
    ("start", "value", "unit", "expected"),
    [
        (date(2024, 1, 31), 1, "month", date(2024, 2, 29)),  # leap February
        (date(2025, 1, 31), 1, "month", date(2025, 2, 28)),
        (date(2025, 3, 31), -1, "month", date(2025, 2, 28)),
        (date(2025, 5, 31), 1, "month", date(2025, 6, 30)),
        (date(2025, 8, 31), -6, "month", date(2025, 2, 28)),  # six months before an expiry
        (date(2025, 12, 15), 1, "month", date(2026, 1, 15)),
        (date(2026, 1, 15), -1, "month", date(2025, 12, 15)),
        (date(2024, 2, 29), 1, "year", date(2025, 2, 28)),
        (date(2024, 2, 29), -1, "year", date(2023, 2, 28)),
        (date(2024, 2, 29), 4, "year", date(2028, 2, 29)),
        (date(2025, 6, 16), 5, "year", date(2030, 6, 16)),  # a license's validity
        (date(2026, 1, 5), -2, "year", date(2024, 1, 5)),
        (date(2030, 6, 16), -90, "day", date(2030, 3, 18)),  # the national renewal deadline
        (date(2025, 12, 25), 10, "day", date(2026, 1, 4)),
        (date(2024, 3, 1), -1, "day", date(2024, 2, 29)),
        (date(2025, 6, 16), 0, "month", date(2025, 6, 16)),
    ],
)
def test_shift_counts_as_the_civil_code_does(start: date, value: int, unit: str, expected: date) -> None:
    assert shift(start, value, unit) == expected


@pytest.mark.parametrize("unit", ["workday", "week", "months", ""])
def test_shift_refuses_a_unit_that_is_not_a_calendar_period(unit: str) -> None:
    with pytest.raises(ValueError, match="is not a calendar period"):
        shift(date(2025, 1, 1), 1, unit)


def test_the_units_are_day_month_and_year() -> None:
    assert UNITS == ("day", "month", "year")


@pytest.mark.parametrize(
    ("year", "month_day", "expected"),
    [
        (2026, "01-01", date(2026, 1, 1)),
        (2026, "03-31", date(2026, 3, 31)),
        (2024, "02-29", date(2024, 2, 29)),
        (2025, "02-29", date(2025, 2, 28)),
    ],
)
def test_day_in_year(year: int, month_day: str, expected: date) -> None:
    assert day_in_year(year, month_day) == expected


@pytest.mark.parametrize("month_day", ["04-31", "13-01", "00-10", "02-30", "3/31", "03"])
def test_day_in_year_refuses_what_is_no_day_of_any_year(month_day: str) -> None:
    with pytest.raises(ValueError):
        day_in_year(2026, month_day)


@given(days, counts)
def test_a_month_shift_lands_on_the_same_day_or_the_last_of_the_month(d: date, n: int) -> None:
    moved = shift(d, n, "month")
    year, month = divmod(d.year * 12 + d.month - 1 + n, 12)
    assert (moved.year, moved.month) == (year, month + 1)
    assert moved.day == min(d.day, last_day(moved.year, moved.month))


@given(days, counts)
def test_there_and_back_by_months_returns_to_the_day_or_the_month_end_on_the_way(d: date, n: int) -> None:
    there = shift(d, n, "month")
    back = shift(there, -n, "month")
    assert (back.year, back.month) == (d.year, d.month)
    # Only a day the month on the way did not have is lost, and then to that month's last day.
    assert back.day == min(d.day, there.day)
    if d.day <= 28:
        assert back == d


@given(days, st.integers(min_value=-100, max_value=100))
def test_a_year_is_twelve_months(d: date, n: int) -> None:
    assert shift(d, n, "year") == shift(d, 12 * n, "month") == add_years(d, n) == add_months(d, 12 * n)


@given(days, st.integers(min_value=-100, max_value=100))
def test_years_keep_the_day_except_29_february(d: date, n: int) -> None:
    moved = shift(d, n, "year")
    assert moved.month == d.month and moved.year == d.year + n
    if (d.month, d.day) == (2, 29) and not calendar.isleap(d.year + n):
        assert moved.day == 28
    else:
        assert moved.day == d.day


@given(days, days, counts)
def test_shifting_by_months_keeps_the_order_of_days(a: date, b: date, n: int) -> None:
    low, high = min(a, b), max(a, b)
    assert shift(low, n, "month") <= shift(high, n, "month")


@given(days, counts, counts)
def test_months_add_up_from_a_day_every_month_has(d: date, m: int, n: int) -> None:
    d = d.replace(day=min(d.day, 28))
    assert shift(shift(d, m, "month"), n, "month") == shift(d, m + n, "month")


@given(days, st.integers(min_value=-20000, max_value=20000))
def test_days_are_plain_calendar_days_and_go_back_exactly(d: date, n: int) -> None:
    assert shift(d, n, "day") == d + timedelta(days=n)
    assert shift(shift(d, n, "day"), -n, "day") == d


@given(days, st.integers(min_value=1, max_value=600))
def test_a_positive_period_ends_later_and_a_negative_one_earlier(d: date, n: int) -> None:
    for unit in UNITS:
        assert shift(d, n, unit) > d
        assert shift(d, -n, unit) < d
