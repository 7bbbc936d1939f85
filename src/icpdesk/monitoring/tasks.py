"""Scans on the task workers (Django's Tasks API).

``run_scans`` reads a batch of queued scans concurrently; ``weekly_sweep``
queues the day's share of the valid licenses (each license has a weekday, so
the week's scans spread over seven days) and enqueues itself for the next day
at ``MONITORING_SWEEP_HOUR`` local time, so a desk whose workers run needs no
cron. Both may run any number of times at once: a scan is claimed before it
runs, and a license's weekly scan of a day is claimed by inserting it.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)


@task()
def run_scans(ids: list[int]) -> dict[str, int]:
    from icpdesk.monitoring.services import run

    return run(ids)


@task()
def weekly_sweep(today_iso: str = "", reschedule: bool = True) -> dict[str, int]:
    from icpdesk.monitoring.services import sweep

    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    try:
        return sweep(today)
    finally:
        if reschedule:
            schedule_next_sweep(today)


def next_sweep_at(today: date) -> datetime:
    hour = int(getattr(settings, "MONITORING_SWEEP_HOUR", 2))
    return timezone.make_aware(datetime.combine(today + timedelta(days=1), time(hour)))


def schedule_next_sweep(today: date | None = None) -> bool:
    """Enqueue the next day's sweep unless one is already waiting; True when one was enqueued."""
    if not getattr(settings, "MONITORING_ENABLED", True):
        return False
    today = today or timezone.localdate()
    if _sweep_waiting():
        return False
    try:
        weekly_sweep.using(run_after=next_sweep_at(today)).enqueue()
    except Exception:
        logger.exception("could not enqueue the next site-scan sweep")
        return False
    return True


def _sweep_waiting() -> bool:
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover
        return False

    # The task's own backend: django.tasks.default_task_backend is a proxy whose type says nothing.
    if not isinstance(weekly_sweep.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(task_path=weekly_sweep.module_path, status="READY").exists()
