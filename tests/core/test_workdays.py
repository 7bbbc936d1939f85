"""The working-day calendar on the built-in data and on loaded schedules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from icpdesk.core import workdays
from icpdesk.core.workdays import (
    CountResult,
    DayResult,
    ProvisionalDateError,
    WorkCalendar,
    YearSchedule,
    default_calendar,
)

D = date


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return default_calendar()


@pytest.fixture(scope="module")
def strict() -> WorkCalendar:
    return WorkCalendar.builtin(strict=True)


def schedule_2027(**kwargs: object) -> YearSchedule:
    values: dict[str, object] = {
        "year": 2027,
        "holidays": {D(2027, 1, 1): "元旦", D(2027, 6, 9): "端午节"},
        "workdays": {D(2027, 1, 9): "元旦"},
        "official": True,
        "source": "test notice",
    }
    values.update(kwargs)
    return YearSchedule(**values)  # type: ignore[arg-type]


class TestBuiltinData:
    def test_it_covers_2004_to_2026_as_official(self, cal: WorkCalendar) -> None:
        assert all(cal.has_official_schedule(y) for y in range(2004, 2027))
        assert not cal.has_official_schedule(2027)
        assert not cal.has_official_schedule(2003)
        assert 2027 in cal.years_without_schedule
        assert 2026 not in cal.years_without_schedule

    def test_it_names_holidays_in_chinese(self, cal: WorkCalendar) -> None:
        schedule = cal.schedule(2026)
        assert schedule is not None
        assert schedule.holidays[D(2026, 10, 1)] == "国庆节"
        assert schedule.workdays[D(2026, 10, 10)] == "国庆节"
        assert schedule.official
        assert schedule.source.startswith("chinese-calendar")
        assert cal.schedule(2027) is None


class TestIsWorkingDay:
    def test_a_plain_weekday_and_weekend(self, cal: WorkCalendar) -> None:
        assert cal.is_working_day(D(2026, 9, 30))  # Wednesday
        assert not cal.is_working_day(D(2026, 9, 5))  # Saturday

    def test_holidays_and_make_up_days(self, cal: WorkCalendar) -> None:
        assert not cal.is_working_day(D(2026, 10, 1))  # National Day, Thursday
        assert not cal.is_working_day(D(2026, 10, 7))
        assert cal.is_working_day(D(2026, 10, 10))  # Saturday worked
        assert cal.is_working_day(D(2026, 2, 14))  # Saturday worked before Spring Festival
        assert cal.is_working_day(D(2026, 2, 28))  # Saturday worked after it
        assert cal.is_working_day(D(2026, 1, 4))  # Sunday worked after New Year

    def test_the_module_functions_use_the_default_calendar(self) -> None:
        assert not workdays.is_working_day(D(2026, 10, 2))
        assert workdays.add_working_days(D(2026, 9, 30), 5).date == D(2026, 10, 13)
        assert workdays.working_days_between(D(2026, 9, 30), D(2026, 10, 13)).working_days == 5
        assert workdays.add_days(D(2026, 9, 30), 1).date == D(2026, 10, 1)
        assert workdays.next_working_day(D(2026, 10, 1)).date == D(2026, 10, 8)


class TestAddWorkingDays:
    def test_national_day_2026(self, cal: WorkCalendar) -> None:
        # 30 Sep + 5: 8, 9 Oct, Saturday 10 Oct (worked), 12, 13 Oct.
        assert cal.add_working_days(D(2026, 9, 30), 5) == DayResult(D(2026, 10, 13), False, ())

    def test_spring_festival_2026(self, cal: WorkCalendar) -> None:
        # Friday 13 Feb, then Saturday 14 Feb (worked), then the holiday 15-23 Feb.
        assert cal.add_working_days(D(2026, 2, 12), 1).date == D(2026, 2, 13)
        assert cal.add_working_days(D(2026, 2, 12), 2).date == D(2026, 2, 14)
        assert cal.add_working_days(D(2026, 2, 12), 3).date == D(2026, 2, 24)
        # 24-27 Feb, then Saturday 28 Feb is worked.
        assert cal.add_working_days(D(2026, 2, 14), 5).date == D(2026, 2, 28)

    def test_new_year_2026_make_up_sunday(self, cal: WorkCalendar) -> None:
        assert cal.add_working_days(D(2025, 12, 31), 1).date == D(2026, 1, 4)

    def test_the_start_day_never_counts(self, cal: WorkCalendar) -> None:
        # From a holiday, a Saturday, or a working day alike.
        assert cal.add_working_days(D(2026, 10, 3), 1).date == D(2026, 10, 8)
        assert cal.add_working_days(D(2026, 9, 5), 1).date == D(2026, 9, 7)
        assert cal.add_working_days(D(2026, 9, 7), 1).date == D(2026, 9, 8)

    def test_zero_returns_the_date(self, cal: WorkCalendar) -> None:
        assert cal.add_working_days(D(2026, 10, 3), 0) == DayResult(D(2026, 10, 3), False, ())

    def test_negative_counts_backwards(self, cal: WorkCalendar) -> None:
        assert cal.add_working_days(D(2026, 10, 13), -5).date == D(2026, 9, 30)
        assert cal.add_working_days(D(2026, 10, 8), -1).date == D(2026, 9, 30)
        assert cal.add_working_days(D(2026, 10, 4), -1).date == D(2026, 9, 30)

    def test_out_of_range(self, cal: WorkCalendar) -> None:
        with pytest.raises(ValueError, match=r"outside the calendar's range 2000\.\.2100"):
            cal.add_working_days(D(1999, 12, 31), 1)
        with pytest.raises(ValueError, match="outside the calendar's range"):
            cal.add_working_days(D(2100, 12, 30), 5)
        with pytest.raises(ValueError, match="outside the calendar's range"):
            cal.add_working_days(D(2000, 1, 3), -5)


class TestProvisional:
    def test_a_year_without_schedule_is_flagged(self, cal: WorkCalendar) -> None:
        # 2026-12-28 + 10 reaches into 2027, estimated: New Year's Day (Friday) off, no make-up days.
        result = cal.add_working_days(D(2026, 12, 28), 10)
        assert result == DayResult(D(2027, 1, 12), True, (2027,))

    def test_a_result_inside_official_years_is_not(self, cal: WorkCalendar) -> None:
        assert not cal.add_working_days(D(2026, 12, 1), 10).provisional

    def test_every_year_touched_is_named(self, cal: WorkCalendar) -> None:
        result = cal.add_working_days(D(2026, 12, 30), 600)
        assert result.provisional
        assert result.years_without_schedule == (2027, 2028, 2029)

    def test_backwards_into_a_year_before_the_data(self, cal: WorkCalendar) -> None:
        result = cal.add_working_days(D(2004, 1, 5), -5)
        assert result.years_without_schedule == (2003,)

    def test_between_is_flagged(self, cal: WorkCalendar) -> None:
        assert cal.working_days_between(D(2026, 12, 28), D(2027, 1, 12)) == CountResult(10, True, (2027,))
        assert cal.working_days_between(D(2026, 12, 28), D(2026, 12, 31)) == CountResult(3, False, ())

    def test_strict_raises_with_the_years(self, strict: WorkCalendar) -> None:
        with pytest.raises(ProvisionalDateError) as info:
            strict.add_working_days(D(2026, 12, 28), 10)
        assert info.value.years == (2027,)
        assert "2027" in str(info.value)
        assert "No official holiday schedule" in str(info.value)
        assert "尚无官方节假日安排" in str(info.value)
        assert isinstance(info.value, ValueError)

    def test_strict_raises_everywhere(self, strict: WorkCalendar) -> None:
        with pytest.raises(ProvisionalDateError):
            strict.working_days_between(D(2026, 12, 28), D(2027, 1, 11))
        with pytest.raises(ProvisionalDateError):
            strict.is_working_day(D(2027, 3, 1))
        with pytest.raises(ProvisionalDateError):
            strict.next_working_day(D(2027, 1, 2))
        with pytest.raises(ProvisionalDateError):
            strict.add_days(D(2026, 12, 31), 1, roll_forward=True)

    def test_strict_answers_when_official(self, strict: WorkCalendar) -> None:
        assert strict.add_working_days(D(2026, 9, 30), 5).date == D(2026, 10, 13)
        assert strict.add_days(D(2026, 12, 31), 1).date == D(2027, 1, 1)  # no schedule needed

    def test_an_unofficial_schedule_is_applied_but_still_provisional(self, cal: WorkCalendar) -> None:
        draft = cal.with_overrides([schedule_2027(official=False)])
        result = draft.add_working_days(D(2026, 12, 31), 1)
        assert result == DayResult(D(2027, 1, 4), True, (2027,))


class TestOverrides:
    def test_a_loaded_year_is_official_and_changes_results(self, cal: WorkCalendar) -> None:
        loaded = cal.with_overrides([schedule_2027()])
        assert loaded.has_official_schedule(2027)
        assert cal.add_working_days(D(2026, 12, 28), 9) == DayResult(D(2027, 1, 11), True, (2027,))
        # 1 Jan is off, Saturday 9 Jan is worked.
        assert loaded.add_working_days(D(2026, 12, 28), 9) == DayResult(D(2027, 1, 9), False, ())
        assert not cal.is_working_day(D(2027, 1, 9))  # a Saturday, no make-up day guessed
        assert loaded.is_working_day(D(2027, 1, 9))  # a Saturday made a working day
        assert not loaded.is_working_day(D(2027, 6, 9))  # the holiday defined for it
        assert loaded.working_days_between(D(2027, 6, 8), D(2027, 6, 10)) == CountResult(1, False, ())

    def test_a_loaded_year_replaces_the_builtin_one(self, cal: WorkCalendar) -> None:
        plain_2026 = YearSchedule(2026, {}, {}, official=True, source="test: no holidays")
        loaded = cal.with_overrides([plain_2026])
        assert loaded.is_working_day(D(2026, 10, 1))
        assert not loaded.is_working_day(D(2026, 10, 10))
        assert loaded.add_working_days(D(2026, 9, 30), 5).date == D(2026, 10, 7)
        assert loaded.is_working_day(D(2025, 10, 1)) is False  # other years untouched

    def test_with_overrides_keeps_or_sets_strictness(self, cal: WorkCalendar) -> None:
        assert not cal.with_overrides([]).strict
        assert cal.with_overrides([], strict=True).strict
        assert WorkCalendar.builtin(strict=True).with_overrides([]).strict
        strict = cal.with_overrides([], strict=True)
        assert not cal.strict
        assert strict.add_working_days(D(2026, 9, 30), 5) == cal.add_working_days(D(2026, 9, 30), 5)
        with pytest.raises(ProvisionalDateError):
            strict.add_working_days(D(2026, 12, 28), 9)
        assert cal.add_working_days(D(2026, 12, 28), 9).provisional

    def test_schedules_outside_the_range_are_ignored(self) -> None:
        c = WorkCalendar([schedule_2027()], first_year=2020, last_year=2026)
        assert c.schedule(2027) is None
        assert c.years_without_schedule == tuple(range(2020, 2027))

    def test_a_schedule_is_read_only(self) -> None:
        s = schedule_2027()
        with pytest.raises(TypeError):
            s.holidays[D(2027, 1, 2)] = "x"  # type: ignore[index]
        assert hash(s) == hash(schedule_2027())


class TestBetween:
    def test_national_day(self, cal: WorkCalendar) -> None:
        assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 13)) == CountResult(5, False, ())

    def test_same_day_is_zero(self, cal: WorkCalendar) -> None:
        assert cal.working_days_between(D(2026, 10, 1), D(2026, 10, 1)).working_days == 0

    def test_backwards_is_negative(self, cal: WorkCalendar) -> None:
        assert cal.working_days_between(D(2026, 10, 13), D(2026, 9, 30)).working_days == -5
        # From a Sunday back to the Friday before it: one working day (the Friday).
        assert cal.working_days_between(D(2026, 9, 6), D(2026, 9, 4)).working_days == -1

    def test_out_of_range(self, cal: WorkCalendar) -> None:
        with pytest.raises(ValueError, match="2101-01-01"):
            cal.working_days_between(D(2026, 1, 1), D(2101, 1, 1))


class TestCalendarDays:
    def test_add_days_is_plain_arithmetic(self, cal: WorkCalendar) -> None:
        assert cal.add_days(D(2026, 9, 30), 5) == DayResult(D(2026, 10, 5), False, ())
        assert cal.add_days(D(2026, 10, 5), -5).date == D(2026, 9, 30)

    def test_roll_forward_off_a_holiday(self, cal: WorkCalendar) -> None:
        # A period ending on 5 Oct (a holiday) ends on 8 Oct (Civil Code art. 203).
        assert cal.add_days(D(2026, 9, 30), 5, roll_forward=True).date == D(2026, 10, 8)
        assert cal.add_days(D(2026, 10, 3), 7, roll_forward=True).date == D(2026, 10, 10)  # worked Saturday

    def test_roll_forward_into_a_year_without_schedule(self, cal: WorkCalendar) -> None:
        # 1 January 2027 is New Year's Day in the estimate: the period ends on Monday 4 January.
        assert cal.add_days(D(2026, 12, 30), 2, roll_forward=True) == DayResult(D(2027, 1, 4), True, (2027,))

    def test_next_working_day(self, cal: WorkCalendar) -> None:
        assert cal.next_working_day(D(2026, 9, 30)).date == D(2026, 9, 30)
        assert cal.next_working_day(D(2026, 10, 1)).date == D(2026, 10, 8)

    def test_add_days_out_of_range(self, cal: WorkCalendar) -> None:
        with pytest.raises(ValueError, match="outside"):
            cal.add_days(D(2100, 12, 31), 1)


def test_invalid_range() -> None:
    with pytest.raises(ValueError, match="invalid calendar range"):
        WorkCalendar([], first_year=2030, last_year=2020)


def test_repr_names_the_official_years(cal: WorkCalendar) -> None:
    assert "2004..2026" in repr(cal)


class TestEstimate:
    """A year without official schedule is counted on its statutory holidays, provisionally."""

    def test_2027_spring_festival_from_new_year_s_eve(self, cal: WorkCalendar) -> None:
        # Lunar New Year 2027 is Saturday 6 February: 除夕 Friday 5 Feb, 初一 to 初三 6-8 Feb.
        assert [cal.is_working_day(D(2027, 2, d)) for d in range(4, 10)] == [
            True,
            False,
            False,
            False,
            False,
            True,
        ]
        estimate = cal.estimate(2027)
        assert estimate is not None
        assert [d for d, name in estimate.holidays.items() if name == "春节"] == [
            D(2027, 2, 5),
            D(2027, 2, 6),
            D(2027, 2, 7),
            D(2027, 2, 8),
        ]
        assert cal.add_working_days(D(2027, 2, 4), 1) == DayResult(D(2027, 2, 9), True, (2027,))

    def test_2027_lunar_and_fixed_holidays(self, cal: WorkCalendar) -> None:
        assert not cal.is_working_day(D(2027, 6, 9))  # 端午节, a Wednesday
        assert not cal.is_working_day(D(2027, 9, 15))  # 中秋节, a Wednesday
        assert not cal.is_working_day(D(2027, 4, 5))  # 清明节, a Monday
        assert not cal.is_working_day(D(2027, 1, 1))  # 元旦, a Friday
        assert [cal.is_working_day(D(2027, 10, d)) for d in range(1, 5)] == [False, False, False, True]
        assert cal.is_working_day(D(2027, 9, 14))
        assert cal.is_working_day(D(2027, 6, 10))

    def test_a_result_spanning_national_day_2027_is_provisional(self, cal: WorkCalendar) -> None:
        assert cal.add_working_days(D(2027, 9, 30), 1) == DayResult(D(2027, 10, 4), True, (2027,))
        assert cal.working_days_between(D(2027, 9, 30), D(2027, 10, 8)) == CountResult(5, True, (2027,))

    def test_strict_refuses_the_estimate(self, strict: WorkCalendar) -> None:
        with pytest.raises(ProvisionalDateError) as info:
            strict.add_working_days(D(2027, 9, 30), 1)
        assert info.value.years == (2027,)
        with pytest.raises(ProvisionalDateError):
            strict.is_working_day(D(2027, 10, 1))

    def test_2030(self, cal: WorkCalendar) -> None:
        # Lunar New Year 2030 is Sunday 3 February: 除夕 Saturday 2 Feb, then 3-5 Feb.
        assert not cal.is_working_day(D(2030, 2, 4))
        assert not cal.is_working_day(D(2030, 2, 5))
        assert cal.is_working_day(D(2030, 2, 6))
        assert not cal.is_working_day(D(2030, 5, 2))  # 劳动节, 2 days since 2025
        assert not cal.is_working_day(D(2030, 6, 5))  # 端午节
        assert not cal.is_working_day(D(2030, 9, 12))  # 中秋节
        assert cal.add_working_days(D(2030, 4, 4), 1) == DayResult(D(2030, 4, 8), True, (2030,))

    def test_no_make_up_day_is_guessed(self, cal: WorkCalendar) -> None:
        estimate = cal.estimate(2027)
        assert estimate is not None
        assert dict(estimate.workdays) == {}
        assert not estimate.official
        assert estimate.source.startswith("估算")
        assert "2024年修订" in estimate.source
        assert all(not cal.is_working_day(D(2027, 1, 2) + timedelta(days=7 * k)) for k in range(52))

    def test_the_estimate_is_not_a_given_schedule(self, cal: WorkCalendar) -> None:
        assert cal.schedule(2027) is None
        assert 2027 not in cal.schedules
        assert cal.schedule_in_effect(2027) == cal.estimate(2027)
        assert cal.schedule_in_effect(2026) == cal.schedule(2026)
        assert cal.estimate(2026) is None
        assert cal.schedule_in_effect(2101) is None

    def test_a_loaded_official_schedule_replaces_the_estimate(self, cal: WorkCalendar) -> None:
        loaded = cal.with_overrides([schedule_2027()])
        assert loaded.estimate(2027) is None
        # The loaded schedule gives only 1 Jan and 9 Jun: 除夕 and 中秋 are worked on it.
        assert loaded.is_working_day(D(2027, 2, 5))
        assert loaded.is_working_day(D(2027, 9, 15))
        assert loaded.add_working_days(D(2027, 9, 14), 1) == DayResult(D(2027, 9, 15), False, ())

    def test_a_loaded_draft_replaces_the_estimate_but_stays_provisional(self, cal: WorkCalendar) -> None:
        draft = cal.with_overrides([schedule_2027(official=False)])
        assert draft.is_working_day(D(2027, 9, 15))
        assert draft.add_working_days(D(2027, 9, 14), 1) == DayResult(D(2027, 9, 15), True, (2027,))

    def test_years_before_the_built_in_data_are_estimated_on_the_rules_then(self, cal: WorkCalendar) -> None:
        # 2003, the 1999 revision: Labour Day 1-3 May, Spring Festival 初一 to 初三 (1-3 Feb 2003).
        assert not cal.is_working_day(D(2003, 5, 2))
        assert not cal.is_working_day(D(2003, 2, 3))
        assert cal.is_working_day(D(2003, 4, 7))  # no Qingming holiday before 2008
        assert cal.add_working_days(D(2003, 1, 30), 1) == DayResult(D(2003, 1, 31), True, (2003,))
