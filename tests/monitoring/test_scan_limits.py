"""How the scanner reads a site: two levels, at most N pages, capped bodies, redirects, politeness."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from typing import Any

import pytest

from icpdesk.lib import netguard
from icpdesk.monitoring import fetch
from tests.monitoring.conftest import FAST, Site, page, scan


def test_two_levels_of_links_are_read_and_no_deeper(site: Site) -> None:
    site.serve("/", page("<a href='/a'>a</a>"))
    site.serve("/a", page("<a href='/b'>b</a>"))
    site.serve("/b", page("<a href='/c'>c</a>"))
    site.serve("/c", page("c"))
    evidence = scan(site.url)
    assert [p.url.removeprefix(site.url.rstrip("/")) for p in evidence.pages] == ["/", "/a", "/b"]
    assert [p.depth for p in evidence.pages] == [0, 1, 2]


def test_at_most_max_pages_are_read_and_other_sites_are_not_followed(site: Site) -> None:
    links = "".join(f"<a href='/p{i}'>{i}</a>" for i in range(40))
    site.serve("/", page(links + "<a href='http://elsewhere.example.cn/'>x</a><a href='/logo.png'>logo</a>"))
    for i in range(40):
        site.serve(f"/p{i}", page(str(i)))
    evidence = scan(site.url)
    assert len(evidence.pages) == 30
    small = scan(site.url, replace(FAST, max_pages=5))
    assert len(small.pages) == 5
    assert all(p.url.startswith(site.url) for p in evidence.pages)


def test_a_body_is_read_up_to_the_cap(site: Site) -> None:
    site.serve("/", page("<p>" + "商" * 2000 + "</p>甘B2-20250001"))
    evidence = scan(site.url, replace(FAST, max_bytes=4000))
    assert evidence.home is not None and "甘B2-20250001" not in evidence.home.text


def test_redirects_are_followed_up_to_five(site: Site) -> None:
    for i in range(6):
        site.serve(f"/r{i}", "", status=302, headers={"Location": f"/r{i + 1}"})
    site.serve("/r6", page("end"))
    site.serve("/", "", status=301, headers={"Location": "/r2"})
    assert scan(site.url).home is not None  # 1 + 4 redirects: read
    evidence = scan(site.url.rstrip("/") + "/r0")
    assert evidence.failure == ("unreachable.connect", {"reason": "too many redirects"})


def test_the_user_agent_names_the_desk(site: Site) -> None:
    site.serve("/", page("x"))
    scan(site.url)
    (request, _), *_ = site.server.log
    assert request.headers["User-Agent"].startswith("icpdesk-sitecheck/")


def test_requests_to_one_host_wait_their_turn_with_a_pause(site: Site) -> None:
    site.serve("/", page("<a href='/a'>a</a><a href='/b'>b</a>"))
    site.serve("/a", page("a"))
    site.serve("/b", page("b"))
    started = time.monotonic()
    scan(site.url, replace(FAST, pause=0.2))
    assert time.monotonic() - started >= 0.2 * 3  # four requests (with the https probe), three pauses


def test_two_sites_are_scanned_at_the_same_time(allow_private: None) -> None:
    from pytest_httpserver import HTTPServer

    servers = [HTTPServer(host="127.0.0.1", port=0) for _ in range(2)]
    for server in servers:
        server.expect_request("/").respond_with_data(page("<a href='/a'>a</a>"), content_type="text/html")
        server.expect_request("/a").respond_with_data(page("a"), content_type="text/html")
        server.start()
    try:
        import asyncio

        started = time.monotonic()
        results = asyncio.run(
            fetch.scan_many([f"http://127.0.0.1:{s.port}/" for s in servers], replace(FAST, pause=0.3))
        )
        elapsed = time.monotonic() - started
    finally:
        for server in servers:
            server.stop()
    assert all(not isinstance(r, BaseException) and r.home is not None for r in results)
    assert elapsed < 0.3 * 2 * 2  # the two sites' pauses overlap


# ------------------------------------------------------------------ the address rule


@pytest.fixture
def stand_in_public(monkeypatch: Any) -> None:
    """127.0.0.2 stands in for a public site; every other address keeps the real rule."""
    monkeypatch.delenv(netguard.ALLOW_PRIVATE_ENV, raising=False)
    real = netguard.address_problem
    monkeypatch.setattr(netguard, "address_problem", lambda a: None if str(a) == "127.0.0.2" else real(a))


def test_a_site_redirecting_to_127_0_0_1_is_refused(stand_in_public: None) -> None:
    from pytest_httpserver import HTTPServer

    inside = HTTPServer(host="127.0.0.1", port=0)
    inside.expect_request("/").respond_with_data("secret admin page")
    inside.start()
    public = HTTPServer(host="127.0.0.2", port=0)
    public.expect_request("/").respond_with_data(
        "", status=302, headers={"Location": f"http://127.0.0.1:{inside.port}/"}
    )
    public.start()
    try:
        with pytest.raises(netguard.AddressRefused) as caught:
            scan(f"http://127.0.0.2:{public.port}/")
    finally:
        public.stop()
        inside.stop()
    assert caught.value.code == "loopback" and caught.value.address == "127.0.0.1"
    assert len(public.log) == 1 and inside.log == []


def test_an_inner_link_to_an_internal_address_is_skipped(stand_in_public: None) -> None:
    from pytest_httpserver import HTTPServer

    public = HTTPServer(host="127.0.0.2", port=0)
    public.expect_request("/").respond_with_data(page("<a href='/go'>go</a>"), content_type="text/html")
    public.expect_request("/go").respond_with_data("", status=302, headers={"Location": "http://10.1.1.1/"})
    public.start()
    try:
        evidence = scan(f"http://127.0.0.2:{public.port}/")
    finally:
        public.stop()
    assert len(evidence.pages) == 1


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch: Any) -> None:
    monkeypatch.delenv(netguard.ALLOW_PRIVATE_ENV, raising=False)
    monkeypatch.setattr(netguard, "resolve", lambda host, port: ["172.20.0.3"])
    with pytest.raises(netguard.AddressRefused) as caught:
        scan("https://shop.example.cn/")
    assert (caught.value.code, caught.value.host) == ("private", "shop.example.cn")


def test_a_scan_runs_from_a_thread_that_already_runs_an_event_loop() -> None:
    """A worker thread driving another loop (a browser driver's, an ASGI server's) can still scan."""
    from icpdesk.monitoring import fetch

    async def caller() -> int:
        return fetch.run_sync(asyncio.sleep(0, result=42))

    assert asyncio.run(caller()) == 42
