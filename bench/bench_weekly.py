"""Weekly reports of an agency's whole book on the task workers: one and two worker processes, Word and PDF.

Needs PostgreSQL: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/icpdesk python -m bench weekly``
(or ``python bench/bench_weekly.py --clients 2000``). A fresh database
``<name>_bench_weekly`` is created beside the one named (and dropped at the
end), filled by ``bench.generate`` (one agency with a mandate for every
enterprise, two cases per client over every state) plus one audit event per
case in the last seven days, so every report has a week to tell.

For each format and each number of workers, the batch is started as the page
starts it (``services.start_weekly_batch``: the chunks are written and queued
after commit) once that many ``icpdesk worker`` processes are up and waiting;
the time is from the start to the batch's ZIP being ready. Printed: the total,
the time per chunk (median and slowest, from the chunks' own records), the
documents per second and the speed-up of two workers over one.

``--clients`` (or ``BENCH_WEEKLY_CLIENTS``) sets the book's size, 20,000 by
default. A book smaller than 20 chunks of 200 is split into 20 chunks, so two
workers have work to share; the chunk size used is printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
TARGET_CLIENTS = 20_000
TARGET_SECONDS = 15 * 60


def _database(url: str) -> tuple[str, str]:
    """A fresh database beside the one ``url`` names: its URL and name."""
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    bench = f"{name.split('?')[0] or 'icpdesk'}_bench_weekly"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(bench)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(bench)))
    return f"{base}/{bench}", bench


def _drop(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    base = url.rpartition("/")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _workers(count: int, env: dict[str, str], logs: Path) -> list[subprocess.Popen[bytes]]:
    """``count`` worker processes, returned once each says it is waiting for tasks."""
    files = [logs / f"worker-{time.monotonic_ns()}-{n}.log" for n in range(count)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "icpdesk.cli", "worker", "--interval", "0.2"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        for log in files
    ]
    deadline = time.monotonic() + 120
    while not all("Starting worker" in f.read_text(errors="replace") for f in files):
        if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
            _stop(processes)
            raise SystemExit("the workers did not start:\n" + "\n".join(f.read_text() for f in files))
        time.sleep(0.2)
    return processes


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--clients", type=int, default=int(os.environ.get("BENCH_WEEKLY_CLIENTS", "") or TARGET_CLIENTS)
    )
    parser.add_argument("--formats", default="docx,pdf", help="comma-separated: docx, pdf")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    args = parser.parse_args(argv if argv is not None else [])
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("weekly: skipped, needs DATABASE_URL=postgres://… (the workers share a PostgreSQL)", flush=True)
        return
    root = Path(tempfile.mkdtemp(prefix="icpdesk-bench-weekly-"))
    bench_url, bench_name = _database(url)
    os.environ["DATABASE_URL"] = bench_url
    os.environ["ICPDESK_MEDIA_ROOT"] = str(root / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpdesk.settings")
    sys.path.insert(0, str(PROJECT_DIR))
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    try:
        _run(args, root)
    finally:
        from django.db import connections

        connections.close_all()
        _drop(url, bench_name)
        shutil.rmtree(root, ignore_errors=True)


def _run(args: argparse.Namespace, root: Path) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from bench.bench_assess import _probe
    from bench.generate import generate
    from icpdesk.cases.models import Application, AuditEvent
    from icpdesk.paperwork import services
    from icpdesk.paperwork.models import GeneratedDocument, WeeklyChunk

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    call_command("migrate", verbosity=0)
    desk = generate(enterprises=args.clients, cases=args.clients * 2)
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
    services.CHUNK = min(services.CHUNK, max(1, -(-args.clients // 20)))
    print(
        f"data: {desk.enterprises:,} clients, {desk.cases:,} cases, one event per case this week "
        f"({desk.seconds:.1f} s to generate); {services.CHUNK} clients a chunk "
        f"({-(-desk.enterprises // services.CHUNK)} chunks)",
        flush=True,
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT_DIR / "src"), str(PROJECT_DIR)])}
    for fmt in [f.strip() for f in args.formats.split(",") if f.strip()]:
        seconds: dict[int, float] = {}
        for count in [int(w) for w in args.workers.split(",") if w.strip()]:
            processes = _workers(count, env, root)
            before = _probe()
            try:
                started = time.perf_counter()
                batch = services.start_weekly_batch(desk.consultant, fmt)
                while True:
                    status = GeneratedDocument.objects.values_list("status", flat=True).get(pk=batch.pk)
                    if status != GeneratedDocument.Status.PENDING:
                        break
                    time.sleep(0.5)
                took = time.perf_counter() - started
            finally:
                _stop(processes)
            after = _probe()
            batch.refresh_from_db()
            if batch.status != GeneratedDocument.Status.READY:
                print(f"{fmt}, {count} worker(s): the batch failed: {batch.error}", flush=True)
                continue
            seconds[count] = took
            per_chunk = list(WeeklyChunk.objects.filter(batch=batch).values_list("seconds", flat=True))
            line = (
                f"{fmt}, {count} worker{'s' if count != 1 else ''}: {batch.count:,} reports in {took:.1f} s "
                f"({batch.count / took:.1f} documents/s), "
                f"per chunk median {statistics.median(per_chunk):.1f} s, "
                f"slowest {max(per_chunk):.1f} s, ZIP {batch.size / 1048576:.1f} MB"
            )
            if batch.count < TARGET_CLIENTS:
                projected = took * TARGET_CLIENTS / batch.count
                line += (
                    f"; {TARGET_CLIENTS:,} clients at this rate: {projected:,.0f} s "
                    f"({projected / 60:.1f} min, "
                    f"target {TARGET_SECONDS // 60} min with two workers)"
                )
            print(line, flush=True)
            print(
                f"   machine speed probe, sum(range(1000)): {before:.1f} µs before, {after:.1f} µs after; "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
                flush=True,
            )
        if 1 in seconds and 2 in seconds:
            print(
                f"{fmt}: two workers {seconds[1] / seconds[2]:.2f} times as fast as one (target 1.8)",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
