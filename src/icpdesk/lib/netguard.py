"""The outbound-address guard: the desk's own requests (site scans, group-robot webhooks)
never reach its own network.

A URL is allowed when its scheme is http or https and every address its host
resolves to is a public unicast address: loopback, private (RFC 1918, ULA),
link-local, multicast, reserved, unspecified, shared/CGNAT (100.64.0.0/10),
documentation and benchmarking ranges, and IPv6 forms that embed one of those
(IPv4-mapped, 6to4, NAT64, Teredo) are refused. The check runs after the name
is resolved and again for every redirect, which the callers follow by hand.

The connection then goes to the address that was checked, not to a second
resolution of the name (no DNS-rebinding window): the request URL carries the
address, the ``Host`` header keeps the name, and for https the TLS server name
(SNI) and the certificate check keep the name too (httpcore's ``sni_hostname``
request extension).

``ICPDESK_SCAN_ALLOW_PRIVATE=1`` lifts the address rule (the scheme rule stays).
It exists for the test suite and the benchmarks, which serve sites on
127.0.0.1; a deployment must never set it.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

ALLOW_PRIVATE_ENV = "ICPDESK_SCAN_ALLOW_PRIVATE"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")

# (reason code, Chinese, English) for each kind of refusal.
REASONS: dict[str, tuple[str, str]] = {
    "scheme": ("只允许 http:// 或 https:// 地址", "only http:// and https:// addresses are allowed"),
    "no_host": ("地址中没有主机名", "the address has no host name"),
    "credentials": ("地址中不得包含用户名或密码", "the address must not carry a user name or password"),
    "unresolvable": ("无法解析该主机名", "the host name does not resolve"),
    "loopback": ("该地址指向本机（回环地址）", "the address is a loopback address"),
    "private": ("该地址是内网（私有）地址", "the address is a private address"),
    "shared": ("该地址是运营商共享地址（100.64.0.0/10）", "the address is a shared (CGNAT) address"),
    "link_local": ("该地址是链路本地地址", "the address is a link-local address"),
    "multicast": ("该地址是组播地址", "the address is a multicast address"),
    "unspecified": ("该地址是未指定地址", "the address is the unspecified address"),
    "reserved": ("该地址是保留地址，不在公网上", "the address is reserved, not on the public internet"),
}


class AddressRefused(Exception):
    """An address the desk will not connect to; ``code`` is one of :data:`REASONS`."""

    def __init__(self, code: str, host: str = "", address: str = "") -> None:
        self.code = code
        self.host = host
        self.address = address
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh-hans") -> str:
        zh, en = REASONS.get(self.code, REASONS["reserved"])
        where = self.host + (f" ({self.address})" if self.address and self.address != self.host else "")
        if lang.startswith("en"):
            return f"{en}: {where}" if where else en
        return f"{zh}：{where}" if where else zh


def allow_private() -> bool:
    return os.environ.get(ALLOW_PRIVATE_ENV, "").strip() == "1"


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or ip in _NAT64_LOCAL:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_problem(address: str | IPAddress) -> str | None:
    """Why the desk refuses to connect to ``address`` (a reason code), or ``None`` for a public one."""
    try:
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    except ValueError:
        return "unresolvable"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return "link_local"
        inner = _embedded_ipv4(ip)
        if inner is not None:
            problem = address_problem(inner)
            if problem or ip.ipv4_mapped is not None:
                return problem
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link_local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED:
        return "shared"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "reserved"
    return None


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (the system resolver); tests replace this function."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        return []
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in seen:
            seen.append(address)
    return seen


@dataclass(frozen=True, slots=True)
class Target:
    """A checked URL and the address to connect to."""

    url: httpx.URL
    host: str
    port: int
    address: str
    addresses: tuple[str, ...]

    @property
    def pinned_url(self) -> httpx.URL:
        return self.url.copy_with(host=self.address)

    @property
    def host_header(self) -> str:
        default = 443 if self.url.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"

    def extensions(self) -> dict[str, Any]:
        return {"sni_hostname": self.host} if self.url.scheme == "https" else {}


def check_url(url: str | httpx.URL) -> Target:
    """Parse, resolve and check ``url``; raise :class:`AddressRefused` if the desk must not go there."""
    try:
        parsed = httpx.URL(url) if isinstance(url, str) else url
    except (httpx.InvalidURL, ValueError, TypeError):
        raise AddressRefused("scheme") from None
    if parsed.scheme not in ("http", "https"):
        raise AddressRefused("scheme", str(parsed)[:80])
    host = parsed.host
    if not host:
        raise AddressRefused("no_host")
    if parsed.userinfo:
        raise AddressRefused("credentials", host)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    addresses = [str(literal)] if literal is not None else resolve(host, port)
    if not addresses:
        raise AddressRefused("unresolvable", host)
    if not allow_private():
        for address in addresses:
            problem = address_problem(address)
            if problem:
                raise AddressRefused(problem, host, address)
    return Target(url=parsed, host=host, port=port, address=addresses[0], addresses=tuple(addresses))


def check_addresses(host: str, addresses: Iterable[str]) -> None:
    """Refuse if any of ``addresses`` (of ``host``) is not public (unless private ones are allowed)."""
    if allow_private():
        return
    for address in addresses:
        problem = address_problem(address)
        if problem:
            raise AddressRefused(problem, host, address)


REDIRECTS = frozenset({301, 302, 303, 307, 308})


def redirect_target(current: httpx.URL, status: int, headers: Mapping[str, str]) -> httpx.URL | None:
    """The URL a redirect answer points to, or ``None`` when the answer is not a redirect."""
    if status not in REDIRECTS:
        return None
    location = headers.get("location", "")
    if not location:
        return None
    try:
        return current.join(location)
    except (httpx.InvalidURL, ValueError):
        raise AddressRefused("scheme", location[:80]) from None


@dataclass(slots=True)
class Fetched:
    """A response read through the guard: where it ended, its status, headers and (capped) body."""

    url: httpx.URL
    status: int
    headers: httpx.Headers
    body: bytes
    truncated: bool
    redirects: tuple[str, ...]


class TooManyRedirects(Exception):
    pass


def _prepare(
    client: httpx.Client | httpx.AsyncClient,
    method: str,
    target: Target,
    headers: Mapping[str, str],
    content: bytes | None,
) -> httpx.Request:
    merged = {**headers, "Host": target.host_header}
    return client.build_request(
        method, target.pinned_url, headers=merged, content=content, extensions=target.extensions()
    )


def _after_redirect(method: str, status: int, content: bytes | None) -> tuple[str, bytes | None]:
    if status in (307, 308):
        return method, content
    return ("GET" if method != "HEAD" else "HEAD"), None


def fetch(
    client: httpx.Client,
    url: str | httpx.URL,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    content: bytes | None = None,
    max_redirects: int = 5,
    max_bytes: int = 2 * 1024 * 1024,
) -> Fetched:
    """Send one request through the guard with a synchronous client, following redirects by hand.

    The client must be made with ``follow_redirects=False`` and ``trust_env=False``
    (see :func:`client_options`)."""
    current = httpx.URL(url) if isinstance(url, str) else url
    hops: list[str] = []
    while True:
        target = check_url(current)
        request = _prepare(client, method, target, headers or {}, content)
        response = client.send(request, stream=True)
        try:
            nxt = redirect_target(current, response.status_code, response.headers)
            if nxt is None:
                body, truncated = _read_capped(response.iter_bytes(), max_bytes)
                return Fetched(current, response.status_code, response.headers, body, truncated, tuple(hops))
        finally:
            response.close()
        if len(hops) >= max_redirects:
            raise TooManyRedirects(str(current))
        hops.append(str(current))
        method, content = _after_redirect(method, response.status_code, content)
        current = nxt


async def afetch(
    client: httpx.AsyncClient,
    url: str | httpx.URL,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    content: bytes | None = None,
    max_redirects: int = 5,
    max_bytes: int = 2 * 1024 * 1024,
) -> Fetched:
    """:func:`fetch` for an asynchronous client; the name is resolved in a worker thread."""
    import asyncio

    current = httpx.URL(url) if isinstance(url, str) else url
    hops: list[str] = []
    while True:
        target = await asyncio.to_thread(check_url, current)
        request = _prepare(client, method, target, headers or {}, content)
        response = await client.send(request, stream=True)
        try:
            nxt = redirect_target(current, response.status_code, response.headers)
            if nxt is None:
                chunks: list[bytes] = []
                size = 0
                truncated = False
                async for chunk in response.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > max_bytes:
                        truncated = True
                        break
                body = b"".join(chunks)[:max_bytes]
                return Fetched(current, response.status_code, response.headers, body, truncated, tuple(hops))
        finally:
            await response.aclose()
        if len(hops) >= max_redirects:
            raise TooManyRedirects(str(current))
        hops.append(str(current))
        method, content = _after_redirect(method, response.status_code, content)
        current = nxt


def _read_capped(chunks: Iterable[bytes], max_bytes: int) -> tuple[bytes, bool]:
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        parts.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            return b"".join(parts)[:max_bytes], True
    return b"".join(parts), False


def client_options(timeout: float = 10.0) -> dict[str, Any]:
    """Options every guarded client needs: no automatic redirects, no proxy from the environment
    (a proxy would resolve the name again), and the timeout."""
    return {"follow_redirects": False, "trust_env": False, "timeout": httpx.Timeout(timeout)}
