"""The reminder work on the task workers (Django's Tasks API).

``daily_sweep`` runs the sweep, which claims what is due and enqueues
``deliver_batch`` tasks of ``DELIVERY_BATCH`` deliveries each, and enqueues
itself for the next day at ``SWEEP_HOUR`` local time, so a desk whose workers
run needs no cron. ``deliver_batch`` sends its emails through one mail
connection and its webhook posts, marks each delivery sent or failed, and
enqueues the retry of the failed ones at their next attempt; ``deliver`` sends
the given (or every due) delivery. All are safe to run any number of times at
once: the claims and deliveries are exactly-once on their own (see
:mod:`icpdesk.notifications.services`).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)

SWEEP_HOUR = 6


@task()
def deliver(ids: list[int] | None = None) -> dict[str, int]:
    from icpdesk.notifications.services import deliver_due

    return deliver_due(ids=ids)


@task()
def deliver_batch(ids: list[int]) -> dict[str, int]:
    from icpdesk.notifications import services

    counts = services.deliver_batch(ids)
    if counts["failed"]:
        services.retry_later(ids)
    return counts


@task()
def daily_sweep(today_iso: str = "", reschedule: bool = True) -> dict[str, object]:
    from icpdesk.licenses.sweep import apply_due_transitions
    from icpdesk.notifications.sweep import run

    today = date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    try:
        states = apply_due_transitions(today)
        return {"licenses": states, **run(today).as_dict()}
    finally:
        if reschedule:
            schedule_next_sweep(today)


def next_sweep_at(today: date) -> datetime:
    return timezone.make_aware(datetime.combine(today + timedelta(days=1), time(SWEEP_HOUR)))


def schedule_next_sweep(today: date | None = None) -> bool:
    """Enqueue the next day's sweep unless one is already waiting; True when one was enqueued."""
    today = today or timezone.localdate()
    if _sweep_waiting():
        return False
    try:
        daily_sweep.using(run_after=next_sweep_at(today)).enqueue()
    except Exception:
        logger.exception("could not enqueue the next reminder sweep")
        return False
    return True


def _sweep_waiting() -> bool:
    """Is a sweep already queued? Known for the database backend; assumed not for the others."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover
        return False
    # The backend itself: ``default_task_backend`` is a proxy whose own type says nothing.
    if type(daily_sweep.get_backend()).__module__.split(".")[0] != "django_tasks_db":
        return False
    return DBTaskResult.objects.filter(task_path=daily_sweep.module_path, status="READY").exists()
