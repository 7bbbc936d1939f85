"""Site scanning: 1,000 sites served on loopback, scanned by two worker processes.

A server process answers for ``site-0000.bench.test`` … ``site-0999.bench.test``
(one asyncio HTTP/1.1 server on 127.0.0.1, the site chosen by the Host header):
each site has a home page with its license and filing numbers, a privacy
policy, a cart and four more pages, so a scan reads seven pages and tries the
https probe once. Two worker processes share the sites and scan them as the
task workers do (``fetch.scan_many``: concurrent sites, one request at a time
per host, the production pause of 1 s between requests to a host), then run
the rules (``sitecheck.analyse``) on each result. The names resolve to
127.0.0.1 through a replaced resolver, with ``ICPDESK_SCAN_ALLOW_PRIVATE=1``
(the bench's loopback sites would be refused otherwise).

Figures: sites per minute for the whole run, the time of each site's scan
(median and 90th percentile, under that load), and one typical scan alone
(with the pause and without it). Writing the results to the database is not
included. The speed probe of ``bench_assess`` is printed before and after.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import socket
import statistics
import time
import timeit
from dataclasses import replace

SITES = 1_000
WORKERS = 2
CONCURRENCY = 100  # sites in flight per worker
PAGES = ("/", "/privacy", "/cart", "/p1", "/p2", "/p3", "/p4")


def _probe() -> float:
    return min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6


def _page(n: int, path: str) -> bytes:
    if path == "/":
        links = "".join(f"<a href='{p}'>{p}</a>" for p in PAGES[1:])
        body = (
            f"<h1>陇货精品 {n}</h1><nav><a href='/cart'>购物车</a> <a href='/login'>登录</a></nav>{links}"
            f"<footer><p>甘B2-2025{n:04d}</p><p>甘ICP备{20230000 + n:08d}号-1</p>"
            "<a href='/privacy'>隐私政策</a></footer>"
        )
    else:
        body = f"<h1>{path}</h1>" + "<p>兰州百合、静宁苹果，产地直发。</p>" * 40
    head = f"<head><meta charset='utf-8'><title>{n}</title></head>"
    html = f"<!doctype html><html>{head}<body>{body}</body></html>"
    return html.encode("utf-8")


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        first = await reader.readexactly(1)
        if first == b"\x16":  # a TLS handshake (the scanner's https probe): this site has no https
            return
        while True:
            head = first + await reader.readuntil(b"\r\n\r\n")
            first = b""
            lines = head.decode("latin-1").split("\r\n")
            parts = lines[0].split(" ")
            if len(parts) != 3 or not parts[2].startswith("HTTP/"):
                break
            path = parts[1].split("?")[0]
            host = next(
                (v.strip() for k, _, v in (line.partition(":") for line in lines[1:]) if k.lower() == "host"),
                "",
            )
            name = host.split(":")[0]
            if name.startswith("site-") and path in PAGES:
                body, status = _page(int(name[5:9]), path), "200 OK"
            else:
                body, status = b"not found", "404 Not Found"
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await writer.drain()
    except (
        asyncio.IncompleteReadError,
        asyncio.LimitOverrunError,
        ConnectionError,
        UnicodeError,
        ValueError,
    ):
        pass
    finally:
        writer.close()


def _serve(sock: socket.socket) -> None:
    async def run() -> None:
        server = await asyncio.start_server(_handle, sock=sock, backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(run())


def _setup_worker() -> None:
    os.environ["ICPDESK_SCAN_ALLOW_PRIVATE"] = "1"
    from icpdesk.lib import netguard

    def resolve(host: str, port: int) -> list[str]:
        return ["127.0.0.1"] if host.endswith(".bench.test") else []

    netguard.resolve = resolve


def _scan_share(args: tuple[list[str], float, int]) -> list[tuple[float, int, int]]:
    """Scan the sites; (seconds, pages, findings) of each."""
    urls, pause, concurrency = args
    _setup_worker()
    from icpdesk.core import sitecheck
    from icpdesk.monitoring import fetch

    options = replace(fetch.ScanOptions(), pause=pause)
    limiter = fetch.HostLimiter(pause)
    gate = asyncio.Semaphore(concurrency)

    async def one(url: str, n: int) -> tuple[float, int, int]:
        async with gate:
            started = time.perf_counter()
            evidence = await fetch.scan_one(url, options, limiter)
            expect = sitecheck.Expectations(
                license_number=f"甘B2-2025{n:04d}",
                filing_number=f"甘ICP备{20230000 + n:08d}号",
                trading_platform=True,
            )
            found = sitecheck.analyse(evidence, expect)
            return time.perf_counter() - started, len(evidence.pages), len(found)

    async def run() -> list[tuple[float, int, int]]:
        return list(await asyncio.gather(*(one(u, int(u[12:16])) for u in urls)))

    return asyncio.run(run())


def _url(n: int, port: int) -> str:
    return f"http://site-{n:04d}.bench.test:{port}/"


def main() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    port = sock.getsockname()[1]
    context = multiprocessing.get_context("fork")
    server = context.Process(target=_serve, args=(sock,), daemon=True)
    server.start()
    try:
        before = _probe()
        # One typical scan alone, with the production pause and without it.
        for pause in (1.0, 0.0):
            (seconds, pages, found), *_ = _scan_share(([_url(1, port)], pause, 1))
            print(
                f"one typical scan alone, pause {pause:.0f} s: {seconds:.2f} s "
                f"({pages} pages, {found} finding)"
            )
        shares = [[_url(n, port) for n in range(SITES) if n % WORKERS == w] for w in range(WORKERS)]
        started = time.perf_counter()
        with context.Pool(WORKERS) as pool:
            results = pool.map(_scan_share, [(share, 1.0, CONCURRENCY) for share in shares])
        elapsed = time.perf_counter() - started
        scans = [r for part in results for r in part]
        times = sorted(s for s, _, _ in scans)
        pages = sum(p for _, p, _ in scans)
        read_all = sum(1 for _, p, _ in scans if p == len(PAGES))
        print(
            f"{SITES:,} sites, {WORKERS} workers x {CONCURRENCY} sites in flight, pause 1 s: "
            f"{elapsed:.1f} s, "
            f"{SITES / elapsed * 60:,.0f} sites/minute, {pages / elapsed:,.0f} pages/s "
            f"({read_all:,} sites read in full)"
        )
        print(
            f"one scan under that load: median {statistics.median(times):.2f} s, "
            f"90th percentile {times[int(len(times) * 0.9)]:.2f} s, slowest {times[-1]:.2f} s"
        )
        after = _probe()
        print(
            f"machine speed probe, sum(range(1000)): {before:.1f} µs before, {after:.1f} µs after "
            "(a shared machine's speed can halve from one second to the next)"
        )
    finally:
        server.terminate()
        server.join(5)
        sock.close()
