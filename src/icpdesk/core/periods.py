"""Periods in calendar days, months and years, counted as China's Civil Code counts them.

Art. 202-203: a period in months or years ends on the corresponding day of the
last month; when that month has no such day (29-31), on its last day. Every
"N months before expiry", "valid for N years" and "no older than N months" of
the desk is counted here; working days are the calendar's (core.workdays).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

__all__ = ["UNITS", "add_months", "add_years", "day_in_year", "shift"]

# The calendar units :func:`shift` counts in.
UNITS = ("day", "month", "year")


def add_months(d: date, months: int) -> date:
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last))


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def shift(d: date, value: int, unit: str) -> date:
    """``d`` moved by ``value`` ``unit``s ("day", "month" or "year"); a negative value counts back.

    A month or year that has no corresponding day ends on its last day: one
    month after 31 January is the last day of February, one year before
    29 February is 28 February. Working days are not a calendar unit: they
    raise :class:`ValueError`, as any other unit does.
    """
    if unit == "day":
        return d + timedelta(days=value)
    if unit == "month":
        return add_months(d, value)
    if unit == "year":
        return add_months(d, 12 * value)
    raise ValueError(f"unit {unit!r} is not a calendar period (one of {', '.join(UNITS)})")


def day_in_year(year: int, month_day: str) -> date:
    """The day ``"MM-DD"`` of ``year``; "02-29" is 28 February in a common year."""
    month_text, _, day_text = month_day.partition("-")
    month, day = int(month_text), int(day_text)
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2000, month)[1]:
        raise ValueError(f"{month_day!r} is not a month and day (MM-DD)")
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))
