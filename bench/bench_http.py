"""The case list and the public lookup over HTTP, served by 1, 2 and 4 gunicorn processes on PostgreSQL.

Needs PostgreSQL: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/icpdesk python -m bench http``.
A fresh database ``<name>_bench_http`` is created beside the one named (and
dropped at the end) and filled by ``bench.generate``: 2,000 enterprises and
10,000 cases of one agency (``--enterprises``, ``--cases``), with the licenses
of the issued certificates. For each number of processes, ``icpdesk serve
--no-worker --workers N`` is started on a free loopback port and driven by a
bounded load generator in this process: ``--concurrency`` threads (8), each
with its own keep-alive httpx client, for ``--seconds`` (15) per page after a
two-second warm-up:

- the case list (``/cases/``) signed in as the agency's consultant (a session
  cookie), who sees every case;
- the public lookup (``/licenses/verify/?number=…``) of random existing
  license numbers, its per-address limit raised for the run
  (``ICPDESK_PUBLIC_LOOKUP_PER_MINUTE``), since every request comes from
  127.0.0.1.

Printed per page and process count: requests per second, p50 and p99 latency,
errors (any status but 200), and the speed-up over one process, beside the
machine's speed probe. The load generator shares the machine's cores with the
server processes.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _database(url: str, suffix: str) -> tuple[str, str]:
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    bench = f"{name.split('?')[0] or 'icpdesk'}_{suffix}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(bench)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(bench)))
    return f"{base}/{bench}", bench


def _drop(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{url.rpartition('/')[0]}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _serve(workers: int, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    import httpx

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "icpdesk.cli",
            "serve",
            "--no-worker",
            "--workers",
            str(workers),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"icpdesk serve exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    _stop(process)
    raise SystemExit("icpdesk serve did not answer within 90 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _drive(base: str, paths: list[str], cookies: dict[str, str], concurrency: int, seconds: float) -> Load:
    """``concurrency`` threads asking for ``paths`` (at random) for ``seconds``, one request at a time."""
    import httpx

    load = Load()
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client_loop(seed: int) -> None:
        pick = random.Random(seed)
        mine: list[float] = []
        errors = 0
        with httpx.Client(base_url=base, cookies=cookies, timeout=30) as client:
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                try:
                    response = client.get(pick.choice(paths))
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                mine.append(time.perf_counter() - started)
                errors += not ok
        with lock:
            load.latencies.extend(mine)
            load.errors += errors

    started = time.perf_counter()
    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds = time.perf_counter() - started
    return load


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workers", default="1,2,4", help="comma-separated server process counts")
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds of load per page and count")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--enterprises", type=int, default=2_000)
    parser.add_argument("--cases", type=int, default=10_000)
    args = parser.parse_args(argv if argv is not None else [])
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("http: skipped, needs DATABASE_URL=postgres://… (the server processes share a PostgreSQL)")
        return
    root = Path(tempfile.mkdtemp(prefix="icpdesk-bench-http-"))
    bench_url, bench_name = _database(url, "bench_http")
    os.environ["DATABASE_URL"] = bench_url
    os.environ["ICPDESK_MEDIA_ROOT"] = str(root / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icpdesk.settings")
    sys.path.insert(0, str(PROJECT_DIR))
    sys.path.insert(0, str(PROJECT_DIR / "src"))
    try:
        _run(args)
    finally:
        from django.db import connections

        connections.close_all()
        _drop(url, bench_name)
        shutil.rmtree(root, ignore_errors=True)


def _run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    import logging

    from django.core.management import call_command
    from django.test import Client

    logging.getLogger("httpx").setLevel(logging.WARNING)  # no line per request from the load generator

    from bench.bench_assess import _probe
    from bench.generate import generate
    from icpdesk.licenses.models import License

    call_command("migrate", verbosity=0)
    desk = generate(enterprises=args.enterprises, cases=args.cases)
    numbers = list(License.objects.values_list("number", flat=True)[:5_000])
    signed_in = Client()
    signed_in.force_login(desk.consultant)
    cookies = {name: morsel.value for name, morsel in signed_in.cookies.items()}
    print(
        f"data: {desk.enterprises:,} enterprises, {desk.cases:,} cases, {len(numbers):,} licenses looked up "
        f"at random; {args.concurrency} concurrent clients, {args.seconds:.0f} s per page",
        flush=True,
    )
    if not numbers:
        raise SystemExit("no license was generated: raise --cases")
    pages = {
        "case list": (["/cases/"], cookies),
        "public lookup": ([f"/licenses/verify/?number={n}" for n in numbers], {}),
    }
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(PROJECT_DIR / "src"), str(PROJECT_DIR)]),
        "ICPDESK_PUBLIC_LOOKUP_PER_MINUTE": "100000000",
    }
    rates: dict[str, dict[int, float]] = {name: {} for name in pages}
    for workers in [int(w) for w in args.workers.split(",") if w.strip()]:
        port = _free_port()
        server = _serve(workers, port, env)
        base = f"http://127.0.0.1:{port}"
        try:
            for name, (paths, jar) in pages.items():
                _drive(base, paths, jar, args.concurrency, 2.0)  # every process warm
                before = _probe()
                load = _drive(base, paths, jar, args.concurrency, args.seconds)
                after = _probe()
                rate = len(load.latencies) / load.seconds
                rates[name][workers] = rate
                print(
                    f"{name}, {workers} process{'es' if workers != 1 else ''}: {rate:.1f} requests/s, "
                    f"p50 {load.percentile(0.50) * 1000:.1f} ms, p99 {load.percentile(0.99) * 1000:.1f} ms "
                    f"({len(load.latencies):,} requests, {load.errors} errors); machine speed probe "
                    f"{before:.1f} µs before, {after:.1f} µs after, load average {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
        finally:
            _stop(server)
    for name, by_count in rates.items():
        one = by_count.get(1)
        if one:
            ups = ", ".join(f"{n} processes {r / one:.2f}x" for n, r in sorted(by_count.items()) if n != 1)
            print(f"{name}: speed-up over one process: {ups}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
