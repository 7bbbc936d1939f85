"""The daily reminder sweep with 1,000,000 licenses, 1% of them with a reminder due today.

Bulk-creates the licenses (``BENCH_LICENSES``, default 1,000,000; their
enterprises, one owner each, an agency with a consultant mandated for all, and
the cases the licenses hang on) in a fresh SQLite file in a temporary
directory. 99% expire more than a year out with their annual report due in
the next window (no reminder today); 1% expire on a day one of the renewal
thresholds falls on today. Then times the sweep (find + claim + in-app, and
handing the emails to the task queue in batches), and a task worker in this
process sending the batches, twice: through the locmem mailer, and through a
real SMTP server on loopback that counts its connections (the reminders are
deleted in between, so the second sweep claims them anew). Last, a sweep that
must find nothing new. Target: under 30 s. The machine's speed probe is
printed before and after.
"""

from __future__ import annotations

import os
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import timeit
from datetime import date, timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHUNK = 20_000
TODAY = date(2026, 7, 15)


def main() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(PROJECT_DIR), str(PROJECT_DIR / "src"), env.get("PYTHONPATH", "")])
    )
    env.setdefault("ICPDESK_LOG_LEVEL", "ERROR")
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_sweep", "run"], cwd=PROJECT_DIR, env=env, check=False
    )
    if result.returncode:
        print(f"sweep: the benchmark failed (exit {result.returncode})", flush=True)


def _due_expiries() -> list[date]:
    """Expiry dates on which a renewal reminder falls today (Gansu pack: 6 months, 90 days)."""
    from icpdesk.core.periods import add_months

    days = [TODAY + timedelta(days=90 + o) for o in (30, 7, 1, -1)]
    days += [add_months(TODAY + timedelta(days=o), 6) for o in (30, 0)]
    return days


