"""Periods in calendar months and years, counted as China's Civil Code counts them.

Art. 202-203: a period in months or years ends on the corresponding day of the
last month; when that month has no such day (29-31), on its last day.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(d: date, months: int) -> date:
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last))


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)
