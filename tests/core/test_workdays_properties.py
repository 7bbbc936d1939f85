"""Properties of the working-day calendar, checked with Hypothesis."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from icpdesk.core.calendar_errata import calendar_errata
from icpdesk.core.statutory_holidays import statutory_holidays
from icpdesk.core.workdays import WorkCalendar, default_calendar

CAL: WorkCalendar = default_calendar()
# Away from the range's ends, so that n up to ±200 stays inside it.
dates = st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 1, 1))
covered = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31))
ns = st.integers(min_value=-200, max_value=200)


@given(dates, ns)
def test_between_inverts_add(d: date, n: int) -> None:
    assert CAL.working_days_between(d, CAL.add_working_days(d, n).date).working_days == n


@given(dates, ns.filter(lambda n: n != 0))
def test_add_lands_on_a_working_day(d: date, n: int) -> None:
    result = CAL.add_working_days(d, n).date
    assert CAL.is_working_day(result)
    assert (result > d) if n > 0 else (result < d)


@given(dates, ns, ns)
def test_add_is_monotonic_in_n(d: date, m: int, n: int) -> None:
    if m > n:
        m, n = n, m
    assert CAL.add_working_days(d, m).date <= CAL.add_working_days(d, n).date


@given(dates, dates, st.integers(min_value=0, max_value=60))
def test_add_is_monotonic_in_the_date(a: date, b: date, n: int) -> None:
    if a > b:
        a, b = b, a
    assert CAL.add_working_days(a, n).date <= CAL.add_working_days(b, n).date


@given(dates)
def test_add_zero_is_identity(d: date) -> None:
    assert CAL.add_working_days(d, 0).date == d


@given(dates, st.integers(min_value=1, max_value=200))
def test_add_composes(d: date, n: int) -> None:
    once = CAL.add_working_days(d, n).date
    stepwise = CAL.add_working_days(CAL.add_working_days(d, n - 1).date, 1).date
    assert once == stepwise


@given(
    st.dates(min_value=date(2010, 1, 1), max_value=date(2090, 1, 1)),
    st.integers(min_value=-3000, max_value=3000),
)
def test_add_days_is_timedelta(d: date, n: int) -> None:
    assert CAL.add_days(d, n).date == d + timedelta(days=n)


@given(dates, st.integers(min_value=-30, max_value=30))
def test_roll_forward_gives_the_first_working_day_from_the_target(d: date, n: int) -> None:
    target = d + timedelta(days=n)
    rolled = CAL.add_days(d, n, roll_forward=True).date
    assert rolled >= target
    assert CAL.is_working_day(rolled)
    assert all(not CAL.is_working_day(target + timedelta(days=k)) for k in range((rolled - target).days))


@given(dates, dates)
def test_between_matches_a_day_by_day_count(a: date, b: date) -> None:
    if abs((b - a).days) > 400:
        b = a + timedelta(days=(b - a).days % 400)
    if b >= a:
        expected = sum(CAL.is_working_day(a + timedelta(days=k)) for k in range(1, (b - a).days + 1))
    else:
        expected = -sum(CAL.is_working_day(b + timedelta(days=k)) for k in range((a - b).days))
    assert CAL.working_days_between(a, b).working_days == expected


CORRECTED = {c.date: c.working for c in calendar_errata().corrections}


@settings(max_examples=500)
@given(covered)
def test_agrees_with_chinese_calendar_but_for_the_errata(d: date) -> None:
    assert CAL.is_working_day(d) == CORRECTED.get(d, chinese_calendar.is_workday(d))


def test_agrees_with_chinese_calendar_on_every_day_but_for_the_errata() -> None:
    d, end = date(2004, 1, 1), date(2026, 12, 31)
    differ = []
    while d <= end:
        if CAL.is_working_day(d) != chinese_calendar.is_workday(d):
            differ.append(d)
        d += timedelta(days=1)
    assert differ == sorted(CORRECTED)
    assert all(CAL.is_working_day(d) == CORRECTED[d] for d in differ)


@given(covered, st.integers(min_value=-60, max_value=60))
def test_results_inside_official_years_are_not_provisional(d: date, n: int) -> None:
    result = CAL.add_working_days(d, n)
    if 2004 <= result.date.year <= 2026:
        assert not result.provisional
        assert result.years_without_schedule == ()
    else:
        assert result.provisional


@given(st.dates(min_value=date(2027, 1, 1), max_value=date(2099, 1, 1)), ns)
def test_results_in_years_without_schedule_are_provisional(d: date, n: int) -> None:
    result = CAL.add_working_days(d, n)
    assert result.provisional
    assert d.year in result.years_without_schedule


@given(st.dates(min_value=date(2027, 1, 1), max_value=date(2099, 12, 31)))
def test_an_estimated_year_rests_on_weekends_and_statutory_days_only(d: date) -> None:
    expected = d.weekday() < 5 and d not in statutory_holidays(d.year)
    assert CAL.is_working_day(d) == expected


@given(dates, st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400))
def test_between_is_additive_along_time(d: date, m: int, n: int) -> None:
    m, n = sorted((m, n))
    b = d + timedelta(days=m)
    c = d + timedelta(days=n)
    whole = CAL.working_days_between(d, c).working_days
    assert whole == CAL.working_days_between(d, b).working_days + CAL.working_days_between(b, c).working_days


@given(dates, ns)
def test_a_result_is_provisional_exactly_when_a_year_it_spans_has_no_official_schedule(
    d: date, n: int
) -> None:
    result = CAL.add_working_days(d, n)
    if n == 0:
        spanned = {d.year}
    else:
        # The days looked at: from the start's next (or previous) day to the result.
        lo, hi = (d + timedelta(days=1), result.date) if n > 0 else (result.date, d - timedelta(days=1))
        spanned = set(range(lo.year, hi.year + 1))
    unscheduled = tuple(sorted(y for y in spanned if not CAL.has_official_schedule(y)))
    assert result.provisional == bool(unscheduled)
    assert set(result.years_without_schedule) >= set(unscheduled)
