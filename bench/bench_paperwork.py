"""Paperwork: the weekly progress reports of an agency with 20,000 clients, in Word and in PDF.

A fresh SQLite database and media folder in a temporary directory, filled by
``bench.generate`` (one agency with a mandate for every enterprise, two cases
per client over every state) plus one audit event per case in the last seven
days, so every report has a week to tell. The agency's whole batch is then
built as the background task builds it (``services.build_weekly_batch``: one
ZIP, every client's report rendered and written into it), once in Word and
once in PDF, and timed.

By default a sample of ``BENCH_PAPERWORK_CLIENTS`` = 200 clients is measured
and the time for 20,000 is extrapolated (the work is linear in the number of
clients: three queries per chunk of 500 and one render per client);
``BENCH_PAPERWORK_CLIENTS=20000`` runs the full size.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

TARGET_CLIENTS = 20_000


def main() -> None:
    clients = int(os.environ.get("BENCH_PAPERWORK_CLIENTS", "") or 200)
    root = Path(tempfile.mkdtemp(prefix="icpdesk-bench-paperwork-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{root / 'bench.sqlite3'}"
    os.environ["ICPDESK_MEDIA_ROOT"] = str(root / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpdesk.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from bench.generate import generate
    from icpdesk.cases.models import Application, AuditEvent
    from icpdesk.paperwork import services
    from icpdesk.paperwork.models import GeneratedDocument

    settings.MEDIA_ROOT = str(root / "media")
    try:
        call_command("migrate", verbosity=0)
        desk = generate(enterprises=clients, cases=clients * 2)
        now = timezone.now()
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    application_id=pk,
                    at=now - timedelta(days=pk % 6),
                    actor_name="bench",
                    actor_org=desk.agency.name,
                    action="comment",
                    reason="本周跟进",
                )
                for pk in Application.objects.values_list("pk", flat=True)
            ],
            batch_size=2_000,
        )
        print(
            f"data: {desk.enterprises:,} clients, {desk.cases:,} cases, one event per case this week "
            f"({desk.seconds:.1f} s to generate)",
            flush=True,
        )
        today = timezone.localdate()
        for fmt in ("docx", "pdf"):
            batch = GeneratedDocument.objects.create(
                agency=desk.agency,
                document_id=services.BATCH,
                format="zip",
                status=GeneratedDocument.Status.PENDING,
                created_by=desk.consultant,
                filename=f"bench-{fmt}.zip",
            )
            started, cpu = time.perf_counter(), time.process_time()
            done = services.build_weekly_batch(batch.pk, fmt, today)
            seconds = time.perf_counter() - started
            cpu_seconds = time.process_time() - cpu
            rate = done.count / seconds if seconds else 0.0
            line = (
                f"{fmt}: {done.count:,} reports in {seconds:.1f} s ({rate:.1f} documents/s, "
                f"CPU {cpu_seconds:.1f} s), ZIP {done.size / 1048576:.1f} MB"
            )
            if done.count < TARGET_CLIENTS:
                projected = TARGET_CLIENTS / rate if rate else float("inf")
                line += (
                    f"; sample of {done.count:,} clients, extrapolated to {TARGET_CLIENTS:,} clients: "
                    f"{projected:,.0f} s ({projected / 60:.1f} min) in one worker"
                )
            print(line, flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
