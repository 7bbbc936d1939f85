"""Assessing an agency's whole book: 20,000 clients from their stored profiles, end to end.

Generates ``BENCH_BULK_CLIENTS`` clients (default 20,000) of one agency with
``bench.generate`` (each with a security manager, some with a violation), in a
fresh SQLite file and, when ``BENCH_DATABASE_URL`` is set (for example
``postgres://postgres@127.0.0.1:5432/icpdesk_bench_bulk``), in that PostgreSQL
database, dropped and created for the run and dropped after it. Each database
runs in its own process.

Measured: ``start_book_assessment`` + ``run_book_assessment`` as the task runs
them (reading every client with its staff, violations and bans, the core engine,
and writing one ``EligibilityAssessment`` a client), best and median of
``BENCH_BULK_REPEAT`` runs (default 3), wall and CPU time, with the machine
speed probe of ``bench_assess`` before and after. Target: under 30 s.

With ``BENCH_BULK_IMPORT_ROWS`` (default 2,000; 0 skips it) an import of that
many new clients through the page's path (workbook → checks → actions with
change records) is timed too, and its rows per second printed.
"""

from __future__ import annotations

import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_assess import _probe
from bench.bench_cases import _create_postgres, _env_int

TARGET_S = 30.0
PROJECT_DIR = Path(__file__).resolve().parent.parent


def main() -> None:
    targets: list[tuple[str, str]] = [("sqlite", "")]
    postgres = os.environ.get("BENCH_DATABASE_URL", "")
    if postgres:
        targets.append(("postgresql", postgres))
    else:
        print("postgresql: skipped (set BENCH_DATABASE_URL to run it)", flush=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), env.get("PYTHONPATH", "")]))
    env.setdefault("ICPDESK_LOG_LEVEL", "ERROR")
    for label, url in targets:
        result = subprocess.run(
            [sys.executable, "-m", "bench.bench_bulk", label, url], cwd=PROJECT_DIR, env=env, check=False
        )
        if result.returncode:
            print(f"{label}: the benchmark failed (exit {result.returncode})", flush=True)


def _staff_and_history(enterprises: list[object]) -> None:
    from datetime import date

    from icpdesk.enterprises.models import SecurityStaff, Violation

    staff = []
    violations = []
    for i, firm in enumerate(enterprises):
        staff.append(
            SecurityStaff(
                enterprise=firm,
                name=f"安全员{i}",
                major="网络空间安全" if i % 7 else "市场营销",
                certificates=["CISSP"] if i % 5 else [],
                full_time=i % 11 != 0,
                insured_province="甘肃省",
                insured_months=6,
            )
        )
        if i % 13 == 0:
            violations.append(Violation(enterprise=firm, date=date(2025, 6, 1), description="发布虚假广告"))
    SecurityStaff.objects.bulk_create(staff, batch_size=2000)
    Violation.objects.bulk_create(violations, batch_size=2000)


def _import_rows(label: str, agency: object, consultant: object, rows: int) -> None:
    from openpyxl import Workbook
    from stdnum.cn import uscc

    from icpdesk.bulk.imports import run_import, start_import

    book = Workbook(write_only=True)
    ws = book.create_sheet("企业")
    ws.append(
        ["统一社会信用代码", "企业名称", "企业类型", "注册省份", "所在市州", "成立日期", "注册资本（元）"]
    )
    for i in range(rows):
        body = f"91620105{900_000_000 + i:09d}"[:17]
        ws.append(
            [
                body + uscc.calc_check_digit(body),
                f"兰州导入基准{i}有限公司",
                "有限责任公司",
                "甘肃省",
                "兰州市",
                "2023/5/10",
                "100万",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    started, cpu = time.perf_counter(), time.process_time()
    run = start_import(agency, consultant, data, "bench.xlsx", enqueue=False)  # type: ignore[arg-type]
    report = run_import(run)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{label}: import of {rows:,} new clients: {wall:.1f} s wall, {cpu:.1f} s CPU, "
        f"{rows / wall:,.0f} rows/s (created {report.get('created')}, "
        f"errors {len(report.get('errors', []))})",
        flush=True,
    )
    started = time.perf_counter()
    run = start_import(agency, consultant, data, "bench.xlsx", enqueue=False)  # type: ignore[arg-type]
    report = run_import(run)
    wall = time.perf_counter() - started
    print(
        f"{label}: the same file again: {wall:.1f} s, {rows / wall:,.0f} rows/s "
        f"(unchanged {report.get('unchanged')})",
        flush=True,
    )


def run(label: str, url: str) -> None:
    clients = _env_int("BENCH_BULK_CLIENTS", 20_000)
    repeat = _env_int("BENCH_BULK_REPEAT", 3)
    import_rows = _env_int("BENCH_BULK_IMPORT_ROWS", 2_000)
    workdir = tempfile.TemporaryDirectory(prefix="icpdesk-bench-bulk-")
    drop = None
    if url:
        drop = _create_postgres(url)
    else:
        url = f"sqlite:///{Path(workdir.name) / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ["MEDIA_ROOT"] = str(Path(workdir.name) / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpdesk.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.generate import generate
    from icpdesk.bulk.book import run_book_assessment, start_book_assessment
    from icpdesk.enterprises.models import EligibilityAssessment, Enterprise

    try:
        call_command("migrate", verbosity=0)
        desk = generate(enterprises=clients, cases=0)
        _staff_and_history(list(Enterprise.objects.order_by("pk")))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"{label}: {desk.enterprises:,} clients generated in {desk.seconds:.1f} s", flush=True)
        before = _probe()
        walls: list[float] = []
        cpus: list[float] = []
        verdicts: dict[str, int] = {}
        for _ in range(repeat):
            started, cpu = time.perf_counter(), time.process_time()
            book = start_book_assessment(desk.agency, desk.consultant, enqueue=False)
            book = run_book_assessment(book)
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
            verdicts = book.verdicts
        after = _probe()
        kept = EligibilityAssessment.objects.count()
        best = min(walls)
        verdict = "ok" if best < TARGET_S else f"OVER {TARGET_S:.0f} s"
        print(
            f"{label}: book assessment of {book.total:,} clients: best {best:.1f} s, median "
            f"{statistics.median(walls):.1f} s, worst {max(walls):.1f} s wall; CPU best {min(cpus):.1f} s; "
            f"{book.total / best:,.0f} clients/s ({verdict}); {kept:,} eligibility runs kept; {verdicts}",
            flush=True,
        )
        print(
            f"{label}: machine speed probe, sum(range(1000)): {before:.1f} µs before, {after:.1f} µs after",
            flush=True,
        )
        if import_rows:
            _import_rows(label, desk.agency, desk.consultant, import_rows)
    finally:
        connection.close()
        if drop is not None:
            drop()
        workdir.cleanup()


if __name__ == "__main__":
    if len(sys.argv) >= 2:
        run(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")
    else:
        main()
