"""Working-day arithmetic over China's official holiday schedule.

Every time limit of the licensing workflow ("within 5 working days") is counted
on the State Council's yearly schedule: statutory holidays, and the weekend
days that are worked instead (调休). The built-in schedules come from the
chinesecalendar package, with the corrections of ``calendar_errata.toml``
applied. A year without a schedule is estimated: weekends, plus the statutory
holidays of 《全国年节及纪念日放假办法》 (:mod:`icpdesk.core.statutory_holidays`),
with no make-up days guessed. Such a year is never used silently: every result
that depends on it carries a ``provisional`` flag and the years it depended on,
and a strict calendar raises :class:`ProvisionalDateError` instead.

The calendar precomputes, for every day between ``first_year`` and
``last_year``, the running count of working days and the ordinal of each
working day, so that adding or counting working days is a few list look-ups,
whatever ``n``.

Pure Python; no Django here (the ``calendars`` app merges loaded schedules in).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import NamedTuple

from icpdesk.core.calendar_errata import ERRATA_FILE, calendar_errata
from icpdesk.core.statutory_holidays import revision_for, statutory_holidays

__all__ = [
    "CountResult",
    "DayResult",
    "ProvisionalDateError",
    "WorkCalendar",
    "YearSchedule",
    "add_days",
    "add_working_days",
    "builtin_schedules",
    "default_calendar",
    "estimated_schedule",
    "is_working_day",
    "next_working_day",
    "working_days_between",
]


@dataclass(frozen=True, slots=True)
class YearSchedule:
    """One year's holiday schedule: holidays, and make-up working days (调休) on weekends."""

    year: int
    holidays: Mapping[date, str]
    workdays: Mapping[date, str]
    official: bool
    source: str

    def __post_init__(self) -> None:
        # Read-only views, so that a schedule shared between calendars cannot change under them.
        object.__setattr__(self, "holidays", MappingProxyType(dict(sorted(self.holidays.items()))))
        object.__setattr__(self, "workdays", MappingProxyType(dict(sorted(self.workdays.items()))))

    def __hash__(self) -> int:
        return hash((self.year, tuple(self.holidays.items()), tuple(self.workdays.items()), self.official))


class DayResult(NamedTuple):
    """A date computed on the calendar, and whether it rests on a year without official schedule."""

    date: date
    provisional: bool
    years_without_schedule: tuple[int, ...]


class CountResult(NamedTuple):
    """A number of working days, and whether it rests on a year without official schedule."""

    working_days: int
    provisional: bool
    years_without_schedule: tuple[int, ...]


class ProvisionalDateError(ValueError):
    """Raised by a strict calendar when a result depends on a year without official schedule."""

    def __init__(self, years: Iterable[int]) -> None:
        self.years: tuple[int, ...] = tuple(sorted(set(years)))
        listed = ", ".join(str(y) for y in self.years)
        zh_listed = "、".join(str(y) for y in self.years)
        super().__init__(
            f"{zh_listed} 年尚无官方节假日安排，无法准确计算工作日；请先用 `icpdesk calendar load` 导入。"
            f" / No official holiday schedule for {listed}: working days cannot be counted exactly;"
            " load the schedule with `icpdesk calendar load FILE`."
        )


_NO_YEARS: tuple[int, ...] = ()

ESTIMATE_SOURCE_PREFIX = "估算"


@functools.cache
def estimated_schedule(year: int) -> YearSchedule:
    """The estimate for a year without schedule: the statutory holidays, no make-up days.

    Not official, so results that depend on it stay provisional.
    """
    revision = revision_for(year)
    fixed_by = revision.title if revision is not None else "无法定假日数据"
    return YearSchedule(
        year=year,
        holidays=statutory_holidays(year),
        workdays={},
        official=False,
        source=f"{ESTIMATE_SOURCE_PREFIX}：{fixed_by}规定的法定假日，周末照常休息，不含调休",
    )


