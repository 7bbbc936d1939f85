"""Working-day calendar: one million calls each of add_working_days, working_days_between, is_working_day.

Target: one million ``add_working_days`` (random dates 2020–2026, n in 0..60)
in under a second on one core. Each figure is the best and the worst of
``REPEATS`` runs; a second set of calls lands in estimated years (2027–2030,
provisional results). The machine's speed probe, ``sum(range(1000))``, is
printed before and after, to read the figures against.
"""

from __future__ import annotations

import random
import time
import timeit
from collections.abc import Callable
from datetime import date, timedelta

from icpdesk.core.workdays import WorkCalendar, default_calendar

CALLS = 1_000_000
PROVISIONAL_CALLS = 200_000
REPEATS = 3
TARGET_SECONDS = 1.0


def _probe() -> float:
    """Microseconds for one ``sum(range(1000))``, best of 5."""
    return min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6


def _measure(run: Callable[[], None]) -> tuple[float, float]:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times), max(times)


def _figure(name: str, best: float, worst: float, calls: int = CALLS, target: float | None = None) -> None:
    verdict = ""
    if target is not None:
        verdict = f" target < {target:.1f} s: {'ok' if best < target else 'MISSED'}"
    print(
        f"{name}: best {best:.3f} s, worst {worst:.3f} s for {calls:,} calls "
        f"({best / calls * 1e9:.0f} ns/call, {REPEATS} runs){verdict}",
        flush=True,
    )


def main() -> None:
    before = _probe()
    started = time.perf_counter()
    WorkCalendar.builtin()
    print(f"build builtin calendar: {time.perf_counter() - started:.3f} s", flush=True)
    calendar = default_calendar()

    rng = random.Random(2026)
    first = date(2020, 1, 1).toordinal()
    last = date(2026, 12, 31).toordinal() - 100  # keep results inside the official years
    days = [date.fromordinal(rng.randint(first, last)) for _ in range(CALLS)]
    ns = [rng.randint(0, 60) for _ in range(CALLS)]
    ends = [d + timedelta(days=rng.randint(0, 90)) for d in days]

    add = calendar.add_working_days

    def run_add() -> None:
        for d, n in zip(days, ns, strict=True):
            add(d, n)

    _figure("add_working_days", *_measure(run_add), target=TARGET_SECONDS)

    between = calendar.working_days_between

    def run_between() -> None:
        for a, b in zip(days, ends, strict=True):
            between(a, b)

    _figure("working_days_between", *_measure(run_between))

    is_working = calendar.is_working_day

    def run_is_working() -> None:
        for d in days:
            is_working(d)

    _figure("is_working_day", *_measure(run_is_working))

    first = date(2027, 1, 1).toordinal()
    last = date(2030, 12, 31).toordinal() - 100
    estimated = [date.fromordinal(rng.randint(first, last)) for _ in range(PROVISIONAL_CALLS)]
    estimated_ns = ns[:PROVISIONAL_CALLS]

    def run_provisional() -> None:
        for d, n in zip(estimated, estimated_ns, strict=True):
            add(d, n)

    _figure(
        "add_working_days in estimated years (provisional)",
        *_measure(run_provisional),
        calls=PROVISIONAL_CALLS,
    )
    after = _probe()
    print(
        f"machine speed probe, sum(range(1000)): {before:.1f} µs before, {after:.1f} µs after "
        "(a shared machine's speed can halve from one second to the next)",
        flush=True,
    )


if __name__ == "__main__":
    main()
