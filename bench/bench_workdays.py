"""Working-day calendar: one million calls each of add_working_days, working_days_between, is_working_day.

Target: one million ``add_working_days`` (random dates 2020–2026, n in 0..60)
in under a second on one core.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from icpdesk.core.workdays import WorkCalendar, default_calendar

CALLS = 1_000_000


def _figure(name: str, seconds: float, calls: int = CALLS) -> None:
    print(f"{name}: {seconds:.3f} s for {calls:,} calls ({seconds / calls * 1e9:.0f} ns/call)", flush=True)


def main() -> None:
    started = time.perf_counter()
    calendar = WorkCalendar.builtin()
    print(f"build builtin calendar: {time.perf_counter() - started:.3f} s", flush=True)
    calendar = default_calendar()

    rng = random.Random(2026)
    first = date(2020, 1, 1).toordinal()
    last = date(2026, 12, 31).toordinal() - 100  # keep results inside the official years
    days = [date.fromordinal(rng.randint(first, last)) for _ in range(CALLS)]
    ns = [rng.randint(0, 60) for _ in range(CALLS)]
    ends = [d + timedelta(days=rng.randint(0, 90)) for d in days]

    add = calendar.add_working_days
    started = time.perf_counter()
    for d, n in zip(days, ns, strict=True):
        add(d, n)
    _figure("add_working_days", time.perf_counter() - started)

    between = calendar.working_days_between
    started = time.perf_counter()
    for a, b in zip(days, ends, strict=True):
        between(a, b)
    _figure("working_days_between", time.perf_counter() - started)

    is_working = calendar.is_working_day
    started = time.perf_counter()
    for d in days:
        is_working(d)
    _figure("is_working_day", time.perf_counter() - started)


if __name__ == "__main__":
    main()
