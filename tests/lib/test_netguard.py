"""The address guard: which addresses are refused, resolving, pinning the checked address, redirects."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from icpdesk.lib import netguard


@pytest.fixture(autouse=True)
def _no_private(monkeypatch: Any) -> None:
    monkeypatch.delenv(netguard.ALLOW_PRIVATE_ENV, raising=False)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("100.64.0.1", "shared"),
        ("100.127.255.254", "shared"),
        ("169.254.169.254", "link_local"),
        ("fe80::1", "link_local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address to refuse, not one to bind
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "link_local"),
        ("64:ff9b::a00:1", "private"),
        ("2002:a00:1::1", "private"),
        ("not an address", "unresolvable"),
    ],
)
def test_internal_addresses_are_refused_with_their_reason(address: str, reason: str) -> None:
    assert netguard.address_problem(address) == reason


@pytest.mark.parametrize("address", ["8.8.8.8", "1.2.4.8", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert netguard.address_problem(address) is None


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.cn/", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://example.cn/", "scheme"),
        ("http://user:secret@8.8.8.8/", "credentials"),
        ("http://127.0.0.1:8000/admin/", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link_local"),
    ],
)
def test_check_url_refuses_bad_urls(url: str, code: str) -> None:
    with pytest.raises(netguard.AddressRefused) as caught:
        netguard.check_url(url)
    assert caught.value.code == code


def test_a_name_that_resolves_to_a_private_address_is_refused(monkeypatch: Any) -> None:
    monkeypatch.setattr(netguard, "resolve", lambda host, port: ["93.184.216.34", "10.0.0.7"])
    with pytest.raises(netguard.AddressRefused) as caught:
        netguard.check_url("https://shop.example.cn/")
    assert (caught.value.code, caught.value.address) == ("private", "10.0.0.7")
    assert "内网" in caught.value.message() and "private" in caught.value.message("en")


def test_a_name_that_does_not_resolve_is_refused(monkeypatch: Any) -> None:
    monkeypatch.setattr(netguard, "resolve", lambda host, port: [])
    with pytest.raises(netguard.AddressRefused) as caught:
        netguard.check_url("https://nowhere.example.cn/")
    assert caught.value.code == "unresolvable"


def test_the_test_switch_lets_private_addresses_through(monkeypatch: Any) -> None:
    monkeypatch.setenv(netguard.ALLOW_PRIVATE_ENV, "1")
    assert netguard.check_url("http://127.0.0.1:8000/").address == "127.0.0.1"
    with pytest.raises(netguard.AddressRefused):
        netguard.check_url("ftp://127.0.0.1/")  # the scheme rule stays


def _client(handler: Any) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler), **netguard.client_options(5))


def test_the_connection_goes_to_the_checked_address_with_the_name_kept(monkeypatch: Any) -> None:
    calls = iter([["93.184.216.34"], ["10.9.9.9"]])  # a second resolution would be a rebinding
    monkeypatch.setattr(netguard, "resolve", lambda host, port: next(calls))
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="ok")

    with _client(handler) as client:
        fetched = netguard.fetch(client, "https://shop.example.cn/index.html?a=1")
    assert fetched.status == 200 and fetched.body == b"ok"
    (request,) = seen
    assert request.url.host == "93.184.216.34" and request.url.path == "/index.html"
    assert request.headers["Host"] == "shop.example.cn"
    assert request.extensions["sni_hostname"] == "shop.example.cn"


def test_a_redirect_to_127_0_0_1_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://127.0.0.1:8000/admin/"})

    with _client(handler) as client, pytest.raises(netguard.AddressRefused) as caught:
        netguard.fetch(client, "http://93.184.216.34/")
    assert caught.value.code == "loopback"


def test_a_redirect_to_a_name_resolving_to_a_private_address_is_refused(monkeypatch: Any) -> None:
    monkeypatch.setattr(netguard, "resolve", lambda host, port: ["192.168.0.10"])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(307, headers={"Location": "https://intranet.example.cn/"})

    with _client(handler) as client, pytest.raises(netguard.AddressRefused) as caught:
        netguard.fetch(client, "http://93.184.216.34/", method="POST", content=b"{}")
    assert (caught.value.code, caught.value.host) == ("private", "intranet.example.cn")


def test_redirects_are_followed_by_hand_at_most_five_times() -> None:
    hops: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hops.append(request.url.path)
        return httpx.Response(301, headers={"Location": f"/hop{len(hops)}"})

    with _client(handler) as client, pytest.raises(netguard.TooManyRedirects):
        netguard.fetch(client, "http://93.184.216.34/", max_redirects=5)
    assert hops == ["/", "/hop1", "/hop2", "/hop3", "/hop4", "/hop5"]


def test_a_303_turns_a_post_into_a_get_and_a_307_keeps_it() -> None:
    methods: list[tuple[str, bytes]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        methods.append((request.method, request.content))
        if request.url.path == "/a":
            return httpx.Response(307, headers={"Location": "/b"})
        if request.url.path == "/b":
            return httpx.Response(303, headers={"Location": "/c"})
        return httpx.Response(200)

    with _client(handler) as client:
        fetched = netguard.fetch(client, "http://93.184.216.34/a", method="POST", content=b"x")
    assert fetched.redirects == ("http://93.184.216.34/a", "http://93.184.216.34/b")
    assert methods == [("POST", b"x"), ("POST", b"x"), ("GET", b"")]


def test_the_body_is_capped() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * 5000)

    with _client(handler) as client:
        fetched = netguard.fetch(client, "http://93.184.216.34/", max_bytes=1000)
    assert len(fetched.body) == 1000 and fetched.truncated
