"""Due dates from the rule pack's limits, counted on the desk's working-day calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from icpdesk.calendars.services import get_calendar
from icpdesk.core.periods import shift
from icpdesk.core.rules import RulePack
from icpdesk.lib.packs import current_pack


@dataclass(frozen=True)
class Due:
    on: date
    provisional: bool
    years_without_schedule: tuple[int, ...] = ()


def due_after(start: date, value: int, unit: str) -> Due:
    """The date ``value`` ``unit``s after ``start``.

    Working days count on the official schedule; a period in calendar days,
    months or years that ends on a rest day ends on the next working day
    (Civil Code art. 203).
    """
    calendar = get_calendar()
    if unit == "workday":
        r = calendar.add_working_days(start, value)
        return Due(r.date, r.provisional, r.years_without_schedule)
    if unit == "day":
        r = calendar.add_days(start, value, roll_forward=True)
        return Due(r.date, r.provisional, r.years_without_schedule)
    r = calendar.next_working_day(shift(start, value, unit))
    return Due(r.date, r.provisional, r.years_without_schedule)


def due_for(limit_name: str, start: date, pack: RulePack | None = None, value: int | None = None) -> Due:
    pack = pack or current_pack()
    limit = pack.limit(limit_name)
    return due_after(start, limit.value if value is None else value, limit.unit)


def working_days_left(today: date, due: date) -> int:
    """Working days from today to the due date (negative when overdue)."""
    return get_calendar().working_days_between(today, due).working_days
