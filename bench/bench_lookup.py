"""The public license lookup by number with 1,000,000 licenses.

Bulk-creates the licenses (``BENCH_LICENSES``, default 1,000,000; their
enterprises and cases with them) in a fresh SQLite file in a temporary
directory, then times 1,000 lookups of random existing numbers through the
test client against ``/licenses/verify/`` (the public page) and
``/api/v1/public/licenses`` (the JSON API, when mounted), rate limiter
included. Target: under 20 ms at the median.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHUNK = 20_000


def main() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(PROJECT_DIR), str(PROJECT_DIR / "src"), env.get("PYTHONPATH", "")])
    )
    env.setdefault("ICPDESK_LOG_LEVEL", "ERROR")
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_lookup", "run"], cwd=PROJECT_DIR, env=env, check=False
    )
    if result.returncode:
        print(f"lookup: the benchmark failed (exit {result.returncode})", flush=True)


def _generate(n: int) -> list[str]:
    from django.db import transaction

    from bench.generate import certificate_applications
    from icpdesk.accounts.models import Organisation
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
    numbers: list[str] = []
    start = date(2021, 1, 4)
    for base in range(0, n, CHUNK):
        rows = range(base, min(n, base + CHUNK))
        with transaction.atomic():
            apps = certificate_applications("B", rows, enterprises)
            licenses = []
            for i, app in zip(rows, apps, strict=True):
                issued = start + timedelta(days=i % 1800)
                number = f"甘B2-{issued.year}{i:07d}"
                numbers.append(number)
                enterprise = enterprises[i % n_enterprises]
                licenses.append(
                    License(
                        number=number,
                        holder=enterprise,
                        holder_name=enterprise.name,
                        application=app,
                        license_type="B25",
                        province_code="CN-GS",
                        domains=[f"shop{i}.example.cn"],
                        service_scope="甘肃省",
                        issued_on=issued,
                        expires_on=issued + timedelta(days=1826),
                        annual_report_due_on=date(issued.year + 1, 3, 31),
                    )
                )
            License.objects.bulk_create(licenses, batch_size=5000)
        if (base // CHUNK) % 10 == 0:
            print(f"lookup: generated {min(n, base + CHUNK):,} licenses", flush=True)
    return numbers


def _time(client: object, path: str, numbers: list[str], count: int) -> tuple[float, float]:
    rng = random.Random(7)
    times = []
    for _ in range(count):
        number = rng.choice(numbers)
        started = time.perf_counter()
        response = client.get(path, {"number": number})  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} for {number}")
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def run() -> None:
    n = int(os.environ.get("BENCH_LICENSES", "") or 1_000_000)
    lookups = int(os.environ.get("BENCH_LOOKUPS", "") or 1000)
    workdir = tempfile.TemporaryDirectory(prefix="icpdesk-bench-lookup-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir.name) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpdesk.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    settings.PUBLIC_LOOKUP_PER_MINUTE = 10**9
    settings.ALLOWED_HOSTS = ["*"]
    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        numbers = _generate(n)
        print(f"lookup: {n:,} licenses in {time.perf_counter() - started:.1f} s", flush=True)
        client = Client()
        paths = ["/licenses/verify/"]
        if client.get("/api/v1/public/licenses", {"number": numbers[0]}).status_code != 200:
            # Not mounted in icpdesk/api/main.py yet: mount it as the tests do.
            from django.urls import clear_url_caches

            settings.ROOT_URLCONF = "tests.licenses.urls"
            clear_url_caches()
            print("lookup: api mounted through tests.licenses.urls", flush=True)
        paths.append("/api/v1/public/licenses")
        for path in paths:
            _time(client, path, numbers, 20)  # warm up
            p50, p95 = _time(client, path, numbers, lookups)
            print(f"lookup {path}: p50 {p50:.2f} ms, p95 {p95:.2f} ms over {lookups:,} lookups", flush=True)
    finally:
        connection.close()
        workdir.cleanup()


if __name__ == "__main__":
    if sys.argv[1:] == ["run"]:
        run()
    else:
        main()
