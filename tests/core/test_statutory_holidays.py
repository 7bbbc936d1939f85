"""The statutory holidays of 《全国年节及纪念日放假办法》, checked against the official schedules
and the holidays package."""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from icpdesk.core.statutory_holidays import (
    qingming,
    revision_for,
    spring_festival_eve,
    statutory_holidays,
)
from icpdesk.core.workdays import default_calendar

D = date
STATUTORY_NAMES = {"元旦", "春节", "农历除夕", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}


def test_2027_under_the_2024_revision() -> None:
    assert dict(statutory_holidays(2027)) == {
        D(2027, 1, 1): "元旦",
        D(2027, 2, 5): "春节",  # 除夕
        D(2027, 2, 6): "春节",  # 正月初一, lunar New Year
        D(2027, 2, 7): "春节",
        D(2027, 2, 8): "春节",
        D(2027, 4, 5): "清明节",
        D(2027, 5, 1): "劳动节",
        D(2027, 5, 2): "劳动节",
        D(2027, 6, 9): "端午节",
        D(2027, 9, 15): "中秋节",
        D(2027, 10, 1): "国庆节",
        D(2027, 10, 2): "国庆节",
        D(2027, 10, 3): "国庆节",
    }


@pytest.mark.parametrize(
    ("year", "days"),
    [
        (2000, 10),  # 1999 revision: 1 + 3 + 3 + 3
        (2007, 10),
        (2008, 11),  # 2007 revision: 1 + 3 + 1 + 1 + 1 + 1 + 3
        (2013, 11),
        (2014, 11),
        (2024, 11),
        (2025, 13),  # 2024 revision: 1 + 4 + 1 + 2 + 1 + 1 + 3
        (2030, 13),
    ],
)
def test_each_revision_fixes_its_number_of_days(year: int, days: int) -> None:
    # 2020 and 2001 are left out: Mid-Autumn fell on 1 October, so two names share a day.
    assert len(statutory_holidays(year)) == days


def test_the_revisions_in_force() -> None:
    def title(year: int) -> str:
        revision = revision_for(year)
        assert revision is not None
        return revision.title

    assert "1999年修订" in title(2007)
    assert "2007年修订" in title(2008)
    assert "2013年修订" in title(2014)
    assert "2024年修订" in title(2025)
    assert "国务院令第795号" in title(2030)
    assert revision_for(1999) is None
    assert statutory_holidays(1999) == {}


def test_new_year_s_eve_and_qingming() -> None:
    assert spring_festival_eve(2027) == D(2027, 2, 5)
    assert spring_festival_eve(2026) == D(2026, 2, 16)
    assert spring_festival_eve(2100) == D(2100, 2, 8)  # the last day of lunar 2099
    assert [qingming(y) for y in (2008, 2025, 2026, 2027, 2100)] == [
        D(2008, 4, 4),
        D(2025, 4, 4),
        D(2026, 4, 5),
        D(2027, 4, 5),
        D(2100, 4, 5),
    ]
    with pytest.raises(ValueError, match="1901–2100"):
        qingming(2101)


def test_a_year_beyond_the_lunar_table_keeps_what_can_be_computed() -> None:
    days = statutory_holidays(2100)
    assert days[D(2100, 2, 9)] == "春节"
    assert "端午节" not in days.values()
    assert "中秋节" not in days.values()
    assert days[D(2100, 10, 3)] == "国庆节"


def test_the_same_days_as_the_holidays_package_2000_to_2099() -> None:
    # holidays.China implements each revision of the regulation independently,
    # with its own lunar tables and Qingming formula.
    differ = {}
    for year in range(2000, 2100):
        theirs = holidays.country_holidays("CN", years=year, observed=False, language="zh_CN")
        their_days = {d for d, names in theirs.items() if set(names.split("; ")) & STATUTORY_NAMES}
        ours = set(statutory_holidays(year))
        if ours != their_days:
            differ[year] = sorted(ours ^ their_days)
    assert differ == {}


def test_every_statutory_day_is_a_rest_day_in_every_official_year() -> None:
    # The lunar computation checked against the published schedules, 2004-2026 (errata applied).
    calendar = default_calendar()
    worked = [
        d
        for year in range(2004, 2027)
        for d in statutory_holidays(year)
        if calendar.has_official_schedule(year) and calendar.is_working_day(d)
    ]
    assert worked == []
    assert all(calendar.has_official_schedule(y) for y in range(2004, 2027))


def test_the_official_2025_and_2026_schedules_list_every_statutory_day_of_the_2024_revision() -> None:
    calendar = default_calendar()
    for year in (2025, 2026):
        schedule = calendar.schedule(year)
        assert schedule is not None and schedule.official
        assert set(statutory_holidays(year)) <= set(schedule.holidays), year
    # 除夕 is a statutory day again since 2025.
    assert spring_festival_eve(2025) == D(2025, 1, 28)
    assert spring_festival_eve(2026) == D(2026, 2, 16)
    assert not calendar.is_working_day(D(2025, 1, 28))
    assert not calendar.is_working_day(D(2026, 2, 16))
