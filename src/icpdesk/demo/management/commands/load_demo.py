from typing import Any

from django.core.management.base import BaseCommand

from icpdesk.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the demo organisations, people and cases (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_demo()
        summary = ", ".join(f"{kind}: {count}" for kind, count in created.items())
        self.stdout.write(f"demo data loaded (created {summary})")
