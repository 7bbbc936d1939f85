"""The deployment's calendar: built-in data overridden by schedules loaded in the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from icpdesk.calendars import services
from icpdesk.calendars.models import HolidaySchedule
from icpdesk.calendars.services import get_calendar, load_schedules
from icpdesk.core.schedule_format import load_schedule_file
from icpdesk.core.workdays import DayResult, ProvisionalDateError, YearSchedule

pytestmark = pytest.mark.django_db


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(services, "clock", fake)
    return fake


def test_without_loaded_schedules_it_is_the_builtin_calendar() -> None:
    cal = get_calendar()
    assert cal.add_working_days(date(2026, 9, 30), 5) == DayResult(date(2026, 10, 13), False, ())
    # 2027 is estimated: 1 January off, no make-up day.
    assert cal.add_working_days(date(2026, 12, 28), 9) == DayResult(date(2027, 1, 11), True, (2027,))
    assert not cal.is_working_day(date(2027, 9, 15))  # 中秋节 in the estimate
    assert not cal.strict


def test_a_loaded_year_overrides_and_is_official(schedule_2027_file: Path) -> None:
    years = load_schedules(load_schedule_file(schedule_2027_file), loaded_by="tester")
    assert years == [2027]
    row = HolidaySchedule.objects.get(year=2027)
    assert row.loaded_by == "tester"
    assert row.official
    assert row.data["holidays"]["2027-06-09"] == "端午节"
    cal = get_calendar()
    assert cal.has_official_schedule(2027)
    assert not cal.is_working_day(date(2027, 6, 9))
    assert cal.add_working_days(date(2026, 12, 28), 9) == DayResult(date(2027, 1, 9), False, ())


def test_loading_again_replaces_the_year(schedule_2027_file: Path) -> None:
    load_schedules(load_schedule_file(schedule_2027_file), loaded_by="first")
    load_schedules([YearSchedule(2027, {}, {}, official=False, source="draft")], loaded_by="second")
    assert HolidaySchedule.objects.count() == 1
    row = HolidaySchedule.objects.get(year=2027)
    assert (row.loaded_by, row.official, row.source) == ("second", False, "draft")
    cal = get_calendar()
    assert cal.is_working_day(date(2027, 6, 9))  # the draft has no holidays: not even the estimate's
    assert cal.is_working_day(date(2027, 1, 1))
    assert cal.add_working_days(date(2026, 12, 31), 1).provisional


def test_a_loaded_builtin_year_replaces_the_builtin_data() -> None:
    load_schedules([YearSchedule(2026, {}, {}, official=True, source="no holidays")], loaded_by="t")
    assert get_calendar().is_working_day(date(2026, 10, 1))


def test_another_process_s_load_is_seen_after_the_recheck_interval(clock: FakeClock) -> None:
    assert get_calendar().is_working_day(date(2027, 6, 10))
    # As another process would: straight to the database, this process's cache untouched.
    HolidaySchedule.objects.create(
        year=2027, official=True, source="elsewhere", data={"holidays": {"2027-06-10": "端午节"}}
    )
    clock.now += 10
    assert get_calendar().is_working_day(date(2027, 6, 10))  # still cached
    clock.now += services.RECHECK_SECONDS
    assert not get_calendar().is_working_day(date(2027, 6, 10))
    assert get_calendar().is_working_day(date(2027, 6, 9))  # the loaded year replaced the estimate


def test_the_cache_is_reused_while_nothing_changes(
    clock: FakeClock, django_assert_num_queries: object
) -> None:
    first = get_calendar()
    assert get_calendar() is first
    clock.now += services.RECHECK_SECONDS + 1
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert get_calendar() is first


def test_strict_setting() -> None:
    with override_settings(CALENDAR_STRICT=True):
        cal = get_calendar()
        assert cal.strict
        with pytest.raises(ProvisionalDateError):
            cal.add_working_days(date(2026, 12, 28), 9)
    assert not get_calendar().strict


def test_the_model_validates_its_data() -> None:
    row = HolidaySchedule(year=2027, source="x", data={"holidays": {"2028-01-01": "元旦"}})
    with pytest.raises(ValidationError, match="not in 2027"):
        row.clean()
    row.data = {"holidays": {"someday": "x"}}
    with pytest.raises(ValidationError, match="malformed"):
        row.clean()
    row.data = {"holidays": {"2027-01-01": "元旦"}}
    row.clean()
    assert str(row) == "2027 (official)"
