"""The built-in holiday data checked against a second, independent source.

The built-in schedules come from the chinesecalendar package; the ``holidays``
package (``holidays.China``) is kept independently from the same State
Council notices, with each day off and each weekend day worked instead
(调休). :func:`compare_with_second_source` lists every day of the years the
built-in data covers where the two disagree, with what ``calendar_errata.toml``
says of it: a correction (the notice that settles it) or an upheld entry (the
built-in status kept, and why). A disagreement with neither is a finding to
settle with the notice, then to record in the errata.

Pure Python; no Django here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from icpdesk.core.calendar_errata import Correction, Upheld, calendar_errata
from icpdesk.core.workdays import WorkCalendar, builtin_schedules, default_calendar

__all__ = [
    "Disagreement",
    "builtin_years",
    "compare_with_second_source",
    "second_source_is_working_day",
    "second_source_version",
]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One day on which the built-in data and the second source differ."""

    date: date
    builtin_working: bool  # chinesecalendar's own data, before the errata
    second_working: bool  # the holidays package
    calendar_working: bool  # the desk's built-in calendar: chinesecalendar with the errata
    second_name: str
    correction: Correction | None
    upheld: Upheld | None

    @property
    def settled_by(self) -> str:
        """``correction``, ``upheld``, or ``""`` when the errata do not account for the day."""
        if self.correction is not None and self.calendar_working == self.correction.working:
            return "correction"
        if self.upheld is not None and self.calendar_working == self.upheld.working:
            return "upheld"
        return ""


def builtin_years() -> tuple[int, int]:
    """The first and last year of the built-in data."""
    years = [s.year for s in builtin_schedules()]
    return years[0], years[-1]


def second_source_version() -> str:
    from importlib.metadata import version

    return f"holidays {version('holidays')}"


def second_source_is_working_day(
    first_year: int, last_year: int
) -> tuple[Callable[[date], bool], dict[date, str]]:
    """The second source's working-day test for the given years, and its names of days off."""
    import holidays

    # One year either side: a notice may move a working day across the new year.
    china = holidays.country_holidays(
        "CN", years=range(first_year - 1, last_year + 2), categories=("public",)
    )
    names = {d: str(name) for d, name in china.items() if first_year <= d.year <= last_year}
    return china.is_working_day, names


def compare_with_second_source(
    first_year: int | None = None, last_year: int | None = None, *, calendar: WorkCalendar | None = None
) -> list[Disagreement]:
    """Every day of the years (default: those of the built-in data) where the sources differ.

    A day is listed when chinesecalendar's own data or the desk's calendar
    (errata applied) differs from the second source.
    """
    import chinese_calendar

    default_first, default_last = builtin_years()
    first = default_first if first_year is None else first_year
    last = default_last if last_year is None else last_year
    cal = calendar or default_calendar()
    errata = calendar_errata()
    corrections = {c.date: c for c in errata.corrections}
    upheld = {u.date: u for u in errata.upheld}
    second_working, second_names = second_source_is_working_day(first, last)

    found: list[Disagreement] = []
    d, end = date(first, 1, 1), date(last, 12, 31)
    while d <= end:
        raw = bool(chinese_calendar.is_workday(d))
        second = bool(second_working(d))
        mine = cal.is_working_day(d)
        if raw != second or mine != second:
            found.append(
                Disagreement(
                    date=d,
                    builtin_working=raw,
                    second_working=second,
                    calendar_working=mine,
                    second_name=second_names.get(d, ""),
                    correction=corrections.get(d),
                    upheld=upheld.get(d),
                )
            )
        d += timedelta(days=1)
    return found
