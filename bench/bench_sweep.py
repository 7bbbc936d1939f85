"""The daily reminder sweep with 1,000,000 licenses, 1% of them with a reminder due today.

Bulk-creates the licenses (``BENCH_LICENSES``, default 1,000,000; their
enterprises, one owner each, an agency with a consultant mandated for all, and
the cases the licenses hang on) in a fresh SQLite file in a temporary
directory. 99% expire more than a year out with their annual report due in
the next window (no reminder today); 1% expire on a day one of the renewal
thresholds falls on today. Then times the sweep (claim + in-app + email
through the locmem mailer), and a second sweep that must find nothing new.
Target: under 30 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
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


def run() -> None:
    n = int(os.environ.get("BENCH_LICENSES", "") or 1_000_000)
    workdir = tempfile.TemporaryDirectory(prefix="icpdesk-bench-sweep-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir.name) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpdesk.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        due = _generate(n)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"sweep: {n:,} licenses ({due:,} with a reminder today) in {time.perf_counter() - started:.1f} s"
        )
        from icpdesk.notifications.models import Notification, Reminder
        from icpdesk.notifications.sweep import run as sweep

        started = time.perf_counter()
        result = sweep(TODAY)
        total = time.perf_counter() - started
        print(
            f"sweep: {total:.2f} s for {result.claimed:,} reminders "
            f"(find + claim + in-app {result.seconds['claim']:.2f} s, "
            f"email {result.seconds.get('deliver', 0):.2f} s: {result.delivered.get('sent', 0):,} sent), "
            f"{Notification.objects.count():,} notifications; target < 30 s",
            flush=True,
        )
        if result.claimed != due or Reminder.objects.count() != due or len(mail.outbox) != 2 * due:
            raise SystemExit(f"sweep: expected {due} reminders and {2 * due} emails, got {result.as_dict()}")
        started = time.perf_counter()
        again = sweep(TODAY)
        print(f"sweep: second run {time.perf_counter() - started:.2f} s, {again.claimed} new", flush=True)
    finally:
        connection.close()
        workdir.cleanup()


if __name__ == "__main__":
    if sys.argv[1:] == ["run"]:
        run()
    else:
        main()
