"""Fetching a licensed site the way an inspector would look at it, politely and safely.

One :class:`Scanner` reads one site: the home page, then same-site pages reachable
from it (breadth first, ``max_depth`` levels, ``max_pages`` pages), the privacy
links of the home page, and the addresses of its host. Every request goes
through :mod:`icpdesk.lib.netguard` (checked address, checked redirects,
capped body, no proxy from the environment). A :class:`HostLimiter` shared by
the scans of one process keeps one request at a time per host, with a pause
between them; scans of different sites run concurrently on one event loop, so
a slow site never holds up the others.

Each site gets its own httpx client (its connections are never reused for
another site that happens to share an address and would need another TLS
server name); the TLS contexts are built once and shared.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import re
import ssl
from collections.abc import AsyncIterator, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import httpx

from icpdesk import __version__
from icpdesk.core.sitecheck import Page, SiteEvidence, looks_like_privacy_link
from icpdesk.lib import netguard
from icpdesk.monitoring import geo, html

# A scan makes dozens of requests; httpx's line per request would bury the desk's own log.
logging.getLogger("httpx").setLevel(logging.WARNING)

USER_AGENT = f"icpdesk-sitecheck/{__version__} (ICP license monitoring of the communications administration)"
_SKIP_EXTENSIONS = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|bmp|pdf|zip|rar|7z|gz|tar|docx?|xlsx?|pptx?|mp[34]|avi|mov|css|js|woff2?|ttf|apk|exe)$",
    re.IGNORECASE,
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
MAX_PRIVACY_LINKS = 3


@dataclass(frozen=True, slots=True)
class ScanOptions:
    max_pages: int = 30
    max_depth: int = 2
    timeout: float = 10.0
    max_bytes: int = 2 * 1024 * 1024
    max_redirects: int = 5
    pause: float = 1.0
    user_agent: str = USER_AGENT
    # True (the system's trust store through certifi), or a context (tests pass trustme's CA).
    verify: ssl.SSLContext | bool = True


class HostLimiter:
    """One request at a time per host, and ``pause`` seconds between the end of one and the next."""

    def __init__(self, pause: float) -> None:
        self.pause = pause
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, float] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(host, asyncio.Lock())
        loop = asyncio.get_running_loop()
        async with lock:
            wait = self._last.get(host, -1e9) + self.pause - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._last[host] = loop.time()


@cache
def _unverified_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@cache
def _default_context() -> ssl.SSLContext:
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _cert_error(error: BaseException) -> ssl.SSLCertVerificationError | None:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        current = current.__cause__ or current.__context__
    return None


def _reason(error: BaseException) -> str:
    if isinstance(error, netguard.TooManyRedirects):
        return "too many redirects"
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    if isinstance(error, httpx.ConnectError):
        return "connection failed"
    if isinstance(error, httpx.RemoteProtocolError):
        return "protocol error"
    return "request failed"


def decode(body: bytes, headers: httpx.Headers) -> str:
    content_type = headers.get("content-type", "")
    charset = ""
    if "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    if not charset:
        m = _META_CHARSET.search(body[:4096])
        charset = m.group(1).decode("ascii").lower() if m else ""
    if charset in ("gb2312", "gbk"):
        charset = "gb18030"
    for candidate in (charset, "utf-8", "gb18030"):
        if not candidate:
            continue
        try:
            return body.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("utf-8", errors="replace")


def _is_html(headers: httpx.Headers) -> bool:
    content_type = headers.get("content-type", "").lower()
    return not content_type or "html" in content_type or content_type.startswith("text/plain")


def _site_key(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def start_url(value: str) -> httpx.URL:
    """The URL to start from: a bare domain (``shop.example.cn``) starts at its https home page."""
    value = value.strip()
    if "://" not in value:
        value = "https://" + value
    url = httpx.URL(value)
    if not url.path:
        url = url.copy_with(path="/")
    return url


@dataclass(slots=True)
class _Crawl:
    pages: list[Page] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)


class Scanner:
    """Reads one site; use as ``async with Scanner(options, limiter) as s: await s.scan(url)``."""

    def __init__(self, options: ScanOptions | None = None, limiter: HostLimiter | None = None) -> None:
        self.options = options or ScanOptions()
        self.limiter = limiter or HostLimiter(self.options.pause)
        verify = self.options.verify
        self._verify: ssl.SSLContext = (
            verify
            if isinstance(verify, ssl.SSLContext)
            else (_default_context() if verify else _unverified_context())
        )
        self._clients: dict[bool, httpx.AsyncClient] = {}
        self.requests = 0

    async def __aenter__(self) -> Scanner:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()

    def _client(self, verified: bool) -> httpx.AsyncClient:
        client = self._clients.get(verified)
        if client is None:
            client = httpx.AsyncClient(
                verify=self._verify if verified else _unverified_context(),
                headers={
                    "User-Agent": self.options.user_agent,
                    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
                },
                limits=httpx.Limits(max_connections=2, max_keepalive_connections=2),
                **netguard.client_options(self.options.timeout),
            )
            self._clients[verified] = client
        return client

    async def get(self, url: httpx.URL, *, verified: bool = True) -> netguard.Fetched:
        """One guarded GET, in the host's turn."""
        async with self.limiter.slot(_site_key(url.host) + f":{url.port or ''}"):
            self.requests += 1
            return await asyncio.wait_for(
                netguard.afetch(
                    self._client(verified),
                    url,
                    max_redirects=self.options.max_redirects,
                    max_bytes=self.options.max_bytes,
                ),
                timeout=self.options.timeout * (self.options.max_redirects + 1),
            )

    async def scan(self, value: str) -> SiteEvidence:
        """Read the site; raise :class:`netguard.AddressRefused` when its home page (or a redirect
        of it) is an address the desk does not connect to."""
        url = start_url(value)
        try:
            await asyncio.to_thread(netguard.check_url, url)
            home, tls, tls_reason, failure = await self._home(url)
        except netguard.AddressRefused as refused:
            if refused.code != "unresolvable":
                raise
            # A name that does not resolve is a site that cannot be reached, not a refusal.
            reason = {"reason": "the name does not resolve"}
            return SiteEvidence(start_url=str(url), home=None, failure=("unreachable.connect", reason))
        evidence = SiteEvidence(start_url=str(url), home=None, tls=tls, tls_reason=tls_reason)
        if home is None:
            return replace(evidence, failure=failure)
        if home.status >= 400:
            return replace(evidence, failure=("unreachable.status", {"status": str(home.status)}))
        if not _is_html(home.headers):
            content_type = home.headers.get("content-type", "").split(";")[0]
            return replace(evidence, failure=("unreachable.not_html", {"content_type": content_type}))
        verified = tls != "invalid_certificate"
        home_page = html.parse(decode(home.body, home.headers), str(home.url), home.status)
        crawl = await self._crawl(home_page, verified)
        privacy = await self._privacy(home_page, crawl, verified)
        addresses = await self._addresses(home.url)
        return replace(
            evidence,
            home=home_page,
            pages=tuple(crawl.pages),
            privacy_links=tuple(privacy),
            addresses=tuple(addresses),
        )

    async def _home(
        self, url: httpx.URL
    ) -> tuple[netguard.Fetched | None, str, str, tuple[str, dict[str, str]] | None]:
        """The home page, how HTTPS went (ok, no_service, invalid_certificate) and why it failed."""
        tls, tls_reason = "ok", ""
        try:
            fetched = await self.get(url)
        except netguard.AddressRefused:
            raise
        except Exception as error:
            cert = _cert_error(error)
            if cert is not None:
                tls, tls_reason = "invalid_certificate", str(cert.verify_message or cert.reason or "")
                try:
                    fetched = await self.get(url, verified=False)
                except netguard.AddressRefused:
                    raise
                except Exception as again:
                    return None, tls, tls_reason, ("unreachable.connect", {"reason": _reason(again)})
                return fetched, tls, tls_reason, None
            if url.scheme != "https":
                return None, tls, tls_reason, ("unreachable.connect", {"reason": _reason(error)})
            # No HTTPS: try the same address over plain HTTP.
            plain = url.copy_with(scheme="http", port=url.port)
            try:
                fetched = await self.get(plain)
            except netguard.AddressRefused:
                raise
            except Exception as again:
                return None, tls, tls_reason, ("unreachable.connect", {"reason": _reason(again)})
            return fetched, ("ok" if fetched.url.scheme == "https" else "no_service"), "", None
        if fetched.url.scheme == "https":
            return fetched, tls, tls_reason, None
        # Served over plain HTTP without a redirect: does the host offer HTTPS at all?
        probe = fetched.url.copy_with(scheme="https", path="/", query=None)
        try:
            answer = await self.get(probe)
        except netguard.AddressRefused:
            return fetched, "no_service", "", None
        except Exception as error:
            cert = _cert_error(error)
            if cert is not None:
                return fetched, "invalid_certificate", str(cert.verify_message or cert.reason or ""), None
            return fetched, "no_service", "", None
        del answer
        return fetched, tls, tls_reason, None

    def _same_site(self, home: httpx.URL, link: httpx.URL) -> bool:
        return (
            link.scheme in ("http", "https")
            and _site_key(link.host) == _site_key(home.host)
            and (link.port == home.port or link.scheme != home.scheme)
        )

    async def _crawl(self, home: Page, verified: bool) -> _Crawl:
        crawl = _Crawl(pages=[home], statuses={home.url: home.status})
        home_url = httpx.URL(home.url)
        seen = {home.url}
        frontier: list[tuple[str, int]] = []

        def enqueue(page: Page) -> None:
            if page.depth >= self.options.max_depth:
                return
            for link in page.links:
                try:
                    target = httpx.URL(link.href)
                except (httpx.InvalidURL, ValueError):
                    continue
                key = str(target.copy_with(fragment=None))
                if (
                    key in seen
                    or not self._same_site(home_url, target)
                    or _SKIP_EXTENSIONS.search(target.path)
                ):
                    continue
                seen.add(key)
                frontier.append((key, page.depth + 1))

        enqueue(home)
        while frontier and len(crawl.pages) < self.options.max_pages:
            href, depth = frontier.pop(0)
            try:
                fetched = await self.get(httpx.URL(href), verified=verified)
            except Exception:  # a refused or failing inner page is skipped, the scan goes on
                crawl.statuses[href] = 0
                continue
            crawl.statuses[href] = fetched.status
            crawl.statuses[str(fetched.url)] = fetched.status
            if fetched.status >= 400 or not _is_html(fetched.headers):
                continue
            page = html.parse(decode(fetched.body, fetched.headers), str(fetched.url), fetched.status, depth)
            crawl.pages.append(page)
            enqueue(page)
        return crawl

    async def _privacy(self, home: Page, crawl: _Crawl, verified: bool) -> list[tuple[str, int]]:
        tried: list[tuple[str, int]] = []
        for link in home.links:
            if not looks_like_privacy_link(link.href, link.text):
                continue
            if len(tried) >= MAX_PRIVACY_LINKS:
                break
            status = crawl.statuses.get(link.href)
            if status is None:
                try:
                    fetched = await self.get(httpx.URL(link.href), verified=verified)
                    status = fetched.status
                except Exception:
                    status = 0
            tried.append((link.href, status))
        return tried

    async def _addresses(self, url: httpx.URL) -> list[tuple[str, str]]:
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        addresses = await asyncio.to_thread(_addresses_of, host, port)
        return [(address, geo.country_of(address)) for address in addresses]


