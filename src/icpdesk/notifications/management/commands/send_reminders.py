"""The daily reminder sweep, for a cron job or a systemd timer: ``icpdesk manage send_reminders``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from icpdesk.notifications.sweep import LOOKBACK_DAYS, run


class Command(BaseCommand):
    help = (
        "Claim every reminder that is due (each duty and threshold once) and hand its emails and "
        "webhook posts, with the failed ones due again, to the task workers in batches."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="the day to sweep for, YYYY-MM-DD (default: today)")
        parser.add_argument("--lookback", type=int, default=LOOKBACK_DAYS, help="days to look back")
        parser.add_argument(
            "--no-deliver", action="store_true", help="claim only; enqueue no delivery batches"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today: {error}") from error
        from icpdesk.licenses.sweep import apply_due_transitions

        # License states first (lapse, bad record, expiry), so today's reminders see them.
        states = apply_due_transitions(today)
        self.stdout.write("licenses: " + ", ".join(f"{k} {v}" for k, v in states.items()))
        result = run(today, lookback=options["lookback"], deliver=not options["no_deliver"])
        figures = ", ".join(f"{k} {v}" for k, v in result.as_dict().items())
        self.stdout.write(f"reminders: {figures}")
