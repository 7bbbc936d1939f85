"""The statutory holidays fixed by 《全国年节及纪念日放假办法》, year by year.

The yearly notice of the State Council arranges the holiday periods and the
make-up working days (调休); the days themselves are fixed by the State
Council's regulation, which says which dates are public holidays. A year
whose notice is not out yet still has those days off, so the working-day
calendar estimates such a year as weekends plus these days (see
:func:`icpdesk.core.workdays.estimated_schedule`).

Revisions of the regulation, each applied to whole years (every day it fixes,
one day each unless said):

- 2000–2007, the 1999 revision (国务院令第270号): 元旦 1 Jan; 春节 正月初一 to
  初三; 劳动节 1–3 May; 国庆节 1–3 Oct.
- 2008–2013, the 2007 revision (国务院令第513号): 元旦; 春节 除夕, 初一, 初二;
  清明节 (the solar term); 劳动节 1 May; 端午节 五月初五; 中秋节 八月十五;
  国庆节 1–3 Oct.
- 2014–2024, the 2013 revision (国务院令第644号): as 2007, but 春节 初一 to 初三.
- From 2025, the 2024 revision (国务院令第795号): 元旦; 春节 4 days, 除夕 and
  初一 to 初三; 清明节; 劳动节 1–2 May; 端午节; 中秋节; 国庆节 1–3 Oct.

Lunar dates come from the ``lunardate`` package (lunar years 1900–2099, so
solar 1900–2100 for the Spring Festival, 1900–2099 for the Dragon Boat and
Mid-Autumn festivals); the Qingming solar term from the standard formula,
exact for 1901–2100. Years before 2000 have no estimate here: the calendar
starts in 2000.

Pure Python; no Django here.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from lunardate import LunarDate  # type: ignore[import-untyped]

__all__ = [
    "FIRST_YEAR",
    "REVISIONS",
    "Revision",
    "lunar_to_solar",
    "qingming",
    "revision_for",
    "spring_festival_eve",
    "statutory_holidays",
]

FIRST_YEAR = 2000


@dataclass(frozen=True, slots=True)
class Revision:
    """One revision of 《全国年节及纪念日放假办法》 and the days it fixes."""

    first_year: int
    title: str
    # The Spring Festival: lunar New Year's Eve (除夕) or not, then this many days from 正月初一.
    spring_eve: bool
    spring_days: int
    # Days from 1 May.
    labour_days: int
    # Qingming, the Dragon Boat and the Mid-Autumn festivals.
    traditional: bool


REVISIONS: tuple[Revision, ...] = (
    Revision(2000, "《全国年节及纪念日放假办法》（1999年修订，国务院令第270号）", False, 3, 3, False),
    Revision(2008, "《全国年节及纪念日放假办法》（2007年修订，国务院令第513号）", True, 2, 1, True),
    Revision(2014, "《全国年节及纪念日放假办法》（2013年修订，国务院令第644号）", False, 3, 1, True),
    Revision(2025, "《全国年节及纪念日放假办法》（2024年修订，国务院令第795号）", True, 3, 2, True),
)


def revision_for(year: int) -> Revision | None:
    """The revision in force for the whole of ``year``; None before 2000."""
    found = None
    for revision in REVISIONS:
        if revision.first_year <= year:
            found = revision
    return found


def lunar_to_solar(year: int, month: int, day: int) -> date | None:
    """The solar date of a lunar date (not in a leap month); None outside lunardate's table."""
    try:
        solar: date = LunarDate(year, month, day).to_solar_date()
    except ValueError:
        return None
    return solar


def spring_festival_eve(year: int) -> date | None:
    """除夕 falling in solar ``year``: the last day of the lunar year that ends in it."""
    lunar_year = year - 1
    try:
        last_month_leap = LunarDate.leap_month_for_year(lunar_year) == 12
    except ValueError:
        return None
    for day in (30, 29):
        try:
            eve: date = LunarDate(lunar_year, 12, day, last_month_leap).to_solar_date()
        except ValueError:
            continue
        return eve
    return None


def qingming(year: int) -> date:
    """The day of the Qingming solar term (清明), 4, 5 or 6 April, for 1901–2100.

    The common formula [Y·D + C] − L: Y the year within its century, D = 0.2422,
    C = 5.59 for 1901–2000 and 4.81 for 2001–2100, L the leap days since the
    century began (29 February comes before April, so the year's own counts).
    """
    if not 1901 <= year <= 2100:
        raise ValueError(f"the Qingming formula holds for 1901–2100, not {year}")
    century_start, c = (1900, 5.59) if year <= 2000 else (2000, 4.81)
    y = year - century_start
    day = int(y * 0.2422 + c) - calendar.leapdays(century_start + 1, year + 1)
    return date(year, 4, day)


@functools.cache
def statutory_holidays(year: int) -> Mapping[date, str]:
    """The public holidays that 《全国年节及纪念日放假办法》 fixes in ``year``, by date.

    Only the statutory days: no holiday periods, no make-up working days. A
    lunar festival beyond lunardate's table (after 2099) is left out.
    """
    revision = revision_for(year)
    if revision is None:
        return MappingProxyType({})
    days: dict[date, str] = {date(year, 1, 1): "元旦"}
    eve = spring_festival_eve(year)
    if eve is not None:
        if revision.spring_eve:
            days[eve] = "春节"
        for k in range(1, revision.spring_days + 1):
            days[eve + timedelta(days=k)] = "春节"
    if revision.traditional and year <= 2100:
        days[qingming(year)] = "清明节"
    for k in range(revision.labour_days):
        days[date(year, 5, 1 + k)] = "劳动节"
    if revision.traditional:
        for (month, day), name in (((5, 5), "端午节"), ((8, 15), "中秋节")):
            solar = lunar_to_solar(year, month, day)
            if solar is not None:
                days[solar] = name
    for k in range(3):
        days[date(year, 10, 1 + k)] = "国庆节"
    return MappingProxyType(dict(sorted(days.items())))
