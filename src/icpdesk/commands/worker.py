"""``icpdesk worker``: a task worker that runs the desk's background tasks."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="run a task worker (checks, reminders, documents)",
        description=(
            "Run a task worker of Django's Tasks API on the database backend. Start as many as needed, "
            "on as many machines as needed, against the same database."
        ),
    )
    parser.add_argument("--queue-name", default="*", help="queue to work on (default: all)")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls (default 1)")
    parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")
    parser.set_defaults(func=run)


def start_reminder_sweeps() -> bool:
    """Queue the reminder sweep to run now, once; True when this call queued it.

    A desk whose workers run needs no scheduler: the sweep a worker queues at
    start sends what fell due while no worker ran, and each sweep, once done,
    queues the next day's (``icpdesk.notifications.tasks.daily_sweep``).
    Several workers starting together queue one sweep for now, and a sweep that
    runs twice sends nothing twice (its claims are exactly-once).
    """
    from icpdesk.notifications.tasks import daily_sweep

    if _sweep_ready_now():
        return False
    daily_sweep.enqueue()
    return True


def _sweep_ready_now() -> bool:
    """Is a reminder sweep queued that may run now? Known for the database backend only."""
    from icpdesk.notifications.tasks import daily_sweep

    if type(daily_sweep.get_backend()).__module__.split(".")[0] != "django_tasks_db":
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().filter(task_path=daily_sweep.module_path).exists()


def run(args: argparse.Namespace) -> int:
    from icpdesk.lib.setup import setup_django

    setup_django()
    from django.core.management import call_command

    from icpdesk.commands.keys import verify_at_start

    if code := verify_at_start():
        return code

    from icpdesk.monitoring.tasks import schedule_next_sweep as schedule_next_scan_sweep

    start_reminder_sweeps()
    schedule_next_scan_sweep()
    options: dict[str, Any] = {"queue_name": args.queue_name, "interval": args.interval}
    if args.batch:
        options["batch"] = True
    call_command("db_worker", **options)
    return 0