def _generate(n: int) -> int:
    from django.db import transaction

    from bench.generate import certificate_applications
    from icpdesk.accounts.models import Mandate, Organisation, User
    from icpdesk.enterprises.models import Enterprise
    from icpdesk.licenses.models import License

    n_enterprises = max(1, min(20_000, n // 50))
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            [Organisation(kind="enterprise", name=f"基准企业{i}有限公司") for i in range(n_enterprises)],
            batch_size=5000,
        )
        enterprises = Enterprise.objects.bulk_create(
            [
                Enterprise(organisation=o, name=o.name, uscc=f"91620102{i:09d}X"[:18], province_code="CN-GS")
                for i, o in enumerate(orgs)
            ],
            batch_size=5000,
        )
        User.objects.bulk_create(
            [
                User(username=f"owner{i}", organisation=o, roles=["owner"], email=f"owner{i}@example.cn")
                for i, o in enumerate(orgs)
            ],
            batch_size=5000,
        )
        agency = Organisation.objects.create(kind="agency", name="基准代办机构")
        User.objects.create(
            username="consultant", organisation=agency, roles=["consultant"], email="c@example.cn"
        )
        Mandate.objects.bulk_create(
            [Mandate(agency=agency, enterprise=e) for e in enterprises], batch_size=5000
        )
    due_days = _due_expiries()
    due = 0
    for base in range(0, n, CHUNK):
        rows = range(base, min(n, base + CHUNK))
        with transaction.atomic():
            apps = certificate_applications("S", rows, enterprises)
            licenses = []
            for i, app in zip(rows, apps, strict=True):
                if i % 100 == 0:  # 1%: a renewal reminder today
                    expires = due_days[(i // 100) % len(due_days)]
                    due += 1
                else:
                    expires = TODAY + timedelta(days=400 + i % 1400)
                enterprise = enterprises[i % n_enterprises]
                licenses.append(
                    License(
                        number=f"甘B2-2025{i:07d}",
                        holder=enterprise,
                        holder_name=enterprise.name,
                        application=app,
                        license_type="B25",
                        province_code="CN-GS",
                        issued_on=expires - timedelta(days=1826),
                        expires_on=expires,
                        annual_report_due_on=date(2027, 3, 31),
                    )
                )
            License.objects.bulk_create(licenses, batch_size=5000)
        if (base // CHUNK) % 10 == 0:
            print(f"sweep: generated {min(n, base + CHUNK):,} licenses", flush=True)
    return due


def _probe() -> float:
    return min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6


class _Smtp(socketserver.StreamRequestHandler):
    """Enough SMTP for smtplib; counts connections and messages on the server."""

    def handle(self) -> None:
        counts = self.server.counts  # type: ignore[attr-defined]
        counts["connections"] += 1
        self.wfile.write(b"220 bench ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-bench\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                counts["messages"] += 1
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


def _drain() -> int:
    """A task worker in this process until the queue is empty; the tasks it ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    before = DBTaskResult.objects.exclude(status="READY").count()
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="bench-worker",
        excluded_queue_names=[],
    ).run()
    return DBTaskResult.objects.exclude(status="READY").count() - before


def run() -> None:
    n = int(os.environ.get("BENCH_LICENSES", "") or 1_000_000)
    workdir = tempfile.TemporaryDirectory(prefix="icpdesk-bench-sweep-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir.name) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpdesk.settings")
    import django

    django.setup()
    import logging

    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection

    logging.getLogger("django_tasks_db").setLevel(logging.ERROR)
    logging.getLogger("django.tasks").setLevel(logging.ERROR)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    server.daemon_threads = True
    server.counts = {"connections": 0, "messages": 0}  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    mailers = {
        "locmem": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
        "SMTP on loopback": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.server_address[1], "timeout": 30},
        },
    }
    try:
        before = _probe()
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        due = _generate(n)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"sweep: {n:,} licenses ({due:,} with a reminder today) in {time.perf_counter() - started:.1f} s"
        )
        from icpdesk.notifications.models import Delivery, Notification, Reminder
        from icpdesk.notifications.sweep import run as sweep

        for label, mailer in mailers.items():
            Reminder.objects.all().delete()  # the same reminders, claimed anew
            settings.MAILERS = {"default": mailer}
            mail.outbox = []
            server.counts.update(connections=0, messages=0)  # type: ignore[attr-defined]
            started = time.perf_counter()
            result = sweep(TODAY)
            swept = time.perf_counter() - started
            started = time.perf_counter()
            tasks = _drain()
            sent = time.perf_counter() - started
            emails = len(mail.outbox) if label == "locmem" else server.counts["messages"]  # type: ignore[attr-defined]
            opened = "" if label == "locmem" else f", {server.counts['connections']:,} SMTP connections"  # type: ignore[attr-defined]
            print(
                f"sweep ({label}): {swept + sent:.2f} s for {result.claimed:,} reminders: the sweep "
                f"{swept:.2f} s (find + claim + in-app {result.seconds['claim']:.2f} s, "
                f"{result.batches} batches enqueued {result.seconds.get('enqueue', 0):.2f} s), "
                f"one worker {sent:.2f} s ({tasks} tasks, {emails:,} emails{opened}), "
                f"{Notification.objects.count():,} notifications; target < 30 s",
                flush=True,
            )
            unsent = Delivery.objects.exclude(state=Delivery.State.SENT).count()
            if result.claimed != due or Reminder.objects.count() != due or emails != 2 * due or unsent:
                raise SystemExit(
                    f"sweep: expected {due} reminders and {2 * due} emails, got {result.as_dict()}"
                )
        started = time.perf_counter()
        again = sweep(TODAY)
        print(
            f"sweep: second run {time.perf_counter() - started:.2f} s, {again.claimed} new, "
            f"{again.batches} batches",
            flush=True,
        )
        after = _probe()
        print(f"sweep: machine speed probe, sum(range(1000)): {before:.1f} µs before, {after:.1f} µs after")
    finally:
        server.shutdown()
        connection.close()
        workdir.cleanup()


if __name__ == "__main__":
    if sys.argv[1:] == ["run"]:
        run()
    else:
        main()
