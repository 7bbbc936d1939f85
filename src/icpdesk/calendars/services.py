"""The working-day calendar of this deployment: built-in data, overridden by loaded schedules.

Every process (web or task worker) keeps one :class:`WorkCalendar` and checks
the database at most every ``RECHECK_SECONDS`` with one cheap aggregate query
(count and latest ``loaded_at``); when another process has loaded a year, the
calendar is rebuilt, so no restart is needed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max

from icpdesk.calendars.models import HolidaySchedule
from icpdesk.core.schedule_format import schedule_to_data
from icpdesk.core.workdays import WorkCalendar, YearSchedule, default_calendar

__all__ = ["RECHECK_SECONDS", "clear_cache", "get_calendar", "load_schedules"]

RECHECK_SECONDS = 30.0

# Replaced in tests to move time on.
clock: Callable[[], float] = time.monotonic

_lock = threading.Lock()
_calendar: WorkCalendar | None = None
_fingerprint: tuple[int, datetime | None] | None = None
_checked_at = 0.0


def _db_fingerprint() -> tuple[int, datetime | None]:
    row = HolidaySchedule.objects.aggregate(n=Count("id"), latest=Max("loaded_at"))
    return int(row["n"]), row["latest"]


def get_calendar() -> WorkCalendar:
    """The calendar with every loaded schedule applied; strict when ``settings.CALENDAR_STRICT``."""
    global _calendar, _fingerprint, _checked_at
    strict = bool(getattr(settings, "CALENDAR_STRICT", False))
    now = clock()
    calendar = _calendar
    if calendar is not None and calendar.strict == strict and now - _checked_at < RECHECK_SECONDS:
        return calendar
    with _lock:
        fingerprint = _db_fingerprint()
        if _calendar is None or fingerprint != _fingerprint:
            loaded = [row.to_schedule() for row in HolidaySchedule.objects.all()]
            _calendar = default_calendar().with_overrides(loaded, strict=strict)
            _fingerprint = fingerprint
        elif _calendar.strict != strict:
            _calendar = _calendar.with_overrides((), strict=strict)
        _checked_at = now
        return _calendar


def clear_cache() -> None:
    """Forget the cached calendar; the next :func:`get_calendar` reads the database."""
    global _calendar, _fingerprint, _checked_at
    with _lock:
        _calendar = None
        _fingerprint = None
        _checked_at = 0.0


def load_schedules(schedules: Iterable[YearSchedule], loaded_by: str) -> list[int]:
    """Create or replace the schedule of each year; returns the years loaded."""
    years: list[int] = []
    with transaction.atomic():
        for schedule in schedules:
            HolidaySchedule.objects.update_or_create(
                year=schedule.year,
                defaults={
                    "official": schedule.official,
                    "source": schedule.source,
                    "data": schedule_to_data(schedule),
                    "loaded_by": loaded_by,
                },
            )
            years.append(schedule.year)
    # This process sees the change at once; others within RECHECK_SECONDS.
    clear_cache()
    transaction.on_commit(clear_cache)
    return sorted(years)
