"""Work queues and the case list API on a large desk (issue 3, "Speed").

Generates ``BENCH_CASES`` cases (default 100,000) across ``BENCH_ENTERPRISES``
enterprises (default 20,000) in a fresh SQLite file in a temporary directory,
then, when ``BENCH_DATABASE_URL`` is set (for example
``postgres://postgres@127.0.0.1:5432/icpdesk_bench``), again in that
PostgreSQL database, which is dropped and created for the run and dropped
after it. Each database runs in its own process, because Django binds its
database when it starts.

Measured with Django's test ``Client`` (``force_login``): the reviewer's,
inspector's, approver's and consultant's queue page ``/cases/`` and the API
case list ``/api/v1/cases``; ``BENCH_REQUESTS`` requests each (default 50)
after a warm-up, printing p50/p95 in milliseconds, this process's CPU time
(on a busy machine the fairer figure for SQLite, whose work is all in
process) and the queries per request. ``BENCH_SQLITE_PATH`` keeps the SQLite
file for a look afterwards. The queue querysets built on
``access.visible_applications`` are measured as well, so the database's
share is visible (and there is a figure while a page is not there yet).
Target: under 150 ms at the median.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

TARGET_MS = 150.0
PROJECT_DIR = Path(__file__).resolve().parent.parent


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, "") or default)


# --------------------------------------------------------------------- parent


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
            [sys.executable, "-m", "bench.bench_cases", label, url],
            cwd=PROJECT_DIR,
            env=env,
            check=False,
        )
        if result.returncode:
            print(f"{label}: the benchmark failed (exit {result.returncode})", flush=True)


# --------------------------------------------------------------------- child


def _percentiles(seconds: list[float]) -> tuple[float, float]:
    ms = sorted(t * 1000 for t in seconds)
    return statistics.median(ms), ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]


def _figure(label: str, times: list[float], cpu: list[float], queries: list[int]) -> None:
    """Wall-clock p50/p95, and this process's CPU time: on a busy machine the wall clock
    includes waiting for a CPU; on SQLite the CPU time is the request's own work."""
    p50, p95 = _percentiles(times)
    cpu50, _cpu95 = _percentiles(cpu)
    low, high = min(queries), max(queries)
    counted = f"{low}" if low == high else f"{low}-{high}"
    verdict = "ok" if p50 < TARGET_MS else f"OVER {TARGET_MS:.0f} ms"
    print(
        f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms (process CPU p50 {cpu50:.1f} ms), "
        f"{counted} queries/request ({verdict})",
        flush=True,
    )


def _measure(label: str, call: Callable[[], Any], requests: int, warmup: int = 5) -> bool:
    """Print the figures of ``call``; False (and say why) when it fails on its first try."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        call()
    except Exception as error:  # a page not written yet, or failing: say so, go on
        print(f"{label}: not measured ({error})", flush=True)
        return False
    for _ in range(warmup - 1):
        call()
    times: list[float] = []
    cpu: list[float] = []
    queries: list[int] = []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started, started_cpu = time.perf_counter(), time.process_time()
            call()
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        queries.append(len(captured))
    _figure(label, times, cpu, queries)
    return True


def _page_available(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _get(client: Any, path: str, **headers: str) -> Callable[[], Any]:
    def call() -> Any:
        response = client.get(path, **headers)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return response

    return call


def _queue_query(
    user: Any, role: str | None, *, deferred: bool = False, page_size: int = 50
) -> Callable[[], Any]:
    """The queue as a queryset: the page's database work, without the template.

    ``deferred``: the page's ids are picked by a narrow subquery (which an
    index can answer) and only those rows are joined and read in full, in the
    same single query, instead of sorting every wide row of the queue.
    """
    from django.db.models import F
    from django.utils import timezone

    from icpdesk.cases import access
    from icpdesk.cases.models import Application
    from icpdesk.core.lifecycle import QUEUE_ROLE

    order = (F("due_on").asc(nulls_last=True), "pk")

    def call() -> Any:
        cases = access.visible_applications(user)
        if role is not None:
            cases = cases.filter(state__in=[s.value for s, r in QUEUE_ROLE.items() if r == role])
        page = cases
        if deferred:
            page = Application.objects.filter(pk__in=cases.order_by(*order).values("pk")[:page_size])
        rows = list(page.select_related("enterprise").order_by(*order)[:page_size])
        return rows, cases.count(), cases.filter(due_on__lt=timezone.localdate()).count()

    return call


def _api_query(user: Any, page_size: int = 50) -> Callable[[], Any]:
    from icpdesk.cases import access

    def call() -> Any:
        cases = access.visible_applications(user)
        return list(cases.select_related("enterprise").order_by("-pk")[:page_size]), cases.count()

    return call


def _create_postgres(url: str) -> Callable[[], None]:
    """Drop and create the database the URL names; return how to drop it again."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit("BENCH_DATABASE_URL must name a database")
    maintenance = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))

    def drop() -> None:
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    drop()
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return drop


