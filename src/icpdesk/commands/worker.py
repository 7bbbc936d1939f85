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


def run(args: argparse.Namespace) -> int:
    from icpdesk.lib.setup import setup_django

    setup_django()
    from django.core.management import call_command

    from icpdesk.commands.keys import verify_at_start

    if code := verify_at_start():
        return code

    from icpdesk.monitoring.tasks import schedule_next_sweep as schedule_next_scan_sweep
    from icpdesk.notifications.tasks import schedule_next_sweep

    # The daily reminder sweep and the site-scan sweep re-enqueue themselves; make sure both wait.
    schedule_next_sweep()
    schedule_next_scan_sweep()
    options: dict[str, Any] = {"queue_name": args.queue_name, "interval": args.interval}
    if args.batch:
        options["batch"] = True
    call_command("db_worker", **options)
    return 0