def _addresses_of(host: str, port: int) -> list[str]:
    import ipaddress

    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        return netguard.resolve(host, port)


async def scan_one(
    value: str, options: ScanOptions | None = None, limiter: HostLimiter | None = None
) -> SiteEvidence:
    async with Scanner(options, limiter) as scanner:
        return await scanner.scan(value)


async def scan_many(
    values: Sequence[str], options: ScanOptions | None = None, concurrency: int = 50
) -> list[SiteEvidence | BaseException]:
    """Scan sites concurrently (at most ``concurrency`` at once, one request per host at a time)."""
    options = options or ScanOptions()
    limiter = HostLimiter(options.pause)
    gate = asyncio.Semaphore(concurrency)

    async def one(value: str) -> SiteEvidence | BaseException:
        async with gate:
            try:
                return await scan_one(value, options, limiter)
            except Exception as error:
                return error

    return list(await asyncio.gather(*(one(v) for v in values)))


def run_sync[T](work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end from synchronous code.

    A thread that already runs an event loop (an ASGI server's, a browser
    driver's) cannot start another, so the work then gets a thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()


def run(value: str, options: ScanOptions | None = None) -> SiteEvidence:
    """Scan one site from synchronous code (a task worker, the CLI)."""
    return run_sync(scan_one(value, options))


def options_from(settings: Any) -> ScanOptions:
    """The scan options a Django settings object names (``MONITORING_*``)."""
    return ScanOptions(
        max_pages=int(getattr(settings, "MONITORING_MAX_PAGES", 30)),
        max_depth=int(getattr(settings, "MONITORING_MAX_DEPTH", 2)),
        timeout=float(getattr(settings, "MONITORING_TIMEOUT_SECONDS", 10)),
        max_bytes=int(getattr(settings, "MONITORING_MAX_BYTES", 2 * 1024 * 1024)),
        max_redirects=int(getattr(settings, "MONITORING_MAX_REDIRECTS", 5)),
        pause=float(getattr(settings, "MONITORING_PAUSE_SECONDS", 1.0)),
    )