def run(label: str, url: str) -> None:
    n_cases = _env_int("BENCH_CASES", 100_000)
    n_enterprises = _env_int("BENCH_ENTERPRISES", 20_000)
    requests = _env_int("BENCH_REQUESTS", 50)
    workdir = tempfile.TemporaryDirectory(prefix="icpdesk-bench-")
    drop: Callable[[], None] | None = None
    if url:
        drop = _create_postgres(url)
    else:
        # BENCH_SQLITE_PATH keeps the database for a look afterwards (it is replaced).
        keep = os.environ.get("BENCH_SQLITE_PATH", "")
        path = Path(keep) if keep else Path(workdir.name) / "bench.sqlite3"
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpdesk.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench.generate import generate
    from icpdesk.accounts.models import ApiToken
    from icpdesk.core.lifecycle import APPROVER, INSPECTOR, REVIEWER

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"{label}: migrate {time.perf_counter() - started:.1f} s", flush=True)
        desk = generate(
            enterprises=n_enterprises,
            cases=n_cases,
            progress=lambda message: print(f"{label}: generate: {message}", flush=True),
        )
        print(
            f"{label}: generated {desk.enterprises:,} enterprises and {desk.cases:,} cases "
            f"in {desk.seconds:.1f} s",
            flush=True,
        )
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"{label}: analyze {time.perf_counter() - started:.1f} s", flush=True)

        people = [
            ("reviewer", desk.reviewer, REVIEWER),
            ("inspector", desk.inspector, INSPECTOR),
            ("approver", desk.approver, APPROVER),
            ("consultant", desk.consultant, None),
        ]
        page = "/cases/"
        if _page_available(page):
            for name, user, _role in people:
                client = Client()
                client.force_login(user)
                _measure(f"{label}: {name} queue page {page}", _get(client, page), requests)
        else:
            print(f"{label}: {page} is not there yet: measuring the queue querysets only", flush=True)
        for name, user, role in people:
            _measure(
                f"{label}: {name} queue queryset (page of 50 + counts)", _queue_query(user, role), requests
            )
            _measure(
                f"{label}: {name} queue queryset, deferred join (page of 50 + counts)",
                _queue_query(user, role, deferred=True),
                requests,
            )

        api = "/api/v1/cases"
        if _page_available(api):
            for name, user, _role in (people[0], people[3]):
                _record, token = ApiToken.issue(user, "bench")
                client = Client()
                _measure(
                    f"{label}: {name} API {api}",
                    _get(client, api, HTTP_AUTHORIZATION=f"Bearer {token}"),
                    requests,
                )
        else:
            print(f"{label}: {api} is not there yet: measuring the list queryset only", flush=True)
        for name, user, _role in (people[0], people[3]):
            _measure(f"{label}: {name} API list queryset (page of 50 + count)", _api_query(user), requests)
    finally:
        connection.close()
        if drop is not None:
            drop()
        workdir.cleanup()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: python -m bench.bench_cases LABEL DATABASE_URL  (run by `python -m bench`)")
    run(sys.argv[1], sys.argv[2])