class WorkCalendar:
    """Working days between ``first_year`` and ``last_year`` (inclusive) on the given schedules.

    Schedules for years outside that range are ignored. When several schedules
    are given for one year, the last one wins. A year of the range without a
    schedule is counted on its estimate (:func:`estimated_schedule`).
    """

    __slots__ = (
        "_base",
        "_estimates",
        "_first_year",
        "_last_year",
        "_ndays",
        "_ok",
        "_prefix",
        "_schedules",
        "_strict",
        "_unscheduled",
        "_working",
        "_working_index",
        "_years_without_schedule",
    )

    def __init__(
        self,
        schedules: Iterable[YearSchedule],
        *,
        strict: bool = False,
        first_year: int = 2000,
        last_year: int = 2100,
    ) -> None:
        if not 1 <= first_year <= last_year <= 9998:
            raise ValueError(f"invalid calendar range {first_year}..{last_year}")
        self._strict = strict
        self._first_year = first_year
        self._last_year = last_year
        by_year: dict[int, YearSchedule] = {}
        for schedule in schedules:
            if first_year <= schedule.year <= last_year:
                by_year[schedule.year] = schedule
        self._schedules = dict(sorted(by_year.items()))
        self._estimates = {
            y: estimated_schedule(y) for y in range(first_year, last_year + 1) if y not in by_year
        }
        self._years_without_schedule = tuple(
            y for y in range(first_year, last_year + 1) if not self.has_official_schedule(y)
        )
        missing = set(self._years_without_schedule)

        base = date(first_year, 1, 1).toordinal()
        end = date(last_year, 12, 31).toordinal()
        ndays = end - base + 1
        self._base = base
        self._ndays = ndays

        # Weekends first, then each year's schedule (or estimate): holidays, then make-up days.
        first_weekday = date(first_year, 1, 1).weekday()
        working = bytearray(1 if (first_weekday + i) % 7 < 5 else 0 for i in range(ndays))
        for schedule in (*self._schedules.values(), *self._estimates.values()):
            for d in schedule.holidays:
                i = d.toordinal() - base
                if 0 <= i < ndays:
                    working[i] = 0
            for d in schedule.workdays:
                i = d.toordinal() - base
                if 0 <= i < ndays:
                    working[i] = 1

        # prefix[i]: working days among days [0, i); unscheduled[i]: days of years
        # without official schedule among days [0, i).
        prefix = [0] * (ndays + 1)
        unscheduled = [0] * (ndays + 1)
        working_index: list[int] = []
        ok: list[DayResult] = []
        count = 0
        flagged = 0
        i = 0
        for year in range(first_year, last_year + 1):
            year_missing = year in missing
            start = date(year, 1, 1)
            year_days = 366 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 365
            for offset in range(year_days):
                if working[i]:
                    working_index.append(i)
                    count += 1
                if year_missing:
                    flagged += 1
                i += 1
                prefix[i] = count
                unscheduled[i] = flagged
                ok.append(DayResult(start + timedelta(days=offset), False, _NO_YEARS))
        self._working = bytes(working)
        self._prefix = prefix
        self._unscheduled = unscheduled
        self._working_index = working_index
        self._ok = ok

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def builtin(cls, *, strict: bool = False) -> WorkCalendar:
        """The calendar of the built-in data (package ``chinesecalendar``)."""
        return cls(builtin_schedules(), strict=strict)

    def with_overrides(
        self, schedules: Iterable[YearSchedule], *, strict: bool | None = None
    ) -> WorkCalendar:
        """A new calendar where the given schedules replace this one's for their years."""
        schedules = list(schedules)
        if not schedules:
            # Only the strictness changes: share the precomputed tables (they are never mutated).
            clone = object.__new__(WorkCalendar)
            for name in WorkCalendar.__slots__:
                object.__setattr__(clone, name, getattr(self, name))
            clone._strict = self._strict if strict is None else strict
            return clone
        merged = dict(self._schedules)
        for schedule in schedules:
            merged[schedule.year] = schedule
        return WorkCalendar(
            merged.values(),
            strict=self._strict if strict is None else strict,
            first_year=self._first_year,
            last_year=self._last_year,
        )

    # -- queries ------------------------------------------------------------------------------

    @property
    def strict(self) -> bool:
        return self._strict

    @property
    def first_year(self) -> int:
        return self._first_year

    @property
    def last_year(self) -> int:
        return self._last_year

    @property
    def years_without_schedule(self) -> tuple[int, ...]:
        """Every year of the range without an official schedule (its results are provisional)."""
        return self._years_without_schedule

    @property
    def schedules(self) -> Mapping[int, YearSchedule]:
        """The schedules given (built-in or loaded), by year; estimates are not among them."""
        return MappingProxyType(self._schedules)

    def schedule(self, year: int) -> YearSchedule | None:
        """The schedule given for ``year`` (built-in or loaded), or None."""
        return self._schedules.get(year)

    def estimate(self, year: int) -> YearSchedule | None:
        """The estimate the calendar counts ``year`` on, when no schedule was given for it."""
        return self._estimates.get(year)

    def schedule_in_effect(self, year: int) -> YearSchedule | None:
        """What ``year`` is counted on: its schedule, else its estimate; None outside the range."""
        return self._schedules.get(year) or self._estimates.get(year)

    def has_official_schedule(self, year: int) -> bool:
        schedule = self._schedules.get(year)
        return schedule is not None and schedule.official

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is worked; a strict calendar raises for a year without official schedule."""
        i = self._index(d)
        if self._strict and self._unscheduled[i + 1] != self._unscheduled[i]:
            raise ProvisionalDateError((d.year,))
        return bool(self._working[i])

    def add_working_days(self, d: date, n: int) -> DayResult:
        """The ``n``-th working day after ``d`` (before it when ``n`` < 0); ``d`` itself never counts."""
        i = d.toordinal() - self._base
        if not 0 <= i < self._ndays:
            raise self._out_of_range(d)
        if n > 0:
            k = self._prefix[i + 1] + n - 1
        elif n < 0:
            k = self._prefix[i] + n
        else:
            return self._result(i, i, i)
        if not 0 <= k < len(self._working_index):
            raise ValueError(
                f"{d.isoformat()} {n:+d} working days falls outside the calendar's range "
                f"{self._first_year}..{self._last_year}"
            )
        j = self._working_index[k]
        lo, hi = (i, j) if i <= j else (j, i)
        if self._unscheduled[hi + 1] == self._unscheduled[lo]:
            return self._ok[j]
        return self._provisional(j, lo, hi)

    def working_days_between(self, a: date, b: date) -> CountResult:
        """Working days in (a, b]; when b < a, minus the working days in [b, a).

        So ``working_days_between(a, add_working_days(a, n).date) == n`` for every ``n``.
        """
        base = self._base
        ia = a.toordinal() - base
        ib = b.toordinal() - base
        ndays = self._ndays
        if not 0 <= ia < ndays:
            raise self._out_of_range(a)
        if not 0 <= ib < ndays:
            raise self._out_of_range(b)
        prefix = self._prefix
        if ib >= ia:
            count = prefix[ib + 1] - prefix[ia + 1]
            lo, hi = ia + 1, ib
        else:
            count = prefix[ib] - prefix[ia]
            lo, hi = ib, ia - 1
        unscheduled = self._unscheduled
        if lo > hi or unscheduled[hi + 1] == unscheduled[lo]:
            return CountResult(count, False, _NO_YEARS)
        years = self._missing_years(lo, hi)
        if self._strict:
            raise ProvisionalDateError(years)
        return CountResult(count, True, years)

    def add_days(self, d: date, n: int, *, roll_forward: bool = False) -> DayResult:
        """``d`` plus ``n`` calendar days.

        With ``roll_forward``, a result that is not a working day moves to the next
        working day (Civil Code art. 203: a period whose last day is a statutory
        holiday ends on the day after the holiday). Without it, the result does not
        depend on the schedule and is never provisional.
        """
        self._index(d)
        target = d + timedelta(days=n)
        if roll_forward:
            return self.next_working_day(target)
        return self._ok[self._index(target)]

    def next_working_day(self, d: date) -> DayResult:
        """``d`` if it is a working day, else the first working day after it."""
        i = self._index(d)
        k = self._prefix[i]
        if k >= len(self._working_index):
            raise ValueError(f"no working day after {d.isoformat()} within the calendar's range")
        return self._result(i, self._working_index[k], i)

    # -- internals ----------------------------------------------------------------------------

    def _index(self, d: date) -> int:
        i = d.toordinal() - self._base
        if not 0 <= i < self._ndays:
            raise self._out_of_range(d)
        return i

    def _out_of_range(self, d: date) -> ValueError:
        return ValueError(
            f"date {d.isoformat()} is outside the calendar's range {self._first_year}..{self._last_year}"
        )

    def _result(self, lo: int, j: int, hi: int) -> DayResult:
        lo, hi = min(lo, j), max(hi, j)
        if self._unscheduled[hi + 1] == self._unscheduled[lo]:
            return self._ok[j]
        return self._provisional(j, lo, hi)

    def _provisional(self, j: int, lo: int, hi: int) -> DayResult:
        years = self._missing_years(lo, hi)
        if self._strict:
            raise ProvisionalDateError(years)
        return DayResult(self._ok[j].date, True, years)

    def _missing_years(self, lo: int, hi: int) -> tuple[int, ...]:
        first = date.fromordinal(lo + self._base).year
        last = date.fromordinal(hi + self._base).year
        return tuple(y for y in range(first, last + 1) if not self.has_official_schedule(y))

    def __repr__(self) -> str:
        official = [y for y, s in self._schedules.items() if s.official]
        span = f"{official[0]}..{official[-1]}" if official else "none"
        return (
            f"<WorkCalendar {self._first_year}..{self._last_year} official={span}"
            f"{' strict' if self._strict else ''}>"
        )


# -- built-in data --------------------------------------------------------------------------------


@functools.cache
def builtin_schedules() -> tuple[YearSchedule, ...]:
    """One official schedule per year covered by ``chinese_calendar``, names in Chinese.

    The corrections of ``calendar_errata.toml`` are applied; a corrected year's
    source names the notices behind its corrections.
    """
    import chinese_calendar

    zh = {h.value: h.chinese for h in chinese_calendar.Holiday}
    source = f"chinese-calendar {chinese_calendar.__version__}"
    holidays: dict[int, dict[date, str]] = {}
    workdays: dict[int, dict[date, str]] = {}
    raw_holidays: dict[date, str] = chinese_calendar.holidays
    raw_workdays: dict[date, str] = chinese_calendar.workdays
    for d, name in raw_holidays.items():
        holidays.setdefault(d.year, {})[d] = zh.get(name, name)
    for d, name in raw_workdays.items():
        workdays.setdefault(d.year, {})[d] = zh.get(name, name)
    years = sorted(set(holidays) | set(workdays))

    cited: dict[int, list[str]] = {}
    for correction in calendar_errata().corrections:
        d, y = correction.date, correction.date.year
        if y not in years:
            continue  # a year the package does not cover has no built-in data to correct
        holidays.setdefault(y, {}).pop(d, None)
        workdays.setdefault(y, {}).pop(d, None)
        if correction.working and d.weekday() >= 5:
            workdays[y][d] = correction.name
        elif not correction.working:
            holidays[y][d] = correction.name
        if correction.citation not in cited.setdefault(y, []):
            cited[y].append(correction.citation)
    return tuple(
        YearSchedule(
            year=y,
            holidays=holidays.get(y, {}),
            workdays=workdays.get(y, {}),
            official=True,
            source=source + (f"，按{ERRATA_FILE}勘误：{'、'.join(cited[y])}" if y in cited else ""),
        )
        for y in years
    )


@functools.cache
def default_calendar() -> WorkCalendar:
    """The built-in calendar, built once per process."""
    return WorkCalendar.builtin()


def add_working_days(d: date, n: int) -> DayResult:
    return default_calendar().add_working_days(d, n)


def working_days_between(a: date, b: date) -> CountResult:
    return default_calendar().working_days_between(a, b)


def is_working_day(d: date) -> bool:
    return default_calendar().is_working_day(d)


def add_days(d: date, n: int, *, roll_forward: bool = False) -> DayResult:
    return default_calendar().add_days(d, n, roll_forward=roll_forward)


def next_working_day(d: date) -> DayResult:
    return default_calendar().next_working_day(d)
