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
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max

from icpdesk.accounts.choices import OrgKind, Role
from icpdesk.calendars.models import HolidaySchedule
from icpdesk.core.schedule_format import schedule_to_data
from icpdesk.core.workdays import WorkCalendar, YearSchedule, default_calendar
from icpdesk.lib.changelog import note_change
from icpdesk.lib.errors import Forbidden

__all__ = ["RECHECK_SECONDS", "clear_cache", "get_calendar", "load_schedules", "may_load"]

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


def may_load(user: Any) -> bool:
    """Who loads schedules: the system (``None``: the command line), a superuser, a regulator admin."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    org = user.organisation
    return bool(user.is_superuser) or (
        org is not None and org.kind == OrgKind.REGULATOR and Role.ADMIN in user.valid_roles()
    )


def _schedule_values(row: HolidaySchedule) -> dict[str, Any]:
    return {
        "official": row.official,
        "source": row.source,
        "holidays": dict(row.data.get("holidays", {})),
        "workdays": dict(row.data.get("workdays", {})),
        "loaded_by": row.loaded_by,
    }


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [name for name in after if before.get(name) != after[name]]
    return {n: before[n] for n in changed if n in before}, {n: after[n] for n in changed}


def load_schedules(schedules: Iterable[YearSchedule], loaded_by: str, *, actor: Any = None) -> list[int]:
    """Create or replace the schedule of each year, one change record per year; returns the years loaded.

    ``actor`` is the user loading (``None`` for the system: the command line says
    who in ``loaded_by``); only a superuser or a regulator's administrator may.
    """
    if not may_load(actor):
        raise Forbidden(
            "只有管理局管理员可以导入节假日安排。",
            "Only a regulator's administrator loads holiday schedules.",
        )
    years: list[int] = []
    with transaction.atomic():
        for schedule in schedules:
            row = HolidaySchedule.objects.select_for_update().filter(year=schedule.year).first()
            before = _schedule_values(row) if row is not None else {}
            row = row or HolidaySchedule(year=schedule.year)
            row.official = schedule.official
            row.source = schedule.source
            row.data = schedule_to_data(schedule)
            row.loaded_by = loaded_by
            row.save()
            old, new = _diff(before, _schedule_values(row))
            note_change(actor, row, "calendar.load", old, new, label=str(schedule.year))
            years.append(schedule.year)
    # This process sees the change at once; others within RECHECK_SECONDS.
    clear_cache()
    transaction.on_commit(clear_cache)
    return sorted(years)
